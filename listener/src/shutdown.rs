//! Stopping cleanly. Ctrl-C (SIGINT) and SIGTERM end the listener the same
//! way every time: clients being served are finished (for up to 2 s, and no
//! new one is taken), the Unix socket file, if any, is removed, and a last
//! line says how much was served.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// What has been served so far (clients, datagrams or packets), for the
/// last line.
pub static SERVED: AtomicU64 = AtomicU64::new(0);
pub static BYTES: AtomicU64 = AtomicU64::new(0);

pub fn count(counter: &AtomicU64, amount: u64) {
    counter.fetch_add(amount, Ordering::Relaxed);
}

/// Clients being served right now, and whether a signal asked us to stop.
static ACTIVE: AtomicU64 = AtomicU64::new(0);
static STOPPING: AtomicBool = AtomicBool::new(false);

/// True once SIGINT or SIGTERM has come: take no new client.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// A client being served; the stop waits for it.
pub struct Busy;

impl Busy {
    pub fn start() -> Busy {
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        Busy
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// From now on, SIGINT or SIGTERM removes `unix_path`, prints the totals
/// (`served` names what SERVED counts) and exits with status 0. A thread of
/// its own waits for the signal.
pub fn on_signal(
    unix_path: Option<PathBuf>,
    served: &'static str,
    receive_buffer: usize,
) -> io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            STOPPING.store(true, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(2);
            while ACTIVE.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if let Some(path) = &unix_path {
                let _ = std::fs::remove_file(path);
            }
            let name = if signal == SIGINT {
                "SIGINT (Ctrl-C)"
            } else {
                "SIGTERM"
            };
            eprintln!(
                "listener: stopped by {name}: {served} served {}, bytes received {}, \
                 receive buffer {receive_buffer} bytes",
                SERVED.load(Ordering::Relaxed),
                BYTES.load(Ordering::Relaxed),
            );
            std::process::exit(0);
        }
    });
    Ok(())
}
