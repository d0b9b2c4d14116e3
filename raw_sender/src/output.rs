//! Ways to show a packet without sending it: a one-line summary in
//! tcpdump's words, a field-by-field table, a hex dump laid out as
//! `tcpdump -X` prints one, and a pcap file that tcpdump and Wireshark can
//! open. The header files know nothing of this: they lay out bytes, and
//! this file shows them.

use std::fmt::{Display, Write as _};
use std::io::{self, Write};
use std::time::Duration;

use byteorder::{ByteOrder, LittleEndian};

use crate::hex::hex;
use crate::icmp::{self, IcmpEcho};
use crate::icmpv6;
use crate::ipv4::{self, Ipv4Header};
use crate::ipv6::{self, Ipv6Header};
use crate::packet::{IpHeader, Packet, Quoted, Transport};
use crate::tcp::{self, TcpHeader};
use crate::udp::{self, UdpHeader};

/// One line in the words tcpdump uses:
/// `IP 127.0.0.1.40000 > 127.0.0.1.12345: Flags [S], seq 1, win 64240, length 0`,
/// or `IP6 ::1.40000 > ::1.12345: ...` for IPv6.
pub fn summary(packet: &Packet) -> String {
    let (source, destination) = (packet.ip.source(), packet.ip.destination());
    let ip = packet.ip.tcpdump_name();
    let length = packet.payload.len();
    match &packet.transport {
        Transport::Tcp(tcp) => format!(
            "{ip} {source}.{} > {destination}.{}: Flags {}, seq {}, ack {}, win {}, length {length}",
            tcp.source_port,
            tcp.destination_port,
            tcpdump_flags(tcp.flags),
            tcp.sequence_number,
            tcp.acknowledgment_number,
            tcp.window
        ),
        Transport::Udp(udp) => format!(
            "{ip} {source}.{} > {destination}.{}: UDP, length {length}",
            udp.source_port, udp.destination_port
        ),
        Transport::Icmp(_) if packet.icmp_error().is_some() => format!(
            "IP {source} > {destination}: ICMP {}, length {}",
            error_summary(packet),
            length + icmp::HEADER_LEN
        ),
        Transport::Icmp(icmp) => format!(
            "IP {source} > {destination}: ICMP {}, id {}, seq {}, length {}",
            icmp_name(icmp),
            icmp.identifier,
            icmp.sequence_number,
            length + icmp::HEADER_LEN
        ),
        Transport::Icmpv6(_) if packet.icmp_error().is_some() => format!(
            "{ip} {source} > {destination}: ICMP6, {}, length {}",
            error_summary(packet),
            length + icmp::HEADER_LEN
        ),
        Transport::Icmpv6(icmp) => format!(
            "{ip} {source} > {destination}: ICMP6, {}{}, length {}",
            icmpv6_name(icmp),
            match icmpv6::is_echo(icmp.icmp_type) {
                true =>
                    format!(", id {}, seq {}", icmp.identifier, icmp.sequence_number),
                false => String::new(),
            },
            length + icmp::HEADER_LEN
        ),
        Transport::None => format!(
            "{ip} {source} > {destination}: ip-proto-{} {length}",
            packet.ip.protocol()
        ),
    }
}

/// An ICMP error in words, with the datagram it is about:
/// `destination unreachable (port unreachable), for UDP 127.0.0.1.40000 >
/// 127.0.0.1.54321`.
fn error_summary(packet: &Packet) -> String {
    let name = match &packet.transport {
        Transport::Icmp(icmp) => icmp_name(icmp),
        Transport::Icmpv6(icmp) => icmpv6_name(icmp),
        _ => return String::new(),
    };
    match packet.icmp_error() {
        Some(Ok(quoted)) => format!("{name}, for {}", quoted_summary(&quoted)),
        Some(Err(why)) => format!("{name}, quoting a malformed datagram: {why}"),
        None => name,
    }
}

/// The quoted datagram in one phrase: protocol, addresses, ports.
fn quoted_summary(quoted: &Quoted) -> String {
    let ip = &quoted.ip;
    let name = protocol_name(ip.protocol());
    let name = match name {
        "other" => format!("ip-proto-{}", ip.protocol()),
        _ => name.to_string(),
    };
    let (source, destination) = (ip.source(), ip.destination());
    match quoted.ports() {
        Some((from, to)) => format!("{name} {source}.{from} > {destination}.{to}"),
        None => format!("{name} {source} > {destination}"),
    }
}

