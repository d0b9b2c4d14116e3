//! The clients being served right now, each with the time it last sent a
//! byte. Two things need them. With -k, when every slot is taken and a new
//! client waits, the client silent the longest (for at least a few
//! seconds) is closed to make room: clients that trickle a byte now and
//! then cannot hold every slot. And a stop (Ctrl-C, SIGTERM) ends the
//! conversations still going after their grace, so that what each client
//! sent is printed, not dropped.

use std::net::Shutdown;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use socket2::Socket;

/// Why a conversation was ended from outside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cut {
    /// Every slot was taken, and this client had been silent this long.
    MakingRoom(Duration),
    /// The listener was stopped (SIGINT, SIGTERM, SIGHUP).
    Stopping,
}

/// One client being served: its socket, and when it was last heard.
pub struct Watch {
    socket: Socket,
    heard: Mutex<Instant>,
    cut: Mutex<Option<Cut>>,
}

/// Every client being served (gone ones are skipped).
static WATCHED: Mutex<Vec<Weak<Watch>>> = Mutex::new(Vec::new());

/// Watches `client` until the Watch is dropped.
pub fn watch(client: &Socket) -> std::io::Result<Arc<Watch>> {
    let watch = Arc::new(Watch {
        socket: client.try_clone()?,
        heard: Mutex::new(Instant::now()),
        cut: Mutex::new(None),
    });
    let mut watched = lock(&WATCHED);
    watched.retain(|watch| watch.strong_count() > 0);
    watched.push(Arc::downgrade(&watch));
    Ok(watch)
}

impl Watch {
    /// The client sent something just now.
    pub fn heard(&self) {
        *lock(&self.heard) = Instant::now();
    }

    /// How long since the client last sent a byte.
    fn silent(&self) -> Duration {
        lock(&self.heard).elapsed()
    }

    /// Why the conversation was ended from outside, if it was.
    pub fn cut(&self) -> Option<Cut> {
        *lock(&self.cut)
    }

    /// Ends the conversation: shutdown(2) both ways wakes whatever recv(2)
    /// or send(2) waits on it.
    fn end(&self, why: Cut) {
        lock(&self.cut).get_or_insert(why);
        let _ = self.socket.shutdown(Shutdown::Both);
    }
}

/// Closes the client silent the longest, if it has been silent at least
/// `silence`, to make room for another; says whether one was.
pub fn make_room(silence: Duration) -> bool {
    let quietest = watched()
        .into_iter()
        .filter(|watch| watch.cut().is_none())
        .map(|watch| (watch.silent(), watch))
        .filter(|(silent, _)| *silent >= silence)
        .max_by_key(|(silent, _)| *silent);
    match quietest {
        Some((silent, watch)) => {
            watch.end(Cut::MakingRoom(silent));
            true
        }
        None => false,
    }
}

/// Ends every conversation still going: the listener is stopping.
pub fn cut_all() {
    for watch in watched() {
        watch.end(Cut::Stopping);
    }
}

/// The clients being served right now.
fn watched() -> Vec<Arc<Watch>> {
    lock(&WATCHED).iter().filter_map(Weak::upgrade).collect()
}

/// No code panics while holding these locks; if one ever did, what it
/// guarded is still sound (an instant, a reason, a list).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
