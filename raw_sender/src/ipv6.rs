//! The IPv6 header, RFC 8200 § 3, written and read byte by byte.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version| Traffic Class |           Flow Label                  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Payload Length        |  Next Header  |   Hop Limit   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +                         Source Address                        +
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +                      Destination Address                      +
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Set beside IPv4's header, what is gone says as much as what is there:
//! no header length (the header is always 40 bytes; options moved into
//! extension headers, RFC 8200 § 4), no identification, flags or fragment
//! offset (only the source fragments, with a Fragment header, § 4.5), and
//! no header checksum (the link below and the transport above have their
//! own). The Traffic Class is IPv4's Type of Service byte again: DSCP
//! (RFC 2474) in the high six bits, ECN (RFC 3168) in the low two.

use std::net::Ipv6Addr;
use std::ops::Range;

use byteorder::{BigEndian, ByteOrder};

use crate::Malformed;

// ANCHOR: offsets
/// Version (4 bits), Traffic Class (8) and Flow Label (20) share the first
/// 32-bit word, so neither of the last two starts on a byte boundary.
pub const VERSION_CLASS_AND_FLOW: Range<usize> = 0..4;
pub const PAYLOAD_LENGTH: Range<usize> = 4..6;
pub const NEXT_HEADER: usize = 6;
pub const HOP_LIMIT: usize = 7;
pub const SOURCE_ADDRESS: Range<usize> = 8..24;
pub const DESTINATION_ADDRESS: Range<usize> = 24..40;

/// The fixed header: always 40 bytes.
pub const HEADER_LEN: usize = 40;
/// The Flow Label has 20 bits.
pub const MAX_FLOW_LABEL: u32 = 0xF_FFFF;
// ANCHOR_END: offsets

// ANCHOR: header
/// Every field of the fixed IPv6 header, as plain values. The version (6)
/// is not stored: it is fixed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipv6Header {
    /// DSCP (high 6 bits) and ECN (low 2 bits), as IPv4's Type of Service.
    pub traffic_class: u8,
    /// 20 bits that label the packets of one flow (RFC 6437); 0 for none.
    pub flow_label: u32,
    /// What follows this header, in bytes: unlike IPv4's Total Length, the
    /// 40 bytes of this header are not counted.
    pub payload_length: u16,
    /// What follows: 6 TCP, 17 UDP, 58 ICMPv6, or an extension header.
    pub next_header: u8,
    /// IPv4's Time to Live, renamed for what routers did with it anyway.
    pub hop_limit: u8,
    pub source: Ipv6Addr,
    pub destination: Ipv6Addr,
}
// ANCHOR_END: header

impl Ipv6Header {
    /// The header's length in bytes: always 40.
    pub fn header_len(&self) -> usize {
        HEADER_LEN
    }

    // ANCHOR: build
    /// The header as bytes, every field as it is in `self`.
    pub fn build(&self) -> Vec<u8> {
        let mut header = vec![0u8; HEADER_LEN];
        // 4 bits of version, 8 of traffic class, 20 of flow label: one
        // 32-bit word, written whole.
        let first_word = (6 << 28)
            | u32::from(self.traffic_class) << 20
            | (self.flow_label & MAX_FLOW_LABEL);
        BigEndian::write_u32(&mut header[VERSION_CLASS_AND_FLOW], first_word);
        BigEndian::write_u16(&mut header[PAYLOAD_LENGTH], self.payload_length);
        header[NEXT_HEADER] = self.next_header;
        header[HOP_LIMIT] = self.hop_limit;
        header[SOURCE_ADDRESS].copy_from_slice(&self.source.octets());
        header[DESTINATION_ADDRESS].copy_from_slice(&self.destination.octets());
        header
    }
    // ANCHOR_END: build

    /// Reads a header from the start of `packet`; returns it and the data it
    /// carries (up to Payload Length). Refuses anything that does not add up.
    pub fn parse(packet: &[u8]) -> Result<(Ipv6Header, &[u8]), Malformed> {
        if packet.len() < HEADER_LEN {
            return Err(Malformed::new(format!(
                "{} bytes are too few for an IPv6 header (40)",
                packet.len()
            )));
        }
        let first_word = BigEndian::read_u32(&packet[VERSION_CLASS_AND_FLOW]);
        let version = first_word >> 28;
        if version != 6 {
            return Err(Malformed::new(format!("version is {version}, not 6")));
        }
        let payload_length = BigEndian::read_u16(&packet[PAYLOAD_LENGTH]);
        let end = HEADER_LEN + usize::from(payload_length);
        if end > packet.len() {
            return Err(Malformed::new(format!(
                "payload length says {payload_length} bytes but only {} arrived",
                packet.len() - HEADER_LEN
            )));
        }
        let address = |range: Range<usize>| {
            Ipv6Addr::from(BigEndian::read_u128(&packet[range]))
        };
        let header = Ipv6Header {
            traffic_class: (first_word >> 20) as u8,
            flow_label: first_word & MAX_FLOW_LABEL,
            payload_length,
            next_header: packet[NEXT_HEADER],
            hop_limit: packet[HOP_LIMIT],
            source: address(SOURCE_ADDRESS),
            destination: address(DESTINATION_ADDRESS),
        };
        Ok((header, &packet[HEADER_LEN..end]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo_header() -> Ipv6Header {
        Ipv6Header {
            traffic_class: 0,
            flow_label: 0,
            payload_length: 16,
            next_header: 58,
            hop_limit: 64,
            source: Ipv6Addr::LOCALHOST,
            destination: Ipv6Addr::LOCALHOST,
        }
    }

    #[test]
    fn builds_forty_bytes_with_the_addresses_last() {
        let bytes = echo_header().build();
        assert_eq!(bytes.len(), 40);
        assert_eq!(&bytes[0..8], &[0x60, 0, 0, 0, 0x00, 0x10, 58, 64]);
        assert_eq!(bytes[23], 1, "::1 ends in 1");
        assert_eq!(bytes[39], 1);
        assert!(bytes[8..23].iter().all(|&byte| byte == 0));
    }

    #[test]
    fn traffic_class_and_flow_label_straddle_the_bytes() {
        let header = Ipv6Header {
            traffic_class: 0xB8, // DSCP 46 (EF), ECN 0
            flow_label: 0x12345,
            ..echo_header()
        };
        let bytes = header.build();
        // 6, then B8 across the nibble boundary, then 1 2345.
        assert_eq!(&bytes[0..4], &[0x6B, 0x81, 0x23, 0x45]);
    }

    #[test]
    fn parses_it_back_with_its_payload() {
        let header = Ipv6Header {
            traffic_class: 0x03,
            flow_label: MAX_FLOW_LABEL,
            payload_length: 3,
            ..echo_header()
        };
        let packet = [header.build(), b"abcdef".to_vec()].concat();
        let (parsed, payload) = Ipv6Header::parse(&packet).unwrap();
        assert_eq!(parsed, header);
        assert_eq!(payload, b"abc", "no further than Payload Length");
    }

    #[test]
    fn refuses_what_does_not_add_up() {
        let bytes = echo_header().build();
        let short = Ipv6Header::parse(&bytes[..39]).unwrap_err();
        assert!(short.to_string().contains("too few"), "{short}");
        let missing = Ipv6Header::parse(&bytes).unwrap_err();
        assert!(missing.to_string().contains("says 16"), "{missing}");
        let mut v4 = bytes.clone();
        v4[0] = 0x45;
        let version = Ipv6Header::parse(&v4).unwrap_err();
        assert!(version.to_string().contains("version is 4"), "{version}");
    }
}
