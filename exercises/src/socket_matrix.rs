//! Write it yourself (challenge): which sockets will the kernel make? One
//! socket(2) call with the family, type and protocol you name, and the
//! kernel's answer: the socket it made, as getsockopt(2) reports it, or
//! the errno it refused with.
//!
//! Fill in the functions marked `todo!()`, then check them: the check asks
//! your program about twenty triples, and the kernel about the same ones.
//!
//!     exercises/check socket_matrix
//!
//! By hand:
//!
//!     cargo run -q -p exercises --bin exercise_socket_matrix -- inet dgram 0
//!     cargo run -q -p exercises --bin exercise_socket_matrix -- inet stream 17
//!
//! The first prints `made AF_INET SOCK_DGRAM protocol 17`, the second
//! `refused EPROTONOSUPPORT`. Ask for a raw socket with sudo and without.
#![forbid(unsafe_code)]
#![allow(
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

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

// ANCHOR: matrix
/// The first argument of socket(2). The chapter's table pairs each
/// family with its socket2 name.
fn domain(family: Family) -> Domain {
    todo!("a match: one Domain for each Family")
}

/// The second argument of socket(2).
fn socket_type(kind: SocketType) -> Type {
    todo!("a match: one Type for each SocketType")
}

/// socket(domain, kind, protocol); see socket(2). Protocol 0 asks the
/// kernel to choose; any other number asks for that one.
fn open(domain: Domain, kind: Type, protocol: u8) -> io::Result<Socket> {
    todo!("Socket::new")
}

/// `made FAMILY TYPE protocol N`, e.g. `made AF_INET SOCK_DGRAM protocol
/// 17`: the socket as the kernel reports it, which may not be what you
/// asked for. getsockopt(2) reads SO_DOMAIN, SO_TYPE and SO_PROTOCOL
/// (socket(7)); socket2 calls them `domain()`, `r#type()`, `protocol()`.
fn what_the_kernel_made(socket: &Socket) -> io::Result<String> {
    todo!("the three getsockopt calls, and the line")
}

/// The errno's symbolic name, as errno(3) gives it: EPERM, EACCES, EINVAL,
/// EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EPROTOTYPE, and any
/// other as `errno N`. The numbers are in errno(3)'s headers
/// (/usr/include/asm-generic/errno-base.h and errno.h).
fn errno_name(error: &io::Error) -> String {
    todo!("the number the kernel gave (`raw_os_error`), then its name")
}
// ANCHOR_END: matrix
