//! Solution: a TCP server for one client, in the order every server makes
//! its calls: socket, bind, listen, accept, recv, send, close.
//!
//!     exercises/check listener --solution
#![forbid(unsafe_code)]

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use socket2::{Domain, SockAddr, Socket, Type};

/// What we answer, as `echo "I got your message" | nc -l -p 12345` does.
const REPLY: &[u8] = b"I got your message\n";

fn main() -> ExitCode {
    // 127.0.0.1: nothing beyond this machine can reach us.
    let address = SocketAddr::from(([127, 0, 0, 1], 12345));
    match serve(address) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(io::stderr(), "exercise_listener: {error}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: serve
/// Waits for one client on `address`, writes what it sends to standard
/// output, answers with REPLY, and closes.
fn serve(address: SocketAddr) -> io::Result<()> {
    // 1. socket(AF_INET, SOCK_STREAM, 0): the same call as a client's.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // 2. SO_REUSEADDR: bind even while connections of an earlier run of
    //    this port linger in TIME_WAIT.
    socket.set_reuse_address(true)?;
    // 3. bind(2): claim the address and port.
    socket.bind(&SockAddr::from(address))?;
    // 4. listen(2): the kernel completes handshakes for us from now on, and
    //    up to 128 connections wait in its queue until we accept them.
    socket.listen(128)?;
    // 5. accept(2): the next connection, on a socket of its own.
    let (client, peer) = socket.accept()?;
    let peer = peer.as_socket().map_or("?".into(), |peer| peer.to_string());
    writeln!(io::stderr(), "connection from {peer}")?;
    // 6. recv(2) until it returns 0 bytes: the client's FIN.
    let mut buffer = [0u8; 4096];
    let mut stdout = io::stdout().lock();
    loop {
        let len = (&client).read(&mut buffer)?;
        if len == 0 {
            break;
        }
        stdout.write_all(&buffer[..len])?;
    }
    // 7. send(2) until every byte of the reply is on its way.
    (&client).write_all(REPLY)?;
    // close(2): `client` and `socket` are dropped here, and that closes
    // them; the client reads our FIN as the end of the reply.
    Ok(())
}
// ANCHOR_END: serve
