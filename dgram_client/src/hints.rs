//! Failures, each turned into one line that says what happened, and a hint
//! where the cause is known, on stderr (`stdio::say`: a closed stderr must
//! not turn a message into a panic).

use std::io::{self, ErrorKind};
use std::process::ExitCode;

use stdio::say;

use crate::flags::Args;

/// The error's lines (a hint follows where the cause is known); status 1,
/// or 74 when standard output could not take the reply.
pub fn report(error: &io::Error) -> ExitCode {
    stdio::report("dgram_client", error)
}

/// No address took the datagram: a line for each but the last, whose error
/// we return, with what a student can do about it.
pub fn cannot_send(mut failures: Vec<(String, io::Error)>) -> io::Error {
    let Some((name, error)) = failures.pop() else {
        return io::Error::new(ErrorKind::NotFound, "no address to send to");
    };
    for (tried, error) in failures {
        say(&format!("dgram_client: cannot send to {tried}: {error}"));
    }
    let hint = match error.kind() {
        ErrorKind::NotFound | ErrorKind::ConnectionRefused => {
            "\n  no datagram socket at that path: start \
             `cargo run -p listener -- -u -U PATH` first, with the same PATH"
        }
        _ => "",
    };
    io::Error::new(
        error.kind(),
        format!("cannot send to {name}: {error}{hint}"),
    )
}

/// recvfrom(2) failed. SO_RCVTIMEO expiring makes it say EAGAIN: we say what
/// that means for a protocol without connections.
pub fn no_reply(name: &str, error: io::Error, args: &Args) -> io::Error {
    if error.kind() != ErrorKind::WouldBlock {
        return io::Error::new(
            error.kind(),
            format!("no reply from {name}: {error}"),
        );
    }
    let hint = match args.unix {
        Some(_) => "is `cargo run -p listener -- -u -U PATH` running?".into(),
        None => format!(
            "UDP has no connection, so silence is all we get when nobody listens: \
             is `echo \"I got your message\" | nc {}-l -p {} -u` running?",
            if name.starts_with('[') { "-6 " } else { "" },
            args.port
        ),
    };
    io::Error::new(
        ErrorKind::TimedOut,
        format!("no reply from {name} within {} s\n  {hint}", args.timeout),
    )
}
