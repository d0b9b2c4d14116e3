//! A received packet read field by field and checked, as a packet checker
//! (Wireshark, say) would: raw_sender's layouts read the bytes, then every
//! checksum, length and option is held against what the packet says of
//! itself. Bytes in, a report out: this file knows nothing of sockets.

use base64::Engine;
use raw_sender::Malformed;
use raw_sender::hex::{hex, unhex};
use raw_sender::options::DoesNotFit;
use raw_sender::packet::{IpHeader, Packet, Quoted, Transport};
use raw_sender::{ipv6, output};

use crate::flags::Decoding;

/// The report on one packet: `parsed` from `bytes`, or why they are not one.
pub fn report(
    bytes: &[u8],
    parsed: Result<Packet, Malformed>,
    decoding: Option<Decoding>,
) -> String {
    match parsed {
        Ok(packet) => describe(&packet, bytes.len(), decoding),
        Err(why) => malformed(bytes, &why),
    }
}

/// A packet's summary line, its fields, its payload, and the checks.
fn describe(packet: &Packet, received: usize, decoding: Option<Decoding>) -> String {
    let mut report = format!(
        "{}\n{}",
        output::summary(packet),
        output::field_table(packet)
    );
    report += &format!("payload: {}\n", show_payload(&packet.payload, decoding));
    for check in checks(packet, received) {
        report += &format!("check: {check}\n");
    }
    report
}

fn malformed(bytes: &[u8], why: &Malformed) -> String {
    format!(
        "malformed packet of {} bytes: {why}\n{}",
        bytes.len(),
        output::hex_dump(bytes)
    )
}

/// What a packet checker (Wireshark, say) would complain about.
fn checks(packet: &Packet, received: usize) -> Vec<String> {
    let mut checks = Vec::new();
    // IPv6 has no header checksum to check (RFC 8200 § 3): the link's
    // checksum below and the transport's above cover it.
    if let IpHeader::V4(ip) = &packet.ip {
        let expected = ip.expected_checksum();
        let why = match zeroed_after_end(&ip.options) {
            true => ZEROED,
            false => "",
        };
        checks.push(match ip.header_checksum == expected {
            true => format!("IP header checksum 0x{expected:04x} correct"),
            false => format!(
                "IP header checksum 0x{:04x} incorrect, expected 0x{expected:04x}{why}",
                ip.header_checksum
            ),
        });
    }
    // An ICMP error quotes a header whose checksum the sender computed.
    // (ICMPv6 quotes an IPv6 header, which has none.)
    if let Some(Ok(Quoted {
        ip: IpHeader::V4(ip),
        ..
    })) = packet.icmp_error()
    {
        let (carried, expected) = (ip.header_checksum, ip.expected_checksum());
        checks.push(match carried == expected {
            true => format!("quoted IP header checksum 0x{carried:04x} correct"),
            false => format!(
                "quoted IP header checksum 0x{carried:04x} incorrect, \
                 expected 0x{expected:04x}"
            ),
        });
    }
    let name = match &packet.transport {
        Transport::Tcp(_) => "TCP",
        Transport::Udp(_) => "UDP",
        Transport::Icmp(_) => "ICMP",
        Transport::Icmpv6(_) => "ICMPv6",
        Transport::None => "",
    };
    match packet.transport_checksums() {
        Some((carried, expected)) if carried == expected => {
            checks.push(format!("{name} checksum 0x{carried:04x} correct"))
        }
        Some((carried, expected)) => checks.push(format!(
            "{name} checksum 0x{carried:04x} incorrect, expected 0x{expected:04x}"
        )),
        None if name == "UDP" => {
            checks.push("UDP checksum 0 (none computed)".into())
        }
        None => {}
    }
    checks.push(lengths(packet, received));
    // IPv4's options and TCP's are laid out alike (RFC 791 § 3.1, RFC 9293
    // § 3.1): each is checked to fit its header the same way.
    if let IpHeader::V4(ip) = &packet.ip {
        checks.push(options(&ip.options, "IHL", 5));
    }
    if let Transport::Tcp(tcp) = &packet.transport {
        checks.push(options(&tcp.options, "TCP Data Offset", 5));
    }
    checks
}

