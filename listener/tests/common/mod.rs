//! What the raw receive tests share: a listener started and ready, a probe
//! sent with raw_sender, and what the listener printed.

use testkit::{Proc, command, run};

/// Starts `listener ARGS` and waits until it says it is listening.
pub fn listening(args: &[&str]) -> Proc {
    let mut server = Proc::spawn(command("listener").args(args));
    server.wait_for_stderr("listening on");
    server
}

/// Sends with `raw_sender ARGS`.
pub fn probe(args: &[&str]) {
    run(command("raw_sender").args(args));
}

/// What the raw listener printed once it has seen its `-c` packets.
pub fn printed(server: Proc) -> String {
    let (status, stdout, log) = server.finish();
    assert!(status.success(), "{log}");
    String::from_utf8(stdout).unwrap()
}
