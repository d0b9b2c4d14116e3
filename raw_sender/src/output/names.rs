//! What the numbers in a header are called: protocols (the IANA registry
//! that IPv4's Protocol and IPv6's Next Header share), TCP's control bits,
//! ICMP's and ICMPv6's types and codes, in tcpdump's words and the RFCs'.

use crate::icmp::{self, IcmpEcho};
use crate::{icmpv6, tcp, udp};

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
pub fn unreachable_name(code: u8) -> String {
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

/// An error message's type and code, each in RFC 792's words.
pub fn error_names(icmp_type: u8, code: u8) -> (&'static str, String) {
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

/// An ICMPv6 error message's type in RFC 4443's words.
pub fn icmpv6_error_name(icmp_type: u8) -> &'static str {
    match icmp_type {
        icmpv6::DESTINATION_UNREACHABLE => "destination unreachable",
        icmpv6::PACKET_TOO_BIG => "packet too big",
        icmpv6::TIME_EXCEEDED => "time exceeded",
        icmpv6::PARAMETER_PROBLEM => "parameter problem",
        _ => "error",
    }
}

/// An ICMPv6 error's code in RFC 4443's words (§ 3.1, § 3.3, § 3.4).
pub fn icmpv6_code_name(icmp_type: u8, code: u8) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
