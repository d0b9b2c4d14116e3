//! Bulk data without copying it through the program. The lessons move
//! bytes with recv(2) and send(2) loops: each byte is copied from the kernel
//! into the program and back. For a gigabyte that copying is the cost, and
//! two system calls let the kernel skip it:
//!
//! - sendfile(2) hands a file's pages to a socket: `-m - < file` sends
//!   the file without reading it into the program.
//! - splice(2) moves pages between a pipe and another descriptor: what a
//!   socket receives goes into a pipe, and from the pipe into a file,
//!   another pipe or /dev/null, again without passing through the program.
//!
//! Each function says `None` when its trick does not apply (standard input
//! is not a file; standard output is a terminal, not a file, a pipe or
//! /dev/null), and the caller takes the lesson's loop instead. Both honour
//! the socket's SO_SNDTIMEO and SO_RCVTIMEO, so a timeout bounds them as it
//! bounds the loop.

use std::fs::File;
use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};

use nix::fcntl::{FcntlArg, SpliceFFlags, fcntl, splice};
use nix::sys::sendfile::sendfile;
use socket2::Socket;

/// The most one call moves; a pipe of this size holds a whole piece.
const PIECE: usize = 1 << 20;

/// Bytes moved so far, and why the moving stopped early.
#[derive(Debug)]
pub struct Stopped {
    pub moved: u64,
    pub error: io::Error,
    /// True when the error is the destination's (a full disk, a closed
    /// pipe), false when it is the source's (the peer reset, a timeout).
    pub writing: bool,
}

// ANCHOR: sendfile
/// sendfile(2) all of `input` to `socket`, if `input` is a regular file;
/// returns the bytes sent. `before_each` runs before each wait on the
/// socket (to set its timeout, or to refuse to wait any more).
pub fn send_file(
    input: impl AsFd,
    socket: impl AsFd,
    mut before_each: impl FnMut() -> io::Result<()>,
) -> Option<Result<u64, Stopped>> {
    let file = File::from(input.as_fd().try_clone_to_owned().ok()?);
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut moved = 0u64;
    loop {
        if let Err(error) = before_each() {
            let stopped = Stopped {
                moved,
                error,
                writing: true,
            };
            return Some(Err(stopped));
        }
        match sendfile(socket.as_fd(), &file, None, PIECE) {
            Ok(0) => return Some(Ok(moved)),
            Ok(sent) => moved += sent as u64,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(errno) => {
                let error = io::Error::from(errno);
                return Some(Err(Stopped {
                    moved,
                    error,
                    writing: true,
                }));
            }
        }
    }
}

// ANCHOR_END: sendfile

// ANCHOR: splice
/// splice(2) everything `socket` receives, until end-of-file, into
/// `output` through a pipe, if `output` can take it (not a terminal);
/// returns the bytes moved. `before_each` runs before each wait on the
/// socket (to set its timeout, or to refuse to wait any more).
pub fn receive_into(
    socket: impl AsFd,
    output: impl AsFd,
    mut before_each: impl FnMut() -> io::Result<()>,
) -> Option<Result<u64, Stopped>> {
    if !takes_splice(&output) {
        return None;
    }
    let (pipe_out, pipe_in) = pipe()?;
    let mut moved = 0u64;
    let stopped = |moved, error, writing| {
        Some(Err(Stopped {
            moved,
            error,
            writing,
        }))
    };
    loop {
        if let Err(error) = before_each() {
            return stopped(moved, error, false);
        }
        let received = match splice(
            socket.as_fd(),
            None,
            &pipe_in,
            None,
            PIECE,
            SpliceFFlags::SPLICE_F_MOVE,
        ) {
            Ok(0) => return Some(Ok(moved)),
            Ok(received) => received,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(errno) if moved == 0 && errno == nix::errno::Errno::EINVAL => {
                return None; // this kind of socket or output cannot splice
            }
            Err(errno) => return stopped(moved, errno.into(), false),
        };
        let mut left = received;
        while left > 0 {
            match splice(
                &pipe_out,
                None,
                output.as_fd(),
                None,
                left,
                SpliceFFlags::SPLICE_F_MOVE,
            ) {
                Ok(written) => left -= written,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(errno) => return stopped(moved, errno.into(), true),
            }
        }
        moved += received as u64;
    }
}

// ANCHOR_END: splice

/// Whether `output` is a file, a pipe or /dev/null: what splice(2) can
/// write to. (A terminal cannot; /dev/full would fail with a misleading
/// EINVAL instead of its ENOSPC.)
fn takes_splice(output: &impl AsFd) -> bool {
    let Ok(owned) = output.as_fd().try_clone_to_owned() else {
        return false;
    };
    let Ok(metadata) = File::from(owned).metadata() else {
        return false;
    };
    let kind = metadata.file_type();
    // /dev/null is the character device 1:3 (devices.txt of the kernel).
    let dev_null =
        kind.is_char_device() && metadata.rdev() == nix::sys::stat::makedev(1, 3);
    kind.is_file() || kind.is_fifo() || dev_null
}

/// A pipe as large as one piece (the default is 64 KiB).
fn pipe() -> Option<(OwnedFd, OwnedFd)> {
    let (read_end, write_end) = nix::unistd::pipe().ok()?;
    // Larger pipes need privilege past /proc/sys/fs/pipe-max-size (1 MiB
    // by default): a smaller pipe only means more calls.
    let _ = fcntl(&write_end, FcntlArg::F_SETPIPE_SZ(PIECE as i32));
    Some((read_end, write_end))
}

/// All of standard input to `socket`: by sendfile(2) from a file, else by
/// the lesson's read and send loop. Returns the bytes sent.
pub fn send_stdin(socket: &Socket) -> io::Result<u64> {
    if let Some(sent) = send_file(io::stdin(), socket, || Ok(())) {
        return sent.map_err(|stopped| stopped.error);
    }
    let mut stdin = BufReader::with_capacity(PIECE, io::stdin().lock());
    io::copy(&mut stdin, &mut &*socket)
}

/// What `socket` receives, until end-of-file, into standard output: by
/// splice(2) where it can, else by the lesson's recv and write loop.
/// Returns the bytes moved.
pub fn receive_to_stdout(socket: &Socket) -> Result<u64, Stopped> {
    if let Some(moved) = receive_into(socket, io::stdout(), || Ok(())) {
        return moved;
    }
    let mut buffer = vec![0u8; PIECE];
    let mut stdout = io::stdout().lock();
    let mut moved = 0;
    loop {
        let len = match (&*socket).read(&mut buffer) {
            Ok(0) => return Ok(moved),
            Ok(len) => len,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => {
                return Err(Stopped {
                    moved,
                    error,
                    writing: false,
                });
            }
        };
        if let Err(error) = stdout.write_all(&buffer[..len]) {
            return Err(Stopped {
                moved,
                error,
                writing: true,
            });
        }
        moved += len as u64;
    }
}
