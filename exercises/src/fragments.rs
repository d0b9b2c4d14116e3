//! Challenge: one ICMP echo request, sent as IPv4 fragments that the
//! kernel of 127.0.0.1 must put back together before it can answer.
//!
//! raw_sender sends every datagram whole. Here you cut one in pieces, as
//! RFC 791 § 2.3 and § 3.2 let a sender or a router do: fill in
//! `echo_request`, `fragments` and `send` where they say `todo!()`. The
//! kernel answers with one echo reply, all `--size` bytes of it, only once
//! every piece is in its place. The check runs your program in a network
//! namespace of its own (no privilege needed) and judges by that answer:
//!
//!     exercises/check fragments
//!
//! By hand, with tcpdump watching (with sudo, or inside lab/sandbox):
//!
//!     cargo build -q -p exercises --bin exercise_fragments
//!     sudo tcpdump -i lo -nn -vv icmp                                    # terminal 1
//!     sudo ./target/debug/exercise_fragments --size 3000 --fragment 1000  # terminal 2
//!
//! and without privilege, the fragments as you built them:
//!
//!     ./target/debug/exercise_fragments --dry-run --size 100 --fragment 30
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::ExitCode;

use clap::Parser;
use exercises::print_hex;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// Sends one ICMP echo request to 127.0.0.1, cut into IPv4 fragments.
#[derive(Parser)]
struct Args {
    /// Bytes of data in the echo request, after its 8-byte header
    #[arg(
        long,
        default_value_t = 3000,
        value_parser = clap::value_parser!(u16).range(0..=65507)
    )]
    size: u16,
    /// At most this many bytes of data (IP payload) in each fragment
    #[arg(
        long,
        default_value_t = 1000,
        value_parser = clap::value_parser!(u16).range(8..=65515)
    )]
    fragment: u16,
    /// Identification, one for the whole datagram (not 0: raw(7) says the
    /// kernel fills in a 0, and it does so packet by packet)
    #[arg(
        long,
        default_value_t = 4660,
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    id: u16,
    /// ICMP echo identifier
    #[arg(long, default_value_t = 1)]
    icmp_id: u16,
    /// ICMP echo sequence number
    #[arg(long, default_value_t = 1)]
    icmp_seq: u16,
    /// Print the fragments as tcpdump -X does, and send nothing
    #[arg(long)]
    dry_run: bool,
}

/// ICMP's echo request type (RFC 792).
const ECHO_REQUEST: u8 = 8;

fn main() -> ExitCode {
    let args = Args::parse();
    let message = echo_request(&args, &data(args.size));
    let fragments = fragments(&args, &message);
    if args.dry_run {
        return match show(&fragments) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE, // nobody reads our output any more
        };
    }
    if let Err(error) = send(&fragments) {
        exercises::cannot_send(&error, ", or --dry-run, which needs no privilege");
        return ExitCode::FAILURE;
    }
    let count = fragments.len();
    let len = message.len();
    match writeln!(
        io::stdout(),
        "sent a {len}-byte echo request to 127.0.0.1 in {count} fragments"
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

// ANCHOR: challenge
/// The whole echo request (RFC 792): type, code, checksum, identifier,
/// sequence number, then `data`, the checksum in place.
fn echo_request(args: &Args, data: &[u8]) -> Vec<u8> {
    // The echo message laid out in raw_sender/src/icmp.rs, with
    // `--icmp-id` and `--icmp-seq`. Which bytes does RFC 792's checksum
    // cover, when no single fragment will carry them all?
    todo!("the echo request, and its checksum")
}

/// `message` cut into fragments of at most `--fragment` bytes of data, each
/// a whole IPv4 packet: its own header (`build_header`, given below), then
/// its piece.
fn fragments(args: &Args, message: &[u8]) -> Vec<Vec<u8>> {
    // RFC 791 § 3.1 and § 3.2 decide each of these; read them first:
    // - how many bytes may a piece carry, when `--fragment` is 30, say?
    // - what does the Fragment Offset field of each piece count?
    // - which pieces have More Fragments set?
    // - which fields are the same in every fragment, and which its own?
    todo!("the pieces, each behind its own header")
}

/// Sends each fragment to 127.0.0.1, in order.
fn send(fragments: &[Vec<u8>]) -> io::Result<()> {
    // socket(2) for a raw IPv4 socket on which you write every header
    // yourself (raw(7): IPPROTO_RAW), then sendto(2) once per fragment.
    // socket2 names them Socket::new and send_to; the address's port
    // means nothing to a raw socket.
    todo!("socket, then sendto for each fragment")
}
// ANCHOR_END: challenge

/// Given: the warm-up's IPv4 header (RFC 791 § 3.1), for a packet of ICMP
/// (Protocol 1) from 127.0.0.1 to 127.0.0.1 that carries `data_len` bytes
/// after it. The other three arguments go into their fields as they are:
/// `fragment_offset` is the 13-bit field's value, `more_fragments` its MF
/// flag.
fn build_header(
    identification: u16,
    more_fragments: bool,
    fragment_offset: u16,
    data_len: usize,
) -> [u8; 20] {
    let mut header = [0u8; 20];
    header[0] = (4 << 4) | 5; // Version 4, IHL 5: no options
    let total_length = u16::try_from(20 + data_len).unwrap_or(u16::MAX);
    header[2..4].copy_from_slice(&total_length.to_be_bytes());
    header[4..6].copy_from_slice(&identification.to_be_bytes());
    let mut flags_and_offset = fragment_offset & 0x1FFF;
    if more_fragments {
        flags_and_offset |= 0x2000;
    }
    header[6..8].copy_from_slice(&flags_and_offset.to_be_bytes());
    header[8] = 64; // Time to Live
    header[9] = 1; // Protocol: ICMP
    header[12..16].copy_from_slice(&Ipv4Addr::LOCALHOST.octets());
    header[16..20].copy_from_slice(&Ipv4Addr::LOCALHOST.octets());
    let sum = checksum::checksum(&header);
    header[10..12].copy_from_slice(&sum.to_be_bytes());
    header
}

/// Given: `size` bytes of the alphabet, over and over, easy to spot in a
/// dump.
fn data(size: u16) -> Vec<u8> {
    (b'a'..=b'z').cycle().take(usize::from(size)).collect()
}

/// Given: each fragment as tcpdump -X shows a packet, a blank line after
/// each.
fn show(fragments: &[Vec<u8>]) -> io::Result<()> {
    for fragment in fragments {
        print_hex(fragment)?;
        writeln!(io::stdout())?;
    }
    Ok(())
}
