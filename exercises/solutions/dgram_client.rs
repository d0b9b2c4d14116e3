//! Solution: the datagram (UDP) client's two calls, sendto and recvfrom.
//!
//!     exercises/check dgram_client --solution
#![forbid(unsafe_code)]

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

    // 1. sendto(2): one datagram, to the address we name.
    socket.send_to(MESSAGE, server)?;
    // 2. recvfrom(2): the next datagram, and who sent it. A datagram longer
    //    than the buffer would be cut short, so the buffer takes the most
    //    one can hold.
    let mut buffer = vec![0u8; 65535];
    let (len, sender) = socket.recv_from(&mut buffer)?;
    // 3. The bytes that came, and from whom.
    buffer.truncate(len);
    Ok((buffer, sender))
    // close(2): `socket` is dropped here, and that closes it.
}
// ANCHOR_END: exchange
