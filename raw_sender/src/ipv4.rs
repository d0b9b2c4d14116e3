//! The IPv4 header, RFC 791 § 3.1, written and read byte by byte.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version|  IHL  |Type of Service|          Total Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Identification        |Flags|      Fragment Offset    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Time to Live |    Protocol   |         Header Checksum       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Source Address                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Destination Address                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Options                    |    Padding    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The Type of Service byte is read today as a 6-bit DSCP (RFC 2474) and a
//! 2-bit ECN field (RFC 3168). The first of the three flag bits is reserved;
//! RFC 3514 (an April Fools' RFC) calls it the "evil bit".

use std::net::Ipv4Addr;
use std::ops::Range;

use byteorder::{BigEndian, ByteOrder};

use crate::Malformed;
use crate::options;

// ANCHOR: offsets
pub const VERSION_AND_IHL: usize = 0;
pub const TYPE_OF_SERVICE: usize = 1;
pub const TOTAL_LENGTH: Range<usize> = 2..4;
pub const IDENTIFICATION: Range<usize> = 4..6;
pub const FLAGS_AND_FRAGMENT_OFFSET: Range<usize> = 6..8;
pub const TIME_TO_LIVE: usize = 8;
pub const PROTOCOL: usize = 9;
pub const HEADER_CHECKSUM: Range<usize> = 10..12;
pub const SOURCE_ADDRESS: Range<usize> = 12..16;
pub const DESTINATION_ADDRESS: Range<usize> = 16..20;
pub const OPTIONS: usize = 20;

/// A header without options: IHL 5, five 32-bit words.
pub const MIN_HEADER_LEN: usize = 20;
/// IHL is four bits: at most 15 words, so at most 40 bytes of options.
pub const MAX_OPTIONS_LEN: usize = 40;

/// Option kinds of a source route (RFC 791 § 3.1): the sender names the
/// hops, loosely (other routers may come between) or strictly.
pub const LOOSE_SOURCE_ROUTE: u8 = 131;
pub const STRICT_SOURCE_ROUTE: u8 = 137;

const FLAG_EVIL: u16 = 0x8000;
const FLAG_DONT_FRAGMENT: u16 = 0x4000;
const FLAG_MORE_FRAGMENTS: u16 = 0x2000;
/// The fragment offset is the low 13 bits, in units of 8 bytes.
pub const MAX_FRAGMENT_OFFSET: u16 = 0x1FFF;
// ANCHOR_END: offsets

// ANCHOR: header
/// Every field of an IPv4 header, as plain values. The version (4) and the
/// IHL are not stored: the first is fixed, the second follows from
/// `options`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipv4Header {
    /// DSCP (high 6 bits) and ECN (low 2 bits).
    pub type_of_service: u8,
    /// The whole datagram, header and data, in bytes.
    pub total_length: u16,
    /// Groups the fragments of one datagram; 0 lets Linux choose one.
    pub identification: u16,
    /// The reserved flag bit, "the evil bit" of RFC 3514.
    pub evil: bool,
    pub dont_fragment: bool,
    pub more_fragments: bool,
    /// Where this fragment belongs, in 8-byte units (13 bits).
    pub fragment_offset: u16,
    pub time_to_live: u8,
    /// What follows the header: 1 ICMP, 6 TCP, 17 UDP, 16 CHAOS, ...
    pub protocol: u8,
    pub header_checksum: u16,
    pub source: Ipv4Addr,
    pub destination: Ipv4Addr,
    /// Options, zero-padded to a multiple of 4 bytes when built.
    pub options: Vec<u8>,
}
// ANCHOR_END: header

impl Ipv4Header {
    /// The header's length in bytes: IHL × 4.
    pub fn header_len(&self) -> usize {
        MIN_HEADER_LEN + self.options.len().div_ceil(4) * 4
    }

    // ANCHOR: build
    /// The header as bytes, every field as it is in `self`.
    pub fn build(&self) -> Vec<u8> {
        let mut header = vec![0u8; self.header_len()];
        let ihl = (self.header_len() / 4) as u8;
        header[VERSION_AND_IHL] = (4 << 4) | (ihl & 0x0F);
        header[TYPE_OF_SERVICE] = self.type_of_service;
        BigEndian::write_u16(&mut header[TOTAL_LENGTH], self.total_length);
        BigEndian::write_u16(&mut header[IDENTIFICATION], self.identification);
        let mut flags_and_offset = self.fragment_offset & MAX_FRAGMENT_OFFSET;
        if self.evil {
            flags_and_offset |= FLAG_EVIL;
        }
        if self.dont_fragment {
            flags_and_offset |= FLAG_DONT_FRAGMENT;
        }
        if self.more_fragments {
            flags_and_offset |= FLAG_MORE_FRAGMENTS;
        }
        BigEndian::write_u16(
            &mut header[FLAGS_AND_FRAGMENT_OFFSET],
            flags_and_offset,
        );
        header[TIME_TO_LIVE] = self.time_to_live;
        header[PROTOCOL] = self.protocol;
        BigEndian::write_u16(&mut header[HEADER_CHECKSUM], self.header_checksum);
        header[SOURCE_ADDRESS].copy_from_slice(&self.source.octets());
        header[DESTINATION_ADDRESS].copy_from_slice(&self.destination.octets());
        // RFC 791: "The internet header padding is used to ensure that the
        // internet header ends on a 32 bit boundary. The padding is zero."
        header[OPTIONS..OPTIONS + self.options.len()].copy_from_slice(&self.options);
        header
    }
    // ANCHOR_END: build

