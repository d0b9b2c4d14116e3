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

mod conversation; // one client: recv what it sends, send the reply, FIN
mod datagrams; // -u: room for large datagrams, a line for each
mod decode; // --raw: a packet read field by field and checked
mod flags; // the command line: nc's letters, defaults, the reply
mod gather; // where a client's bytes go: stdout, or with -k gathered first
mod hints; // failures turned into one line a student can act on
mod keep; // -k: many clients at once, each on a thread of its own
mod limits; // -w and --deadline: every wait on a client bounded
mod raw; // --raw: a raw socket for one protocol (IPv6 by raw6.rs)
mod raw6; // --raw -6: IPv6 packets, taken one layer down (packet(7))
mod shutdown; // Ctrl-C and SIGTERM: finish clients, tidy up, count
mod tally; // what was served, for the last line and the exit status
mod watch; // the clients being served: who is silent, and ending them

use std::io;
use std::os::fd::AsRawFd;
use std::process::ExitCode;

use address::describe;
use nix::sys::socket::{MsgFlags, SockaddrStorage, recvfrom, sendto};
use socket2::{Socket, Type};

use flags::Args;

fn main() -> ExitCode {
    let args = flags::parse();
    let served = match (args.raw, args.udp) {
        (Some(protocol), _) => raw::listen(&args, protocol), // raw.rs
        (None, false) => serve_stream(&args),
        (None, true) => serve_datagrams(&args),
    };
    shutdown::remove_socket_file();
    match served {
        Ok(()) => ExitCode::from(tally::exit_code()),
        Err(error) => hints::report(&error, &args),
    }
}

// ANCHOR: stream
fn serve_stream(args: &Args) -> io::Result<()> {
    let reply = flags::reply(args)?; // --reply TEXT, or standard input
    let (domain, address) = args.local_address()?;
    // socket(AF_INET, SOCK_STREAM, 0); see socket(2) and tcp(7).
    let socket = Socket::new(domain, Type::STREAM, None)?;
    if !address.is_unix() {
        // SO_REUSEADDR: bind even while connections of an earlier run of
        // this port linger in TIME_WAIT, so a listener restarts at once.
        socket.set_reuse_address(true)?;
    }
    // bind(2): claim the address and port.
    socket
        .bind(&address)
        .map_err(hints::cannot_bind(&address))?;
    // listen(2): from now on the kernel completes handshakes for us; up to
    // 1024 connections wait in its queue (the backlog) until we accept them.
    socket.listen(1024)?;
    shutdown::on_signal(args, "clients", &socket)?; // Ctrl-C: shutdown.rs
    hints::listening(&socket, args)?; // "listening on ADDR": -p 0's port too
    if args.keep {
        return keep::serve(&socket, &reply, args); // -k: client after client
    }
    // accept(2): wait for a client; it gets a new socket of its own, while
    // `socket` could go on listening for more.
    let (client, peer) = socket.accept()?;
    let _busy = tally::Busy::start(); // Ctrl-C now lets it finish first
    // recv(2) what it sends while send(2)ing the reply: conversation.rs
    conversation::converse(&client, &describe(&peer), &reply, args)
    // close(2): `client` and `socket` are dropped here, and that closes them.
}
// ANCHOR_END: stream

// ANCHOR: datagram
fn serve_datagrams(args: &Args) -> io::Result<()> {
    let reply = flags::reply(args)?; // read first: every sender gets it
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
    socket
        .bind(&address)
        .map_err(hints::cannot_bind(&address))?;
    shutdown::on_signal(args, "datagrams", &socket)?; // Ctrl-C: shutdown.rs
    hints::listening(&socket, args)?; // "listening on ADDR": -p 0's port too
    let mut datagram = vec![0u8; flags::MAX_DATAGRAM];
    loop {
        if address.is_unix() {
            // An AF_UNIX datagram may be larger than any UDP one.
            datagrams::make_room(&socket, &mut datagram);
        }
        // recvfrom(2): the next datagram, and who sent it. (nix's recvfrom
        // takes a plain byte buffer; socket2's wants one it may leave
        // uninitialised, which safe code cannot read.)
        let received =
            recvfrom::<SockaddrStorage>(socket.as_raw_fd(), &mut datagram);
        let Some((len, sender)) = datagrams::received(received) else {
            continue; // an error gets its line, and we wait for the next
        };
        let _busy = tally::Busy::start();
        let printed = datagrams::print(&datagram[..len]);
        // sendto(2): the reply goes back to whoever sent this datagram;
        // MSG_DONTWAIT: a peer that cannot take it now goes without.
        let answered = match (&sender, printed) {
            (Some(sender), Ok(())) if !reply.bytes().is_empty() => {
                let reply = reply.bytes();
                sendto(socket.as_raw_fd(), reply, sender, MsgFlags::MSG_DONTWAIT)
                    .map_err(io::Error::from)
            }
            (_, printed) => printed.map(|()| 0),
        };
        datagrams::line(len, sender.as_ref(), answered);
        if !args.keep {
            return Ok(());
        }
    }
}
// ANCHOR_END: datagram
