//! The check of the challenge http_client: a reply framed by its length.
//! The checker plays an HTTP/1.1 server on 127.0.0.1, on a port of its
//! choosing. It reads your request up to the blank line that ends it, then
//! sends its reply in small pieces with pauses between them (the head cut
//! mid-line and inside its CRLF CRLF), and keeps the connection open
//! afterwards, as a server does for the next request (RFC 9112 § 9.3).
//! Four replies: a binary body (NUL bytes, bytes that are not UTF-8), the
//! same with its field names in lower case, a 404, and one without
//! Content-Length (chunked). Each body must come out byte for byte, at
//! once after its last byte; the other two must end in status 1.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::program::{Program, Ran, Running};
use crate::verdict::{Verdict, cannot, fail, fail_with};

/// Between two pieces of a reply: long enough that each comes in a recv
/// of its own.
const PAUSE: Duration = Duration::from_millis(20);
/// Before the last piece, a longer pause, longer than AT_ONCE: a program
/// that takes a silence for the end of the body either stops before the
/// last piece, or exits too late after it.
const LAST_PAUSE: Duration = Duration::from_millis(500);
/// How long the connection stays open after the last byte of the reply.
const HOLD: Duration = Duration::from_secs(3);
/// An exit this soon after the last byte is "at once".
const AT_ONCE: Duration = Duration::from_millis(400);
/// How long the server waits for the blank line that ends the request.
const REQUEST_WAIT: Duration = Duration::from_secs(2);

/// One reply the checker sends, and what the program must make of it.
struct Reply {
    path: &'static str,
    /// The status line, the header fields, and the empty line.
    head: String,
    body: Vec<u8>,
    /// Offsets in head and body together where a new piece begins.
    cuts: Vec<usize>,
    expect: Expect,
}

