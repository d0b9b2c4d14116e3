//! dgram_client against our listener, against real `nc -u`, and in each of
//! the failures a student meets.

use std::process::Command;

use testkit::{Proc, command, free_port, have_tool, in_netns, run_with_input};

const REPLY: &str = "I got your message\n";
const GREETING: &str = "Hello from dgram_client\n";

fn listener(args: &[&str]) -> Proc {
    Proc::spawn(command("listener").args(args))
}

fn client_with_input(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let (status, stdout, stderr) =
        run_with_input(command("dgram_client").args(args), stdin);
    (
        status.code().unwrap(),
        String::from_utf8(stdout).unwrap(),
        stderr,
    )
}

fn client(args: &[&str]) -> (i32, String, String) {
    client_with_input(args, b"")
}

#[test]
fn gets_the_reply_from_our_listener_and_names_the_sender() {
    let mut server = listener(&["-u", "-p", "0", "--reply", "I got your message"]);
    let address = server.listening_address();
    let port = server.listening_port().to_string();
    let (code, stdout, stderr) = client(&["127.0.0.1", &port]);
    assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
    assert!(
        stderr.contains(&format!("reply of 19 bytes from {address}")),
        "{stderr}"
    );
    let (status, received, _) = server.finish();
    assert!(status.success());
    assert_eq!(String::from_utf8(received).unwrap(), GREETING);
}

#[test]
fn gets_the_reply_from_nc_exactly_as_the_notes_run_it() {
    if !have_tool("gets_the_reply_from_nc_exactly_as_the_notes_run_it", "nc") {
        return;
    }
    in_netns("gets_the_reply_from_nc_exactly_as_the_notes_run_it", || {
        let nc = Proc::spawn(
            Command::new("sh")
                .args(["-c", r#"echo "I got your message" | nc -l -p 54321 -u"#]),
        );
        testkit::wait_until_bound(54321, true);
        let (code, stdout, stderr) = client(&[]);
        assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
        // nc -u never learns that we are done: stop it.
        let (printed, _) = nc.kill();
        assert_eq!(String::from_utf8(printed).unwrap(), GREETING);
    });
}

#[test]
fn gets_the_reply_from_nc_on_a_free_port() {
    if !have_tool("gets_the_reply_from_nc_on_a_free_port", "nc") {
        return;
    }
    let port = free_port(true).to_string();
    let mut nc =
        Proc::spawn(Command::new("nc").args(["-l", "-u", "127.0.0.1", &port]));
    nc.feed(REPLY.as_bytes());
    testkit::wait_until_bound(port.parse().unwrap(), true);
    let (code, stdout, stderr) = client(&["-m", "over to you", "127.0.0.1", &port]);
    assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
    let (printed, _) = nc.kill();
    assert_eq!(String::from_utf8(printed).unwrap(), "over to you\n");
}

#[test]
fn speaks_ipv6() {
    let port = free_port(true).to_string();
    let mut server =
        listener(&["-u", "-6", "-p", &port, "--reply", "I got your message"]);
    assert_eq!(server.listening_address(), format!("[::1]:{port}"));
    let (code, stdout, stderr) = client(&["::1", &port]);
    assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
    assert!(stderr.contains(&format!("from [::1]:{port}")), "{stderr}");
    let (_, received, _) = server.finish();
    assert_eq!(String::from_utf8(received).unwrap(), GREETING);
}

#[test]
fn speaks_over_a_unix_datagram_socket_and_cleans_up() {
    let dir = testkit::temp_dir("dgram_unix");
    let path = dir.join("course.sock");
    let path = path.to_str().unwrap();
    let mut server = listener(&["-u", "-U", path, "--reply", "I got your message"]);
    assert_eq!(server.listening_address(), path);
    let before = std::fs::read_dir(std::env::temp_dir()).unwrap().count();
    let (code, stdout, stderr) = client(&["-U", path]);
    assert_eq!((code, stdout.as_str()), (0, REPLY), "{stderr}");
    assert!(stderr.contains(&format!("from {path}")), "{stderr}");
    let (status, received, log) = server.finish();
    assert!(status.success());
    assert_eq!(String::from_utf8(received).unwrap(), GREETING);
    // The listener saw the client's own temporary path, which is gone now.
    let client_path = log
        .split("from ")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    assert!(client_path.contains("dgram_client-"), "{log}");
    assert!(
        !std::path::Path::new(client_path).exists(),
        "{client_path} is left"
    );
    assert!(std::fs::read_dir(std::env::temp_dir()).unwrap().count() <= before);
}

#[test]
fn no_reply_within_the_timeout_asks_whether_nc_runs() {
    // A socket bound to the port that never answers: silence.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let (code, stdout, stderr) = client(&["-w", "1", "127.0.0.1", &port]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(
        stderr.contains(&format!("no reply from 127.0.0.1:{port} within 1 s")),
        "{stderr}"
    );
    assert!(stderr.contains("UDP has no connection"), "{stderr}");
    assert!(stderr.contains(&format!("nc -l -p {port} -u")), "{stderr}");
}

#[test]
fn a_closed_port_is_told_at_once_by_the_kernels_port_unreachable() {
    // The client's socket is connected: the ICMP port unreachable comes
    // back to it as ECONNREFUSED, long before -w.
    let port = free_port(true).to_string();
    let started = std::time::Instant::now();
    let (code, _, stderr) = client(&["-w", "5", "127.0.0.1", &port]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "nothing listens at 127.0.0.1:{port}: its kernel answered with ICMP \
             port unreachable"
        )),
        "{stderr}"
    );
}

