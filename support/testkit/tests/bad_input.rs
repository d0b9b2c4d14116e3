//! Bad input, every binary, every flag: each invalid value gets its exit
//! code and a message that says what was wrong, never a panic. And
//! malformed packets into `listener --raw`: each reported with its reason,
//! the listener still running.

use testkit::{Proc, command, in_netns, run_with_input};

/// (binary, arguments, exit code, text the error must contain)
const CASES: &[(&str, &[&str], i32, &str)] = &[
    // stream_client
    (
        "stream_client",
        &["127.0.0.1", "0"],
        2,
        "0 is not in 1..=65535",
    ),
    (
        "stream_client",
        &["127.0.0.1", "65536"],
        2,
        "invalid value '65536'",
    ),
    (
        "stream_client",
        &["127.0.0.1", "abc"],
        2,
        "invalid value 'abc'",
    ),
    ("stream_client", &["-w", "0"], 2, "0 is not in 1.."),
    // A duration is checked against its use, added to now: at most a day.
    (
        "stream_client",
        &["-w", "18446744073709551615"],
        2,
        "is not in 1..=86400",
    ),
    (
        "dgram_client",
        &["-w", "18446744073709551615"],
        2,
        "is not in 1..=86400",
    ),
    (
        "listener",
        &["--deadline", "18446744073709551615", "--reply", "x"],
        2,
        "is not in 0..=86400",
    ),
    (
        "listener",
        &["-w", "86401", "--reply", "x"],
        2,
        "is not in 0..=86400",
    ),
    (
        "raw_sender",
        &["-i", "18446744073709551615"],
        2,
        "is not in 0..=3600000",
    ),
    (
        "listener",
        &["-k", "--max-spill", "0"],
        2,
        "0 is not in 1..=65536",
    ),
    ("stream_client", &["-w", "soon"], 2, "invalid value 'soon'"),
    (
        "stream_client",
        &["-6", "127.0.0.1"],
        1,
        "it has no IPv6 address",
    ),
    (
        "stream_client",
        &["-U", "/tmp/x.sock", "127.0.0.1"],
        2,
        "cannot be used with",
    ),
    (
        "stream_client",
        &["-U", "/no/such/dir/x.sock"],
        1,
        "No such file or directory",
    ),
    (
        "stream_client",
        &["-m"],
        2,
        "a value is required for '--message <MESSAGE>'",
    ),
    (
        "stream_client",
        &["--nope"],
        2,
        "unexpected argument '--nope'",
    ),
    (
        "stream_client",
        &["--timeout", "-1"],
        2,
        "unexpected argument '-1'",
    ),
    // dgram_client
    (
        "dgram_client",
        &["127.0.0.1", "0"],
        2,
        "0 is not in 1..=65535",
    ),
    (
        "dgram_client",
        &["127.0.0.1", "65536"],
        2,
        "invalid value '65536'",
    ),
    (
        "dgram_client",
        &["127.0.0.1", "abc"],
        2,
        "invalid value 'abc'",
    ),
    ("dgram_client", &["-w", "0"], 2, "0 is not in 1.."),
    (
        "dgram_client",
        &["-6", "127.0.0.1"],
        1,
        "it has no IPv6 address",
    ),
    (
        "dgram_client",
        &["-U", "/tmp/x.sock", "-6"],
        2,
        "cannot be used with",
    ),
    (
        "dgram_client",
        &["-U", "/no/such/dir/x.sock"],
        1,
        "No such file or directory",
    ),
    (
        "dgram_client",
        &["--nope"],
        2,
        "unexpected argument '--nope'",
    ),
    (
        "dgram_client",
        &["-m"],
        2,
        "a value is required for '--message <MESSAGE>'",
    ),
    // listener
    ("listener", &["-p", "65536"], 2, "invalid value '65536'"),
    ("listener", &["-p", "abc"], 2, "invalid value 'abc'"),
    ("listener", &["-p", ""], 2, "invalid value ''"),
    (
        "listener",
        &["-s", "999.1.1.1"],
        2,
        "invalid value '999.1.1.1'",
    ),
    (
        "listener",
        &["-s", "192.0.2.1", "-p", "0"],
        1,
        "not an address of this machine",
    ),
    (
        "listener",
        &["-U", "/tmp/x.sock", "-p", "1"],
        2,
        "cannot be used with",
    ),
    (
        "listener",
        &["-U", "/no/such/dir/x.sock"],
        1,
        "folder for that socket path",
    ),
    (
        "listener",
        &["--max-clients", "0"],
        2,
        "0 is not in 1..=4096",
    ),
    (
        "listener",
        &["--max-clients", "5000"],
        2,
        "5000 is not in 1..=4096",
    ),
    ("listener", &["-w", "later"], 2, "invalid value 'later'"),
    (
        "listener",
        &["--deadline", "-1"],
        2,
        "unexpected argument '-1'",
    ),
    (
        "listener",
        &["--reply"],
        2,
        "a value is required for '--reply <TEXT>'",
    ),
    ("listener", &["--raw", "0"], 2, "0 is not in 1..=254"),
    ("listener", &["--raw", "255"], 2, "255 is not in 1..=254"),
    ("listener", &["--raw", "16", "-u"], 2, "cannot be used with"),
    (
        "listener",
        &["-c", "1"],
        2,
        "required arguments were not provided",
    ),
    (
        "listener",
        &["--decode", "hex"],
        2,
        "required arguments were not provided",
    ),
    (
        "listener",
        &["--raw", "16", "--decode", "rot13"],
        2,
        "invalid value 'rot13'",
    ),
    ("listener", &["--nope"], 2, "unexpected argument '--nope'"),
    (
        "listener",
        &["--raw", "16", "-c", "many"],
        2,
        "invalid value 'many'",
    ),
    // raw_sender (with --dry-run, so no privilege is needed to get there)
    (
        "raw_sender",
        &["--src", "1.2.3"],
        2,
        "invalid value '1.2.3'",
    ),
    (
        "raw_sender",
        &["--dst", "300.1.1.1"],
        2,
        "invalid value '300.1.1.1'",
    ),
    ("raw_sender", &["--tos", "256"], 2, "256 is not in 0..=255"),
    ("raw_sender", &["--dscp", "64"], 2, "64 is not in 0..=63"),
    ("raw_sender", &["--ecn", "4"], 2, "4 is not in 0..=3"),
    (
        "raw_sender",
        &["--tos", "1", "--dscp", "2"],
        2,
        "cannot be used with '--dscp <DSCP>'",
    ),
    (
        "raw_sender",
        &["--id", "65536"],
        2,
        "65536 is not in 0..=65535",
    ),
    ("raw_sender", &["--ttl", "256"], 2, "256 is not in 0..=255"),
    (
        "raw_sender",
        &["--proto", "-1"],
        2,
        "unexpected argument '-1'",
    ),
    (
        "raw_sender",
        &["--frag-offset", "8192"],
        2,
        "8192 is not in 0..=8191",
    ),
    (
        "raw_sender",
        &["--ip-options", "zz"],
        2,
        "\"zz\" is not a hex byte",
    ),
    ("raw_sender", &["--ip-options", "010"], 2, "3 hex digits"),
    (
        "raw_sender",
        &[
            "--ip-options",
            "0101010101010101010101010101010101010101010101010101010101010101010101010101010101",
        ],
        2,
        "at most 40",
    ),
    (
        "raw_sender",
        &["--data-hex", "4g"],
        2,
        "\"4g\" is not a hex byte",
    ),
    (
        "raw_sender",
        &["-m", "a", "--data-hex", "41"],
        2,
        "cannot be used with",
    ),
    (
        "raw_sender",
        &["--file", "/no/such/file"],
        2,
        "cannot read --file /no/such/file",
    ),
    (
        "raw_sender",
        &["--encode", "rot13"],
        2,
        "invalid value 'rot13'",
    ),
    (
        "raw_sender",
        &["--tcp", "--udp"],
        2,
        "'--tcp' cannot be used with '--udp'",
    ),
    (
        "raw_sender",
        &["--udp", "--icmp"],
        2,
        "'--udp' cannot be used with '--icmp'",
    ),
    ("raw_sender", &["--sport", "1"], 2, "<--tcp|--udp>"),
    ("raw_sender", &["--dport", "1"], 2, "<--tcp|--udp>"),
    (
        "raw_sender",
        &["--udp", "--sport", "65536"],
        2,
        "65536 is not in 0..=65535",
    ),
    (
        "raw_sender",
        &["--seq", "1"],
        2,
        "required arguments were not provided: --tcp",
    ),
    (
        "raw_sender",
        &["--ack", "1"],
        2,
        "required arguments were not provided: --tcp",
    ),
    (
        "raw_sender",
        &["--window", "1"],
        2,
        "required arguments were not provided: --tcp",
    ),
    (
        "raw_sender",
        &["--urgent", "1"],
        2,
        "required arguments were not provided: --tcp",
    ),
    (
        "raw_sender",
        &["--flags", "S"],
        2,
        "required arguments were not provided: --tcp",
    ),
    (
        "raw_sender",
        &["--tcp", "--flags", "SX"],
        2,
        "'X' is not a TCP flag letter",
    ),
    (
        "raw_sender",
        &["--tcp", "--seq", "4294967296"],
        2,
        "4294967296 is not in 0..=4294967295",
    ),
    (
        "raw_sender",
        &["--icmp-id", "1"],
        2,
        "required arguments were not provided: --icmp",
    ),
    (
        "raw_sender",
        &["--icmp-seq", "1"],
        2,
        "required arguments were not provided: --icmp",
    ),
    (
        "raw_sender",
        &["--bad-l4-checksum"],
        2,
        "<--tcp|--udp|--icmp>",
    ),
    ("raw_sender", &["-c", "0"], 2, "0 is not in 1.."),
    ("raw_sender", &["-i", "-5"], 2, "unexpected argument '-5'"),
    (
        "raw_sender",
        &["--flood", "-i", "5"],
        2,
        "cannot be used with",
    ),
    ("raw_sender", &["--nope"], 2, "unexpected argument '--nope'"),
    (
        "raw_sender",
        &["--pcap", "/no/such/dir/x.pcap"],
        1,
        "cannot write /no/such/dir/x.pcap",
    ),
    (
        "raw_sender",
        &["--pcap", "/dev/full", "-c", "18446744073709551615"],
        1,
        "cannot write /dev/full: No space left on device",
    ),
    (
        "raw_sender",
        &["--file", "/dev/zero"],
        2,
        "--file /dev/zero holds more than the 65515 bytes",
    ),
    (
        "raw_sender",
        &["-m"],
        2,
        "a value is required for '--message <MESSAGE>'",
    ),
    (
        "raw_sender",
        &["--icmp", "--icmp-id", "x"],
        2,
        "invalid value 'x'",
    ),
    (
        "raw_sender",
        &["--tcp", "--window", "65536"],
        2,
        "65536 is not in 0..=65535",
    ),
    (
        "raw_sender",
        &["--tcp", "--ack", "-2"],
        2,
        "unexpected argument '-2'",
    ),
    (
        "raw_sender",
        &["--tcp", "--urgent", "u"],
        2,
        "invalid value 'u'",
    ),
    (
        "raw_sender",
        &["--icmp", "--icmp-seq", "65536"],
        2,
        "65536 is not in 0..=65535",
    ),
    (
        "raw_sender",
        &["--udp", "--dport", "port"],
        2,
        "invalid value 'port'",
    ),
    (
        "raw_sender",
        &["--proto", "300"],
        2,
        "300 is not in 0..=255",
    ),
    (
        "raw_sender",
        &["-6", "--flow-label", "0x100000"],
        2,
        "a flow label has 20 bits",
    ),
    (
        "raw_sender",
        &["--flow-label", "5"],
        2,
        "--flow-label sets an IPv6 field",
    ),
    (
        "raw_sender",
        &["-6", "--payload-length", "65536"],
        2,
        "65536 is not in 0..=65535",
    ),
    (
        "raw_sender",
        &["--payload-length", "5"],
        2,
        "--payload-length sets an IPv6 field",
    ),
    (
        "raw_sender",
        &["-6", "--id", "5"],
        2,
        "--id sets a field the IPv6 header does not have",
    ),
    ("raw_sender", &["--dst", "::"], 2, "--dst :: names no host"),
];

