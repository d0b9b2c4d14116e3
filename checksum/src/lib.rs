//! The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
//! complement sum of the data, taken as 16-bit big-endian words.
//!
//! IPv4 uses it over its header, TCP and UDP over a pseudo-header plus the
//! segment, ICMP over the whole message. Its tests work the RFC's own
//! example and a real IPv4 header:
//!
//! ```text
//! cargo test -p checksum
//! ```
//!
//! Two sums live here: `textbook.rs`, the RFC's loop word by word, to learn
//! from and to test against; and `fast.rs`, the same sum with the RFC's own
//! speed-ups, which everything below uses.
//!
//! The only `unsafe` in the workspace is in `fast.rs`: the call of the
//! AVX2 build of the sum, after checking that the processor has AVX2.
#![deny(unsafe_code)]

pub mod fast;
pub mod textbook;

use std::net::Ipv4Addr;

// ANCHOR: checksum
/// The Internet checksum of `data`, ready to be written big-endian into a
/// header's checksum field (with that field zero while summing).
///
/// RFC 1071 § 1:
/// > To generate a checksum, the checksum field itself is cleared, the 16-bit
/// > 1's complement sum is computed over the octets concerned, and the 1's
/// > complement of this sum is placed in the checksum field.
#[inline]
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum = Checksum::new();
    sum.add(data);
    sum.finish()
}
// ANCHOR_END: checksum

/// True when `data` already holds its own checksum: RFC 1071 § 1, "If the
/// result is all 1 bits, the check succeeds".
pub fn verify(data: &[u8]) -> bool {
    let mut sum = Checksum::new();
    sum.add(data);
    sum.sum() == 0xFFFF
}

// ANCHOR: accumulator
/// A running one's complement sum that can be fed in pieces.
///
/// The pieces may have any length: an odd-length piece leaves its last byte
/// waiting to be paired with the first byte of the next piece, so the result
/// is the same however the data is split.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum {
    /// The sum so far, always folded into 16 bits.
    sum: u16,
    /// The high byte of a word whose low byte has not arrived yet.
    pending: Option<u8>,
}

impl Checksum {
    /// An empty sum (zero).
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `data` to the sum, continuing where the previous piece ended.
    #[inline]
    pub fn add(&mut self, mut data: &[u8]) -> &mut Self {
        if let (Some(high), [low, rest @ ..]) = (self.pending, data) {
            self.add_word(u16::from_be_bytes([high, *low]));
            self.pending = None;
            data = rest;
        }
        let (even, odd) = data.split_at(data.len() & !1);
        self.sum = textbook::add(self.sum, fast::ones_complement_sum(even));
        if let [last] = odd {
            self.pending = Some(*last);
        }
        self
    }

    /// One 16-bit word, with the end-around carry of one's complement
    /// addition: a carry out of bit 15 is added back in at bit 0.
    fn add_word(&mut self, word: u16) {
        self.sum = textbook::add(self.sum, word);
    }

    /// The one's complement sum of everything added. RFC 1071 § 4.1: an odd
    /// final byte is padded with a zero byte on its right.
    #[inline]
    pub fn sum(&self) -> u16 {
        let mut total = *self;
        if let Some(high) = total.pending.take() {
            total.add_word(u16::from_be_bytes([high, 0]));
        }
        total.sum
    }

    /// The checksum: the one's complement (bitwise NOT) of the sum.
    #[inline]
    pub fn finish(&self) -> u16 {
        !self.sum()
    }
}
// ANCHOR_END: accumulator

// ANCHOR: pseudo_header
/// The 12-byte IPv4 pseudo-header that TCP (RFC 9293 § 3.1) and UDP
/// (RFC 768) put in front of their segment when summing, so that a segment
/// delivered to the wrong address or protocol fails its checksum:
///
/// ```text
///  +--------+--------+--------+--------+
///  |           Source Address          |
///  +--------+--------+--------+--------+
///  |         Destination Address       |
///  +--------+--------+--------+--------+
///  |  zero  |  PTCL  |    TCP Length   |
///  +--------+--------+--------+--------+
/// ```
pub fn ipv4_pseudo_header(
    source: Ipv4Addr,
    destination: Ipv4Addr,
    protocol: u8,
    length: u16,
) -> [u8; 12] {
    let mut header = [0u8; 12];
    header[0..4].copy_from_slice(&source.octets());
    header[4..8].copy_from_slice(&destination.octets());
    header[9] = protocol;
    header[10..12].copy_from_slice(&length.to_be_bytes());
    header
}
// ANCHOR_END: pseudo_header

// ANCHOR: transport_checksum
/// The TCP or UDP checksum of a segment carried from `source` to
/// `destination`: the checksum of the pseudo-header, then the segment's
/// `header` (with its checksum field zero), then its `data`.
pub fn ipv4_transport_checksum(
    source: Ipv4Addr,
    destination: Ipv4Addr,
    protocol: u8,
    header: &[u8],
    data: &[u8],
) -> u16 {
    let length = u16::try_from(header.len() + data.len()).unwrap_or(u16::MAX);
    let mut sum = Checksum::new();
    sum.add(&ipv4_pseudo_header(source, destination, protocol, length));
    sum.add(header).add(data);
    sum.finish()
}
// ANCHOR_END: transport_checksum

#[cfg(test)]
mod tests {
    use super::*;

