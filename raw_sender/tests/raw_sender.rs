//! raw_sender as a student runs it: --dry-run and --pcap without privilege,
//! the packet on the wire as tcpdump sees it, listener --raw as the
//! checker, every refusal, and the privilege messages.

use std::process::Command;

mod common;

use common::{raw_sender, tcpdump, without_timestamps};
use testkit::{Proc, as_nobody, command, have_tool, in_netns, run_with_input};

#[test]
fn dry_run_shows_the_bytes_and_every_field_without_privilege() {
    let (code, stdout, stderr) = raw_sender(&["--dry-run", "-m", "hello chaos"]);
    assert_eq!(code, 0, "{stderr}");
    let expected_dump = "\t0x0000:  4500 001f 1234 0000 4010 6a99 7f00 0001  E....4..@.j.....\n\
                         \t0x0010:  7f00 0001 6865 6c6c 6f20 6368 616f 73    ....hello.chaos\n";
    assert!(
        stdout.starts_with("IP 127.0.0.1 > 127.0.0.1: ip-proto-16 11\n"),
        "{stdout}"
    );
    assert!(stdout.contains(expected_dump), "{stdout}");
    for row in [
        "     2  Total Length          31",
        "     4  Identification        4660 (0x1234)",
        "     8  Time to Live          64",
        "     9  Protocol              16 (CHAOS)",
        "    10  Header Checksum       0x6a99",
    ] {
        assert!(stdout.contains(row), "no {row:?} in\n{stdout}");
    }
    assert!(stdout.contains("RFC 791 3.1"));
    assert!(!stdout.contains("sent"), "a dry run sends nothing");
}

#[test]
fn dry_run_shows_tcp_fields_and_deliberately_bad_checksums() {
    let (_, good, _) =
        raw_sender(&["--dry-run", "--tcp", "--flags", "SA", "-m", ""]);
    assert!(
        good.contains("Flags [S.], seq 1000, ack 0, win 64240, length 0"),
        "{good}"
    );
    assert!(
        good.contains("    33  Control Bits          0x12 (SYN ACK)"),
        "{good}"
    );
    let (_, bad, _) = raw_sender(&[
        "--dry-run",
        "--tcp",
        "--flags",
        "SA",
        "-m",
        "",
        "--bad-checksum",
        "--bad-l4-checksum",
    ]);
    let checksum_row = |dump: &str, name: &str| {
        dump.lines()
            .find(|line| line.contains(name))
            .unwrap()
            .to_string()
    };
    for name in ["Header Checksum", "    36  Checksum"] {
        assert_ne!(
            checksum_row(&good, name),
            checksum_row(&bad, name),
            "{name}"
        );
    }
}

