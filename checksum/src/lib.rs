//! The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
//! complement sum of the data, taken as 16-bit big-endian words. IPv4 sums its
//! header with it, ICMP its whole message, TCP and UDP a pseudo-header and the
//! segment; over IPv6, ICMPv6 sums a pseudo-header too.
//!
//! Read this file top to bottom: the RFC's own loop (§ 4.1), the checksum and
//! its check (§ 1), a sum fed in pieces, the IPv4 pseudo-header, then the
//! IPv6 one (RFC 8200 § 8.1). Then run the tests,
//! which work the RFC's example (§ 3) and a real IPv4 header:
//!
//! ```text
//! cargo test -p checksum
//! ```
//!
//! raw_sender and the listener compute every checksum with the loop below:
//! change it, and what they send and check changes with it. The book's
//! appendix "Going fast" (`going_fast/`) sums the same words several times
//! faster, with the techniques of RFC 1071 § 2.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

// ANCHOR: sum
/// The 16-bit one's complement sum of `data`, as RFC 1071 § 4.1 computes it
/// in C: add the data as 16-bit big-endian words in a wide total, where the
/// carries out of bit 15 pile up, then fold them back in at the bottom.
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    // A u64 takes 2^48 words of 0xFFFF (512 TiB) before it could overflow.
    let mut sum: u64 = 0;
    let mut words = data.chunks_exact(2);
    for word in &mut words {
        sum += u64::from(u16::from_be_bytes([word[0], word[1]]));
    }
    // An odd last byte Z is the word [Z,0]: RFC 1071 § 1, sum [2].
    if let [last] = words.remainder() {
        sum += u64::from(u16::from_be_bytes([*last, 0]));
    }
    // § 1: "any overflows from the most significant bits are added into the
    // least significant bits" (the end-around carry). Adding may carry
    // again, so fold until nothing is left above bit 15.
    while sum >> 16 != 0 {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}
// ANCHOR_END: sum

// ANCHOR: checksum
/// The checksum of `data`, to be written big-endian into the checksum field,
/// which is zero while summing. RFC 1071 § 1:
/// > To generate a checksum, the checksum field itself is cleared, the 16-bit
/// > 1's complement sum is computed over the octets concerned, and the 1's
/// > complement of this sum is placed in the checksum field.
pub fn checksum(data: &[u8]) -> u16 {
    !ones_complement_sum(data)
}

/// True when `data` already holds its own checksum. RFC 1071 § 1:
/// > To check a checksum, the 1's complement sum is computed over the same
/// > set of octets, including the checksum field. If the result is all 1
/// > bits (-0 in 1's complement arithmetic), the check succeeds.
pub fn verify(data: &[u8]) -> bool {
    ones_complement_sum(data) == 0xFFFF
}
// ANCHOR_END: checksum

// ANCHOR: pieces
/// A sum fed in pieces, so that a header and its data are summed where they
/// lie, with no copy into one buffer. RFC 1071 § 2 (A):
/// > As long as the even/odd assignment of bytes is respected, the sum can be
/// > done in any order, and it can be arbitrarily split into groups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum {
    /// The sum so far, folded to 16 bits.
    sum: u16,
    /// An odd count of bytes so far: the next piece starts mid-word.
    odd: bool,
}

impl Checksum {
    /// An empty sum (zero).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `data`, continuing where the previous piece ended.
    pub fn add(&mut self, data: &[u8]) -> &mut Self {
        let mut sum = ones_complement_sum(data);
        if self.odd {
            // A piece that starts mid-word is summed as if it started a
            // word, then its sum is byte-swapped: § 2 (B), Byte Order
            // Independence, put to work on a piece's alignment.
            sum = sum.swap_bytes();
        }
        // One's complement addition: a carry out of bit 15 comes back in.
        let (total, carry) = self.sum.overflowing_add(sum);
        self.sum = total + u16::from(carry);
        self.odd ^= data.len() % 2 == 1;
        self
    }

    /// The one's complement sum of everything added.
    pub fn sum(&self) -> u16 {
        self.sum
    }

    /// The checksum: the one's complement (bitwise NOT) of the sum.
    pub fn finish(&self) -> u16 {
        !self.sum
    }
}
// ANCHOR_END: pieces

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

// ANCHOR: ipv6_pseudo_header
/// The 40-byte IPv6 pseudo-header (RFC 8200 § 8.1) that TCP, UDP and ICMPv6
/// (RFC 4443 § 2.3) put in front of their message when summing over IPv6.
/// The addresses are the packet's own (the final destination, past any
/// Routing header); the length counts the upper-layer header and data, in
/// 32 bits; the Next Header value is that of the upper layer:
///
/// ```text
///  +-------------------------------------------------------------+
///  |                 Source Address (16 bytes)                   |
///  +-------------------------------------------------------------+
///  |               Destination Address (16 bytes)                |
///  +-------------------------------------------------------------+
///  |                   Upper-Layer Packet Length                 |
///  +-------------------------------------------------------------+
///  |                      zero                     |  Next Header  |
///  +-------------------------------------------------------------+
/// ```
pub fn ipv6_pseudo_header(
    source: Ipv6Addr,
    destination: Ipv6Addr,
    next_header: u8,
    length: u32,
) -> [u8; 40] {
    let mut header = [0u8; 40];
    header[0..16].copy_from_slice(&source.octets());
    header[16..32].copy_from_slice(&destination.octets());
    header[32..36].copy_from_slice(&length.to_be_bytes());
    header[39] = next_header;
    header
}

