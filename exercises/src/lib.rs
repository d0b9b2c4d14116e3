//! What the raw exercises share and none asks you to write: printing the
//! bytes they build, in the form `exercises/check` compares with
//! raw_sender's.
#![forbid(unsafe_code)]

use std::io::{self, Write};

/// The bytes as tcpdump -X shows them: 16 a line, in pairs, offset first.
pub fn print_hex(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    for (line, chunk) in bytes.chunks(16).enumerate() {
        write!(stdout, "0x{:04x}: ", line * 16)?;
        for pair in chunk.chunks(2) {
            write!(stdout, " ")?;
            for byte in pair {
                write!(stdout, "{byte:02x}")?;
            }
        }
        writeln!(stdout)?;
    }
    Ok(())
}
