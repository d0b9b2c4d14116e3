//! Hostile peers and careless users, one test per case: a peer that cannot
//! take its reply, output that is gone or full, uploads that cannot be
//! kept, clients that trickle, threads that cannot start, socket files that
//! someone replaced, hints that must be true. In each, one peer or one
//! mistake costs a line (or a clear refusal at start), never the listener,
//! and the peer can tell.
//!
//! Traffic stays on 127.0.0.1, in Unix sockets inside the test's own
//! folder, or in a network namespace the test made. A UDP reply too large
//! for a datagram and --raw with an IPv6 address are tested in listener.rs,
//! a stream server that never reads in stream_client's tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixDatagram;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{
    Proc, as_nobody, bin, command, in_netns, run, run_with_input, temp_dir,
};

/// A test's own folder as text, with `name` in it.
fn text(folder: &Path, name: &str) -> String {
    folder.join(name).to_str().unwrap().to_string()
}

fn listener(args: &[&str]) -> Proc {
    Proc::spawn(command("listener").args(args))
}

/// A listener whose spill files (and nothing else) go to `tmp`.
fn listener_in(tmp: &Path, args: &[&str]) -> Proc {
    Proc::spawn(command("listener").env("TMPDIR", tmp).args(args))
}

/// The listener run by `sh -c SCRIPT`, where `"$0" "$@"` is the listener
/// and its arguments: for redirections a Command cannot express.
fn listener_in_shell(script: &str, args: &[&str]) -> Proc {
    Proc::spawn(
        Command::new("sh")
            .args(["-c", script])
            .arg(bin("listener"))
            .args(args),
    )
}

/// A normal dgram_client's exchange with a UDP listener: it must succeed.
fn udp_reply(port: u16) -> String {
    let (status, stdout, stderr) = run_with_input(
        command("dgram_client")
            .args(["-w", "5", "-m", "normal", "127.0.0.1"])
            .arg(port.to_string()),
        b"",
    );
    assert!(status.success(), "a normal UDP client: {stderr}");
    String::from_utf8(stdout).unwrap()
}

/// A normal dgram_client's exchange over a Unix datagram socket; its own
/// socket file goes in `tmp`.
fn unix_datagram_reply(server: &Path, tmp: &Path) -> String {
    let (status, stdout, stderr) = run_with_input(
        command("dgram_client")
            .env("TMPDIR", tmp)
            .args(["-w", "5", "-m", "normal", "-U"])
            .arg(server),
        b"",
    );
    assert!(status.success(), "a normal Unix datagram client: {stderr}");
    String::from_utf8(stdout).unwrap()
}

