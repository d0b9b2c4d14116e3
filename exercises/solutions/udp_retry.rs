//! Solution (challenge): ask again, and wait longer. One datagram, sent
//! again after each silence, each wait twice the one before, and a reply
//! taken only from the server.
//!
//!     exercises/check udp_retry --solution
#![forbid(unsafe_code)]

use std::io::{self, ErrorKind, Write};
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use socket2::{Domain, Socket, Type};
use stdio::say;

/// What we say: one datagram, as the course's Python client sends.
const MESSAGE: &[u8] = b"Hello from exercise_udp_retry\n";
/// The first wait for an answer; each silence doubles it.
const FIRST_WAIT: Duration = Duration::from_millis(100);
/// How many times the message goes out: waits of 100, 200, 400, 800 and
/// 1600 ms, 3.1 s in all.
const TRIES: u32 = 5;

/// Sends one datagram to HOST PORT and prints the answer, asking again
/// after each silence.
#[derive(Parser)]
struct Args {
    /// The server's address, e.g. 127.0.0.1
    host: IpAddr,
    /// The server's UDP port
    port: u16,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let server = SocketAddr::new(args.host, args.port);
    let (reply, sender) = match ask(server) {
        Ok(Some(answer)) => answer,
        Ok(None) => {
            say(&format!(
                "exercise_udp_retry: no reply from {server} after {TRIES} tries: \
                 giving up"
            ));
            return ExitCode::FAILURE;
        }
        Err(error) if error.kind() == ErrorKind::ConnectionRefused => {
            // An ICMP port unreachable came back: nobody listens there.
            say(&format!(
                "exercise_udp_retry: {server} refused the datagram: {error}\n  \
                 nothing listens there: start a server first (nc -l -u -p {})",
                args.port
            ));
            return ExitCode::FAILURE;
        }
        Err(error) => {
            say(&format!("exercise_udp_retry: {error}"));
            return ExitCode::FAILURE;
        }
    };
    say(&format!("reply of {} bytes from {sender}", reply.len()));
    match io::stdout().write_all(&reply) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

/// True when a receive ended because its wait (SO_RCVTIMEO) ran out:
/// Linux then fails recv(2) with EAGAIN, which std calls WouldBlock
/// (socket(7)).
fn silence(error: &io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

// ANCHOR: challenge
/// Sends MESSAGE to `server` and waits for its answer, sending it again
/// after each silence, each wait twice the one before. Returns the reply
/// and who sent it, or None after TRIES silences.
fn ask(server: SocketAddr) -> io::Result<Option<(Vec<u8>, SocketAddr)>> {
    // socket(AF_INET, SOCK_DGRAM, 0); see socket(2) and udp(7). The family
    // follows the address: AF_INET6 for ::1.
    let family = Domain::for_address(server);
    let socket = UdpSocket::from(Socket::new(family, Type::DGRAM, None)?);
    // connect(2) on a datagram socket sends nothing. It names "the address
    // to which datagrams are sent by default, and the only address from
    // which datagrams are received": the kernel drops anyone else's.
    socket.connect(server)?;
    // The most one datagram can hold: a longer one would be cut short.
    let mut buffer = vec![0u8; 65535];
    let mut wait = FIRST_WAIT;
    for _ in 0..TRIES {
        // send(2): to the connected address.
        socket.send(MESSAGE)?;
        // SO_RCVTIMEO: recvfrom(2) gives up after `wait`; see socket(7).
        socket.set_read_timeout(Some(wait))?;
        match socket.recv_from(&mut buffer) {
            Ok((len, sender)) => {
                // The datagram is the first `len` bytes; the rest is the
                // buffer's own zeros.
                buffer.truncate(len);
                return Ok(Some((buffer, sender)));
            }
            // Lost on the way there, or its answer on the way back: ask
            // again, and give the answer longer to come.
            Err(error) if silence(&error) => wait *= 2,
            Err(error) => return Err(error),
        }
    }
    Ok(None)
}
// ANCHOR_END: challenge
