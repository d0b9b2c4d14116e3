//! Challenge: two clients at once. The listener you wrote serves one
//! client and exits; a real server accepts client after client, and
//! serves them at the same time, so that a slow client holds up nobody
//! else. Each client's bytes must still come out in one piece.
//!
//! Fill in `serve` and `converse` where they say `todo!()`, then check
//! them: the checker runs your listener on a port it chooses and sends
//! three clients, one of them slow.
//!
//!     exercises/check two_clients
//!
//! Or try it by hand, in three terminals:
//!
//!     cargo run -q -p exercises --bin exercise_two_clients -- 12345
//!     nc -N 127.0.0.1 12345            # type slowly, then Ctrl-D
//!     echo "hello" | nc -N 127.0.0.1 12345
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::thread;

use clap::Parser;
use socket2::{Domain, SockAddr, Socket, Type};
use stdio::say;

/// What each client gets back, once it has said all it has to say.
const REPLY: &[u8] = b"I got your message\n";

/// Serve TCP clients on 127.0.0.1, many at once: print what each one
/// sends, then answer it. Ctrl-C stops it.
#[derive(Parser)]
struct Args {
    /// The TCP port to listen on, on 127.0.0.1
    port: u16,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match listen(args.port).and_then(|listener| serve(&listener)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => stdio::report("exercise_two_clients", &error),
    }
}

/// socket, bind and listen, as in the listener you wrote before.
fn listen(port: u16) -> io::Result<Socket> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    listener.set_reuse_address(true)?;
    listener.bind(&SockAddr::from(address))?;
    listener.listen(128)?;
    say(&format!("listening on {address}"));
    Ok(listener)
}

/// A client's address, as accept(2) gave it, for what we say on stderr.
fn name(peer: &SockAddr) -> String {
    match peer.as_socket() {
        Some(peer) => peer.to_string(),
        None => "?".to_string(),
    }
}

// ANCHOR: serve
/// accept(2) client after client, as long as we run, and serve each on a
/// thread of its own (`std::thread::spawn`, with a `move` closure that
/// takes the client's socket along).
fn serve(listener: &Socket) -> io::Result<()> {
    // accept(2) returns the client's own socket and its address (`name`
    // turns that into text). While one thread waits on a slow client,
    // this one must be back in accept(2) for the next. An error of one
    // client's thread is one line on stderr, naming the client; the
    // listener serves on.
    todo!("accept in a loop; a thread for each client")
}

/// One client: everything it sends up to its FIN, printed in one piece;
/// then REPLY, and close.
fn converse(client: Socket) -> io::Result<()> {
    // 1. recv(2) until it returns 0 bytes, the client's FIN, keeping every
    //    byte: printed as they come, they would land between the bytes
    //    of the other clients being served at the same time.
    // 2. Print the whole message at once, holding stdout's lock
    //    (`io::stdout().lock()`) while you write and flush it.
    // 3. send(2) REPLY. close(2) happens when `client` is dropped.
    todo!("recv until FIN, print in one piece, reply")
}
// ANCHOR_END: serve