/// A normal TCP client: send, shut down, read the reply to the end.
fn tcp_reply(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(b"normal\n").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

/// Waits for `count` stderr lines containing `text`; returns them.
fn lines(server: &mut Proc, text: &str, count: usize) -> Vec<String> {
    (0..count).map(|_| server.wait_for_stderr(text)).collect()
}

/// Waits (bounded) for a child that is not a Proc; kills it if it is late.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Waits for the `listening on` line, then a little longer: the listener
/// prints that line just before it installs its signal handlers and notes
/// which file its socket is, and this test must come after both.
fn settled(server: &mut Proc) {
    server.listening_address();
    thread::sleep(Duration::from_millis(200));
}

fn signal(pid: u32, name: &str) {
    run(Command::new("kill").args([&format!("-{name}"), &pid.to_string()]));
}

// A UDP sender that cannot be answered (source port 0, a broadcast source,
// an unreachable source) costs one line, never the listener.
#[test]
fn udp_replies_that_cannot_be_sent_are_a_line_each_and_the_listener_goes_on() {
    in_netns(
        "udp_replies_that_cannot_be_sent_are_a_line_each_and_the_listener_goes_on",
        || {
            let mut server = listener(&["-u", "-k", "-p", "0", "--reply", "pong"]);
            let port = server.listening_port().to_string();
            let senders = [
                (vec!["--sport", "0"], "127.0.0.1:0", "Invalid argument"),
                (
                    vec!["--src", "127.255.255.255"],
                    "127.255.255.255:40000",
                    "Permission denied",
                ),
                // A fresh namespace has no route to 10.9.9.9.
                (
                    vec!["--src", "10.9.9.9"],
                    "10.9.9.9:40000",
                    "Network is unreachable",
                ),
            ];
            for (flags, sender, why) in senders {
                run(command("raw_sender")
                    .args(["--udp", "--dport", &port, "-m", "hi"])
                    .args(&flags));
                let line = server.wait_for_stderr("datagram of 2 bytes");
                assert!(
                    line.contains(&format!("from {sender}; no reply")),
                    "{flags:?}: {line}"
                );
                assert!(line.contains(why), "{flags:?}: {line}");
            }
            assert_eq!(udp_reply(port.parse().unwrap()), "pong\n");
            let (status, printed, log) = server.stop_with("INT");
            assert_eq!(status.code(), Some(0), "{log}");
            assert_eq!(printed, b"hihihinormal\n");
            assert!(log.contains("datagrams served 4"), "{log}");
        },
    );
}

// A Unix datagram sender that never bound a path cannot be answered; it
// gets a line, and the next sender its reply.
#[test]
fn an_unbound_unix_sender_gets_a_line_and_the_next_sender_its_reply() {
    let scratch = temp_dir("hostile_unbound_sender");
    let path = scratch.join("listener.sock");
    let mut server =
        listener(&["-u", "-k", "-U", path.to_str().unwrap(), "--reply", "pong"]);
    server.listening_address();
    let unbound = UnixDatagram::unbound().unwrap();
    unbound.send_to(b"unbound", &path).unwrap();
    let line = server.wait_for_stderr("datagram of 7 bytes");
    assert!(line.contains("from an unnamed socket; no reply"), "{line}");
    assert_eq!(unix_datagram_reply(&path, &scratch), "pong\n");
    let (status, _, log) = server.stop_with("INT");
    assert_eq!(status.code(), Some(0), "{log}");
}

// 200 senders that bind, send, close and unlink before the reply can
// reach them: a line each, and the listener still serves.
#[test]
fn unix_senders_gone_before_their_reply_cost_a_line_each() {
    let scratch = temp_dir("hostile_gone_senders");
    let path = scratch.join("listener.sock");
    let mut server =
        listener(&["-u", "-k", "-U", path.to_str().unwrap(), "--reply", "pong"]);
    server.listening_address();
    for n in 0..200 {
        let own = scratch.join(format!("sender-{n}.sock"));
        let sender = UnixDatagram::bind(&own).unwrap();
        let sent = sender.send_to(b"gone", &path);
        sent.unwrap_or_else(|error| panic!("sender {n}: {error}: listener gone?"));
        drop(sender);
        std::fs::remove_file(&own).unwrap();
    }
    let seen = lines(&mut server, "datagram of 4 bytes", 200);
    assert!(
        seen.iter().any(|line| line.contains("; no reply")),
        "{seen:?}"
    );
    assert_eq!(unix_datagram_reply(&path, &scratch), "pong\n");
    let (status, _, log) = server.stop_with("INT");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("datagrams served 201"), "{log}");
}

// A bound peer that sends more datagrams than its queue holds and never
// reads: the replies that fit go, the rest are a line each, nobody waits
// for it, and its leaving changes nothing.
#[test]
fn a_unix_sender_that_never_reads_makes_nobody_wait() {
    let scratch = temp_dir("hostile_never_reads");
    let path = scratch.join("listener.sock");
    let mut server =
        listener(&["-u", "-k", "-U", path.to_str().unwrap(), "--reply", "pong"]);
    server.listening_address();
    let queue: usize = std::fs::read_to_string("/proc/sys/net/unix/max_dgram_qlen")
        .map_or(10, |text| text.trim().parse().unwrap());
    let count = queue + 5;
    let peer_path = scratch.join("never-reads.sock");
    let peer = UnixDatagram::bind(&peer_path).unwrap();
    for n in 0..count {
        peer.send_to(format!("{n:02}").as_bytes(), &path).unwrap();
    }
    let seen = lines(&mut server, "datagram of 2 bytes", count);
    let dropped: Vec<_> = seen
        .iter()
        .filter(|line| line.contains("; no reply"))
        .collect();
    assert!(!dropped.is_empty(), "{seen:?}");
    assert!(
        dropped
            .iter()
            .all(|line| line.contains("Resource temporarily unavailable")),
        "{dropped:?}"
    );
    assert_eq!(unix_datagram_reply(&path, &scratch), "pong\n");
    // It leaves with our replies unread.
    drop(peer);
    std::fs::remove_file(&peer_path).unwrap();
    assert_eq!(unix_datagram_reply(&path, &scratch), "pong\n");
    let (status, _, log) = server.stop_with("INT");
    assert_eq!(status.code(), Some(0), "{log}");
}

