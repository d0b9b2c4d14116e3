//! Solution: the IPv4 header, field by field, and its checksum.
//!
//!     exercises/check raw_ipv4 --solution
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::process::ExitCode;

use clap::Parser;
use exercises::print_hex;

/// Builds an IPv4 packet by hand and prints its bytes; sends nothing.
/// The defaults are raw_sender's.
#[derive(Parser)]
struct Args {
    /// Source address
    #[arg(long, default_value = "127.0.0.1")]
    src: Ipv4Addr,
    /// Destination address
    #[arg(long, default_value = "127.0.0.1")]
    dst: Ipv4Addr,
    /// Type of Service byte
    #[arg(long, default_value_t = 0)]
    tos: u8,
    /// Identification
    #[arg(long, default_value_t = 4660)]
    id: u16,
    /// Set the Don't Fragment flag
    #[arg(long)]
    df: bool,
    /// Set the More Fragments flag
    #[arg(long)]
    mf: bool,
    /// Fragment offset in 8-byte units
    #[arg(
        long,
        default_value_t = 0,
        value_parser = clap::value_parser!(u16).range(0..=8191)
    )]
    frag_offset: u16,
    /// Time to Live
    #[arg(long, default_value_t = 64)]
    ttl: u8,
    /// Protocol number (16 is CHAOS, which nothing here speaks)
    #[arg(long, default_value_t = 16)]
    proto: u8,
    /// The data, as text
    #[arg(short, long, default_value = "Hello from raw_sender")]
    message: String,
}

// ANCHOR: build
// RFC 791 § 3.1:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version|  IHL  |Type of Service|          Total Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Identification        |Flags|      Fragment Offset    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Time to Live |    Protocol   |         Header Checksum       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       Source Address                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Destination Address                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// The 20-byte header (no options) of a packet that carries `data_len`
/// bytes of data, every field from `args`.
fn build_header(args: &Args, data_len: u16) -> [u8; 20] {
    let mut header = [0u8; 20];
    // Version 4 in the high four bits, IHL in the low four: the header's
    // length in 32-bit words, 5 without options.
    header[0] = (4 << 4) | 5;
    header[1] = args.tos;
    // Total Length counts the whole datagram, header and data.
    header[2..4].copy_from_slice(&(20 + data_len).to_be_bytes());
    header[4..6].copy_from_slice(&args.id.to_be_bytes());
    // The three flag bits share two bytes with the 13-bit offset.
    let mut flags_and_offset = args.frag_offset;
    if args.df {
        flags_and_offset |= 0x4000;
    }
    if args.mf {
        flags_and_offset |= 0x2000;
    }
    header[6..8].copy_from_slice(&flags_and_offset.to_be_bytes());
    header[8] = args.ttl;
    header[9] = args.proto;
    // Bytes 10..12, the checksum, stay zero until every other field is in.
    header[12..16].copy_from_slice(&args.src.octets());
    header[16..20].copy_from_slice(&args.dst.octets());
    // RFC 791: "For purposes of computing the checksum, the value of the
    // checksum field is zero."
    let sum = checksum::checksum(&header);
    header[10..12].copy_from_slice(&sum.to_be_bytes());
    header
}
// ANCHOR_END: build

fn main() -> ExitCode {
    let args = Args::parse();
    let data = args.message.as_bytes();
    // Total Length has 16 bits: a datagram holds at most 65535 bytes.
    let Some(data_len) = u16::try_from(data.len()).ok().filter(|len| *len <= 65515)
    else {
        let _ = writeln!(
            io::stderr(),
            "exercise_raw_ipv4: at most 65515 bytes of data"
        );
        return ExitCode::from(2);
    };
    let packet = [&build_header(&args, data_len)[..], data].concat();
    match print_hex(&packet) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}
