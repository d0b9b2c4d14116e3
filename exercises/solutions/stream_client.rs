//! Solution: the stream (TCP) client's conversation, connect, send,
//! shutdown and recv.
//!
//!     exercises/check stream_client --solution
#![forbid(unsafe_code)]

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

    // 1. connect(2): the kernel sends SYN, gets SYN-ACK, answers ACK.
    socket.connect(server)?;
    // 2. send(2) until every byte is on its way: one send may take fewer.
    (&socket).write_all(MESSAGE)?;
    // 3. shutdown(SHUT_WR): our FIN. A server that reads until end-of-file
    //    (nc, the listener) learns that we are done, and may close.
    socket.shutdown(Shutdown::Write)?;
    // 4. recv(2) until it returns 0 bytes: the server has closed its side.
    let mut buffer = [0u8; 4096];
    let mut stdout = io::stdout().lock();
    loop {
        let len = (&socket).read(&mut buffer)?;
        if len == 0 {
            break;
        }
        stdout.write_all(&buffer[..len])?;
    }
    // close(2): `socket` is dropped here, and that closes it.
    Ok(())
}
// ANCHOR_END: talk
