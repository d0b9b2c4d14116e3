//! Every wait on a client is bounded: -w, how long it may stay silent (or
//! leave our reply unread), and --deadline, how long its whole stay may
//! last, so that a client trickling one byte a second cannot hold a slot
//! for ever. Each recv(2) and send(2) waits at most what is left of both
//! (SO_RCVTIMEO, SO_SNDTIMEO).

use std::io::{self, ErrorKind, Read, Write};
use std::time::{Duration, Instant};

use socket2::Socket;

use crate::flags::Args;

/// A client's socket whose reads and writes wait no longer than allowed.
pub struct Bounded<'a> {
    socket: &'a Socket,
    idle: Option<Duration>,
    deadline: Option<(Duration, Instant)>,
}

impl<'a> Bounded<'a> {
    /// The client's limits, its stay counted from `started`.
    pub fn new(socket: &'a Socket, args: &Args, started: Instant) -> Self {
        let deadline = args.deadline().map(|limit| (limit, started + limit));
        Bounded {
            socket,
            idle: args.idle(),
            deadline,
        }
    }

    /// The longest the next call may wait, or the error that says why it
    /// may not wait at all.
    fn wait(&self) -> io::Result<Option<Duration>> {
        let Some((limit, until)) = self.deadline else {
            return Ok(self.idle);
        };
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                ErrorKind::TimedOut,
                format!(
                    "still there after {} s, closed (--deadline)",
                    limit.as_secs()
                ),
            ));
        }
        Ok(Some(self.idle.map_or(left, |idle| idle.min(left))))
    }

    /// A timeout of SO_RCVTIMEO or SO_SNDTIMEO, said as what it means.
    fn explain(&self, error: io::Error) -> io::Error {
        if error.kind() != ErrorKind::WouldBlock {
            return error;
        }
        match (self.wait(), self.idle) {
            (Err(deadline), _) => deadline,
            (Ok(_), Some(idle)) => io::Error::new(
                ErrorKind::TimedOut,
                format!("silent for {} s, closed (-w)", idle.as_secs()),
            ),
            (Ok(_), None) => error,
        }
    }
}

impl Read for Bounded<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.socket.set_read_timeout(self.wait()?)?;
        let mut socket = self.socket;
        socket.read(buffer).map_err(|error| self.explain(error))
    }
}

impl Write for Bounded<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.socket.set_write_timeout(self.wait()?)?;
        let mut socket = self.socket;
        socket.write(bytes).map_err(|error| self.explain(error))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
