//! The listener as the server of real `nc` and of our clients, serving many
//! at once, and in each of the failures a student meets.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::thread;

use testkit::{Proc, as_nobody, command, have_tool, in_netns, run_with_input};

fn listener(args: &[&str]) -> Proc {
    Proc::spawn(command("listener").args(args))
}

fn listener_fails(args: &[&str]) -> (i32, String) {
    let (status, stdout, stderr) =
        run_with_input(command("listener").args(args), b"");
    assert!(stdout.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    (status.code().unwrap(), stderr)
}

#[test]
fn serves_nc_as_a_tcp_client() {
    if !have_tool("serves_nc_as_a_tcp_client", "nc") {
        return;
    }
    let mut server = listener(&["-l", "-p", "0", "--reply", "I got your message"]);
    let port = server.listening_port().to_string();
    let (status, stdout, _) = run_with_input(
        Command::new("nc").args(["-N", "127.0.0.1", &port]),
        b"hello from nc\n",
    );
    assert!(status.success());
    assert_eq!(stdout, b"I got your message\n");
    let (status, received, log) = server.finish();
    assert!(status.success(), "{log}");
    assert_eq!(received, b"hello from nc\n");
    assert!(log.contains("connection from 127.0.0.1:"), "{log}");
    assert!(
        log.contains("sent 14 bytes and got a reply of 19 bytes"),
        "{log}"
    );
}

#[test]
fn serves_nc_as_a_udp_client() {
    if !have_tool("serves_nc_as_a_udp_client", "nc") {
        return;
    }
    let mut server = listener(&["-u", "-p", "0", "--reply", "I got your message"]);
    let port = server.listening_port().to_string();
    let mut nc = Proc::spawn(Command::new("nc").args(["-u", "127.0.0.1", &port]));
    nc.feed(b"hello over udp\n");
    let (status, received, log) = server.finish();
    assert!(status.success(), "{log}");
    assert_eq!(received, b"hello over udp\n");
    assert!(
        log.contains("datagram of 15 bytes from 127.0.0.1:"),
        "{log}"
    );
    assert!(log.contains("replied 19 bytes"), "{log}");
    // nc -u prints the reply, and never exits by itself.
    thread::sleep(std::time::Duration::from_millis(300));
    let (printed, _) = nc.kill();
    assert_eq!(printed, b"I got your message\n");
}

#[test]
fn replies_with_standard_input_like_echo_into_nc() {
    let mut server = listener(&["-p", "0"]);
    server.feed(b"I got your message\n");
    let port = server.listening_port().to_string();
    let (status, stdout, stderr) =
        run_with_input(command("stream_client").args(["127.0.0.1", &port]), b"");
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout, b"I got your message\n");
    assert!(server.finish().0.success());
}

#[test]
fn streams_standard_input_of_any_size_to_its_one_client() {
    let reply: Vec<u8> = (0..6 << 20).map(|i: u32| (i % 251) as u8).collect();
    let mut server = listener(&["-p", "0"]);
    let port = server.listening_port().to_string();
    let client = thread::spawn(move || {
        run_with_input(command("stream_client").args(["127.0.0.1", &port]), b"")
    });
    server.feed(&reply);
    let (status, stdout, stderr) = client.join().unwrap();
    assert!(status.success(), "{stderr}");
    assert!(stdout == reply, "the client got {} bytes", stdout.len());
    let (status, _, log) = server.finish();
    assert!(status.success(), "{log}");
    assert!(
        log.contains(&format!("got a reply of {} bytes", 6 << 20)),
        "{log}"
    );
}

