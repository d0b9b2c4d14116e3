//! The checker of the challenges. Each challenge asks for a program the
//! chapter's code does not already contain; its check runs that program
//! against a peer this checker plays, or in a network namespace of its own
//! where the kernel answers, and judges by what happened, never by the
//! source. `exercises/check` builds your program and this, then runs:
//!
//!     target/debug/checker CHALLENGE PROGRAM
//!
//! The verdict is one line, `PASS CHALLENGE: ...` or `FAIL CHALLENGE: ...`
//! (then, indented, what explains it), or `cannot check CHALLENGE: ...`
//! when something outside your program is missing: a tool, named with the
//! package it comes in, or a network namespace.
#![forbid(unsafe_code)]

mod capture; // packets on loopback, caught by a packet socket
mod namespace; // a network namespace of the check's own, for raw sockets
mod program; // your program, run and bounded
mod verdict; // PASS, FAIL or cannot check, and the exit status

mod extension_header; // raw IPv6: a Destination Options header
mod fragments; // raw IPv4: an echo request in fragments
mod http_client; // stream: a reply framed by Content-Length
mod socket_matrix; // socket(): which triples the kernel makes
mod syn_options; // raw TCP: a SYN with options
mod ttl_update; // checksum: RFC 1624's incremental update
mod two_clients; // listener: two clients at once
mod udp_retry; // datagram: retries with backoff

use std::process::ExitCode;

use program::Program;
use verdict::Verdict;

/// A challenge's check: the pass message, or why not.
type Check = fn(&Program) -> Result<String, Verdict>;

/// The challenges, and the check of each.
const CHALLENGES: [(&str, Check); 8] = [
    ("socket_matrix", socket_matrix::check),
    ("http_client", http_client::check),
    ("two_clients", two_clients::check),
    ("udp_retry", udp_retry::check),
    ("ttl_update", ttl_update::check),
    ("fragments", fragments::check),
    ("syn_options", syn_options::check),
    ("extension_header", extension_header::check),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let found = match args.as_slice() {
        [name, program] => CHALLENGES
            .iter()
            .find(|(challenge, _)| challenge == name)
            .map(|(name, check)| (*name, check, Program::new(program))),
        _ => None,
    };
    let Some((name, check, program)) = found else {
        let names: Vec<&str> = CHALLENGES.iter().map(|(name, _)| *name).collect();
        stdio::say(&format!(
            "usage: checker CHALLENGE PROGRAM\n  CHALLENGE is one of: {}",
            names.join(" ")
        ));
        return ExitCode::from(2);
    };
    verdict::report(name, check(&program))
}
