//! The one's complement sum exactly as RFC 1071 § 1 describes it: add the
//! data as 16-bit big-endian words, and whenever the sum carries out of 16
//! bits, add the carry back in at the bottom (the "end-around carry").
//!
//! This is the loop to learn from, and the oracle the fast path in
//! `fast.rs` is tested against. It is right at any length, because the
//! running sum never exceeds 16 bits.

// ANCHOR: sum
/// The 16-bit one's complement sum of `data`; an odd last byte is padded
/// with a zero byte on its right (RFC 1071 § 4.1).
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    let mut sum: u16 = 0;
    for pair in data.chunks(2) {
        let word = u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]);
        sum = add(sum, word);
    }
    sum
}

/// One's complement addition of two 16-bit numbers: a carry out of bit 15
/// comes back in at bit 0.
#[inline]
pub fn add(a: u16, b: u16) -> u16 {
    let (sum, carry) = a.overflowing_add(b);
    sum + u16::from(carry)
}
// ANCHOR_END: sum