#[test]
fn every_bad_value_of_every_flag_is_refused_with_a_reason() {
    for (binary, args, code, reason) in CASES {
        let mut invocation = command(binary);
        if *binary == "raw_sender" {
            invocation.arg("--dry-run");
        }
        invocation.args(*args);
        let (status, stdout, stderr) = run_with_input(&mut invocation, b"");
        let what = format!("{binary} {}", args.join(" "));
        assert_eq!(status.code(), Some(*code), "{what}: {stderr}");
        assert!(stdout.is_empty(), "{what} printed to stdout");
        assert!(
            stderr.contains(reason),
            "{what}: {stderr:?} lacks {reason:?}"
        );
        assert!(!stderr.contains("panicked"), "{what} panicked: {stderr}");
        if *code == 2 {
            // Bad arguments: one line, from every binary alike.
            assert_eq!(
                stderr.lines().count(),
                1,
                "{what}: one line, not {stderr:?}"
            );
        }
    }
}

/// Flags that take no value, so have no bad value to give.
const SWITCHES: &[&str] = &[
    "--keep",
    "--udp",
    "--listen",
    "--df",
    "--mf",
    "--evil",
    "--bad-checksum",
    "--tcp",
    "--icmp",
    "--dry-run",
    "--send",
    "--flood",
    "--help",
    "--version",
    "-l",
    "-u",
    "-k",
    "-6",
    "-v",
    "-n",
];

