//! The sum of `ones_complement_sum` in lib.rs, computed several times faster.
//! RFC 1071 § 2 lists three properties of the sum, lettered (A) to (C), and
//! four coding techniques, numbered (1) to (4); this file uses five of them:
//!
//! - (B) Byte Order Independence: "The sum of 16-bit integers can be computed
//!   in either byte order." So the data is read in the machine's own byte
//!   order, with no swap per word, and the sum is swapped once at the end.
//! - (C) Parallel Summation: words as wide as the machine's add several
//!   16-bit words at once; the long sum is folded into 16 bits at the end.
//!   Here each 8-byte load is added as two 32-bit halves.
//! - (1) Deferred Carries: the halves go into a 64-bit total, so the carries
//!   pile up in its top 32 bits and are folded in once, after the loop.
//! - (A) Commutative and Associative: the words may be added in any order and
//!   in any groups, so the compiler may give each SIMD lane its own share.
//! - (2) Unwinding Loops: with no carry to wait for between steps, the
//!   compiler unrolls the loop into SIMD additions of many words at a time.
//!   Where the processor has AVX2, a copy compiled for 256-bit vectors is
//!   chosen at run time.
//!
//! A 64-bit total of 33-bit additions cannot overflow within 2^31 loads
//! (16 GiB), so longer data is summed in blocks of 1 GiB. The tests at the
//! bottom hold the result equal to the RFC's loop.

/// Bytes per block whose 64-bit total cannot overflow (well under 16 GiB).
const BLOCK: usize = 1 << 30;

/// Below this many bytes, choosing a SIMD width is not worth its check.
const DISPATCH_THRESHOLD: usize = 256;

// ANCHOR: fast_sum
/// The 16-bit one's complement sum of `data`, as the RFC's loop
/// (`crate::ones_complement_sum`) computes it, only faster.
#[inline]
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    if data.len() <= BLOCK {
        return sum_block(data);
    }
    let total = data
        .chunks(BLOCK)
        .map(|block| u64::from(sum_block(block)))
        .sum();
    fold(total)
}

#[inline]
fn sum_block(block: &[u8]) -> u16 {
    let total = if block.len() >= DISPATCH_THRESHOLD {
        wide_sum_dispatch(block)
    } else {
        wide_sum(block)
    };
    // (B): undo the machine's byte order once (a no-op on big-endian ones).
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
        // The odd byte is padded with zero on its right ([Z,0], § 1).
        total += u64::from(u16::from_ne_bytes([*byte, 0]));
    }
    total
}
// ANCHOR_END: fast_sum

/// Folds a 64-bit total into 16 bits with end-around carries (§ 2 (C): "Each
/// 16-bit addition may produce new end-around carries that must be added").
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
        // The crate's only unsafe: std has no safe way to call a function
        // built for a processor feature that is checked at run time.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::random_bytes;

    #[test]
    fn fast_equals_textbook_at_every_length_and_alignment() {
        let data = random_bytes(70_000, 10);
        let ones = vec![0xFF; 70_000];
        for len in 0..2_000 {
            assert_eq!(
                ones_complement_sum(&ones[..len]),
                crate::ones_complement_sum(&ones[..len]),
                "all ones, length {len}"
            );
            for start in [0, 1, 3, 7] {
                let slice = &data[start..start + len];
                assert_eq!(
                    ones_complement_sum(slice),
                    crate::ones_complement_sum(slice),
                    "length {len}, start {start}"
                );
            }
        }
        for len in (2_000..70_000).step_by(997) {
            let slice = &data[1..len];
            assert_eq!(
                ones_complement_sum(slice),
                crate::ones_complement_sum(slice)
            );
        }
    }

    #[test]
    fn fast_equals_textbook_on_several_mib_and_all_ones() {
        for len in [(1 << 20) + 3, 5 << 20] {
            let ones = vec![0xFF; len];
            assert_eq!(
                ones_complement_sum(&ones),
                crate::ones_complement_sum(&ones)
            );
            let data = random_bytes(len, len as u64);
            assert_eq!(
                ones_complement_sum(&data),
                crate::ones_complement_sum(&data)
            );
        }
    }
}