    // ANCHOR: checksum
    /// The header checksum this header should carry. RFC 791: "The checksum
    /// field is the 16 bit one's complement of the one's complement sum of
    /// all 16 bit words in the header. For purposes of computing the
    /// checksum, the value of the checksum field is zero."
    pub fn expected_checksum(&self) -> u16 {
        let mut header = self.build();
        header[HEADER_CHECKSUM].fill(0);
        checksum::checksum(&header)
    }
    // ANCHOR_END: checksum

    /// The address the datagram is finally for, which TCP and UDP sum in
    /// their pseudo-header: Destination Address, unless a source route still
    /// has hops to go. Then it is the route's last address, for at each hop
    /// "the next address in the source route replaces the address in the
    /// destination address field" (RFC 791 § 3.1), and the last writes the
    /// final one there. The route's pointer (its first data byte) counts
    /// from the option's start to the next address; past the end, the route
    /// is done and Destination Address is final already.
    pub fn final_destination(&self) -> Ipv4Addr {
        let Ok(list) = options::read(&self.options) else {
            return self.destination; // a list that does not add up routes nowhere
        };
        let route = list.iter().find(|option| {
            [LOOSE_SOURCE_ROUTE, STRICT_SOURCE_ROUTE].contains(&option.kind)
        });
        let Some([pointer, addresses @ ..]) = route.map(|route| route.data) else {
            return self.destination;
        };
        // The option is kind, length, pointer, then 4-byte addresses; the
        // first address is at byte 4 (counting from 1, as the pointer does).
        // A hop is left while the pointer's address ends within the option.
        let option_len = 3 + addresses.len();
        let hops_to_go = usize::from(*pointer) + 3 <= option_len;
        match addresses.chunks_exact(4).last() {
            Some(&[a, b, c, d]) if hops_to_go && addresses.len() % 4 == 0 => {
                Ipv4Addr::new(a, b, c, d)
            }
            _ => self.destination,
        }
    }

    /// Reads a header from the start of `packet`; returns it and the data it
    /// carries (up to Total Length). Refuses anything that does not add up.
    pub fn parse(packet: &[u8]) -> Result<(Ipv4Header, &[u8]), Malformed> {
        if packet.len() < MIN_HEADER_LEN {
            return Err(Malformed::new(format!(
                "{} bytes are too few for an IPv4 header (at least 20)",
                packet.len()
            )));
        }
        let version = packet[VERSION_AND_IHL] >> 4;
        if version != 4 {
            return Err(Malformed::new(format!("version is {version}, not 4")));
        }
        let header_len = usize::from(packet[VERSION_AND_IHL] & 0x0F) * 4;
        if header_len < MIN_HEADER_LEN {
            return Err(Malformed::new(format!(
                "IHL is {} (< 5): the header cannot be shorter than 20 bytes",
                header_len / 4
            )));
        }
        if header_len > packet.len() {
            return Err(Malformed::new(format!(
                "IHL says {header_len} header bytes but only {} arrived",
                packet.len()
            )));
        }
        let total_length = BigEndian::read_u16(&packet[TOTAL_LENGTH]);
        if usize::from(total_length) > packet.len() {
            return Err(Malformed::new(format!(
                "total length says {total_length} bytes but only {} arrived",
                packet.len()
            )));
        }
        if usize::from(total_length) < header_len {
            return Err(Malformed::new(format!(
                "total length {total_length} is shorter than the {header_len}-byte header"
            )));
        }
        let flags_and_offset =
            BigEndian::read_u16(&packet[FLAGS_AND_FRAGMENT_OFFSET]);
        let header = Ipv4Header {
            type_of_service: packet[TYPE_OF_SERVICE],
            total_length,
            identification: BigEndian::read_u16(&packet[IDENTIFICATION]),
            evil: flags_and_offset & FLAG_EVIL != 0,
            dont_fragment: flags_and_offset & FLAG_DONT_FRAGMENT != 0,
            more_fragments: flags_and_offset & FLAG_MORE_FRAGMENTS != 0,
            fragment_offset: flags_and_offset & MAX_FRAGMENT_OFFSET,
            time_to_live: packet[TIME_TO_LIVE],
            protocol: packet[PROTOCOL],
            header_checksum: BigEndian::read_u16(&packet[HEADER_CHECKSUM]),
            source: BigEndian::read_u32(&packet[SOURCE_ADDRESS]).into(),
            destination: BigEndian::read_u32(&packet[DESTINATION_ADDRESS]).into(),
            options: packet[OPTIONS..header_len].to_vec(),
        };
        Ok((header, &packet[header_len..usize::from(total_length)]))
    }
}

