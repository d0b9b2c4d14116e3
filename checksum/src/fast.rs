//! The same sum, fast, with the techniques RFC 1071 § 2 itself describes:
//!
//! - (B) byte order independence: the sum of byte-swapped words is the
//!   byte-swapped sum. So we may add the data in the machine's own byte
//!   order, eight bytes at a time, and swap once at the end.
//! - (C) parallel summation and (A) deferred carries: each 64-bit load is
//!   split into two 32-bit halves added to a 64-bit total. The carries pile
//!   up in the top 32 bits instead of being folded after every word, and
//!   are folded once at the end. The compiler turns this loop into SIMD
//!   additions of several words at a time.
//!
//! A 64-bit total of 33-bit additions cannot overflow within 2^31 loads
//! (16 GiB), so longer data is summed in blocks of 1 GiB.

use crate::textbook;

/// Bytes per block whose 64-bit total cannot overflow (well under 16 GiB).
const BLOCK: usize = 1 << 30;

/// Below this many bytes, choosing a SIMD width is not worth its check.
const DISPATCH_THRESHOLD: usize = 256;

// ANCHOR: fast_sum
/// The 16-bit one's complement sum of `data`, as `textbook::ones_complement_sum`
/// computes it, only faster.
#[inline]
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    if data.len() <= BLOCK {
        return sum_block(data);
    }
    data.chunks(BLOCK)
        .fold(0, |sum, block| textbook::add(sum, sum_block(block)))
}

#[inline]
fn sum_block(block: &[u8]) -> u16 {
    let total = if block.len() >= DISPATCH_THRESHOLD {
        wide_sum_dispatch(block)
    } else {
        wide_sum(block)
    };
    // Fold the 64-bit total to 16 bits, end-around carries included, then
    // undo the machine's byte order (a no-op on big-endian machines).
    u16::from_be(fold(total))
}

/// The native-endian sum of `data` in a 64-bit total with carries deferred.
#[inline(always)]
fn wide_sum(data: &[u8]) -> u64 {
    let (words, rest) = data.as_chunks::<8>();
    let mut total: u64 = 0;
    for word in words {
        let word = u64::from_ne_bytes(*word);
        total += (word & 0xFFFF_FFFF) + (word >> 32);
    }
    // The last 0 to 7 bytes: at most a 32-bit word, a 16-bit word and a byte.
    let mut rest = rest;
    if let [a, b, c, d, more @ ..] = rest {
        total += u64::from(u32::from_ne_bytes([*a, *b, *c, *d]));
        rest = more;
    }
    if let [a, b, more @ ..] = rest {
        total += u64::from(u16::from_ne_bytes([*a, *b]));
        rest = more;
    }
    if let [byte] = rest {
        // RFC 1071 § 4.1: the odd byte is padded with zero on its right.
        total += u64::from(u16::from_ne_bytes([*byte, 0]));
    }
    total
}
// ANCHOR_END: fast_sum

/// Folds a 64-bit total into 16 bits with end-around carries: each step
/// adds the high part to the low part, and the carries shrink to nothing.
#[inline]
fn fold(total: u64) -> u16 {
    let total = (total & 0xFFFF_FFFF) + (total >> 32); // < 2^33
    let total = (total & 0xFFFF_FFFF) + (total >> 32); // < 2^32
    let total = (total & 0xFFFF) + (total >> 16); // < 2^17
    let total = (total & 0xFFFF) + (total >> 16); // < 2^16 + 1
    ((total & 0xFFFF) + (total >> 16)) as u16
}

/// On x86-64 with AVX2, the same loop compiled for 256-bit vectors.
#[cfg(target_arch = "x86_64")]
fn wide_sum_dispatch(data: &[u8]) -> u64 {
    if std::arch::is_x86_feature_detected!("avx2") {
        #[allow(unsafe_code)]
        // SAFETY: wide_sum_avx2 only needs the AVX2 instructions, and the
        // line above has just checked that this processor has them.
        unsafe {
            wide_sum_avx2(data)
        }
    } else {
        wide_sum(data)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn wide_sum_avx2(data: &[u8]) -> u64 {
    wide_sum(data)
}

#[cfg(not(target_arch = "x86_64"))]
fn wide_sum_dispatch(data: &[u8]) -> u64 {
    wide_sum(data)
}
