//! The ICMP echo message, RFC 792 ("Echo or Echo Reply Message"), written
//! and read byte by byte. Other ICMP messages share the first four bytes
//! (type, code, checksum); the listener reads those too.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Identifier          |        Sequence Number        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Data ...
//! +-+-+-+-+-
//! ```
//!
//! RFC 792: "The checksum is the 16-bit ones's complement of the one's
//! complement sum of the ICMP message starting with the ICMP Type." There is
//! no pseudo-header.

use std::ops::Range;

use byteorder::{BigEndian, ByteOrder};

use crate::Malformed;

pub const TYPE: usize = 0;
pub const CODE: usize = 1;
pub const CHECKSUM: Range<usize> = 2..4;
pub const IDENTIFIER: Range<usize> = 4..6;
pub const SEQUENCE_NUMBER: Range<usize> = 6..8;

pub const HEADER_LEN: usize = 8;
/// ICMP's number in the IPv4 Protocol field.
pub const PROTOCOL: u8 = 1;
pub const ECHO_REPLY: u8 = 0;
pub const DESTINATION_UNREACHABLE: u8 = 3;
pub const ECHO_REQUEST: u8 = 8;

/// The fields of an ICMP echo (request or reply) header. For other types
/// the last four bytes mean something else and are shown as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcmpEcho {
    pub icmp_type: u8,
    pub code: u8,
    pub checksum: u16,
    pub identifier: u16,
    pub sequence_number: u16,
}

impl IcmpEcho {
    /// The header as bytes, every field as it is in `self`.
    pub fn build(&self) -> Vec<u8> {
        let mut header = vec![0u8; HEADER_LEN];
        header[TYPE] = self.icmp_type;
        header[CODE] = self.code;
        BigEndian::write_u16(&mut header[CHECKSUM], self.checksum);
        BigEndian::write_u16(&mut header[IDENTIFIER], self.identifier);
        BigEndian::write_u16(&mut header[SEQUENCE_NUMBER], self.sequence_number);
        header
    }

    /// The checksum this message should carry with `data` after the header.
    pub fn expected_checksum(&self, data: &[u8]) -> u16 {
        let mut header = self.build();
        header[CHECKSUM].fill(0);
        checksum::Checksum::new().add(&header).add(data).finish()
    }

    /// Reads a header from the start of `message`; returns it and the data.
    pub fn parse(message: &[u8]) -> Result<(IcmpEcho, &[u8]), Malformed> {
        if message.len() < HEADER_LEN {
            return Err(Malformed::new(format!(
                "{} bytes are too few for an ICMP header (8)",
                message.len()
            )));
        }
        let header = IcmpEcho {
            icmp_type: message[TYPE],
            code: message[CODE],
            checksum: BigEndian::read_u16(&message[CHECKSUM]),
            identifier: BigEndian::read_u16(&message[IDENTIFIER]),
            sequence_number: BigEndian::read_u16(&message[SEQUENCE_NUMBER]),
        };
        Ok((header, &message[HEADER_LEN..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The echo reply Linux built for a request (id 257, seq 1, "course
    /// ping"), from a capture on lo: its checksum is the kernel's.
    const KERNEL_ECHO_REPLY: [u8; 19] = [
        0x00, 0x00, 0xc1, 0xd7, 0x01, 0x01, 0x00, 0x01, b'c', b'o', b'u', b'r',
        b's', b'e', b' ', b'p', b'i', b'n', b'g',
    ];

    #[test]
    fn the_kernels_echo_reply_parses_rebuilds_and_has_its_checksum() {
        let (header, data) = IcmpEcho::parse(&KERNEL_ECHO_REPLY).unwrap();
        assert_eq!(header.icmp_type, ECHO_REPLY);
        assert_eq!((header.identifier, header.sequence_number), (257, 1));
        assert_eq!(data, b"course ping");
        assert_eq!(header.expected_checksum(data), 0xc1d7);
        assert_eq!([header.build(), data.to_vec()].concat(), KERNEL_ECHO_REPLY);
    }

    #[test]
    fn an_echo_request_differs_only_in_type_and_checksum() {
        let request = IcmpEcho {
            icmp_type: ECHO_REQUEST,
            code: 0,
            checksum: 0,
            identifier: 257,
            sequence_number: 1,
        };
        // As captured: the request that drew the reply above carried 0xb9d7.
        assert_eq!(request.expected_checksum(b"course ping"), 0xb9d7);
    }

    #[test]
    fn refuses_fewer_than_eight_bytes() {
        assert!(
            IcmpEcho::parse(&KERNEL_ECHO_REPLY[..7])
                .unwrap_err()
                .to_string()
                .contains("too few")
        );
    }
}
