//! Stream (TCP or Unix-domain) serving: accept(2) a client, print what it
//! sends until it is done, and send it the reply meanwhile.

use std::io::{self, BufReader, Read, Write};
use std::net::Shutdown;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

use socket2::Socket;

use crate::{Reply, describe};

/// Bulk data moves in reads and writes this large: fewer system calls per
/// byte (8 KiB, the default, halves bulk throughput on loopback).
const COPY_BUFFER: usize = 512 * 1024;

/// With -k, each client's bytes are gathered (up to this many) before they
/// are printed, so that clients served at the same time do not interleave
/// on stdout. A client that sends more then has stdout to itself.
const GATHER: u64 = 1 << 20;

// ANCHOR: serve
pub fn serve(
    listener: &Socket,
    reply: &Reply,
    keep: bool,
    max_clients: usize,
) -> io::Result<()> {
    if !keep {
        // accept(2): wait for one client, serve it, and be done, as nc -l is.
        let (client, peer) = listener.accept()?;
        return serve_client(&client, &describe(&peer), reply, 0);
    }
    // -k: one thread per client, at most `max_clients` at once, so a slow
    // client holds up only itself.
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
            let slots = &slots;
            scope.spawn(move || {
                let peer = describe(&peer);
                if let Err(error) = serve_client(&client, &peer, reply, GATHER) {
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
    gather: u64,
) -> io::Result<()> {
    eprintln!("connection from {peer}");
    let (received, answered) = thread::scope(|scope| {
        let answer = scope.spawn(|| send_reply(client, reply));
        let received = print_received(client, gather);
        (
            received,
            answer.join().expect("the reply thread does not panic"),
        )
    });
    let received =
        received.map_err(|error| io_context("lost while reading", error))?;
    let answered =
        answered.map_err(|error| io_context("could not send the reply", error))?;
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

/// recv(2) until the client shuts down its side; returns the byte count.
fn print_received(client: &Socket, gather: u64) -> io::Result<u64> {
    let mut reader = client;
    let mut held = Vec::new();
    (&mut reader).take(gather).read_to_end(&mut held)?;
    let mut stdout = io::stdout().lock();
    stdout.write_all(&held)?;
    let rest = io::copy(
        &mut BufReader::with_capacity(COPY_BUFFER, reader),
        &mut stdout,
    )?;
    stdout.flush()?;
    Ok(held.len() as u64 + rest)
}
// ANCHOR_END: serve_client

fn io_context(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
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
