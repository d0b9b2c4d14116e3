//! The check of the challenge udp_retry. The checker plays the server on
//! 127.0.0.1, on a port of its choosing, twice:
//!
//! - A server that drops your first three datagrams and answers the
//!   fourth, and, just before it answers, a stray datagram from another
//!   port: you must print the answer, byte for byte, and not the stray.
//! - A server that never answers: you must give up after five tries, 3.1 s
//!   after the first, with a line on stderr and exit status 1.
//!
//! The waits are measured between the datagrams the server gets.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use crate::program::{Program, Ran};
use crate::verdict::{Verdict, cannot, fail, fail_with};

/// What the program sends, each try.
const MESSAGE: &[u8] = b"Hello from exercise_udp_retry\n";
/// The server's answer: its NULs are part of it, to be printed as they are.
const REPLY: &[u8] = b"I got your message\0on your 4th try\n\0";
/// What another socket sends the program, just before the answer.
const STRAY: &[u8] = b"a stray datagram, from another port\n";
/// The waits after each try, in ms: 3.1 s in all.
const WAITS: [u64; 5] = [100, 200, 400, 800, 1600];
/// The try the first server answers.
const ANSWERED_TRY: usize = 4;

/// A datagram the server got, and when.
struct Heard {
    at: Duration,
    bytes: Vec<u8>,
}

pub fn check(program: &Program) -> Result<String, Verdict> {
    answered_on_the_fourth_try(program)?;
    never_answered(program)?;
    Ok(format!(
        "you printed the answer to your try {ANSWERED_TRY} byte for byte and not \
         the stray, and gave up after 5 tries and 3.1 s of silence"
    ))
}

/// The first server: drops tries 1 to 3, answers the 4th after a stray.
fn answered_on_the_fourth_try(program: &Program) -> Result<(), Verdict> {
    let (ran, heard, server) = serve(program, true, Duration::from_secs(3))?;
    if ran.status.and_then(|status| status.code()) == Some(101) {
        ran.judge(program, "")?; // a panic, at a todo!() perhaps
    }
    let tries = &heard[..heard.len().min(ANSWERED_TRY)];
    judge_tries(program, &ran, tries)?;
    if tries.len() < ANSWERED_TRY {
        return Err(fail_with(
            format!(
                "the server answers your try {ANSWERED_TRY}, but you gave up after \
                 {}: make {} tries, with waits of 100, 200, 400, 800 and 1600 ms",
                tries.len(),
                WAITS.len()
            ),
            ran.stderr.clone(),
        ));
    }
    if heard.len() > ANSWERED_TRY {
        return Err(fail_with(
            format!(
                "the server answered your try {ANSWERED_TRY} from {server}, yet you \
                 sent {} more: a reply ends the asking",
                heard.len() - ANSWERED_TRY
            ),
            ran.stderr.clone(),
        ));
    }
    judge_reply(&ran.stdout)?;
    ran.judge(program, "the reply came: print it, and exit")?;
    if !ran.stderr.contains(&server.to_string()) {
        return Err(fail_with(
            format!("say on stderr who sent the reply: {server}"),
            ran.stderr.clone(),
        ));
    }
    Ok(())
}

