//! Solution: an ICMPv6 echo request to ::1 with a Destination Options
//! header between the IPv6 header and the message.
//!
//!     exercises/check extension_header --solution
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::net::{Ipv6Addr, SocketAddrV6};
use std::process::ExitCode;

use clap::Parser;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// Sends one ICMPv6 echo request to ::1 behind a Destination Options
/// header.
#[derive(Parser)]
struct Args {
    /// ICMPv6 echo identifier
    #[arg(long, default_value_t = 1)]
    icmp_id: u16,
    /// ICMPv6 echo sequence number
    #[arg(long, default_value_t = 1)]
    icmp_seq: u16,
    /// Bytes of data in the echo request, after its 8-byte header
    #[arg(
        long,
        default_value_t = 56,
        value_parser = clap::value_parser!(u16).range(0..=65000)
    )]
    size: u16,
    /// The data's bytes, in hex, repeated to fill it (as ping's -p); the
    /// alphabet without it
    #[arg(short, long, value_parser = pattern)]
    pattern: Option<Pattern>,
}

/// Bytes to fill the echo request's data with.
#[derive(Clone)]
struct Pattern(Vec<u8>);

/// Next Header values (IANA's "Assigned Internet Protocol Numbers"): what
/// follows a header.
const NEXT_HEADER_ICMPV6: u8 = 58;
const NEXT_HEADER_DESTINATION_OPTIONS: u8 = 60;

/// The two padding options (RFC 8200 § 4.2).
const PAD1: u8 = 0;
const PADN: u8 = 1;

fn main() -> ExitCode {
    let args = Args::parse();
    let packet = packet(&args);
    if let Err(error) = send(&packet) {
        exercises::cannot_send(&error, "");
        return ExitCode::FAILURE;
    }
    let len = packet.len();
    match writeln!(io::stdout(), "sent a {len}-byte packet to ::1") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

// ANCHOR: challenge
/// The Destination Options header (RFC 8200 § 4.6): one option, padded to
/// a whole number of 8-octet units.
fn destination_options() -> Vec<u8> {
    // One of the types set aside for experiments (RFC 4727, after RFC
    // 3692). Its top two bits, 00, tell a node that does not know it to
    // "skip over this option and continue processing the header"; the
    // third, 0, that it does not change on the way (RFC 8200 § 4.2).
    const EXPERIMENT: u8 = 0x1E;
    // Next Header, then Hdr Ext Len, filled in once the length is known.
    let mut header = vec![NEXT_HEADER_ICMPV6, 0];
    // Type, Opt Data Len (the data's bytes only), Option Data.
    header.extend([EXPERIMENT, 6]);
    header.extend(*b"course");
    // 10 bytes so far: pad to 16, with one PadN (or a Pad1 for one byte).
    let missing = header.len().next_multiple_of(8) - header.len();
    match missing {
        0 => {}
        1 => header.push(PAD1),
        _ => {
            header.extend([PADN, (missing - 2) as u8]);
            header.resize(header.len() + missing - 2, 0);
        }
    }
    // § 4.6: "in 8-octet units, not including the first 8 octets".
    header[1] = (header.len() / 8 - 1) as u8;
    header
}

/// The whole packet: the IPv6 header, the Destination Options header, and
/// the echo request with its checksum.
fn packet(args: &Args) -> Vec<u8> {
    let options = destination_options();
    let mut message = echo_request(args);
    // RFC 8200 § 8.1: the pseudo-header's length is "the Payload Length
    // from the IPv6 header, minus the length of any extension headers
    // present between the IPv6 header and the upper-layer header", and its
    // Next Header that of the upper layer.
    let upper_layer_length = message.len() as u32;
    let pseudo = pseudo_header(upper_layer_length, NEXT_HEADER_ICMPV6);
    let sum = checksum::checksum(&[&pseudo[..], &message].concat());
    message[2..4].copy_from_slice(&sum.to_be_bytes());
    // RFC 8200 § 3: "any extension headers ... present are considered part
    // of the payload, i.e., included in the length count".
    let payload_length = (options.len() + message.len()) as u16;
    let header = build_header(NEXT_HEADER_DESTINATION_OPTIONS, payload_length);
    [&header[..], &options, &message].concat()
}
// ANCHOR_END: challenge

/// Given: the IPv6 header of the warm-up (RFC 8200 § 3), from ::1 to ::1,
/// Hop Limit 64, with `next_header` and `payload_length` as they are.
fn build_header(next_header: u8, payload_length: u16) -> [u8; 40] {
    let mut header = [0u8; 40];
    header[0] = 6 << 4; // Version 6; Traffic Class and Flow Label 0
    header[4..6].copy_from_slice(&payload_length.to_be_bytes());
    header[6] = next_header;
    header[7] = 64; // Hop Limit
    header[8..24].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
    header[24..40].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
    header
}

/// Given: the warm-up's 40-byte pseudo-header (RFC 8200 § 8.1) for a
/// message from ::1 to ::1, with `length` and `next_header` as they are.
fn pseudo_header(length: u32, next_header: u8) -> [u8; 40] {
    let mut pseudo_header = [0u8; 40];
    pseudo_header[0..16].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
    pseudo_header[16..32].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
    pseudo_header[32..36].copy_from_slice(&length.to_be_bytes());
    pseudo_header[39] = next_header; // bytes 36..39 stay zero
    pseudo_header
}

/// Given: an ICMPv6 echo request (RFC 4443 § 4.1) of `--size` bytes of
/// data, `--pattern` (or the alphabet) over and over; its checksum field
/// is left zero.
fn echo_request(args: &Args) -> Vec<u8> {
    let mut message = vec![128, 0, 0, 0]; // type 128 (echo request), code 0
    message.extend_from_slice(&args.icmp_id.to_be_bytes());
    message.extend_from_slice(&args.icmp_seq.to_be_bytes());
    let alphabet: Vec<u8> = (b'a'..=b'z').collect();
    let pattern = args
        .pattern
        .as_ref()
        .map_or(&alphabet, |pattern| &pattern.0);
    message.extend(pattern.iter().cycle().take(usize::from(args.size)));
    message
}

/// Given: `--pattern`'s hex ("c0ffee"), at least one byte of it.
fn pattern(text: &str) -> Result<Pattern, String> {
    match raw_sender::hex::unhex(text)? {
        bytes if bytes.is_empty() => Err("give at least one byte".to_string()),
        bytes => Ok(Pattern(bytes)),
    }
}

/// Given: sends `packet` to ::1 on socket(AF_INET6, SOCK_RAW, IPPROTO_RAW),
/// which on Linux sends the IPv6 header as written (raw(7), ipv6(7)).
fn send(packet: &[u8]) -> io::Result<()> {
    let socket = Socket::new(Domain::IPV6, Type::RAW, Some(Protocol::from(255)))?;
    let localhost = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 0));
    socket.send_to(packet, &localhost)?;
    Ok(())
}
