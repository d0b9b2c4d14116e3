//! Where a client's bytes go. With one client, straight to stdout as they
//! come. With -k, clients are served at the same time, but each client's
//! bytes must reach stdout in one piece: so they are gathered first, in
//! memory up to a limit, then in a temporary file up to --max-spill
//! (memory stays bounded however much a client sends, no client waits for
//! another's slow upload, and none can fill the disk), and printed while
//! holding stdout's lock when the client is done.
//!
//! When bytes cannot be kept (stdout closed or full, no room for the file,
//! past --max-spill), what was gathered is printed all the same, and the
//! counts of what arrived and of what was printed come back with the
//! error, so that the listener can say so, and tell the client by
//! resetting the connection.

use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind, Read, Seek, Write};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes kept in memory per client before spilling to a file.
const IN_MEMORY: usize = 256 * 1024;
/// Bulk data moves in reads and writes this large: fewer system calls per
/// byte (8 KiB, a common default, halves bulk throughput on loopback).
const COPY_BUFFER: usize = 512 * 1024;

/// Bytes that could not all be printed: how many came, how many were
/// printed, and why no more.
pub struct NotKept {
    pub received: u64,
    pub printed: u64,
    pub error: io::Error,
}

/// A client's bytes on their way to stdout.
pub struct Kept {
    gathered: Option<Gathered>,
    received: u64,
    printed: u64,
}

impl Kept {
    /// Printed as they come, or with `keep` (-k) gathered first, up to
    /// `max_spill` bytes in the temporary file.
    pub fn new(keep: bool, max_spill: u64) -> Kept {
        let gathered = keep.then(|| Gathered::new(max_spill));
        Kept {
            gathered,
            received: 0,
            printed: 0,
        }
    }

    /// Bulk data moves in pieces this large; with -k many clients read at
    /// once, so each gets less.
    pub fn buffer_size(&self) -> usize {
        match self.gathered {
            Some(_) => 64 * 1024,
            None => COPY_BUFFER,
        }
    }

    /// Bytes that arrived: printed now, or gathered.
    pub fn keep(&mut self, bytes: &[u8]) -> Result<(), NotKept> {
        self.received += bytes.len() as u64;
        let kept = match &mut self.gathered {
            Some(gathered) => gathered.gather(bytes),
            None => print(bytes, &mut self.printed),
        };
        kept.map_err(|error| self.not_kept(error))
    }

    /// No more will come: everything is printed; returns the byte count.
    pub fn finish(mut self) -> Result<u64, NotKept> {
        if let Some(gathered) = self.gathered.take()
            && let Err(error) = gathered.print(&mut self.printed)
        {
            return Err(self.not_kept(error));
        }
        Ok(self.received)
    }

    /// The error, and the counts; what was gathered is printed first.
    fn not_kept(&mut self, error: io::Error) -> NotKept {
        if let Some(gathered) = self.gathered.take() {
            let _ = gathered.print(&mut self.printed);
        }
        NotKept {
            received: self.received,
            printed: self.printed,
            error,
        }
    }
}

