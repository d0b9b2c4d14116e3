//! Write it yourself: the IPv6 header, field by field, and the ICMPv6
//! checksum over the IPv6 pseudo-header.
//!
//! Fill in `build_header` and `icmpv6_checksum` where they say `todo!()`.
//! The program prints the packet (your header, then an ICMPv6 echo request
//! with your checksum) as tcpdump -X prints it; with no flags, the same
//! bytes as `raw_sender -6 --icmp --dry-run`. The check compares yours with
//! raw_sender's for several sets of flags:
//!
//!     exercises/check raw_ipv6
//!
//! By hand (no privilege needed: nothing is sent):
//!
//!     cargo run -q -p exercises --bin exercise_raw_ipv6 -- --ttl 1 --tos 184
//!     cargo run -q -p raw_sender -- -6 --icmp --dry-run --ttl 1 --tos 184
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_mut,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Write};
use std::net::Ipv6Addr;
use std::process::ExitCode;

use clap::Parser;
use exercises::print_hex;

/// Builds an IPv6 packet with an ICMPv6 echo request by hand and prints
/// its bytes; sends nothing. The defaults are `raw_sender -6 --icmp`'s.
#[derive(Parser)]
struct Args {
    /// Source address
    #[arg(long, default_value = "::1")]
    src: Ipv6Addr,
    /// Destination address
    #[arg(long, default_value = "::1")]
    dst: Ipv6Addr,
    /// Traffic Class byte (IPv4's Type of Service: DSCP and ECN)
    #[arg(long, default_value_t = 0)]
    tos: u8,
    /// Flow Label, 20 bits: decimal, or hex after 0x
    #[arg(long, default_value = "0", value_parser = flow_label)]
    flow_label: u32,
    /// Hop Limit (IPv4's Time to Live)
    #[arg(long, default_value_t = 64)]
    ttl: u8,
    /// ICMPv6 echo identifier
    #[arg(long, default_value_t = 1)]
    icmp_id: u16,
    /// ICMPv6 echo sequence number
    #[arg(long, default_value_t = 1)]
    icmp_seq: u16,
    /// The data, as text
    #[arg(short, long, default_value = "Hello from raw_sender")]
    message: String,
}

/// ICMPv6's number in the Next Header field (RFC 4443 § 1).
const NEXT_HEADER_ICMPV6: u8 = 58;

// ANCHOR: header
// RFC 8200 § 3:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version| Traffic Class |           Flow Label                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Payload Length        |  Next Header  |   Hop Limit   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 Source Address (16 bytes)                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               Destination Address (16 bytes)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// The 40-byte header of a packet that carries `payload_length` bytes
/// after it, every field from `args`.
fn build_header(args: &Args, payload_length: u16) -> [u8; 40] {
    let mut header = [0u8; 40];
    // Fill it in as the diagram lays it out, big-endian ("network byte
    // order"): `value.to_be_bytes()` gives the bytes of a number, and
    // `header[4..6].copy_from_slice(...)` puts them in.
    //  0..4   Version (6) in the top four bits, then the 8-bit Traffic
    //         Class (`args.tos`), then the 20-bit Flow Label: one u32,
    //         built with `<<` and `|`, written whole
    //  4..6   Payload Length: what follows the header, in bytes (the 40
    //         bytes of the header itself do not count)
    //  6      Next Header: NEXT_HEADER_ICMPV6
    //  7      Hop Limit (`args.ttl`)
    //  8..24  Source Address: `args.src.octets()`
    //  24..40 Destination Address
    // There is no header checksum to compute.
    todo!("every field of the 40-byte header")
}
// ANCHOR_END: header

// ANCHOR: checksum
// RFC 8200 § 8.1: the upper layer's checksum covers a pseudo-header,
// summed in front of the message but never sent:
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 Source Address (16 bytes)                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               Destination Address (16 bytes)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   Upper-Layer Packet Length                   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      zero                     |  Next Header  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// The checksum of the ICMPv6 `message` (its header with the checksum
/// field zero, then the data) when it travels from `source` to
/// `destination` (RFC 4443 § 2.3).
fn icmpv6_checksum(source: Ipv6Addr, destination: Ipv6Addr, message: &[u8]) -> u16 {
    // 1. The pseudo-header's 40 bytes: the source address (`.octets()`),
    //    the destination address, the message's length as a u32
    //    (big-endian), three zero bytes, then NEXT_HEADER_ICMPV6.
    // 2. The checksum of the pseudo-header followed by the message: join
    //    them (`[&pseudo_header[..], message].concat()`) and give them to
    //    `checksum::checksum`, the RFC 1071 checksum of the checksum chapter.
    todo!("the pseudo-header, then the checksum over it and the message")
}
// ANCHOR_END: checksum

fn main() -> ExitCode {
    let args = Args::parse();
    // Payload Length has 16 bits: the ICMPv6 header (8) and the data.
    let Some(payload_length) = u16::try_from(8 + args.message.len()).ok() else {
        let _ = writeln!(
            io::stderr(),
            "exercise_raw_ipv6: at most 65527 bytes of data"
        );
        return ExitCode::from(2);
    };
    let mut message = echo_request(&args);
    let sum = icmpv6_checksum(args.src, args.dst, &message);
    message[2..4].copy_from_slice(&sum.to_be_bytes());
    let packet = [&build_header(&args, payload_length)[..], &message].concat();
    match print_hex(&packet) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

/// An ICMPv6 echo request (RFC 4443 § 4.1), the data after its 8-byte
/// header; its checksum field is left zero.
fn echo_request(args: &Args) -> Vec<u8> {
    let mut message = vec![128, 0, 0, 0]; // type 128 (echo request), code 0
    message.extend_from_slice(&args.icmp_id.to_be_bytes());
    message.extend_from_slice(&args.icmp_seq.to_be_bytes());
    message.extend_from_slice(args.message.as_bytes());
    message
}

/// A Flow Label from the command line: 20 bits, decimal or 0x hex.
fn flow_label(text: &str) -> Result<u32, String> {
    let value = match text.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => text.parse(),
    };
    value
        .ok()
        .filter(|label| *label <= 0xF_FFFF)
        .ok_or_else(|| format!("{text} is not a 20-bit number (0 to 0xFFFFF)"))
}
