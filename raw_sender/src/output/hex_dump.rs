//! The bytes of a packet as `tcpdump -X` lays them out.

use std::fmt::Write as _;

use crate::hex::hex;

/// The bytes as `tcpdump -X` lays them out: offset, eight 16-bit groups in
/// hex, then the printable characters (others as '.'), each line after a
/// tab:
///
/// ```text
/// 0x0000:  4500 001f 1234 0000 4010 6a99 7f00 0001  E....4..@.j.....
/// ```
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut dump = String::new();
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let mut groups = String::new();
        for pair in chunk.chunks(2) {
            groups.push(' ');
            groups.push_str(&hex(pair));
        }
        let text: String = chunk
            .iter()
            .map(|&byte| match byte.is_ascii_graphic() {
                true => byte as char,
                false => '.',
            })
            .collect();
        let _ = writeln!(dump, "\t0x{:04x}: {groups:<40}  {text}", line * 16);
    }
    dump
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dump_matches_tcpdump_dash_x() {
        // What tcpdump -X printed for this 31-byte packet on lo.
        let packet = [
            0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x00, 0x00, 0x40, 0x10, 0x6a, 0x99,
            0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, b'h', b'e', b'l', b'l',
            b'o', b' ', b'c', b'h', b'a', b'o', b's',
        ];
        let expected = "\t0x0000:  4500 001f 1234 0000 4010 6a99 7f00 0001  E....4..@.j.....\n\
                        \t0x0010:  7f00 0001 6865 6c6c 6f20 6368 616f 73    ....hello.chaos\n";
        assert_eq!(hex_dump(&packet), expected);
    }
}