/// Checks `--ip-options`: at most 40 bytes once padded to 32-bit words.
pub fn check_options(options: &[u8]) -> Result<(), String> {
    let padded = options.len().div_ceil(4) * 4;
    if padded > MAX_OPTIONS_LEN {
        return Err(format!(
            "IP options are {} bytes ({padded} padded); the IHL field leaves room for \
             at most {MAX_OPTIONS_LEN}",
            options.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 127.0.0.1 -> 127.0.0.1, protocol 16, id 0x1234, ttl 64, 11 data bytes
    /// ("hello chaos"), as tcpdump -X printed it from lo.
    const CHAOS_HEADER: [u8; 20] = [
        0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x00, 0x00, 0x40, 0x10, 0x6a, 0x99,
        0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
    ];

    /// A header to 192.0.2.2 whose options are `options`.
    fn routed(options: &[u8]) -> Ipv4Header {
        Ipv4Header {
            destination: Ipv4Addr::new(192, 0, 2, 2),
            options: options.to_vec(),
            ..chaos()
        }
    }

    #[test]
    fn a_source_route_with_hops_to_go_ends_at_its_last_address() {
        // Loose, pointer 4, one hop: 198.51.100.1. Strict, after a NOP,
        // pointer 8 of two hops: the second, 203.0.113.9, is still to go.
        let loose = [0x83, 7, 4, 198, 51, 100, 1];
        let strict = [1, 0x89, 11, 8, 198, 51, 100, 1, 203, 0, 113, 9];
        assert_eq!(
            routed(&loose).final_destination(),
            Ipv4Addr::new(198, 51, 100, 1)
        );
        assert_eq!(
            routed(&strict).final_destination(),
            Ipv4Addr::new(203, 0, 113, 9)
        );
    }

    #[test]
    fn without_hops_to_go_the_destination_is_final() {
        let destination = Ipv4Addr::new(192, 0, 2, 2);
        for options in [
            &[][..],
            &[0x94, 4, 0, 0],               // router alert: no route
            &[0x83, 7, 8, 198, 51, 100, 1], // pointer past the end: done
            &[0x83, 6, 4, 198, 51, 100],    // not whole addresses
            &[0x83, 3, 4],                  // no address at all
            &[0x83, 9, 4, 198, 51, 100, 1], // a length that does not fit
            &[0, 0x83, 7, 4, 198, 51, 100, 1], // after End of Option List
        ] {
            assert_eq!(
                routed(options).final_destination(),
                destination,
                "{options:02x?}"
            );
        }
    }

    fn chaos() -> Ipv4Header {
        Ipv4Header {
            type_of_service: 0,
            total_length: 31,
            identification: 0x1234,
            evil: false,
            dont_fragment: false,
            more_fragments: false,
            fragment_offset: 0,
            time_to_live: 64,
            protocol: 16,
            header_checksum: 0,
            source: Ipv4Addr::LOCALHOST,
            destination: Ipv4Addr::LOCALHOST,
            options: vec![],
        }
    }

    #[test]
    fn builds_the_header_tcpdump_showed() {
        let mut header = chaos();
        header.header_checksum = header.expected_checksum();
        assert_eq!(header.header_checksum, 0x6a99);
        assert_eq!(header.build(), CHAOS_HEADER);
    }

    #[test]
    fn parses_it_back() {
        let mut packet = CHAOS_HEADER.to_vec();
        packet.extend_from_slice(b"hello chaos");
        let (header, data) = Ipv4Header::parse(&packet).unwrap();
        assert_eq!(
            header,
            Ipv4Header {
                header_checksum: 0x6a99,
                ..chaos()
            }
        );
        assert_eq!(data, b"hello chaos");
    }

    #[test]
    fn flags_offset_and_options_land_in_their_bits() {
        let header = Ipv4Header {
            evil: true,
            dont_fragment: true,
            more_fragments: true,
            fragment_offset: 0x1ABC,
            type_of_service: 0xB8,
            options: vec![1, 1, 1],
            ..chaos()
        };
        let bytes = header.build();
        assert_eq!(bytes.len(), 24);
        assert_eq!(bytes[0], 0x46, "version 4, IHL 6");
        assert_eq!(bytes[1], 0xB8);
        assert_eq!(&bytes[6..8], &[0xFA, 0xBC]);
        assert_eq!(&bytes[20..24], &[1, 1, 1, 0], "zero padding");
    }
}
