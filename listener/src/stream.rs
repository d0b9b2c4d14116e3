//! Stream (TCP or Unix-domain) serving: accept(2) a client, print what it
//! sends until it is done, and send it the reply meanwhile.

use std::io::{self, BufReader, ErrorKind, Write};
use std::net::Shutdown;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

use socket2::Socket;

use crate::gather::Gathered;
use crate::{Reply, describe, shutdown};

/// Bulk data moves in reads and writes this large: fewer system calls per
/// byte (8 KiB, the default, halves bulk throughput on loopback).
const COPY_BUFFER: usize = 512 * 1024;

// ANCHOR: serve
pub fn serve(
    listener: &Socket,
    reply: &Reply,
    keep: bool,
    max_clients: usize,
    idle: Option<Duration>,
) -> io::Result<()> {
    if !keep {
        // accept(2): wait for one client, serve it, and be done, as nc -l is.
        let (client, peer) = listener.accept()?;
        let _busy = shutdown::Busy::start();
        return serve_client(&client, &describe(&peer), reply, false, idle);
    }
    // -k: one thread per client, at most `max_clients` at once, so a slow
    // client holds up only itself; the next ones wait in the listen backlog.
    let slots = Slots::new(max_clients);
    thread::scope(|scope| {
        loop {
            slots.take();
            let (client, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(error) => {
                    eprintln!("listener: accept failed: {error}");
                    slots.give();
                    thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            if shutdown::stopping() {
                slots.give();
                continue; // dropping the client closes it
            }
            let busy = shutdown::Busy::start();
            let slots = &slots;
            scope.spawn(move || {
                let _busy = busy;
                let peer = describe(&peer);
                if let Err(error) = serve_client(&client, &peer, reply, true, idle) {
                    eprintln!("{peer}: {error}");
                }
                slots.give();
            });
        }
    })
}
// ANCHOR_END: serve

// ANCHOR: serve_client
/// One conversation: the reply goes out on one thread while this one reads,
/// so neither side waits for the other to finish talking.
fn serve_client(
    client: &Socket,
    peer: &str,
    reply: &Reply,
    keep: bool,
    idle: Option<Duration>,
) -> io::Result<()> {
    eprintln!("connection from {peer}");
    // SO_RCVTIMEO and SO_SNDTIMEO: a client silent for this long is closed.
    client.set_read_timeout(idle)?;
    client.set_write_timeout(idle)?;
    let (received, answered) = thread::scope(|scope| {
        let answer = scope.spawn(|| send_reply(client, reply));
        let received = print_received(client, keep);
        (
            received,
            answer.join().expect("the reply thread does not panic"),
        )
    });
    shutdown::count(&shutdown::SERVED, 1);
    let received =
        received.map_err(|error| explain("while reading", error, idle))?;
    let answered =
        answered.map_err(|error| explain("sending the reply", error, idle))?;
    eprintln!("{peer} sent {received} bytes and got a reply of {answered} bytes");
    Ok(())
}

/// send(2) the reply; returns its size.
fn send_reply(client: &Socket, reply: &Reply) -> io::Result<u64> {
    let mut writer = client;
    let sent = match reply {
        Reply::Bytes(bytes) => {
            writer.write_all(bytes)?;
            bytes.len() as u64
        }
        Reply::Stdin => {
            let mut stdin =
                BufReader::with_capacity(COPY_BUFFER, io::stdin().lock());
            io::copy(&mut stdin, &mut writer)?
        }
    };
    // shutdown(SHUT_WR): FIN after the reply, so a client that reads until
    // end-of-file (stream_client, nc) knows it has the whole reply.
    client.shutdown(Shutdown::Write)?;
    Ok(sent)
}

/// recv(2) until the client shuts down its side, printing what it sent;
/// returns the byte count. With -k, the bytes are gathered and printed in
/// one piece (see gather.rs), even when the client fails halfway.
fn print_received(client: &Socket, keep: bool) -> io::Result<u64> {
    // With -k, many clients read at once: a smaller buffer each.
    let capacity = if keep { 64 * 1024 } else { COPY_BUFFER };
    let mut reader = BufReader::with_capacity(capacity, client);
    let received = if keep {
        let mut gathered = Gathered::default();
        let received = io::copy(&mut reader, &mut gathered);
        gathered.print()?;
        received
    } else {
        io::copy(&mut reader, &mut io::stdout().lock())
    };
    if let Ok(bytes) = received {
        shutdown::count(&shutdown::BYTES, bytes);
    }
    received
}
// ANCHOR_END: serve_client

/// One line for what went wrong with a client.
fn explain(doing: &str, error: io::Error, idle: Option<Duration>) -> io::Error {
    let message = match (error.kind(), idle) {
        (ErrorKind::WouldBlock, Some(idle)) => {
            format!("silent for {} s, closed (-w)", idle.as_secs())
        }
        (ErrorKind::ConnectionReset, _) => format!("reset the connection {doing}"),
        (ErrorKind::BrokenPipe, _) => format!("went away {doing}"),
        _ => format!("{doing}: {error}"),
    };
    io::Error::new(error.kind(), message)
}

/// A counting semaphore: `take` waits until fewer than N clients are being
/// served. Meanwhile new clients wait in the kernel's listen backlog.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn new(count: usize) -> Self {
        Slots {
            free: Mutex::new(count),
            freed: Condvar::new(),
        }
    }

    fn take(&self) {
        let free = self.free.lock().expect(NO_PANIC);
        let mut free = self
            .freed
            .wait_while(free, |free| *free == 0)
            .expect(NO_PANIC);
        *free -= 1;
    }

    fn give(&self) {
        *self.free.lock().expect(NO_PANIC) += 1;
        self.freed.notify_one();
    }
}

/// No code panics while holding the slot count's lock, so it is never
/// poisoned.
const NO_PANIC: &str = "the slot count is never poisoned";