/// The control bits as tcpdump prints them: `[S]`, `[S.]`, `[P.]`.
pub fn tcpdump_flags(flags: u8) -> String {
    // tcpdump's order and letters: F S R P U E W, then '.' for ACK.
    let letters = [
        (tcp::FIN, 'F'),
        (tcp::SYN, 'S'),
        (tcp::RST, 'R'),
        (tcp::PSH, 'P'),
        (tcp::URG, 'U'),
        (tcp::ECE, 'E'),
        (tcp::CWR, 'W'),
        (tcp::ACK, '.'),
    ];
    let shown: String = letters
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, letter)| *letter)
        .collect();
    if shown.is_empty() {
        "[none]".into()
    } else {
        format!("[{shown}]")
    }
}

/// The names of the protocol numbers this course meets (RFC 790, now the
/// IANA registry, which IPv6's Next Header shares).
pub fn protocol_name(protocol: u8) -> &'static str {
    match protocol {
        icmp::PROTOCOL => "ICMP",
        tcp::PROTOCOL => "TCP",
        16 => "CHAOS",
        udp::PROTOCOL => "UDP",
        44 => "IPv6 Fragment header",
        icmpv6::NEXT_HEADER => "ICMPv6",
        _ => "other",
    }
}

/// What tcpdump would call an ICMPv6 message (RFC 4443 § 2.1, § 3, § 4).
pub fn icmpv6_name(message: &IcmpEcho) -> String {
    use icmpv6::*;
    let name = match (message.icmp_type, message.code) {
        (ECHO_REQUEST, _) => "echo request",
        (ECHO_REPLY, _) => "echo reply",
        (DESTINATION_UNREACHABLE, 0) => "destination unreachable, no route",
        (DESTINATION_UNREACHABLE, 1) => "destination unreachable, prohibited",
        (DESTINATION_UNREACHABLE, 3) => "destination unreachable, address",
        (DESTINATION_UNREACHABLE, 4) => "destination unreachable, port",
        (PACKET_TOO_BIG, _) => "packet too big",
        (TIME_EXCEEDED, 0) => "time exceeded in-transit",
        (TIME_EXCEEDED, 1) => "time exceeded, reassembly",
        (PARAMETER_PROBLEM, _) => "parameter problem",
        (kind, code) => return format!("type {kind}, code {code}"),
    };
    name.into()
}

/// What tcpdump would call an ICMP message: "echo request", ...
pub fn icmp_name(message: &IcmpEcho) -> String {
    match (message.icmp_type, message.code) {
        (icmp::ECHO_REQUEST, _) => "echo request".into(),
        (icmp::ECHO_REPLY, _) => "echo reply".into(),
        (icmp::DESTINATION_UNREACHABLE, code) => {
            format!("destination unreachable ({})", unreachable_name(code))
        }
        (icmp::TIME_EXCEEDED, 0) => "time exceeded (TTL exceeded in transit)".into(),
        (icmp::TIME_EXCEEDED, 1) => {
            "time exceeded (fragment reassembly time exceeded)".into()
        }
        (icmp::PARAMETER_PROBLEM, _) => "parameter problem".into(),
        (kind, code) => format!("type {kind}, code {code}"),
    }
}

/// The codes of Destination Unreachable: RFC 792 (0-5), RFC 1122 3.2.2.1
/// (6-12), RFC 1812 5.2.7.1 (13-15).
fn unreachable_name(code: u8) -> String {
    let name = match code {
        0 => "net unreachable",
        1 => "host unreachable",
        2 => "protocol unreachable",
        3 => "port unreachable",
        4 => "fragmentation needed and DF set",
        5 => "source route failed",
        6 => "destination network unknown",
        7 => "destination host unknown",
        8 => "source host isolated",
        9 => "network administratively prohibited",
        10 => "host administratively prohibited",
        11 => "network unreachable for TOS",
        12 => "host unreachable for TOS",
        13 => "communication administratively prohibited",
        14 => "host precedence violation",
        15 => "precedence cutoff in effect",
        code => return format!("code {code}"),
    };
    name.into()
}

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
    let _ = writeln!(
        table,
        "Data, bytes {data_start}-{}: {} bytes",
        packet.total_len().max(data_start + 1) - 1,
        packet.payload.len()
    );
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
            "  {:>4}  {:<20} {:<21} {}",
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