enum Expect {
    /// Print the body; the head names its length with this field name.
    Body { field: &'static str },
    /// Print nothing and exit with status 1, for this reason.
    Refusal { why: &'static str },
}

pub fn check(program: &Program) -> Result<String, Verdict> {
    let binary = body(6000, 0x2545_f491);
    let second = body(2500, 0x9e37_79b9);
    let replies = [
        framed("/challenge/reply.bin", "Content-Length", &binary, 3, 700),
        framed("/files/second.bin", "content-length", &second, 2, 500),
        refused(
            "/missing.txt",
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\
             Content-Length: 13\r\n\r\nno such file\n",
            "a status other than 200 is an error: say it in one line on stderr, \
             print nothing on stdout, and exit with status 1",
        ),
        refused(
            "/chunked.txt",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\
             Transfer-Encoding: chunked\r\n\r\nc\r\nhello world\n\r\n0\r\n\r\n",
            "without Content-Length (this reply is chunked, RFC 9112 § 7.1) the \
             body has no length to read: say so in one line on stderr, print \
             nothing on stdout, and exit with status 1",
        ),
    ];
    for reply in &replies {
        exchange(program, reply)?;
    }
    Ok(format!(
        "you printed both bodies byte for byte ({} and {} bytes, NULs and all), \
         each at once after its last byte with the connection still open; a 404 \
         and a reply without Content-Length ended in status 1",
        binary.len(),
        second.len()
    ))
}

/// `len` bytes of body that are not text: NUL bytes, bytes that are not
/// UTF-8, and a CRLF CRLF of its own. It begins with a NUL.
fn body(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed;
    let mut bytes: Vec<u8> = (0..len)
        .map(|_| {
            // xorshift32: the same bytes every run.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    for at in (0..len).step_by(37) {
        bytes[at] = 0;
    }
    bytes[100..104].copy_from_slice(b"\r\n\r\n");
    bytes
}

/// A 200 whose length is in the field `field`: cut in the status line,
/// inside the field's name, after `blank_cut` bytes of the CRLF CRLF, then
/// every `every` bytes of body.
fn framed(
    path: &'static str,
    field: &'static str,
    body: &[u8],
    blank_cut: usize,
    every: usize,
) -> Reply {
    let head = format!(
        "HTTP/1.1 200 OK\r\nDate: Mon, 02 Mar 2026 10:00:00 GMT\r\n\
         Content-Type: application/octet-stream\r\n{field}: {}\r\n\
         Cache-Control: no-store\r\n\r\n",
        body.len()
    );
    let field_at = head.find(field).unwrap_or(0);
    let blank_at = head.len() - 4;
    let mut cuts = vec![10, field_at + 10, blank_at + blank_cut, head.len() + 50];
    cuts.extend((head.len() + 50 + every..head.len() + body.len()).step_by(every));
    Reply {
        path,
        head,
        body: body.to_vec(),
        cuts,
        expect: Expect::Body { field },
    }
}

/// A reply the program must refuse, cut once in its head.
fn refused(path: &'static str, reply: &str, why: &'static str) -> Reply {
    let head_len = reply.find("\r\n\r\n").map_or(reply.len(), |at| at + 4);
    Reply {
        path,
        head: reply[..head_len].to_string(),
        body: reply.as_bytes()[head_len..].to_vec(),
        cuts: vec![20],
        expect: Expect::Refusal { why },
    }
}

impl Reply {
    fn status_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    /// The whole reply, in pieces.
    fn pieces(&self) -> Vec<Vec<u8>> {
        let whole = [self.head.as_bytes(), &self.body].concat();
        let mut pieces = Vec::new();
        let mut from = 0;
        for &cut in self.cuts.iter().chain([&whole.len()]) {
            if cut > from && cut <= whole.len() {
                pieces.push(whole[from..cut].to_vec());
                from = cut;
            }
        }
        pieces
    }
}

/// Runs the program against one reply and judges what it did.
fn exchange(program: &Program, reply: &Reply) -> Result<(), Verdict> {
    let name = program.name();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
        .map_err(|error| cannot(format!("cannot listen on 127.0.0.1: {error}")))?;
    let port = listener
        .local_addr()
        .map_err(|error| cannot(format!("no port on 127.0.0.1: {error}")))?
        .port();
    let mut running =
        program.start(&["127.0.0.1", &port.to_string(), reply.path])?;

    let Some(mut server) = accept(&listener, &mut running) else {
        let why = format!("{name} exited without connecting to 127.0.0.1:{port}");
        return Err(ended(running, program, why));
    };
    let request = read_request(&mut server);
    if !request.windows(4).any(|four| four == b"\r\n\r\n") {
        return Err(no_request(running, program, &request));
    }
    judge_request(&request, reply.path, port)?;

    // The reply, piece by piece. A write that fails means the program has
    // gone: what it did is judged below.
    let _ = server.set_nodelay(true);
    let pieces = reply.pieces();
    for (index, piece) in pieces.iter().enumerate() {
        match reply.expect {
            Expect::Body { .. } if index > 0 && index + 1 == pieces.len() => {
                thread::sleep(LAST_PAUSE)
            }
            _ if index > 0 => thread::sleep(PAUSE),
            _ => {}
        }
        if server.write_all(piece).is_err() {
            break;
        }
    }
    let last_byte = Instant::now();
    while running.running() && last_byte.elapsed() < HOLD {
        thread::sleep(Duration::from_millis(10));
    }
    let after = last_byte.elapsed();
    let still_reading = running.running();
    drop(server); // close(2): our FIN, at last
    let ran = running.finish(Duration::ZERO);
    if still_reading {
        return Err(fail_with(waiting(program, reply), ran.stderr.trim_end()));
    }
    match reply.expect {
        Expect::Body { field } => judge_framed(&ran, program, reply, field, after),
        Expect::Refusal { why } => judge_refused(&ran, program, reply, why),
    }
}

/// The FAIL for a program still running HOLD after the last byte.
fn waiting(program: &Program, reply: &Reply) -> String {
    let (name, hold) = (program.name(), HOLD.as_secs_f64());
    match reply.expect {
        Expect::Body { .. } => format!(
            "{name} was still reading {hold:.1} s after the last byte of the \
             reply: the server keeps the connection open (HTTP/1.1): stop after \
             Content-Length bytes (and find the blank line, \\r\\n\\r\\n, \
             that ends the head even when it comes split across two recvs)"
        ),
        Expect::Refusal { why } => format!(
            "after \"{}\" {name} was still waiting {hold:.1} s later: {why}",
            reply.status_line()
        ),
    }
}

/// A 200 with its length: the body printed, at once, the status line said.
fn judge_framed(
    ran: &Ran,
    program: &Program,
    reply: &Reply,
    field: &str,
    after: Duration,
) -> Result<(), Verdict> {
    let name = program.name();
    let stderr = ran.stderr.trim_end();
    let code = ran.status.and_then(|status| status.code());
    if field != "Content-Length" && code == Some(1) {
        let why = format!(
            "the reply said \"{field}: {}\", and {name} exited with status 1: \
             header names are case-insensitive (RFC 9110 § 5.1), so compare \
             them ignoring case",
            reply.body.len()
        );
        return Err(fail_with(why, stderr));
    }
    ran.judge(program, "")?;
    judge_body(&ran.stdout, &reply.body)?;
    if after > AT_ONCE {
        return Err(fail(format!(
            "{name} exited {:.1} s after the last byte of the body: it waited \
             for the server to go quiet; stop as soon as Content-Length \
             bytes have come",
            after.as_secs_f64()
        )));
    }
    let status = reply.status_line();
    if !stderr.lines().any(|line| line == status) {
        let why = format!("the body is right; now say \"{status}\" on stderr");
        return Err(fail_with(why, stderr));
    }
    Ok(())
}

/// A reply to refuse: nothing printed, exit status 1.
fn judge_refused(
    ran: &Ran,
    program: &Program,
    reply: &Reply,
    why: &str,
) -> Result<(), Verdict> {
    let status = reply.status_line();
    let code = ran.status.and_then(|status| status.code());
    if !matches!(code, Some(0) | Some(1)) {
        ran.judge(program, "")?;
    }
    if !ran.stdout.is_empty() {
        let printed = ran.stdout.len();
        return Err(fail_with(
            format!("after \"{status}\" you printed {printed} bytes: {why}"),
            shown(&ran.stdout),
        ));
    }
    if code == Some(0) {
        let name = program.name();
        return Err(fail_with(
            format!("after \"{status}\" {name} exited with status 0: {why}"),
            ran.stderr.trim_end(),
        ));
    }
    Ok(())
}

/// The program's connection, once it connects; None if it exits first or
/// has not connected after 3 s.
fn accept(listener: &TcpListener, running: &mut Running) -> Option<TcpStream> {
    let deadline = Instant::now() + Duration::from_secs(3);
    while running.running() && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) if stream.set_nonblocking(false).is_ok() => {
                return Some(stream);
            }
            _ => thread::sleep(Duration::from_millis(10)),
        }
    }
    None
}

