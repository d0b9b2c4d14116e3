//! Listener: the other end of the course's clients, with netcat's letters.
//!
//!     cargo run -p listener -- -l -p 12345 --reply "I got your message"
//!     cargo run -p stream_client                     # in another terminal
//!
//! Like `echo "I got your message" | nc -l -p 12345`, it prints what a client
//! sends (stdout) and answers with the reply (from --reply, or from standard
//! input when that is a pipe or a file). `-u` for UDP, `-k` to keep serving,
//! `-U PATH` for a Unix-domain socket. It binds 127.0.0.1 unless told
//! otherwise with -s, so nothing outside this machine can reach it.
#![forbid(unsafe_code)]

mod datagram;
mod gather;
mod raw;
mod shutdown;
mod stream;

use std::io::{self, ErrorKind, IsTerminal, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// The exit code for "not permitted": sysexits(3)'s EX_NOPERM.
const EXIT_NO_PERMISSION: u8 = 77;

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
struct Args {
    /// Listen (accepted for netcat muscle memory: listening is all we do)
    #[arg(short = 'l')]
    _listen: bool,
    /// Port to listen on; 0 lets the kernel choose (the first line says
    /// which) [default: 12345, or 54321 with -u]
    #[arg(short, long)]
    port: Option<u16>,
    /// UDP (SOCK_DGRAM) instead of TCP (SOCK_STREAM)
    #[arg(short)]
    udp: bool,
    /// Keep serving: more clients (TCP, several at once) or more datagrams
    #[arg(short)]
    keep: bool,
    /// Local address to bind [default: 127.0.0.1, or ::1 with -6]
    #[arg(short = 's', long = "source", value_name = "ADDR")]
    address: Option<IpAddr>,
    /// Use IPv6 (AF_INET6)
    #[arg(short = '6')]
    ipv6: bool,
    /// Listen on a Unix-domain (AF_UNIX) socket at PATH instead
    #[arg(short = 'U', long = "unix", value_name = "PATH", conflicts_with_all = ["port", "address", "ipv6"])]
    unix: Option<PathBuf>,
    /// What to answer each client with, plus a newline as `echo` adds one
    /// [default: standard input, when it is not a terminal; else nothing]
    #[arg(long, value_name = "TEXT")]
    reply: Option<String>,
    /// With -k over TCP: how many clients are served at once; more wait
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_clients: u64,
    /// Close a TCP client that stays silent this many seconds (0: never)
    #[arg(short = 'w', long = "idle", value_name = "SECS", default_value_t = 60)]
    idle: u64,
    /// Receive raw IPv4 packets of protocol PROTO (e.g. 16, 6, 17, 1) and
    /// check them, field by field; needs CAP_NET_RAW
    #[arg(long, value_name = "PROTO", value_parser = clap::value_parser!(u8).range(1..=254),
          conflicts_with_all = ["udp", "unix", "ipv6", "keep", "port"])]
    raw: Option<u8>,
    /// With --raw: stop after N packets [default: never]
    #[arg(short = 'c', long, value_name = "N", requires = "raw")]
    count: Option<u64>,
    /// With --raw: decode the payload first (undoes raw_sender --encode)
    #[arg(long, value_enum, requires = "raw")]
    decode: Option<raw::Decoding>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match listen(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("listener: {error}");
            if let Some(hint) = hint(&error, &args) {
                eprintln!("  {hint}");
            }
            match error.kind() {
                ErrorKind::PermissionDenied => ExitCode::from(EXIT_NO_PERMISSION),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn listen(args: &Args) -> io::Result<()> {
    if let Some(protocol) = args.raw {
        return listen_raw(args, protocol);
    }
    let reply = reply(args)?;
    let (domain, address) = local_address(args)?;
    let kind = match (args.unix.is_some(), args.udp) {
        (false, false) => "tcp",
        (false, true) => "udp",
        (true, false) => "unix",
        (true, true) => "unix datagram",
    };
    let socket_type = if args.udp { Type::DGRAM } else { Type::STREAM };

    // socket(AF_INET, SOCK_STREAM or SOCK_DGRAM, 0); see socket(2).
    let socket = Socket::new(domain, socket_type, None)?;
    if args.udp {
        // SO_RCVBUF: room for datagrams that arrive faster than we print
        // them. Linux grants at most net.core.rmem_max; the last line on
        // Ctrl-C says how much it gave.
        socket.set_recv_buffer_size(4 << 20)?;
    }
    if args.unix.is_none() {
        // SO_REUSEADDR: bind even while connections of an earlier run of this
        // port linger in TIME_WAIT, so a listener can be restarted at once.
        socket.set_reuse_address(true)?;
    }
    // bind(2): claim the address and port.
    socket.bind(&address).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot bind {}: {error}", describe(&address)),
        )
    })?;
    let bound = describe(&socket.local_addr()?);
    let counted = if args.udp { "datagrams" } else { "clients" };
    shutdown::on_signal(args.unix.clone(), counted, socket.recv_buffer_size()?)?;
    let idle = (args.idle > 0).then(|| Duration::from_secs(args.idle));
    let served = if args.udp {
        eprintln!("listening on {bound} ({kind})");
        datagram::serve(&socket, reply.bytes(), args.keep)
    } else {
        // listen(2): accept connections; up to 1024 may wait to be accepted.
        socket.listen(1024)?;
        eprintln!("listening on {bound} ({kind})");
        stream::serve(&socket, &reply, args.keep, args.max_clients as usize, idle)
    };
    if let Some(path) = &args.unix {
        std::fs::remove_file(path)?;
    }
    served
}