/// The control bits by name: "SYN ACK".
pub fn flag_names(flags: u8) -> String {
    let names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];
    let set: Vec<&str> = (0..8)
        .filter(|bit| flags & (1 << bit) != 0)
        .map(|bit| names[bit])
        .collect();
    if set.is_empty() {
        "none".into()
    } else {
        set.join(" ")
    }
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

/// An ICMPv6 error message's type in RFC 4443's words.
fn icmpv6_error_name(icmp_type: u8) -> &'static str {
    match icmp_type {
        icmpv6::DESTINATION_UNREACHABLE => "destination unreachable",
        icmpv6::PACKET_TOO_BIG => "packet too big",
        icmpv6::TIME_EXCEEDED => "time exceeded",
        icmpv6::PARAMETER_PROBLEM => "parameter problem",
        _ => "error",
    }
}

/// An ICMPv6 error's code in RFC 4443's words (§ 3.1, § 3.3, § 3.4).
fn icmpv6_code_name(icmp_type: u8, code: u8) -> String {
    use icmpv6::*;
    let name = match (icmp_type, code) {
        (DESTINATION_UNREACHABLE, 0) => "no route to destination",
        (DESTINATION_UNREACHABLE, 1) => "communication administratively prohibited",
        (DESTINATION_UNREACHABLE, 2) => "beyond scope of source address",
        (DESTINATION_UNREACHABLE, 3) => "address unreachable",
        (DESTINATION_UNREACHABLE, 4) => "port unreachable",
        (DESTINATION_UNREACHABLE, 5) => {
            "source address failed ingress/egress policy"
        }
        (DESTINATION_UNREACHABLE, 6) => "reject route to destination",
        (TIME_EXCEEDED, 0) => "hop limit exceeded in transit",
        (TIME_EXCEEDED, 1) => "fragment reassembly time exceeded",
        (PARAMETER_PROBLEM, 0) => "erroneous header field encountered",
        (PARAMETER_PROBLEM, 1) => "unrecognized Next Header type encountered",
        (PARAMETER_PROBLEM, 2) => "unrecognized IPv6 option encountered",
        _ => return format!("code {code}"),
    };
    name.into()
}

/// An error message's type and code, each in RFC 792's words.
fn error_names(icmp_type: u8, code: u8) -> (&'static str, String) {
    match icmp_type {
        icmp::DESTINATION_UNREACHABLE => {
            ("destination unreachable", unreachable_name(code))
        }
        icmp::TIME_EXCEEDED => match code {
            0 => ("time exceeded", "TTL exceeded in transit".into()),
            1 => ("time exceeded", "fragment reassembly time exceeded".into()),
            _ => ("time exceeded", format!("code {code}")),
        },
        icmp::PARAMETER_PROBLEM => ("parameter problem", format!("code {code}")),
        4 => ("source quench", format!("code {code}")),
        5 => ("redirect", format!("code {code}")),
        _ => ("error", format!("code {code}")),
    }
}

/// A length counted in 32-bit words (IHL, Data Offset): "5 (20 bytes)".
fn words(len: usize) -> String {
    format!("{} ({len} bytes)", len / 4)
}

fn hex_u16(value: u16) -> String {
    format!("0x{value:04x}")
}

/// The bytes as `tcpdump -X` lays them out: offset, eight 16-bit groups in
/// hex, then the printable characters (others as '.'), each line after a
/// tab:
///
/// ```text
/// 0x0000:  4500 001f 1234 0000 4010 6a99 7f00 0001  E....4..@.j.....
/// ```
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut dump = String::new();
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let mut groups = String::new();
        for pair in chunk.chunks(2) {
            groups.push(' ');
            groups.push_str(&hex(pair));
        }
        let text: String = chunk
            .iter()
            .map(|&byte| match byte.is_ascii_graphic() {
                true => byte as char,
                false => '.',
            })
            .collect();
        let _ = writeln!(dump, "\t0x{:04x}: {groups:<40}  {text}", line * 16);
    }
    dump
}

/// LINKTYPE_IPV4: each record is a raw IPv4 packet, no link-layer header.
pub const LINKTYPE_IPV4: u32 = 228;
/// LINKTYPE_IPV6: each record is a raw IPv6 packet.
pub const LINKTYPE_IPV6: u32 = 229;

/// The link type of a file of such packets: raw IPv4 or raw IPv6.
pub fn link_type(ip: &IpHeader) -> u32 {
    match ip {
        IpHeader::V4(_) => LINKTYPE_IPV4,
        IpHeader::V6(_) => LINKTYPE_IPV6,
    }
}

