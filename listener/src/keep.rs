//! -k: keep serving. Where the lesson accepts one client and is done, this
//! accepts client after client, each on a thread of its own, so a slow
//! client holds up only itself. At most `--max-clients` are served at once;
//! the next ones wait in the kernel's listen backlog until a slot is free.

use std::io;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

use address::describe;
use socket2::Socket;
use stdio::say;

use crate::conversation::converse;
use crate::flags::{Args, Reply};
use crate::tally;

// ANCHOR: serve
pub fn serve(listener: &Socket, reply: &Reply, args: &Args) -> io::Result<()> {
    let slots = Slots::new(args.max_clients as usize);
    thread::scope(|scope| {
        loop {
            slots.take();
            // accept(2), as in the lesson, but in a loop.
            let (client, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(error) => {
                    say(&format!("listener: accept failed: {error}"));
                    slots.give();
                    thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            if tally::stopping() {
                slots.give();
                continue; // dropping the client closes it
            }
            let busy = tally::Busy::start();
            let slots = &slots;
            let peer = describe(&peer);
            let serve = {
                let peer = peer.clone();
                move || {
                    let _busy = busy;
                    if let Err(error) = converse(&client, &peer, reply, args) {
                        say(&format!("{peer}: {error}"));
                    }
                    slots.give();
                }
            };
            // A thread that cannot start (too many threads) fails this
            // client only: dropping `serve` closes its connection.
            if let Err(error) = thread::Builder::new().spawn_scoped(scope, serve) {
                say(&format!("{peer}: no thread to serve it: {error}; closed"));
                slots.give();
            }
        }
    })
}
// ANCHOR_END: serve

/// A counting semaphore: `take` waits until fewer than N clients are being
/// served.
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
