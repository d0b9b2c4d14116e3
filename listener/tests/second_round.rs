//! The hostile run's second round: each case as the command that broke it,
//! and what it must do now.
//! - SIGTERM while a -k client is still sending: what it sent is printed,
//!   its line names it, the last line counts its bytes;
//! - clients that trickle a byte now and then cannot hold every slot: a
//!   normal client is served in seconds;
//! - output cut short (`| head`, /dev/full): the line names the peer and
//!   counts the bytes printed, truly;
//! - --max-spill bounds what one client may spill in TMPDIR;
//! - a client that never sends its FIN is named, and told about nc -N;
//! - -U onto a path that is no socket, or a stale one: the right advice;
//! - --raw into /dev/full: 74.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{Proc, bin, command, in_netns, run_with_input, temp_dir};

fn listener(args: &[&str]) -> Proc {
    Proc::spawn(command("listener").args(args))
}

/// The listener run by `sh -c SCRIPT`, `"$0" "$@"` being the listener and
/// its arguments: for redirections a Command cannot express.
fn listener_in_shell(script: &str, args: &[&str]) -> Proc {
    Proc::spawn(
        Command::new("sh")
            .args(["-c", script])
            .arg(bin("listener"))
            .args(args),
    )
}

/// Connects, sends `bytes`, and keeps the connection open (no FIN).
fn open_with(port: u16, bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(bytes).unwrap();
    stream
}

/// Sends `len` bytes of 'u' and its FIN, reads whatever comes back.
fn upload(port: u16, len: usize) {
    if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
        let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
        let _ = stream.write_all(&vec![b'u'; len]);
        let _ = stream.shutdown(Shutdown::Write);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = stream.read_to_end(&mut Vec::new());
    }
}

#[test]
fn sigterm_prints_what_a_keep_client_had_sent_and_counts_it() {
    let mut server = listener(&["-k", "-p", "0", "--reply", "pong"]);
    let port = server.listening_port();
    let client = open_with(port, b"thirty-one bytes, then a wait\n");
    server.wait_for_stderr("connection from");
    thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let (status, stdout, stderr) = server.stop_with("TERM");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(6), "{stderr}");
    assert_eq!(stdout, b"thirty-one bytes, then a wait\n", "{stderr}");
    assert!(
        stderr.contains(
            "still connected when the listener stopped: closed after 30 bytes \
             (printed)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("clients served 1, bytes received 30"),
        "{stderr}"
    );
    drop(client);
}

#[test]
fn trickling_clients_cannot_hold_every_slot() {
    // 70 clients that send a byte every 10 s against the default 64 slots:
    // a normal client must still be answered within seconds.
    let mut server = listener(&["-k", "-p", "0", "--reply", "pong"]);
    let port = server.listening_port();
    let tricklers: Vec<TcpStream> = (0..70).map(|_| open_with(port, b"t")).collect();
    thread::sleep(Duration::from_millis(2500)); // all silent past 2 s now
    let started = Instant::now();
    let (status, stdout, stderr) = run_with_input(
        command("stream_client")
            .args(["-w", "15", "-m", "normal", "127.0.0.1"])
            .arg(port.to_string()),
        b"",
    );
    let took = started.elapsed();
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout, b"pong\n");
    assert!(
        took < Duration::from_secs(8),
        "a normal client waited {took:?}"
    );
    server.wait_for_stderr("closed to make room for another client");
    drop(tricklers);
    drop(server.kill());
}

#[test]
fn into_head_the_line_names_the_peer_and_counts_what_was_printed() {
    let mut server = listener_in_shell(
        r#""$0" "$@" | head -c 100000 >/dev/null"#,
        &["-p", "0", "--reply", "x"],
    );
    let port = server.listening_port();
    upload(port, 10_000_000);
    let (_, _, stderr) = server.finish();
    let line = stderr
        .lines()
        .find(|line| line.contains("were printed"))
        .unwrap_or_else(|| panic!("no count line: {stderr}"));
    assert!(line.contains("listener: 127.0.0.1:"), "no peer: {line}");
    assert!(line.contains(" bytes, of which "), "{line}");
    let printed: u64 = line
        .split(", of which ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no count: {line}"));
    // head took 100000; what the pipe held when it left was printed too.
    assert!((100_000..=100_000 + (1 << 20)).contains(&printed), "{line}");
}

