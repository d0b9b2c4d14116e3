//! The check of the challenge two_clients: a listener that serves clients
//! at the same time. The checker starts your listener on a port it chose,
//! waits until it listens, then plays three clients. Client A sends its
//! message in pieces, a quarter of a second apart, for about two seconds;
//! meanwhile client B sends all of its message and its FIN, and must have
//! its reply within a second, while A is still sending. Then A sends its
//! FIN and must get its reply; then client C, after the first two, shows
//! the listener still accepts. What the listener printed must be each
//! message whole, never one client's bytes between another's.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::program::{Program, Ran, Running};
use crate::verdict::{Verdict, cannot, fail, fail_with};

/// What the listener answers each client.
const REPLY: &[u8] = b"I got your message\n";
/// Client A's message, sent in PIECES pieces, GAP apart.
const MESSAGE_A: &[u8] = b"client A: this message comes slowly,\n\
    in eight pieces, a quarter of a second apart,\n\
    and client B comes and goes meanwhile.\n";
const PIECES: usize = 8;
const GAP: Duration = Duration::from_millis(250);
const MESSAGE_B: &[u8] = b"client B: all at once\n";
const MESSAGE_C: &[u8] = b"client C: the third, after the first two\n";
/// How long B may wait for its reply.
const PROMPT: Duration = Duration::from_secs(1);
/// How long any client waits for its reply before giving up.
const WAIT: Duration = Duration::from_secs(4);

/// What one client did and saw, its times counted from the check's start.
#[derive(Default)]
struct Talk {
    /// When it sent its FIN, its message whole.
    fin: Option<Duration>,
    /// What came back, and when all of REPLY had come.
    reply: Vec<u8>,
    replied: Option<Duration>,
    /// Whether the listener closed the connection (FIN) after the reply.
    closed: bool,
    /// Bytes, or a FIN or a reset, that came before the client's FIN.
    early: Option<String>,
    /// What went wrong on the way: refused, reset.
    error: Option<String>,
}

pub fn check(program: &Program) -> Result<String, Verdict> {
    let name = program.name();
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|socket| socket.local_addr())
        .map_err(|error| cannot(format!("no free port on 127.0.0.1: {error}")))?
        .port(); // and free again: the socket is closed here
    let mut running = program.start(&[&port.to_string()])?;
    if !wait_until_listening(port, &mut running) {
        let why = format!(
            "{name} never listened on 127.0.0.1:{port} (the port it was given) \
             within 3 s"
        );
        return Err(ended(running, program, why));
    }

    let start = Instant::now();
    let (a_began, began) = mpsc::channel();
    let slow = thread::spawn(move || client_a(port, start, a_began));
    let _ = began.recv_timeout(Duration::from_secs(2));
    thread::sleep(GAP);
    let b = client(port, start, MESSAGE_B);
    let a = slow.join().unwrap_or_default();
    let c = client(port, start, MESSAGE_C);
    thread::sleep(Duration::from_millis(100)); // for the last bytes printed
    let exited = !running.running();
    let ran = running.finish(Duration::ZERO);

    if exited {
        return Err(stopped(&ran, program, &[&a, &b, &c]));
    }
    if let Some(early) = &a.early {
        return Err(fail(format!(
            "client A {early} before it had finished its message (before its FIN): \
             recv until it returns 0, then reply"
        )));
    }
    judge_b(&b, &a)?;
    judge_reply("client A", &a)?;
    if c.replied.is_none() {
        return Err(fail_with(
            "after two clients your listener stopped accepting: accept in a loop \
             (client C had no reply)",
            c.error.unwrap_or_default(),
        ));
    }
    judge_reply("client C", &c)?;
    judge_printed(&ran.stdout)?;
    let passed = "client B had its reply at once, while client A was still \
                  sending; then A and C had theirs; you printed each message whole";
    Ok(passed.to_string())
}

impl Talk {
    /// From the client's FIN to the whole reply.
    fn waited(&self) -> Option<Duration> {
        Some(self.replied?.saturating_sub(self.fin?))
    }
}