#[test]
fn help_and_version_that_cannot_be_printed_exit_74() {
    for binary in ["stream_client", "dgram_client", "listener", "raw_sender"] {
        for flag in ["--help", "--version"] {
            let output = command(binary)
                .arg(flag)
                .stdout(std::fs::File::create("/dev/full").unwrap())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(74), "{binary} {flag}: {stderr}");
            assert!(
                stderr.starts_with(&format!(
                    "{binary}: cannot write to standard output"
                )),
                "{binary} {flag}: {stderr}"
            );
        }
    }
}

#[test]
fn the_matrix_names_every_flag_of_every_binary() {
    // A flag added to a binary without a bad-value case here fails this.
    for binary in ["stream_client", "dgram_client", "listener", "raw_sender"] {
        let (_, help, _) = run_with_input(command(binary).arg("--help"), b"");
        let help = String::from_utf8(help).unwrap();
        for line in help
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with('-'))
        {
            // "-p, --port <PORT>" or "--ttl <TTL>" or "-6"
            let names: Vec<&str> = line
                .split_whitespace()
                .map(|word| word.trim_end_matches(','))
                .take_while(|word| word.starts_with('-'))
                .collect();
            if names.iter().any(|name| SWITCHES.contains(name)) {
                continue;
            }
            let covered = CASES.iter().any(|(name, args, _, _)| {
                name == &binary && args.iter().any(|arg| names.contains(arg))
            });
            assert!(
                covered,
                "{binary} {names:?} has no bad-value case in the matrix"
            );
        }
    }
}

