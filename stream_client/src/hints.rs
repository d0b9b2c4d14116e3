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
    stdio::report("stream_client", error)
}

/// No address answered: a line for each but the last, whose error we return,
/// with what a student can do about it.
pub fn cannot_connect(
    mut failures: Vec<(String, io::Error)>,
    args: &Args,
) -> io::Error {
    let Some((name, error)) = failures.pop() else {
        return io::Error::new(ErrorKind::NotFound, "no address to connect to");
    };
    for (tried, error) in failures {
        say(&format!(
            "stream_client: cannot connect to {tried}: {error}"
        ));
    }
    let hint = match error.kind() {
        ErrorKind::ConnectionRefused if args.unix.is_some() => {
            "\n  nothing is listening on that socket: start \
             `cargo run -p listener -- -U PATH` first"
                .into()
        }
        ErrorKind::ConnectionRefused => format!(
            "\n  nothing is listening there: start a server first, e.g. \
             `echo \"I got your message\" | nc {}-l -p {}`",
            ipv6_flag(&name),
            args.port
        ),
        ErrorKind::NotFound => "\n  no socket file at that path: start \
             `cargo run -p listener -- -U PATH` first, with the same PATH"
            .into(),
        ErrorKind::TimedOut => "\n  the server did not answer in time: is it \
             running and reachable? Raise the limit with -w SECS"
            .into(),
        _ => String::new(),
    };
    io::Error::new(
        error.kind(),
        format!("cannot connect to {name}: {error}{hint}"),
    )
}

/// The connection failed while sending or reading: say which, and to whom.
pub fn lost(name: &str, doing: &str, error: io::Error, args: &Args) -> io::Error {
    if error.kind() == ErrorKind::WouldBlock {
        // SO_SNDTIMEO expired: the server stopped taking our bytes.
        return io::Error::new(
            ErrorKind::TimedOut,
            format!(
                "{name} took none of our bytes for {} s (its receive buffer is \
                 full: it is not reading)",
                args.timeout
            ),
        );
    }
    if error.kind() == ErrorKind::NotConnected {
        // shutdown(2) after a reset: ENOTCONN says less than what happened.
        let message = format!("lost {name} {doing}: it reset the connection");
        return io::Error::new(ErrorKind::ConnectionReset, message);
    }
    io::Error::new(error.kind(), format!("lost {name} {doing}: {error}"))
}

/// Reading the reply ended without end-of-file. SO_RCVTIMEO expiring makes
/// recv(2) say EAGAIN: we say what it means, and whether anything came.
pub fn no_end(
    name: &str,
    received: u64,
    error: io::Error,
    args: &Args,
) -> io::Error {
    let secs = args.timeout;
    match (error.kind(), received) {
        (ErrorKind::WouldBlock, 0) => io::Error::new(
            ErrorKind::TimedOut,
            format!(
                "no reply from {name} within {secs} s\n  the server did not \
                 answer in time: is it the right one? Raise the limit with -w SECS"
            ),
        ),
        (ErrorKind::WouldBlock, _) => io::Error::new(
            ErrorKind::TimedOut,
            format!(
                "{name} sent {received} bytes, then nothing for {secs} s, and did \
                 not close the connection\n  the reply above may well be whole: \
                 this server keeps its side open after replying, so end-of-file \
                 never came (-w SECS sets how long to wait)"
            ),
        ),
        _ => lost(name, "while reading the reply", error, args),
    }
}

/// nc listens on IPv4 unless told `-6`: the flag a hint's nc needs for
/// `name` (`[::1]:12345` is IPv6).
pub fn ipv6_flag(name: &str) -> &'static str {
    if name.starts_with('[') { "-6 " } else { "" }
}