/// Whether something listens on TCP port `port` (a LISTEN line in
/// /proc/net/tcp, see proc(5)), waiting for it up to 3 s. False when the
/// program exits first, or never does.
fn wait_until_listening(port: u16, running: &mut Running) -> bool {
    let local = format!(":{port:04X}");
    let deadline = Instant::now() + Duration::from_secs(3);
    while running.running() && Instant::now() < deadline {
        let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
        let listening = table.lines().any(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st: st 0A is TCP_LISTEN.
            fields.len() > 3 && fields[1].ends_with(&local) && fields[3] == "0A"
        });
        if listening {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A FAIL for a program that stopped before the end: its own failure when
/// it had one (a panic, an error), else `why`.
fn ended(running: Running, program: &Program, why: String) -> Verdict {
    let ran = running.finish(Duration::ZERO);
    match ran.judge(program, "") {
        Err(verdict) if ran.status.is_some() => verdict,
        _ => fail_with(why, ran.stderr),
    }
}

/// A FAIL for a listener that exited while it had clients to serve.
fn stopped(ran: &Ran, program: &Program, clients: &[&Talk]) -> Verdict {
    let code = ran.status.and_then(|status| status.code());
    if matches!(code, None | Some(101))
        && let Err(verdict) = ran.judge(program, "")
    {
        return verdict; // a panic (a todo!() still there?), or a signal
    }
    let served = clients.iter().filter(|talk| talk.reply == REPLY).count();
    let after = match served {
        0 | 1 => "its first client".to_string(),
        count => format!("{count} clients"),
    };
    fail_with(
        format!(
            "after {after} your listener stopped accepting: accept in a loop \
             ({} exited with status {})",
            program.name(),
            code.map_or("?".to_string(), |code| code.to_string())
        ),
        ran.stderr.trim_end(),
    )
}

/// Client B: its reply, promptly, while A is still sending.
fn judge_b(b: &Talk, a: &Talk) -> Result<(), Verdict> {
    if let Some(error) = &b.error
        && b.fin.is_none()
    {
        return Err(fail(format!(
            "client B could not send its message: {error}"
        )));
    }
    let Some(waited) = b.waited() else {
        if a.reply == REPLY {
            return Err(fail(format!(
                "after its first client your listener stopped accepting: accept in \
                 a loop (client B had no reply after {} s)",
                WAIT.as_secs()
            )));
        }
        return judge_reply("client B", b);
    };
    if waited > PROMPT {
        let while_a = match (a.fin, b.fin) {
            (Some(a_fin), Some(b_fin)) if a_fin > b_fin + PROMPT => {
                " while client A was still sending"
            }
            _ => "",
        };
        return Err(fail(format!(
            "client B waited {:.1} s for its reply{while_a}: serve each client on a \
             thread of its own",
            waited.as_secs_f64()
        )));
    }
    judge_reply("client B", b)
}

/// FAILs for a client that had no reply, a wrong one, or a connection
/// left open after it.
fn judge_reply(who: &str, talk: &Talk) -> Result<(), Verdict> {
    let want = String::from_utf8_lossy(REPLY);
    let got = String::from_utf8_lossy(&talk.reply);
    if let Some(error) = &talk.error
        && (talk.fin.is_none() || talk.replied.is_none())
    {
        return Err(fail(format!("{who}: {error}")));
    }
    if talk.replied.is_none() && !talk.closed {
        return Err(fail(format!(
            "{who} sent its message and its FIN, and had no reply after {} s",
            WAIT.as_secs()
        )));
    }
    if talk.reply != REPLY {
        return Err(fail(format!(
            "{who} got \"{}\" as its reply, not \"{}\"",
            got.escape_debug(),
            want.escape_debug()
        )));
    }
    if !talk.closed {
        return Err(fail(format!(
            "{who} got its reply, but the connection stayed open: close the \
             client's socket once the reply is sent (the client reads until your \
             FIN)"
        )));
    }
    Ok(())
}

/// What the listener printed: each message whole, B's, A's and C's.
fn judge_printed(printed: &[u8]) -> Result<(), Verdict> {
    let messages = [MESSAGE_A, MESSAGE_B, MESSAGE_C];
    let whole = |order: [usize; 3]| order.map(|at| messages[at]).concat();
    let orders = [
        [1, 0, 2],
        [0, 1, 2],
        [1, 2, 0],
        [0, 2, 1],
        [2, 0, 1],
        [2, 1, 0],
    ];
    if orders.iter().any(|&order| printed == whole(order)) {
        return Ok(());
    }
    let shown = String::from_utf8_lossy(printed).into_owned();
    let b_at = printed
        .windows(MESSAGE_B.len())
        .position(|bytes| bytes == MESSAGE_B);
    if let Some(at) = b_at {
        let before = &printed[..at];
        if !before.is_empty()
            && before.len() < MESSAGE_A.len()
            && MESSAGE_A.starts_with(before)
        {
            return Err(fail_with(
                "client A's bytes were printed in two parts with client B's between \
                 them: gather each client's bytes, then print them together",
                shown,
            ));
        }
    }
    Err(fail_with(
        format!(
            "you printed {} bytes, not the three messages ({} bytes), each whole:",
            printed.len(),
            MESSAGE_A.len() + MESSAGE_B.len() + MESSAGE_C.len()
        ),
        shown,
    ))
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let listener = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&listener, Duration::from_secs(1))
}

/// A client that sends `message` all at once, then its FIN, then reads
/// the reply.
fn client(port: u16, start: Instant, message: &[u8]) -> Talk {
    let mut talk = Talk::default();
    let sent = connect(port).and_then(|mut stream| {
        stream.write_all(message)?;
        stream.shutdown(Shutdown::Write)?;
        talk.fin = Some(start.elapsed());
        Ok(stream)
    });
    match sent {
        Ok(mut stream) => read_reply(&mut stream, start, &mut talk),
        Err(error) => talk.error = Some(error.to_string()),
    }
    talk
}

/// Client A: its message in PIECES pieces, GAP apart, looking before each
/// for a reply that came too soon. Says on `began` when the first piece
/// is sent.
fn client_a(port: u16, start: Instant, began: mpsc::Sender<()>) -> Talk {
    let mut talk = Talk::default();
    let mut stream = match connect(port) {
        Ok(stream) => stream,
        Err(error) => {
            talk.error = Some(error.to_string());
            return talk;
        }
    };
    let size = MESSAGE_A.len().div_ceil(PIECES);
    for (index, piece) in MESSAGE_A.chunks(size).enumerate() {
        if index > 0 {
            thread::sleep(GAP);
            if let Some(early) = too_soon(&mut stream) {
                talk.early = Some(early);
                return talk;
            }
        } else {
            let _ = began.send(());
        }
        if let Err(error) = stream.write_all(piece) {
            talk.early = Some(format!("saw its connection fail ({error})"));
            return talk;
        }
    }
    if let Some(early) = too_soon(&mut stream) {
        talk.early = Some(early);
        return talk;
    }
    match stream.shutdown(Shutdown::Write) {
        Ok(()) => talk.fin = Some(start.elapsed()),
        Err(error) => talk.error = Some(error.to_string()),
    }
    read_reply(&mut stream, start, &mut talk);
    talk
}

/// What came from the listener before the client was done: its bytes, its
/// FIN or a reset; None when nothing has come yet.
fn too_soon(stream: &mut TcpStream) -> Option<String> {
    let mut piece = [0u8; 256];
    let _ = stream.set_nonblocking(true);
    let got = stream.read(&mut piece);
    let _ = stream.set_nonblocking(false);
    match got {
        Ok(0) => Some("saw its connection closed".to_string()),
        Ok(len) => Some(format!(
            "got \"{}\" as its reply",
            String::from_utf8_lossy(&piece[..len]).escape_debug()
        )),
        Err(error) if error.kind() == ErrorKind::WouldBlock => None,
        Err(error) => Some(format!("saw its connection fail ({error})")),
    }
}

/// Reads the reply until the listener's FIN, for at most WAIT (and at most
/// a second more once all of REPLY has come).
fn read_reply(stream: &mut TcpStream, start: Instant, talk: &mut Talk) {
    let mut deadline = Instant::now() + WAIT;
    let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
    let mut piece = [0u8; 256];
    while Instant::now() < deadline {
        match stream.read(&mut piece) {
            Ok(0) => {
                talk.closed = true;
                break;
            }
            Ok(len) => talk.reply.extend_from_slice(&piece[..len]),
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(error) => {
                talk.error = Some(error.to_string());
                break;
            }
        }
        if talk.replied.is_none() && talk.reply.len() >= REPLY.len() {
            talk.replied = Some(start.elapsed());
            deadline = deadline.min(Instant::now() + Duration::from_secs(1));
        }
    }
    if talk.closed && talk.replied.is_none() {
        talk.replied = Some(start.elapsed()); // a short reply, judged as such
    }
}