#[test]
fn keeps_serving_50_clients_at_once_while_a_silent_one_waits() {
    let mut server = listener(&["-k", "-p", "0", "--reply", "I got your message"]);
    let port = server.listening_port().to_string();
    // A client that connects and says nothing must hold up no one.
    let mut silent = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();

    let clients: Vec<_> = (0..50)
        .map(|n| {
            let message = format!("client {n:02} says {}", "hello ".repeat(n));
            let child = command("stream_client")
                .args(["-m", &message, "127.0.0.1", &port])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (message, child)
        })
        .collect();
    for (message, child) in clients {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{message}: {stderr}");
        assert_eq!(output.stdout, b"I got your message\n", "{message}");
    }
    // Now it speaks, and it too gets its reply.
    silent.write_all(b"finally\n").unwrap();
    silent.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    silent.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "I got your message\n");
    server.wait_for_stderr("sent 8 bytes");

    let (printed, log) = server.kill();
    let printed = String::from_utf8(printed).unwrap();
    let mut lines: Vec<&str> = printed.lines().collect();
    lines.sort();
    let mut expected: Vec<String> = (0..50)
        .map(|n| format!("client {n:02} says {}", "hello ".repeat(n)))
        .collect();
    expected.push("finally".into());
    expected.sort();
    assert_eq!(lines, expected, "each client's bytes printed once, whole");
    assert_eq!(
        log.matches("connection from 127.0.0.1:").count(),
        51,
        "{log}"
    );
}

#[test]
fn answers_every_udp_sender_unlike_nc() {
    let mut server =
        listener(&["-u", "-k", "-p", "0", "--reply", "I got your message"]);
    let port = server.listening_port().to_string();
    let mut senders = Vec::new();
    for name in ["first", "second"] {
        let (status, stdout, stderr) = run_with_input(
            command("dgram_client").args(["-m", name, "127.0.0.1", &port]),
            b"",
        );
        assert!(status.success(), "{name}: {stderr}");
        assert_eq!(stdout, b"I got your message\n");
        senders.push(server.wait_for_stderr("replied 19 bytes"));
    }
    assert_ne!(senders[0], senders[1], "two different senders (ports)");
    let (printed, _) = server.kill();
    assert_eq!(printed, b"first\nsecond\n");
}

#[test]
fn a_privileged_port_needs_privilege() {
    in_netns("a_privileged_port_needs_privilege", || {
        let first_free =
            std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
                .unwrap();
        let first_free = first_free.trim();
        assert_eq!(first_free, "1024", "this test expects the usual sysctl");

        // As an ordinary user: EACCES, exit 77, and the three ways out.
        let mut unprivileged = command("listener");
        unprivileged.args(["-p", "80"]);
        let (status, _, stderr) = run_with_input(&mut as_nobody(&unprivileged), b"");
        assert_eq!(status.code(), Some(77), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{stderr}");
        assert!(lines[0].contains("cannot bind 127.0.0.1:80: Permission denied"));
        assert!(
            lines[1].contains(&format!("ports below {first_free}")),
            "{stderr}"
        );
        assert!(lines[1].contains("net.ipv4.ip_unprivileged_port_start"));
        assert!(lines[1].contains("sudo setcap cap_net_bind_service+ep"));

        // As root it works.
        let mut server = listener(&["-p", "80", "--reply", "I got your message"]);
        assert_eq!(server.listening_address(), "127.0.0.1:80");
        let (status, stdout, _) =
            run_with_input(command("stream_client").args(["127.0.0.1", "80"]), b"");
        assert!(status.success());
        assert_eq!(stdout, b"I got your message\n");
        assert!(server.finish().0.success());
    });
}

#[test]
fn a_port_in_use_is_explained() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stderr) = listener_fails(&["-p", &port]);
    assert_eq!(code, 1);
    assert!(stderr.contains("Address already in use"), "{stderr}");
    assert!(stderr.contains("choose another port with -p"), "{stderr}");
}

