//! Write it yourself: the stream (TCP) client's conversation, connect,
//! send, shutdown and recv, on a socket made for you.
//!
//! Fill in `talk` where it says `todo!()`, then check it against a listener
//! on 127.0.0.1:12345:
//!
//!     exercises/check stream_client
//!
//! Or try it by hand, as the course does:
//!
//!     echo "I got your message" | nc -l -p 12345        # terminal 1
//!     cargo run -q -p exercises --bin exercise_stream_client  # terminal 2
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use socket2::{Domain, SockAddr, Socket, Type};

/// What we say: one line, as the course's Python client does.
const MESSAGE: &[u8] = b"Hello from exercise_stream_client\n";

fn main() -> ExitCode {
    let server = SocketAddr::from(([127, 0, 0, 1], 12345));
    match talk(&SockAddr::from(server)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(io::stderr(), "exercise_stream_client: {error}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: talk
/// Sends MESSAGE to `server` and copies its reply to standard output.
fn talk(server: &SockAddr) -> io::Result<()> {
    // socket(AF_INET, SOCK_STREAM, 0); see socket(2) and tcp(7).
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // SO_RCVTIMEO: a server that never answers fails a recv after 5 s.
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;

    // 1. connect(2) to `server`.
    // 2. send(2) every byte of MESSAGE: `(&socket).write_all(MESSAGE)`.
    // 3. shutdown(2) the writing side: our FIN, "I have nothing more to say".
    // 4. recv(2) into a buffer, `(&socket).read(&mut buffer)`, and write what
    //    came to standard output; again and again, until a recv returns 0
    //    bytes: the server has closed its side.
    // close(2) happens by itself when `socket` is dropped.
    todo!("connect, send, shutdown, recv")
}
// ANCHOR_END: talk
