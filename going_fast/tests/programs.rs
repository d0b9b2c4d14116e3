//! The appendix's programs do what the lessons' do: fast_client and
//! fast_listener carry a file whole both ways (sendfile into the socket,
//! splice out of it), and fast_flood sends exactly the packets it counts,
//! only to this machine.

use std::process::Command;

use testkit::{Proc, as_nobody, bin, in_netns, temp_dir};

/// A file of `len` bytes that are not all alike, and its contents.
fn file_of(
    dir: &std::path::Path,
    name: &str,
    len: usize,
) -> (std::path::PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 131 + i / 7) as u8).collect();
    let path = dir.join(name);
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

#[test]
fn a_file_goes_whole_both_ways_by_sendfile_and_splice() {
    let dir = temp_dir("fast_both_ways");
    let (upload, sent) = file_of(&dir, "upload", 3 << 20);
    let (reply, answered) = file_of(&dir, "reply", (1 << 20) + 7);
    let received = dir.join("received");
    // The listener's stdout a file, its stdin a file: splice and sendfile.
    let mut listener = Proc::spawn(Command::new("sh").args([
        "-c",
        &format!(
            "exec {} -p 0 < {} > {}",
            bin("fast_listener").display(),
            reply.display(),
            received.display()
        ),
    ]));
    let port = listener.listening_port().to_string();
    // The client's stdin a file (sendfile); its stdout a pipe (splice).
    let client = Command::new(bin("fast_client"))
        .args(["127.0.0.1", &port])
        .stdin(std::fs::File::open(&upload).unwrap())
        .output()
        .unwrap();
    assert!(client.status.success(), "{client:?}");
    assert!(client.stdout == answered, "the reply arrived changed");
    let (status, _, stderr) = listener.finish();
    assert!(status.success(), "{stderr}");
    assert!(
        std::fs::read(&received).unwrap() == sent,
        "the upload arrived changed"
    );
}

#[test]
fn fast_flood_refuses_an_address_beyond_this_machine() {
    let output = Command::new(bin("fast_flood"))
        .args(["--dst", "192.0.2.1", "-c", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("127.0.0.0/8"), "{stderr}");
}

#[test]
fn fast_flood_without_cap_net_raw_names_the_ways_out() {
    if !testkit::have_root("fast_flood_without_cap_net_raw_names_the_ways_out") {
        return;
    }
    let mut command = Command::new(bin("fast_flood"));
    command.args(["-c", "1"]);
    let output = as_nobody(&command).output().unwrap();
    assert_eq!(output.status.code(), Some(77));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for way in ["CAP_NET_RAW", "sudo", "lab/sandbox", "setcap"] {
        assert!(stderr.contains(way), "{way} missing: {stderr}");
    }
}

#[test]
fn fast_flood_sends_exactly_the_count() {
    in_netns("fast_flood_sends_exactly_the_count", || {
        // Nothing here speaks protocol 16: the kernel counts each packet of
        // it that arrives as an unknown protocol, once.
        let before = unknown_protocols();
        let output = Command::new(bin("fast_flood"))
            .args(["-c", "5000", "-m", "0123456789a"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.starts_with("5000 packet(s) sent in "), "{stdout}");
        let arrived = unknown_protocols() - before;
        assert_eq!(arrived, 5000, "the kernel counted {arrived} packets in");
    });
}

/// Packets of no protocol this namespace's kernel knows, received so far
/// (Ip: InUnknownProtos, RFC 4293's ipSystemStatsInUnknownProtos).
fn unknown_protocols() -> u64 {
    let snmp = std::fs::read_to_string("/proc/net/snmp").unwrap();
    let mut lines = snmp.lines().filter(|line| line.starts_with("Ip:"));
    let (names, values) = (lines.next().unwrap(), lines.next().unwrap());
    let at = names
        .split_whitespace()
        .position(|name| name == "InUnknownProtos")
        .unwrap();
    values.split_whitespace().nth(at).unwrap().parse().unwrap()
}
