//! The challenges kept honest. For each: the book's command passes on the
//! solution and fails on the untouched skeleton at its `todo!()`; and each
//! classic mistake, planted in a copy of the solution, fails with the
//! words that name it. A check that could not tell the mistake from the
//! solution would pass it, and this test would say so.

use std::fs;

use testkit::{have_tool, say};

mod common;

use common::{Mistake, plant, run};

#[path = "mistakes/extension_header.rs"]
mod extension_header;
#[path = "mistakes/fragments.rs"]
mod fragments;
#[path = "mistakes/http_client.rs"]
mod http_client;
#[path = "mistakes/socket_matrix.rs"]
mod socket_matrix;
#[path = "mistakes/syn_options.rs"]
mod syn_options;
#[path = "mistakes/ttl_update.rs"]
mod ttl_update;
#[path = "mistakes/two_clients.rs"]
mod two_clients;
#[path = "mistakes/udp_retry.rs"]
mod udp_retry;

/// The challenge page's check commands for `challenge`: the one for the
/// solution and the one for the student's program, as the book gives them.
fn book_commands(challenge: &str) -> (String, String) {
    let folder = testkit::repository().join("docs/src/challenges");
    let wanted = format!("exercises/check {challenge}");
    for entry in fs::read_dir(&folder).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        let commands: Vec<&str> = text
            .lines()
            .map(|line| line.split('#').next().unwrap().trim_end())
            .filter(|line| line.starts_with(&wanted))
            .collect();
        let solution = format!("{wanted} --solution");
        if commands.contains(&wanted.as_str())
            && commands.contains(&solution.as_str())
        {
            return (solution, wanted);
        }
    }
    panic!("no challenge page gives `{wanted}` and `{wanted} --solution`");
}

/// The whole test of one challenge.
fn challenge(test: &str, name: &str, mistakes: &[Mistake]) {
    for tool in ["bash", "cargo"] {
        if !have_tool(test, tool) {
            return;
        }
    }
    let repository = testkit::repository();
    let (solution, skeleton) = book_commands(name);
    let (status, printed) = run(&solution, &repository, None);
    assert!(
        status == Some(0) && printed.contains(&format!("PASS {name}: ")),
        "`{solution}` should pass, but exited with {status:?}:\n{printed}"
    );
    let skeleton_file = repository.join(format!("exercises/src/{name}.rs"));
    if fs::read_to_string(&skeleton_file)
        .unwrap()
        .contains("todo!(")
    {
        let (status, printed) = run(&skeleton, &repository, None);
        assert!(
            status == Some(1)
                && printed.contains(&format!("FAIL {name}: "))
                && printed.contains("todo!()"),
            "`{skeleton}` on the untouched skeleton should fail at its todo!(), but \
             exited with {status:?}:\n{printed}"
        );
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} has no todo!() left, and CI=true wants the skeleton as shipped",
            skeleton_file.display()
        );
        say(&format!(
            "SKIP {test}: the skeleton ({name} is being solved)"
        ));
    }
    plant(name, &skeleton, mistakes);
}

#[test]
fn socket_matrix_check_names_each_classic_mistake() {
    challenge(
        "socket_matrix_check_names_each_classic_mistake",
        "socket_matrix",
        socket_matrix::MISTAKES,
    );
}

#[test]
fn http_client_check_names_each_classic_mistake() {
    challenge(
        "http_client_check_names_each_classic_mistake",
        "http_client",
        http_client::MISTAKES,
    );
}

#[test]
fn two_clients_check_names_each_classic_mistake() {
    challenge(
        "two_clients_check_names_each_classic_mistake",
        "two_clients",
        two_clients::MISTAKES,
    );
}

#[test]
fn udp_retry_check_names_each_classic_mistake() {
    challenge(
        "udp_retry_check_names_each_classic_mistake",
        "udp_retry",
        udp_retry::MISTAKES,
    );
}

#[test]
fn ttl_update_check_names_each_classic_mistake() {
    challenge(
        "ttl_update_check_names_each_classic_mistake",
        "ttl_update",
        ttl_update::MISTAKES,
    );
}

#[test]
fn fragments_check_names_each_classic_mistake() {
    challenge(
        "fragments_check_names_each_classic_mistake",
        "fragments",
        fragments::MISTAKES,
    );
}

#[test]
fn syn_options_check_names_each_classic_mistake() {
    challenge(
        "syn_options_check_names_each_classic_mistake",
        "syn_options",
        syn_options::MISTAKES,
    );
}

#[test]
fn extension_header_check_names_each_classic_mistake() {
    challenge(
        "extension_header_check_names_each_classic_mistake",
        "extension_header",
        extension_header::MISTAKES,
    );
}

/// The raw challenges' solutions, run by a user without privilege: one line
/// saying what failed, then every way to a raw socket (sudo, setcap on
/// this very file, lab/sandbox, and --dry-run where there is one), and
/// status 1.
#[test]
fn a_raw_challenge_without_privilege_names_every_way_to_a_raw_socket() {
    let test = "a_raw_challenge_without_privilege_names_every_way_to_a_raw_socket";
    if !testkit::have_root(test) {
        return; // becoming nobody (setpriv) takes root
    }
    for (name, dry_run) in [
        ("solution_syn_options", false),
        ("solution_fragments", true),
        ("solution_extension_header", false),
    ] {
        let output = testkit::as_nobody(&testkit::command(name))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert_eq!(lines.len(), 2, "{name}: {stderr}");
        assert_eq!(
            lines[0],
            format!("{name}: cannot send: Operation not permitted (os error 1)")
        );
        for way in [
            "CAP_NET_RAW",
            "run it with sudo",
            &format!("`sudo setcap cap_net_raw+ep ./target/debug/{name}`"),
            "inside lab/sandbox (no sudo)",
        ] {
            assert!(lines[1].contains(way), "{name}: no {way:?} in {stderr}");
        }
        assert_eq!(lines[1].contains("--dry-run"), dry_run, "{name}: {stderr}");
    }
}