#[test]
fn a_foreign_bind_address_is_explained() {
    // 192.0.2.1 (TEST-NET-1) is not ours; bind(2) fails and nothing is sent.
    let (code, stderr) = listener_fails(&["-s", "192.0.2.1", "-p", "0"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("Cannot assign requested address"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not an address of this machine"),
        "{stderr}"
    );
}

#[test]
fn a_unix_path_in_a_missing_folder_is_explained() {
    let dir = testkit::temp_dir("listener_missing");
    let path = dir.join("no/such/folder/course.sock");
    let (code, stderr) = listener_fails(&["-U", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("No such file or directory"), "{stderr}");
    assert!(stderr.contains("folder for that socket path"), "{stderr}");
}

#[test]
fn a_unix_path_in_use_is_explained() {
    let dir = testkit::temp_dir("listener_in_use");
    let path = dir.join("course.sock");
    std::fs::write(&path, b"").unwrap();
    let (code, stderr) = listener_fails(&["-U", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("Address already in use"), "{stderr}");
    // A regular file is no socket: it is left alone, and no rm is advised.
    assert!(
        stderr.contains("is a regular file, not a socket"),
        "{stderr}"
    );
    assert!(!stderr.contains("rm "), "{stderr}");
}

#[test]
fn help_says_it_binds_loopback_by_default() {
    let (status, stdout, _) = run_with_input(command("listener").arg("--help"), b"");
    assert!(status.success());
    let help = String::from_utf8(stdout).unwrap();
    assert!(
        help.contains("Binds 127.0.0.1 (or ::1) by default"),
        "{help}"
    );
}

#[test]
fn takes_nc_habits_lvnp_and_a_lone_port() {
    // `nc -lvnp PORT`, `nc -l PORT` and `nc -l ADDR PORT` all listen.
    for args in [
        vec!["-lvnp", "0"],
        vec!["-l", "0"],
        vec!["-l", "127.0.0.1", "0"],
        vec!["-6", "-l", "::1", "0"],
    ] {
        let mut server = listener(&[args.as_slice(), &["--reply", "hi"]].concat());
        let address = server.listening_address();
        let (status, stdout, stderr) = run_with_input(
            command("stream_client").args([
                if address.starts_with('[') {
                    "::1"
                } else {
                    "127.0.0.1"
                },
                &server.listening_port().to_string(),
            ]),
            b"",
        );
        assert!(status.success(), "{args:?}: {stderr}");
        assert_eq!(stdout, b"hi\n", "{args:?}");
        assert!(server.finish().0.success(), "{args:?}");
    }
}

#[test]
fn a_bad_lone_port_or_address_is_refused_as_a_bad_flag_is() {
    for (args, message) in [
        (vec!["-l", "abc"], "invalid port 'abc'"),
        (vec!["-l", "70000"], "invalid port '70000'"),
        (vec!["-l", "here", "12345"], "invalid address 'here'"),
        (vec!["-l", "12345", "-p", "1"], "cannot be used with"),
    ] {
        let (code, stderr) = listener_fails(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn a_udp_reply_that_cannot_fit_a_datagram_is_refused_at_start() {
    let (status, _, stderr) = run_with_input(
        command("listener").args(["-u", "-k", "-p", "0"]),
        &vec![b'x'; 70_000],
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("one UDP datagram carries at most 65507"),
        "{stderr}"
    );
    assert!(!stderr.contains("listening on"), "{stderr}");
}

#[test]
fn what_arrives_is_printed_whole_when_stdout_is_a_socket() {
    // stdout a socket, where the other tests give it a pipe.
    use std::os::unix::net::UnixStream;
    let payload: Vec<u8> = (0..6 << 20)
        .map(|i: u32| (i * 13 + i / 253) as u8)
        .collect();
    let (mut ours, theirs) = UnixStream::pair().unwrap();
    let mut server = std::process::Command::new(testkit::bin("listener"))
        .args(["-p", "0", "--reply", "ok"])
        .stdin(std::process::Stdio::null())
        .stdout(std::os::fd::OwnedFd::from(theirs))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let reader = thread::spawn(move || {
        let mut printed = Vec::new();
        ours.read_to_end(&mut printed).unwrap();
        printed
    });
    let mut stderr = std::io::BufReader::new(server.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    let port = first
        .trim()
        .rsplit(':')
        .next()
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let (status, stdout, log) = run_with_input(
        command("stream_client").args(["-m", "-", "127.0.0.1", port]),
        &payload,
    );
    assert!(status.success(), "{log}");
    assert_eq!(stdout, b"ok\n");
    assert!(server.wait().unwrap().success());
    let printed = reader.join().unwrap();
    assert!(
        printed == payload,
        "the listener printed {} bytes",
        printed.len()
    );
}