#[test]
fn a_mistyped_flag_is_refused_on_one_line_with_clap_s_tip() {
    // clap picks the nearest flag by spelling: --mf for --mff, and for
    // --tpc whichever of --tcp and --pcap its measure finds closer.
    for (typo, meant) in [("--mff", "'--mf'"), ("--tpc", "'--")] {
        let (code, stdout, stderr) = raw_sender(&["--dry-run", typo]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let expected = format!(
            "raw_sender: unexpected argument '{typo}' found (tip: a similar \
             argument exists: {meant}"
        );
        assert!(stderr.starts_with(&expected), "{stderr}");
        assert!(stderr.trim_end().ends_with("; see --help)"), "{stderr}");
    }
}

#[test]
fn a_packet_over_65535_bytes_is_refused() {
    let text = "x".repeat(65_535 - 20 + 1);
    let (code, _, stderr) = raw_sender(&["--dry-run", "-m", &text]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the packet would be 65536 bytes"),
        "{stderr}"
    );
    let dir = testkit::temp_dir("raw_too_big");
    let file = dir.join("data");
    let file_name = file.to_str().unwrap();
    std::fs::write(&file, vec![b'x'; 65_535 - 20 + 1]).unwrap();
    let (code, _, stderr) = raw_sender(&["--dry-run", "--file", file_name]);
    assert_eq!(code, 2);
    let expected = format!("--file {file_name} holds more than the 65515 bytes");
    assert!(stderr.contains(&expected), "{stderr}");
    std::fs::write(&file, vec![b'x'; 65_535 - 20]).unwrap();
    let (code, _, stderr) = raw_sender(&["--dry-run", "--file", file_name]);
    assert_eq!(code, 0, "{stderr}");
    // A TCP header takes 20 of the 65535 bytes too.
    let (code, _, stderr) = raw_sender(&["--dry-run", "--tcp", "--file", file_name]);
    assert_eq!(code, 2);
    assert!(stderr.contains("more than the 65495 bytes"), "{stderr}");
}

#[test]
fn a_destination_that_names_no_host_is_refused_before_anything_is_built() {
    for destination in ["0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.0.1"] {
        let (code, stdout, stderr) =
            raw_sender(&["--dst", destination, "--dry-run"]);
        assert_eq!(code, 2, "{destination}: {stderr}");
        assert!(stdout.is_empty(), "{destination}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let words = format!("raw_sender: --dst {destination} names no host");
        assert!(stderr.starts_with(&words), "{stderr}");
        assert!(stderr.contains("such as 127.0.0.1 or ::1"), "{stderr}");
    }
    // 0.0.0.0 may still be a source: the kernel fills it in (raw(7)).
    let (code, stdout, stderr) = raw_sender(&["--src", "0.0.0.0", "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("IP 0.0.0.0 > 127.0.0.1"), "{stdout}");
}

/// raw_sender run with at most 256 MiB of address space: a read that
/// grows without bound fails there at once instead of filling the machine.
fn raw_sender_in_256_mib(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut limited = Command::new("sh");
    limited
        .args(["-c", "ulimit -v 262144 && exec \"$0\" \"$@\""])
        .arg(testkit::bin("raw_sender"))
        .args(args);
    let (status, stdout, stderr) = run_with_input(&mut limited, stdin);
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).unwrap(),
        stderr,
    )
}

#[test]
fn a_file_that_never_ends_is_read_only_as_far_as_a_packet_can_carry() {
    for (args, room) in [
        (&["--dry-run", "--file", "/dev/zero"][..], 65_515),
        (&["--dry-run", "--udp", "--file", "/dev/zero"][..], 65_507),
    ] {
        let (code, stdout, stderr) = raw_sender_in_256_mib(args, b"");
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        for words in [
            format!("raw_sender: --file /dev/zero holds more than the {room} bytes"),
            "Total Length, 16 bits, counts at most 65535 bytes".to_string(),
            format!("`head -c {room} /dev/zero > part` and --file part"),
        ] {
            assert!(stderr.contains(&words), "{words:?} missing: {stderr}");
        }
    }
    // Standard input, as a file, is read no further either.
    let endless = vec![b'y'; 1 << 20];
    let args = ["--dry-run", "--file", "/dev/stdin"];
    let (code, _, stderr) = raw_sender_in_256_mib(&args, &endless);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("holds more than the 65515 bytes"),
        "{stderr}"
    );
    let (code, stdout, stderr) = raw_sender_in_256_mib(&args, b"short");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("....short"), "{stdout}");
}

