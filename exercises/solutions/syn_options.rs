//! Solution: a SYN that offers what Linux's own SYNs offer (MSS, SACK
//! permitted, Timestamps, Window Scale), and the SYN-ACK that answers
//! each offer.
//!
//!     exercises/check syn_options --solution
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::ExitCode;

use clap::Parser;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// Sends one TCP SYN with options to 127.0.0.1.
#[derive(Parser)]
struct Args {
    /// Destination port: something must listen there for a SYN-ACK
    #[arg(long, default_value_t = 12345)]
    dport: u16,
    /// Source port
    #[arg(long, default_value_t = 40000)]
    sport: u16,
    /// Sequence number
    #[arg(long, default_value_t = 1000)]
    seq: u32,
    /// TSval of the Timestamps option, which the SYN-ACK echoes in TSecr
    #[arg(long, default_value_t = 1)]
    tsval: u32,
}

/// The option kinds (RFC 9293 § 3.2, RFC 7323, RFC 2018; IANA's "TCP
/// Option Kind Numbers").
const NOP: u8 = 1;
const MAXIMUM_SEGMENT_SIZE: u8 = 2;
const WINDOW_SCALE: u8 = 3;
const SACK_PERMITTED: u8 = 4;
const TIMESTAMPS: u8 = 8;

fn main() -> ExitCode {
    let args = Args::parse();
    let segment = syn_segment(&args);
    if let Err(error) = send(&segment) {
        exercises::cannot_send(&error, "");
        return ExitCode::FAILURE;
    }
    let len = segment.len();
    let port = args.dport;
    match writeln!(io::stdout(), "sent a {len}-byte SYN to 127.0.0.1:{port}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

// ANCHOR: challenge
/// The SYN's options: MSS 1460, SACK permitted, Timestamps (TSval
/// `--tsval`, TSecr 0) and Window Scale 7, NOP-padded to whole 32-bit
/// words.
fn syn_options(args: &Args) -> Vec<u8> {
    // Each option but NOP (and End of Option List) is kind, length (of
    // the whole option, kind and length bytes included), then its value,
    // big-endian as every field of the header.
    let mut options = vec![MAXIMUM_SEGMENT_SIZE, 4];
    options.extend(1460u16.to_be_bytes());
    options.extend([SACK_PERMITTED, 2]);
    // RFC 7323 § 3.2: with ACK off, the sender "SHOULD set the TSecr field
    // to zero".
    options.extend([TIMESTAMPS, 10]);
    options.extend(args.tsval.to_be_bytes());
    options.extend(0u32.to_be_bytes());
    // 19 bytes so far: one NOP makes 20, five whole words, and puts the
    // Window Scale at the end, as Linux lays out its own SYNs.
    options.push(NOP);
    options.extend([WINDOW_SCALE, 3, 7]);
    options
}

/// The whole SYN: the given header, the options after it, and the two
/// fields that depend on them.
fn syn_segment(args: &Args) -> Vec<u8> {
    let mut segment = build_header(args).to_vec();
    segment.extend(syn_options(args));
    // RFC 9293 § 3.1, Data Offset: "The number of 32-bit words in the TCP
    // header", options included: where the data would begin.
    segment[12] = ((segment.len() / 4) as u8) << 4;
    // The checksum covers the pseudo-header and every byte of the segment,
    // so it comes last, over the header with its options.
    let sum = tcp_checksum(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, &segment);
    segment[16..18].copy_from_slice(&sum.to_be_bytes());
    segment
}
// ANCHOR_END: challenge

/// Given: a 20-byte TCP header with SYN set, as the raw TCP warm-up built
/// it (RFC 9293 § 3.1): Data Offset 5, checksum zero.
fn build_header(args: &Args) -> [u8; 20] {
    let mut header = [0u8; 20];
    header[0..2].copy_from_slice(&args.sport.to_be_bytes());
    header[2..4].copy_from_slice(&args.dport.to_be_bytes());
    header[4..8].copy_from_slice(&args.seq.to_be_bytes());
    header[12] = 5 << 4; // Data Offset: five 32-bit words, no options
    header[13] = 0x02; // the control bits: SYN alone
    header[14..16].copy_from_slice(&64240u16.to_be_bytes()); // Window
    header
}

/// Given: the raw TCP warm-up's checksum of `segment` (its checksum field
/// zero) from `source` to `destination`, over the pseudo-header first.
fn tcp_checksum(source: Ipv4Addr, destination: Ipv4Addr, segment: &[u8]) -> u16 {
    let tcp_length = u16::try_from(segment.len()).unwrap_or(u16::MAX);
    let mut pseudo_header = [0u8; 12];
    pseudo_header[0..4].copy_from_slice(&source.octets());
    pseudo_header[4..8].copy_from_slice(&destination.octets());
    pseudo_header[9] = 6; // TCP
    pseudo_header[10..12].copy_from_slice(&tcp_length.to_be_bytes());
    checksum::checksum(&[&pseudo_header[..], segment].concat())
}

/// Given: `segment` behind an IPv4 header, from 127.0.0.1 to 127.0.0.1, on
/// socket(AF_INET, SOCK_RAW, IPPROTO_RAW), as raw_sender sends (raw(7)).
fn send(segment: &[u8]) -> io::Result<()> {
    let mut header = [0u8; 20];
    header[0] = (4 << 4) | 5; // Version 4, IHL 5
    let total_length = u16::try_from(20 + segment.len()).unwrap_or(u16::MAX);
    header[2..4].copy_from_slice(&total_length.to_be_bytes());
    header[4..6].copy_from_slice(&4660u16.to_be_bytes()); // Identification
    header[8] = 64; // Time to Live
    header[9] = 6; // Protocol: TCP
    header[12..16].copy_from_slice(&Ipv4Addr::LOCALHOST.octets());
    header[16..20].copy_from_slice(&Ipv4Addr::LOCALHOST.octets());
    let sum = checksum::checksum(&header);
    header[10..12].copy_from_slice(&sum.to_be_bytes());
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))?;
    let localhost = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    socket.send_to(&[&header[..], segment].concat(), &localhost)?;
    Ok(())
}
