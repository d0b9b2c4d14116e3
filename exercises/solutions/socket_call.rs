//! Solution: the three socket types of the course notes, each made by one
//! socket(2) call, and what the kernel says it made.
//!
//!     exercises/check socket_call --solution
//!
//! The kernel's answer comes from getsockopt(2) (SO_DOMAIN, SO_TYPE,
//! SO_PROTOCOL). A raw socket needs CAP_NET_RAW: as an ordinary user its
//! line says `Operation not permitted`, and that is the right answer too.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::process::ExitCode;

use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: open
/// socket(AF_INET, SOCK_STREAM, 0): a stream socket, for TCP.
fn open_stream() -> io::Result<Socket> {
    // None: the type's usual protocol, which for a stream is TCP.
    Socket::new(Domain::IPV4, Type::STREAM, None)
}

/// socket(AF_INET, SOCK_DGRAM, 0): a datagram socket, for UDP.
fn open_datagram() -> io::Result<Socket> {
    Socket::new(Domain::IPV4, Type::DGRAM, None)
}

/// socket(AF_INET, SOCK_RAW, IPPROTO_RAW): a raw socket whose every packet
/// starts with an IP header of our own. IPPROTO_RAW is 255.
fn open_raw() -> io::Result<Socket> {
    Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))
}
// ANCHOR_END: open

fn main() -> ExitCode {
    let mut stdout = io::stdout().lock();
    let calls = [
        ("socket(AF_INET, SOCK_STREAM, 0)", open_stream()),
        ("socket(AF_INET, SOCK_DGRAM, 0)", open_datagram()),
        ("socket(AF_INET, SOCK_RAW, IPPROTO_RAW)", open_raw()),
    ];
    for (call, opened) in calls {
        let said = match opened.and_then(|socket| what_the_kernel_made(&socket)) {
            Ok(made) => format!("{call}: {made}"),
            Err(error) => format!("{call}: {error}"),
        };
        if writeln!(stdout, "{said}").is_err() {
            return ExitCode::FAILURE; // nobody reads our output any more
        }
    }
    ExitCode::SUCCESS
}

/// The family, type and protocol of `socket`, as getsockopt(2) reports
/// them: a protocol of 0 has become the one the kernel chose.
fn what_the_kernel_made(socket: &Socket) -> io::Result<String> {
    let protocol = socket.protocol()?.map_or(0, i32::from);
    let name = match protocol {
        6 => " (TCP)",
        17 => " (UDP)",
        255 => " (IPPROTO_RAW)",
        _ => "",
    };
    Ok(format!(
        "the kernel made {:?}, {:?}, protocol {protocol}{name}",
        socket.domain()?,
        socket.r#type()?
    ))
}