#[test]
fn a_pcap_of_any_count_is_written_packet_by_packet() {
    // The whole file: a header, then one 16-byte record per packet.
    let dir = testkit::temp_dir("raw_pcap_count");
    let pcap = dir.join("three.pcap");
    let pcap = pcap.to_str().unwrap();
    let (code, _, stderr) = raw_sender(&["--pcap", pcap, "-c", "3"]);
    assert_eq!(code, 0, "{stderr}");
    let file = std::fs::read(pcap).unwrap();
    assert_eq!(file.len(), 24 + 3 * (16 + 41));
    for record in file[24..].chunks(16 + 41) {
        assert_eq!(&record[8..16], &[41, 0, 0, 0, 41, 0, 0, 0]);
        assert_eq!(&record[16..18], &[0x45, 0x00]);
    }

    // The largest count: the memory of one buffer, however long it runs.
    let endless = Proc::spawn(command("raw_sender").args([
        "--pcap",
        "/dev/null",
        "-c",
        "18446744073709551615",
    ]));
    std::thread::sleep(std::time::Duration::from_secs(1));
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", endless.id())).unwrap();
    let peak = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .unwrap_or_else(|| panic!("not running after 1 s: {status}"));
    let peak_kib: u64 = peak.trim().trim_end_matches(" kB").parse().unwrap();
    testkit::say(&format!(
        "--pcap -c 18446744073709551615: peak {peak_kib} KiB"
    ));
    assert!(peak_kib < 16 * 1024, "peak memory {peak_kib} KiB");
    let (_, log) = endless.kill();
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn a_full_disk_ends_a_pcap_with_one_line_not_a_panic() {
    for count in ["1", "4294967296", "18446744073709551615"] {
        let (code, stdout, stderr) =
            raw_sender(&["--pcap", "/dev/full", "-c", count]);
        assert_eq!(code, 1, "-c {count}: {stderr}");
        assert!(stdout.is_empty());
        assert_eq!(
            stderr.trim_end(),
            "raw_sender: cannot write /dev/full: No space left on device (os error 28)",
            "-c {count}"
        );
    }
}

#[test]
fn without_privilege_both_binaries_name_cap_net_raw_and_exit_77() {
    in_netns(
        "without_privilege_both_binaries_name_cap_net_raw_and_exit_77",
        || {
            let mut sender = command("raw_sender");
            sender.args(["-m", "hi"]);
            let (status, stdout, stderr) =
                run_with_input(&mut as_nobody(&sender), b"");
            assert_eq!(status.code(), Some(77), "{stderr}");
            assert!(stdout.is_empty());
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(lines.len(), 2, "{stderr}");
            assert!(
                lines[0]
                    .contains("cannot open a raw socket: Operation not permitted")
            );
            for way_out in [
                "CAP_NET_RAW",
                "sudo ./target/debug/raw_sender ...",
                "not `sudo cargo run`",
                "sudo setcap cap_net_raw+ep ./target/debug/raw_sender",
                "--dry-run or --pcap FILE",
            ] {
                assert!(lines[1].contains(way_out), "{way_out:?} missing: {stderr}");
            }
            // The dry run needs nothing.
            let mut dry = command("raw_sender");
            dry.arg("--dry-run");
            assert!(run_with_input(&mut as_nobody(&dry), b"").0.success());

            let mut listener = command("listener");
            listener.args(["--raw", "16"]);
            let (status, _, stderr) = run_with_input(&mut as_nobody(&listener), b"");
            assert_eq!(status.code(), Some(77), "{stderr}");
            assert!(
                stderr.contains("cannot open a raw socket: Operation not permitted")
            );
            assert!(stderr.contains("CAP_NET_RAW"), "{stderr}");
            assert!(
                stderr
                    .contains("sudo setcap cap_net_raw+ep ./target/debug/listener")
            );
        },
    );
}

#[test]
fn tcpdump_sees_our_chaos_packet() {
    if !have_tool("tcpdump_sees_our_chaos_packet", "tcpdump") {
        return;
    }
    in_netns("tcpdump_sees_our_chaos_packet", || {
        let capture = tcpdump(1, "ip[9]=0x10");
        let (code, stdout, stderr) =
            raw_sender(&["-m", "hello chaos", "--ttl", "42", "--id", "777"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.starts_with(
            "sent 31 bytes to 127.0.0.1, protocol 16 (CHAOS), id 777\n"
        ));
        assert!(stdout.contains("1 packet(s) sent in"), "{stdout}");
        let (_, seen, _) = capture.finish();
        let seen = without_timestamps(&seen);
        assert!(seen.contains("ttl 42, id 777, offset 0, flags [none], proto unknown (16), length 31"), "{seen}");
        assert!(
            seen.contains("127.0.0.1 > 127.0.0.1:  ip-proto-16 11"),
            "{seen}"
        );
        assert!(seen.contains("....hello.chaos"), "{seen}");
    });
}

#[test]
fn a_syn_with_a_right_checksum_draws_a_syn_ack_and_a_wrong_one_nothing() {
    if !have_tool(
        "a_syn_with_a_right_checksum_draws_a_syn_ack_and_a_wrong_one_nothing",
        "nc",
    ) || !have_tool(
        "a_syn_with_a_right_checksum_draws_a_syn_ack_and_a_wrong_one_nothing",
        "tcpdump",
    ) {
        return;
    }
    in_netns(
        "a_syn_with_a_right_checksum_draws_a_syn_ack_and_a_wrong_one_nothing",
        || {
            let _nc = Proc::spawn(Command::new("nc").args(["-l", "-p", "12345"]));
            testkit::wait_until_bound(12345, false);

            let capture = tcpdump(2, "tcp port 12345");
            let (code, _, stderr) =
                raw_sender(&["--tcp", "--flags", "S", "--dport", "12345", "-m", ""]);
            assert_eq!(code, 0, "{stderr}");
            let seen = without_timestamps(&capture.finish().1);
            assert!(
                seen.contains("127.0.0.1.40000 > 127.0.0.1.12345: Flags [S], cksum"),
                "{seen}"
            );
            assert!(
                seen.contains("(correct), seq 1000, win 64240, length 0"),
                "{seen}"
            );
            assert!(
                seen.contains("127.0.0.1.12345 > 127.0.0.1.40000: Flags [S.]"),
                "{seen}"
            );

            let capture = tcpdump(2, "tcp port 12345");
            let (code, _, _) = raw_sender(&[
                "--tcp",
                "--flags",
                "S",
                "--dport",
                "12345",
                "--sport",
                "40001",
                "-m",
                "",
                "--bad-l4-checksum",
            ]);
            assert_eq!(code, 0);
            let seen = without_timestamps(&capture.finish().1);
            assert!(
                seen.contains("127.0.0.1.40001 > 127.0.0.1.12345: Flags [S], cksum"),
                "{seen}"
            );
            assert!(seen.contains("(incorrect -> 0x"), "{seen}");
            assert!(
                !seen.contains("Flags [S.]"),
                "a bad checksum is dropped, not answered: {seen}"
            );
        },
    );
}

#[test]
fn listener_raw_prints_the_fields_we_sent_and_decodes_what_we_encoded() {
    in_netns(
        "listener_raw_prints_the_fields_we_sent_and_decodes_what_we_encoded",
        || {
            let mut checker =
                Proc::spawn(command("listener").args(["--raw", "16", "-c", "1"]));
            assert_eq!(checker.listening_address(), "127.0.0.1");
            let (code, _, _) = raw_sender(&[
                "-m",
                "hello chaos",
                "--ttl",
                "33",
                "--df",
                "--evil",
                "--dscp",
                "46",
            ]);
            assert_eq!(code, 0);
            let (status, report, log) = checker.finish();
            assert!(status.success(), "{log}");
            let report = String::from_utf8(report).unwrap();
            for line in [
                "IP 127.0.0.1 > 127.0.0.1: ip-proto-16 11",
                "     1  Type of Service       0xb8 (DSCP 46, ECN 0)",
                "     4  Identification        4660 (0x1234)",
                "     6  Flags                 evil DF",
                "     8  Time to Live          33",
                "payload: 11 bytes of text: \"hello chaos\"",
                "check: lengths consistent: total length 31 = bytes received",
                "check: IHL 5 sane: no options",
            ] {
                assert!(report.contains(line), "no {line:?} in\n{report}");
            }
            assert!(report.contains("correct"), "{report}");

            for encoding in ["hex", "base64"] {
                let mut checker = Proc::spawn(
                    command("listener")
                        .args(["--raw", "17", "-c", "1", "--decode", encoding]),
                );
                checker.listening_address();
                let (code, _, _) = raw_sender(&[
                    "--udp",
                    "-m",
                    "no clear text",
                    "--encode",
                    encoding,
                ]);
                assert_eq!(code, 0);
                let report = String::from_utf8(checker.finish().1).unwrap();
                assert!(
                    report.contains(
                        "payload: decoded to 13 bytes of text: \"no clear text\""
                    ),
                    "{report}"
                );
                assert!(report.contains("check: UDP checksum 0x"), "{report}");
                assert!(report.contains(" correct"), "{report}");
            }
        },
    );
}

#[test]
fn listener_raw_reports_a_wrong_transport_checksum_with_the_expected_value() {
    in_netns(
        "listener_raw_reports_a_wrong_transport_checksum_with_the_expected_value",
        || {
            let mut checker =
                Proc::spawn(command("listener").args(["--raw", "1", "-c", "1"]));
            checker.listening_address();
            let (_, dry, _) = raw_sender(&["--dry-run", "--icmp", "-m", "ping"]);
            let right = dry
                .lines()
                .find(|l| l.contains("    22  Checksum"))
                .unwrap();
            let right = right.split_whitespace().nth(2).unwrap().to_string();
            raw_sender(&["--icmp", "-m", "ping", "--bad-l4-checksum"]);
            let report = String::from_utf8(checker.finish().1).unwrap();
            assert!(
                report.contains(&format!("incorrect, expected {right}")),
                "{report}"
            );
        },
    );
}

#[test]
fn tcpdump_reads_our_pcap_as_it_reads_the_wire() {
    if !have_tool("tcpdump_reads_our_pcap_as_it_reads_the_wire", "tcpdump") {
        return;
    }
    in_netns("tcpdump_reads_our_pcap_as_it_reads_the_wire", || {
        let dir = testkit::temp_dir("raw_pcap");
        let pcap = dir.join("chaos.pcap");
        let pcap = pcap.to_str().unwrap();
        let args = [
            "--udp",
            "--dport",
            "9",
            "-m",
            "same on both",
            "--df",
            "--ttl",
            "9",
        ];

        let capture = tcpdump(1, "udp port 9");
        let (code, _, stderr) =
            raw_sender(&[&args[..], &["--pcap", pcap, "--send"]].concat());
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains(&format!("wrote 1 packet(s) to {pcap}")));
        let live = without_timestamps(&capture.finish().1);

        let read = Command::new("tcpdump")
            .args(["-r", pcap, "-nn", "-vv", "-X"])
            .output()
            .unwrap();
        assert!(
            read.status.success(),
            "{}",
            String::from_utf8_lossy(&read.stderr)
        );
        let from_file = without_timestamps(&read.stdout);
        assert!(from_file.contains("[udp sum ok]"), "{from_file}");
        assert!(
            from_file.contains("127.0.0.1.40000 > 127.0.0.1.9"),
            "{from_file}"
        );
        assert_eq!(from_file, live, "the file and the wire differ");
    });
}

#[test]
fn flood_sends_exactly_count_packets_with_one_summary_line() {
    in_netns(
        "flood_sends_exactly_count_packets_with_one_summary_line",
        || {
            let mut checker =
                Proc::spawn(command("listener").args(["--raw", "16", "-c", "50"]));
            checker.listening_address();
            let (code, stdout, stderr) =
                raw_sender(&["--flood", "-c", "50", "-m", "flood"]);
            assert_eq!(code, 0, "{stderr}");
            let lines: Vec<&str> = stdout.lines().collect();
            assert_eq!(lines.len(), 1, "no line per packet: {stdout}");
            assert!(lines[0].starts_with("50 packet(s) sent in "), "{stdout}");
            let (status, report, _) = checker.finish();
            assert!(status.success(), "the listener saw all 50 packets");
            let report = String::from_utf8(report).unwrap();
            assert_eq!(
                report
                    .matches("payload: 5 bytes of text: \"flood\"")
                    .count(),
                50
            );
        },
    );
}

/// Also the self-check of the raw IPv4 chapter's exercise 3: Wireshark finds
/// nothing wrong in `raw_sender --pcap FILE`.
#[test]
fn wireshark_decodes_our_pcaps_cleanly_and_flags_a_bad_checksum() {
    if !have_tool(
        "wireshark_decodes_our_pcaps_cleanly_and_flags_a_bad_checksum",
        "tshark",
    ) {
        return;
    }
    let dir = testkit::temp_dir("raw_tshark");
    let pcap = dir.join("packet.pcap");
    let pcap = pcap.to_str().unwrap();
    let decode = |args: &[&str]| {
        let (code, _, stderr) = raw_sender(&[args, &["--pcap", pcap]].concat());
        assert_eq!(code, 0, "{stderr}");
        let checks = [
            "ip.check_checksum:TRUE",
            "tcp.check_checksum:TRUE",
            "udp.check_checksum:TRUE",
        ];
        let mut tshark = Command::new("tshark");
        tshark.args(["-r", pcap, "-V"]);
        for check in checks {
            tshark.args(["-o", check]);
        }
        let output = tshark.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let clean: &[&[&str]] = &[
        &[],
        &["--tcp", "--flags", "SA", "-m", "hi"],
        &["--udp", "-m", "hello"],
        &["--icmp", "-m", "ping"],
        &["--ip-options", "01010100", "--df", "--evil", "--dscp", "46"],
    ];
    for args in clean {
        let decoded = decode(args);
        assert!(
            decoded.contains("Header checksum status: Good"),
            "{args:?}:\n{decoded}"
        );
        for complaint in ["Malformed", "Expert Info (Error", "Expert Info (Warning"]
        {
            assert!(
                !decoded.contains(complaint),
                "{args:?}: {complaint}\n{decoded}"
            );
        }
    }
    let bad = decode(&["--tcp", "--bad-l4-checksum"]);
    assert!(bad.contains("Bad checksum [should be 0xcf75]"), "{bad}");
}

/// The `sent ...` lines and the last line of a run that a signal ended.
fn packets_counted(stdout: &[u8]) -> (usize, u64) {
    let stdout = String::from_utf8_lossy(stdout);
    let lines = stdout
        .lines()
        .filter(|line| line.starts_with("sent "))
        .count();
    let last = stdout.lines().last().unwrap_or_default();
    let (total, rest) = last.split_once(' ').unwrap_or_default();
    assert!(rest.starts_with("packet(s) sent in "), "{stdout}");
    (lines, total.parse().unwrap())
}

#[test]
fn sigint_and_sigterm_stop_the_count_and_say_how_many_were_sent() {
    in_netns(
        "sigint_and_sigterm_stop_the_count_and_say_how_many_were_sent",
        || {
            let mut checker = Proc::spawn(command("listener").args(["--raw", "16"]));
            checker.listening_address();
            let sender =
                Proc::spawn(command("raw_sender").args(["-c", "1000", "-i", "100"]));
            std::thread::sleep(std::time::Duration::from_millis(450));
            let (status, stdout, stderr) = sender.stop_with("INT");
            assert_eq!(status.code(), Some(130), "{stderr}");
            assert!(stderr.is_empty(), "{stderr}");
            let (lines, sent) = packets_counted(&stdout);
            assert!((1..1000).contains(&sent), "{sent}");
            assert_eq!(lines as u64, sent, "a line per packet, then the count");
            // The count is the truth: the listener saw exactly that many.
            std::thread::sleep(std::time::Duration::from_millis(200));
            let (seen, _) = checker.kill();
            let seen = String::from_utf8_lossy(&seen);
            assert_eq!(
                seen.matches("\"Hello from raw_sender\"").count() as u64,
                sent
            );

            // SIGTERM, in the middle of a long pause: answered at once.
            let sender =
                Proc::spawn(command("raw_sender").args(["-c", "3", "-i", "10000"]));
            std::thread::sleep(std::time::Duration::from_millis(300));
            let asked = std::time::Instant::now();
            let (status, stdout, stderr) = sender.stop_with("TERM");
            assert!(asked.elapsed() < std::time::Duration::from_secs(2));
            assert_eq!(status.code(), Some(143), "{stderr}");
            assert_eq!(packets_counted(&stdout), (1, 1));
        },
    );
}

#[test]
fn sigint_stops_a_flood_with_how_many_were_sent() {
    in_netns("sigint_stops_a_flood_with_how_many_were_sent", || {
        let flood = Proc::spawn(command("raw_sender").args([
            "--flood",
            "-c",
            "18446744073709551615",
        ]));
        std::thread::sleep(std::time::Duration::from_millis(500));
        let (status, stdout, stderr) = flood.stop_with("INT");
        assert_eq!(status.code(), Some(130), "{stderr}");
        assert!(stderr.is_empty(), "{stderr}");
        let (lines, sent) = packets_counted(&stdout);
        assert_eq!(lines, 0, "one line, not one per packet");
        assert!(sent > 0, "{sent}");
    });
}

/// raw_sender with its output into `head -c 1`, which reads one byte and
/// leaves; raw_sender's own exit status and stderr.
fn into_head(args: &[&str]) -> (Option<i32>, String) {
    let mut pipeline = Command::new("bash");
    pipeline
        .args([
            "-c",
            "\"$0\" \"$@\" | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}",
        ])
        .arg(testkit::bin("raw_sender"))
        .args(args);
    let (status, _, stderr) = run_with_input(&mut pipeline, b"");
    (status.code(), stderr)
}

/// raw_sender writing into a pipe nobody reads any more (its reader has
/// gone before the first line); its exit status and stderr.
fn into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = command("raw_sender")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into(),
    )
}

