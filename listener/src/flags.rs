//! The command line, kept out of the lesson: netcat's letters (`-l -p -u -k
//! -s -v -n`, and `nc -l [ADDR] PORT`'s positional form), the defaults
//! (loopback, the course's ports), and the reply each client gets.

use std::io::{self, ErrorKind, IsTerminal, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, Parser};
use socket2::{Domain, SockAddr};

/// Standard input, as the reply, is read in pieces this large: fewer
/// system calls per byte (8 KiB, a common default, halves bulk throughput
/// on loopback).
pub const STDIN_PIECE: usize = 512 * 1024;
/// The longest -w or --deadline may be, in seconds: a day. (A time that
/// far ahead is still one the clock can hold: a larger one would overflow
/// when added to now.)
const MAX_WAIT: u64 = 86_400;
/// Room for the largest datagram: the IPv4 total length is 16 bits.
pub const MAX_DATAGRAM: usize = 65_536;
/// The most one UDP datagram carries over IPv4 (65,535 less the IPv4 and
/// UDP headers), so the most a UDP reply may be.
const MAX_UDP_REPLY: usize = 65_535 - 20 - 8;
/// With -k, the reply is read once and sent to every client: at most this.
const MAX_KEPT_REPLY: usize = 16 << 20;

/// Listen for TCP connections or UDP datagrams (or on a Unix-domain
/// socket), print what arrives, answer each peer with a reply.
#[derive(Parser)]
#[command(
    version,
    after_help = "Binds 127.0.0.1 (or ::1) by default: only this machine can reach \
                  the listener. Use -s 0.0.0.0 to accept other hosts, on networks \
                  you are allowed to test.\n\
                  Exit codes: 0 done, 1 error, 2 bad arguments, 77 not permitted \
                  (a port below net.ipv4.ip_unprivileged_port_start, or --raw, without \
                  privilege)."
)]
pub struct Args {
    /// As nc takes them: `listener -l 12345` is `-p 12345`, and
    /// `listener -l 127.0.0.1 12345` is `-s 127.0.0.1 -p 12345`
    #[arg(value_name = "[ADDR] PORT", num_args = 0..=2, conflicts_with_all = ["port", "unix", "raw"])]
    positional: Vec<String>,
    /// Listen (accepted for netcat muscle memory: listening is all we do)
    #[arg(short = 'l')]
    _listen: bool,
    /// Verbose (accepted for nc's -v: peers are always named on stderr)
    #[arg(short = 'v')]
    _verbose: bool,
    /// Numeric addresses only (accepted for nc's -n: no name is looked up)
    #[arg(short = 'n')]
    _numeric: bool,
    /// Port to listen on; 0 lets the kernel choose (the first line says
    /// which) [default: 12345, or 54321 with -u]
    #[arg(short, long)]
    port: Option<u16>,
    /// UDP (SOCK_DGRAM) instead of TCP (SOCK_STREAM)
    #[arg(short)]
    pub udp: bool,
    /// Keep serving: more clients (TCP, several at once) or more datagrams
    #[arg(short)]
    pub keep: bool,
    /// Local address to bind [default: 127.0.0.1, or ::1 with -6]
    #[arg(short = 's', long = "source", value_name = "ADDR")]
    address: Option<IpAddr>,
    /// Use IPv6 (AF_INET6; with --raw, IPv6 packets)
    #[arg(short = '6')]
    ipv6: bool,
    /// Listen on a Unix-domain (AF_UNIX) socket at PATH instead
    #[arg(short = 'U', long = "unix", value_name = "PATH", conflicts_with_all = ["port", "address", "ipv6"])]
    pub unix: Option<PathBuf>,
    /// What to answer each client with, plus a newline as `echo` adds one
    /// [default: standard input, when it is not a terminal; else nothing]
    #[arg(long, value_name = "TEXT")]
    reply: Option<String>,
    /// With -k over TCP: how many clients are served at once; more wait,
    /// and while every slot is taken the client silent the longest (2 s at
    /// least) is closed to make room
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_clients: u64,
    /// With -k: the most one client's bytes may take in TMPDIR while they
    /// are gathered, in MiB (its first 256 KiB are held in memory); past
    /// it, the rest is lost and the client reset
    #[arg(long, value_name = "MIB", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=65_536))]
    max_spill: u64,
    /// Close a TCP client that stays silent this many seconds (0: never;
    /// at most a day)
    #[arg(short = 'w', long = "idle", value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=MAX_WAIT))]
    idle: u64,
    /// Close a TCP client still there after this many seconds, however
    /// busy (0: never; at most a day), so slow clients cannot hold a slot
    /// for ever
    #[arg(long, value_name = "SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(0..=MAX_WAIT))]
    deadline: u64,
    /// Receive raw IPv4 packets of protocol PROTO (e.g. 16, 6, 17, 1), or
    /// with -6 IPv6 packets of that Next Header (e.g. 17, 6, 58), and check
    /// them, field by field; needs CAP_NET_RAW
    #[arg(long, value_name = "PROTO", value_parser = clap::value_parser!(u8).range(1..=254),
          conflicts_with_all = ["udp", "unix", "keep", "port"])]
    pub raw: Option<u8>,
    /// With --raw: stop after N packets [default: never]
    #[arg(short = 'c', long, value_name = "N", requires = "raw")]
    pub count: Option<u64>,
    /// With --raw: decode the payload first (undoes raw_sender --encode)
    #[arg(long, value_enum, requires = "raw")]
    pub decode: Option<Decoding>,
}

