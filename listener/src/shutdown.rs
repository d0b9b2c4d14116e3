//! Stopping cleanly. Ctrl-C (SIGINT), SIGTERM and SIGHUP end the listener
//! the same way every time: no new client is taken, clients being served
//! get two seconds to finish, then are closed, what they sent printed and
//! each named on a line; the Unix socket file, if any, is removed, and a
//! last line says how much was served.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use socket2::Socket;
use stdio::say;

use crate::flags::Args;
use crate::{tally, watch};

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
            tally::stop();
            // Clients being served get two seconds to finish; then each
            // conversation still going is ended (watch.rs), and what its
            // client sent is printed, within a second more.
            let grace = Instant::now() + Duration::from_secs(2);
            while tally::active() > 0 && Instant::now() < grace {
                std::thread::sleep(Duration::from_millis(10));
            }
            watch::cut_all();
            let more = Instant::now() + Duration::from_secs(1);
            while tally::active() > 0 && Instant::now() < more {
                std::thread::sleep(Duration::from_millis(10));
            }
            remove_socket_file();
            let name = match signal {
                SIGINT => "SIGINT (Ctrl-C)",
                SIGHUP => "SIGHUP (the terminal closed)",
                _ => "SIGTERM",
            };
            let (count, bytes) = tally::totals();
            say(&format!(
                "listener: stopped by {name}: {served} served {count}, bytes received \
                 {bytes}, receive buffer {receive_buffer} bytes"
            ));
            std::process::exit(tally::exit_code().into());
        }
    })?;
    Ok(())
}