#[test]
fn a_reader_that_stops_early_stops_the_sender_with_74_and_a_line() {
    // The README's rule for every binary: a closed standard output stops
    // it at once, one line says what was lost, and the status is 74.
    let long = "x".repeat(60_000); // a dry run longer than a pipe holds
    let (status, stderr) = into_head(&["--dry-run", "-m", &long]);
    assert_eq!(status, Some(74), "{stderr}");
    assert_eq!(
        stderr,
        "raw_sender: standard output closed (its reader left): the rest of the \
         dry run is lost"
    );
    in_netns(
        "a_reader_that_stops_early_stops_the_sender_with_74_and_a_line",
        || {
            // head takes the first line's first byte and leaves; the second
            // line finds the pipe closed, and the three after it are not sent.
            let (status, stderr) = into_head(&["-c", "5", "-i", "100"]);
            assert_eq!(status, Some(74), "{stderr}");
            assert!(
            stderr.contains(
                "its reader left): packet 2 of 5 went out, its line is lost, and \
                 the 3 after it were not sent"
            ),
            "{stderr}"
        );
            let (status, stderr) = into_closed_pipe(&["-c", "5", "-i", "50"]);
            assert_eq!(status, Some(74), "{stderr}");
            assert!(stderr.contains("packet 1 of 5 went out"), "{stderr}");
            let (status, stderr) = into_closed_pipe(&["--flood", "-c", "5"]);
            assert_eq!(status, Some(74), "{stderr}");
            assert!(
                stderr.contains("5 of 5 packet(s) went out, the last line is lost"),
                "{stderr}"
            );
        },
    );
}

