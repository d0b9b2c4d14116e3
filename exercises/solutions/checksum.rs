//! Solution: the Internet checksum of RFC 1071, the sum and the fold.
//!
//!     exercises/check checksum --solution
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::process::ExitCode;

// ANCHOR: sum
/// The 16-bit one's complement sum of `data`, RFC 1071 § 1 and § 4.1.
fn ones_complement_sum(data: &[u8]) -> u16 {
    // 1. The words, big-endian, into a u64: the carries out of bit 15 pile
    //    up above it (2^48 words of 0xFFFF before it could overflow).
    let mut sum: u64 = 0;
    let mut words = data.chunks_exact(2);
    for word in &mut words {
        sum += u64::from(u16::from_be_bytes([word[0], word[1]]));
    }
    // 2. An odd last byte Z is the word [Z, 0].
    if let [last] = words.remainder() {
        sum += u64::from(u16::from_be_bytes([*last, 0]));
    }
    // 3. The end-around carry: "any overflows from the most significant
    //    bits are added into the least significant bits" (§ 1), until
    //    there are none.
    while sum >> 16 != 0 {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}

/// The checksum to write into a header: the one's complement (every bit
/// flipped) of the sum, taken while the checksum field is zero.
fn checksum(data: &[u8]) -> u16 {
    !ones_complement_sum(data)
}
// ANCHOR_END: sum

fn main() -> ExitCode {
    let Some(data) = std::env::args().nth(1).and_then(|text| from_hex(&text)) else {
        let _ = writeln!(
            io::stderr(),
            "usage: exercise_checksum HEX (the bytes to sum, e.g. 0001f203)"
        );
        return ExitCode::from(2);
    };
    let line = format!(
        "sum 0x{:04x}, checksum 0x{:04x}",
        ones_complement_sum(&data),
        checksum(&data)
    );
    match writeln!(io::stdout(), "{line}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

/// Bytes from hex digits, two a byte: "00f2" is [0x00, 0xf2].
fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok())
        .collect()
}
