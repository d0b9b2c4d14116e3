//! How the course's programs use standard error and standard output.
//!
//! `println!` and `eprintln!` panic when their stream is gone (a closed
//! pipe, a full disk): a program that reports its errors must not die
//! while reporting one. So every line goes through `write!`, and what a
//! failed write means is decided here, once for every binary.
#![forbid(unsafe_code)]

use std::io::{self, ErrorKind, Write};

/// A line on stderr, if stderr is still there to take it.
pub fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// A failed write of `what` to standard output. A reader that left
/// (`| head`: a broken pipe) has seen enough, and that is no error; any
/// other failure (a full disk) is one, said as such.
pub fn quiet_if_closed(error: io::Error, what: &str) -> io::Result<()> {
    match error.kind() {
        ErrorKind::BrokenPipe => Ok(()),
        _ => Err(io::Error::new(
            error.kind(),
            format!("cannot write {what} to standard output: {error}"),
        )),
    }
}
