//! Write it yourself: the Internet checksum of RFC 1071, the sum and the
//! fold.
//!
//! Fill in the two functions marked `todo!()`, then check them against
//! the RFC's example and the checksums raw_sender puts in its packets:
//!
//!     exercises/check checksum
//!
//! By hand, with the RFC's example (§ 3: sum ddf2, checksum 220d):
//!
//!     cargo run -q -p exercises --bin exercise_checksum -- 0001f203f4f5f6f7
#![forbid(unsafe_code)]
#![allow(
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Write};
use std::process::ExitCode;

// ANCHOR: sum
/// The 16-bit one's complement sum of `data`, RFC 1071 § 1 and § 4.1.
fn ones_complement_sum(data: &[u8]) -> u16 {
    // 1. Add the data as 16-bit big-endian words (`u16::from_be_bytes`)
    //    into a wider total, a u32 or u64, where the carries out of bit 15
    //    pile up instead of being lost.
    // 2. An odd last byte Z counts as the word [Z, 0].
    // 3. Fold: while anything is left above bit 15, add it back in at the
    //    bottom, `(sum & 0xFFFF) + (sum >> 16)`. Once may not be enough:
    //    the addition can carry again.
    todo!("the sum, then the fold")
}

/// The checksum to write into a header: the one's complement (every bit
/// flipped) of the sum, taken while the checksum field is zero.
fn checksum(data: &[u8]) -> u16 {
    todo!("the one's complement of the sum")
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