/// A child that is killed and reaped when dropped, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A listener whose stderr is a pipe whose reader took the first line
/// (`listening on ...`) and left; returns it with the port.
fn listener_with_stderr_gone(args: &[&str]) -> (Running, u16) {
    let mut child = command("listener")
        .args(args)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let child = Running(child);
    let (sender, first) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stderr).read_line(&mut line);
        let _ = sender.send(line);
        // The reader (and with it the pipe's read end) is dropped here.
    });
    let line = first.recv_timeout(testkit::PATIENCE).unwrap();
    let port = line
        .split(' ')
        .nth(2)
        .and_then(|address| address.rsplit(':').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (child, port)
}

// With stderr a closed pipe, -k still serves more clients than it has
// slots (a line that cannot be written is no reason to stop), and still
// stops on SIGINT.
#[test]
fn with_stderr_gone_keep_serves_past_its_slots_and_stops_on_sigint() {
    let (mut child, port) =
        listener_with_stderr_gone(&["-k", "-p", "0", "--reply", "pong"]);
    for n in 0..70 {
        assert_eq!(tcp_reply(port), "pong\n", "client {n}");
    }
    signal(child.0.id(), "INT");
    let status = wait_bounded(&mut child.0, testkit::PATIENCE);
    assert_eq!(status.and_then(|status| status.code()), Some(0));
}

// With stderr a closed pipe, without -k (TCP), and with -u, one client or
// one datagram is served and the listener exits 0, not 101 (a panic).
#[test]
fn with_stderr_gone_one_client_or_datagram_is_served_without_a_panic() {
    let (mut child, port) =
        listener_with_stderr_gone(&["-p", "0", "--reply", "pong"]);
    assert_eq!(tcp_reply(port), "pong\n");
    let status = wait_bounded(&mut child.0, testkit::PATIENCE);
    assert_eq!(status.and_then(|status| status.code()), Some(0), "TCP");

    let (mut child, port) =
        listener_with_stderr_gone(&["-u", "-p", "0", "--reply", "pong"]);
    assert_eq!(udp_reply(port), "pong\n");
    let status = wait_bounded(&mut child.0, testkit::PATIENCE);
    assert_eq!(status.and_then(|status| status.code()), Some(0), "UDP");
}

/// stream_client uploading `size` bytes from stdin; its status and stderr.
fn upload(port: u16, size: usize) -> (ExitStatus, String) {
    let (status, _, stderr) = run_with_input(
        command("stream_client")
            .args(["-w", "5", "-m", "-", "127.0.0.1"])
            .arg(port.to_string()),
        &vec![b'x'; size],
    );
    (status, stderr)
}

/// The count in `PEER: sent M bytes, of which N were printed: ...`.
fn kept_count(line: &str) -> usize {
    let after = line.split(", of which ").nth(1);
    let count = after.and_then(|rest| rest.split(' ').next());
    count
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line}"))
}

