//! What the exercises' tests share: a classic mistake, planted in a copy
//! of the solution, must fail its check with the words that name it. The
//! mistakes are built in a copy of the workspace (in the temporary folder,
//! removed when the test process ends), into target/mistakes, so that they
//! never replace the binaries other tests run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A classic mistake: the solution with `find` replaced by `replace` must
/// fail its check, and the check's words must contain `expect`.
pub struct Mistake {
    pub name: &'static str,
    pub find: &'static str,
    pub replace: &'static str,
    pub expect: &'static str,
}

/// Runs `line` with bash in `folder` (with CARGO_TARGET_DIR `target`, if
/// given); its exit code and all it printed.
pub fn run(
    line: &str,
    folder: &Path,
    target: Option<&Path>,
) -> (Option<i32>, String) {
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

/// Plants each of `mistakes` in the solution of `name` and runs `check`
/// (the book's command for the student's program) on it: each must fail,
/// saying what it expects.
pub fn plant(name: &str, check: &str, mistakes: &[Mistake]) {
    assert!(!mistakes.is_empty(), "{name} plants no mistake");
    let repository = testkit::repository();
    let solution = fs::read_to_string(
        repository.join(format!("exercises/solutions/{name}.rs")),
    )
    .unwrap();
    let target = repository.join("target/mistakes");
    for mistake in mistakes {
        assert!(
            solution.contains(mistake.find),
            "{name}, mistake \"{}\": the solution no longer contains {:?}",
            mistake.name,
            mistake.find
        );
        let planted = solution.replacen(mistake.find, mistake.replace, 1);
        fs::write(copy().join(format!("exercises/src/{name}.rs")), planted).unwrap();
        let (status, printed) = run(check, copy(), Some(&target));
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

/// The copy of the workspace, made once per test process.
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
        let skipped = ["target", ".git", "book", "corpus", "artifacts"];
        if skipped.contains(&&*name.to_string_lossy()) {
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
