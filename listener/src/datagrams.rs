//! What serving datagrams (-u) needs beyond the lesson's calls: room for a
//! large AF_UNIX datagram, each datagram printed whole, and one line per
//! datagram saying who sent it and what became of the reply.

use std::io::{self, ErrorKind, Write};
use std::os::fd::AsRawFd;

use nix::sys::socket::{MsgFlags, SockaddrStorage, recv};
use socket2::Socket;
use stdio::say;

use crate::tally;

/// The largest datagram the listener takes whole: a UDP datagram is at
/// most 65,535 bytes, but an AF_UNIX one may be as large as the sender's
/// socket buffer (net.core.wmem_max).
const MAX_UNIX_DATAGRAM: usize = 16 << 20;

/// Grows `buffer` to fit the next datagram on `socket` (its size, asked with
/// recv(2)'s MSG_PEEK | MSG_TRUNC), up to MAX_UNIX_DATAGRAM, so that none
/// is cut short in silence. (Should the question fail, recvfrom(2) will
/// fail the same way and say so.)
pub fn make_room(socket: &Socket, buffer: &mut Vec<u8>) {
    let flags = MsgFlags::MSG_PEEK | MsgFlags::MSG_TRUNC;
    if let Ok(size) = recv(socket.as_raw_fd(), &mut [], flags)
        && size > buffer.len()
    {
        if size > MAX_UNIX_DATAGRAM {
            say(&format!(
                "listener: the next datagram is {size} bytes; only the first \
                 {MAX_UNIX_DATAGRAM} are taken"
            ));
        }
        buffer.resize(size.min(MAX_UNIX_DATAGRAM), 0);
    }
}

/// What recvfrom(2) returned, or after a line for its error, nothing: the
/// listener goes on to the next datagram (after a pause, so that an error
/// that repeats cannot spin).
pub fn received<T>(received: nix::Result<T>) -> Option<T> {
    let error = match received {
        Ok(received) => return Some(received),
        Err(errno) => io::Error::from(errno),
    };
    if error.kind() != ErrorKind::Interrupted {
        say(&format!("listener: recvfrom failed: {error}"));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    None
}

/// A datagram, printed as it is, and counted. When stdout is gone, the
/// error comes back (and its sender gets no reply, so it can tell).
pub fn print(datagram: &[u8]) -> io::Result<()> {
    tally::served(datagram.len() as u64);
    let mut stdout = io::stdout().lock();
    let printed = stdout.write_all(datagram).and_then(|()| stdout.flush());
    printed.map_err(|error| {
        tally::output_failed();
        io::Error::new(error.kind(), format!("cannot print it: {error}"))
    })
}

/// The line for each datagram: its size, its sender, and the reply's fate.
pub fn line(
    len: usize,
    sender: Option<&SockaddrStorage>,
    answered: io::Result<usize>,
) {
    let peer =
        sender.map_or("an unnamed socket".into(), |sender| sender.to_string());
    say(&match answered {
        Ok(0) => format!("datagram of {len} bytes from {peer}; no reply sent"),
        Ok(sent) => {
            format!("datagram of {len} bytes from {peer}; replied {sent} bytes")
        }
        Err(error) => {
            format!("datagram of {len} bytes from {peer}; no reply: {error}")
        }
    });
}
