//! What the listener says on stderr: one line per event, and for a failure
//! a hint where the cause is known. Written with `write!`, never
//! `eprintln!`: a closed stderr must not turn a message into a panic.

use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

use address::describe;
use nix::sys::socket::SockaddrStorage;
use socket2::{SockAddr, Socket};

use std::thread::ScopedJoinHandle;

use crate::flags::Args;
use crate::gather::NotKept;

/// The exit code for "not permitted": sysexits(3)'s EX_NOPERM.
const EXIT_NO_PERMISSION: u8 = 77;

/// A line on stderr, if stderr is still there to take it.
pub fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

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
    match (error.kind(), crate::shutdown::exit_code()) {
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

/// Why a conversation ended before its end-of-file.
pub enum Cut {
    /// The client's doing: it reset, vanished, or went past -w or --deadline.
    Peer(io::Error),
    /// Ours: what it sent could not be kept (stdout gone, no temporary file).
    NotKept(NotKept),
}

impl From<bulk::Stopped> for Cut {
    /// A splice(2) that stopped: the output's failure, or the client's.
    fn from(stopped: bulk::Stopped) -> Cut {
        match stopped.writing {
            true => Cut::NotKept(NotKept {
                kept: stopped.moved,
                error: stopped.error,
            }),
            false => Cut::Peer(stopped.error),
        }
    }
}

/// The reply thread's result; a thread that could not start (too many
/// threads) is a failure of this conversation only.
pub fn joined(
    answer: io::Result<ScopedJoinHandle<'_, io::Result<u64>>>,
) -> io::Result<u64> {
    let answer = answer.map_err(|error| {
        io::Error::new(error.kind(), format!("no thread for the reply: {error}"))
    })?;
    answer
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the reply thread failed")))
}

/// The line a finished conversation gets: how much each side sent, or what
/// went wrong (counted for the last line, either way).
pub fn conversation(
    peer: &str,
    received: Result<u64, Cut>,
    answered: io::Result<u64>,
) -> io::Result<()> {
    crate::shutdown::count_client(received.as_ref().ok().copied());
    let received = match received {
        Ok(received) => received,
        Err(Cut::Peer(error)) => return Err(explain("while reading", error)),
        Err(Cut::NotKept(NotKept { kept, error })) => {
            crate::shutdown::output_failed();
            return Err(io::Error::new(
                error.kind(),
                format!(
                    "kept only the first {kept} bytes it sent: {error}; the rest \
                     is lost, and the connection reset so that it knows"
                ),
            ));
        }
    };
    let answered = answered.map_err(|error| explain("sending the reply", error))?;
    say(&format!(
        "{peer} sent {received} bytes and got a reply of {answered} bytes"
    ));
    Ok(())
}

/// One line for what went wrong with a client.
fn explain(doing: &str, error: io::Error) -> io::Error {
    let message = match error.kind() {
        ErrorKind::TimedOut => error.to_string(), // -w or --deadline said it
        ErrorKind::ConnectionReset => format!("reset the connection {doing}"),
        ErrorKind::BrokenPipe => format!("went away {doing}"),
        _ => format!("{doing}: {error}"),
    };
    io::Error::new(error.kind(), message)
}

/// A datagram, printed as it is. When stdout is gone, the error comes back
/// (and its sender gets no reply, so it can tell).
pub fn print(datagram: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    let printed = stdout.write_all(datagram).and_then(|()| stdout.flush());
    printed.map_err(|error| {
        crate::shutdown::output_failed();
        io::Error::new(error.kind(), format!("cannot print it: {error}"))
    })
}

/// What recvfrom(2) returned, or after a line for its error, nothing: the
/// listener goes on to the next datagram.
pub fn received<T>(received: nix::Result<T>) -> Option<T> {
    received.map_err(|errno| cannot_receive(errno.into())).ok()
}

/// Receiving failed: a line, and a pause so that an error that repeats
/// cannot spin.
pub fn cannot_receive(error: io::Error) {
    if error.kind() != ErrorKind::Interrupted {
        say(&format!("listener: recvfrom failed: {error}"));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The line for each datagram: its size, its sender, and the reply's fate.
pub fn datagram(
    len: usize,
    sender: Option<&SockaddrStorage>,
    answered: io::Result<usize>,
) {
    let peer =
        sender.map_or("an unnamed socket".into(), |sender| sender.to_string());
    say(&match answered {
        Ok(0) => format!("datagram of {len} bytes from {peer}; no reply sent"),
        Ok(sent) => {
            format!("datagram of {len} bytes from {peer}; replied {sent} bytes")
        }
        Err(error) => {
            format!("datagram of {len} bytes from {peer}; no reply: {error}")
        }
    });
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
                 `sudo setcap cap_net_bind_service+ep ./target/debug/listener`"
            )
        }
        ErrorKind::AddrInUse if args.unix.is_some() => {
            "that path exists already: if no listener uses it, remove it (rm PATH)"
                .into()
        }
        ErrorKind::AddrInUse => "another program is bound to that port (see \
             `ss -ltnup`): stop it, or choose another port with -p"
            .into(),
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

/// The first port an ordinary user may bind, as the kernel says today.
fn unprivileged_port_start() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        .map(|text| text.trim().to_string())
        .unwrap_or_else(|_| "1024".into())
}
