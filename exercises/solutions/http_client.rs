//! Solution: the challenge "a reply framed by its length", an HTTP/1.1
//! GET that reads exactly Content-Length bytes of body, and stops there.
//!
//!     exercises/check http_client --solution
#![forbid(unsafe_code)]

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

// ANCHOR: challenge
/// Sends a GET for PATH, says the status line on stderr, and returns the
/// body: exactly Content-Length bytes, read without waiting for the server
/// to close (an HTTP/1.1 server keeps the connection open for the next
/// request, RFC 9112 § 9.3).
fn get(socket: Socket, args: &Args) -> io::Result<Vec<u8>> {
    // RFC 9112 § 3: the request line; § 3.2: Host, the target URI's
    // authority (RFC 9110 § 7.2), port and all; then the empty line that
    // ends the head (RFC 9112 § 2.1).
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}:{}\r\n\r\n",
        args.path, args.host, args.port
    );
    (&socket).write_all(request.as_bytes())?;

    // The head ends at the first CRLF CRLF, which one recv(2) may bring
    // half of: gather until it is there. What follows it begins the body.
    let mut received = Vec::new();
    let mut piece = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = received.windows(4).position(|four| four == b"\r\n\r\n") {
            break at;
        }
        match (&socket).read(&mut piece)? {
            0 => return Err(io::Error::other("the server closed within the head")),
            got => received.extend_from_slice(&piece[..got]),
        }
    };
    let mut body = received.split_off(head_end + 4);
    let head = String::from_utf8_lossy(&received[..head_end]);

    // RFC 9112 § 4: status-line = HTTP-version SP status-code SP reason.
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    if status_line.split(' ').nth(1) != Some("200") {
        return Err(io::Error::other(format!("the server said {status_line}")));
    }
    // RFC 9110 § 5.1: "Field names are case-insensitive".
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .ok_or_else(|| io::Error::other("the reply has no Content-Length"))?;
    say(status_line);

    // RFC 9112 § 6.3: Content-Length bytes are the body; the server says
    // no more, and will not close to tell us so.
    while body.len() < length {
        match (&socket).read(&mut piece)? {
            0 => return Err(io::Error::other("the server closed within the body")),
            got => body.extend_from_slice(&piece[..got]),
        }
    }
    body.truncate(length);
    Ok(body)
}
// ANCHOR_END: challenge
