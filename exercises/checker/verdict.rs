//! A check's outcome, said in one line: PASS or FAIL, with what went wrong
//! and, indented below, what explains it; or "cannot check" when the fault
//! is not the program's (a missing tool, no namespace to run in).

use std::io::{self, Write};
use std::process::ExitCode;

/// Why a check did not pass.
pub enum Verdict {
    /// The program did not do what the challenge asks: what went wrong,
    /// and lines that explain it (what it printed, what was expected).
    Fail { why: String, details: String },
    /// Something outside the program is missing: say what, and how to get
    /// it.
    CannotCheck(String),
}

/// The program failed the challenge: `why` in one line.
pub fn fail(why: impl Into<String>) -> Verdict {
    Verdict::Fail {
        why: why.into(),
        details: String::new(),
    }
}

/// The program failed: `why`, then `details` (indented, at most 20 lines).
pub fn fail_with(why: impl Into<String>, details: impl Into<String>) -> Verdict {
    Verdict::Fail {
        why: why.into(),
        details: details.into(),
    }
}

/// The check cannot run here: `why`, naming what to install or do.
pub fn cannot(why: impl Into<String>) -> Verdict {
    Verdict::CannotCheck(why.into())
}

/// Prints the verdict on stdout; the exit status: 0 PASS, 1 FAIL, 3
/// cannot check.
pub fn report(name: &str, outcome: Result<String, Verdict>) -> ExitCode {
    let (text, status) = match outcome {
        Ok(why) => (format!("PASS {name}: {why}\n"), 0),
        Err(Verdict::Fail { why, details }) => {
            let mut text = format!("FAIL {name}: {why}\n");
            for line in details.lines().filter(|line| !line.is_empty()).take(20) {
                text += &format!("    {line}\n");
            }
            (text, 1)
        }
        Err(Verdict::CannotCheck(why)) => {
            (format!("cannot check {name}: {why}\n"), 3)
        }
    };
    match io::stdout().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::from(status),
        Err(_) => ExitCode::from(74), // the verdict could not be said
    }
}
