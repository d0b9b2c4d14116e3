//! What the raw exercises share and none asks you to write: printing the
//! bytes they build, in the form `exercises/check` compares with
//! raw_sender's, and saying why a packet could not be sent.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::path::Path;

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

/// Says on stderr that this program could not send its packet, and when
/// the kernel refused it a raw socket, the ways to get one; `also` adds one
/// of the program's own (", or --dry-run, ..."), or is empty.
pub fn cannot_send(error: &io::Error, also: &str) {
    // The name it was run by: exercise_NAME, or solution_NAME.
    let run_as = std::env::args_os().next().unwrap_or_default();
    let program = Path::new(&run_as)
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    stdio::say(&format!("{program}: cannot send: {error}"));
    if error.kind() == io::ErrorKind::PermissionDenied {
        stdio::say(&format!(
            "  raw sockets need CAP_NET_RAW: run it with sudo, or `sudo setcap \
             cap_net_raw+ep ./target/debug/{program}`, or inside lab/sandbox (no \
             sudo){also}"
        ));
    }
}
