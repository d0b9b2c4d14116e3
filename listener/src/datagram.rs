//! Datagram (UDP or Unix-domain) serving: each datagram that arrives is
//! printed, and its sender gets the reply. Unlike `nc -l -u`, which answers
//! only the first sender it hears from, every sender is answered.

use std::io::{self, Read, Write};

use socket2::Socket;

use crate::{describe, shutdown};

/// The largest datagram: the IPv4 total length is 16 bits.
const MAX_DATAGRAM: usize = 65_536;

// ANCHOR: serve
pub fn serve(socket: &Socket, reply: &[u8], keep: bool) -> io::Result<()> {
    let mut datagram = vec![0u8; MAX_DATAGRAM];
    loop {
        // Who sent the next datagram (recvfrom(2) with MSG_PEEK), then the
        // datagram itself (recv(2)): safe Rust's way to recvfrom(2).
        let sender = socket.peek_sender()?;
        let len = (&mut &*socket).read(&mut datagram)?;
        let _busy = shutdown::Busy::start();
        shutdown::count(&shutdown::SERVED, 1);
        shutdown::count(&shutdown::BYTES, len as u64);
        let mut stdout = io::stdout().lock();
        stdout.write_all(&datagram[..len])?;
        stdout.flush()?;
        drop(stdout);

        let peer = describe(&sender);
        // An AF_UNIX sender that never bound a path cannot be answered.
        if reply.is_empty() || sender.is_unnamed() {
            eprintln!("datagram of {len} bytes from {peer}; no reply sent");
        } else {
            // sendto(2): the reply goes to whoever sent this datagram.
            socket.send_to(reply, &sender)?;
            eprintln!(
                "datagram of {len} bytes from {peer}; replied {} bytes",
                reply.len()
            );
        }
        if !keep {
            return Ok(());
        }
    }
}
// ANCHOR_END: serve
