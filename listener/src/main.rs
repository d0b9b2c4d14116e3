//! Listener: the other end of the course's clients, with netcat's letters.
//!
//!     cargo run -p listener -- -l -p 12345 --reply "I got your message"
//!     cargo run -p stream_client                     # in another terminal
//!
//! Like `echo "I got your message" | nc -l -p 12345`, it prints what a client
//! sends (stdout) and answers with the reply (from --reply, or from standard
//! input when that is a pipe or a file). A server's system calls come in
//! this order: socket, bind, listen, accept, then recv and send on the
//! accepted socket, and close. `-u` serves UDP (socket, bind, recvfrom,
//! sendto); `--raw` receives raw IP packets. It binds 127.0.0.1 unless told
//! otherwise with -s, so nothing outside this machine can reach it.
#![forbid(unsafe_code)]

mod flags; // the command line: nc's letters, defaults, the reply
mod gather; // -k: each client's bytes kept whole, in memory or a file
mod hints; // failures turned into one line a student can act on
mod keep; // -k: many clients at once, each on a thread of its own
mod raw; // --raw: each packet decoded field by field and checked
mod shutdown; // Ctrl-C and SIGTERM: finish clients, tidy up, count

use std::io::{self, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::thread;

use address::describe;
use nix::sys::socket::{MsgFlags, SockaddrStorage, recvfrom, sendto};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use flags::{Args, Reply};
use hints::say;

fn main() -> ExitCode {
    let args = flags::parse();
    match listen(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => hints::report(&error, &args),
    }
}

fn listen(args: &Args) -> io::Result<()> {
    if let Some(protocol) = args.raw {
        return listen_raw(args, protocol);
    }
    let reply = flags::reply(args)?;
    let served = match args.udp {
        false => serve_stream(args, &reply),
        true => serve_datagrams(args, reply.bytes()),
    };
    shutdown::remove_socket_file(args.unix.as_deref());
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
    socket
        .bind(&address)
        .map_err(hints::cannot_bind(&address))?;
    // listen(2): from now on the kernel completes handshakes for us; up to
    // 1024 connections wait in its queue (the backlog) until we accept them.
    socket.listen(1024)?;
    hints::listening(&socket, args)?;
    shutdown::on_signal(args, "clients", &socket)?;
    if args.keep {
        return keep::serve(&socket, reply, args); // -k: client after client
    }
    // accept(2): wait for a client; it gets a new socket of its own, while
    // `socket` could go on listening for more.
    let (client, peer) = socket.accept()?;
    let _busy = shutdown::Busy::start();
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
    // SO_RCVTIMEO and SO_SNDTIMEO: a client silent this long is closed (-w).
    client.set_read_timeout(args.idle())?;
    client.set_write_timeout(args.idle())?;
    let (received, answered) = thread::scope(|scope| {
        let answer = scope.spawn(|| send_reply(client, reply));
        let received = receive(client, args.keep);
        let answered = answer.join();
        (
            received,
            answered.unwrap_or_else(|_| Err(io::Error::other("no reply"))),
        )
    });
    hints::conversation(peer, received, answered, args)
}

/// send(2) the reply, then shutdown(SHUT_WR): FIN, so a client that reads
/// until end-of-file (stream_client, nc) knows it has the whole reply.
fn send_reply(client: &Socket, reply: &Reply) -> io::Result<u64> {
    let mut writer = client;
    let sent = match reply {
        Reply::Bytes(bytes) => writer.write_all(bytes).map(|()| bytes.len() as u64),
        Reply::Stdin => io::copy(&mut flags::stdin(), &mut writer),
    }?;
    client.shutdown(Shutdown::Write)?;
    Ok(sent)
}

/// recv(2) until the client shuts down its side (a read of 0 bytes),
/// printing what arrives; returns the byte count.
fn receive(client: &Socket, keep: bool) -> io::Result<u64> {
    if keep {
        return gather::receive(client); // -k: printed whole, in one piece
    }
    let mut buffer = vec![0u8; flags::COPY_BUFFER];
    let mut stdout = io::stdout().lock();
    let mut received = 0;
    loop {
        let len = match (&mut &*client).read(&mut buffer) {
            Ok(0) => return Ok(received),
            Ok(len) => len,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        stdout.write_all(&buffer[..len])?;
        received += len as u64;
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
    socket
        .bind(&address)
        .map_err(hints::cannot_bind(&address))?;
    hints::listening(&socket, args)?;
    shutdown::on_signal(args, "datagrams", &socket)?;
    let mut datagram = vec![0u8; flags::MAX_DATAGRAM];
    loop {
        // recvfrom(2): the next datagram, and who sent it.
        let (len, sender) =
            recvfrom::<SockaddrStorage>(socket.as_raw_fd(), &mut datagram)?;
        let _busy = shutdown::Busy::start();
        shutdown::count_datagram(len);
        let mut stdout = io::stdout().lock();
        stdout.write_all(&datagram[..len])?;
        stdout.flush()?;
        drop(stdout);
        // sendto(2): the reply goes back to whoever sent this datagram;
        // MSG_DONTWAIT: a peer that cannot take it now goes without.
        let answered = match &sender {
            Some(sender) if !reply.is_empty() => {
                sendto(socket.as_raw_fd(), reply, sender, MsgFlags::MSG_DONTWAIT)
                    .map_err(io::Error::from)
            }
            _ => Ok(0),
        };
        hints::datagram(len, sender.as_ref(), answered);
        if !args.keep {
            return Ok(());
        }
    }
}
// ANCHOR_END: datagram

// ANCHOR: listen_raw
fn listen_raw(args: &Args, protocol: u8) -> io::Result<()> {
    let address = args.raw_address()?;
    // socket(AF_INET, SOCK_RAW, protocol); see raw(7). Each packet of that
    // protocol arrives whole, IPv4 header first. (IPPROTO_RAW, 255, can only
    // send: that is why raw_sender uses it and we cannot.)
    let socket = Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::from(i32::from(protocol))),
    )
    .map_err(hints::no_raw_socket)?;
    // bind(2) to an address: only packets sent to it arrive.
    socket.bind(&SockAddr::from(address))?;
    shutdown::on_signal(args, "packets", &socket)?;
    say(&format!(
        "listening on {} (raw, protocol {protocol})",
        address.ip()
    ));
    raw::serve(&socket, args.count, args.decode)
}
// ANCHOR_END: listen_raw
