//! Raw receive (--raw): a SOCK_RAW socket for one IP protocol number hands
//! us each packet of that protocol whole, IPv4 header included. Each one is
//! read with raw_sender's layouts, shown field by field, and checked.
//! IPv6 packets (-6) are received another way (raw6.rs), then shown and
//! checked here the same way.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr};

use base64::Engine;
use raw_sender::Malformed;
use raw_sender::hex::{hex, unhex};
use raw_sender::packet::{IpHeader, Packet, Quoted, Transport};
use raw_sender::{ipv6, output};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::flags::Args;
use crate::hints::{self, say};
use crate::{raw6, shutdown};

/// How to undo raw_sender's --encode before showing the payload.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Decoding {
    Hex,
    Base64,
}

// ANCHOR: listen
pub fn listen(args: &Args, protocol: u8) -> io::Result<()> {
    let address = match args.raw_address()? {
        IpAddr::V4(address) => SocketAddr::from((address, 0)),
        IpAddr::V6(address) => return raw6::listen(args, protocol, address), // -6
    };
    // socket(AF_INET, SOCK_RAW, protocol); see raw(7). Each packet of that
    // protocol arrives whole, IPv4 header first. (IPPROTO_RAW, 255, can only
    // send: that is why raw_sender uses it and we cannot.)
    let protocol_number = Protocol::from(i32::from(protocol));
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(protocol_number))
        .map_err(hints::no_raw_socket)?;
    // bind(2) to an address: only packets sent to it arrive.
    socket.bind(&SockAddr::from(address))?;
    shutdown::on_signal(args, "packets", &socket)?;
    let ip = address.ip();
    say(&format!("listening on {ip} (raw, protocol {protocol})"));
    serve(&socket, args.count, args.decode)
}
// ANCHOR_END: listen

fn serve(
    socket: &Socket,
    count: Option<u64>,
    decoding: Option<Decoding>,
) -> io::Result<()> {
    let mut buffer = vec![0u8; 65_536];
    let mut seen = 0;
    while count.is_none_or(|count| seen < count) {
        // recv(2): one whole packet per call, from its IPv4 header on.
        let len = (&mut &*socket).read(&mut buffer)?;
        print(&buffer[..len], Packet::parse(&buffer[..len]), decoding)?;
        seen += 1;
    }
    Ok(())
}

/// Counts a packet and prints its report: the packet `parsed` from `bytes`,
/// or why they are not one.
pub fn print(
    bytes: &[u8],
    parsed: Result<Packet, Malformed>,
    decoding: Option<Decoding>,
) -> io::Result<()> {
    shutdown::count(&shutdown::SERVED, 1);
    shutdown::count(&shutdown::BYTES, bytes.len() as u64);
    let report = match parsed {
        Ok(packet) => describe(&packet, bytes.len(), decoding),
        Err(why) => malformed(bytes, &why),
    };
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{report}")?;
    stdout.flush()
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
        checks.push(match ip.header_checksum == expected {
            true => format!("IP header checksum 0x{expected:04x} correct"),
            false => format!(
                "IP header checksum 0x{:04x} incorrect, expected 0x{expected:04x}",
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
    if let IpHeader::V4(ip) = &packet.ip {
        checks.push(options(&ip.options));
    }
    checks
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

/// RFC 791 options: type 0 ends the list, type 1 is one byte of padding,
/// every other option is type, length (counting both), then data.
fn options(options: &[u8]) -> String {
    let ihl = 5 + options.len() / 4;
    let mut at = 0;
    while at < options.len() {
        match options[at] {
            0 => break,
            1 => at += 1,
            kind => {
                let len = options.get(at + 1).copied().unwrap_or(0) as usize;
                if len < 2 || at + len > options.len() {
                    return format!(
                        "IHL {ihl} but options malformed: option {kind} at option byte {at} \
                         has length {len}, which does not fit"
                    );
                }
                at += len;
            }
        }
    }
    match options.is_empty() {
        true => "IHL 5 sane: no options".into(),
        false => format!(
            "IHL {ihl} sane: {} bytes of well-formed options",
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
