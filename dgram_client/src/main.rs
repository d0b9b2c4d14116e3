//! Datagram (UDP) client: send one datagram, wait for one datagram back.
//!
//!     echo "I got your message" | nc -l -p 54321 -u   # terminal 1
//!     cargo run -p dgram_client                         # terminal 2
//!
//! Terminal 2 prints `I got your message` (and, on stderr, who sent it);
//! terminal 1 prints our greeting. The course's Python
//! `socket.socket(AF_INET, SOCK_DGRAM, 0)` is the
//! `Socket::new(Domain::IPV4, Type::DGRAM, None)` below. There is no
//! connection: each sendto(2) names its destination, and nothing tells us
//! whether anyone is there except a reply.
#![forbid(unsafe_code)]

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use socket2::{Domain, SockAddr, Socket, Type};

/// The most a UDP datagram over IPv4 can carry: the 65,535-byte IPv4 total
/// length less a 20-byte IPv4 header and the 8-byte UDP header (RFC 768).
const MAX_UDP_PAYLOAD_V4: usize = 65_535 - 20 - 8;
/// Over IPv6 the payload length field excludes the 40-byte fixed header.
const MAX_UDP_PAYLOAD_V6: usize = 65_535 - 8;

/// Send one UDP (or Unix-domain) datagram and print the one that comes back.
#[derive(Parser)]
#[command(
    version,
    after_help = "Peer: echo \"I got your message\" | nc -l -p 54321 -u"
)]
struct Args {
    /// Where to send: an IPv4 or IPv6 address, or a host name
    /// [default: 127.0.0.1, or ::1 with -6]
    host: Option<String>,
    /// Destination UDP port
    #[arg(default_value_t = 54321, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// Text to send, with a newline added as `echo` adds one; `-` sends
    /// standard input as it is (one datagram: at most 65,507 bytes over IPv4)
    #[arg(short, long, default_value = "Hello from dgram_client")]
    message: String,
    /// Use IPv6 (AF_INET6)
    #[arg(short = '6')]
    ipv6: bool,
    /// Send to the Unix-domain (AF_UNIX) datagram socket at PATH instead
    #[arg(short = 'U', long = "unix", value_name = "PATH", conflicts_with_all = ["host", "ipv6"])]
    unix: Option<PathBuf>,
    /// Seconds to wait for the reply
    #[arg(short = 'w', long = "timeout", value_name = "SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match exchange(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("dgram_client: {error}");
            if let Some(hint) = hint(&error, &args) {
                eprintln!("  {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: exchange
fn exchange(args: &Args) -> io::Result<()> {
    let message = message(args)?;
    let (domain, server) = server_address(args)?;
    let name = describe(&server);
    if let Some(max) = max_payload(&server)
        && message.len() > max
    {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!(
                "the message is {} bytes; one datagram carries at most {max}",
                message.len()
            ),
        ));
    }

    // ANCHOR: socket
    // socket(AF_INET, SOCK_DGRAM, 0); see socket(2) and udp(7).
    let socket = Socket::new(domain, Type::DGRAM, None)?;
    // ANCHOR_END: socket
    // An AF_UNIX datagram socket has no address until it binds one, and a
    // reply needs an address to come back to.
    let own_path = match &args.unix {
        Some(_) => Some(bind_temporary_path(&socket)?),
        None => None,
    };

    let result = send_and_receive(&socket, &message, &server, &name, args.timeout);
    if let Some(path) = own_path {
        std::fs::remove_file(path)?;
    }
    result
}

fn send_and_receive(
    socket: &Socket,
    message: &[u8],
    server: &SockAddr,
    name: &str,
    timeout: u64,
) -> io::Result<()> {
    // sendto(2): one datagram, to the address we name.
    socket.send_to(message, server).map_err(|error| {
        io::Error::new(error.kind(), format!("cannot send to {name}: {error}"))
    })?;
    eprintln!("sent {} bytes to {name}", message.len());

    // Wait at most `timeout` seconds (SO_RCVTIMEO) for the reply, then learn
    // who sent it (recvfrom(2) with MSG_PEEK) and read it (recv(2)).
    socket.set_read_timeout(Some(Duration::from_secs(timeout)))?;
    let no_reply = |error: io::Error| match error.kind() {
        ErrorKind::WouldBlock => io::Error::new(
            ErrorKind::TimedOut,
            format!("no reply from {name} within {timeout} s"),
        ),
        _ => error,
    };
    let sender = socket.peek_sender().map_err(no_reply)?;
    let mut reply = vec![0u8; 65_536];
    let len = (&mut &*socket).read(&mut reply)?;
    eprintln!("reply of {len} bytes from {}", describe(&sender));
    io::stdout().write_all(&reply[..len])?;
    Ok(())
}
// ANCHOR_END: exchange

/// The payload: the -m text, or all of standard input for `-m -`.
fn message(args: &Args) -> io::Result<Vec<u8>> {
    if args.message == "-" {
        let mut stdin = Vec::new();
        io::stdin().read_to_end(&mut stdin)?;
        Ok(stdin)
    } else {
        Ok(format!("{}\n", args.message).into_bytes())
    }
}

/// The largest payload one UDP datagram can carry to `server`; the kernel
/// decides for AF_UNIX (it answers EMSGSIZE).
fn max_payload(server: &SockAddr) -> Option<usize> {
    match server.as_socket()? {
        SocketAddr::V4(_) => Some(MAX_UDP_PAYLOAD_V4),
        SocketAddr::V6(_) => Some(MAX_UDP_PAYLOAD_V6),
    }
}

/// bind(2) the client to a fresh path in the temporary directory.
fn bind_temporary_path(socket: &Socket) -> io::Result<PathBuf> {
    let path = std::env::temp_dir()
        .join(format!("dgram_client-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    socket.bind(&SockAddr::unix(&path)?)?;
    Ok(path)
}

/// The family (AF_INET, AF_INET6 or AF_UNIX) and address of the server.
fn server_address(args: &Args) -> io::Result<(Domain, SockAddr)> {
    if let Some(path) = &args.unix {
        return Ok((Domain::UNIX, SockAddr::unix(path)?));
    }
    let address = resolve(args)?;
    Ok((Domain::for_address(address), SockAddr::from(address)))
}

/// HOST and PORT to one socket address, as getaddrinfo(3) resolves them;
/// with -6 the first IPv6 address.
fn resolve(args: &Args) -> io::Result<SocketAddr> {
    let default = if args.ipv6 { "::1" } else { "127.0.0.1" };
    let host = args.host.as_deref().unwrap_or(default);
    let unknown = |why: String| {
        io::Error::new(
            ErrorKind::InvalidInput,
            format!("unknown host {host:?}: {why}"),
        )
    };
    let mut addresses = (host, args.port)
        .to_socket_addrs()
        .map_err(|error| unknown(error.to_string()))?;
    addresses
        .find(|address| address.is_ipv6() || !args.ipv6)
        .ok_or_else(|| unknown("it has no IPv6 address".into()))
}

/// A socket address as a student would write it: `127.0.0.1:54321`,
/// `[::1]:54321` or a Unix socket's path.
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
        ErrorKind::TimedOut if args.unix.is_some() => {
            "is `cargo run -p listener -- -u -U PATH` running?".into()
        }
        ErrorKind::TimedOut => format!(
            "UDP has no connection, so silence is all we get when nobody listens: \
             is `echo \"I got your message\" | nc -l -p {} -u` running?",
            args.port
        ),
        ErrorKind::NotFound | ErrorKind::ConnectionRefused => {
            "no datagram socket at that path: start \
             `cargo run -p listener -- -u -U PATH` first, with the same PATH"
                .into()
        }
        ErrorKind::InvalidInput => {
            "give an address such as 127.0.0.1 or ::1, or a name from /etc/hosts".into()
        }
        ErrorKind::InvalidData => {
            "send less: a larger message needs a stream (TCP) socket, see stream_client"
                .into()
        }
        _ => return None,
    };
    Some(hint)
}
