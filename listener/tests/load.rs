//! The listener under load and against rude peers: many clients at once,
//! big and small; slow, silent and resetting clients; more clients than
//! slots; a flood of datagrams from several senders; Ctrl-C and SIGTERM.
//!
//! `LOAD=full` runs the full sizes (1,000 clients, 100,000 datagrams), as
//! `bench/load` does; the default is a reduced size that suits CI's two
//! cores. All traffic stays on 127.0.0.1.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{Proc, command};

fn full_size() -> bool {
    std::env::var("LOAD").is_ok_and(|size| size == "full")
}

/// Prints a measurement past the test harness's capture.
fn report(line: &str) {
    testkit::say(&format!("load: {line}"));
}

fn listener(args: &[&str]) -> Proc {
    Proc::spawn(command("listener").args(args))
}

/// The peak resident memory of a process, in KiB (VmHWM).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Client `n`'s payload: a header naming it and its length, then a body
/// only it sends. Every 20th client sends 1 MiB.
fn payload(n: usize) -> Vec<u8> {
    let len = if n.is_multiple_of(20) {
        1 << 20
    } else {
        100 + n * 37 % 4000
    };
    let mut payload = format!("client {n:04} sends {len:08}\n").into_bytes();
    payload.extend((0..len).map(|i| b'a' + ((i + n) % 26) as u8));
    payload
}

fn talk(port: u16, message: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    stream.write_all(message).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    reply
}

#[test]
fn serves_many_clients_at_once_each_printed_whole_in_bounded_memory() {
    let clients = if full_size() { 1000 } else { 200 };
    let mut server = listener(&["-k", "-p", "0", "--reply", "I got your message"]);
    let port = server.listening_port();
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|n| thread::spawn(move || talk(port, &payload(n))))
        .collect();
    for (n, thread) in threads.into_iter().enumerate() {
        assert_eq!(
            thread.join().unwrap(),
            b"I got your message\n",
            "client {n}"
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_rss_kib(server.id());
    let (status, printed, log) = server.stop_with("TERM");
    assert!(status.success(), "{log}");
    assert!(log.contains(&format!("clients served {clients},")), "{log}");

    // stdout is every client's payload, each in one piece, each once.
    let mut seen = vec![false; clients];
    let mut rest = printed.as_slice();
    while !rest.is_empty() {
        let header = std::str::from_utf8(&rest[..27]).unwrap();
        let n: usize = header[7..11].parse().unwrap();
        let expected = payload(n);
        assert!(
            rest.starts_with(&expected),
            "client {n}'s bytes are not whole"
        );
        assert!(!seen[n], "client {n} printed twice");
        seen[n] = true;
        rest = &rest[expected.len()..];
    }
    assert!(
        seen.iter().all(|&seen| seen),
        "some clients' bytes are missing"
    );
    report(&format!(
        "{clients} concurrent clients, {} bytes, {seconds:.1} s, peak RSS (VmHWM) {} KiB",
        printed.len(),
        peak
    ));
    assert!(peak < 64 * 1024, "peak RSS {peak} KiB is not under 64 MiB");
}

#[test]
fn slow_and_silent_clients_hold_up_no_one_and_the_silent_are_closed() {
    let mut server = listener(&["-k", "-p", "0", "-w", "4", "--reply", "ok"]);
    let port = server.listening_port();
    let _silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let slow = thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        for byte in b"slow!\n" {
            stream.write_all(&[*byte]).unwrap();
            thread::sleep(Duration::from_millis(250));
        }
        stream.shutdown(Shutdown::Write).unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        reply
    });
    let started = Instant::now();
    for n in 0..20 {
        assert_eq!(talk(port, format!("fast {n}\n").as_bytes()), b"ok\n");
    }
    let fast = started.elapsed();
    assert!(
        fast < Duration::from_millis(1500),
        "fast clients waited {fast:?}"
    );
    assert_eq!(slow.join().unwrap(), b"ok\n");
    server.wait_for_stderr("silent for 4 s, closed (-w)");
    let (printed, _) = server.kill();
    let printed = String::from_utf8(printed).unwrap();
    assert!(
        printed.contains("slow!\n"),
        "the slow client's bytes, whole: {printed}"
    );
    assert_eq!(
        printed
            .lines()
            .filter(|line| line.starts_with("fast "))
            .count(),
        20
    );
}

#[test]
fn a_client_that_resets_is_reported_and_forgotten() {
    let mut server = listener(&["-k", "-p", "0", "--reply", "ok"]);
    let port = server.listening_port();
    let rude =
        socket2::Socket::from(TcpStream::connect(("127.0.0.1", port)).unwrap());
    (&rude).write_all(b"half a mess").unwrap();
    thread::sleep(Duration::from_millis(200));
    // SO_LINGER 0: close(2) sends RST instead of FIN.
    rude.set_linger(Some(Duration::ZERO)).unwrap();
    drop(rude);
    server.wait_for_stderr("reset the connection");
    assert_eq!(talk(port, b"polite\n"), b"ok\n");
    // The reply may reach the client before the listener has printed.
    server.wait_for_stderr("sent 7 bytes");
    let (printed, _) = server.kill();
    assert!(String::from_utf8(printed).unwrap().ends_with("polite\n"));
}

