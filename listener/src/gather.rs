//! With -k, clients are served at the same time, but each client's bytes
//! must reach stdout in one piece. So a client's bytes are gathered first:
//! in memory up to a limit, then in a temporary file, which keeps memory
//! bounded however much a client sends, and never makes one client wait for
//! another's slow upload. When the client is done, its bytes are printed
//! while holding stdout's lock.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Seek, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use socket2::Socket;

/// Bytes kept in memory per client before spilling to a file.
const IN_MEMORY: usize = 256 * 1024;

/// recv(2) until the client shuts down its side, gathering; then print it
/// all in one piece, even when the client failed halfway. Returns the byte
/// count.
pub fn receive(client: &Socket) -> io::Result<u64> {
    // Many clients read at once: a smaller buffer each than the lesson's.
    let mut reader = BufReader::with_capacity(64 * 1024, client);
    let mut gathered = Gathered::default();
    let received = io::copy(&mut reader, &mut gathered);
    gathered.print()?;
    received
}

#[derive(Default)]
struct Gathered {
    memory: Vec<u8>,
    spill: Option<File>,
}

impl Write for Gathered {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.spill.is_none() && self.memory.len() + bytes.len() <= IN_MEMORY {
            self.memory.extend_from_slice(bytes);
            return Ok(bytes.len());
        }
        let spill = match &mut self.spill {
            Some(file) => file,
            None => self.spill.insert(anonymous_file()?),
        };
        spill.write(bytes)
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
            file.rewind()?;
            io::copy(&mut file, &mut stdout)?;
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
    fn small_writes_stay_in_memory_and_large_ones_spill_in_order() {
        let mut gathered = Gathered::default();
        gathered.write_all(b"first ").unwrap();
        assert!(gathered.spill.is_none());
        let big = vec![b'x'; IN_MEMORY];
        gathered.write_all(&big).unwrap();
        gathered.write_all(b" last").unwrap();
        assert!(gathered.spill.is_some());
        let mut file = gathered.spill.take().unwrap();
        file.rewind().unwrap();
        let mut spilled = Vec::new();
        io::Read::read_to_end(&mut file, &mut spilled).unwrap();
        assert_eq!(gathered.memory, b"first ");
        assert_eq!(spilled.len(), IN_MEMORY + 5);
        assert!(spilled.ends_with(b"x last"));
    }
}
