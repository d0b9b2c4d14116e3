//! Stopping cleanly. Ctrl-C (SIGINT) and SIGTERM end the listener the same
//! way every time: clients being served are finished (for up to 2 s, and no
//! new one is taken), the Unix socket file, if any, is removed, and a last
//! line says how much was served.

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use socket2::Socket;

use crate::flags::Args;

/// What has been served so far (clients, datagrams or packets), for the
/// last line.
pub static SERVED: AtomicU64 = AtomicU64::new(0);
pub static BYTES: AtomicU64 = AtomicU64::new(0);

pub fn count(counter: &AtomicU64, amount: u64) {
    counter.fetch_add(amount, Ordering::Relaxed);
}

/// A client served, and how many bytes it sent (when it finished sending).
pub fn count_client(received: Option<u64>) {
    count(&SERVED, 1);
    count(&BYTES, received.unwrap_or(0));
}

/// A datagram served.
pub fn count_datagram(len: usize) {
    count(&SERVED, 1);
    count(&BYTES, len as u64);
}

/// The Unix socket file the listener bound, removed when it is done.
pub fn remove_socket_file(path: Option<&Path>) {
    if let Some(path) = path {
        let _ = std::fs::remove_file(path);
    }
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

/// From now on, SIGINT or SIGTERM removes the Unix socket file (if any),
/// prints the totals (`served` names what SERVED counts) and exits with
/// status 0. A thread of its own waits for the signal.
pub fn on_signal(
    args: &Args,
    served: &'static str,
    socket: &Socket,
) -> io::Result<()> {
    let unix_path = args.unix.clone();
    let receive_buffer = socket.recv_buffer_size()?;
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            STOPPING.store(true, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(2);
            while ACTIVE.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            remove_socket_file(unix_path.as_deref());
            let name = if signal == SIGINT {
                "SIGINT (Ctrl-C)"
            } else {
                "SIGTERM"
            };
            let _ = writeln!(
                io::stderr(),
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
