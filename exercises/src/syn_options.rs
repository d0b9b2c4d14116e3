//! Challenge: a SYN with options, and the SYN-ACK that answers each of
//! them.
//!
//! The raw TCP chapter's SYN offers nothing, and the kernel's SYN-ACK
//! offers nothing back but its MSS. Linux's own SYNs offer four things:
//! a Maximum Segment Size, SACK (RFC 2018), Timestamps and Window Scale
//! (RFC 7323). Fill in `syn_options` and `syn_segment` where they say
//! `todo!()`, to send such a SYN to 127.0.0.1:`--dport`. The listener's
//! kernel answers each offer it understood: its SYN-ACK echoes your TSval
//! in its TSecr, and carries Window Scale and SACK permitted only when
//! your SYN offered them. The check listens on a port in a network
//! namespace of its own (no privilege needed) and judges by that SYN-ACK:
//!
//!     exercises/check syn_options
//!
//! By hand (with sudo, or inside lab/sandbox), a listener, tcpdump, and
//! your program:
//!
//!     cargo build -q -p exercises --bin exercise_syn_options
//!     nc -l -p 12345                                         # terminal 1
//!     sudo tcpdump -i lo -nn -vv 'tcp port 12345'            # terminal 2
//!     sudo ./target/debug/exercise_syn_options --tsval 7     # terminal 3
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

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
    // The kinds are the constants above. Look up each option's layout
    // where it is defined: MSS in RFC 9293 § 3.2, Window Scale in RFC 7323
    // § 2.2, Timestamps in § 3.2, SACK permitted in RFC 2018 § 2. What
    // does an option's length byte count? In which byte order go its
    // values? And how long may the options be, all together?
    todo!("four options, and the padding")
}

/// The whole SYN: the given header, the options after it, and the two
/// fields that depend on them.
fn syn_segment(args: &Args) -> Vec<u8> {
    // Start from `build_header(args)`, put `syn_options(args)` after it,
    // then make the header say how long it now is (RFC 9293 § 3.1, Data
    // Offset), and put in the checksum (`tcp_checksum`, given below):
    // which bytes must it cover?
    todo!("the header, the options, Data Offset and checksum")
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
