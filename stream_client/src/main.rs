//! Stream (TCP) client: connect, send one message, read the reply until EOF.
//!
//!     echo "I got your message" | nc -l -p 12345   # terminal 1
//!     cargo run -p stream_client                    # terminal 2
//!
//! Terminal 2 prints `I got your message`; terminal 1 prints our greeting.
//! The course's Python `socket.socket(AF_INET, SOCK_STREAM, 0)` is the
//! `Socket::new(server.domain(), Type::STREAM, None)` below: family, type,
//! proto, where `server.domain()` is AF_INET (`Domain::IPV4`) for 127.0.0.1,
//! AF_INET6 for ::1 (-6), AF_UNIX for a path (-U).
//! A stream socket is connection-oriented and sequenced: connect(2) sets the
//! connection up, shutdown(2) and close(2) tear it down.
#![forbid(unsafe_code)]

mod flags; // the command line: flags, defaults, help text
mod hints; // failures turned into one line a student can act on

use std::io::{self, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::process::ExitCode;
use std::time::Duration;

use address::describe;
use socket2::{Socket, Type};
use stdio::say;

use flags::Args;

fn main() -> ExitCode {
    let args: Args = stdio::parse();
    match talk(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => hints::report(&error),
    }
}

// ANCHOR: talk
fn talk(args: &Args) -> io::Result<()> {
    let timeout = Duration::from_secs(args.timeout);
    // The server: every address getaddrinfo(3) gives for HOST PORT, or the
    // path of a Unix-domain socket.
    let servers = args.servers()?;

    // Try each address in turn, as nc does; the first that answers wins.
    let mut failures = Vec::new();
    let mut connected = None;
    for server in &servers {
        // ANCHOR: socket
        // socket(AF_INET, SOCK_STREAM, 0); see socket(2) and tcp(7). The
        // family comes with the address: Domain::IPV4 for 127.0.0.1.
        let socket = Socket::new(server.domain(), Type::STREAM, None)?;
        // ANCHOR_END: socket
        // connect(2): the three-way handshake (SYN, SYN-ACK, ACK) happens here.
        match socket.connect_timeout(server, timeout) {
            Ok(()) => {
                connected = Some((socket, describe(server)));
                break;
            }
            Err(error) => failures.push((describe(server), error)),
        }
    }
    let Some((socket, name)) = connected else {
        return Err(hints::cannot_connect(failures, args));
    };
    say(&format!("connected to {name}"));

    // send(2) until every byte of the message is on its way, a piece at a
    // time (-m - may be gigabytes); -w bounds each wait for room in the
    // socket's send buffer (SO_SNDTIMEO).
    socket.set_write_timeout(Some(timeout))?;
    let mut message = flags::message(args); // the -m text, or standard input
    let mut piece = vec![0u8; flags::COPY_BUFFER];
    loop {
        let len = message.read(&mut piece)?;
        if len == 0 {
            break;
        }
        let sent = (&socket).write_all(&piece[..len]);
        sent.map_err(|error| hints::lost(&name, "while sending", error, args))?;
    }
    // shutdown(SHUT_WR): send FIN, "I have nothing more to say". Our peer sees
    // end-of-file, and nc, which does not close when its stdin ends, knows it
    // may close too; then our recv below sees end-of-file.
    socket
        .shutdown(Shutdown::Write)
        .map_err(|error| hints::lost(&name, "while sending", error, args))?;

    // recv(2) until the server closes its side: a read of 0 bytes.
    socket.set_read_timeout(Some(timeout))?;
    let mut reply = vec![0u8; flags::COPY_BUFFER];
    let mut received = 0u64;
    let mut stdout = io::stdout().lock();
    loop {
        let len = match (&socket).read(&mut reply) {
            Ok(0) => break,
            Ok(len) => len,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(hints::no_end(&name, received, error, args)),
        };
        received += len as u64;
        if let Err(error) = stdout.write_all(&reply[..len]) {
            // Our reader left (`| head`), or the disk is full: say so (74).
            return Err(stdio::not_printed(error, "the rest of the reply is lost"));
        }
    }
    // close(2): `socket` is dropped here, and that closes it.
    Ok(())
}
// ANCHOR_END: talk