/// `ip addr add ADDRESS dev lo` in the test's own namespace: a second local
/// address, and with it a route to its /24 (RFC 5737's documentation range).
fn add_address_to_lo(address: &str) {
    testkit::run(Command::new("ip").args(["addr", "add", address, "dev", "lo"]));
}

#[test]
fn without_src_the_source_is_the_kernel_s_choice_for_the_destination() {
    in_netns(
        "without_src_the_source_is_the_kernel_s_choice_for_the_destination",
        || {
            add_address_to_lo("192.0.2.1/24");
            let (code, routed, stderr) =
                raw_sender(&["--dry-run", "--tcp", "--dst", "192.0.2.77"]);
            assert_eq!(code, 0, "{stderr}");
            assert!(
                routed.starts_with("IP 192.0.2.1.40000 > 192.0.2.77.12345: "),
                "{routed}"
            );
            assert!(
                routed.contains("    12  Source Address        192.0.2.1 "),
                "{routed}"
            );
            let note = "source 192.0.2.1: the kernel's choice for 192.0.2.77 \
                        (ip route get 192.0.2.77)\n";
            assert!(routed.ends_with(note), "{routed}");
            // The same bytes as with --src: the TCP checksum's pseudo-header
            // holds the chosen source too. Only the last line differs.
            let (code, given, _) = raw_sender(&[
                "--dry-run",
                "--tcp",
                "--dst",
                "192.0.2.77",
                "--src",
                "192.0.2.1",
            ]);
            assert_eq!(code, 0);
            assert!(given.ends_with("source 192.0.2.1: from --src\n"), "{given}");
            assert_eq!(
                routed.strip_suffix(note),
                given.strip_suffix("source 192.0.2.1: from --src\n")
            );

            let (code, local, _) = raw_sender(&["--dry-run"]);
            assert_eq!(code, 0);
            assert!(local.starts_with("IP 127.0.0.1 > 127.0.0.1: "), "{local}");
            assert!(local.ends_with(
                "source 127.0.0.1: the kernel's choice for 127.0.0.1 \
                 (ip route get 127.0.0.1)\n"
            ));
            // lo down, as a fresh namespace has it: no route at all, yet
            // 127.0.0.1 stays the answer for 127.0.0.1.
            testkit::run(Command::new("ip").args(["link", "set", "lo", "down"]));
            let (code, down, stderr) = raw_sender(&["--dry-run"]);
            assert_eq!(code, 0, "{stderr}");
            assert_eq!(down, local);
        },
    );
}

