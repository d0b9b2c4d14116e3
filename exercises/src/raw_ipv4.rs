//! Write it yourself: the IPv4 header, field by field, and its checksum.
//!
//! Fill in `build_header` where it says `todo!()`. The program prints the
//! packet (your header, then the data) as tcpdump -X prints it; with no
//! flags, the same bytes as `raw_sender --dry-run`. The check compares
//! yours with raw_sender's for several sets of flags:
//!
//!     exercises/check raw_ipv4
//!
//! By hand (no privilege needed: nothing is sent):
//!
//!     cargo run -q -p exercises --bin exercise_raw_ipv4 -- --ttl 1 --df
//!     cargo run -q -p raw_sender -- --dry-run --ttl 1 --df
#![forbid(unsafe_code)]
#![allow(
    unused_mut,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

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
    // Fill it in, byte by byte, as the diagram lays it out. Fields wider
    // than a byte go big-endian, "network byte order": `value.to_be_bytes()`
    // gives the bytes, `header[2..4].copy_from_slice(...)` puts them in.
    //  0      Version (4) in the high four bits, IHL (5: five 32-bit words)
    //         in the low four
    //  1      Type of Service
    //  2..4   Total Length: header and data, in bytes
    //  4..6   Identification
    //  6..8   Flags, the top three bits (reserved 0x8000, Don't Fragment
    //         0x4000, More Fragments 0x2000), and the 13-bit Fragment Offset
    //  8      Time to Live
    //  9      Protocol
    //  10..12 Header Checksum: zero while the header is summed, then
    //         `checksum::checksum(&header)` (RFC 1071) goes in
    //  12..16 Source Address: `args.src.octets()`
    //  16..20 Destination Address
    todo!("every field of the header, then its checksum")
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