/// The 24 bytes that open a pcap file (the classic libpcap format,
/// little-endian). Records follow, one per packet, each written as it
/// comes: a file of any length takes no more memory than one packet.
pub fn write_pcap_header(file: &mut impl Write, link_type: u32) -> io::Result<()> {
    let mut header = [0u8; 24];
    LittleEndian::write_u32(&mut header[0..4], 0xa1b2_c3d4); // magic: microseconds
    LittleEndian::write_u16(&mut header[4..6], 2); // version 2.4
    LittleEndian::write_u16(&mut header[6..8], 4);
    // 8..16: time zone and accuracy, both zero.
    // Snapshot length: the longest packet. IPv6's Payload Length does not
    // count its 40-byte header, so an IPv6 packet may be 65575 bytes.
    let snapshot_length = match link_type {
        LINKTYPE_IPV6 => 65_575,
        _ => 65_535,
    };
    LittleEndian::write_u32(&mut header[16..20], snapshot_length);
    LittleEndian::write_u32(&mut header[20..24], link_type);
    file.write_all(&header)
}

/// One pcap record: 16 bytes that say when (`time` since the Unix epoch)
/// and how long, then the packet itself.
pub fn write_pcap_record(
    file: &mut impl Write,
    packet: &[u8],
    time: Duration,
) -> io::Result<()> {
    let mut record = [0u8; 16];
    LittleEndian::write_u32(&mut record[0..4], time.as_secs() as u32);
    LittleEndian::write_u32(&mut record[4..8], time.subsec_micros());
    LittleEndian::write_u32(&mut record[8..12], packet.len() as u32); // captured
    LittleEndian::write_u32(&mut record[12..16], packet.len() as u32); // on the wire
    file.write_all(&record)?;
    file.write_all(packet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dump_matches_tcpdump_dash_x() {
        // What tcpdump -X printed for this 31-byte packet on lo.
        let packet = [
            0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x00, 0x00, 0x40, 0x10, 0x6a, 0x99,
            0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, b'h', b'e', b'l', b'l',
            b'o', b' ', b'c', b'h', b'a', b'o', b's',
        ];
        let expected = "\t0x0000:  4500 001f 1234 0000 4010 6a99 7f00 0001  E....4..@.j.....\n\
                        \t0x0010:  7f00 0001 6865 6c6c 6f20 6368 616f 73    ....hello.chaos\n";
        assert_eq!(hex_dump(&packet), expected);
    }

    #[test]
    fn control_bits_read_as_tcpdump_and_by_name() {
        use tcp::{ACK, RST, SYN};
        assert_eq!(tcpdump_flags(SYN | ACK), "[S.]");
        assert_eq!(tcpdump_flags(RST | ACK), "[R.]");
        assert_eq!(flag_names(SYN | ACK), "SYN ACK");
    }

    #[test]
    fn icmp_messages_get_tcpdumps_names() {
        let request = IcmpEcho {
            icmp_type: icmp::ECHO_REQUEST,
            code: 0,
            checksum: 0,
            identifier: 257,
            sequence_number: 1,
        };
        assert_eq!(icmp_name(&request), "echo request");
    }

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
        assert!(table.contains("  36  Time to Live         1 "), "{table}");
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
            "    40  Type                 1 (destination unreachable) RFC 4443 3",
            "    41  Code                 4 (port unreachable)  RFC 4443 3",
            "Quoted IPv6 header, bytes 48-87:",
            "    52  Payload Length       11 ",
            "Quoted data, bytes 88-95: UDP source port 40000, destination port 54321",
        ] {
            assert!(table.contains(row), "{row:?} missing:\n{table}");
        }
    }

    #[test]
    fn pcap_has_the_classic_header_and_one_record_per_packet() {
        let mut file = Vec::new();
        write_pcap_header(&mut file, LINKTYPE_IPV4).unwrap();
        for packet in [vec![0x45; 20], vec![0x45; 31]] {
            write_pcap_record(&mut file, &packet, Duration::ZERO).unwrap();
        }
        assert_eq!(&file[0..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(LittleEndian::read_u32(&file[20..24]), 228);
        assert_eq!(file.len(), 24 + 16 + 20 + 16 + 31);
        assert_eq!(LittleEndian::read_u32(&file[24 + 8..24 + 12]), 20);
    }
}