/// Linux, as it receives an IPv4 packet, writes 0 over every option byte
/// after End of Option List and leaves the header checksum as it was
/// (`ip_options_compile` in net/ipv4/ip_options.c): a checksum right for
/// the bytes sent is wrong for the bytes we are given.
const ZEROED: &str = " (Linux zeroes the option bytes after End of Option List as it \
                      receives, and leaves the checksum: it may have been right as sent)";

/// Whether IPv4 options end with End of Option List and zeros after it.
fn zeroed_after_end(options: &[u8]) -> bool {
    let end = raw_sender::options::read(options)
        .ok()
        .and_then(|list| list.last().cloned())
        .filter(|last| last.kind == raw_sender::options::END_OF_LIST);
    match end {
        Some(end) => {
            let after = &options[end.at + 1..];
            !after.is_empty() && after.iter().all(|&byte| byte == 0)
        }
        None => false,
    }
}

fn lengths(packet: &Packet, received: usize) -> String {
    let total = packet.total_len();
    // IPv6's Payload Length leaves out its own 40-byte header.
    let after_header = received.saturating_sub(ipv6::HEADER_LEN);
    let consistent = match &packet.ip {
        IpHeader::V4(_) if total != received => {
            return format!(
                "lengths inconsistent: total length {total}, but {received} bytes arrived"
            );
        }
        IpHeader::V6(ip) if usize::from(ip.payload_length) != after_header => {
            return format!(
                "lengths inconsistent: payload length {}, but {after_header} bytes \
                 arrived after the 40-byte header",
                ip.payload_length
            );
        }
        IpHeader::V4(_) => format!("total length {total} = bytes received"),
        IpHeader::V6(ip) => {
            format!("payload length {} = bytes received - 40", ip.payload_length)
        }
    };
    if let Transport::Udp(udp) = &packet.transport {
        let carried = packet.payload.len() + raw_sender::udp::HEADER_LEN;
        if usize::from(udp.length) != carried {
            return format!(
                "lengths inconsistent: UDP length {}, but the datagram holds {carried}",
                udp.length
            );
        }
    }
    format!("lengths consistent: {consistent}")
}

/// Whether each option fits the list, as RFC 791 (IPv4) and RFC 9293 (TCP)
/// lay options out (see raw_sender's `options`). `field` counts the header
/// in 32-bit words, `bare` of them without options.
fn options(options: &[u8], field: &str, bare: usize) -> String {
    let words = bare + options.len() / 4;
    if let Err(DoesNotFit { at, kind, length }) = raw_sender::options::read(options)
    {
        return format!(
            "{field} {words} but options malformed: option {kind} at \
             option byte {at} has length {length}, which does not fit"
        );
    }
    match options.is_empty() {
        true => format!("{field} {bare} sane: no options"),
        false => format!(
            "{field} {words} sane: {} bytes of well-formed options",
            options.len()
        ),
    }
}

/// The payload as text when it is printable, else as hex; decoded first
/// when asked.
fn show_payload(payload: &[u8], decoding: Option<Decoding>) -> String {
    if payload.is_empty() {
        return "none".into();
    }
    let decoded = match decoding {
        None => Ok(payload.to_vec()),
        Some(Decoding::Hex) => unhex(&String::from_utf8_lossy(payload)),
        Some(Decoding::Base64) => base64::engine::general_purpose::STANDARD
            .decode(payload.trim_ascii())
            .map_err(|error| error.to_string()),
    };
    let bytes = match decoded {
        Ok(bytes) => bytes,
        Err(why) => {
            return format!("{} bytes that do not decode: {why}", payload.len());
        }
    };
    let how = if decoding.is_some() {
        "decoded to "
    } else {
        ""
    };
    let printable = bytes
        .iter()
        .all(|b| b.is_ascii_graphic() || b" \t\r\n".contains(b));
    match printable {
        true => format!(
            "{how}{} bytes of text: {:?}",
            bytes.len(),
            String::from_utf8_lossy(&bytes)
        ),
        false => format!("{how}{} bytes, in hex: {}", bytes.len(), hex(&bytes)),
    }
}