/// The TCP, UDP or ICMPv6 checksum of a message carried over IPv6: the
/// checksum of the pseudo-header, then `header` (checksum field zero),
/// then `data`. Unlike IPv4's UDP, RFC 8200 § 8.1 makes it mandatory.
pub fn ipv6_transport_checksum(
    source: Ipv6Addr,
    destination: Ipv6Addr,
    next_header: u8,
    header: &[u8],
    data: &[u8],
) -> u16 {
    let length = u32::try_from(header.len() + data.len()).unwrap_or(u32::MAX);
    let mut sum = Checksum::new();
    sum.add(&ipv6_pseudo_header(
        source,
        destination,
        next_header,
        length,
    ));
    sum.add(header).add(data);
    sum.finish()
}
// ANCHOR_END: ipv6_pseudo_header

/// The transport checksum with the pseudo-header of the addresses' family:
/// IPv4 when both are IPv4 addresses, IPv6 otherwise (an IPv4 address among
/// IPv6 ones taken as IPv4-mapped, RFC 4291 § 2.5.5.2; no header carries
/// such a mix).
pub fn transport_checksum(
    source: IpAddr,
    destination: IpAddr,
    protocol: u8,
    header: &[u8],
    data: &[u8],
) -> u16 {
    let v6 = |address: IpAddr| match address {
        IpAddr::V4(address) => address.to_ipv6_mapped(),
        IpAddr::V6(address) => address,
    };
    match (source, destination) {
        (IpAddr::V4(source), IpAddr::V4(destination)) => {
            ipv4_transport_checksum(source, destination, protocol, header, data)
        }
        _ => ipv6_transport_checksum(
            v6(source),
            v6(destination),
            protocol,
            header,
            data,
        ),
    }
}

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

    use testkit::Random;

    #[test]
    fn rfc1071_section3_example() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(ones_complement_sum(&data), 0xddf2);
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
        assert_eq!(ones_complement_sum(&header), 0xFFFF);
        header[10..12].fill(0);
        assert_eq!(checksum(&header), 0xb861);
        assert!(!verify(&header));
    }

    #[test]
    fn empty_input_sums_to_zero() {
        assert_eq!(ones_complement_sum(&[]), 0);
        assert_eq!(Checksum::new().sum(), 0);
        assert_eq!(checksum(&[]), 0xFFFF);
    }

    #[test]
    fn an_odd_last_byte_is_padded_on_the_right() {
        assert_eq!(checksum(&[0xab]), !0xab00);
        assert_eq!(checksum(&[0x12, 0x34, 0x56]), !(0x1234 + 0x5600));
        let mut random = Random::new("an_odd_last_byte_is_padded_on_the_right");
        for len in (1..200).step_by(2) {
            let data = random.fill(len);
            assert_eq!(checksum(&data), wide_reference(&data), "length {len}");
        }
    }

    #[test]
    fn byte_swapped_words_give_the_byte_swapped_sum() {
        // RFC 1071 § 2 (B), on which `Checksum::add` relies.
        let mut random = Random::new("byte_swapped_words_give_the_byte_swapped_sum");
        for len in [2, 40, 1500, 65_536] {
            let data = random.fill(len);
            let swapped: Vec<u8> =
                data.chunks(2).flat_map(|word| [word[1], word[0]]).collect();
            assert_eq!(
                ones_complement_sum(&swapped),
                ones_complement_sum(&data).swap_bytes(),
                "length {len}"
            );
        }
    }

    #[test]
    fn every_split_point_gives_the_one_shot_value() {
        let mut random = Random::new("every_split_point_gives_the_one_shot_value");
        for len in [1, 2, 31, 64, 257, 1500] {
            let data = random.fill(len);
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
        let mut random =
            Random::new("many_small_odd_pieces_give_the_one_shot_value");
        let data = random.fill(4099);
        let mut sum = Checksum::new();
        for piece in data.chunks(3) {
            sum.add(piece);
        }
        assert_eq!(sum.finish(), checksum(&data));
        assert_eq!(sum.finish(), wide_reference(&data));
        // Pieces of every small length, odd and even, in turn.
        let mut sum = Checksum::new();
        let mut rest = &data[..];
        for len in 1.. {
            let (piece, after) = rest.split_at(len.min(rest.len()));
            sum.add(piece);
            rest = after;
            if rest.is_empty() {
                break;
            }
        }
        assert_eq!(sum.finish(), wide_reference(&data));
    }

    #[test]
    fn multi_mib_of_ones_matches_a_wide_sum() {
        // All-0xFF words are the worst case for a sum that defers carries.
        for len in [128 * 1024 + 1, 4 << 20, (4 << 20) + 1] {
            let data = vec![0xFF; len];
            assert_eq!(checksum(&data), wide_reference(&data), "length {len}");
        }
        let mut random = Random::new("multi_mib_of_ones_matches_a_wide_sum");
        let data = random.fill(3 << 20);
        assert_eq!(checksum(&data), wide_reference(&data));
    }

    #[test]
    fn data_holding_its_own_checksum_verifies() {
        let mut data =
            Random::new("data_holding_its_own_checksum_verifies").fill(40);
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

    #[test]
    fn ipv6_pseudo_header_is_laid_out_as_rfc8200_draws_it() {
        let source: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let destination: Ipv6Addr = "2001:db8::2".parse().unwrap();
        let header = ipv6_pseudo_header(source, destination, 58, 0x0001_0203);
        assert_eq!(header[0..16], source.octets());
        assert_eq!(header[16..32], destination.octets());
        assert_eq!(header[32..40], [0x00, 0x01, 0x02, 0x03, 0, 0, 0, 58]);
    }

    #[test]
    fn a_captured_icmpv6_echo_request_has_the_checksum_it_carries() {
        // `ping -6 -c 1 -p 61 -s 4 ::1`, captured on lo: type 128, code 0,
        // checksum 0x0137 (tshark: "[correct]"), id 0x1d7f, seq 1, then
        // the four data bytes 61 00 00 00.
        let header = [0x80, 0x00, 0x00, 0x00, 0x1d, 0x7f, 0x00, 0x01];
        let data = [0x61, 0, 0, 0];
        let localhost = Ipv6Addr::LOCALHOST;
        let expected =
            ipv6_transport_checksum(localhost, localhost, 58, &header, &data);
        assert_eq!(expected, 0x0137);
        // Summed with the checksum in place, the message checks out.
        let mut with_checksum = header;
        with_checksum[2..4].copy_from_slice(&expected.to_be_bytes());
        let length = (with_checksum.len() + data.len()) as u32;
        let mut sum = Checksum::new();
        sum.add(&ipv6_pseudo_header(localhost, localhost, 58, length));
        sum.add(&with_checksum).add(&data);
        assert_eq!(sum.sum(), 0xFFFF);
    }

    #[test]
    fn ipv6_udp_checksum_agrees_with_etherparse() {
        use etherparse::{Ipv6Header, UdpHeader};
        let source: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let destination: Ipv6Addr = "2001:db8:ffff::fe".parse().unwrap();
        let mut random = Random::new("ipv6_udp_checksum_agrees_with_etherparse");
        for len in [0, 1, 2, 13, 1452] {
            let data = random.fill(len);
            let udp = UdpHeader {
                source_port: 40000,
                destination_port: 54321,
                length: (8 + len) as u16,
                checksum: 0,
            };
            let ip = Ipv6Header {
                source: source.octets(),
                destination: destination.octets(),
                ..Default::default()
            };
            let theirs = udp.calc_checksum_ipv6(&ip, &data).unwrap();
            let ours = ipv6_transport_checksum(
                source,
                destination,
                17,
                &udp.to_bytes(),
                &data,
            );
            assert_eq!(ours, theirs, "length {len}");
            let either = transport_checksum(
                source.into(),
                destination.into(),
                17,
                &udp.to_bytes(),
                &data,
            );
            assert_eq!(either, ours);
        }
    }

    #[test]
    fn transport_checksum_picks_the_family_of_the_addresses() {
        let localhost = Ipv4Addr::LOCALHOST;
        let header = [0x9c, 0x40, 0xd4, 0x31, 0x00, 0x0c, 0, 0];
        let v4 = transport_checksum(
            localhost.into(),
            localhost.into(),
            17,
            &header,
            b"hey\n",
        );
        assert_eq!(v4, 0xaff1);
        let mapped = localhost.to_ipv6_mapped();
        let mixed = transport_checksum(
            localhost.into(),
            mapped.into(),
            17,
            &header,
            b"hey\n",
        );
        assert_eq!(
            mixed,
            ipv6_transport_checksum(mapped, mapped, 17, &header, b"hey\n")
        );
        // The mapped prefix ::ffff adds 0xFFFF to each address, and 0xFFFF
        // is zero in one's complement (-0): the same checksum either way.
        assert_eq!(mixed, v4);
        let other = Ipv6Addr::LOCALHOST;
        let v6 =
            transport_checksum(other.into(), other.into(), 17, &header, b"hey\n");
        assert_ne!(v6, v4, "::1 is not 127.0.0.1");
    }
}