#[test]
fn a_destination_with_no_route_is_refused_on_one_line_with_a_hint() {
    in_netns(
        "a_destination_with_no_route_is_refused_on_one_line_with_a_hint",
        || {
            // The namespace has lo and nothing else: no route to 198.51.100.7.
            for args in [&["--dry-run"][..], &[], &["--pcap", "/dev/null"]] {
                let mut args = args.to_vec();
                args.extend(["--dst", "198.51.100.7"]);
                let (code, stdout, stderr) = raw_sender(&args);
                assert_eq!(code, 1, "{args:?}: {stderr}");
                assert!(stdout.is_empty(), "{stdout}");
                let lines: Vec<&str> = stderr.lines().collect();
                assert_eq!(lines.len(), 2, "{stderr}");
                assert_eq!(
                    lines[0],
                    "raw_sender: no route to 198.51.100.7: \
                     Network is unreachable (os error 101)"
                );
                for way_out in ["ip route get 198.51.100.7", "--src ADDRESS"] {
                    assert!(lines[1].contains(way_out), "{way_out:?}: {stderr}");
                }
            }
            // With --src there is nothing to look up: the dry run works.
            let (code, stdout, stderr) = raw_sender(&[
                "--dry-run",
                "--dst",
                "198.51.100.7",
                "--src",
                "192.0.2.1",
            ]);
            assert_eq!(code, 0, "{stderr}");
            assert!(stdout.starts_with("IP 192.0.2.1 > 198.51.100.7: "));
        },
    );
}

