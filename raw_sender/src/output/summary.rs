//! A packet in one line, in the words tcpdump uses:
//! `IP 127.0.0.1.40000 > 127.0.0.1.12345: Flags [S], seq 1, ...`.

use super::names::{icmp_name, icmpv6_name, protocol_name, tcpdump_flags};
use crate::icmp;
use crate::icmpv6;
use crate::packet::{Packet, Quoted, Transport};

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
