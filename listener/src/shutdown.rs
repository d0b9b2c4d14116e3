//! Stopping cleanly. Ctrl-C (SIGINT), SIGTERM and SIGHUP end the listener
//! the same way every time: clients being served are finished (for up to 2 s, and no
//! new one is taken), the Unix socket file, if any, is removed, and a last
//! line says how much was served.

use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
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

/// The Unix socket file bind(2) made: its path, device and inode.
static SOCKET_FILE: OnceLock<(PathBuf, u64, u64)> = OnceLock::new();

/// Remembers which file at `path` is the socket file we bound, so that
/// only that one is ever removed.
fn own_socket_file(path: &Path) {
    if let Ok(file) = std::fs::symlink_metadata(path) {
        let _ = SOCKET_FILE.set((path.to_path_buf(), file.dev(), file.ino()));
    }
}

/// Removes the socket file we bound, if it is still ours: someone may have
/// removed it and put another file (or another listener's socket) there.
pub fn remove_socket_file() {
    let Some((path, device, inode)) = SOCKET_FILE.get() else {
        return;
    };
    if let Ok(file) = std::fs::symlink_metadata(path)
        && (file.dev(), file.ino()) == (*device, *inode)
    {
        let _ = std::fs::remove_file(path);
    }
}

/// Set when standard output failed: the exit status says so.
static OUTPUT_FAILED: AtomicBool = AtomicBool::new(false);

/// What a client or datagram sent could not be printed.
pub fn output_failed() {
    OUTPUT_FAILED.store(true, Ordering::SeqCst);
}

/// The status to exit with: 0, or sysexits(3)'s EX_IOERR (74) when some of
/// what arrived could not be printed.
pub fn exit_code() -> u8 {
    if OUTPUT_FAILED.load(Ordering::SeqCst) {
        74
    } else {
        0
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

/// From now on, SIGINT, SIGTERM or SIGHUP removes the Unix socket file (if
/// it is still ours), prints the totals (`served` names what SERVED counts)
/// and exits with status 0 (74 if some of what arrived could not be
/// printed). A thread of its own waits for the signal.
pub fn on_signal(
    args: &Args,
    served: &'static str,
    socket: &Socket,
) -> io::Result<()> {
    if let Some(path) = &args.unix {
        own_socket_file(path);
    }
    let receive_buffer = socket.recv_buffer_size()?;
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new().spawn(move || {
        if let Some(signal) = signals.forever().next() {
            STOPPING.store(true, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(2);
            while ACTIVE.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            remove_socket_file();
            let name = match signal {
                SIGINT => "SIGINT (Ctrl-C)",
                SIGHUP => "SIGHUP (the terminal closed)",
                _ => "SIGTERM",
            };
            let _ = writeln!(
                io::stderr(),
                "listener: stopped by {name}: {served} served {}, bytes received {}, \
                 receive buffer {receive_buffer} bytes",
                SERVED.load(Ordering::Relaxed),
                BYTES.load(Ordering::Relaxed),
            );
            std::process::exit(exit_code().into());
        }
    })?;
    Ok(())
}
