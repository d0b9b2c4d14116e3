//! Listener: the other end of the course's clients, with netcat's letters.
//!
//!     cargo run -p listener -- -l -p 12345 --reply "I got your message"
//!     cargo run -p stream_client                     # in another terminal
//!
//! Like `echo "I got your message" | nc -l -p 12345`, it prints what a client
//! sends (stdout) and answers with the reply (from --reply, or from standard
//! input when that is not a terminal). A server's system calls come in
//! this order: socket, bind, listen, accept, then recv and send on the
//! accepted socket, and close. `-u` serves UDP (socket, bind, recvfrom,
//! sendto); `--raw` receives raw IP packets. It binds 127.0.0.1 unless told
//! otherwise with -s, so nothing outside this machine can reach it.
#![forbid(unsafe_code)]

mod flags; // the command line: nc's letters, defaults, the reply
mod gather; // where a client's bytes go: stdout, or with -k gathered first
mod hints; // failures turned into one line a student can act on
mod keep; // -k: many clients at once, each on a thread of its own
mod limits; // -w and --deadline: every wait on a client bounded
mod raw; // --raw: each packet decoded field by field and checked
mod raw6; // --raw -6: IPv6 packets, taken one layer down (packet(7))
mod shutdown; // Ctrl-C and SIGTERM: finish clients, tidy up, count

