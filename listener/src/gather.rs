//! Where a client's bytes go. With one client, straight to stdout as they
//! come. With -k, clients are served at the same time, but each client's
//! bytes must reach stdout in one piece: so they are gathered first, in
//! memory up to a limit, then in a temporary file (memory stays bounded
//! however much a client sends, and no client waits for another's slow
//! upload), and printed while holding stdout's lock when the client is done.
//!
//! When bytes cannot be kept (stdout closed or full, no room for the file),
//! the count of what was kept comes back with the error, so that the
//! listener can say so, and tell the client by resetting the connection.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes kept in memory per client before spilling to a file.
const IN_MEMORY: usize = 256 * 1024;
/// Bulk data moves in reads and writes this large: fewer system calls per
/// byte (8 KiB, a common default, halves bulk throughput on loopback).
const COPY_BUFFER: usize = 512 * 1024;

/// Bytes that could not be kept: how many were, and why no more.
pub struct NotKept {
    pub kept: u64,
    pub error: io::Error,
}

/// A client's bytes on their way to stdout.
pub struct Kept {
    gathered: Option<Gathered>,
    count: u64,
}

impl Kept {
    /// Printed as they come, or with `keep` (-k) gathered first.
    pub fn new(keep: bool) -> Kept {
        let gathered = keep.then(Gathered::default);
        Kept { gathered, count: 0 }
    }

    /// Bulk data moves in pieces this large; with -k many clients read at
    /// once, so each gets less.
    pub fn buffer_size(&self) -> usize {
        match self.gathered {
            Some(_) => 64 * 1024,
            None => COPY_BUFFER,
        }
    }

    pub fn keep(&mut self, bytes: &[u8]) -> Result<(), NotKept> {
        let written = match &mut self.gathered {
            Some(gathered) => gathered.write_all(bytes),
            None => io::stdout().lock().write_all(bytes),
        };
        if let Err(error) = written {
            if let Some(gathered) = self.gathered.take() {
                // What was gathered is printed all the same, in one piece.
                self.count = gathered.held;
                let _ = gathered.print();
            }
            return Err(NotKept {
                kept: self.count,
                error,
            });
        }
        self.count += bytes.len() as u64;
        Ok(())
    }

    /// Everything is kept: printed (and flushed); returns the byte count.
    pub fn finish(mut self) -> Result<u64, NotKept> {
        let printed = match self.gathered.take() {
            Some(gathered) => gathered.print(),
            None => io::stdout().lock().flush(),
        };
        self.fail_if(printed)?;
        Ok(self.count)
    }

    fn fail_if(&self, result: io::Result<()>) -> Result<(), NotKept> {
        result.map_err(|error| NotKept {
            kept: self.count,
            error,
        })
    }
}

#[derive(Default)]
struct Gathered {
    memory: Vec<u8>,
    spill: Option<File>,
    /// Bytes held, in memory and in the file.
    held: u64,
}

impl Write for Gathered {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = IN_MEMORY - self.memory.len();
        if self.spill.is_none() && room > 0 {
            let taken = bytes.len().min(room);
            self.memory.extend_from_slice(&bytes[..taken]);
            self.held += taken as u64;
            return Ok(taken);
        }
        let spill = match &mut self.spill {
            Some(file) => file,
            None => self.spill.insert(anonymous_file().map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("no temporary file to gather in ({error}); TMPDIR decides where"),
                )
            })?),
        };
        let written = spill.write(bytes)?;
        self.held += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Gathered {
    /// Prints everything gathered, in order, in one piece.
    fn print(self) -> io::Result<()> {
        let mut stdout = io::stdout().lock();
        stdout.write_all(&self.memory)?;
        if let Some(mut file) = self.spill {
            // read(2) and write(2), a piece at a time (io::copy from a file
            // would have std pick copy_file_range(2) or sendfile(2)).
            file.rewind()?;
            let mut piece = vec![0u8; 64 * 1024];
            loop {
                let len = file.read(&mut piece)?;
                if len == 0 {
                    break;
                }
                stdout.write_all(&piece[..len])?;
            }
        }
        stdout.flush()
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
        let mut gathered = Gathered::default();
        gathered.write_all(b"first ").unwrap();
        assert!(gathered.spill.is_none());
        let big = vec![b'x'; IN_MEMORY];
        gathered.write_all(&big).unwrap();
        gathered.write_all(b" last").unwrap();
        assert_eq!(gathered.held, (6 + IN_MEMORY + 5) as u64);
        assert_eq!(gathered.memory.len(), IN_MEMORY);
        assert!(gathered.memory.starts_with(b"first xxx"));
        let mut file = gathered.spill.take().unwrap();
        file.rewind().unwrap();
        let mut spilled = Vec::new();
        io::Read::read_to_end(&mut file, &mut spilled).unwrap();
        assert_eq!(spilled, b"xxxxxx last");
    }
}
