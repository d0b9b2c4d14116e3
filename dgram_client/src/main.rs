//! Datagram (UDP) client: send one datagram, wait for one datagram back.
//!
//!     echo "I got your message" | nc -l -p 54321 -u   # terminal 1
//!     cargo run -p dgram_client                         # terminal 2
//!
//! Terminal 2 prints `I got your message` (and, on stderr, who sent it);
//! terminal 1 prints our greeting. The course's Python
//! `socket.socket(AF_INET, SOCK_DGRAM, 0)` is the
//! `Socket::new(server.domain(), Type::DGRAM, None)` below (AF_INET,
//! `Domain::IPV4`, for 127.0.0.1; AF_INET6 for ::1; AF_UNIX for -U). There is no
//! connection: each sendto(2) names its destination, and nothing tells us
//! whether anyone is there except a reply.
#![forbid(unsafe_code)]

mod flags; // the command line: flags, defaults, the message
mod hints; // failures turned into one line a student can act on
mod unix; // the path an AF_UNIX client binds so that a reply can come back

use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::Duration;

use address::describe;
use nix::errno::Errno;
use nix::sys::socket::{SockaddrStorage, recvfrom};
use socket2::{Socket, Type};
use stdio::say;

use flags::Args;
use hints::Failed;

fn main() -> ExitCode {
    let args: Args = stdio::parse();
    match exchange(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => hints::report(&error),
    }
}

// ANCHOR: exchange
fn exchange(args: &Args) -> io::Result<()> {
    let message = flags::message(args)?;
    let timeout = Duration::from_secs(args.timeout);
    // The server: every address getaddrinfo(3) gives for HOST PORT, or the
    // path of a Unix-domain socket.
    let servers = args.servers()?;

    // Try each address in turn, as nc does: the first that answers wins.
    // (Each one that does not is said on its own line: hints.rs.)
    let mut failed = None;
    for (tried, server) in servers.iter().enumerate() {
        let (name, last) = (describe(server), tried + 1 == servers.len());
        flags::check_fits(&message, server)?;
        // ANCHOR: socket
        // socket(AF_INET, SOCK_DGRAM, 0); see socket(2) and udp(7). The
        // family comes with the address: Domain::IPV4 for 127.0.0.1.
        let socket = Socket::new(server.domain(), Type::DGRAM, None)?;
        // ANCHOR_END: socket
        let _own_path = unix::bind_for_reply(&socket, server)?;
        // connect(2) on a datagram socket sends nothing: it names the one
        // peer whose datagrams recvfrom(2) will pass us (the kernel drops
        // anyone else's, udp(7)), and lets an ICMP "port unreachable" from
        // it come back as ECONNREFUSED: then nobody listens there.
        if let Err(error) = socket.connect(server) {
            failed = hints::skip(name, Failed::Sending(error), last, args);
            continue;
        }
        // sendto(2): one datagram, to the address we name. SO_SNDTIMEO: an
        // AF_UNIX server whose queue is full makes it wait; -w bounds that.
        socket.set_write_timeout(Some(timeout))?;
        if let Err(error) = socket.send_to(&message, server) {
            failed = hints::skip(name, Failed::Sending(error), last, args);
            continue;
        }
        say(&format!("sent {} bytes to {name}", message.len()));

        // recvfrom(2): the next datagram, and who sent it. SO_RCVTIMEO
        // bounds the wait: silence is all we get when a datagram is lost.
        socket.set_read_timeout(Some(timeout))?;
        let mut reply = vec![0u8; flags::MAX_DATAGRAM];
        let (len, sender) = match receive(&socket, &mut reply) {
            Ok(received) => received,
            Err(error) => {
                failed = hints::skip(name, Failed::Waiting(error), last, args);
                continue;
            }
        };
        say(&format!("reply of {len} bytes from {sender}"));
        if let Err(error) = io::stdout().write_all(&reply[..len]) {
            return Err(stdio::not_printed(error, "the reply is lost")); // 74
        }
        return Ok(());
        // close(2): `socket` is dropped here, and that closes it (and
        // `_own_path` removes the socket file an AF_UNIX client bound).
    }
    Err(hints::no_answer(failed, args))
}

/// recvfrom(2) into `reply`: the datagram's length, and who sent it. (nix's
/// recvfrom takes a plain byte buffer; socket2's wants one it may leave
/// uninitialised, which safe code cannot read.)
fn receive(socket: &Socket, reply: &mut [u8]) -> io::Result<(usize, String)> {
    loop {
        match recvfrom::<SockaddrStorage>(socket.as_raw_fd(), reply) {
            // EINTR: a signal came (with -U, unix.rs tidies up and exits).
            Err(Errno::EINTR) => continue,
            Err(errno) => return Err(errno.into()),
            Ok((len, sender)) => {
                let sender = sender
                    .map_or("an unnamed socket".into(), |from| from.to_string());
                return Ok((len, sender));
            }
        }
    }
}
// ANCHOR_END: exchange
