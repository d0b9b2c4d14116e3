//! ICMP, RFC 792, byte by byte: the echo message ("Echo or Echo Reply
//! Message"), which raw_sender sends, and the error messages (destination
//! unreachable, time exceeded, ...), which quote the datagram that caused
//! them and which the listener reads. All share the first four bytes (type,
//! code, checksum).
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
pub const TIME_EXCEEDED: u8 = 11;
pub const PARAMETER_PROBLEM: u8 = 12;

// RFC 792, the error messages (Destination Unreachable, Time Exceeded,
// Parameter Problem, Source Quench, Redirect) share one layout:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |    unused (Pointer for 12; Next-Hop MTU for 3/4, RFC 1191)     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      Internet Header + 64 bits of Original Data Datagram      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
pub const REST_OF_HEADER: Range<usize> = 4..8;
/// "64 bits of Original Data Datagram": enough for the ports of TCP or UDP.
pub const ORIGINAL_DATA_LEN: usize = 8;
/// The shortest quote: a 20-byte IPv4 header and those 64 bits.
pub const MIN_QUOTE_LEN: usize = 20 + ORIGINAL_DATA_LEN;

/// Whether a type is one of RFC 792's error messages, which quote the
/// datagram that caused them.
pub fn is_error(icmp_type: u8) -> bool {
    matches!(icmp_type, 3 | 4 | 5 | TIME_EXCEEDED | PARAMETER_PROBLEM)
}

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

/// The first eight bytes of an ICMP error message; the quoted datagram
/// follows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcmpError {
    pub icmp_type: u8,
    pub code: u8,
    pub checksum: u16,
    /// Unused (zero), the Pointer (type 12, first byte) or the Next-Hop MTU
    /// (type 3 code 4, low 16 bits).
    pub rest_of_header: u32,
}

impl IcmpError {
    /// The header as bytes, every field as it is in `self`.
    pub fn build(&self) -> Vec<u8> {
        let mut header = vec![0u8; HEADER_LEN];
        header[TYPE] = self.icmp_type;
        header[CODE] = self.code;
        BigEndian::write_u16(&mut header[CHECKSUM], self.checksum);
        BigEndian::write_u32(&mut header[REST_OF_HEADER], self.rest_of_header);
        header
    }

    /// The checksum over the whole message, header and quote.
    pub fn expected_checksum(&self, quote: &[u8]) -> u16 {
        let mut header = self.build();
        header[CHECKSUM].fill(0);
        checksum::Checksum::new().add(&header).add(quote).finish()
    }

    /// Reads an error message; returns its header and the quoted datagram.
    /// Refuses other types, and a quote shorter than RFC 792's minimum.
    pub fn parse(message: &[u8]) -> Result<(IcmpError, &[u8]), Malformed> {
        if message.first().is_some_and(|&kind| !is_error(kind)) {
            return Err(Malformed::new(format!(
                "ICMP type {} is not an error message",
                message[TYPE]
            )));
        }
        IcmpError::parse_quoting(message, MIN_QUOTE_LEN, "an IPv4 header")
    }

    /// The layout ICMPv6's errors share (RFC 4443 § 3): the header, then a
    /// quote of at least `min_quote` bytes, `what` and 64 bits of data.
    pub fn parse_quoting<'a>(
        message: &'a [u8],
        min_quote: usize,
        what: &str,
    ) -> Result<(IcmpError, &'a [u8]), Malformed> {
        if message.len() < HEADER_LEN {
            return Err(Malformed::new(format!(
                "{} bytes are too few for an ICMP header (8)",
                message.len()
            )));
        }
        let quote = &message[HEADER_LEN..];
        if quote.len() < min_quote {
            return Err(Malformed::new(format!(
                "the quoted datagram has {} bytes, fewer than {what} and 64 bits \
                 of data ({min_quote})",
                quote.len()
            )));
        }
        let header = IcmpError {
            icmp_type: message[TYPE],
            code: message[CODE],
            checksum: BigEndian::read_u16(&message[CHECKSUM]),
            rest_of_header: BigEndian::read_u32(&message[REST_OF_HEADER]),
        };
        Ok((header, quote))
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

    /// The port unreachable Linux sent for a UDP datagram from port 40000
    /// to the closed port 54321 of 127.0.0.1, from `listener --raw 1` in a
    /// fresh namespace: the ICMP message, then the whole datagram quoted.
    const KERNEL_PORT_UNREACHABLE: [u8; 57] = [
        0x03, 0x03, 0xfb, 0x2d, 0x00, 0x00, 0x00, 0x00, // type, code, sum
        0x45, 0x00, 0x00, 0x31, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11, 0x6a, 0x86,
        0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, // quoted IPv4 header
        0x9c, 0x40, 0xd4, 0x31, 0x00, 0x1d, 0x7a, 0x3c, // quoted UDP header
        b'H', b'e', b'l', b'l', b'o', b' ', b'f', b'r', b'o', b'm', b' ', b'r',
        b'a', b'w', b'_', b's', b'e', b'n', b'd', b'e', b'r',
    ];

    #[test]
    fn the_kernels_port_unreachable_parses_rebuilds_and_has_its_checksum() {
        let (header, quote) = IcmpError::parse(&KERNEL_PORT_UNREACHABLE).unwrap();
        assert_eq!(
            (header.icmp_type, header.code),
            (DESTINATION_UNREACHABLE, 3)
        );
        assert_eq!(header.rest_of_header, 0);
        assert_eq!(quote, &KERNEL_PORT_UNREACHABLE[8..]);
        assert_eq!(header.expected_checksum(quote), 0xfb2d);
        assert_eq!(
            [header.build(), quote.to_vec()].concat(),
            KERNEL_PORT_UNREACHABLE
        );
    }

    #[test]
    fn a_built_time_exceeded_round_trips() {
        let quote = &KERNEL_PORT_UNREACHABLE[8..8 + MIN_QUOTE_LEN];
        let mut header = IcmpError {
            icmp_type: TIME_EXCEEDED,
            code: 0,
            checksum: 0,
            rest_of_header: 0,
        };
        header.checksum = header.expected_checksum(quote);
        let message = [header.build(), quote.to_vec()].concat();
        // Any message with its checksum in place sums to zero (RFC 1071).
        assert_eq!(checksum::Checksum::new().add(&message).finish(), 0);
        assert_eq!(IcmpError::parse(&message), Ok((header, quote)));
    }

    #[test]
    fn an_error_parse_refuses_echo_short_headers_and_short_quotes() {
        let refusal =
            |bytes: &[u8]| IcmpError::parse(bytes).unwrap_err().to_string();
        assert!(refusal(&KERNEL_ECHO_REPLY).contains("not an error"));
        assert!(refusal(&KERNEL_PORT_UNREACHABLE[..7]).contains("too few"));
        assert!(refusal(&KERNEL_PORT_UNREACHABLE[..35]).contains("fewer than"));
        assert!(IcmpError::parse(&KERNEL_PORT_UNREACHABLE[..36]).is_ok());
    }
}
