//! Raw IPv4 sender: every byte of the packet built by hand, then sent on a
//! raw socket that adds nothing.
//!
//!     sudo tcpdump -i lo -nn -vv -X 'ip[9]=0x10'     # terminal 1
//!     cargo build -p raw_sender                       # terminal 2
//!     sudo ./target/debug/raw_sender
//!     ./target/debug/raw_sender --dry-run             # no privilege needed
//!
//! Terminal 1 shows our packet: protocol 16 (CHAOS), ttl 64, id 4660 and the
//! greeting. The course's Python
//! `socket.socket(AF_INET, SOCK_RAW, IPPROTO_RAW)` is the
//! `Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))` below.
//! Raw sockets need CAP_NET_RAW (root). Send such packets only to hosts you
//! own or are authorised to test.
#![forbid(unsafe_code)]

use std::fmt::Display;
use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use std::io::IoSlice;
use std::os::fd::AsRawFd;

use base64::Engine;
use clap::{ArgGroup, Parser, ValueEnum};
use nix::sys::socket::{
    ControlMessage, MsgFlags, MultiHeaders, SockaddrIn, sendmmsg,
};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use raw_sender::icmp::{self, IcmpEcho};
use raw_sender::ipv4::{self, Ipv4Header};
use raw_sender::output;
use raw_sender::packet::{Packet, Transport};
use raw_sender::tcp::{self, TcpHeader};
use raw_sender::udp::{self, UdpHeader};

/// sysexits(3)'s EX_NOPERM: no privilege for a raw socket.
const EXIT_NO_PERMISSION: u8 = 77;
/// Bad arguments, as clap exits.
const EXIT_USAGE: u8 = 2;

/// Build an IPv4 packet by hand (optionally with a TCP, UDP or ICMP echo
/// header) and send it on a raw socket, show it, or save it as pcap.
#[derive(Parser)]
#[command(
    version,
    group(ArgGroup::new("transport").args(["tcp", "udp", "icmp"])),
    group(ArgGroup::new("ports").args(["tcp", "udp"]).multiple(true)),
    group(ArgGroup::new("payload").args(["message", "data_hex", "file"])),
    after_help = "Sending needs CAP_NET_RAW: `sudo ./target/debug/raw_sender ...` or \
                  `sudo setcap cap_net_raw+ep ./target/debug/raw_sender`; --dry-run and \
                  --pcap need nothing.\n\
                  Linux fills in the IP checksum and Total Length of every packet, and the \
                  ID and source address when they are 0 (raw(7)).\n\
                  Exit codes: 0 sent, 1 error, 2 bad arguments, 77 no privilege.\n\
                  Send crafted packets only to hosts you own or are authorised to test."
)]
struct Args {
    #[command(flatten)]
    ip: Ipv4Flags,
    #[command(flatten)]
    data: DataFlags,
    #[command(flatten)]
    transport: TransportFlags,
    #[command(flatten)]
    sending: SendingFlags,
}

/// The IPv4 header's fields (RFC 791 § 3.1).
#[derive(clap::Args)]
#[command(next_help_heading = "IPv4 header (RFC 791)")]
struct Ipv4Flags {
    /// Source address
    #[arg(long, default_value_t = Ipv4Addr::LOCALHOST)]
    src: Ipv4Addr,
    /// Destination address
    #[arg(long, default_value_t = Ipv4Addr::LOCALHOST)]
    dst: Ipv4Addr,
    /// Type of Service byte, whole (or give --dscp and --ecn)
    #[arg(long, conflicts_with_all = ["dscp", "ecn"])]
    tos: Option<u8>,
    /// Differentiated Services code point, 0-63 (RFC 2474)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=63))]
    dscp: Option<u8>,
    /// Explicit Congestion Notification, 0-3 (RFC 3168)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=3))]
    ecn: Option<u8>,
    /// Identification; 0 lets the kernel choose one
    #[arg(long, default_value_t = 4660)]
    id: u16,
    /// Time to Live
    #[arg(long, default_value_t = 64)]
    ttl: u8,
    /// Protocol number [default: 16 (CHAOS), or 6, 17, 1 with --tcp, --udp, --icmp]
    #[arg(long)]
    proto: Option<u8>,
    /// Set the Don't Fragment flag
    #[arg(long)]
    df: bool,
    /// Set the More Fragments flag
    #[arg(long)]
    mf: bool,
    /// Set the reserved flag bit, "the evil bit" (RFC 3514)
    #[arg(long)]
    evil: bool,
    /// Fragment offset in 8-byte units, 0-8191
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=8191))]
    frag_offset: u16,
    /// IP options as hex, zero-padded to 32-bit words, at most 40 bytes
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    ip_options: Option<Hex>,
    /// Put a wrong header checksum in the packet. Linux rewrites it before
    /// sending, so it shows only in --dry-run and --pcap
    #[arg(long)]
    bad_checksum: bool,
}

