//! Solution (challenge): which sockets will the kernel make? One socket(2)
//! call with the family, type and protocol named, and the kernel's answer.
//!
//!     exercises/check socket_matrix --solution
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use socket2::{Domain, Protocol, Socket, Type};

/// One socket(2) call, and what the kernel answers.
#[derive(Parser)]
struct Args {
    /// The address family
    family: Family,
    /// The socket type
    #[arg(value_name = "TYPE")]
    kind: SocketType,
    /// The protocol number, 0 to 255 (0: the type's usual protocol)
    protocol: u8,
}

/// The families of socket(2) this program asks for.
#[derive(Clone, Copy, ValueEnum)]
enum Family {
    /// AF_INET: IPv4
    Inet,
    /// AF_INET6: IPv6
    Inet6,
    /// AF_UNIX: a path on this machine, see unix(7)
    Unix,
}

/// The socket types this program asks for.
#[derive(Clone, Copy, ValueEnum)]
enum SocketType {
    /// SOCK_STREAM: a connection, a stream of bytes
    Stream,
    /// SOCK_DGRAM: datagrams
    Dgram,
    /// SOCK_RAW: packets with their headers
    Raw,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opened = open(domain(args.family), socket_type(args.kind), args.protocol);
    let line = match opened {
        Ok(socket) => match what_the_kernel_made(&socket) {
            Ok(made) => made,
            Err(error) => {
                stdio::say(&format!("exercise_socket_matrix: getsockopt: {error}"));
                return ExitCode::FAILURE;
            }
        },
        Err(error) => format!("refused {}", errno_name(&error)),
    };
    match writeln!(io::stdout(), "{line}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

// ANCHOR: challenge
/// The first argument of socket(2).
fn domain(family: Family) -> Domain {
    match family {
        Family::Inet => Domain::IPV4,
        Family::Inet6 => Domain::IPV6,
        Family::Unix => Domain::UNIX,
    }
}

/// The second argument of socket(2).
fn socket_type(kind: SocketType) -> Type {
    match kind {
        SocketType::Stream => Type::STREAM,
        SocketType::Dgram => Type::DGRAM,
        SocketType::Raw => Type::RAW,
    }
}

/// socket(domain, kind, protocol); see socket(2). Protocol 0 asks the
/// kernel to choose; any other number asks for that one.
fn open(domain: Domain, kind: Type, protocol: u8) -> io::Result<Socket> {
    Socket::new(domain, kind, Some(Protocol::from(i32::from(protocol))))
}

/// `made FAMILY TYPE protocol N`: the socket as getsockopt(2) reports it
/// (SO_DOMAIN, SO_TYPE, SO_PROTOCOL; see socket(7)). The kernel fills in
/// the protocol it chose for 0, and an AF_UNIX SOCK_RAW becomes a
/// SOCK_DGRAM (net/unix/af_unix.c), so what we asked for is no answer.
fn what_the_kernel_made(socket: &Socket) -> io::Result<String> {
    // socket2 names the families and types it knows (AF_INET, SOCK_RAW)
    // and writes any other as its number.
    let family = socket.domain()?;
    let kind = socket.r#type()?;
    // SO_PROTOCOL 0 (an AF_UNIX socket's) comes back as None.
    let protocol = socket.protocol()?.map_or(0, i32::from);
    Ok(format!("made {family:?} {kind:?} protocol {protocol}"))
}

/// The errno's symbolic name, as errno(3) gives it, or `errno N`.
fn errno_name(error: &io::Error) -> String {
    let name = match error.raw_os_error() {
        Some(1) => "EPERM",            // raw sockets without CAP_NET_RAW
        Some(13) => "EACCES",          // ICMP "ping" sockets, see icmp(7)
        Some(22) => "EINVAL",          // an unknown protocol or type
        Some(91) => "EPROTOTYPE",      // a protocol of another type
        Some(93) => "EPROTONOSUPPORT", // no such protocol for this type
        Some(94) => "ESOCKTNOSUPPORT", // no such type in this family
        Some(97) => "EAFNOSUPPORT",    // no such family in this kernel
        Some(number) => return format!("errno {number}"),
        None => return error.to_string(), // not from the kernel
    };
    name.to_string()
}
// ANCHOR_END: challenge
