//! How the course's programs use standard error and standard output.
//!
//! `println!` and `eprintln!` panic when their stream is gone (a closed
//! pipe, a full disk): a program that reports its errors must not die
//! while reporting one. So every line goes through `write!`, and what a
//! failed write to standard output means is decided here, once for every
//! binary: it stops the program at once, one line on stderr says what
//! could not be printed, and the exit status is 74 (sysexits(3)'s
//! EX_IOERR). A reader that left early (`| head`) and a full disk are
//! both told, never passed over in silence.
#![forbid(unsafe_code)]

use std::error::Error;
use std::fmt;
use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

/// The exit status when something could not be printed.
pub const EXIT_NOT_PRINTED: u8 = 74;

/// A line on stderr, if stderr is still there to take it.
pub fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// The exit status for bad arguments, as clap's own.
pub const EXIT_USAGE: u8 = 2;

/// The command line, parsed by clap: a bad one is refused (`refuse`);
/// --help and --version print and exit 0, or 74 when they cannot be
/// printed (clap alone would exit 0 even into /dev/full).
pub fn parse<Args: clap::Parser>() -> Args {
    Args::try_parse().unwrap_or_else(|error| refuse(error))
}

/// Exits on what clap said: a refusal as one line on stderr, `program:
/// message (tips; see --help)`, and status 2; help and version printed.
pub fn refuse(error: clap::Error) -> ! {
    if !error.use_stderr() {
        help_or_version(error)
    }
    say(&format!("{}: {}", program(), one_line(&error)));
    std::process::exit(EXIT_USAGE.into())
}

/// Prints the help or version text clap gives as `error`, then exits: 0,
/// or 74 with a line on stderr when standard output cannot take it.
fn help_or_version(error: clap::Error) -> ! {
    let printed = error.print().and_then(|()| io::stdout().flush());
    match printed {
        Ok(()) => std::process::exit(0),
        Err(failure) => {
            let lost = not_printed(failure, "the help text is lost");
            say(&format!("{}: {lost}", program()));
            std::process::exit(EXIT_NOT_PRINTED.into())
        }
    }
}

/// This program's name, as it was started.
fn program() -> String {
    let started_as = std::env::args().next().unwrap_or_default();
    started_as
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// clap's message, its first paragraph and its tips ("a similar argument
/// exists: '--tcp'") on one line.
fn one_line(error: &clap::Error) -> String {
    let text = error.to_string();
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|paragraph| {
            let lines: Vec<&str> = paragraph.lines().map(str::trim).collect();
            lines.join(" ")
        })
        .collect();
    let message = paragraphs[0].trim_start_matches("error: ");
    let tips: Vec<&str> = paragraphs[1..]
        .iter()
        .filter(|paragraph| paragraph.starts_with("tip: "))
        .map(String::as_str)
        .collect();
    match tips.is_empty() {
        true => format!("{message} (see --help)"),
        false => format!("{message} ({}; see --help)", tips.join("; ")),
    }
}

/// `program: error` on stderr, and the exit status it calls for: 74 when
/// standard output failed ([`not_printed`]), else 1.
pub fn report(program: &str, error: &io::Error) -> ExitCode {
    say(&format!("{program}: {error}"));
    match is_not_printed(error) {
        true => ExitCode::from(EXIT_NOT_PRINTED),
        false => ExitCode::FAILURE,
    }
}

/// A failed write to standard output, said as such (its reader left, or
/// the output is full), and `what` it cost: "the rest of the reply is
/// lost".
pub fn not_printed(error: io::Error, what: impl Into<String>) -> io::Error {
    let kind = error.kind();
    io::Error::new(
        kind,
        NotPrinted {
            what: what.into(),
            error,
        },
    )
}

/// Whether `error` is a write to standard output that failed (and so
/// calls for exit status 74).
pub fn is_not_printed(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<NotPrinted>())
}

#[derive(Debug)]
struct NotPrinted {
    what: String,
    error: io::Error,
}

impl fmt::Display for NotPrinted {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.error.kind() {
            ErrorKind::BrokenPipe => {
                write!(f, "standard output closed (its reader left): {}", self.what)
            }
            _ => write!(
                f,
                "cannot write to standard output ({}): {}",
                self.error, self.what
            ),
        }
    }
}

impl Error for NotPrinted {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_and_a_full_disk_are_both_not_printed() {
        let closed = not_printed(ErrorKind::BrokenPipe.into(), "the reply is lost");
        assert!(is_not_printed(&closed));
        assert_eq!(closed.kind(), ErrorKind::BrokenPipe);
        assert_eq!(
            closed.to_string(),
            "standard output closed (its reader left): the reply is lost"
        );
        let full = not_printed(io::Error::from_raw_os_error(28), "the rest is lost");
        assert!(is_not_printed(&full));
        assert_eq!(
            full.to_string(),
            "cannot write to standard output (No space left on device (os error \
             28)): the rest is lost"
        );
        assert!(!is_not_printed(&io::Error::other("anything else")));
    }
}