#[test]
fn past_the_client_bound_new_clients_wait_their_turn() {
    let mut server =
        listener(&["-k", "-p", "0", "--max-clients", "2", "--reply", "ok"]);
    let port = server.listening_port();
    let first = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _second = TcpStream::connect(("127.0.0.1", port)).unwrap();
    server.wait_for_stderr("connection from");
    server.wait_for_stderr("connection from");

    let mut third = TcpStream::connect(("127.0.0.1", port)).unwrap();
    third.write_all(b"third\n").unwrap();
    third.shutdown(Shutdown::Write).unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut reply = [0u8; 8];
    let early = third.read(&mut reply);
    assert!(
        early.is_err(),
        "the third client was served past the bound: {early:?}"
    );

    drop(first);
    third
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reply = Vec::new();
    third.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, b"ok\n");
    let (status, _, log) = server.stop_with("INT");
    assert!(status.success(), "{log}");
}

#[test]
fn a_flood_of_datagrams_from_ten_senders_is_counted_and_every_sender_answered() {
    let per_sender = if full_size() { 10_000 } else { 2_000 };
    let senders = 10;
    let mut server = listener(&["-u", "-k", "-p", "0", "--reply", "ok"]);
    let port = server.listening_port();
    let started = Instant::now();
    let threads: Vec<_> = (0..senders)
        .map(|s| {
            thread::spawn(move || {
                let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
                for n in 0..per_sender {
                    let datagram = format!("sender {s} datagram {n:05}\n");
                    socket
                        .send_to(datagram.as_bytes(), ("127.0.0.1", port))
                        .unwrap();
                }
                // Replies that came while sending, then any still coming.
                socket
                    .set_read_timeout(Some(Duration::from_secs(1)))
                    .unwrap();
                let mut replies = 0;
                let mut reply = [0u8; 16];
                while socket.recv(&mut reply).is_ok() {
                    replies += 1;
                }
                // A sender whose burst was all lost asks once more, as a
                // real protocol would retransmit, at most ten times.
                for _ in 0..10 {
                    if replies > 0 {
                        break;
                    }
                    let last = format!("sender {s} asks again\n");
                    socket
                        .send_to(last.as_bytes(), ("127.0.0.1", port))
                        .unwrap();
                    if socket.recv(&mut reply).is_ok() {
                        replies += 1;
                    }
                }
                replies
            })
        })
        .collect();
    let replies: Vec<usize> =
        threads.into_iter().map(|t| t.join().unwrap()).collect();
    let seconds = started.elapsed().as_secs_f64();
    let (status, printed, log) = server.stop_with("TERM");
    assert!(status.success(), "{log}");

    let sent = senders * per_sender;
    let asked_again = String::from_utf8_lossy(&printed)
        .matches("asks again")
        .count();
    let last = log.lines().last().unwrap();
    let served: usize = last
        .split("datagrams served ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let buffer = last.split("receive buffer ").nth(1).unwrap();
    let printed_lines = String::from_utf8(printed).unwrap().lines().count();
    assert_eq!(printed_lines, served, "every datagram counted was printed");
    assert!(served <= sent + asked_again);
    let burst_received = served - asked_again;
    report(&format!(
        "{sent} datagrams from {senders} senders in {seconds:.1} s: {burst_received} \
         received and printed, {} lost ({:.1}%), receive buffer {buffer}; replies per \
         sender {replies:?}, {asked_again} asked again",
        sent - burst_received,
        100.0 * (sent - burst_received) as f64 / sent as f64
    ));
    for (sender, replies) in replies.iter().enumerate() {
        assert!(*replies > 0, "sender {sender} got no reply");
    }
}

#[test]
fn sigterm_and_ctrl_c_stop_the_listener_cleanly() {
    let dir = testkit::temp_dir("load_signals");
    let path = dir.join("course.sock");
    let path = path.to_str().unwrap();
    let mut server = listener(&["-k", "-U", path, "--reply", "ok"]);
    server.listening_address();
    assert!(std::path::Path::new(path).exists());
    let (status, _, log) = server.stop_with("TERM");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(
        log.contains("listener: stopped by SIGTERM: clients served 0"),
        "{log}"
    );
    assert!(
        !std::path::Path::new(path).exists(),
        "the socket file is removed"
    );

    let mut server = listener(&["-u", "-k", "-p", "0", "--reply", "ok"]);
    server.listening_address();
    let (status, _, log) = server.stop_with("INT");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(
        log.contains("stopped by SIGINT (Ctrl-C): datagrams served 0"),
        "{log}"
    );
}