/// A FAIL for a program that stopped (or should have) before the end: its
/// own failure when it had one (a panic, an error), else `why`.
fn ended(running: Running, program: &Program, why: String) -> Verdict {
    let ran = running.finish(Duration::ZERO);
    match ran.judge(program, "") {
        Err(verdict) if ran.status.is_some() => verdict,
        _ => fail_with(why, ran.stderr),
    }
}

/// What the program sent, up to and with the blank line that ends the
/// head: at most 8 KiB, in at most REQUEST_WAIT.
fn read_request(server: &mut TcpStream) -> Vec<u8> {
    let deadline = Instant::now() + REQUEST_WAIT;
    let _ = server.set_read_timeout(Some(Duration::from_millis(50)));
    let mut request = Vec::new();
    let mut piece = [0u8; 1024];
    while Instant::now() < deadline && request.len() < 8192 {
        match server.read(&mut piece) {
            Ok(0) => break,
            Ok(got) => request.extend_from_slice(&piece[..got]),
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
        if request.windows(4).any(|four| four == b"\r\n\r\n") {
            break;
        }
    }
    request
}

/// A FAIL for a request that never ended with its blank line.
fn no_request(mut running: Running, program: &Program, request: &[u8]) -> Verdict {
    let name = program.name();
    if request.is_empty() {
        // Closed without a word: most likely the program stopped. Give it
        // a moment to be seen stopped.
        let deadline = Instant::now() + Duration::from_secs(1);
        while running.running() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        let why = format!(
            "{name} connected but sent no request within {} s: the server speaks \
             only after the request",
            REQUEST_WAIT.as_secs()
        );
        return ended(running, program, why);
    }
    let why = if request.windows(2).any(|two| two == b"\n\n") {
        "the server waits for the blank line that ends the headers: \\r\\n\\r\\n; \
         your lines end in \\n alone, and HTTP ends each in CRLF (RFC 9112 § 2.1)"
            .to_string()
    } else {
        format!(
            "the server waits for the blank line that ends the headers: \
             \\r\\n\\r\\n (RFC 9112 § 2.1); after {} s your request had none:",
            REQUEST_WAIT.as_secs()
        )
    };
    fail_with(why, shown(request))
}

/// FAILs for a wrong request line or Host header field.
fn judge_request(request: &[u8], path: &str, port: u16) -> Result<(), Verdict> {
    let text = String::from_utf8_lossy(request);
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let wanted = format!("GET {path} HTTP/1.1");
    if request_line != wanted {
        return Err(fail_with(
            format!(
                "your request line is \"{}\", not \"{wanted}\": method SP \
                 request-target SP HTTP-version (RFC 9112 § 3)",
                request_line.escape_debug()
            ),
            shown(request),
        ));
    }
    let host = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim());
    let authority = format!("127.0.0.1:{port}");
    match host {
        None => Err(fail_with(
            "your request has no Host header field: HTTP/1.1 requires one \
             (RFC 9112 § 3.2)",
            shown(request),
        )),
        Some(host) if host != "127.0.0.1" && host != authority => Err(fail_with(
            format!(
                "your Host header field says \"{host}\": it names the server, as \
                 HOST PORT do: \"{authority}\" (RFC 9110 § 7.2)"
            ),
            shown(request),
        )),
        Some(_) => Ok(()),
    }
}

