//! Write it yourself (challenge): ask again, and wait longer. UDP promises
//! nothing: a datagram may be lost on its way there, or its answer on the
//! way back, and nobody says so. A client that wants an answer asks again
//! when none comes, waiting twice as long each time, and at last gives up.
//!
//! Fill in `ask` where it says `todo!()`, then check it against a server
//! that drops your first three datagrams, and one that never answers:
//!
//!     exercises/check udp_retry
//!
//! By hand, with an nc that prints each try and answers only what you type
//! (type a line within the 3.1 s to answer):
//!
//!     nc -l -u -p 54321                      # terminal 1, then in terminal 2:
//!     cargo run -q -p exercises --bin exercise_udp_retry -- 127.0.0.1 54321
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

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

// ANCHOR: ask
/// Sends MESSAGE to `server` and waits for its answer, sending it again
/// after each silence, each wait twice the one before. Returns the reply
/// and who sent it, or None after TRIES silences.
fn ask(server: SocketAddr) -> io::Result<Option<(Vec<u8>, SocketAddr)>> {
    // socket(AF_INET, SOCK_DGRAM, 0); see socket(2) and udp(7). The family
    // follows the address: AF_INET6 for ::1.
    let family = Domain::for_address(server);
    let socket = UdpSocket::from(Socket::new(family, Type::DGRAM, None)?);

    // 1. Anyone may send a datagram to our port: only the server's is the
    //    reply. Read what connect(2) does to a SOCK_DGRAM socket (it sends
    //    nothing), or compare each sender with `server`.
    // 2. Up to TRIES times: send MESSAGE, then wait at most `wait` for a
    //    datagram (SO_RCVTIMEO: `set_read_timeout`). A wait that ends in
    //    `silence` doubles; any other error is an answer too.
    // 3. A reply: its bytes, exactly as many as recv returned, and its
    //    sender.
    todo!("the reply, after as many tries as it takes; or None")
}
// ANCHOR_END: ask
