//! An AF_UNIX datagram socket has no address until it binds one, and a
//! reply needs an address to come back to: so the client binds a fresh path
//! in the temporary folder, and removes it when done.

use std::io;
use std::path::PathBuf;

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
    Ok(OwnPath(Some(path)))
}