    /// A wide reference: sum every word into a u128 (which cannot overflow
    /// for any buffer that fits in memory), then fold the carries.
    fn wide_reference(data: &[u8]) -> u16 {
        let mut sum: u128 = 0;
        for pair in data.chunks(2) {
            let low = pair.get(1).copied().unwrap_or(0);
            sum += u128::from(u16::from_be_bytes([pair[0], low]));
        }
        while sum > 0xFFFF {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        !(sum as u16)
    }

    /// xorshift64: a few lines of deterministic pseudo-random bytes.
    fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    }

    #[test]
    fn rfc1071_section3_example() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        let mut sum = Checksum::new();
        sum.add(&data);
        assert_eq!(sum.sum(), 0xddf2);
        assert_eq!(checksum(&data), 0x220d);
    }

    #[test]
    fn a_real_ipv4_header_has_the_checksum_it_carries() {
        // 192.168.0.1 -> 192.168.0.199, UDP, total length 115, DF;
        // its checksum field (bytes 10..12) holds 0xb861.
        let mut header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
            0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert!(verify(&header));
        header[10..12].fill(0);
        assert_eq!(checksum(&header), 0xb861);
        assert!(!verify(&header));
    }

    #[test]
    fn empty_input_sums_to_zero() {
        assert_eq!(Checksum::new().sum(), 0);
        assert_eq!(checksum(&[]), 0xFFFF);
    }

    #[test]
    fn an_odd_last_byte_is_padded_on_the_right() {
        assert_eq!(checksum(&[0xab]), !0xab00);
        assert_eq!(checksum(&[0x12, 0x34, 0x56]), !(0x1234 + 0x5600));
        for len in (1..200).step_by(2) {
            let data = random_bytes(len, len as u64);
            assert_eq!(checksum(&data), wide_reference(&data), "length {len}");
        }
    }

    #[test]
    fn every_split_point_gives_the_one_shot_value() {
        for (len, seed) in [(1, 1), (2, 2), (31, 3), (64, 4), (257, 5), (1500, 6)] {
            let data = random_bytes(len, seed);
            let expected = checksum(&data);
            for split in 0..=len {
                let mut sum = Checksum::new();
                sum.add(&data[..split]).add(&data[split..]);
                assert_eq!(sum.finish(), expected, "length {len}, split {split}");
            }
        }
    }

    #[test]
    fn many_small_odd_pieces_give_the_one_shot_value() {
        let data = random_bytes(4099, 7);
        let mut sum = Checksum::new();
        for piece in data.chunks(3) {
            sum.add(piece);
        }
        assert_eq!(sum.finish(), checksum(&data));
        assert_eq!(sum.finish(), wide_reference(&data));
    }

    #[test]
    fn multi_mib_of_ones_matches_a_wide_sum() {
        // All-0xFF words are the worst case for a sum that defers carries.
        for len in [128 * 1024 + 1, 4 << 20, (4 << 20) + 1] {
            let data = vec![0xFF; len];
            assert_eq!(checksum(&data), wide_reference(&data), "length {len}");
        }
        let data = random_bytes(3 << 20, 8);
        assert_eq!(checksum(&data), wide_reference(&data));
    }

    #[test]
    fn fast_equals_textbook_at_every_length_and_alignment() {
        let data = random_bytes(70_000, 10);
        let ones = vec![0xFF; 70_000];
        for len in 0..2_000 {
            assert_eq!(
                fast::ones_complement_sum(&ones[..len]),
                textbook::ones_complement_sum(&ones[..len]),
                "all ones, length {len}"
            );
            for start in [0, 1, 3, 7] {
                let slice = &data[start..start + len];
                assert_eq!(
                    fast::ones_complement_sum(slice),
                    textbook::ones_complement_sum(slice),
                    "length {len}, start {start}"
                );
            }
        }
        for len in (2_000..70_000).step_by(997) {
            let slice = &data[1..len];
            assert_eq!(
                fast::ones_complement_sum(slice),
                textbook::ones_complement_sum(slice)
            );
        }
    }

    #[test]
    fn fast_equals_textbook_on_several_mib_and_all_ones() {
        for len in [(1 << 20) + 3, 5 << 20] {
            let ones = vec![0xFF; len];
            assert_eq!(
                fast::ones_complement_sum(&ones),
                textbook::ones_complement_sum(&ones)
            );
            let data = random_bytes(len, len as u64);
            assert_eq!(
                fast::ones_complement_sum(&data),
                textbook::ones_complement_sum(&data)
            );
        }
    }

    #[test]
    fn data_holding_its_own_checksum_verifies() {
        let mut data = random_bytes(40, 9);
        data[10..12].fill(0);
        let sum = checksum(&data);
        data[10..12].copy_from_slice(&sum.to_be_bytes());
        assert!(verify(&data));
        data[0] ^= 1;
        assert!(!verify(&data));
    }

    #[test]
    fn a_captured_udp_datagram_has_the_checksum_tcpdump_computed() {
        // 127.0.0.1:40000 -> 127.0.0.1:54321, "hey\n", from a capture on lo;
        // tcpdump -vv said the correct checksum is 0xaff1.
        let header = [0x9c, 0x40, 0xd4, 0x31, 0x00, 0x0c, 0, 0];
        let localhost = Ipv4Addr::LOCALHOST;
        assert_eq!(
            ipv4_transport_checksum(localhost, localhost, 17, &header, b"hey\n"),
            0xaff1
        );
    }

    #[test]
    fn pseudo_header_is_laid_out_as_rfc9293_draws_it() {
        let header = ipv4_pseudo_header(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(192, 168, 1, 2),
            6,
            0x0123,
        );
        assert_eq!(header, [10, 0, 0, 1, 192, 168, 1, 2, 0, 6, 0x01, 0x23]);
    }
}
