//! Solution: the challenge "two clients at once", a listener that serves
//! each client on a thread of its own and prints each client's bytes in
//! one piece.
//!
//!     exercises/check two_clients --solution
#![forbid(unsafe_code)]

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

// ANCHOR: challenge
/// accept(2) client after client, as long as we run. Each is served on a
/// thread of its own: a client that is slow to send holds up that thread,
/// while this one is back in accept(2) for the next.
fn serve(listener: &Socket) -> io::Result<()> {
    loop {
        let (client, peer) = listener.accept()?;
        let peer = name(&peer);
        thread::spawn(move || {
            if let Err(error) = converse(client) {
                say(&format!("client {peer}: {error}"));
            }
        });
    }
}

/// One client: everything it sends up to its FIN, printed in one piece;
/// then the reply, and close.
fn converse(client: Socket) -> io::Result<()> {
    // recv(2) until it returns 0, the client's FIN: the message is whole.
    let mut message = Vec::new();
    (&client).read_to_end(&mut message)?;
    // The other threads print too. Holding stdout's lock while the whole
    // message goes out keeps their bytes out of the middle of it.
    let mut stdout = io::stdout().lock();
    stdout.write_all(&message)?;
    stdout.flush()?;
    drop(stdout);
    // send(2) the reply; dropping `client` then close(2)s it: our FIN.
    (&client).write_all(REPLY)
}
// ANCHOR_END: challenge
