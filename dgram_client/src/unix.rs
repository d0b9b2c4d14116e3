//! An AF_UNIX datagram socket has no address until it binds one, and a
//! reply needs an address to come back to: so the client binds a fresh path
//! in the temporary folder, and removes it when done, or when Ctrl-C
//! (SIGINT), SIGTERM or SIGHUP cuts the wait short.

use std::io;
use std::path::PathBuf;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use socket2::{SockAddr, Socket};

/// The client's own socket file, removed when this is dropped.
pub struct OwnPath(Option<PathBuf>);

impl Drop for OwnPath {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// bind(2) `socket` to a fresh path when `server` is a Unix socket; an
/// IP socket needs nothing (the kernel picks a port at sendto).
pub fn bind_for_reply(socket: &Socket, server: &SockAddr) -> io::Result<OwnPath> {
    if !server.is_unix() {
        return Ok(OwnPath(None));
    }
    let path = std::env::temp_dir()
        .join(format!("dgram_client-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    socket.bind(&SockAddr::unix(&path)?)?;
    remove_on_signal(path.clone())?;
    Ok(OwnPath(Some(path)))
}

/// A thread that waits for a signal, removes `path`, and exits as a shell
/// expects of a program a signal ended: 128 + the signal's number.
fn remove_on_signal(path: PathBuf) -> io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new().spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = std::fs::remove_file(&path);
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}
