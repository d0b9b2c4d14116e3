//! The write-it-yourself exercises kept honest. Each chapter's snippet
//! (docs/src/write-it/*.md) gives, in a `sh` block, the commands that check
//! its exercise: `exercises/check NAME` on the student's skeleton, and the
//! same with `--solution`. Here each is run exactly as the book writes it:
//! on the solution the check must PASS, and on the untouched skeleton it
//! must FAIL at a `todo!()`, which proves that the check can fail.
//!
//! The checks of the clients and the listener use the course's fixed ports
//! (12345, 54321), so they run in a fresh network namespace each.

use std::fs;
use std::path::PathBuf;

use testkit::{have_tool, in_netns, say};

mod common;

use common::Mistake;

#[path = "mistakes/checksum.rs"]
mod checksum;
#[path = "mistakes/dgram_client.rs"]
mod dgram_client;
#[path = "mistakes/listener.rs"]
mod listener;
#[path = "mistakes/raw_ipv4.rs"]
mod raw_ipv4;
#[path = "mistakes/raw_ipv6.rs"]
mod raw_ipv6;
#[path = "mistakes/raw_tcp.rs"]
mod raw_tcp;
#[path = "mistakes/socket_call.rs"]
mod socket_call;
#[path = "mistakes/stream_client.rs"]
mod stream_client;

fn snippets() -> PathBuf {
    testkit::repository().join("docs/src/write-it")
}

/// The `exercises/check ...` lines of the `sh` blocks in `snippet`.
fn check_commands(snippet: &str) -> Vec<String> {
    let path = snippets().join(format!("{snippet}.md"));
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing", path.display()));
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            command if in_sh && command.starts_with("exercises/check ") => {
                commands.push(command.to_string())
            }
            _ => {}
        }
    }
    commands
}

/// The book's command for `exercise`: the one for the solution, or the one
/// for the student's program.
fn book_command(snippet: &str, exercise: &str, solution: bool) -> String {
    let commands = check_commands(snippet);
    let wanted = match solution {
        true => format!("exercises/check {exercise} --solution"),
        false => format!("exercises/check {exercise}"),
    };
    // The command is the line up to its comment, if it has one.
    let found = commands
        .iter()
        .find(|line| line.split('#').next().unwrap().trim_end() == wanted);
    found
        .unwrap_or_else(|| {
            panic!(
                "write-it/{snippet}.md has no `{wanted}` in a sh block: {commands:?}"
            )
        })
        .clone()
}

/// Runs `line` as a student would type it, from the repository's top
/// folder; returns its exit code and everything it printed.
fn run_check(line: &str) -> (Option<i32>, String) {
    common::run(line, &testkit::repository(), None)
}

/// The check's verdict: its last line that starts with PASS or FAIL.
fn verdict(printed: &str) -> &str {
    printed
        .lines()
        .rev()
        .find(|line| line.starts_with("PASS ") || line.starts_with("FAIL "))
        .unwrap_or("(no verdict)")
}

/// Checks the solution (must pass) and the skeleton (must fail at its
/// todo!()) with the commands the book gives in `snippet`; then each
/// classic mistake, planted in the solution, must fail, naming it.
fn check_both(test: &str, snippet: &str, exercise: &str, mistakes: &[Mistake]) {
    for tool in ["bash", "cargo", "ss", "timeout"] {
        if !have_tool(test, tool) {
            return;
        }
    }
    let command = book_command(snippet, exercise, true);
    let (status, printed) = run_check(&command);
    assert!(
        status == Some(0)
            && verdict(&printed).starts_with(&format!("PASS {exercise}: ")),
        "`{command}` should pass, but exited with {status:?}:\n{printed}"
    );

    // A student at work has replaced the todo!()s: then the skeleton is
    // theirs, and whether it fails is not this test's business.
    let skeleton =
        testkit::repository().join(format!("exercises/src/{exercise}.rs"));
    if !fs::read_to_string(&skeleton).unwrap().contains("todo!(") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} has no todo!() left, and CI=true wants the skeleton as shipped",
            skeleton.display()
        );
        say(&format!(
            "SKIP {test}: the skeleton's failing check ({} is being solved)",
            skeleton.display()
        ));
        return;
    }
    let command = book_command(snippet, exercise, false);
    let (status, printed) = run_check(&command);
    assert!(
        status == Some(1)
            && verdict(&printed).starts_with(&format!("FAIL {exercise}: "))
            && printed.contains("not yet implemented"),
        "`{command}` on the untouched skeleton should fail at its todo!(), but \
         exited with {status:?}:\n{printed}"
    );
    common::plant(exercise, &command, mistakes);
}

