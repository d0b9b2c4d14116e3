//! One conversation with a TCP (or Unix stream) client: recv(2) what it
//! sends and print it, while a second thread send(2)s the reply (nc, too,
//! does both at once, so neither side waits for the other to finish
//! talking), then end it with a FIN, or with a RST when something was lost.
//! Every wait is bounded (limits.rs); the client's bytes are printed whole
//! (gather.rs).

use std::io::{self, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::thread::{self, ScopedJoinHandle};
use std::time::Duration;

use socket2::Socket;
use stdio::say;

use crate::flags::{self, Args, Reply};
use crate::gather::{Kept, NotKept};
use crate::limits::{Bounded, Limits};
use crate::tally;

// ANCHOR: converse
/// Serves `client` (named `peer`): what it sends to stdout, `reply` back.
pub fn converse(
    client: &Socket,
    peer: &str,
    reply: &Reply,
    args: &Args,
) -> io::Result<()> {
    say(&format!("connection from {peer}"));
    let limits = Limits::new(args); // -w and --deadline (limits.rs)
    let (received, answered) = thread::scope(|scope| {
        let answer = thread::Builder::new()
            .spawn_scoped(scope, || send_reply(limits.bound(client), reply));
        let received = receive(limits.bound(client), args.keep);
        if received.is_err() {
            limits.stop(); // the reply stops too, before its next send
        }
        (received, joined(answer))
    });
    match (&received, &answered) {
        // shutdown(SHUT_WR): FIN, "that is all", once the reply is out and
        // what the client sent is kept: a client that reads until
        // end-of-file (stream_client, nc -N) then knows all went well.
        (Ok(_), Ok(_)) => client.shutdown(Shutdown::Write)?,
        _ => client.set_linger(Some(Duration::ZERO))?, // close(2): RST, not FIN
    }
    finished(peer, received, answered)
}

/// recv(2) until the client shuts down its side (a read of 0 bytes),
/// keeping what arrives; returns the byte count.
fn receive(mut client: Bounded, keep: bool) -> Result<u64, Cut> {
    let mut kept = Kept::new(keep); // printed now, or with -k gathered first
    let mut buffer = vec![0u8; kept.buffer_size()];
    loop {
        match client.read(&mut buffer) {
            Ok(0) => return kept.finish().map_err(Cut::NotKept),
            Ok(len) => kept.keep(&buffer[..len]).map_err(Cut::NotKept)?,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => {
                // Reset, gone or silent: what came is printed all the same.
                kept.finish().map_err(Cut::NotKept)?;
                return Err(Cut::Peer(error));
            }
        }
    }
}

/// send(2) the reply; returns its size.
fn send_reply(mut client: Bounded, reply: &Reply) -> io::Result<u64> {
    let Reply::Stdin = reply else {
        let bytes = reply.bytes(); // --reply, or standard input read first
        return client.write_all(bytes).map(|()| bytes.len() as u64);
    };
    // Standard input as it comes, however much: read(2) a piece, send(2)
    // it, until end-of-file.
    let mut stdin = io::stdin().lock();
    let mut piece = vec![0u8; flags::STDIN_PIECE];
    let mut sent = 0;
    loop {
        let len = stdin.read(&mut piece)?;
        if len == 0 {
            return Ok(sent);
        }
        client.write_all(&piece[..len])?;
        sent += len as u64;
    }
}
// ANCHOR_END: converse

/// Why a conversation ended before its end-of-file.
enum Cut {
    /// The client's doing: it reset, vanished, or went past -w or --deadline.
    Peer(io::Error),
    /// Ours: what it sent could not be kept (stdout gone, no temporary file).
    NotKept(NotKept),
}

/// The reply thread's result; a thread that could not start (too many
/// threads) is a failure of this conversation only.
fn joined(
    answer: io::Result<ScopedJoinHandle<'_, io::Result<u64>>>,
) -> io::Result<u64> {
    let answer = answer.map_err(|error| {
        io::Error::new(error.kind(), format!("no thread for the reply: {error}"))
    })?;
    answer
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the reply thread failed")))
}

/// The line a finished conversation gets: how much each side sent, or what
/// went wrong (counted for the last line, either way).
fn finished(
    peer: &str,
    received: Result<u64, Cut>,
    answered: io::Result<u64>,
) -> io::Result<()> {
    tally::served(*received.as_ref().unwrap_or(&0));
    let received = match received {
        Ok(received) => received,
        Err(Cut::Peer(error)) => return Err(explain("while reading", error)),
        Err(Cut::NotKept(NotKept { kept, error })) => {
            tally::output_failed();
            return Err(io::Error::new(
                error.kind(),
                format!(
                    "kept only the first {kept} bytes it sent: {error}; the rest \
                     is lost, and the connection reset so that it knows"
                ),
            ));
        }
    };
    let answered = answered.map_err(|error| explain("sending the reply", error))?;
    say(&format!(
        "{peer} sent {received} bytes and got a reply of {answered} bytes"
    ));
    Ok(())
}

/// One line for what went wrong with a client.
fn explain(doing: &str, error: io::Error) -> io::Error {
    let message = match error.kind() {
        ErrorKind::TimedOut => error.to_string(), // -w or --deadline said it
        ErrorKind::ConnectionReset => format!("reset the connection {doing}"),
        ErrorKind::BrokenPipe => format!("went away {doing}"),
        _ => format!("{doing}: {error}"),
    };
    io::Error::new(error.kind(), message)
}