/// What the packet carries.
#[derive(clap::Args)]
#[command(next_help_heading = "Data")]
struct DataFlags {
    /// The data, as text (sent exactly as given, no newline added)
    #[arg(short, long, default_value = "Hello from raw_sender")]
    message: String,
    /// The data, as hex bytes, e.g. 48690a
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    data_hex: Option<Hex>,
    /// The data, read from a file
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// Send the data encoded, so no clear text crosses the wire
    #[arg(long, value_enum)]
    encode: Option<Encoding>,
}

/// An optional TCP, UDP or ICMP header after the IPv4 header.
#[derive(clap::Args)]
#[command(next_help_heading = "Transport (default: none)")]
struct TransportFlags {
    /// Add a TCP header (RFC 9293)
    #[arg(long)]
    tcp: bool,
    /// Add a UDP header (RFC 768)
    #[arg(long)]
    udp: bool,
    /// Add an ICMP echo request header (RFC 792)
    #[arg(long)]
    icmp: bool,
    /// TCP/UDP source port [default: 40000]
    #[arg(long, requires = "ports")]
    sport: Option<u16>,
    /// TCP/UDP destination port [default: 12345 for TCP, 54321 for UDP]
    #[arg(long, requires = "ports")]
    dport: Option<u16>,
    /// TCP sequence number [default: 1000]
    #[arg(long, requires = "tcp")]
    seq: Option<u32>,
    /// TCP acknowledgment number [default: 0]
    #[arg(long, requires = "tcp")]
    ack: Option<u32>,
    /// TCP window [default: 64240]
    #[arg(long, requires = "tcp")]
    window: Option<u16>,
    /// TCP urgent pointer [default: 0]
    #[arg(long, requires = "tcp")]
    urgent: Option<u16>,
    /// TCP control bits as letters from FSRPAUEC, e.g. S, SA, PA [default: S]
    #[arg(long, value_parser = tcp::parse_flags, requires = "tcp")]
    flags: Option<u8>,
    /// ICMP echo identifier [default: 1]
    #[arg(long, requires = "icmp")]
    icmp_id: Option<u16>,
    /// ICMP echo sequence number [default: 1]
    #[arg(long, requires = "icmp")]
    icmp_seq: Option<u16>,
    /// Put a wrong TCP/UDP/ICMP checksum in the packet (Linux leaves it)
    #[arg(long, requires = "transport")]
    bad_l4_checksum: bool,
}

/// How many packets, how fast, and whether to send, show or save them.
#[derive(clap::Args)]
#[command(next_help_heading = "Sending")]
struct SendingFlags {
    /// How many packets to send
    #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    count: u64,
    /// Milliseconds between packets
    #[arg(
        short,
        long,
        value_name = "MS",
        default_value_t = 1000,
        conflicts_with = "flood"
    )]
    interval: u64,
    /// No pause between packets and no line per packet (still --count)
    #[arg(long)]
    flood: bool,
    /// Print the packet as tcpdump -X would, then field by field; send nothing
    #[arg(long)]
    dry_run: bool,
    /// Write the packets to a pcap file (link type raw IPv4); send nothing
    /// unless --send is given too
    #[arg(long, value_name = "FILE")]
    pcap: Option<PathBuf>,
    /// Send even with --dry-run or --pcap
    #[arg(long)]
    send: bool,
}

/// Bytes given as hex on the command line.
#[derive(Clone, Debug)]
struct Hex(Vec<u8>);

fn parse_hex(text: &str) -> Result<Hex, String> {
    output::unhex(text).map(Hex)
}

#[derive(Clone, Copy, ValueEnum)]
enum Encoding {
    Hex,
    Base64,
}

/// What went wrong, and so which exit code to use.
enum Failure {
    /// A value out of range, or flags that do not go together.
    Usage(String),
    /// No CAP_NET_RAW.
    NoPermission(io::Error),
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Failure {
        Failure::Io(error)
    }
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) if !error.use_stderr() => error.exit(), // --help, --version
        Err(error) => return usage_error(error),
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("raw_sender: {message}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::NoPermission(error)) => {
            eprintln!("raw_sender: cannot open a raw socket: {error}");
            eprintln!(
                "  raw sockets need CAP_NET_RAW: run `sudo ./target/debug/raw_sender ...` \
                 (not `sudo cargo run`: root's PATH has no cargo), or \
                 `sudo setcap cap_net_raw+ep ./target/debug/raw_sender`, \
                 or use --dry-run or --pcap FILE to see the packet without sending it"
            );
            ExitCode::from(EXIT_NO_PERMISSION)
        }
        Err(Failure::Io(error)) => {
            eprintln!("raw_sender: {error}");
            ExitCode::FAILURE
        }
    }
}