#[test]
fn an_unknown_host_is_named_with_a_hint() {
    // Name resolution may ask a DNS server: do it where there is none.
    in_netns("an_unknown_host_is_named_with_a_hint", || {
        for client in ["stream_client", "dgram_client"] {
            let (status, _, stderr) =
                run_with_input(command(client).arg("no-such-host.invalid"), b"");
            assert_eq!(status.code(), Some(1), "{client}: {stderr}");
            assert!(
                stderr.contains(r#"unknown host "no-such-host.invalid""#),
                "{stderr}"
            );
            assert!(stderr.contains("127.0.0.1 or ::1"), "{client}: {stderr}");
        }
    });
}

#[test]
fn malformed_packets_are_reported_with_their_reason_and_the_listener_goes_on() {
    in_netns(
        "malformed_packets_are_reported_with_their_reason_and_the_listener_goes_on",
        || {
            let truncated_tcp = "0102030405";
            let offset_4 = "9c40303900000001000000004002faf000000000";
            let offset_past_end = "9c4030390000000100000000f002faf000000000";
            let tcp_option_past_end =
                "9c40303900000001000000006002faf00000000002080000";
            // Time exceeded, then an IPv6 header (ff::1 > ::1) and 8 bytes.
            let icmp_quoting_ipv6 = format!(
                "0b00000000000000{}{}{}0000000000000000",
                "6000000000081140",
                "00ff0000000000000000000000000001",
                "00000000000000000000000000000001"
            );
            let still_here = |protocol: &str| -> Vec<&'static str> {
                let transport = match protocol {
                    "6" => "--tcp",
                    "17" => "--udp",
                    "1" => "--icmp",
                    _ => "--proto=16",
                };
                vec![transport, "-m", "still here"]
            };
            let cases: &[(&str, &[&str], &str)] = &[
                (
                    "6",
                    &["--proto", "6", "--data-hex", truncated_tcp],
                    "5 bytes are too few for a TCP header",
                ),
                (
                    "6",
                    &["--proto", "6", "--data-hex", offset_4],
                    "TCP data offset is 4 (< 5)",
                ),
                (
                    "6",
                    &["--proto", "6", "--data-hex", offset_past_end],
                    "says 60 header bytes but the segment has 20",
                ),
                (
                    "17",
                    &["--proto", "17", "--data-hex", "0001"],
                    "2 bytes are too few for a UDP header",
                ),
                // A TCP option that runs past the header is malformed, as an
                // IPv4 one is: Data Offset 6, option 2 (MSS) of length 8.
                (
                    "6",
                    &["--proto", "6", "--data-hex", tcp_option_past_end],
                    "TCP Data Offset 6 but options malformed: option 2 at option byte \
                     0 has length 8, which does not fit",
                ),
                // An ICMP error quotes an IPv4 datagram (RFC 792), never IPv6.
                (
                    "1",
                    &["--proto", "1", "--data-hex", &icmp_quoting_ipv6],
                    "quoting a malformed datagram: the quoted packet's version is 6, \
                     not 4 (an ICMP error quotes an IPv4 datagram, RFC 792)",
                ),
                // (ICMP shorter than 8 bytes never reaches a raw socket: Linux's
                // ICMP filter for raw sockets drops it first.)
                ("16", &["-m", ""], "payload: none"),
            ];
            for (protocol, args, reason) in cases {
                // Each listener takes two packets: the bad one, then a good one,
                // which shows it is still running.
                let mut checker = Proc::spawn(
                    command("listener").args(["--raw", protocol, "-c", "2"]),
                );
                checker.listening_address();
                for packet in [args.to_vec(), still_here(protocol)] {
                    let (status, _, stderr) =
                        run_with_input(command("raw_sender").args(&packet), b"");
                    assert!(status.success(), "{packet:?}: {stderr}");
                }
                let (status, report, log) = checker.finish();
                let report = String::from_utf8(report).unwrap();
                assert!(status.success(), "{log}");
                assert!(
                    report.contains(reason),
                    "{args:?}: no {reason:?} in\n{report}"
                );
                assert!(
                    report.contains("still here"),
                    "{args:?}: the listener stopped\n{report}"
                );
            }
        },
    );
}
