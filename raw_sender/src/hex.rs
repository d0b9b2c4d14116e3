//! Bytes written as hex text, and hex text read back: how bytes travel
//! through a command line (`--data-hex`, `--ip-options`) and how
//! `--encode hex` hides a payload (`listener --decode hex` undoes it).

/// Bytes as plain hex: "0a0b0c".
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Hex back to bytes: "48 69:0a" or "48690a". Spaces and colons between
/// bytes are ignored.
pub fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("{} hex digits: each byte needs two", digits.len()));
    }
    digits
        .chunks(2)
        .map(|pair| {
            let byte: String = pair.iter().collect();
            u8::from_str_radix(&byte, 16)
                .map_err(|_| format!("{byte:?} is not a hex byte"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_goes_there_and_back() {
        assert_eq!(unhex("48 69:0a"), Ok(vec![0x48, 0x69, 0x0a]));
        assert_eq!(hex(&[0x48, 0x69, 0x0a]), "48690a");
        assert!(unhex("486").unwrap_err().contains("3 hex digits"));
        assert!(
            unhex("zz")
                .unwrap_err()
                .contains("\"zz\" is not a hex byte")
        );
    }
}
