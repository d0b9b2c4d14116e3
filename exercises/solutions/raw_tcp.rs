//! Solution: the TCP checksum, which covers a pseudo-header as well as the
//! segment.
//!
//!     exercises/check raw_tcp --solution
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::process::ExitCode;

use clap::Parser;
use exercises::print_hex;

/// Builds a TCP SYN segment by hand and prints its bytes; sends nothing.
/// The defaults are raw_sender's.
#[derive(Parser)]
struct Args {
    /// Source address (it goes into the pseudo-header only)
    #[arg(long, default_value = "127.0.0.1")]
    src: Ipv4Addr,
    /// Destination address (it goes into the pseudo-header only)
    #[arg(long, default_value = "127.0.0.1")]
    dst: Ipv4Addr,
    /// Source port
    #[arg(long, default_value_t = 40000)]
    sport: u16,
    /// Destination port
    #[arg(long, default_value_t = 12345)]
    dport: u16,
    /// Sequence number
    #[arg(long, default_value_t = 1000)]
    seq: u32,
    /// The data, as text
    #[arg(short, long, default_value = "Hello from raw_sender")]
    message: String,
}

/// TCP's number in the IPv4 Protocol field.
const PROTOCOL_TCP: u8 = 6;

// ANCHOR: checksum
// RFC 9293 § 3.1: the checksum also covers a 96-bit pseudo-header, which
// is summed in front of the segment but never sent:
//  +--------+--------+--------+--------+
//  |           Source Address          |
//  +--------+--------+--------+--------+
//  |         Destination Address       |
//  +--------+--------+--------+--------+
//  |  zero  |  PTCL  |    TCP Length   |
//  +--------+--------+--------+--------+

/// The checksum of `segment` (the TCP header with its checksum field zero,
/// then the data) when it travels from `source` to `destination`.
fn tcp_checksum(source: Ipv4Addr, destination: Ipv4Addr, segment: &[u8]) -> u16 {
    // 1. The pseudo-header. "The TCP Length is the TCP header length plus
    //    the data length in octets (this is not an explicitly transmitted
    //    quantity but is computed)" (RFC 9293 § 3.1); main keeps the
    //    segment within 65535 bytes.
    let tcp_length = u16::try_from(segment.len()).unwrap_or(u16::MAX);
    let mut pseudo_header = [0u8; 12];
    pseudo_header[0..4].copy_from_slice(&source.octets());
    pseudo_header[4..8].copy_from_slice(&destination.octets());
    pseudo_header[9] = PROTOCOL_TCP; // byte 8 stays zero
    pseudo_header[10..12].copy_from_slice(&tcp_length.to_be_bytes());
    // 2. One sum over both, as if the pseudo-header came first on the wire.
    checksum::checksum(&[&pseudo_header[..], segment].concat())
}
// ANCHOR_END: checksum

fn main() -> ExitCode {
    let args = Args::parse();
    let data = args.message.as_bytes();
    // The segment rides in an IPv4 datagram of at most 65535 bytes.
    if data.len() > 65535 - 40 {
        let _ = writeln!(
            io::stderr(),
            "exercise_raw_tcp: at most 65495 bytes of data"
        );
        return ExitCode::from(2);
    }
    let mut segment = [&build_syn(&args)[..], data].concat();
    let sum = tcp_checksum(args.src, args.dst, &segment);
    segment[16..18].copy_from_slice(&sum.to_be_bytes());
    match print_hex(&segment) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

/// A 20-byte TCP header with SYN set, as the previous exercise built the
/// IPv4 header (RFC 9293 § 3.1); its checksum field is left zero.
fn build_syn(args: &Args) -> [u8; 20] {
    let mut header = [0u8; 20];
    header[0..2].copy_from_slice(&args.sport.to_be_bytes());
    header[2..4].copy_from_slice(&args.dport.to_be_bytes());
    header[4..8].copy_from_slice(&args.seq.to_be_bytes());
    // Acknowledgment Number, bytes 8..12: zero, as in any first SYN.
    header[12] = 5 << 4; // Data Offset: five 32-bit words, no options
    header[13] = 0x02; // the control bits: SYN alone
    header[14..16].copy_from_slice(&64240u16.to_be_bytes()); // Window
    // Checksum, bytes 16..18, and Urgent Pointer, bytes 18..20: zero.
    header
}