/// Writes `bytes` to standard output without a buffer of its own, so that
/// every byte counted into `printed` is one the kernel took.
fn print(bytes: &[u8], printed: &mut u64) -> io::Result<()> {
    // The lock keeps other threads' output out; the writes go to a copy of
    // descriptor 1, past std's line buffer.
    let _lock = io::stdout().lock();
    let mut stdout = File::from(io::stdout().as_fd().try_clone_to_owned()?);
    let mut rest = bytes;
    while !rest.is_empty() {
        match stdout.write(rest) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(len) => {
                *printed += len as u64;
                rest = &rest[len..];
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// A client's bytes gathered: in memory, then in an unlinked file.
struct Gathered {
    memory: Vec<u8>,
    spill: Option<File>,
    /// Bytes held in the file; it may hold no more than `max_spill`.
    spilled: u64,
    max_spill: u64,
}

impl Gathered {
    fn new(max_spill: u64) -> Gathered {
        Gathered {
            memory: Vec::new(),
            spill: None,
            spilled: 0,
            max_spill,
        }
    }

    /// Holds `bytes`, after those already held.
    fn gather(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        if self.spill.is_none() {
            let taken = bytes.len().min(IN_MEMORY - self.memory.len());
            self.memory.extend_from_slice(&bytes[..taken]);
            bytes = &bytes[taken..];
        }
        if bytes.is_empty() {
            return Ok(());
        }
        // What fits under --max-spill is kept (and printed); the rest not.
        let room =
            usize::try_from(self.max_spill - self.spilled).unwrap_or(usize::MAX);
        let over = bytes.len() > room;
        let bytes = &bytes[..bytes.len().min(room)];
        let spill = match &mut self.spill {
            Some(file) => file,
            None => self.spill.insert(anonymous_file().map_err(|error| {
                let why = format!(
                    "no temporary file to gather in ({error}); TMPDIR decides where"
                );
                io::Error::new(error.kind(), why)
            })?),
        };
        spill.write_all(bytes)?;
        self.spilled += bytes.len() as u64;
        if over {
            let mib = self.max_spill >> 20;
            return Err(io::Error::other(format!(
                "it sent more than -k gathers for one client in TMPDIR ({mib} MiB, \
                 --max-spill)"
            )));
        }
        Ok(())
    }

    /// Prints everything gathered, in order, in one piece, counting what
    /// was printed into `printed`.
    fn print(self, printed: &mut u64) -> io::Result<()> {
        let _whole = io::stdout().lock(); // no other client's bytes between
        print(&self.memory, printed)?;
        if let Some(mut file) = self.spill {
            // read(2) and write(2), a piece at a time (io::copy from a file
            // would have std pick copy_file_range(2) or sendfile(2)).
            file.rewind()?;
            let mut piece = vec![0u8; 64 * 1024];
            loop {
                let len = file.read(&mut piece)?;
                if len == 0 {
                    return Ok(());
                }
                print(&piece[..len], printed)?;
            }
        }
        Ok(())
    }
}

/// A new file in the temporary folder, unlinked at once: it lives as long
/// as we hold it open, and nothing is left behind.
fn anonymous_file() -> io::Result<File> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "listener-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let path = std::env::temp_dir().join(name);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_fills_to_its_limit_then_the_rest_spills_in_order() {
        let mut gathered = Gathered::new(1 << 20);
        gathered.gather(b"first ").unwrap();
        assert!(gathered.spill.is_none());
        let big = vec![b'x'; IN_MEMORY];
        gathered.gather(&big).unwrap();
        gathered.gather(b" last").unwrap();
        assert_eq!(gathered.spilled, 6 + 5);
        assert_eq!(gathered.memory.len(), IN_MEMORY);
        assert!(gathered.memory.starts_with(b"first xxx"));
        let mut file = gathered.spill.take().unwrap();
        file.rewind().unwrap();
        let mut spilled = Vec::new();
        file.read_to_end(&mut spilled).unwrap();
        assert_eq!(spilled, b"xxxxxx last");
    }

    #[test]
    fn the_spill_stops_at_its_bound() {
        let mut gathered = Gathered::new(1000);
        gathered.gather(&vec![b'x'; IN_MEMORY + 1000]).unwrap();
        let error = gathered.gather(b"one more").unwrap_err();
        assert!(error.to_string().contains("--max-spill"), "{error}");
        assert_eq!(gathered.spilled, 1000);
        let mut gathered = Gathered::new(1000);
        let error = gathered.gather(&vec![b'x'; IN_MEMORY + 1001]).unwrap_err();
        assert!(error.to_string().contains("--max-spill"), "{error}");
        assert_eq!(gathered.spilled, 1000, "what fits is kept");
    }
}