/// How to undo raw_sender's --encode before showing the payload.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Decoding {
    Hex,
    Base64,
}

/// The flags, with nc's positional `[ADDR] PORT` read into -s and -p; a bad
/// value exits with status 2 and clap's message, as a bad flag does.
pub fn parse() -> Args {
    let mut args: Args = stdio::parse();
    let bad = |what: String| -> ! {
        let mut command = Args::command();
        stdio::refuse(command.error(clap::error::ErrorKind::ValueValidation, what))
    };
    let (address, port) = match args.positional.as_slice() {
        [] => (None, None),
        [port] => (None, Some(port)),
        [address, port] => (Some(address), Some(port)),
        _ => unreachable!("clap takes at most two"),
    };
    if let Some(address) = address {
        match address.parse() {
            Ok(address) => args.address = Some(address),
            Err(_) => bad(format!(
                "invalid address '{address}': give one such as 127.0.0.1 or ::1"
            )),
        }
    }
    if let Some(port) = port {
        match port.parse() {
            Ok(port) => args.port = Some(port),
            Err(_) => bad(format!(
                "invalid port '{port}': give a number from 0 to 65535"
            )),
        }
    }
    if let (true, Some(IpAddr::V4(v4))) = (args.ipv6, args.address) {
        bad(format!(
            "-6 asks for IPv6, but {v4} is an IPv4 address: drop -6, or give an \
             IPv6 address such as ::1"
        ))
    }
    args
}

impl Args {
    /// The family and the address to bind: a Unix path, or ADDR:PORT.
    pub fn local_address(&self) -> io::Result<(Domain, SockAddr)> {
        if let Some(path) = &self.unix {
            return Ok((Domain::UNIX, address::unix(path)?));
        }
        let loopback = match self.ipv6 {
            true => IpAddr::V6(Ipv6Addr::LOCALHOST),
            false => IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        let default_port = if self.udp { 54321 } else { 12345 };
        let address = SocketAddr::new(
            self.address.unwrap_or(loopback),
            self.port.unwrap_or(default_port),
        );
        Ok((Domain::for_address(address), SockAddr::from(address)))
    }

    /// The address raw receive keeps packets for: 127.0.0.1, or ::1 with
    /// -6, unless -s names another; an IPv6 one asks for IPv6 (raw6.rs), as
    /// it does for TCP and UDP.
    pub fn raw_address(&self) -> IpAddr {
        match (self.ipv6, self.address) {
            (_, Some(address)) => address, // -6 with IPv4 is refused at parse
            (false, None) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            (true, None) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        }
    }

    /// What is listened on, for the first line: `tcp`, `udp`, `unix` or
    /// `unix datagram`.
    pub fn kind(&self) -> &'static str {
        match (self.unix.is_some(), self.udp) {
            (false, false) => "tcp",
            (false, true) => "udp",
            (true, false) => "unix",
            (true, true) => "unix datagram",
        }
    }

    /// -w: how long a client may stay silent; 0 means no limit.
    pub fn idle(&self) -> Option<Duration> {
        (self.idle > 0).then(|| Duration::from_secs(self.idle))
    }

    /// --max-spill, in bytes.
    pub fn max_spill(&self) -> u64 {
        self.max_spill << 20
    }

    /// --deadline: how long a client may stay at all; 0 means no limit.
    pub fn deadline(&self) -> Option<Duration> {
        (self.deadline > 0).then(|| Duration::from_secs(self.deadline))
    }
}

/// What each client is answered with.
pub enum Reply {
    /// The same bytes for every client: --reply TEXT, or standard input,
    /// read first (UDP and -k answer many peers).
    Bytes(Vec<u8>),
    /// Standard input, copied to the one TCP client as it comes, as in
    /// `echo "I got your message" | nc -l -p 12345`: any size, little memory.
    Stdin,
}

impl Reply {
    /// The reply as one datagram (never `Stdin`: UDP reads it first).
    pub fn bytes(&self) -> &[u8] {
        match self {
            Reply::Bytes(bytes) => bytes,
            Reply::Stdin => &[],
        }
    }
}

/// The reply: --reply, else standard input when it is a pipe or a file,
/// else nothing. A reply sent to many peers is read first, and no further
/// than it may be long.
pub fn reply(args: &Args) -> io::Result<Reply> {
    let max = if args.udp {
        MAX_UDP_REPLY
    } else {
        MAX_KEPT_REPLY
    };
    let bytes = if let Some(text) = &args.reply {
        format!("{text}\n").into_bytes()
    } else if io::stdin().is_terminal() {
        Vec::new()
    } else if !args.udp && !args.keep {
        return Ok(Reply::Stdin);
    } else {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .take(max as u64 + 1)
            .read_to_end(&mut bytes)?;
        bytes
    };
    if bytes.len() > max {
        let what = if args.udp {
            "one UDP datagram carries"
        } else {
            "-k keeps"
        };
        return Err(io::Error::new(
            ErrorKind::InvalidInput,
            format!("the reply is over {max} bytes, and {what} at most {max}"),
        ));
    }
    Ok(Reply::Bytes(bytes))
}