#[test]
fn localhost_with_ipv6_first_tries_127_0_0_1_next_as_nc_listens_there() {
    // Debian's hosts file gives ::1 first for localhost; nc -l -u listens on
    // IPv4 only. The client must try the next address, as --help says.
    let test = "localhost_with_ipv6_first_tries_127_0_0_1_next_as_nc_listens_there";
    if !have_tool(test, "nc") {
        return;
    }
    in_netns(test, || {
        let dir = testkit::temp_dir("dgram_hosts");
        let hosts = dir.join("hosts");
        std::fs::write(&hosts, "::1 localhost\n127.0.0.1 localhost\n").unwrap();
        let nc = Proc::spawn(
            Command::new("sh")
                .args(["-c", "echo 'I got your message' | exec nc -l -p 54321 -u"]),
        );
        testkit::wait_until_bound(54321, true);
        // A mount namespace of its own, with that hosts file.
        let script = format!(
            "mount --bind {} /etc/hosts && exec {} localhost",
            hosts.display(),
            testkit::bin("dgram_client").display()
        );
        let (status, stdout, stderr) = run_with_input(
            Command::new("unshare").args(["--mount", "sh", "-c", &script]),
            b"",
        );
        assert!(status.success(), "{stderr}");
        assert_eq!(String::from_utf8(stdout).unwrap(), REPLY);
        assert!(
            stderr.contains("nothing listens at [::1]:54321"),
            "::1 first: {stderr}"
        );
        assert!(
            stderr.contains("reply of 19 bytes from 127.0.0.1:54321"),
            "{stderr}"
        );
        drop(nc.kill());
    });
}

#[test]
fn only_the_servers_datagram_is_the_reply() {
    // The server answers first from another port (a stray), then from its
    // own: the connected socket drops the stray.
    let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let answer = std::thread::spawn(move || {
        let mut buffer = [0u8; 100];
        let (_, client) = server.recv_from(&mut buffer).unwrap();
        let stray = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        stray
            .send_to(b"a stray, from another port\n", client)
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        server.send_to(REPLY.as_bytes(), client).unwrap();
    });
    let (code, stdout, stderr) = client(&["-w", "3", "127.0.0.1", &port]);
    answer.join().unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, REPLY);
    assert!(
        stderr.contains(&format!("reply of 19 bytes from 127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn the_largest_ipv4_datagram_goes_and_one_byte_more_is_refused() {
    let mut server = listener(&["-u", "-p", "0", "--reply", "ok"]);
    let port = server.listening_port().to_string();
    let largest = vec![b'x'; 65_507];
    let (code, stdout, stderr) =
        client_with_input(&["-m", "-", "127.0.0.1", &port], &largest);
    assert_eq!((code, stdout.as_str()), (0, "ok\n"), "{stderr}");
    let (_, received, _) = server.finish();
    assert_eq!(received.len(), 65_507);

    let too_large = vec![b'x'; 65_508];
    let (code, _, stderr) =
        client_with_input(&["-m", "-", "127.0.0.1", &port], &too_large);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("65508 bytes; one datagram carries at most 65507"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("sent "),
        "refused before sending: {stderr}"
    );
}

#[test]
fn a_lone_port_number_is_refused_before_anything_is_sent() {
    // `dgram_client 54321` would send to 0.0.212.49, off this machine.
    let (code, stdout, stderr) = client(&["54321"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(stderr.contains("did you mean 127.0.0.1 54321?"), "{stderr}");
    assert!(!stderr.contains("sent "), "{stderr}");
}

#[test]
fn endless_standard_input_is_read_no_further_than_one_datagram() {
    let started = std::time::Instant::now();
    let script = format!(
        "{} -m - < /dev/zero",
        testkit::bin("dgram_client").display()
    );
    let (status, _, stderr) =
        run_with_input(std::process::Command::new("sh").args(["-c", &script]), b"");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("standard input holds more than 65527 bytes"),
        "{stderr}"
    );
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn a_reply_that_cannot_be_printed_is_said_and_the_exit_is_74() {
    // The README's rule for every binary: standard output closed before
    // the reply is printed stops the client with one line, and 74.
    let mut server = listener(&["-u", "-p", "0", "--reply", "pong"]);
    let port = server.listening_port().to_string();
    let mut child = command("dgram_client")
        .args(["127.0.0.1", &port])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader leaves before the reply comes
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(74), "{stderr}");
    assert!(
        stderr.contains(
            "dgram_client: standard output closed (its reader left): the reply is lost"
        ),
        "{stderr}"
    );
    drop(server.kill());
}
