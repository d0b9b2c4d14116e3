//! stream_client against our listener, against real `nc`, and in each of the
//! failures a student meets.

use std::process::Command;

use testkit::{Proc, command, free_port, have_tool, in_netns, run_with_input};

const REPLY: &str = "I got your message\n";
const GREETING: &str = "Hello from stream_client\n";

fn listener(args: &[&str]) -> Proc {
    Proc::spawn(command("listener").args(args))
}

fn client(args: &[&str]) -> (i32, String, String) {
    let (status, stdout, stderr) =
        run_with_input(command("stream_client").args(args), b"");
    (
        status.code().unwrap(),
        String::from_utf8(stdout).unwrap(),
        stderr,
    )
}

#[test]
fn gets_the_reply_from_our_listener() {
    let mut server = listener(&["-l", "-p", "0", "--reply", "I got your message"]);
    let port = server.listening_port().to_string();
    let (code, stdout, stderr) = client(&["127.0.0.1", &port]);
    assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
    assert!(
        stderr.contains(&format!("connected to 127.0.0.1:{port}")),
        "{stderr}"
    );
    let (status, received, log) = server.finish();
    assert!(status.success(), "{log}");
    assert_eq!(String::from_utf8(received).unwrap(), GREETING);
}

#[test]
fn gets_the_reply_from_nc_exactly_as_the_notes_run_it() {
    if !have_tool("gets_the_reply_from_nc_exactly_as_the_notes_run_it", "nc") {
        return;
    }
    in_netns("gets_the_reply_from_nc_exactly_as_the_notes_run_it", || {
        let mut nc = Proc::spawn(
            Command::new("sh")
                .args(["-c", r#"echo "I got your message" | nc -l -p 12345"#]),
        );
        testkit::wait_until_bound(12345, false);
        // No arguments at all: the defaults are the notes' 127.0.0.1:12345.
        let (code, stdout, stderr) = client(&[]);
        assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
        nc.close_stdin();
        let (status, printed, _) = nc.finish();
        assert!(status.success());
        assert_eq!(String::from_utf8(printed).unwrap(), GREETING);
    });
}

#[test]
fn gets_the_reply_from_nc_on_a_free_port() {
    if !have_tool("gets_the_reply_from_nc_on_a_free_port", "nc") {
        return;
    }
    let port = free_port(false).to_string();
    let mut nc = Proc::spawn(Command::new("nc").args(["-l", "127.0.0.1", &port]));
    nc.feed(REPLY.as_bytes());
    testkit::wait_until_bound(port.parse().unwrap(), false);
    let (code, stdout, stderr) = client(&["-m", "over to you", "127.0.0.1", &port]);
    assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
    let (_, printed, _) = nc.finish();
    assert_eq!(String::from_utf8(printed).unwrap(), "over to you\n");
}

fn ipv6_round_trip(server_args: &[&str], client_args: &[&str]) {
    let mut server =
        listener(&[&["-6", "--reply", "I got your message"], server_args].concat());
    let address = server.listening_address();
    assert!(address.starts_with("[::1]:"), "{address}");
    let (code, stdout, stderr) = client(client_args);
    assert_eq!(
        (code, stdout.as_str()),
        (0, REPLY),
        "{client_args:?}: {stderr}"
    );
    assert!(
        stderr.contains(&format!("connected to {address}")),
        "{stderr}"
    );
    let (_, received, _) = server.finish();
    assert_eq!(String::from_utf8(received).unwrap(), GREETING);
}

#[test]
fn speaks_ipv6_by_address() {
    let port = free_port(false).to_string();
    ipv6_round_trip(&["-p", &port], &["::1", &port]);
}

#[test]
fn speaks_ipv6_to_the_default_port_with_dash_6() {
    in_netns("speaks_ipv6_to_the_default_port_with_dash_6", || {
        ipv6_round_trip(&[], &["-6"]);
    });
}

#[test]
fn speaks_over_a_unix_domain_socket() {
    let dir = testkit::temp_dir("stream_unix");
    let path = dir.join("course.sock");
    let path = path.to_str().unwrap();
    let mut server = listener(&["-U", path, "--reply", "I got your message"]);
    assert_eq!(server.listening_address(), path);
    let (code, stdout, stderr) = client(&["-U", path, "-m", "over unix"]);
    assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
    let (status, received, _) = server.finish();
    assert!(status.success());
    assert_eq!(String::from_utf8(received).unwrap(), "over unix\n");
    assert!(
        !dir.join("course.sock").exists(),
        "the listener removes its socket"
    );
}

#[test]
fn sends_standard_input_of_any_size_unchanged() {
    let payload: Vec<u8> =
        (0..8 << 20).map(|i: u32| (i * 7 + i / 251) as u8).collect();
    let mut server = listener(&["-p", "0", "--reply", "got it"]);
    let port = server.listening_port().to_string();
    let (status, stdout, stderr) = run_with_input(
        command("stream_client").args(["-m", "-", "127.0.0.1", &port]),
        &payload,
    );
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout, b"got it\n");
    let (_, received, _) = server.finish();
    assert!(
        received == payload,
        "the listener printed {} bytes",
        received.len()
    );
}

#[test]
fn connection_refused_says_to_start_nc() {
    let port = free_port(false).to_string();
    let (code, stdout, stderr) = client(&["127.0.0.1", &port]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("stream_client: cannot connect to 127.0.0.1:"),
        "{stderr}"
    );
    assert!(lines[0].contains("Connection refused"), "{stderr}");
    let start_nc = format!(r#"`echo "I got your message" | nc -l -p {port}`"#);
    assert!(lines[1].contains(&start_nc), "{stderr}");
}

#[test]
fn gives_up_when_no_reply_comes_within_the_timeout() {
    // A server that accepts (the kernel does, from the backlog) but never
    // answers and never closes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let started = std::time::Instant::now();
    let (code, _, stderr) = client(&["-w", "1", "127.0.0.1", &port]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no reply from 127.0.0.1:"), "{stderr}");
    assert!(stderr.contains("within 1 s"), "{stderr}");
    assert!(started.elapsed().as_secs_f64() < 10.0);
}

#[test]
fn a_server_that_vanishes_is_reported_in_one_line() {
    // A server that takes the connection, then resets it (SO_LINGER 0).
    let rude = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = rude.local_addr().unwrap().port().to_string();
    let server = std::thread::spawn(move || {
        for _ in 0..2 {
            let (stream, _) = rude.accept().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(200));
            let socket = socket2::Socket::from(stream);
            socket.set_linger(Some(std::time::Duration::ZERO)).unwrap();
        }
    });
    // While reading the reply:
    let (code, _, stderr) = client(&["127.0.0.1", &port]);
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(
        stderr.contains("while reading the reply: Connection reset by peer"),
        "{stderr}"
    );
    // While sending more than the socket buffers hold:
    let big = vec![b'x'; 64 << 20];
    let (status, _, stderr) = run_with_input(
        command("stream_client").args(["-m", "-", "127.0.0.1", &port]),
        &big,
    );
    assert_eq!(status.code(), Some(1));
    assert!(stderr.contains("while sending:"), "{stderr}");
    assert!(
        stderr.contains("Connection reset by peer")
            || stderr.contains("Broken pipe")
    );
    assert!(!stderr.contains("panicked"));
    server.join().unwrap();
}

#[test]
fn tries_every_address_of_a_name_as_nc_does() {
    // Debian's /etc/hosts names localhost ::1 first, and a listener on
    // 127.0.0.1 must still be found. Here a name has two addresses and a
    // listener on one of them, each in turn: whichever getaddrinfo puts
    // first, one run must get past a refused address (as nc without -v, the
    // client names a refused address only when none answers). The test's own
    // /etc/hosts is mounted over the real one, in a mount namespace of the
    // client's own.
    in_netns("tries_every_address_of_a_name_as_nc_does", || {
        let dir = testkit::temp_dir("every_address");
        let hosts = dir.join("hosts");
        std::fs::write(&hosts, "127.0.0.1 course\n127.0.0.2 course\n").unwrap();
        let script = format!(
            "mount --bind {} /etc/hosts && exec {} course",
            hosts.display(),
            testkit::bin("stream_client").display()
        );
        for listening in ["127.0.0.1", "127.0.0.2"] {
            let mut server = listener(&["-s", listening, "--reply", "hi"]);
            server.listening_address();
            let (status, stdout, stderr) = run_with_input(
                Command::new("unshare").args(["--mount", "sh", "-c", &script]),
                b"",
            );
            assert!(status.success(), "{stderr}");
            assert_eq!(String::from_utf8(stdout).unwrap(), "hi\n");
            let connected = format!("connected to {listening}:12345");
            assert_eq!(stderr.lines().last(), Some(connected.as_str()), "{stderr}");
            server.finish();
        }
        std::fs::remove_dir_all(dir).unwrap();
    });
}

#[test]
fn a_lone_port_number_is_refused_with_the_address_it_meant() {
    // `stream_client 12345` would connect to 0.0.48.57, off this machine.
    let (code, stdout, stderr) = client(&["12345"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(stderr.contains("did you mean 127.0.0.1 12345?"), "{stderr}");
    assert!(!stderr.contains("connected"), "{stderr}");
    let (code, _, stderr) = client(&["0.0.0.0"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("names no host: nothing sent"), "{stderr}");
}

#[test]
fn a_reply_followed_by_silence_is_reported_as_it_happened() {
    // A server that replies, then neither reads nor closes.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let talker = std::thread::spawn(move || {
        let (mut stream, _) = server.accept().unwrap();
        std::io::Write::write_all(&mut stream, REPLY.as_bytes()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3));
    });
    let (code, stdout, stderr) = client(&["-w", "1", "127.0.0.1", &port]);
    assert_eq!((code, stdout.as_str()), (1, REPLY), "{stderr}");
    assert!(
        stderr.contains("sent 19 bytes, then nothing for 1 s, and did not close"),
        "{stderr}"
    );
    assert!(!stderr.contains("no reply"), "{stderr}");
    talker.join().unwrap();
}

#[test]
fn a_server_that_never_reads_cannot_hold_the_client_past_its_timeout() {
    // Accepted by the kernel (backlog), never read: sending fills the
    // buffers, then -w bounds the wait for room.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let started = std::time::Instant::now();
    let (status, _, stderr) = run_with_input(
        command("stream_client").args(["-w", "1", "-m", "-", "127.0.0.1", &port]),
        &vec![b'x'; 64 << 20],
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("took none of our bytes for 1 s"),
        "{stderr}"
    );
    assert!(started.elapsed().as_secs() < 10);
    drop(silent);
}

#[test]
fn a_reader_that_leaves_early_ends_the_client_with_74_and_a_line() {
    // The listener's reply is 4 MB; the reader takes one byte and leaves.
    let mut server = Proc::spawn(Command::new("sh").args([
        "-c",
        &format!(
            "head -c 4000000 /dev/zero | {} -p 0",
            testkit::bin("listener").display()
        ),
    ]));
    let port = server.listening_port().to_string();
    let pipeline = format!(
        "{} 127.0.0.1 {port} | head -c 1 >/dev/null; echo \"status ${{PIPESTATUS[0]}}\"",
        testkit::bin("stream_client").display()
    );
    let (status, stdout, stderr) =
        run_with_input(Command::new("bash").args(["-c", &pipeline]), b"");
    assert!(status.success());
    assert_eq!(
        String::from_utf8(stdout).unwrap(),
        "status 74\n",
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "stream_client: standard output closed (its reader left): the rest of \
             the reply is lost"
        ),
        "{stderr}"
    );
    drop(server.kill());
}

/// A pattern no two runs of the same length share with a shifted copy.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[test]
fn a_file_on_standard_input_goes_whole() {
    // A regular file on stdin, 8 MiB, through the read-and-send loop (a
    // pipe is tested by sends_standard_input_...).
    let dir = testkit::temp_dir("stream_file_upload");
    let file = dir.join("upload");
    let payload = pattern(8 << 20);
    std::fs::write(&file, &payload).unwrap();
    let mut server = listener(&["-p", "0", "--reply", "got it"]);
    let port = server.listening_port().to_string();
    let client = Command::new(testkit::bin("stream_client"))
        .args(["-m", "-", "127.0.0.1", &port])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(client.status.success(), "{client:?}");
    assert_eq!(client.stdout, b"got it\n");
    let (_, received, _) = server.finish();
    assert!(
        received == payload,
        "the listener printed {} bytes",
        received.len()
    );
}

#[test]
fn a_reply_into_a_socket_arrives_whole() {
    // stdout a socket, not a pipe or a file; the listener's reply comes
    // from a file on its standard input.
    use std::io::Read;
    use std::os::unix::net::UnixStream;
    let dir = testkit::temp_dir("stream_read_loop");
    let file = dir.join("reply");
    let reply = pattern(4 << 20);
    std::fs::write(&file, &reply).unwrap();
    let mut server = Proc::spawn(Command::new("sh").args([
        "-c",
        &format!(
            "exec {} -p 0 < {}",
            testkit::bin("listener").display(),
            file.display()
        ),
    ]));
    let port = server.listening_port().to_string();
    let (mut ours, theirs) = UnixStream::pair().unwrap();
    let mut client = Command::new(testkit::bin("stream_client"))
        .args(["127.0.0.1", &port])
        .stdin(std::process::Stdio::null())
        .stdout(std::os::fd::OwnedFd::from(theirs))
        .spawn()
        .unwrap();
    let mut received = Vec::new();
    ours.read_to_end(&mut received).unwrap();
    assert!(client.wait().unwrap().success());
    assert!(
        received == reply,
        "the client printed {} bytes",
        received.len()
    );
    server.finish();
}