/// The second server: silent. Five tries, then a line on stderr and exit 1.
fn never_answered(program: &Program) -> Result<(), Verdict> {
    let total: u64 = WAITS.iter().sum();
    let (ran, heard, server) = serve(program, false, Duration::from_millis(5500))?;
    if ran.status.and_then(|status| status.code()) == Some(101) {
        ran.judge(program, "")?;
    }
    if ran.status.is_none() {
        return Err(fail_with(
            format!(
                "you never gave up: still waiting after {:.1} s, {} datagram(s) \
                 sent to a server that never answers; after {} tries ({} ms of \
                 waiting) say so on stderr and exit 1",
                ran.took.as_secs_f64(),
                heard.len(),
                WAITS.len(),
                waits_text(&WAITS)
            ),
            ran.stderr.clone(),
        ));
    }
    if heard.len() > WAITS.len() {
        return Err(fail(format!(
            "too many tries: you sent {} datagrams to a server that never answers; \
             give up after {}",
            heard.len(),
            WAITS.len()
        )));
    }
    judge_tries(program, &ran, &heard)?;
    if heard.len() < WAITS.len() {
        return Err(fail_with(
            format!(
                "too few tries: you gave up after {} datagram(s); make {}, with \
                 waits of {} ms",
                heard.len(),
                WAITS.len(),
                waits_text(&WAITS)
            ),
            ran.stderr.clone(),
        ));
    }
    let last_wait = ran.took.saturating_sub(heard[heard.len() - 1].at);
    if !close(last_wait, WAITS[WAITS.len() - 1]) {
        return Err(fail(format!(
            "after your last try you waited {} ms before giving up: wait {} ms, as \
             long as the doubling says ({} ms in all)",
            last_wait.as_millis(),
            WAITS[WAITS.len() - 1],
            total
        )));
    }
    match ran.status.and_then(|status| status.code()) {
        Some(1) => {}
        Some(code) => {
            return Err(fail_with(
                format!(
                    "no reply from {server} after {} tries, and you exited with \
                     status {code}: giving up is a failure, exit 1",
                    WAITS.len()
                ),
                ran.stderr.clone(),
            ));
        }
        None => ran.judge(program, "")?, // killed by a signal
    }
    if !ran.stdout.is_empty() {
        return Err(fail(format!(
            "no reply came, yet you printed {} bytes on stdout: stdout is for the \
             reply alone",
            ran.stdout.len()
        )));
    }
    if ran.stderr.trim().is_empty() {
        return Err(fail(
            "you gave up without a word: say on stderr that no reply came",
        ));
    }
    Ok(())
}

/// Plays the server for one run of the program: `answer` the 4th
/// datagram (after a stray from another port) or none. What the program
/// did, what the server heard, and the server's address.
fn serve(
    program: &Program,
    answer: bool,
    limit: Duration,
) -> Result<(Ran, Vec<Heard>, SocketAddr), Verdict> {
    let bind = |what: &str| {
        UdpSocket::bind("127.0.0.1:0").map_err(|error| {
            cannot(format!("cannot bind {what} on 127.0.0.1: {error}"))
        })
    };
    let server = bind("a UDP socket for the server")?;
    let address = server
        .local_addr()
        .map_err(|error| cannot(error.to_string()))?;
    let poll = Some(Duration::from_millis(5));
    server
        .set_read_timeout(poll)
        .map_err(|error| cannot(error.to_string()))?;
    let started = Instant::now();
    let mut running = program.start(&["127.0.0.1", &address.port().to_string()])?;
    let mut heard: Vec<Heard> = Vec::new();
    let mut buffer = vec![0u8; 65535];
    let mut done = false;
    // Until the program exits (then what is left queued) or the limit.
    loop {
        match server.recv_from(&mut buffer) {
            Ok((len, from)) => {
                heard.push(Heard {
                    at: started.elapsed(),
                    bytes: buffer[..len].to_vec(),
                });
                if answer && heard.len() == ANSWERED_TRY {
                    let stray = bind("a socket for the stray datagram")?;
                    let _ = stray.send_to(STRAY, from);
                    // The stray first, by a margin the program cannot miss.
                    thread::sleep(Duration::from_millis(30));
                    let _ = server.send_to(REPLY, from);
                }
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock) => {
                if done {
                    break;
                }
                done = !running.running() || started.elapsed() > limit;
            }
            Err(error) => {
                return Err(cannot(format!("the server's recvfrom: {error}")));
            }
        }
    }
    Ok((running.finish(limit), heard, address))
}