/// FAILs for a body printed wrong, naming the likely mistake.
fn judge_body(printed: &[u8], body: &[u8]) -> Result<(), Verdict> {
    if printed == body {
        return Ok(());
    }
    let (have, want) = (printed.len(), body.len());
    if printed.starts_with(b"HTTP/") {
        return Err(fail_with(
            "you printed the status line and the header fields with the body: \
             print only what follows the blank line (\\r\\n\\r\\n) that ends the \
             head; the status line goes to stderr",
            shown(&printed[..head_end(printed).min(have)]),
        ));
    }
    if printed.starts_with(b"\r\n") {
        return Err(fail(
            "your output begins with \\r\\n: the body begins after all four \
             bytes of the blank line's \\r\\n\\r\\n",
        ));
    }
    if have < want && body.starts_with(printed) {
        return Err(fail(format!(
            "you printed {have} of {want} bytes: the reply came in pieces; read \
             until Content-Length bytes of body have come"
        )));
    }
    let replacement = "\u{fffd}".as_bytes();
    if printed.windows(3).any(|three| three == replacement) {
        return Err(fail(
            "you printed U+FFFD (bytes ef bf bd) where the body has bytes that are \
             not UTF-8: the body went through a String; print it as the bytes it \
             is (Vec<u8>, write_all)",
        ));
    }
    if have > want && printed.starts_with(body) {
        return Err(fail(format!(
            "you printed {have} bytes, and Content-Length said {want}: print the \
             body and nothing more"
        )));
    }
    let at = printed.iter().zip(body).take_while(|(a, b)| a == b).count();
    Err(fail_with(
        format!(
            "you printed {have} bytes, the body is {want}; they differ from byte \
             {at} on:"
        ),
        format!(
            "body:    {}\nprinted: {}",
            shown_line(&body[at..(at + 24).min(want)]),
            shown_line(&printed[at..(at + 24).min(have)])
        ),
    ))
}

/// Where the head ends in `bytes`, its CRLF CRLF with it; or their end.
fn head_end(bytes: &[u8]) -> usize {
    let blank = bytes.windows(4).position(|four| four == b"\r\n\r\n");
    blank.map_or(bytes.len(), |at| at + 4)
}

/// Bytes as text, one line each, with \r, \n and the rest escaped.
fn shown(bytes: &[u8]) -> String {
    bytes
        .split_inclusive(|&byte| byte == b'\n')
        .map(shown_line)
        .collect::<Vec<_>>()
        .join("\n")
}

fn shown_line(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}
