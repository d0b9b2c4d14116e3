//! Write it yourself: the datagram (UDP) client's two calls, sendto and
//! recvfrom, on a socket made for you.
//!
//! Fill in `exchange` where it says `todo!()`, then check it against a
//! listener on 127.0.0.1:54321:
//!
//!     exercises/check dgram_client
//!
//! Or try it by hand, as the course does:
//!
//!     echo "I got your message" | nc -l -p 54321 -u     # terminal 1
//!     cargo run -q -p exercises --bin exercise_dgram_client  # terminal 2
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

use socket2::{Domain, Socket, Type};

/// What we say: one datagram, as the course's Python client sends.
const MESSAGE: &[u8] = b"Hello from exercise_dgram_client\n";

fn main() -> ExitCode {
    let server = SocketAddr::from(([127, 0, 0, 1], 54321));
    let (reply, sender) = match exchange(server) {
        Ok(answer) => answer,
        Err(error) => {
            let _ = writeln!(io::stderr(), "exercise_dgram_client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let said =
        writeln!(io::stderr(), "reply of {} bytes from {sender}", reply.len())
            .and_then(|()| io::stdout().write_all(&reply));
    match said {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

// ANCHOR: exchange
/// Sends MESSAGE to `server` in one datagram and waits for one datagram
/// back; returns its bytes and the address it came from.
fn exchange(server: SocketAddr) -> io::Result<(Vec<u8>, SocketAddr)> {
    // socket(AF_INET, SOCK_DGRAM, 0); see socket(2) and udp(7). Made with
    // socket2, used through std's UdpSocket, whose recv_from fills a plain
    // byte buffer (socket2's wants uninitialised memory).
    let socket = UdpSocket::from(Socket::new(Domain::IPV4, Type::DGRAM, None)?);
    // SO_RCVTIMEO: when nobody answers, recvfrom fails after 5 s.
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;

    // 1. sendto(2): MESSAGE, in one datagram, to `server`
    //    (`socket.send_to(...)`). No connection: the address goes with it.
    // 2. recvfrom(2): the next datagram into a buffer of 65535 bytes (the
    //    most one can hold), and who sent it (`socket.recv_from(...)`).
    // 3. Return the bytes that came, and the sender's address.
    // close(2) happens by itself when `socket` is dropped.
    todo!("sendto, recvfrom")
}
// ANCHOR_END: exchange
