//! A packet field by field: for each header a title, then a line per field
//! with the byte where it starts, its name, its value and the RFC section
//! that defines it.

use std::fmt::{Display, Write as _};

use super::names::{
    error_names, flag_names, icmp_name, icmpv6_code_name, icmpv6_error_name,
    icmpv6_name, protocol_name,
};
use crate::hex::hex;
use crate::icmp::{self, IcmpEcho};
use crate::icmpv6;
use crate::ipv4::{self, Ipv4Header};
use crate::ipv6::{self, Ipv6Header};
use crate::packet::{IpHeader, Packet, Quoted, Transport};
use crate::tcp::{self, TcpHeader};
use crate::udp::{self, UdpHeader};

/// One header field: its name, its value, the byte where it starts, and the
/// RFC section that defines it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: String,
    pub offset: usize,
    pub rfc: &'static str,
}

impl Field {
    pub fn new(
        name: &'static str,
        value: impl Display,
        offset: usize,
        rfc: &'static str,
    ) -> Field {
        let value = value.to_string();
        Field {
            name,
            value,
            offset,
            rfc,
        }
    }
}

/// Each field on a line: offset, name, value, RFC section, under a title
/// for each header, offsets counted from the start of the packet.
pub fn field_table(packet: &Packet) -> String {
    let mut table = String::new();
    let ip_len = packet.ip.header_len();
    let (name, fields) = match &packet.ip {
        IpHeader::V4(ip) => ("IPv4", ipv4_fields(ip)),
        IpHeader::V6(ip) => ("IPv6", ipv6_fields(ip)),
    };
    let title = format!("{name} header, bytes 0-{}", ip_len - 1);
    rows(&mut table, &title, 0, fields);
    let transport = match &packet.transport {
        Transport::None => None,
        Transport::Tcp(tcp) => Some(("TCP", tcp_fields(tcp))),
        Transport::Udp(udp) => Some(("UDP", udp_fields(udp))),
        Transport::Icmp(icmp) => match packet.icmp_error() {
            Some(Ok(quoted)) => Some(("ICMP", icmp_error_fields(&quoted))),
            _ => Some(("ICMP", icmp_fields(icmp))),
        },
        Transport::Icmpv6(icmp) => match packet.icmp_error() {
            Some(Ok(quoted)) => Some(("ICMPv6", icmp_error_fields(&quoted))),
            _ => Some(("ICMPv6", icmpv6_fields(icmp))),
        },
    };
    if let Some((name, fields)) = transport {
        // The transport header starts where the IP header ends.
        let end = ip_len + packet.transport.header_len() - 1;
        let title = format!("{name} header, bytes {ip_len}-{end}");
        rows(&mut table, &title, ip_len, fields);
    }
    let data_start = packet.total_len() - packet.payload.len();
    let _ = match packet.payload.len() {
        0 => writeln!(
            table,
            "Data: none (the packet ends at byte {})",
            data_start - 1
        ),
        len => writeln!(
            table,
            "Data, bytes {data_start}-{}: {len} bytes",
            data_start + len - 1
        ),
    };
    if let Some(Ok(quoted)) = packet.icmp_error() {
        quoted_rows(&mut table, &quoted, data_start);
    }
    table
}

/// The datagram an ICMP error quotes, `base` bytes into the packet: its
/// IP header, then its first 64 bits (for TCP and UDP, the ports).
fn quoted_rows(table: &mut String, quoted: &Quoted, base: usize) {
    let ip_len = quoted.ip.header_len();
    let (name, fields) = match &quoted.ip {
        IpHeader::V4(ip) => ("IPv4", ipv4_fields(ip)),
        IpHeader::V6(ip) => ("IPv6", ipv6_fields(ip)),
    };
    let title = format!("Quoted {name} header, bytes {base}-{}", base + ip_len - 1);
    rows(table, &title, base, fields);
    let start = base + ip_len;
    let end = start + quoted.original_data.len().max(1) - 1;
    let what = match quoted.ports() {
        Some((from, to)) => format!(
            "{} source port {from}, destination port {to}",
            protocol_name(quoted.ip.protocol())
        ),
        None => hex(&quoted.original_data),
    };
    let _ = writeln!(table, "Quoted data, bytes {start}-{end}: {what}");
}

/// A header's title, then a line per field, `base` bytes into the packet.
fn rows(table: &mut String, title: &str, base: usize, fields: Vec<Field>) {
    let _ = writeln!(table, "{title}:");
    for field in fields {
        let _ = writeln!(
            table,
            "  {:>4}  {:<21} {:<21} {}",
            base + field.offset,
            field.name,
            field.value,
            field.rfc
        );
    }
}

