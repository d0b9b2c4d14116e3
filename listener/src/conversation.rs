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
use crate::limits::{self, Bounded, Limits};
use crate::tally;
use crate::watch::Cut;

// ANCHOR: converse
/// Serves `client` (named `peer`): what it sends to stdout, `reply` back.
pub fn converse(
    client: &Socket,
    peer: &str,
    reply: &Reply,
    args: &Args,
) -> io::Result<()> {
    say(&format!("connection from {peer}"));
    let limits = Limits::new(args, client)?; // -w and --deadline (limits.rs)
    let (received, answered) = thread::scope(|scope| {
        let answer = thread::Builder::new()
            .spawn_scoped(scope, || send_reply(limits.bound(client), reply));
        let received = receive(limits.bound(client), args);
        if received.1.is_some() {
            limits.stop(); // the reply stops too, before its next send
        }
        (received, joined(answer))
    });
    let whole = received.1.is_none() && answered.is_ok() && limits.cut().is_none();
    match whole {
        // shutdown(SHUT_WR): FIN, "that is all", once the reply is out and
        // what the client sent is kept: a client that reads until
        // end-of-file (stream_client, nc -N) then knows all went well.
        true => client.shutdown(Shutdown::Write)?,
        false => client.set_linger(Some(Duration::ZERO))?, // close(2): RST, not FIN
    }
    finished(peer, received, limits.cut(), answered, args)
}

/// recv(2) until the client shuts down its side (a read of 0 bytes),
/// keeping what arrives; returns the byte count, and what ended it early.
fn receive(mut client: Bounded, args: &Args) -> (u64, Option<Early>) {
    // Printed now, or with -k gathered first.
    let mut kept = Kept::new(args.keep, args.max_spill());
    let mut buffer = vec![0u8; kept.buffer_size()];
    let early = loop {
        match client.read(&mut buffer) {
            Ok(0) => break None, // FIN (or a cut: see finished)
            Ok(len) => {
                if let Err(not_kept) = kept.keep(&buffer[..len]) {
                    let received = not_kept.received;
                    return (received, Some(Early::NotKept(not_kept)));
                }
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => break Some(Early::Peer(error)), // reset, gone, silent
        }
    };
    // What came is printed all the same.
    match kept.finish() {
        Ok(received) => (received, early),
        Err(not_kept) => (not_kept.received, Some(Early::NotKept(not_kept))),
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

/// Why receiving ended before the client's FIN.
enum Early {
    /// The client's doing: it reset, vanished, or went past -w or --deadline.
    Peer(io::Error),
    /// Ours: what it sent could not all be printed (stdout gone, no room
    /// to gather it).
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

/// The line a finished conversation gets, naming the peer: how much each
/// side sent, or what went wrong (counted for the last line, either way).
/// Ok when the conversation ended as it should, or because the listener
/// stopped; else the line comes back as the error.
fn finished(
    peer: &str,
    (received, early): (u64, Option<Early>),
    cut: Option<Cut>,
    answered: io::Result<u64>,
    args: &Args,
) -> io::Result<()> {
    tally::served(received);
    let failed =
        |kind, line: String| Err(io::Error::new(kind, format!("{peer}: {line}")));
    let so_far = format!("after {received} bytes (printed)");
    match (early, cut) {
        (Some(Early::NotKept(NotKept { printed, error, .. })), _) => {
            tally::output_failed();
            failed(
                error.kind(),
                format!(
                    "sent {received} bytes, of which {printed} were printed: {error}; \
                     the rest is lost, and the connection reset so that it knows"
                ),
            )
        }
        (_, Some(Cut::Stopping)) => {
            say(&format!(
                "{peer}: still connected when the listener stopped: closed {so_far}"
            ));
            Ok(())
        }
        (_, Some(Cut::MakingRoom(silent))) => failed(
            ErrorKind::TimedOut,
            format!(
                "silent for {} s while every slot was taken: closed to make room \
                 for another client, {so_far}",
                silent.as_secs()
            ),
        ),
        (Some(Early::Peer(error)), None)
            if limits::is_silence(&error) && received > 0 =>
        {
            failed(
                error.kind(),
                format!(
                    "sent {received} bytes (printed), then nothing for {} s, and never \
                     closed its side: closed (-w). A client must shut down its side \
                     (FIN) when it is done: nc does so at the end of its input only \
                     with -N",
                    args.idle().map_or(0, |idle| idle.as_secs())
                ),
            )
        }
        (Some(Early::Peer(error)), None) => failed(
            error.kind(),
            format!("{}, {so_far}", explain("while reading", &error)),
        ),
        (None, None) => match answered {
            Ok(answered) => {
                say(&format!(
                    "{peer} sent {received} bytes and got a reply of {answered} bytes"
                ));
                Ok(())
            }
            Err(error) => failed(error.kind(), explain("sending the reply", &error)),
        },
    }
}

/// What went wrong with a client, in words.
fn explain(doing: &str, error: &io::Error) -> String {
    match error.kind() {
        ErrorKind::TimedOut => error.to_string(), // -w or --deadline said it
        ErrorKind::ConnectionReset => format!("reset the connection {doing}"),
        ErrorKind::BrokenPipe => format!("went away {doing}"),
        _ => format!("{doing}: {error}"),
    }
}
