//! Solution: one ICMP echo request, sent as IPv4 fragments that the kernel
//! of 127.0.0.1 puts back together before it answers.
//!
//!     exercises/check fragments --solution
#![forbid(unsafe_code)]

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
    let mut message = Vec::with_capacity(8 + data.len());
    message.extend([ECHO_REQUEST, 0, 0, 0]); // code 0; checksum zero for now
    message.extend(args.icmp_id.to_be_bytes());
    message.extend(args.icmp_seq.to_be_bytes());
    message.extend(data);
    // RFC 792 sums "the ICMP message starting with the ICMP Type": all of
    // it, though no one fragment will carry it whole.
    let sum = checksum::checksum(&message);
    message[2..4].copy_from_slice(&sum.to_be_bytes());
    message
}

/// `message` cut into fragments of at most `--fragment` bytes of data, each
/// a whole IPv4 packet: its own header, then its piece.
fn fragments(args: &Args, message: &[u8]) -> Vec<Vec<u8>> {
    // RFC 791 § 3.2: "If an internet datagram is fragmented, its data
    // portion must be broken on 8 octet boundaries."
    let piece_len = usize::from(args.fragment) / 8 * 8;
    let pieces: Vec<&[u8]> = message.chunks(piece_len).collect();
    let last = pieces.len() - 1;
    let mut packets = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        // Where the piece begins in the datagram's data, in the 8-octet
        // units of the Fragment Offset field (RFC 791 § 3.1).
        let offset = (index * piece_len / 8) as u16;
        // "The More Fragments flag bit (MF) is set if the datagram is not
        // the last fragment" (§ 3.2); one Identification ties them all.
        let header = build_header(args.id, index < last, offset, piece.len());
        packets.push([&header[..], piece].concat());
    }
    packets
}

/// Sends each fragment to 127.0.0.1, in order.
fn send(fragments: &[Vec<u8>]) -> io::Result<()> {
    // socket(AF_INET, SOCK_RAW, IPPROTO_RAW); see raw(7): every header is
    // ours, and the kernel fragments nothing more.
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))?;
    let localhost = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    for fragment in fragments {
        // sendto(2): one fragment, one packet on the wire.
        socket.send_to(fragment, &localhost)?;
    }
    Ok(())
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
