//! What raw_sender's test files share: running it, and tcpdump on lo.

use std::process::Command;

use testkit::{Proc, command, run_with_input};

/// raw_sender ARGS with nothing on standard input: exit code, stdout,
/// stderr.
pub fn raw_sender(args: &[&str]) -> (i32, String, String) {
    let (status, stdout, stderr) =
        run_with_input(command("raw_sender").args(args), b"");
    (
        status.code().unwrap(),
        String::from_utf8(stdout).unwrap(),
        stderr,
    )
}

/// tcpdump on lo, started and ready to capture `count` packets matching
/// `filter` (it gives up after 3 s: `timeout -s INT` lets it print first).
pub fn tcpdump(count: usize, filter: &str) -> Proc {
    let count = count.to_string();
    let mut capture = Proc::spawn(Command::new("timeout").args([
        "-s", "INT", "3", "tcpdump", "-l", "-i", "lo", "-nn", "-vv", "-X", "-c",
        &count, filter,
    ]));
    capture.wait_for_stderr("listening on lo");
    capture
}

/// The lines of tcpdump's output without the leading timestamps.
pub fn without_timestamps(output: &[u8]) -> String {
    let text = String::from_utf8_lossy(output);
    let lines: Vec<&str> = text
        .lines()
        .map(|line| match line.split_once(' ') {
            Some((time, rest)) if time.contains(':') && time.contains('.') => rest,
            _ => line,
        })
        .collect();
    lines.join("\n")
}