use std::io::{self, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use address::describe;
use nix::sys::socket::{MsgFlags, SockaddrStorage, recvfrom, sendto};
use socket2::{Socket, Type};

use flags::{Args, Reply};
use hints::{Cut, say};
use limits::{Bounded, Limits};

fn main() -> ExitCode {
    let args = flags::parse();
    match listen(&args) {
        Ok(()) => ExitCode::from(shutdown::exit_code()),
        Err(error) => hints::report(&error, &args),
    }
}

fn listen(args: &Args) -> io::Result<()> {
    if let Some(protocol) = args.raw {
        return raw::listen(args, protocol); // --raw: raw.rs
    }
    let reply = flags::reply(args)?;
    let served = match args.udp {
        false => serve_stream(args, &reply),
        true => serve_datagrams(args, reply.bytes()),
    };
    shutdown::remove_socket_file();
    served
}

// ANCHOR: stream
fn serve_stream(args: &Args, reply: &Reply) -> io::Result<()> {
    let (domain, address) = args.local_address()?;
    // socket(AF_INET, SOCK_STREAM, 0); see socket(2) and tcp(7).
    let socket = Socket::new(domain, Type::STREAM, None)?;
    if !address.is_unix() {
        // SO_REUSEADDR: bind even while connections of an earlier run of
        // this port linger in TIME_WAIT, so a listener restarts at once.
        socket.set_reuse_address(true)?;
    }
    // bind(2): claim the address and port.
    let bound = socket.bind(&address);
    bound.map_err(hints::cannot_bind(&address))?;
    // listen(2): from now on the kernel completes handshakes for us; up to
    // 1024 connections wait in its queue (the backlog) until we accept them.
    socket.listen(1024)?;
    shutdown::on_signal(args, "clients", &socket)?; // Ctrl-C: shutdown.rs
    hints::listening(&socket, args)?; // "listening on ADDR": -p 0's port too
    if args.keep {
        return keep::serve(&socket, reply, args); // -k: client after client
    }
    // accept(2): wait for a client; it gets a new socket of its own, while
    // `socket` could go on listening for more.
    let (client, peer) = socket.accept()?;
    let _busy = shutdown::Busy::start(); // Ctrl-C now lets it finish first
    converse(&client, &describe(&peer), reply, args)
    // close(2): `client` and `socket` are dropped here, and that closes them.
}
// ANCHOR_END: stream

// ANCHOR: converse
/// One conversation: recv(2) what the client sends and print it, while a
/// second thread send(2)s the reply: nc, too, does both at once, so neither
/// side waits for the other to finish talking.
pub fn converse(
    client: &Socket,
    peer: &str,
    reply: &Reply,
    args: &Args,
) -> io::Result<()> {
    say(&format!("connection from {peer}"));
    let limits = Limits::new(args); // -w and --deadline (limits.rs)
    let (received, answered) = thread::scope(|scope| {
        let answer = thread::Builder::new()
            .spawn_scoped(scope, || send_reply(limits.bound(client), reply));
        let received = receive(limits.bound(client), args.keep);
        if received.is_err() {
            limits.stop(); // the reply stops too, before its next send
        }
        (received, hints::joined(answer))
    });
    match (&received, &answered) {
        // shutdown(SHUT_WR): FIN, "that is all", once the reply is out and
        // what the client sent is kept: a client that reads until
        // end-of-file (stream_client, nc -N) then knows all went well.
        (Ok(_), Ok(_)) => client.shutdown(Shutdown::Write)?,
        _ => client.set_linger(Some(Duration::ZERO))?, // close(2): RST, not FIN
    }
    hints::conversation(peer, received, answered)
}

/// recv(2) until the client shuts down its side (a read of 0 bytes),
/// keeping what arrives; returns the byte count.
fn receive(mut client: Bounded, keep: bool) -> Result<u64, Cut> {
    // Into a file or pipe, splice(2) does the loop's work, copying nothing
    // through us (limits.rs, the bulk crate): a trace shows splice there.
    if !keep && let Some(moved) = client.splice_into_stdout() {
        return moved.map_err(Cut::from);
    }
    let mut kept = gather::Kept::new(keep); // printed now, or with -k gathered first
    let mut buffer = vec![0u8; kept.buffer_size()];
    loop {
        match client.read(&mut buffer) {
            Ok(0) => return kept.finish().map_err(Cut::NotKept),
            Ok(len) => kept.keep(&buffer[..len]).map_err(Cut::NotKept)?,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => {
                // Reset, gone or silent: what came is printed all the same.
                kept.finish().map_err(Cut::NotKept)?;
                return Err(Cut::Peer(error));
            }
        }
    }
}

/// send(2) the reply; returns its size. (A file on stdin goes by
/// sendfile(2), with no copy through us: limits.rs, the bulk crate.)
fn send_reply(mut client: Bounded, reply: &Reply) -> io::Result<u64> {
    match reply {
        Reply::Bytes(bytes) => client.write_all(bytes).map(|()| bytes.len() as u64),
        Reply::Stdin => client.send_stdin(),
    }
}
// ANCHOR_END: converse

// ANCHOR: datagram
fn serve_datagrams(args: &Args, reply: &[u8]) -> io::Result<()> {
    let (domain, address) = args.local_address()?;
    // socket(AF_INET, SOCK_DGRAM, 0); see socket(2) and udp(7).
    let socket = Socket::new(domain, Type::DGRAM, None)?;
    // SO_RCVBUF: room for datagrams that arrive faster than we print them.
    socket.set_recv_buffer_size(4 << 20)?;
    if !address.is_unix() {
        socket.set_reuse_address(true)?;
    }
    // bind(2): claim the address and port. There is no listen or accept:
    // every datagram arrives on this one socket, each naming its sender.
    let bound = socket.bind(&address);
    bound.map_err(hints::cannot_bind(&address))?;
    shutdown::on_signal(args, "datagrams", &socket)?; // Ctrl-C: shutdown.rs
    hints::listening(&socket, args)?; // "listening on ADDR": -p 0's port too
    let mut datagram = vec![0u8; flags::MAX_DATAGRAM];
    loop {
        if address.is_unix() {
            gather::make_room(&socket, &mut datagram); // AF_UNIX ones may be larger
        }
        // recvfrom(2): the next datagram, and who sent it.
        let received =
            recvfrom::<SockaddrStorage>(socket.as_raw_fd(), &mut datagram);
        let Some((len, sender)) = hints::received(received) else {
            continue; // an error gets its line, and we wait for the next
        };
        let _busy = shutdown::Busy::start();
        shutdown::count_datagram(len);
        let printed = hints::print(&datagram[..len]);
        // sendto(2): the reply goes back to whoever sent this datagram;
        // MSG_DONTWAIT: a peer that cannot take it now goes without.
        let answered = match (&sender, printed) {
            (Some(sender), Ok(())) if !reply.is_empty() => {
                sendto(socket.as_raw_fd(), reply, sender, MsgFlags::MSG_DONTWAIT)
                    .map_err(io::Error::from)
            }
            (_, printed) => printed.map(|()| 0),
        };
        hints::datagram(len, sender.as_ref(), answered);
        if !args.keep {
            return Ok(());
        }
    }
}
// ANCHOR_END: datagram