/// The IPv4 header's fields, RFC 791 § 3.1.
pub fn ipv4_fields(ip: &Ipv4Header) -> Vec<Field> {
    use ipv4::*;
    let rfc = "RFC 791 3.1";
    let flags: Vec<&str> = [
        (ip.evil, "evil"),
        (ip.dont_fragment, "DF"),
        (ip.more_fragments, "MF"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    let flags = if flags.is_empty() {
        "none".to_string()
    } else {
        flags.join(" ")
    };
    let (len, tos, id) = (ip.header_len(), ip.type_of_service, ip.identification);
    let protocol = format!("{} ({})", ip.protocol, protocol_name(ip.protocol));
    let offset = ip.fragment_offset;
    let mut fields = vec![
        Field::new("Version", "4", VERSION_AND_IHL, rfc),
        Field::new("IHL", words(len), VERSION_AND_IHL, rfc),
        Field::new(
            "Type of Service",
            format!("0x{tos:02x} (DSCP {}, ECN {})", tos >> 2, tos & 0x03),
            TYPE_OF_SERVICE,
            "RFC 791 3.1, RFC 2474, RFC 3168",
        ),
        Field::new("Total Length", ip.total_length, TOTAL_LENGTH.start, rfc),
        Field::new(
            "Identification",
            format!("{id} (0x{id:04x})"),
            IDENTIFICATION.start,
            rfc,
        ),
        Field::new(
            "Flags",
            flags,
            FLAGS_AND_FRAGMENT_OFFSET.start,
            "RFC 791 3.1, RFC 3514",
        ),
        Field::new(
            "Fragment Offset",
            format!("{offset} ({} bytes)", u32::from(offset) * 8),
            FLAGS_AND_FRAGMENT_OFFSET.start,
            rfc,
        ),
        Field::new("Time to Live", ip.time_to_live, TIME_TO_LIVE, rfc),
        Field::new("Protocol", protocol, PROTOCOL, "RFC 791 3.1, RFC 790"),
        Field::new(
            "Header Checksum",
            format!("0x{:04x}", ip.header_checksum),
            HEADER_CHECKSUM.start,
            "RFC 791 3.1, RFC 1071",
        ),
        Field::new("Source Address", ip.source, SOURCE_ADDRESS.start, rfc),
        Field::new(
            "Destination Address",
            ip.destination,
            DESTINATION_ADDRESS.start,
            rfc,
        ),
    ];
    if !ip.options.is_empty() {
        fields.push(Field::new("Options", hex(&ip.options), OPTIONS, rfc));
    }
    fields
}

/// The IPv6 header's fields, RFC 8200 § 3.
pub fn ipv6_fields(ip: &Ipv6Header) -> Vec<Field> {
    use ipv6::*;
    let rfc = "RFC 8200 3";
    let class = ip.traffic_class;
    let next = format!("{} ({})", ip.next_header, protocol_name(ip.next_header));
    // The first word holds three fields; each starts in byte 0 or 1.
    let first = VERSION_CLASS_AND_FLOW.start;
    vec![
        Field::new("Version", "6", first, rfc),
        Field::new(
            "Traffic Class",
            format!("0x{class:02x} (DSCP {}, ECN {})", class >> 2, class & 0x03),
            first,
            "RFC 8200 7, RFC 2474, RFC 3168",
        ),
        Field::new(
            "Flow Label",
            format!("0x{:05x}", ip.flow_label),
            first + 1,
            "RFC 8200 6, RFC 6437",
        ),
        Field::new(
            "Payload Length",
            ip.payload_length,
            PAYLOAD_LENGTH.start,
            rfc,
        ),
        Field::new("Next Header", next, NEXT_HEADER, rfc),
        Field::new("Hop Limit", ip.hop_limit, HOP_LIMIT, rfc),
        Field::new("Source Address", ip.source, SOURCE_ADDRESS.start, rfc),
        Field::new(
            "Destination Address",
            ip.destination,
            DESTINATION_ADDRESS.start,
            rfc,
        ),
    ]
}

/// The TCP header's fields, RFC 9293 § 3.1.
pub fn tcp_fields(header: &TcpHeader) -> Vec<Field> {
    use tcp::*;
    let rfc = "RFC 9293 3.1";
    let flags = format!("0x{:02x} ({})", header.flags, flag_names(header.flags));
    let mut fields = vec![
        Field::new("Source Port", header.source_port, SOURCE_PORT.start, rfc),
        Field::new(
            "Destination Port",
            header.destination_port,
            DESTINATION_PORT.start,
            rfc,
        ),
        Field::new(
            "Sequence Number",
            header.sequence_number,
            SEQUENCE_NUMBER.start,
            rfc,
        ),
        Field::new(
            "Acknowledgment Number",
            header.acknowledgment_number,
            ACKNOWLEDGMENT_NUMBER.start,
            rfc,
        ),
        Field::new("Data Offset", words(header.header_len()), DATA_OFFSET, rfc),
        Field::new("Control Bits", flags, CONTROL_BITS, rfc),
        Field::new("Window", header.window, WINDOW.start, rfc),
        Field::new("Checksum", hex_u16(header.checksum), CHECKSUM.start, rfc),
        Field::new(
            "Urgent Pointer",
            header.urgent_pointer,
            URGENT_POINTER.start,
            rfc,
        ),
    ];
    if !header.options.is_empty() {
        fields.push(Field::new("Options", hex(&header.options), OPTIONS, rfc));
    }
    fields
}

/// The UDP header's fields, RFC 768.
pub fn udp_fields(header: &UdpHeader) -> Vec<Field> {
    use udp::*;
    let rfc = "RFC 768";
    vec![
        Field::new("Source Port", header.source_port, SOURCE_PORT.start, rfc),
        Field::new(
            "Destination Port",
            header.destination_port,
            DESTINATION_PORT.start,
            rfc,
        ),
        Field::new("Length", header.length, LENGTH.start, rfc),
        Field::new("Checksum", hex_u16(header.checksum), CHECKSUM.start, rfc),
    ]
}

/// The ICMP echo header's fields, RFC 792.
pub fn icmp_fields(header: &IcmpEcho) -> Vec<Field> {
    use icmp::*;
    let rfc = "RFC 792 (Echo)";
    let kind = format!("{} ({})", header.icmp_type, icmp_name(header));
    vec![
        Field::new("Type", kind, TYPE, rfc),
        Field::new("Code", header.code, CODE, rfc),
        Field::new("Checksum", hex_u16(header.checksum), CHECKSUM.start, rfc),
        Field::new("Identifier", header.identifier, IDENTIFIER.start, rfc),
        Field::new(
            "Sequence Number",
            header.sequence_number,
            SEQUENCE_NUMBER.start,
            rfc,
        ),
    ]
}

/// The ICMPv6 echo header's fields, RFC 4443 § 4.1 (the layout of ICMP's).
pub fn icmpv6_fields(header: &IcmpEcho) -> Vec<Field> {
    use icmp::*;
    let rfc = "RFC 4443 4.1";
    let kind = format!("{} ({})", header.icmp_type, icmpv6_name(header));
    vec![
        Field::new("Type", kind, TYPE, rfc),
        Field::new("Code", header.code, CODE, rfc),
        Field::new(
            "Checksum",
            hex_u16(header.checksum),
            CHECKSUM.start,
            "RFC 4443 2.3",
        ),
        Field::new("Identifier", header.identifier, IDENTIFIER.start, rfc),
        Field::new(
            "Sequence Number",
            header.sequence_number,
            SEQUENCE_NUMBER.start,
            rfc,
        ),
    ]
}

/// The ICMP error header's fields, RFC 792, or ICMPv6's, RFC 4443 § 3.
pub fn icmp_error_fields(quoted: &Quoted) -> Vec<Field> {
    use icmp::{CHECKSUM, CODE, REST_OF_HEADER, TYPE};
    let header = &quoted.error;
    let rest = header.rest_of_header;
    let (rfc, (kind, code), (name, value)) = match quoted.ip {
        IpHeader::V4(_) => (
            "RFC 792",
            error_names(header.icmp_type, header.code),
            match (header.icmp_type, header.code) {
                (icmp::PARAMETER_PROBLEM, _) => {
                    ("Pointer", (rest >> 24).to_string())
                }
                (icmp::DESTINATION_UNREACHABLE, 4) => {
                    ("Next-Hop MTU", (rest & 0xffff).to_string())
                }
                _ => ("Unused", format!("0x{rest:08x}")),
            },
        ),
        // ICMPv6 gives all 32 bits to the MTU and the pointer (§ 3.2, § 3.4).
        IpHeader::V6(_) => (
            "RFC 4443 3",
            (
                icmpv6_error_name(header.icmp_type),
                icmpv6_code_name(header.icmp_type, header.code),
            ),
            match header.icmp_type {
                icmpv6::PACKET_TOO_BIG => ("MTU", rest.to_string()),
                icmpv6::PARAMETER_PROBLEM => ("Pointer", rest.to_string()),
                _ => ("Unused", format!("0x{rest:08x}")),
            },
        ),
    };
    let kind = format!("{} ({kind})", header.icmp_type);
    let code = format!("{} ({code})", header.code);
    vec![
        Field::new("Type", kind, TYPE, rfc),
        Field::new("Code", code, CODE, rfc),
        Field::new("Checksum", hex_u16(header.checksum), CHECKSUM.start, rfc),
        Field::new(name, value, REST_OF_HEADER.start, rfc),
    ]
}

/// A length counted in 32-bit words (IHL, Data Offset): "5 (20 bytes)".
fn words(len: usize) -> String {
    format!("{} ({len} bytes)", len / 4)
}

fn hex_u16(value: u16) -> String {
    format!("0x{value:04x}")
}
