//! Stream (TCP) client: connect, send one message, read the reply until EOF.
//!
//!     echo "I got your message" | nc -l -p 12345   # terminal 1
//!     cargo run -p stream_client                    # terminal 2
//!
//! Terminal 2 prints `I got your message`; terminal 1 prints our greeting.
//! The course's Python `socket.socket(AF_INET, SOCK_STREAM, 0)` is the
//! `Socket::new(Domain::IPV4, Type::STREAM, None)` below: family, type, proto.
//! A stream socket is connection-oriented and sequenced: connect(2) sets the
//! connection up, shutdown(2) and close(2) tear it down.
#![forbid(unsafe_code)]

use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use socket2::{Domain, SockAddr, Socket, Type};

/// Connect to a TCP (or Unix-domain stream) server, send a message, print
/// the reply.
#[derive(Parser)]
#[command(
    version,
    after_help = "Peer: echo \"I got your message\" | nc -l -p 12345"
)]
struct Args {
    /// Server to connect to: an IPv4 or IPv6 address, or a host name
    /// [default: 127.0.0.1, or ::1 with -6]
    host: Option<String>,
    /// Server's TCP port
    #[arg(default_value_t = 12345, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// Text to send, with a newline added as `echo` adds one; `-` sends
    /// standard input instead, as it is and however large
    #[arg(short, long, default_value = "Hello from stream_client")]
    message: String,
    /// Use IPv6 (AF_INET6)
    #[arg(short = '6')]
    ipv6: bool,
    /// Connect to the Unix-domain (AF_UNIX) socket at PATH instead
    #[arg(short = 'U', long = "unix", value_name = "PATH", conflicts_with_all = ["host", "ipv6"])]
    unix: Option<PathBuf>,
    /// Seconds to wait for the connection, and for each part of the reply
    #[arg(short = 'w', long = "timeout", value_name = "SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match talk(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("stream_client: {error}");
            if let Some(hint) = hint(&error, &args) {
                eprintln!("  {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: talk
fn talk(args: &Args) -> io::Result<()> {
    let (domain, server) = server_address(args)?;
    let name = describe(&server);
    let timeout = Duration::from_secs(args.timeout);

    // ANCHOR: socket
    // socket(AF_INET, SOCK_STREAM, 0); see socket(2) and tcp(7).
    let socket = Socket::new(domain, Type::STREAM, None)?;
    // ANCHOR_END: socket
    // connect(2): the three-way handshake (SYN, SYN-ACK, ACK) happens here.
    socket.connect_timeout(&server, timeout).map_err(|error| {
        io::Error::new(error.kind(), format!("cannot connect to {name}: {error}"))
    })?;
    eprintln!("connected to {name}");

    // send(2) until every byte of the message is on its way.
    let sending = |error: io::Error| {
        io::Error::new(error.kind(), format!("lost {name} while sending: {error}"))
    };
    let mut writer = &socket;
    if args.message == "-" {
        // Large reads and writes: fewer system calls per byte (8 KiB, the
        // default, halves bulk throughput on loopback).
        let mut stdin = io::BufReader::with_capacity(512 * 1024, io::stdin().lock());
        io::copy(&mut stdin, &mut writer).map_err(sending)?;
    } else {
        writer
            .write_all(format!("{}\n", args.message).as_bytes())
            .map_err(sending)?;
    }
    // shutdown(SHUT_WR): send FIN, "I have nothing more to say". Our peer sees
    // end-of-file, and nc, which does not close when its stdin ends, knows it
    // may close too; then our read below sees end-of-file.
    socket.shutdown(std::net::Shutdown::Write)?;

    // recv(2) until the server closes (a read of 0 bytes), printing as we go.
    socket.set_read_timeout(Some(timeout))?;
    let mut reader = io::BufReader::with_capacity(512 * 1024, &socket);
    io::copy(&mut reader, &mut io::stdout().lock()).map_err(|error| {
        match error.kind() {
            // SO_RCVTIMEO expired: recv(2) says EAGAIN, we say what it means.
            ErrorKind::WouldBlock => io::Error::new(
                ErrorKind::TimedOut,
                format!("no reply from {name} within {} s", args.timeout),
            ),
            _ => io::Error::new(
                error.kind(),
                format!("lost {name} while reading the reply: {error}"),
            ),
        }
    })?;
    Ok(())
}
// ANCHOR_END: talk

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

/// What a student can do about the most common failures.
fn hint(error: &io::Error, args: &Args) -> Option<String> {
    let hint = match error.kind() {
        ErrorKind::ConnectionRefused if args.unix.is_some() => {
            "nothing is listening on that socket: start `listener -U PATH` first"
                .into()
        }
        ErrorKind::ConnectionRefused => format!(
            "nothing is listening there: start a server first, e.g. \
             `echo \"I got your message\" | nc -l -p {}`",
            args.port
        ),
        ErrorKind::NotFound => "no socket file at that path: start \
             `cargo run -p listener -- -U PATH` first, with the same PATH"
            .into(),
        ErrorKind::TimedOut => "the server did not answer in time: is it running \
             and reachable? Raise the limit with -w SECS"
            .into(),
        ErrorKind::InvalidInput => {
            "give an address such as 127.0.0.1 or ::1, or a name from /etc/hosts"
                .into()
        }
        _ => return None,
    };
    Some(hint)
}

/// A socket address as a student would write it: `127.0.0.1:12345`, `[::1]:80`
/// or a Unix socket's path.
fn describe(address: &SockAddr) -> String {
    match (address.as_socket(), address.as_pathname()) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(path)) => path.display().to_string(),
        (None, None) => "(unnamed)".into(),
    }
}
