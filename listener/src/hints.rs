//! What the listener says on stderr as it sets up: the line that says where
//! it listens, and for a failure one line and a hint where the cause is
//! known, with the exit status (`stdio::say`: a closed stderr must not turn a message into
//! a panic).

use std::io::{self, ErrorKind};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::ExitCode;

use address::describe;
use socket2::{SockAddr, Socket};
use stdio::say;

use crate::flags::Args;
use crate::tally;

/// The exit code for "not permitted": sysexits(3)'s EX_NOPERM.
const EXIT_NO_PERMISSION: u8 = 77;

/// The first line: where we listen (the port the kernel chose for `-p 0`).
pub fn listening(socket: &Socket, args: &Args) -> io::Result<()> {
    let bound = describe(&socket.local_addr()?);
    say(&format!("listening on {bound} ({})", args.kind()));
    Ok(())
}

/// The error's line and its hint; 77 for "not permitted", else 1.
pub fn report(error: &io::Error, args: &Args) -> ExitCode {
    say(&format!("listener: {error}"));
    if let Some(hint) = hint(error, args) {
        say(&format!("  {hint}"));
    }
    match (error.kind(), tally::exit_code()) {
        (ErrorKind::PermissionDenied, _) => ExitCode::from(EXIT_NO_PERMISSION),
        (_, 0) => ExitCode::FAILURE,
        (_, output_failed) => ExitCode::from(output_failed),
    }
}

/// bind(2) failed: say which address.
pub fn cannot_bind(address: &SockAddr) -> impl FnOnce(io::Error) -> io::Error {
    let address = describe(address);
    move |error| {
        io::Error::new(error.kind(), format!("cannot bind {address}: {error}"))
    }
}

/// socket(2) refused a raw socket.
pub fn no_raw_socket(error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("cannot open a raw socket: {error}"))
}

/// What a student can do about the most common failures.
fn hint(error: &io::Error, args: &Args) -> Option<String> {
    let hint = match error.kind() {
        ErrorKind::PermissionDenied if args.raw.is_some() => {
            "raw sockets need CAP_NET_RAW: run `sudo ./target/debug/listener ...` (not \
             `sudo cargo run`: root's PATH has no cargo), or \
             `sudo setcap cap_net_raw+ep ./target/debug/listener`, or run it \
             inside `lab/sandbox` (no sudo)"
                .into()
        }
        ErrorKind::PermissionDenied if args.unix.is_some() => {
            "you may not create a file in that folder: choose a path in a folder \
             of your own, such as /tmp/course.sock"
                .into()
        }
        ErrorKind::PermissionDenied => {
            let first = unprivileged_port_start();
            format!(
                "ports below {first} (net.ipv4.ip_unprivileged_port_start) need \
                 privilege: use a port of {first} or more, or sudo, or \
                 `sudo setcap cap_net_bind_service+ep ./target/debug/listener`, \
                 or run it inside `lab/sandbox` (no sudo)"
            )
        }
        ErrorKind::AddrInUse => match &args.unix {
            Some(path) => path_taken(path),
            None => "another program is bound to that port (see `ss -ltnup`): \
                     stop it, or choose another port with -p"
                .into(),
        },
        ErrorKind::AddrNotAvailable if args.raw.is_some() => "that is not an \
             address of this machine (see `ip addr`): use 127.0.0.1 or one of its own"
            .into(),
        ErrorKind::AddrNotAvailable => "that is not an address of this machine \
             (see `ip addr`): use 127.0.0.1, ::1 with -6, or one of its own"
            .into(),
        ErrorKind::NotFound => "the folder for that socket path does not exist".into(),
        _ => return None,
    };
    Some(hint)
}

/// What is at `path`, that bind(2) would not replace: a socket file some
/// listener still has bound (the kernel lists those in /proc/net/unix), a
/// stale one, or no socket at all. Only a stale one may be removed.
fn path_taken(path: &Path) -> String {
    let shown = path.display();
    let kind = match std::fs::symlink_metadata(path) {
        Ok(file) if file.file_type().is_socket() => {
            let bound = std::fs::read_to_string("/proc/net/unix")
                .unwrap_or_default()
                .lines()
                .any(|line| line.ends_with(&format!(" {shown}")));
            return match bound {
                true => format!(
                    "another listener is bound to {shown}: stop it, or choose \
                     another path"
                ),
                false => format!(
                    "{shown} is a socket file no listener uses any more: remove it \
                     (rm {shown}), then start again"
                ),
            };
        }
        Ok(file) if file.is_dir() => "a folder",
        Ok(file) if file.is_file() => "a regular file",
        Ok(_) => "a device, a pipe or a link",
        Err(_) => "something",
    };
    format!(
        "{shown} is {kind}, not a socket, and was left as it is: choose another \
         path, such as /tmp/course.sock"
    )
}

/// The first port an ordinary user may bind, as the kernel says today.
fn unprivileged_port_start() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        .map(|text| text.trim().to_string())
        .unwrap_or_else(|_| "1024".into())
}
