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

/// What went wrong with one address: the send, or the wait for a reply.
pub enum Failed {
    Sending(io::Error),
    Waiting(io::Error),
}

/// An address did not answer: said on a line of its own now when another
/// is to be tried, or kept for `no_answer` when it was the `last`.
pub fn skip(
    name: String,
    failed: Failed,
    last: bool,
    args: &Args,
) -> Option<(String, Failed)> {
    if last {
        return Some((name, failed));
    }
    say(&format!(
        "dgram_client: {}; trying the next address",
        failure(&name, &failed, args)
    ));
    None
}

/// No address answered: the last one's error, with what a student can do
/// about it.
pub fn no_answer(last: Option<(String, Failed)>, args: &Args) -> io::Error {
    let Some((name, failed)) = last else {
        return io::Error::new(ErrorKind::NotFound, "no address to send to");
    };
    let line = failure(&name, &failed, args);
    let (Failed::Sending(error) | Failed::Waiting(error)) = &failed;
    let unix = args.unix.is_some();
    let hint = match (&failed, error.kind()) {
        (Failed::Sending(_), ErrorKind::NotFound | ErrorKind::ConnectionRefused)
            if unix =>
        {
            "no datagram socket at that path: start \
             `cargo run -p listener -- -u -U PATH` first, with the same PATH"
                .into()
        }
        (Failed::Waiting(_), ErrorKind::WouldBlock) if unix => {
            "is `cargo run -p listener -- -u -U PATH` running?".into()
        }
        (
            Failed::Waiting(_),
            ErrorKind::WouldBlock | ErrorKind::ConnectionRefused,
        ) => {
            format!(
                "is `echo \"I got your message\" | nc {}-l -p {} -u` running?",
                if name.starts_with('[') { "-6 " } else { "" },
                args.port
            )
        }
        _ => return io::Error::new(error.kind(), line),
    };
    let kind = match error.kind() {
        ErrorKind::WouldBlock => ErrorKind::TimedOut,
        kind => kind,
    };
    io::Error::new(kind, format!("{line}\n  {hint}"))
}

/// What went wrong with one address, in words.
fn failure(name: &str, failed: &Failed, args: &Args) -> String {
    let secs = args.timeout;
    match failed {
        // SO_SNDTIMEO expired: the server's queue stays full.
        Failed::Sending(error) if error.kind() == ErrorKind::WouldBlock => format!(
            "cannot send to {name}: it took no datagram for {secs} s (its queue is \
             full: it is not reading)"
        ),
        Failed::Sending(error) => format!("cannot send to {name}: {error}"),
        // SO_RCVTIMEO expired: recvfrom says EAGAIN.
        Failed::Waiting(error) if error.kind() == ErrorKind::WouldBlock => format!(
            "no reply from {name} within {secs} s (UDP has no connection: silence \
             is all we get when a datagram is lost)"
        ),
        // An ICMP port unreachable, passed on to a connected socket.
        Failed::Waiting(error) if error.kind() == ErrorKind::ConnectionRefused => {
            format!(
                "nothing listens at {name}: its kernel answered with ICMP port \
                 unreachable"
            )
        }
        Failed::Waiting(error) => format!("no reply from {name}: {error}"),
    }
}