#[test]
fn into_dev_full_a_keep_client_gets_a_true_count_and_the_exit_is_74() {
    let mut server = listener_in_shell(
        r#"exec "$0" "$@" >/dev/full"#,
        &["-k", "-p", "0", "--reply", "x"],
    );
    let port = server.listening_port();
    upload(port, 10_000_000);
    let line = server.wait_for_stderr("were printed");
    assert!(
        line.contains("sent 10000000 bytes, of which 0 were printed: No space left"),
        "{line}"
    );
    let (status, _, stderr) = server.stop_with("INT");
    assert_eq!(status.code(), Some(74), "{stderr}");
}

#[test]
fn max_spill_bounds_what_one_client_may_spill() {
    let mut server =
        listener(&["-k", "--max-spill", "1", "-p", "0", "--reply", "x"]);
    let port = server.listening_port();
    upload(port, 3 << 20);
    let line = server.wait_for_stderr("were printed");
    // 256 KiB in memory and 1 MiB in the file, printed; the rest lost.
    let kept = (256 << 10) + (1 << 20);
    assert!(
        line.contains(&format!(", of which {kept} were printed")),
        "{line}"
    );
    assert!(line.contains("(1 MiB, --max-spill)"), "{line}");
    let (status, stdout, stderr) = server.stop_with("INT");
    assert_eq!(stdout.len(), kept, "{stderr}");
    assert_eq!(status.code(), Some(74), "{stderr}");
}

#[test]
fn a_client_that_never_closes_its_side_is_named_and_told_about_nc_n() {
    // `echo hi | nc 127.0.0.1 PORT` without -N sends its bytes, never its
    // FIN, and waits.
    let mut server = listener(&["-w", "2", "-p", "0", "--reply", "x"]);
    let port = server.listening_port();
    let client = open_with(port, b"hi\n");
    let (status, stdout, stderr) = server.finish();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(stdout, b"hi\n");
    assert!(
        stderr.contains(
            "sent 3 bytes (printed), then nothing for 2 s, and never closed its side: \
             closed (-w)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("listener: 127.0.0.1:"), "no peer: {stderr}");
    assert!(stderr.contains("only with -N"), "{stderr}");
    drop(client);
}

#[test]
fn a_unix_path_that_is_no_socket_is_left_alone_and_only_a_stale_one_removed() {
    let dir = temp_dir("second_round_unix_paths");
    let file = dir.join("file");
    std::fs::write(&file, "mine").unwrap();
    let stale = dir.join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    for (path, advice) in [
        (
            &file,
            "is a regular file, not a socket, and was left as it is",
        ),
        (&dir.to_path_buf(), "is a folder, not a socket"),
        (
            &stale,
            "is a socket file no listener uses any more: remove it (rm ",
        ),
    ] {
        let (status, _, stderr) =
            run_with_input(command("listener").arg("-U").arg(path), b"");
        assert_eq!(status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(advice), "{}: {stderr}", path.display());
        if path != &stale {
            assert!(!stderr.contains("rm "), "{stderr}");
        }
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    let busy = dir.join("busy.sock");
    let mut first = listener(&["-U", busy.to_str().unwrap(), "--reply", "x"]);
    first.listening_address();
    let (_, _, stderr) =
        run_with_input(command("listener").arg("-U").arg(&busy), b"");
    assert!(stderr.contains("another listener is bound to"), "{stderr}");
    drop(first.kill());
}

#[test]
fn raw_reports_into_dev_full_are_each_one_line_and_the_exit_is_74() {
    in_netns(
        "raw_reports_into_dev_full_are_each_one_line_and_the_exit_is_74",
        || {
            let mut server = listener_in_shell(
                r#"exec "$0" "$@" >/dev/full"#,
                &["--raw", "16", "-c", "1"],
            );
            server.wait_for_stderr("listening on");
            testkit::run(command("raw_sender").args(["-m", "hello"]));
            let (status, _, stderr) = server.finish();
            assert_eq!(status.code(), Some(74), "{stderr}");
            assert!(
                stderr.contains(
                    "the report of a packet of 25 bytes from 127.0.0.1 is lost"
                ),
                "{stderr}"
            );
        },
    );
}
