//! The challenges kept honest. For each: the book's command passes on the
//! solution and fails on the untouched skeleton at its `todo!()`; and each
//! classic mistake, planted in a copy of the solution, fails with the
//! words that name it. A check that could not tell the mistake from the
//! solution would pass it, and this test would say so.
//!
//! The mistakes are built in a copy of the workspace (in the temporary
//! folder, removed at the end), into target/mistakes, so that they never
//! replace the binaries other tests run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use testkit::{have_tool, say};

/// A classic mistake: the solution with `find` replaced by `replace` must
/// fail its check, and the check's words must contain `expect`.
pub struct Mistake {
    pub name: &'static str,
    pub find: &'static str,
    pub replace: &'static str,
    pub expect: &'static str,
}

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

/// Runs `line` with bash in `folder`; its exit code and all it printed.
fn run(line: &str, folder: &Path, target: Option<&Path>) -> (Option<i32>, String) {
    let mut command = Command::new("bash");
    command.args(["-c", line]).current_dir(folder);
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let output = command.output().expect("bash runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), printed)
}

/// The chapter snippet's check commands for `challenge`: the one for the
/// solution and the one for the student's program, as the book gives them.
fn book_commands(challenge: &str) -> (String, String) {
    let folder = testkit::repository().join("docs/src/write-it");
    let wanted = format!("exercises/check {challenge}");
    for entry in fs::read_dir(&folder).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        let commands: Vec<&str> = text
            .lines()
            .map(|line| line.split('#').next().unwrap().trim_end())
            .filter(|line| line.starts_with(&wanted))
            .collect();
        let solution = format!("{wanted} --solution");
        if commands.contains(&wanted.as_str()) && commands.contains(&solution.as_str()) {
            return (solution, wanted);
        }
    }
    panic!("no write-it snippet gives `{wanted}` and `{wanted} --solution`");
}

/// A copy of the workspace's sources in the temporary folder, made once
/// per test process and removed when it ends.
struct Copy(PathBuf);

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy() -> &'static Path {
    static COPY: OnceLock<Copy> = OnceLock::new();
    &COPY
        .get_or_init(|| {
            let to = std::env::temp_dir()
                .join(format!("socket-course-mistakes-{}", std::process::id()));
            let _ = fs::remove_dir_all(&to);
            copy_tree(&testkit::repository(), &to);
            Copy(to)
        })
        .0
}

/// `from` into `to`, but for build output and git's own files.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if ["target", ".git", "book", "corpus", "artifacts"].contains(&&*name.to_string_lossy()) {
            continue;
        }
        let (from, to) = (entry.path(), to.join(&name));
        match entry.file_type().unwrap().is_dir() {
            true => copy_tree(&from, &to),
            false => {
                fs::copy(&from, &to).unwrap();
            }
        }
    }
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
    if fs::read_to_string(&skeleton_file).unwrap().contains("todo!(") {
        let (status, printed) = run(&skeleton, &repository, None);
        assert!(
            status == Some(1) && printed.contains(&format!("FAIL {name}: ")) && printed.contains("todo!()"),
            "`{skeleton}` on the untouched skeleton should fail at its todo!(), but \
             exited with {status:?}:\n{printed}"
        );
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} has no todo!() left, and CI=true wants the skeleton as shipped",
            skeleton_file.display()
        );
        say(&format!("SKIP {test}: the skeleton ({name} is being solved)"));
    }
    assert!(!mistakes.is_empty(), "{name} plants no mistake");
    let solution_text =
        fs::read_to_string(repository.join(format!("exercises/solutions/{name}.rs"))).unwrap();
    let target = repository.join("target/mistakes");
    for mistake in mistakes {
        assert!(
            solution_text.contains(mistake.find),
            "{name}, mistake \"{}\": the solution no longer contains {:?}",
            mistake.name,
            mistake.find
        );
        let planted = solution_text.replacen(mistake.find, mistake.replace, 1);
        fs::write(copy().join(format!("exercises/src/{name}.rs")), planted).unwrap();
        let (status, printed) = run(&skeleton, copy(), Some(&target));
        assert!(
            status == Some(1)
                && printed.contains(&format!("FAIL {name}: "))
                && printed.contains(mistake.expect),
            "{name} with the mistake \"{}\" should fail saying {:?}, but exited with \
             {status:?}:\n{printed}",
            mistake.name,
            mistake.expect
        );
    }
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