// -k with no folder to spill in: the listener says how much it kept (at
// most the 256 KiB it holds in memory) and why, and the uploading client,
// reset, fails instead of getting the normal reply. Others are served all
// the same.
#[test]
fn an_upload_that_cannot_be_spilled_is_reported_and_its_client_fails() {
    let scratch = temp_dir("hostile_no_spill");
    let mut server = listener_in(
        &scratch.join("missing"),
        &["-k", "-p", "0", "--reply", "pong"],
    );
    let port = server.listening_port();
    let (status, stderr) = upload(port, 8 << 20);
    assert!(!status.success(), "the client could not tell: {stderr}");
    let line = server.wait_for_stderr("were printed");
    assert!((1..=262_144).contains(&kept_count(&line)), "{line}");
    assert!(line.contains("no temporary file"), "{line}");
    assert!(line.contains("TMPDIR"), "{line}");
    assert_eq!(tcp_reply(port), "pong\n");
    let (status, _, log) = server.stop_with("INT");
    assert_eq!(status.code(), Some(74), "{log}");
}

// What the listener says it kept is the first 256 KiB, and it is printed.
#[test]
fn an_upload_that_cannot_be_spilled_has_its_first_256_kib_printed() {
    let scratch = temp_dir("hostile_no_spill_printed");
    let mut server = listener_in(
        &scratch.join("missing"),
        &["-k", "-p", "0", "--reply", "pong"],
    );
    let port = server.listening_port();
    let (status, stderr) = upload(port, 8 << 20);
    assert!(!status.success(), "the client could not tell: {stderr}");
    let line = server.wait_for_stderr("were printed");
    assert_eq!(tcp_reply(port), "pong\n");
    server.wait_for_stderr("sent 7 bytes");
    let (printed, _) = server.kill();
    assert_eq!(kept_count(&line), 262_144, "{line}");
    let mut expected = vec![b'x'; 262_144];
    expected.extend(b"normal\n");
    assert!(
        printed == expected,
        "printed {} bytes, {:?}...",
        printed.len(),
        String::from_utf8_lossy(&printed[..printed.len().min(20)])
    );
}

// The same with an upload just over 256 KiB: the client has sent it all
// and waits for the reply when the listener gives up on it; it must still
// be told.
#[test]
fn a_client_whose_small_upload_cannot_be_spilled_can_tell() {
    let scratch = temp_dir("hostile_no_spill_small");
    let mut server = listener_in(
        &scratch.join("missing"),
        &["-k", "-p", "0", "--reply", "pong"],
    );
    let port = server.listening_port();
    for attempt in 0..5 {
        let (status, stderr) = upload(port, 300_000);
        server.wait_for_stderr("of which 262144 were printed");
        assert!(!status.success(), "attempt {attempt}: exit 0: {stderr}");
    }
    drop(server.kill());
}

// --deadline bounds a client's whole stay: two clients trickling a byte a
// second cannot hold both slots, and a normal client is served.
#[test]
fn trickling_clients_are_closed_at_the_deadline_and_a_normal_one_is_served() {
    let mut server = listener(&[
        "-k",
        "-p",
        "0",
        "--max-clients",
        "2",
        "--deadline",
        "2",
        "--reply",
        "pong",
    ]);
    let port = server.listening_port();
    let tricklers: Vec<_> = (0..2)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            thread::spawn(move || {
                let started = Instant::now();
                for _ in 0..10 {
                    if stream.write_all(b".").is_err() {
                        break;
                    }
                    thread::sleep(Duration::from_secs(1));
                }
                started.elapsed()
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(300));
    let (status, stdout, stderr) = run_with_input(
        command("stream_client")
            .args(["-w", "5", "-m", "normal", "127.0.0.1"])
            .arg(port.to_string()),
        b"",
    );
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout, b"pong\n");
    for line in lines(&mut server, "closed (--deadline)", 2) {
        assert!(
            line.contains("still there after 2 s, closed (--deadline)"),
            "{line}"
        );
    }
    for trickler in tricklers {
        // Closed at 2 s; a write or two later it learns so.
        assert!(trickler.join().unwrap() < Duration::from_secs(6));
    }
    drop(server.kill());
}

