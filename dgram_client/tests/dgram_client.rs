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
    let port = free_port(true).to_string();
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