// ANCHOR: listen_raw
fn listen_raw(args: &Args, protocol: u8) -> io::Result<()> {
    // socket(AF_INET, SOCK_RAW, protocol); see raw(7). Each packet of that
    // protocol arrives whole, IPv4 header first. (IPPROTO_RAW, 255, can only
    // send: that is why raw_sender uses it and we cannot.)
    let socket = Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::from(i32::from(protocol))),
    )
    .map_err(|error| {
        io::Error::new(error.kind(), format!("cannot open a raw socket: {error}"))
    })?;
    // bind(2) to an address: only packets sent to it arrive.
    let address = args.address.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    socket.bind(&SockAddr::from(SocketAddr::new(address, 0)))?;
    shutdown::on_signal(None, "packets", socket.recv_buffer_size()?)?;
    eprintln!("listening on {address} (raw, protocol {protocol})");
    raw::serve(&socket, args.count, args.decode)
}
// ANCHOR_END: listen_raw

/// What each client is answered with.
pub enum Reply {
    /// The same bytes for every client: --reply TEXT, or all of standard
    /// input, read first (UDP and -k answer many peers).
    Bytes(Vec<u8>),
    /// Standard input, copied to the one TCP client as it comes, as in
    /// `echo "I got your message" | nc -l -p 12345`: any size, little memory.
    Stdin,
}

impl Reply {
    /// The reply as one datagram (never `Stdin`: UDP reads it first).
    fn bytes(&self) -> &[u8] {
        match self {
            Reply::Bytes(bytes) => bytes,
            Reply::Stdin => &[],
        }
    }
}

/// The reply: --reply, else standard input when it is a pipe or a file,
/// else nothing.
fn reply(args: &Args) -> io::Result<Reply> {
    if let Some(text) = &args.reply {
        return Ok(Reply::Bytes(format!("{text}\n").into_bytes()));
    }
    let stdin = io::stdin();
    if stdin.is_terminal() {
        return Ok(Reply::Bytes(Vec::new()));
    }
    if !args.udp && !args.keep {
        return Ok(Reply::Stdin);
    }
    let mut bytes = Vec::new();
    stdin.lock().read_to_end(&mut bytes)?;
    Ok(Reply::Bytes(bytes))
}

/// The family and the address to bind: a Unix path, or ADDR:PORT.
fn local_address(args: &Args) -> io::Result<(Domain, SockAddr)> {
    if let Some(path) = &args.unix {
        return Ok((Domain::UNIX, SockAddr::unix(path)?));
    }
    let loopback = match args.ipv6 {
        true => IpAddr::V6(Ipv6Addr::LOCALHOST),
        false => IpAddr::V4(Ipv4Addr::LOCALHOST),
    };
    let default_port = if args.udp { 54321 } else { 12345 };
    let address = SocketAddr::new(
        args.address.unwrap_or(loopback),
        args.port.unwrap_or(default_port),
    );
    Ok((Domain::for_address(address), SockAddr::from(address)))
}

/// A socket address as a student would write it: `127.0.0.1:12345`,
/// `[::1]:12345` or a Unix socket's path.
fn describe(address: &SockAddr) -> String {
    match (address.as_socket(), address.as_pathname()) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(path)) => path.display().to_string(),
        (None, None) => "(unnamed)".into(),
    }
}

/// What a student can do about the most common failures.
fn hint(error: &io::Error, args: &Args) -> Option<String> {
    let hint = match error.kind() {
        ErrorKind::PermissionDenied if args.raw.is_some() => {
            "raw sockets need CAP_NET_RAW: run `sudo ./target/debug/listener ...` (not \
             `sudo cargo run`: root's PATH has no cargo), or \
             `sudo setcap cap_net_raw+ep ./target/debug/listener`"
                .into()
        }
        ErrorKind::PermissionDenied => {
            let first = unprivileged_port_start();
            format!(
                "ports below {first} (net.ipv4.ip_unprivileged_port_start) need \
                 privilege: use a port of {first} or more, or sudo, or \
                 `sudo setcap cap_net_bind_service+ep ./target/debug/listener`"
            )
        }
        ErrorKind::AddrInUse if args.unix.is_some() => {
            "that path exists already: if no listener uses it, remove it (rm PATH)"
                .into()
        }
        ErrorKind::AddrInUse => "another program is bound to that port (see \
             `ss -ltnup`): stop it, or choose another port with -p"
            .into(),
        ErrorKind::AddrNotAvailable => "that is not an address of this machine \
             (see `ip addr`): use 127.0.0.1, ::1 with -6, or one of its own"
            .into(),
        ErrorKind::NotFound => {
            "the folder for that socket path does not exist".into()
        }
        _ => return None,
    };
    Some(hint)
}

/// The first port an ordinary user may bind, as the kernel says today.
fn unprivileged_port_start() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        .map(|text| text.trim().to_string())
        .unwrap_or_else(|_| "1024".into())
}