/// The tries the server heard: each the message, at the right waits.
fn judge_tries(
    program: &Program,
    ran: &Ran,
    tries: &[Heard],
) -> Result<(), Verdict> {
    let Some(first) = tries.first() else {
        ran.judge(program, "the server got no datagram from it")?;
        return Err(fail_with(
            "the server got no datagram from you: send the message to the HOST and \
             PORT on your command line",
            ran.stderr.clone(),
        ));
    };
    if let Some(other) = tries.iter().find(|heard| heard.bytes != MESSAGE) {
        return Err(fail(format!(
            "the server got {:?}, not the message {:?}",
            String::from_utf8_lossy(&other.bytes),
            String::from_utf8_lossy(MESSAGE)
        )));
    }
    if tries.len() == 1 {
        let after = match ran.status {
            Some(_) => format!(
                "gave up after {} ms",
                ran.took.saturating_sub(first.at).as_millis()
            ),
            None => {
                format!("were still waiting after {:.1} s", ran.took.as_secs_f64())
            }
        };
        return Err(fail(format!(
            "no retry: you sent one datagram and {after}; UDP may lose it, or its \
             answer: after {} ms of silence send it again",
            WAITS[0]
        )));
    }
    let gaps: Vec<Duration> = tries
        .windows(2)
        .map(|pair| pair[1].at - pair[0].at)
        .collect();
    let expected = &WAITS[..gaps.len()];
    if gaps
        .iter()
        .zip(expected)
        .all(|(gap, wait)| close(*gap, *wait))
    {
        return Ok(());
    }
    let measured: Vec<u64> = gaps.iter().map(|gap| gap.as_millis() as u64).collect();
    let fixed = measured
        .iter()
        .all(|gap| close(Duration::from_millis(*gap), measured[0]));
    if fixed && measured.len() > 1 {
        return Err(fail(format!(
            "your waits were {} ms: double the wait after each silence ({} ms)",
            waits_text(&measured),
            waits_text(expected)
        )));
    }
    Err(fail(format!(
        "your waits were {} ms; they should be {} ms: start at {} ms and double \
         the wait after each silence",
        waits_text(&measured),
        waits_text(expected),
        WAITS[0]
    )))
}

/// What the program printed, against the reply the server sent.
fn judge_reply(printed: &[u8]) -> Result<(), Verdict> {
    if printed == REPLY {
        return Ok(());
    }
    let details = format!(
        "you printed: {}\nthe reply:   {}",
        escaped(printed),
        escaped(REPLY)
    );
    if printed.starts_with(STRAY) {
        return Err(fail_with(
            "you printed the stray datagram, which came from another port, not from \
             the server: only the server's datagram is the reply. connect(2) the \
             socket to the server (the kernel then drops anyone else's datagrams), \
             or compare recvfrom's sender with it",
            details,
        ));
    }
    if printed.len() > REPLY.len() && printed.starts_with(REPLY) {
        return Err(fail(format!(
            "you printed {} bytes: the {}-byte reply, then {} more that were only \
             the buffer's: print just the bytes recv returned (its length says how \
             many)",
            printed.len(),
            REPLY.len(),
            printed.len() - REPLY.len()
        )));
    }
    if REPLY.starts_with(printed) || printed.len() < REPLY.len() {
        return Err(fail_with(
            format!(
                "you printed {} bytes of the {}-byte reply: it holds NULs, in the \
                 middle and at the end; print every byte recv returned, as bytes",
                printed.len(),
                REPLY.len()
            ),
            details,
        ));
    }
    Err(fail_with(
        "what you printed is not the reply, byte for byte",
        details,
    ))
}

/// Whether a measured wait is the expected one, give or take what a busy
/// machine adds to a timer (and takes from the gap after a late wakeup).
fn close(measured: Duration, expected_ms: u64) -> bool {
    let ms = measured.as_secs_f64() * 1000.0;
    let expected = expected_ms as f64;
    ms >= expected * 0.6 && ms <= expected * 1.4 + 100.0
}

/// `100, 200, 400`.
fn waits_text(waits: &[u64]) -> String {
    let waits: Vec<String> = waits.iter().map(u64::to_string).collect();
    waits.join(", ")
}

/// Bytes as Rust writes a byte string: printable ASCII as is, the rest
/// escaped (`\0`, `\n`), cut after 80.
fn escaped(bytes: &[u8]) -> String {
    let shown: String = bytes
        .iter()
        .take(80)
        .flat_map(|byte| std::ascii::escape_default(*byte))
        .map(char::from)
        .collect();
    match bytes.len() > 80 {
        true => format!("\"{shown}\"... ({} bytes)", bytes.len()),
        false => format!("\"{shown}\""),
    }
}
