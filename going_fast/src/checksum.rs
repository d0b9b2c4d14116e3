//! The lesson's one's complement sum (checksum/src/lib.rs, the loop of RFC
//! 1071 § 4.1), computed several times faster. RFC 1071 § 2 lists three
//! properties of the sum, lettered (A) to (C), and four coding techniques,
//! numbered (1) to (4); this file uses five of them:
//!
//! - (B) Byte Order Independence: "The sum of 16-bit integers can be computed
//!   in either byte order." So the data is read in the machine's own byte
//!   order, with no swap per word, and the sum is swapped once at the end.
//! - (C) Parallel Summation: "simply do a 1's complement addition of the
//!   message using the native word size of the machine", then "fold" the
//!   long sum into 16 bits. Up to 64 bytes (any IPv4 or TCP header, options
//!   and all), that is the whole method: eight bytes per addition, each
//!   with its end-around carry.
//! - (1) Deferred Carries: longer data is added as 32-bit halves into 64-bit
//!   totals, so the carries pile up in their top bits and are folded in
//!   once, after the loop, and no addition waits for the one before.
//! - (A) Commutative and Associative: the words may be added in any order and
//!   in any groups, so the compiler may give each SIMD lane its own share,
//!   and the last bytes of long data are summed apart from the rest.
//! - (2) Unwinding Loops: with no carry to wait for between steps, the
//!   compiler unrolls the loop into SIMD additions of many words at a time.
//!   Where the processor has AVX2, a copy compiled for 256-bit vectors is
//!   chosen at run time. The short loop, at most seven words, it unrolls
//!   completely.
//!
//! Those totals cannot overflow within 2^31 words (16 GiB), so longer data
//! is summed in blocks of 1 GiB. The tests at the bottom hold the result
//! equal to the lesson's loop.

/// Up to this many bytes, the 64-bit words are added one by one with their
/// end-around carry: too few words to be worth a SIMD loop's setup. An IPv4
/// or a TCP header with all its options is at most 60 bytes.
const SHORT: usize = 64;

/// Bytes per block whose 64-bit totals cannot overflow (well under 16 GiB).
const BLOCK: usize = 1 << 30;

/// The checksum of `data`: what the lesson's `checksum::checksum` computes.
#[inline] // into other crates: a call costs as much as a 20-byte sum
pub fn checksum(data: &[u8]) -> u16 {
    !ones_complement_sum(data)
}

// ANCHOR: fast_sum
/// The 16-bit one's complement sum of `data`, as the lesson's loop
/// (`checksum::ones_complement_sum`) computes it, only faster.
#[inline]
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    let total = if data.len() <= SHORT {
        short_sum(data)
    } else if data.len() <= BLOCK {
        wide_sum_dispatch(data)
    } else {
        blocks_sum(data)
    };
    // (B): undo the machine's byte order once (a no-op on big-endian ones).
    u16::from_be(fold(total))
}

/// (C): one's complement addition of 64-bit words, each carry out of bit 63
/// added back in at bit 0 at once (the processor's add-with-carry).
#[inline]
fn short_sum(data: &[u8]) -> u64 {
    // Under eight bytes there is no word to read.
    let Some(last) = data.last_chunk::<8>() else {
        return rest_sum(data);
    };
    // The full words before the last 1 to 8 bytes: at most seven, so the
    // compiler unrolls the loop completely.
    let (words, _) = data[..data.len() - 1].as_chunks::<8>();
    let mut total: u64 = 0;
    for word in words.iter().take(SHORT / 8 - 1) {
        total = add_with_carry(total, u64::from_ne_bytes(*word));
    }
    // The last 1 to 8 bytes, read as the data's last eight with the bytes
    // already added shifted out: the rest keep their place in the word
    // (an odd last byte, its zero pad: [Z,0]).
    let shift = 8 * (8 * words.len() + 8 - data.len()) as u32;
    let last = u64::from_ne_bytes(*last);
    let last = if cfg!(target_endian = "little") {
        last >> shift
    } else {
        last << shift
    };
    add_with_carry(total, last)
}

/// One's complement addition: a carry out of bit 63 comes back in at bit 0.
/// A total kept this way and one kept without wrapping fold alike, as 2^64
/// and 1 are the same modulo 65,535.
#[inline(always)]
fn add_with_carry(total: u64, word: u64) -> u64 {
    let (sum, carry) = total.overflowing_add(word);
    sum + u64::from(carry)
}

/// (1): the 32-bit halves of the 64-bit words summed in 64-bit totals, the
/// carries deferred. Rather than split every word (a mask, a shift, two
/// additions), add the whole words, wrapping at 2^64, and apart from them
/// their high halves. The whole words' sum is the low halves' sum plus the
/// high halves' sum shifted up 32 bits, so taking the latter away leaves
/// the low halves' sum: exactly, as it is smaller than 2^64.
#[inline(always)]
fn wide_sum(data: &[u8]) -> u64 {
    // Whole blocks of 16 words, which the compiler's SIMD loop (four
    // vectors of four words per step) takes with nothing left over.
    let (blocks, tail) = data.as_chunks::<128>();
    let (words, _) = blocks.as_flattened().as_chunks::<8>();
    let mut whole: u64 = 0;
    let mut high: u64 = 0;
    for word in words {
        let word = u64::from_ne_bytes(*word);
        whole = whole.wrapping_add(word);
        high += word >> 32;
    }
    let mut total = whole.wrapping_sub(high << 32) + high;
    // The last 0 to 127 bytes as short data. Left to the SIMD loop, they
    // would go through narrower vectors and then single words, each stage
    // waiting for the one before to add up its lanes; apart, they need
    // nothing from the loop and are summed alongside it.
    for piece in tail.chunks(SHORT) {
        total = add_with_carry(total, short_sum(piece));
    }
    total
}