/// clap's message, its first paragraph on one line.
fn usage_error(error: clap::Error) -> ExitCode {
    let text = error.to_string();
    let first: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .collect();
    let message = first
        .iter()
        .map(|line| line.trim())
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!(
        "raw_sender: {} (see --help)",
        message.trim_start_matches("error: ")
    );
    ExitCode::from(EXIT_USAGE)
}

fn run(args: &Args) -> Result<(), Failure> {
    let packet = build_packet(args)?;
    let bytes = packet.build();
    if let Some(path) = &args.sending.pcap {
        let packets = vec![bytes.clone(); args.sending.count as usize];
        std::fs::write(path, output::pcap(&packets)).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot write {}: {error}", path.display()),
            )
        })?;
        eprintln!(
            "wrote {} packet(s) to {}",
            args.sending.count,
            path.display()
        );
    }
    if args.sending.dry_run {
        let shown = format!(
            "{}\n{}\n{}",
            output::summary(&packet),
            output::hex_dump(&bytes),
            output::field_table(&packet)
        );
        print_all(shown.as_bytes())?;
    }
    if args.sending.send || (!args.sending.dry_run && args.sending.pcap.is_none()) {
        send(args, &packet, &bytes)?;
    }
    Ok(())
}

/// Writes to stdout. A reader that stops early (`| head`) is no error.
fn print_all(bytes: &[u8]) -> io::Result<()> {
    match io::stdout().lock().write_all(bytes) {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}

// ANCHOR: build_packet
/// The packet the flags describe, lengths and checksums filled in.
fn build_packet(args: &Args) -> Result<Packet, Failure> {
    let options = args
        .ip
        .ip_options
        .clone()
        .map(|Hex(bytes)| bytes)
        .unwrap_or_default();
    ipv4::check_options(&options).map_err(Failure::Usage)?;
    let transport = transport(args);
    let protocol = args.ip.proto.unwrap_or(match transport {
        Transport::None => 16, // CHAOS, the protocol the course filters on
        Transport::Tcp(_) => tcp::PROTOCOL,
        Transport::Udp(_) => udp::PROTOCOL,
        Transport::Icmp(_) => icmp::PROTOCOL,
    });
    let ip = Ipv4Header {
        type_of_service: args
            .ip
            .tos
            .unwrap_or(args.ip.dscp.unwrap_or(0) << 2 | args.ip.ecn.unwrap_or(0)),
        total_length: 0, // filled in below
        identification: args.ip.id,
        evil: args.ip.evil,
        dont_fragment: args.ip.df,
        more_fragments: args.ip.mf,
        fragment_offset: args.ip.frag_offset,
        time_to_live: args.ip.ttl,
        protocol,
        header_checksum: 0, // filled in below
        source: args.ip.src,
        destination: args.ip.dst,
        options,
    };
    let mut packet = Packet {
        ip,
        transport,
        payload: payload(args)?,
    };
    let total_len = packet.total_len();
    if total_len > usize::from(u16::MAX) {
        return Err(Failure::Usage(format!(
            "the packet would be {total_len} bytes, but Total Length (16 bits) allows \
             at most 65535: send less data"
        )));
    }
    packet.fill_in();
    if args.ip.bad_checksum {
        packet.spoil_header_checksum();
    }
    if args.transport.bad_l4_checksum {
        packet.spoil_transport_checksum();
    }
    Ok(packet)
}
// ANCHOR_END: build_packet

/// The transport header the flags ask for, checksum and length still zero.
fn transport(args: &Args) -> Transport {
    let source_port = args.transport.sport.unwrap_or(40000);
    if args.transport.tcp {
        Transport::Tcp(TcpHeader {
            source_port,
            destination_port: args.transport.dport.unwrap_or(12345),
            sequence_number: args.transport.seq.unwrap_or(1000),
            acknowledgment_number: args.transport.ack.unwrap_or(0),
            flags: args.transport.flags.unwrap_or(tcp::SYN),
            window: args.transport.window.unwrap_or(64240),
            checksum: 0,
            urgent_pointer: args.transport.urgent.unwrap_or(0),
            options: Vec::new(),
        })
    } else if args.transport.udp {
        Transport::Udp(UdpHeader {
            source_port,
            destination_port: args.transport.dport.unwrap_or(54321),
            length: 0,
            checksum: 0,
        })
    } else if args.transport.icmp {
        Transport::Icmp(IcmpEcho {
            icmp_type: icmp::ECHO_REQUEST,
            code: 0,
            checksum: 0,
            identifier: args.transport.icmp_id.unwrap_or(1),
            sequence_number: args.transport.icmp_seq.unwrap_or(1),
        })
    } else {
        Transport::None
    }
}

/// The data: --data-hex, --file or --message, then --encode.
fn payload(args: &Args) -> Result<Vec<u8>, Failure> {
    let data = if let Some(Hex(bytes)) = &args.data.data_hex {
        bytes.clone()
    } else if let Some(path) = &args.data.file {
        std::fs::read(path).map_err(|error| {
            Failure::Usage(format!("cannot read --file {}: {error}", path.display()))
        })?
    } else {
        args.data.message.as_bytes().to_vec()
    };
    Ok(match args.data.encode {
        None => data,
        Some(Encoding::Hex) => output::hex(&data).into_bytes(),
        Some(Encoding::Base64) => base64::engine::general_purpose::STANDARD
            .encode(&data)
            .into_bytes(),
    })
}

// ANCHOR: send
fn send(args: &Args, packet: &Packet, bytes: &[u8]) -> Result<(), Failure> {
    // socket(AF_INET, SOCK_RAW, IPPROTO_RAW); see raw(7). IPPROTO_RAW means
    // "I write the IP header myself" (IP_HDRINCL): the kernel adds none.
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))
        .map_err(|error| match error.kind() {
            ErrorKind::PermissionDenied => Failure::NoPermission(error),
            _ => Failure::Io(error),
        })?;
    // The port means nothing to a raw socket; the kernel routes on the
    // address (and reads the real destination from our header).
    let destination = SockAddr::from(SocketAddrV4::new(args.ip.dst, 0));

    let mut stdout = io::stdout().lock();
    let started = Instant::now();
    if args.sending.flood {
        flood(bytes, SocketAddrV4::new(args.ip.dst, 0), args.sending.count)?;
    } else {
        for sent in 0..args.sending.count {
            if sent > 0 {
                std::thread::sleep(Duration::from_millis(args.sending.interval));
            }
            // sendto(2): the bytes go out as they are, but for the fields
            // Linux fills in (raw(7)): checksum, total length, and an id of 0.
            socket.send_to(bytes, &destination).map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("cannot send to {}: {error}", args.ip.dst),
                )
            })?;
            writeln!(
                stdout,
                "sent {} bytes to {}, {}",
                bytes.len(),
                args.ip.dst,
                describe(packet)
            )?;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    writeln!(
        stdout,
        "{} packet(s) sent in {seconds:.3} s ({:.0} packets/s)",
        args.sending.count,
        args.sending.count as f64 / seconds.max(1e-9)
    )?;
    Ok(())
}
// ANCHOR_END: send

