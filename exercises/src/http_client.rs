//! Challenge: a reply framed by its length. An HTTP/1.1 server keeps the
//! connection open after its reply, so reading until end-of-file, as the
//! lesson's client does, waits forever: the reply says where it ends, in
//! its Content-Length header field.
//!
//! Fill in `get` where it says `todo!()`, then check it: the checker plays
//! the server, sends its reply in small pieces, and keeps the connection
//! open.
//!
//!     exercises/check http_client
//!
//! Or try it by hand against Python's server, which keeps the connection
//! open when it speaks HTTP/1.1 (`-p`); in two terminals:
//!
//!     python3 -m http.server -p HTTP/1.1 -b 127.0.0.1 8000
//!     cargo run -q -p exercises --bin exercise_http_client -- 127.0.0.1 8000 /
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, ErrorKind, Read, Write};
use std::net::ToSocketAddrs;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use socket2::{Domain, SockAddr, Socket, Type};
use stdio::say;

/// GET one resource over HTTP/1.1: the body on stdout, the status line on
/// stderr.
#[derive(Parser)]
struct Args {
    /// The server's name or address (127.0.0.1), also its Host header
    host: String,
    /// The server's TCP port
    port: u16,
    /// The resource, as the request line names it: /index.html
    path: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let body = match connect(&args).and_then(|socket| get(socket, &args)) {
        Ok(body) => body,
        Err(error) => return stdio::report("exercise_http_client", &error),
    };
    // The body as it came: bytes, not text, NULs and all.
    let mut stdout = io::stdout().lock();
    match stdout.write_all(&body).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let error = stdio::not_printed(error, "the body");
            stdio::report("exercise_http_client", &error)
        }
    }
}

/// socket(2) and connect(2), as the lesson's client makes them.
fn connect(args: &Args) -> io::Result<Socket> {
    // getaddrinfo(3): the first address HOST PORT names will do.
    let server = (args.host.as_str(), args.port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(ErrorKind::NotFound, "no address for HOST"))?;
    let socket = Socket::new(Domain::for_address(server), Type::STREAM, None)?;
    socket.connect(&SockAddr::from(server))?;
    // SO_RCVTIMEO: a server that stops half-way fails a recv after 5 s.
    socket.set_read_timeout(Some(Duration::from_secs(5)))?;
    Ok(socket)
}

// ANCHOR: get
/// Sends a GET for PATH, says the status line on stderr, and returns the
/// body: exactly Content-Length bytes, read without waiting for the server
/// to close (an HTTP/1.1 server keeps the connection open for the next
/// request, RFC 9112 § 9.3).
fn get(socket: Socket, args: &Args) -> io::Result<Vec<u8>> {
    // 1. send(2) the request: the request line (RFC 9112 § 3), a Host
    //    header field (§ 3.2), each line ended by CRLF, then an empty line:
    //    the server reads the head until it sees that (§ 2.1).
    // 2. recv(2) until the head is whole: it ends at the first CRLF CRLF,
    //    which may come split across two recvs. The bytes after it, in the
    //    same recv, are the start of the body.
    // 3. The first line of the head is the status line (§ 4). Any status
    //    code but 200 is an error: return `io::Error::other(...)` saying
    //    that line, and main prints it on stderr.
    // 4. Find Content-Length among the header fields. RFC 9110 § 5.1:
    //    "Field names are case-insensitive". None at all is an error too.
    //    Then say the status line on stderr.
    // 5. recv(2) until the body holds Content-Length bytes, then stop and
    //    return it: the connection stays open, and the next recv would
    //    wait in vain.
    todo!("send the request; recv the head, then Content-Length bytes")
}
// ANCHOR_END: get
