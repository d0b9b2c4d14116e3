//! ICMPv6, RFC 4443: what ICMP became for IPv6. Its echo messages (§ 4.1,
//! § 4.2) have the layout of ICMP's (type, code, checksum, identifier,
//! sequence number, data), so `icmp::IcmpEcho` writes and reads them; what
//! differs is told here: new type numbers, its own Next Header value, and
//! a checksum that covers the IPv6 pseudo-header (§ 2.3), which ICMP's
//! never did.

use std::net::IpAddr;

use crate::Malformed;
use crate::icmp::{self, IcmpEcho, IcmpError};
use crate::ipv6;

/// ICMPv6's number in the IPv6 Next Header field.
pub const NEXT_HEADER: u8 = 58;

/// Error messages have types 0-127 (§ 2.1): the high bit clear.
pub const DESTINATION_UNREACHABLE: u8 = 1;
pub const PACKET_TOO_BIG: u8 = 2;
pub const TIME_EXCEEDED: u8 = 3;
pub const PARAMETER_PROBLEM: u8 = 4;
/// Informational messages have types 128-255: the high bit set.
pub const ECHO_REQUEST: u8 = 128;
pub const ECHO_REPLY: u8 = 129;

/// Echo request or reply: the two whose last four bytes are an identifier
/// and a sequence number.
pub fn is_echo(icmp_type: u8) -> bool {
    matches!(icmp_type, ECHO_REQUEST | ECHO_REPLY)
}

/// Error messages: the high bit of the type clear (§ 2.1). Each quotes
/// "as much of invoking packet as possible without the ICMPv6 packet
/// exceeding the minimum IPv6 MTU" (§ 3.1), after the layout of ICMP's.
pub fn is_error(icmp_type: u8) -> bool {
    icmp_type < 128
}

/// The shortest quote read: a 40-byte IPv6 header and 64 bits of data.
pub const MIN_QUOTE_LEN: usize = ipv6::HEADER_LEN + icmp::ORIGINAL_DATA_LEN;

impl IcmpError {
    /// Reads an ICMPv6 error message; its header and the quoted packet.
    pub fn parse_v6(message: &[u8]) -> Result<(IcmpError, &[u8]), Malformed> {
        if message.first().is_some_and(|&kind| !is_error(kind)) {
            return Err(Malformed::new(format!(
                "ICMPv6 type {} is not an error message",
                message[icmp::TYPE]
            )));
        }
        IcmpError::parse_quoting(message, MIN_QUOTE_LEN, "an IPv6 header")
    }
}

impl IcmpEcho {
    // ANCHOR: checksum
    /// The checksum this ICMPv6 message should carry from `source` to
    /// `destination` with `data` after the header. RFC 4443 § 2.3: "The
    /// checksum is the 16-bit one's complement of the one's complement sum
    /// of the entire ICMPv6 message, starting with the ICMPv6 message type
    /// field, and prepended with a "pseudo-header" of IPv6 header fields".
    pub fn expected_checksum_v6(
        &self,
        source: IpAddr,
        destination: IpAddr,
        data: &[u8],
    ) -> u16 {
        let mut header = self.build();
        header[icmp::CHECKSUM].fill(0);
        checksum::transport_checksum(source, destination, NEXT_HEADER, &header, data)
    }
    // ANCHOR_END: checksum
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use super::*;

    #[test]
    fn the_pseudo_header_changes_the_checksum() {
        let request = IcmpEcho {
            icmp_type: ECHO_REQUEST,
            code: 0,
            checksum: 0,
            identifier: 1,
            sequence_number: 1,
        };
        let localhost = IpAddr::V6(Ipv6Addr::LOCALHOST);
        let other = IpAddr::V6("2001:db8::1".parse().unwrap());
        let here = request.expected_checksum_v6(localhost, localhost, b"hi");
        let there = request.expected_checksum_v6(localhost, other, b"hi");
        assert_ne!(here, there, "another destination, another checksum");
        assert_ne!(here, request.expected_checksum(b"hi"), "ICMP has none");
    }
}