#[test]
fn a_packet_from_the_chosen_source_reaches_a_listener_bound_there() {
    in_netns(
        "a_packet_from_the_chosen_source_reaches_a_listener_bound_there",
        || {
            add_address_to_lo("192.0.2.1/24");
            let mut checker = Proc::spawn(command("listener").args([
                "--raw",
                "16",
                "-c",
                "1",
                "-s",
                "192.0.2.1",
            ]));
            assert_eq!(checker.listening_address(), "192.0.2.1");
            let (code, stdout, stderr) =
                raw_sender(&["--dst", "192.0.2.1", "-m", "from me"]);
            assert_eq!(code, 0, "{stderr}");
            assert!(stdout.starts_with("sent 27 bytes to 192.0.2.1"), "{stdout}");
            let (status, report, log) = checker.finish();
            assert!(status.success(), "{log}");
            let report = String::from_utf8(report).unwrap();
            assert!(
                report.contains("IP 192.0.2.1 > 192.0.2.1: ip-proto-16 7"),
                "{report}"
            );
        },
    );
}

#[test]
fn a_packet_over_the_routes_mtu_is_refused_before_sending_naming_it() {
    in_netns(
        "a_packet_over_the_routes_mtu_is_refused_before_sending_naming_it",
        || {
            // A cable (a veth pair) of the usual MTU, 1500, to 192.0.2.2.
            for args in [
                "link add veth0 type veth peer name veth1",
                "addr add 192.0.2.1/24 dev veth0",
                "link set veth0 up",
                "link set veth1 up",
            ] {
                testkit::run(Command::new("ip").args(args.split(' ')));
            }
            let dir = testkit::temp_dir("raw_sender_mtu");
            let file = |name: &str, len: usize| {
                let path = dir.join(name);
                std::fs::write(&path, vec![b'x'; len]).unwrap();
                path.to_str().unwrap().to_string()
            };
            let (fits, over) = (file("fits", 1480), file("over", 1481));
            let (code, _, stderr) =
                raw_sender(&["--dst", "192.0.2.2", "--file", &over]);
            assert_eq!(code, 2, "{stderr}");
            assert!(
                stderr.contains(
                    "the packet is 1501 bytes, but the route to 192.0.2.2 goes out of \
                     veth0, whose MTU is 1500, and a raw socket sends no fragments: \
                     send at most 1480 bytes of data"
                ),
                "{stderr}"
            );
            let (code, _, stderr) =
                raw_sender(&["--dst", "192.0.2.2", "--file", &fits]);
            assert_eq!(code, 0, "{stderr}");
            // IPv6 on lo: 65536 bytes of MTU, 40 of them the header.
            let (fits, over) = (file("fits6", 65_496), file("over6", 65_497));
            let (code, _, stderr) = raw_sender(&["-6", "--file", &over]);
            assert_eq!(code, 2, "{stderr}");
            assert!(
                stderr.contains("whose MTU is 65536")
                    && stderr.contains("at most 65496"),
                "{stderr}"
            );
            let (code, _, stderr) = raw_sender(&["-6", "--file", &fits]);
            assert_eq!(code, 0, "{stderr}");
        },
    );
}
