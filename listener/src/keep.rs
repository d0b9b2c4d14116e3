//! -k: keep serving. Where the lesson accepts one client and is done, this
//! accepts client after client, each on a thread of its own, so a slow
//! client holds up only itself. At most `--max-clients` are served at
//! once; the next one waits for a slot, and while every slot is taken, the
//! client silent the longest (for at least `SILENCE`) is closed to make
//! room: clients that trickle a byte now and then cannot keep the others
//! out (watch.rs).

use std::io;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use address::describe;
use socket2::Socket;
use stdio::say;

use crate::conversation::converse;
use crate::flags::{Args, Reply};
use crate::{tally, watch};

/// How long a client must have been silent to lose its slot to a waiting
/// one.
const SILENCE: Duration = Duration::from_secs(2);

// ANCHOR: serve
pub fn serve(listener: &Socket, reply: &Reply, args: &Args) -> io::Result<()> {
    let slots = Slots::new(args.max_clients as usize);
    thread::scope(|scope| {
        loop {
            // accept(2), as in the lesson, but in a loop.
            let (client, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(error) => {
                    say(&format!("listener: accept failed: {error}"));
                    thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            if tally::stopping() {
                continue; // dropping the client closes it
            }
            // A slot for it: while none is free, make room.
            let slot = loop {
                if let Some(slot) = slots.take(Duration::from_millis(250)) {
                    break slot;
                }
                watch::make_room(SILENCE);
            };
            let busy = tally::Busy::start();
            let peer = describe(&peer);
            let serve = {
                let peer = peer.clone();
                move || {
                    let (_busy, _slot) = (busy, slot); // given back when done
                    if let Err(error) = converse(&client, &peer, reply, args) {
                        say(&error.to_string()); // the line names the peer
                    }
                }
            };
            // A thread that cannot start (too many threads) fails this
            // client only: dropping `serve` closes its connection.
            if let Err(error) = thread::Builder::new().spawn_scoped(scope, serve) {
                say(&format!("{peer}: no thread to serve it: {error}; closed"));
            }
        }
    })
}
// ANCHOR_END: serve

/// A counting semaphore: at most N clients served at once.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

/// A slot taken; given back when dropped, however its thread ends.
struct Slot<'a>(&'a Slots);

impl Slots {
    fn new(count: usize) -> Self {
        Slots {
            free: Mutex::new(count),
            freed: Condvar::new(),
        }
    }

    /// A free slot, waiting at most `wait` for one.
    fn take(&self, wait: Duration) -> Option<Slot<'_>> {
        let (mut free, _) = self
            .freed
            .wait_timeout_while(self.count(), wait, |free| *free == 0)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Slot(self))
    }

    fn count(&self) -> MutexGuard<'_, usize> {
        // A count is sound whatever panicked while holding it.
        self.free
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.count() += 1;
        self.0.freed.notify_one();
    }
}
