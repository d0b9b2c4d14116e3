//! The appendix's fast checksum (going_fast) equals the lesson's (the RFC
//! 1071 § 4.1 loop) for any bytes, and the sum fed in pieces gives the same result however the
//! bytes are split (the first byte chooses the split points).
#![no_main]

use checksum::{Checksum, ones_complement_sum};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let fast = going_fast::checksum::ones_complement_sum(bytes);
    assert_eq!(fast, ones_complement_sum(bytes));
    let step = usize::from(bytes.first().copied().unwrap_or(1)).max(1);
    let mut pieces = Checksum::new();
    for piece in bytes.chunks(step) {
        pieces.add(piece);
    }
    assert_eq!(pieces.sum(), ones_complement_sum(bytes));
});