/// The last 0 to 7 bytes: at most a 32-bit word, a 16-bit word and a byte.
#[inline(always)]
fn rest_sum(mut rest: &[u8]) -> u64 {
    let mut total = 0;
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

/// (C): "fold" the long sum into 16 bits, "adding the 16-bit segments. Each
/// 16-bit addition may produce new end-around carries that must be added."
/// Adding a number to itself rotated by half its width leaves, in its top
/// half, the sum of both halves with the end-around carry already added.
#[inline]
fn fold(total: u64) -> u16 {
    let total = (total.wrapping_add(total.rotate_left(32)) >> 32) as u32;
    (total.wrapping_add(total.rotate_left(16)) >> 16) as u16
}

/// Data longer than `BLOCK`, summed a block at a time.
fn blocks_sum(data: &[u8]) -> u64 {
    data.chunks(BLOCK)
        .map(|block| u64::from(fold(wide_sum_dispatch(block))))
        .sum()
}

/// On x86-64 with AVX2, the same loop compiled for 256-bit vectors.
#[cfg(target_arch = "x86_64")]
fn wide_sum_dispatch(data: &[u8]) -> u64 {
    if std::arch::is_x86_feature_detected!("avx2") {
        // The workspace's only unsafe: std has no safe way to call a function
        // built for a processor feature that is checked at run time.
        #[allow(unsafe_code)]
        // SAFETY: wide_sum_avx2 only needs the AVX2 instructions, and the
        // line above has just checked that this processor has them.
        unsafe {
            wide_sum_avx2(data)
        }
    } else {
        wide_sum_plain(data)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn wide_sum_avx2(data: &[u8]) -> u64 {
    wide_sum(data)
}

/// The loop for the processor's baseline instructions (SSE2 on x86-64),
/// kept out of line so that the choice above stays a few instructions.
#[inline(never)]
fn wide_sum_plain(data: &[u8]) -> u64 {
    wide_sum(data)
}

#[cfg(not(target_arch = "x86_64"))]
fn wide_sum_dispatch(data: &[u8]) -> u64 {
    wide_sum_plain(data)
}

// ANCHOR_END: fast_sum

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::Random;

    /// The lesson's loop: the oracle.
    fn textbook(data: &[u8]) -> u16 {
        ::checksum::ones_complement_sum(data)
    }

    #[test]
    fn fast_equals_textbook_at_every_length_and_alignment() {
        let name = "fast_equals_textbook_at_every_length_and_alignment";
        let data = Random::new(name).fill(70_000);
        let ones = vec![0xFF; 70_000];
        for len in 0..2_000 {
            assert_eq!(
                ones_complement_sum(&ones[..len]),
                textbook(&ones[..len]),
                "all ones, length {len}"
            );
            // Zeros sum to 0, never to 0xFFFF (the other zero of § 1).
            assert_eq!(ones_complement_sum(&vec![0; len]), 0, "length {len}");
            for start in [0, 1, 3, 7] {
                let slice = &data[start..start + len];
                assert_eq!(
                    ones_complement_sum(slice),
                    textbook(slice),
                    "length {len}, start {start}"
                );
            }
        }
        for len in (2_000..70_000).step_by(997) {
            let slice = &data[1..len];
            assert_eq!(ones_complement_sum(slice), textbook(slice));
        }
    }

    #[test]
    fn fast_equals_textbook_on_several_mib_and_all_ones() {
        let mut random =
            Random::new("fast_equals_textbook_on_several_mib_and_all_ones");
        for len in [(1 << 20) + 3, 5 << 20] {
            let ones = vec![0xFF; len];
            assert_eq!(ones_complement_sum(&ones), textbook(&ones));
            let data = random.fill(len);
            assert_eq!(ones_complement_sum(&data), textbook(&data));
        }
    }

    #[test]
    fn fast_equals_textbook_with_only_low_or_only_high_halves_set() {
        // Words whose low 32 bits are all ones and high bits zero, and the
        // other way round: the two sums wide_sum keeps apart.
        for pattern in [
            [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0],
            [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF],
        ] {
            for len in [20, 64, 65, 1500, 65_536, (3 << 20) + 5] {
                let data: Vec<u8> =
                    pattern.iter().copied().cycle().take(len).collect();
                assert_eq!(
                    ones_complement_sum(&data),
                    textbook(&data),
                    "{pattern:?}, length {len}"
                );
            }
        }
    }

    #[test]
    fn fold_adds_every_end_around_carry() {
        // The RFC's way: add the top into the bottom 16 bits until nothing
        // is left above them.
        let by_the_rfc = |mut total: u64| {
            while total >> 16 != 0 {
                total = (total & 0xFFFF) + (total >> 16);
            }
            total as u16
        };
        let mut values =
            vec![0, 1, 0xFFFF, 0x1_0000, 0xFFFF_FFFF, 1 << 32, u64::MAX];
        values.extend((0..64).map(|bit| 1u64 << bit));
        values.extend((0..64).map(|bit| u64::MAX >> bit));
        let mut random = Random::new("fold_adds_every_end_around_carry");
        values.extend((0..10_000).map(|_| random.u64()));
        for total in values {
            assert_eq!(fold(total), by_the_rfc(total), "{total:#x}");
        }
    }

    #[test]
    fn checksum_is_the_lessons() {
        let data = Random::new("checksum_is_the_lessons").fill(1501);
        assert_eq!(checksum(&data), ::checksum::checksum(&data));
        // RFC 1071 § 3's example.
        let example = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&example), 0x220d);
    }
}