// `listener -k | head -c 1`: once head has gone, a client's bytes cannot
// be printed; the listener says so, and does not blame the client.
#[test]
fn with_stdout_gone_keep_says_what_it_kept_and_why() {
    let mut server = listener_in_shell(
        r#""$0" "$@" | head -c 1 >/dev/null"#,
        &["-k", "-p", "0", "--reply", "pong"],
    );
    let port = server.listening_port();
    assert_eq!(tcp_reply(port), "pong\n"); // head takes a byte, and leaves
    server.wait_for_stderr("sent 7 bytes");
    thread::sleep(Duration::from_millis(300));
    let _ = TcpStream::connect(("127.0.0.1", port)).and_then(|mut stream| {
        stream.write_all(b"later\n")?;
        stream.shutdown(Shutdown::Write)?;
        stream.read_to_end(&mut Vec::new())
    });
    let line = server.wait_for_stderr("were printed");
    assert!(line.contains("Broken pipe"), "{line}");
    let (_, log) = server.kill();
    assert!(!log.contains("went away"), "{log}");
}

// `listener -k | head -c 1`: a client whose bytes could not be printed
// can tell that it was not heard.
#[test]
fn with_stdout_gone_a_keep_client_can_tell() {
    let mut server = listener_in_shell(
        r#""$0" "$@" | head -c 1 >/dev/null"#,
        &["-k", "-p", "0", "--reply", "pong"],
    );
    let port = server.listening_port();
    assert_eq!(tcp_reply(port), "pong\n");
    server.wait_for_stderr("sent 7 bytes");
    thread::sleep(Duration::from_millis(300));
    let (status, stdout, stderr) = run_with_input(
        command("stream_client")
            .args(["-w", "5", "-m", "later", "127.0.0.1"])
            .arg(port.to_string()),
        b"",
    );
    server.wait_for_stderr("were printed");
    assert!(
        !status.success(),
        "exit 0, printed {:?}: {stderr}",
        String::from_utf8_lossy(&stdout)
    );
    drop(server.kill());
}

// -u with stdout on /dev/full: each datagram is a line and no reply (its
// sender can tell), the listener goes on, and its exit status says that
// output failed.
#[test]
fn with_stdout_full_udp_keeps_serving_and_exits_74() {
    let mut server = listener_in_shell(
        r#"exec "$0" "$@" >/dev/full"#,
        &["-u", "-k", "-p", "0", "--reply", "pong"],
    );
    let port = server.listening_port().to_string();
    for n in 0..2 {
        let (status, stdout, stderr) = run_with_input(
            command("dgram_client").args([
                "-w",
                "1",
                "-m",
                "hi",
                "127.0.0.1",
                &port,
            ]),
            b"",
        );
        assert_eq!(status.code(), Some(1), "datagram {n}: {stderr}");
        assert!(stdout.is_empty());
        let line = server.wait_for_stderr("datagram of 3 bytes");
        assert!(line.contains("; no reply"), "{line}");
        assert!(line.contains("cannot print it"), "{line}");
    }
    let (status, _, log) = server.stop_with("INT");
    assert_eq!(status.code(), Some(74), "{log}");
    assert!(log.contains("datagrams served 2"), "{log}");
}

// dgram_client: a Unix datagram server whose queue is full makes sendto(2)
// wait; -w bounds that wait, and the client's socket file goes.
#[test]
fn dgram_client_gives_up_at_w_when_a_unix_server_never_reads() {
    let scratch = temp_dir("hostile_full_server");
    let path = scratch.join("server.sock");
    let server = UnixDatagram::bind(&path).unwrap();
    let filler = UnixDatagram::unbound().unwrap();
    filler.set_nonblocking(true).unwrap();
    let mut queued = 0;
    while queued < 10_000 && filler.send_to(b"fill", &path).is_ok() {
        queued += 1;
    }
    assert!(queued < 10_000, "the server's queue never filled");
    let started = Instant::now();
    let mut client = Proc::spawn(
        command("dgram_client")
            .env("TMPDIR", &*scratch)
            .args(["-w", "1", "-m", "hi", "-U"])
            .arg(&path),
    );
    client.close_stdin();
    let (status, _, stderr) = client.finish();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5), "{stderr}");
    assert!(stderr.contains("cannot send to"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&scratch)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().starts_with("dgram_client-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    drop(server);
}

// A Unix datagram larger than any UDP one is printed whole.
#[test]
fn a_100000_byte_unix_datagram_is_printed_whole() {
    let scratch = temp_dir("hostile_big_unix_datagram");
    let path = scratch.join("listener.sock");
    let mut server =
        listener(&["-u", "-U", path.to_str().unwrap(), "--reply", "pong"]);
    server.listening_address();
    let message = "x".repeat(99_999); // and the newline -m adds
    let (status, stdout, stderr) = run_with_input(
        command("dgram_client")
            .env("TMPDIR", &*scratch)
            .args(["-w", "5", "-m", &message, "-U"])
            .arg(&path),
        b"",
    );
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout, b"pong\n");
    let (status, printed, log) = server.finish();
    assert!(status.success(), "{log}");
    assert_eq!(printed.len(), 100_000, "{log}");
    assert!(log.contains("datagram of 100000 bytes"), "{log}");
}

