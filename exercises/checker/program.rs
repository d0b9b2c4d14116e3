//! Your program, run as the check needs it: to the end, or in the
//! background while the check plays its peer, and always bounded in time.
//! A run that panicked at a `todo!()`, that waited too long or that exited
//! with an error becomes a FAIL that says so.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::verdict::{Verdict, fail_with};

/// The program under check.
pub struct Program {
    path: PathBuf,
}

/// What one run did.
pub struct Ran {
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// How long it ran, until it exited or was stopped.
    pub took: Duration,
}

/// A run in the background: stopped (SIGKILL) when dropped.
pub struct Running {
    child: Child,
    started: Instant,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl Program {
    pub fn new(path: impl AsRef<Path>) -> Program {
        Program {
            path: path.as_ref().to_path_buf(),
        }
    }

    /// Its file name, as the student knows it: `exercise_udp_retry`.
    pub fn name(&self) -> String {
        let name = self.path.file_name().unwrap_or_default();
        name.to_string_lossy().into_owned()
    }

    /// Starts it with `args`, its stdin empty, stdout and stderr gathered.
    pub fn start(&self, args: &[&str]) -> Result<Running, Verdict> {
        let started = Instant::now();
        let mut child = Command::new(&self.path)
            .args(args)
            .env("RUST_BACKTRACE", "0") // a todo!() is one line
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| {
                fail_with(
                    format!("cannot start {}: {error}", self.path.display()),
                    "",
                )
            })?;
        let stdout = child.stdout.take().map(gather);
        let stderr = child.stderr.take().map(gather);
        Ok(Running {
            child,
            started,
            stdout,
            stderr,
        })
    }

    /// Runs it with `args` to the end, for at most `limit`.
    pub fn run(&self, args: &[&str], limit: Duration) -> Result<Ran, Verdict> {
        Ok(self.start(args)?.finish(limit))
    }
}

impl Running {
    /// Waits for it to exit, at most `limit` from its start, then stops it;
    /// what it did.
    pub fn finish(mut self, limit: Duration) -> Ran {
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if self.started.elapsed() < limit => {
                    thread::sleep(Duration::from_millis(10))
                }
                _ => break None, // still running: stopped below
            }
        };
        let took = self.started.elapsed();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let join = |handle: Option<JoinHandle<Vec<u8>>>| {
            handle
                .and_then(|handle| handle.join().ok())
                .unwrap_or_default()
        };
        Ran {
            status,
            stdout: join(self.stdout.take()),
            stderr: String::from_utf8_lossy(&join(self.stderr.take())).into_owned(),
            took,
        }
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// All a pipe gives until it closes, on a thread of its own.
fn gather(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

impl Ran {
    /// A FAIL for a run that did not end well: a panic (a `todo!()` still
    /// there, say), a run stopped at the time limit (`waited` says what it
    /// was probably waiting for), or an error status. Ok for status 0.
    pub fn judge(&self, program: &Program, waited: &str) -> Result<(), Verdict> {
        let name = program.name();
        let stderr = self.stderr.trim_end();
        match self.status.map(|status| status.code()) {
            Some(Some(0)) => Ok(()),
            Some(Some(101)) if stderr.contains("not yet implemented") => {
                Err(fail_with(
                    format!("{name} panicked at a todo!() still to replace"),
                    stderr,
                ))
            }
            Some(Some(101)) => Err(fail_with(format!("{name} panicked"), stderr)),
            Some(Some(code)) => Err(fail_with(
                format!("{name} exited with status {code}"),
                stderr,
            )),
            Some(None) => {
                Err(fail_with(format!("{name} was killed by a signal"), stderr))
            }
            None => Err(fail_with(
                format!(
                    "{name} was still running after {:.1} s: {waited}",
                    self.took.as_secs_f64()
                ),
                stderr,
            )),
        }
    }
}
