//! Failures, each turned into one line on stderr (and a hint where the cause
//! is known) and an exit code a script can test (`stdio::say`: a closed
//! stderr must not turn a message into a panic).

use std::io::{self, ErrorKind};
use std::net::IpAddr;
use std::process::ExitCode;

use stdio::say;

/// sysexits(3)'s EX_NOPERM: no privilege for a raw socket.
const EXIT_NO_PERMISSION: u8 = 77;

/// What went wrong, and so which exit code to use.
pub enum Failure {
    /// A value out of range, or flags that do not go together.
    Usage(String),
    /// No CAP_NET_RAW.
    NoPermission(io::Error),
    /// No --src, and the kernel has no route to this destination to
    /// choose one from (route.rs).
    NoRoute(IpAddr, io::Error),
    Io(io::Error),
    /// SIGINT or SIGTERM ended the run (stop.rs): the exit status it asks
    /// for, the last line already printed.
    Stopped(u8),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Failure {
        Failure::Io(error)
    }
}

/// socket(2) failed: EPERM there means the process lacks CAP_NET_RAW.
pub fn no_raw_socket(error: io::Error) -> Failure {
    match error.kind() {
        ErrorKind::PermissionDenied => Failure::NoPermission(error),
        _ => Failure::Io(error),
    }
}

/// The failure's line, and its hint, on stderr; the exit code to return.
pub fn report(failure: Failure) -> ExitCode {
    match failure {
        Failure::Usage(message) => {
            say(&format!("raw_sender: {message}"));
            ExitCode::from(stdio::EXIT_USAGE)
        }
        Failure::NoPermission(error) => {
            say(&format!("raw_sender: cannot open a raw socket: {error}"));
            say(
                "  raw sockets need CAP_NET_RAW: run `sudo ./target/debug/raw_sender ...` \
                 (not `sudo cargo run`: root's PATH has no cargo), or \
                 `sudo setcap cap_net_raw+ep ./target/debug/raw_sender`, \
                 or run it inside `lab/sandbox` (no sudo), \
                 or use --dry-run or --pcap FILE to see the packet without sending it",
            );
            ExitCode::from(EXIT_NO_PERMISSION)
        }
        Failure::NoRoute(destination, error) => {
            say(&format!("raw_sender: no route to {destination}: {error}"));
            say(&format!(
                "  with no --src the source is the address the kernel would send \
                 from, and `ip route get {destination}` finds none: give one with \
                 --src ADDRESS (enough for --dry-run and --pcap), or add a route"
            ));
            ExitCode::FAILURE
        }
        // A closed or full standard output: 74, as in every binary.
        Failure::Io(error) => stdio::report("raw_sender", &error),
        Failure::Stopped(status) => ExitCode::from(status),
    }
}