// The same, the datagram from standard input (`-m -`).
#[test]
fn a_100000_byte_unix_datagram_from_standard_input_is_printed_whole() {
    let scratch = temp_dir("hostile_big_unix_datagram_stdin");
    let path = scratch.join("listener.sock");
    let mut server =
        listener(&["-u", "-U", path.to_str().unwrap(), "--reply", "pong"]);
    server.listening_address();
    let (status, stdout, stderr) = run_with_input(
        command("dgram_client")
            .env("TMPDIR", &*scratch)
            .args(["-w", "5", "-m", "-", "-U"])
            .arg(&path),
        &vec![b'x'; 100_000],
    );
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout, b"pong\n");
    let (status, printed, log) = server.finish();
    assert!(status.success(), "{log}");
    assert_eq!(printed.len(), 100_000, "{log}");
}

// -k reads its reply first; endless standard input is refused at the
// stated maximum, at once (and the address space limit keeps a listener
// that would read on from eating the machine).
#[test]
fn an_endless_keep_reply_is_refused_at_its_maximum() {
    let started = Instant::now();
    let (status, _, stderr) = run_with_input(
        Command::new("sh")
            .args(["-c", r#"ulimit -v 1048576; exec "$0" -k -p 0 </dev/zero"#])
            .arg(bin("listener")),
        b"",
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("-k keeps at most 16777216"), "{stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// The threads (tasks) whose real user is nobody, machine-wide: what
/// RLIMIT_NPROC counts.
fn nobody_tasks() -> usize {
    // ps exits 1 when nobody runs anything: only its output counts.
    let output = Command::new("ps")
        .args(["-L", "-U", "65534", "-o", "tid="])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).lines().count()
}

/// True once a socket listens on TCP `port`, as /proc/net/tcp says.
fn tcp_listening_within(port: u16, limit: Duration) -> bool {
    let wanted = format!(":{port:04X}");
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
        if table.lines().any(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.len() > 3 && fields[1].ends_with(&wanted) && fields[3] == "0A"
        }) {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    false
}

/// One try of row 15: `listener -k` as nobody, allowed `threads` threads
/// beyond what nobody runs now. Err when nobody's count changed under us
/// (the listener could not start, or the client was served after all).
fn serve_without_threads(threads: usize, expected: &str) -> Result<(), String> {
    let limit = nobody_tasks() + threads;
    // The copies of the binaries that nobody runs live as long as `nobody`.
    let nobody =
        as_nobody(command("listener").args(["-k", "-p", "7000", "--reply", "pong"]));
    let mut limited = Command::new("prlimit");
    limited
        .arg(format!("--nproc={limit}"))
        .arg(nobody.get_program())
        .args(nobody.get_args())
        .current_dir(nobody.get_current_dir().unwrap());
    let mut server = Proc::spawn(&mut limited);
    if !tcp_listening_within(7000, Duration::from_secs(5)) {
        return Err(format!("no listener under --nproc={limit}"));
    }
    for n in 0..2 {
        let (status, stdout, stderr) = run_with_input(
            command("stream_client").args([
                "-w",
                "5",
                "-m",
                "hi",
                "127.0.0.1",
                "7000",
            ]),
            b"",
        );
        if stdout == b"pong\n" {
            return Err(format!("client {n} was served under --nproc={limit}"));
        }
        assert!(stdout.is_empty(), "{status}: {stderr}");
        let line = server.wait_for_stderr(expected);
        assert!(line.contains("127.0.0.1:"), "{line}");
    }
    let (status, _, log) = server.stop_with("INT");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    Ok(())
}

// Where no thread can start, each client that needs one fails alone (a
// line, then closed), and the listener still stops on SIGINT.
#[test]
fn clients_that_get_no_thread_are_closed_and_the_listener_goes_on() {
    in_netns(
        "clients_that_get_no_thread_are_closed_and_the_listener_goes_on",
        || {
            // The main thread and the signal thread may run; a client's
            // thread may not, and then, one more allowed, its reply's.
            for (threads, expected) in
                [(2, "no thread to serve it"), (3, "no thread for the reply")]
            {
                let mut tries = Vec::new();
                while tries.len() < 3 {
                    match serve_without_threads(threads, expected) {
                        Ok(()) => break,
                        Err(why) => tries.push(why),
                    }
                }
                assert!(tries.len() < 3, "{expected}: {tries:?}");
            }
        },
    );
}

// A signal removes only the socket file the listener made: a file put in
// its place stays.
#[test]
fn a_signal_leaves_the_file_that_replaced_the_socket() {
    let scratch = temp_dir("hostile_replaced_socket");
    for (signal, name) in [("INT", "SIGINT"), ("TERM", "SIGTERM"), ("HUP", "SIGHUP")]
    {
        let path = scratch.join(format!("{name}.sock"));
        let mut server =
            listener(&["-U", path.to_str().unwrap(), "--reply", "pong"]);
        settled(&mut server);
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "a student's notes\n").unwrap();
        let (status, _, log) = server.stop_with(signal);
        assert_eq!(status.code(), Some(0), "{name}: {log}");
        assert!(log.contains(&format!("stopped by {name}")), "{log}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "a student's notes\n",
            "{name}"
        );
    }
}

// SIGHUP (the terminal closed) tidies up as Ctrl-C does.
#[test]
fn sighup_removes_the_socket_file_the_listener_made() {
    let scratch = temp_dir("hostile_sighup");
    for kind in [&[][..], &["-u"][..]] {
        let path = scratch.join("listener.sock");
        let path_text = path.to_str().unwrap();
        let mut server = listener(
            &[kind, &["-k", "-U", path_text, "--reply", "pong"][..]].concat(),
        );
        settled(&mut server);
        assert!(path.exists());
        let (status, _, log) = server.stop_with("HUP");
        assert_eq!(status.code(), Some(0), "{kind:?}: {log}");
        assert!(!path.exists(), "{kind:?}: the socket file is left");
    }
}

/// dgram_client -U waiting for a reply from a server that never sends one,
/// stopped by Ctrl-C (SIGINT); its status, stderr, and its socket file.
fn interrupt_waiting_dgram_client(folder: &Path) -> (ExitStatus, String, PathBuf) {
    let path = folder.join("silent.sock");
    let _ = std::fs::remove_file(&path);
    let silent = UnixDatagram::bind(&path).unwrap();
    let mut client = Proc::spawn(
        command("dgram_client")
            .env("TMPDIR", folder)
            .args(["-w", "20", "-m", "hi", "-U"])
            .arg(&path),
    );
    client.wait_for_stderr("sent 3 bytes");
    let own = folder.join(format!("dgram_client-{}.sock", client.id()));
    assert!(own.exists(), "{}", own.display());
    let mut datagram = [0u8; 16];
    let (len, from) = silent.recv_from(&mut datagram).unwrap();
    assert_eq!(&datagram[..len], b"hi\n");
    assert_eq!(from.as_pathname(), Some(own.as_path()));
    let (status, _, stderr) = client.stop_with("INT");
    (status, stderr, own)
}

// Ctrl-C on dgram_client -U, waiting for a reply that never comes, removes
// its socket file, and the client ends with an error status.
#[test]
fn ctrl_c_on_a_waiting_unix_dgram_client_removes_its_socket_file() {
    let scratch = temp_dir("hostile_client_ctrl_c");
    let (status, stderr, own) = interrupt_waiting_dgram_client(&scratch);
    assert!(!status.success(), "{status}: {stderr}");
    assert!(!own.exists(), "{} is left", own.display());
}

// ... and exits as a shell expects of a program Ctrl-C ended: 130.
#[test]
fn ctrl_c_on_a_waiting_unix_dgram_client_exits_130() {
    let scratch = temp_dir("hostile_client_ctrl_c_130");
    for attempt in 0..20 {
        let (status, stderr, _) = interrupt_waiting_dgram_client(&scratch);
        assert_eq!(status.code(), Some(130), "attempt {attempt}: {stderr}");
    }
}

// A Unix socket path in a folder the user may not write to gets the
// folder's hint, not the one about ports.
#[test]
fn a_socket_path_in_a_folder_not_ours_gets_the_folder_hint() {
    in_netns(
        "a_socket_path_in_a_folder_not_ours_gets_the_folder_hint",
        || {
            let scratch = temp_dir("hostile_root_folder");
            std::fs::set_permissions(
                &scratch,
                std::os::unix::fs::PermissionsExt::from_mode(0o755),
            )
            .unwrap();
            let path = text(&scratch, "x.sock");
            for kind in [&[][..], &["-u"][..]] {
                let mut nobody =
                    as_nobody(command("listener").args(kind).args(["-U", &path]));
                let (status, _, stderr) = run_with_input(&mut nobody, b"");
                assert_eq!(status.code(), Some(77), "{kind:?}: {stderr}");
                assert!(stderr.contains("Permission denied"), "{stderr}");
                assert!(stderr.contains("a folder of your own"), "{stderr}");
                assert!(!stderr.contains("ports below"), "{stderr}");
            }
        },
    );
}

// A path too long for sun_path says the limit, in the listener and in both
// clients.
#[test]
fn a_socket_path_past_sun_path_is_refused_with_the_107_byte_limit() {
    let scratch = temp_dir("hostile_long_path");
    let folder = text(&scratch, "");
    let path = format!("{folder}{}", "x".repeat(108 - folder.len()));
    assert_eq!(path.len(), 108);
    for (program, args) in [
        ("listener", vec!["-U", &path]),
        ("listener", vec!["-u", "-U", &path]),
        ("stream_client", vec!["-U", &path]),
        ("dgram_client", vec!["-U", &path]),
    ] {
        let (status, stdout, stderr) = run_with_input(
            command(program).env("TMPDIR", &*scratch).args(&args),
            b"",
        );
        assert_eq!(status.code(), Some(1), "{program} {args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("at most 107 bytes"), "{program}: {stderr}");
        assert!(!stderr.contains("such as 127.0.0.1"), "{program}: {stderr}");
        assert!(!Path::new(&path).exists());
    }
}

// -6 with an IPv4 address is refused, not quietly bound as IPv4.
#[test]
fn dash_6_with_an_ipv4_address_is_refused() {
    for kind in [&[][..], &["-u"][..]] {
        let (status, _, stderr) = run_with_input(
            command("listener").args(kind).args([
                "-6",
                "-s",
                "127.0.0.1",
                "-p",
                "0",
            ]),
            b"",
        );
        // Bad arguments, refused before anything happens: status 2.
        assert_eq!(status.code(), Some(2), "{kind:?}: {stderr}");
        assert!(stderr.contains("-6 asks for IPv6"), "{stderr}");
        assert!(!stderr.contains("listening on"), "{stderr}");
    }
}

// --raw bound to an address not of this machine: the hint does not offer
// -6, which --raw refuses.
#[test]
fn raw_bind_to_a_foreign_address_gets_a_hint_without_dash_6() {
    in_netns(
        "raw_bind_to_a_foreign_address_gets_a_hint_without_dash_6",
        || {
            let (status, _, stderr) = run_with_input(
                command("listener").args(["--raw", "16", "-s", "10.1.1.1"]),
                b"",
            );
            assert_eq!(status.code(), Some(1), "{stderr}");
            assert!(
                stderr.contains("Cannot assign requested address"),
                "{stderr}"
            );
            assert!(
                stderr.contains("not an address of this machine"),
                "{stderr}"
            );
            assert!(!stderr.contains("-6"), "{stderr}");
        },
    );
}
