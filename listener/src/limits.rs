//! Every wait on a client is bounded: -w, how long it may stay silent (or
//! leave our reply unread), and --deadline, how long its whole stay may
//! last, so that a client trickling one byte a second cannot hold a slot
//! for ever. Each recv(2) and send(2) waits at most what is left of both
//! (SO_RCVTIMEO, SO_SNDTIMEO). Each byte that arrives is noted (watch.rs),
//! so that a client silent while others wait can be told from a busy one.

use std::error::Error;
use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use socket2::Socket;

use crate::flags::Args;
use crate::watch::{self, Cut, Watch};

/// One client's limits, its stay counted from when it was accepted, a
/// flag that stops every further read and write (when one side has
/// failed), and its watch.
pub struct Limits {
    idle: Option<Duration>,
    deadline: Option<(Duration, Instant)>,
    stopped: AtomicBool,
    watch: Arc<Watch>,
}

impl Limits {
    pub fn new(args: &Args, client: &Socket) -> io::Result<Limits> {
        let started = Instant::now();
        Ok(Limits {
            idle: args.idle(),
            deadline: args.deadline().map(|limit| (limit, started + limit)),
            stopped: AtomicBool::new(false),
            watch: watch::watch(client)?,
        })
    }

    /// Why the conversation was ended from outside (watch.rs), if it was.
    pub fn cut(&self) -> Option<Cut> {
        self.watch.cut()
    }

    /// The client's socket, bounded by these limits.
    pub fn bound<'a>(&'a self, socket: &'a Socket) -> Bounded<'a> {
        Bounded {
            socket,
            limits: self,
        }
    }

    /// No more reads or writes: the conversation has failed.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }
}

/// A client's socket whose reads and writes wait no longer than allowed.
pub struct Bounded<'a> {
    socket: &'a Socket,
    limits: &'a Limits,
}

impl Bounded<'_> {
    /// The longest the next call may wait, or the error that says why it
    /// may not wait at all.
    fn wait(&self) -> io::Result<Option<Duration>> {
        if self.limits.stopped.load(Ordering::SeqCst) {
            // (Not ErrorKind::Interrupted: write_all and io::copy retry that.)
            return Err(io::Error::other("stopped: the conversation failed"));
        }
        let idle = self.limits.idle;
        let Some((limit, until)) = self.limits.deadline else {
            return Ok(idle);
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
        Ok(Some(idle.map_or(left, |idle| idle.min(left))))
    }

    /// A timeout of SO_RCVTIMEO or SO_SNDTIMEO, said as what it means.
    fn explain(&self, error: io::Error) -> io::Error {
        if error.kind() != ErrorKind::WouldBlock {
            return error;
        }
        match (self.wait(), self.limits.idle) {
            (Err(deadline), _) => deadline,
            (Ok(_), Some(idle)) => io::Error::new(ErrorKind::TimedOut, Silent(idle)),
            (Ok(_), None) => error,
        }
    }
}

/// -w expired: the client said nothing for this long.
#[derive(Debug)]
struct Silent(Duration);

impl fmt::Display for Silent {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "silent for {} s, closed (-w)", self.0.as_secs())
    }
}

impl Error for Silent {}

/// Whether `error` is -w expiring: the client fell silent.
pub fn is_silence(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<Silent>())
}

impl Read for Bounded<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.socket.set_read_timeout(self.wait()?)?;
        let mut socket = self.socket;
        let len = socket.read(buffer).map_err(|error| self.explain(error))?;
        if len > 0 {
            self.limits.watch.heard();
        }
        Ok(len)
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
