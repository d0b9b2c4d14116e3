//! Ways to show a packet without sending it, each in a file of its own:
//! a one-line summary in tcpdump's words (`summary.rs`), a field-by-field
//! table (`fields.rs`), a hex dump laid out as `tcpdump -X` prints one
//! (`hex_dump.rs`), and a pcap file that tcpdump and Wireshark can open
//! (`pcap.rs`); `names.rs` says what the numbers are called. The header
//! files know nothing of this: they lay out bytes, and these files show
//! them.

mod fields;
mod hex_dump;
mod names;
mod pcap;
mod summary;

pub use fields::{
    Field, field_table, icmp_error_fields, icmp_fields, icmpv6_fields, ipv4_fields,
    ipv6_fields, tcp_fields, udp_fields,
};
pub use hex_dump::hex_dump;
pub use names::{flag_names, icmp_name, icmpv6_name, protocol_name, tcpdump_flags};
pub use pcap::{
    LINKTYPE_IPV4, LINKTYPE_IPV6, link_type, write_pcap_header, write_pcap_record,
};
pub use summary::summary;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icmp;
    use crate::packet::{IpHeader, Packet};

    /// A router's time exceeded for a TCP SYN, built here as Linux builds
    /// one, but quoting only what RFC 792 asks: the header and 64 bits.
    #[test]
    fn a_time_exceeded_shows_the_datagram_it_quotes() {
        let quote: [u8; 28] = [
            0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x01, 0x06, 0x00, 0x00,
            0xc0, 0x00, 0x02, 0x02, 0xc6, 0x33, 0x64, 0x02, // IPv4, TTL 1
            0x9c, 0x40, 0x00, 0x17, 0x00, 0x00, 0x00, 0x01, // ports, seq
        ];
        let mut error = icmp::IcmpError {
            icmp_type: icmp::TIME_EXCEEDED,
            code: 0,
            checksum: 0,
            rest_of_header: 0,
        };
        error.checksum = error.expected_checksum(&quote);
        let message = [error.build(), quote.to_vec()].concat();
        let outer = [
            &[0x45, 0xc0, 0x00, 0x38, 0, 0, 0, 0, 64, 1, 0, 0][..],
            &[192, 0, 2, 1, 192, 0, 2, 2][..],
            &message[..],
        ]
        .concat();
        let packet = Packet::parse(&outer).unwrap();
        assert_eq!(
            summary(&packet),
            "IP 192.0.2.1 > 192.0.2.2: ICMP time exceeded (TTL exceeded in transit), \
             for TCP 192.0.2.2.40000 > 198.51.100.2.23, length 36"
        );
        let quoted = packet.icmp_error().unwrap().unwrap();
        let IpHeader::V4(quoted_ip) = &quoted.ip else {
            panic!("an ICMP error quotes IPv4");
        };
        assert_eq!(
            quoted_ip.total_length, 40,
            "the original's, not the quote's"
        );
        let table = field_table(&packet);
        assert!(
            table.contains("Quoted IPv4 header, bytes 28-47:"),
            "{table}"
        );
        assert!(table.contains("  36  Time to Live          1 "), "{table}");
        assert!(
            table.contains("Quoted data, bytes 48-55: TCP source port 40000"),
            "{table}"
        );
        assert_eq!(
            packet.transport_checksums().map(|(a, b)| a == b),
            Some(true)
        );
    }

    /// The port unreachable Linux sent on lo for a UDP datagram ("hey")
    /// from ::1 port 40000 to the closed port 54321, as tcpdump -X showed
    /// it ("[icmp6 sum ok]"): the kernel's own flow label, and the whole
    /// datagram quoted.
    #[test]
    fn an_icmpv6_port_unreachable_shows_the_packet_it_quotes() {
        let localhost = [[0u8; 15].as_slice(), &[1]].concat();
        let packet = [
            &[0x60, 0x08, 0x3f, 0x40, 0x00, 0x3b, 0x3a, 0x40][..],
            &localhost,
            &localhost,
            &[0x01, 0x04, 0x8d, 0x55, 0, 0, 0, 0], // type 1, code 4, sum
            &[0x60, 0, 0, 0, 0x00, 0x0b, 0x11, 0x40],
            &localhost,
            &localhost,
            &[
                0x9c, 0x40, 0xd4, 0x31, 0x00, 0x0b, 0xad, 0xfe, b'h', b'e', b'y',
            ],
        ]
        .concat();
        let packet = Packet::parse(&packet).unwrap();
        assert_eq!(
            summary(&packet),
            "IP6 ::1 > ::1: ICMP6, destination unreachable, port, \
             for UDP ::1.40000 > ::1.54321, length 59"
        );
        assert_eq!(packet.transport_checksums(), Some((0x8d55, 0x8d55)));
        let table = field_table(&packet);
        for row in [
            "ICMPv6 header, bytes 40-47:",
            "    40  Type                  1 (destination unreachable) RFC 4443 3",
            "    41  Code                  4 (port unreachable)  RFC 4443 3",
            "Quoted IPv6 header, bytes 48-87:",
            "    52  Payload Length        11 ",
            "Quoted data, bytes 88-95: UDP source port 40000, destination port 54321",
        ] {
            assert!(table.contains(row), "{row:?} missing:\n{table}");
        }
    }
}