#[test]
fn socket_call_check_tells_solution_from_skeleton() {
    check_both(
        "socket_call_check_tells_solution_from_skeleton",
        "socket-call",
        "socket_call",
        socket_call::MISTAKES,
    );
}

#[test]
fn stream_client_check_tells_solution_from_skeleton() {
    let test = "stream_client_check_tells_solution_from_skeleton";
    in_netns(test, || {
        check_both(
            test,
            "stream-client",
            "stream_client",
            stream_client::MISTAKES,
        )
    });
}

#[test]
fn listener_check_tells_solution_from_skeleton() {
    let test = "listener_check_tells_solution_from_skeleton";
    in_netns(test, || {
        check_both(test, "stream-client", "listener", listener::MISTAKES)
    });
}

#[test]
fn dgram_client_check_tells_solution_from_skeleton() {
    let test = "dgram_client_check_tells_solution_from_skeleton";
    in_netns(test, || {
        check_both(test, "dgram-client", "dgram_client", dgram_client::MISTAKES)
    });
}

#[test]
fn checksum_check_tells_solution_from_skeleton() {
    check_both(
        "checksum_check_tells_solution_from_skeleton",
        "checksum",
        "checksum",
        checksum::MISTAKES,
    );
}

#[test]
fn raw_ipv4_check_tells_solution_from_skeleton() {
    check_both(
        "raw_ipv4_check_tells_solution_from_skeleton",
        "raw-ipv4",
        "raw_ipv4",
        raw_ipv4::MISTAKES,
    );
}

#[test]
fn raw_tcp_check_tells_solution_from_skeleton() {
    check_both(
        "raw_tcp_check_tells_solution_from_skeleton",
        "raw-tcp",
        "raw_tcp",
        raw_tcp::MISTAKES,
    );
}

#[test]
fn raw_ipv6_check_tells_solution_from_skeleton() {
    check_both(
        "raw_ipv6_check_tells_solution_from_skeleton",
        "raw-ipv6",
        "raw_ipv6",
        raw_ipv6::MISTAKES,
    );
}

#[test]
fn a_name_not_on_the_list_is_refused_with_the_list() {
    // One argument with a space in it names no exercise, though each word
    // is one.
    for line in [
        "exercises/check 'socket_call stream_client'",
        "exercises/check nope",
    ] {
        let (status, printed) = run_check(line);
        assert_eq!(status, Some(2), "{line}: {printed}");
        assert!(printed.contains("no such exercise"), "{line}: {printed}");
        assert!(
            printed.contains("the challenges: socket_matrix"),
            "{printed}"
        );
    }
}

/// The snippets are included into the chapters, where the book test does
/// not look: their own includes (relative to write-it/) and links
/// (relative to the chapter, in docs/src) are checked here.
#[test]
fn every_snippet_include_and_link_resolves() {
    let chapters = snippets().parent().unwrap().to_path_buf();
    let mut count = 0;
    for entry in fs::read_dir(snippets()).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let name = path.display();
        assert!(
            text.starts_with("## Write it yourself\n"),
            "{name} should open with `## Write it yourself`"
        );
        for include in text.split("{{#include ").skip(1) {
            let target = include.split("}}").next().unwrap();
            let (file, anchor) = target.split_once(':').unwrap_or((target, ""));
            let source = fs::read_to_string(snippets().join(file))
                .unwrap_or_else(|_| panic!("{name}: no file {file}"));
            assert!(
                anchor.is_empty()
                    || source.contains(&format!("ANCHOR: {anchor}\n"))
                        && source.contains(&format!("ANCHOR_END: {anchor}\n")),
                "{name}: {file} has no anchor {anchor}"
            );
        }
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap();
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let linked = fs::read_to_string(chapters.join(file))
                .unwrap_or_else(|_| panic!("{name}: broken link to {target}"));
            let ids: Vec<String> = linked
                .lines()
                .filter(|line| line.starts_with('#'))
                .map(|line| testkit::heading_id(line.trim_start_matches('#').trim()))
                .collect();
            assert!(
                fragment.is_empty() || ids.contains(&fragment.to_string()),
                "{name}: no heading #{fragment} in {file}"
            );
        }
        count += 1;
    }
    assert!(
        count >= 6,
        "only {count} snippets in {}",
        snippets().display()
    );
}
