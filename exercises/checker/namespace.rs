//! A network namespace of the check's own. The raw challenges need
//! CAP_NET_RAW, and the check must see every packet on loopback without
//! anyone else's: so the checker runs itself again under unshare(1), in a
//! new network namespace whose lo only it and your program use. As an
//! ordinary user that takes a user namespace too (`--user
//! --map-root-user`), in which the check is root over that network alone:
//! no sudo needed, and nothing outside it can be reached or disturbed.

use std::env;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::verdict::{Verdict, cannot};

/// Set in the environment of the checker run inside the namespace.
const INSIDE: &str = "CHECKER_IN_NAMESPACE";

/// Runs the rest of the check in a namespace of its own with lo up. The
/// first call re-executes the checker there and exits with its status;
/// the call in there brings lo up and returns.
pub fn enter() -> Result<(), Verdict> {
    if env::var_os(INSIDE).is_some() {
        return loopback_up();
    }
    let unshare = tool("unshare", "util-linux")?;
    let mut flags = vec!["--net"];
    if !is_root() {
        flags.splice(0..0, ["--user", "--map-root-user"]);
    }
    // Can this system make one? (Some forbid user namespaces.)
    let probe = Command::new(&unshare)
        .args(&flags)
        .arg("true")
        .stderr(Stdio::piped())
        .output()
        .map_err(|error| cannot(format!("cannot run unshare: {error}")))?;
    if !probe.status.success() {
        let said = String::from_utf8_lossy(&probe.stderr);
        return Err(cannot(format!(
            "this check needs a network namespace of its own, and `unshare {}` \
             said: {}; run it inside lab/sandbox, or with sudo",
            flags.join(" "),
            said.trim()
        )));
    }
    let checker = env::current_exe()
        .map_err(|error| cannot(format!("where is the checker? {error}")))?;
    let status = Command::new(&unshare)
        .args(&flags)
        .arg(checker)
        .args(env::args_os().skip(1))
        .env(INSIDE, "1")
        .status()
        .map_err(|error| cannot(format!("cannot run unshare: {error}")))?;
    std::process::exit(status.code().unwrap_or(1));
}

/// `ip link set lo up`: a new network namespace's loopback starts down.
fn loopback_up() -> Result<(), Verdict> {
    let ip = tool("ip", "iproute2")?;
    let status = Command::new(ip).args(["link", "set", "lo", "up"]).status();
    match status {
        Ok(status) if status.success() => Ok(()),
        _ => Err(cannot(
            "`ip link set lo up` failed in the check's namespace",
        )),
    }
}

/// Whether this process is root (the owner of /proc/self is its user).
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|me| me.uid() == 0)
}

/// Where `name` is: on PATH, or in /usr/sbin or /sbin, where Debian keeps
/// `ip` and an ordinary user's PATH does not look. Missing: named with its
/// `package`.
pub fn tool(name: &str, package: &str) -> Result<PathBuf, Verdict> {
    let path = env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/sbin"])
        .map(|folder| PathBuf::from(folder).join(name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            cannot(format!(
                "`{name}` is not installed: install the package {package} \
                 (sudo apt-get install {package})"
            ))
        })
}
