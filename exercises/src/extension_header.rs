//! Challenge: an extension header, between the IPv6 header and the
//! ICMPv6 message.
//!
//! IPv6 moved IPv4's options out of its header into extension headers,
//! chained by their Next Header fields (RFC 8200 § 4). Send an ICMPv6
//! echo request to ::1 with a Destination Options header (§ 4.6) before
//! it, carrying one option of your choice: fill in `destination_options`
//! and `packet` where they say `todo!()`. The kernel of ::1 reads the
//! chain, then the options, then the message: it answers with an echo
//! reply, or with an ICMPv6 Parameter Problem that points at the byte it
//! could not accept, or with nothing at all. The check runs your program
//! in a network namespace of its own (no privilege needed) and judges by
//! that answer:
//!
//!     exercises/check extension_header
//!
//! By hand (with sudo, or inside lab/sandbox):
//!
//!     cargo build -q -p exercises --bin exercise_extension_header
//!     sudo tcpdump -i lo -nn -vv -X ip6                       # terminal 1
//!     sudo ./target/debug/exercise_extension_header           # terminal 2
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

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
    // Read § 4.6 for the header's two first bytes, § 4.2 for the options.
    // - Which Next Header does this header carry, with the echo request
    //   after it?
    // - Your option: its type says what a node that does not know it must
    //   do (the top two bits, § 4.2), so choose one that it may skip;
    //   IANA keeps a few types for experiments (RFC 4727).
    // - What do Hdr Ext Len and each option's length count?
    // - Pad1 and PadN fill the header up to a multiple of 8 bytes: what
    //   goes in PadN's bytes?
    todo!("the header's first two bytes, your option, the padding")
}

/// The whole packet: the IPv6 header, the Destination Options header, and
/// the echo request with its checksum.
fn packet(args: &Args) -> Vec<u8> {
    // The given helpers build the rest: `echo_request(args)` (checksum
    // zero), `pseudo_header(...)` and `build_header(...)`. What you give
    // them decides whether the kernel follows the chain of Next Headers,
    // and which bytes the Payload Length and the pseudo-header's length
    // count (RFC 8200 § 3 and § 8.1: they differ).
    todo!("the ICMPv6 checksum, the IPv6 header, the three joined")
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