/// --flood: the same packet, as fast as this machine can: one sender thread
/// per core, each on a raw socket of its own, each handing the kernel up to
/// BATCH copies per sendmmsg(2) call, so that the kernel's loopback path,
/// not the system calls, sets the pace. Still exactly `count` packets.
fn flood(bytes: &[u8], destination: SocketAddrV4, count: u64) -> io::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let threads = (cores as u64).min(count);
    std::thread::scope(|scope| {
        let senders: Vec<_> = (0..threads)
            .map(|n| {
                let share = count / threads + u64::from(n < count % threads);
                scope.spawn(move || send_batches(bytes, destination, share))
            })
            .collect();
        senders.into_iter().try_for_each(|sender| {
            sender.join().expect("a sender thread does not panic")
        })
    })
}

/// `count` copies of the packet on a new raw socket, BATCH per sendmmsg(2).
fn send_batches(
    bytes: &[u8],
    destination: SocketAddrV4,
    count: u64,
) -> io::Result<()> {
    const BATCH: usize = 32;
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))?;
    let packets: Vec<[IoSlice; 1]> =
        (0..BATCH).map(|_| [IoSlice::new(bytes)]).collect();
    let addresses = vec![Some(SockaddrIn::from(destination)); BATCH];
    let mut headers = MultiHeaders::<SockaddrIn>::preallocate(BATCH, None);
    let no_control: [ControlMessage; 0] = [];
    let mut left = count;
    while left > 0 {
        let batch = left.min(BATCH as u64) as usize;
        let sent = sendmmsg(
            socket.as_raw_fd(),
            &mut headers,
            &packets[..batch],
            &addresses[..batch],
            no_control,
            MsgFlags::empty(),
        )
        .map_err(io::Error::from)?;
        left -= sent.count() as u64;
    }
    Ok(())
}

/// "protocol 16 (CHAOS), id 4660" for the line each sent packet gets.
fn describe(packet: &Packet) -> String {
    let id: &dyn Display = match packet.ip.identification {
        0 => &"0 (the kernel chooses)",
        _ => &packet.ip.identification,
    };
    format!(
        "protocol {} ({}), id {id}",
        packet.ip.protocol,
        ipv4::protocol_name(packet.ip.protocol)
    )
}
