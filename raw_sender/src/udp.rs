//! The UDP header, RFC 768, written and read byte by byte.
//!
//! ```text
//!  0      7 8     15 16    23 24    31
//! +--------+--------+--------+--------+
//! |     Source      |   Destination   |
//! |      Port       |      Port       |
//! +--------+--------+--------+--------+
//! |                 |                 |
//! |     Length      |    Checksum     |
//! +--------+--------+--------+--------+
//! |
//! |          data octets ...
//! +---------------- ...
//! ```

use std::net::IpAddr;
use std::ops::Range;

use byteorder::{BigEndian, ByteOrder};

use crate::Malformed;

pub const SOURCE_PORT: Range<usize> = 0..2;
pub const DESTINATION_PORT: Range<usize> = 2..4;
pub const LENGTH: Range<usize> = 4..6;
pub const CHECKSUM: Range<usize> = 6..8;

pub const HEADER_LEN: usize = 8;
/// UDP's number in the IPv4 Protocol field.
pub const PROTOCOL: u8 = 17;

/// Every field of a UDP header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UdpHeader {
    pub source_port: u16,
    pub destination_port: u16,
    /// Header and data, in bytes.
    pub length: u16,
    /// 0 means "not computed" (RFC 768).
    pub checksum: u16,
}

impl UdpHeader {
    /// The header as bytes, every field as it is in `self`.
    pub fn build(&self) -> Vec<u8> {
        let mut header = vec![0u8; HEADER_LEN];
        BigEndian::write_u16(&mut header[SOURCE_PORT], self.source_port);
        BigEndian::write_u16(&mut header[DESTINATION_PORT], self.destination_port);
        BigEndian::write_u16(&mut header[LENGTH], self.length);
        BigEndian::write_u16(&mut header[CHECKSUM], self.checksum);
        header
    }

    /// The checksum this datagram should carry from `source` to
    /// `destination` with `data` after the header (pseudo-header included).
    pub fn expected_checksum(
        &self,
        source: IpAddr,
        destination: IpAddr,
        data: &[u8],
    ) -> u16 {
        let mut header = self.build();
        header[CHECKSUM].fill(0);
        match checksum::transport_checksum(
            source,
            destination,
            PROTOCOL,
            &header,
            data,
        ) {
            // RFC 768: "If the computed checksum is zero, it is transmitted
            // as all ones", since zero on the wire means "no checksum".
            0 => 0xFFFF,
            sum => sum,
        }
    }

    /// The part of `data` (what follows the header) that Length counts:
    /// "Length is the length in octets of this user datagram including this
    /// header and the data" (RFC 768), and the checksum covers that
    /// datagram, not bytes after it. All of `data` when Length claims more
    /// than came, or less than a header.
    pub fn counted<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        match usize::from(self.length).checked_sub(HEADER_LEN) {
            Some(counted) if counted <= data.len() => &data[..counted],
            _ => data,
        }
    }

    /// Reads a header from the start of `datagram`; returns it and the data.
    pub fn parse(datagram: &[u8]) -> Result<(UdpHeader, &[u8]), Malformed> {
        if datagram.len() < HEADER_LEN {
            return Err(Malformed::new(format!(
                "{} bytes are too few for a UDP header (8)",
                datagram.len()
            )));
        }
        let header = UdpHeader {
            source_port: BigEndian::read_u16(&datagram[SOURCE_PORT]),
            destination_port: BigEndian::read_u16(&datagram[DESTINATION_PORT]),
            length: BigEndian::read_u16(&datagram[LENGTH]),
            checksum: BigEndian::read_u16(&datagram[CHECKSUM]),
        };
        Ok((header, &datagram[HEADER_LEN..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 127.0.0.1:40000 -> 127.0.0.1:54321 carrying "hey\n", from a capture on
    /// lo; tcpdump -vv computed its correct checksum, 0xaff1.
    const CAPTURED: [u8; 12] = [
        0x9c, 0x40, 0xd4, 0x31, 0x00, 0x0c, 0xaf, 0xf1, b'h', b'e', b'y', b'\n',
    ];

    #[test]
    fn a_captured_datagram_parses_rebuilds_and_has_its_checksum() {
        let (header, data) = UdpHeader::parse(&CAPTURED).unwrap();
        assert_eq!(
            header,
            UdpHeader {
                source_port: 40000,
                destination_port: 54321,
                length: 12,
                checksum: 0xaff1
            }
        );
        assert_eq!(data, b"hey\n");
        let localhost = IpAddr::from(std::net::Ipv4Addr::LOCALHOST);
        assert_eq!(header.expected_checksum(localhost, localhost, data), 0xaff1);
        assert_eq!([header.build(), data.to_vec()].concat(), CAPTURED);
    }

    #[test]
    fn the_checksum_covers_what_length_counts() {
        let (header, data) = UdpHeader::parse(&CAPTURED).unwrap();
        // Bytes after the datagram (a lying IP length) are not its own.
        let longer = [data, b"tail"].concat();
        assert_eq!(header.counted(&longer), b"hey\n");
        // A Length past what came, or short of a header: all that came.
        for length in [13, 7] {
            let header = UdpHeader {
                length,
                ..header.clone()
            };
            assert_eq!(header.counted(data), data);
        }
    }

    #[test]
    fn refuses_fewer_than_eight_bytes() {
        assert!(
            UdpHeader::parse(&CAPTURED[..7])
                .unwrap_err()
                .to_string()
                .contains("too few")
        );
    }
}
