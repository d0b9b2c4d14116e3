//! raw_sender -6 as a student runs it: the dry run and the pcap file (read
//! by tcpdump and tshark) without privilege; then, in a namespace of the
//! test's own, the packet on the wire as tcpdump sees it, the kernel's
//! answers, and what Linux does to an IPv6 header we write (RFC 8200 § 3):
//! it sends it as written, where it fills in IPv4's (raw(7)). And every
//! flag that does not fit IPv6, or IPv4, refused on one line.

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::{raw_sender, tcpdump, without_timestamps};
use testkit::{as_nobody, command, have_tool, in_netns, run_with_input};

/// raw_sender ARGS sent while tcpdump captures `count` packets of `filter`
/// on lo: what raw_sender printed, and what tcpdump saw.
fn send_and_capture(args: &[&str], count: usize, filter: &str) -> (String, String) {
    let capture = tcpdump(count, filter);
    let (code, stdout, stderr) = raw_sender(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    assert!(stdout.contains("1 packet(s) sent in"), "{stdout}");
    let (_, seen, log) = capture.finish();
    let seen = without_timestamps(&seen);
    let plural = if count == 1 { "" } else { "s" };
    assert!(
        log.contains(&format!("{count} packet{plural} captured")),
        "{args:?}: tcpdump saw too few:\n{seen}\n{log}"
    );
    (stdout, seen)
}

/// The IPv6, ICMPv6 and UDP counters of this namespace (/proc/net/snmp6).
fn snmp6() -> HashMap<String, u64> {
    let text = std::fs::read_to_string("/proc/net/snmp6").unwrap();
    text.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(char::is_whitespace)?;
            Some((name.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

/// Waits (bounded) until counter `name` has grown past `before`; returns
/// by how much.
fn counter_grows(before: &HashMap<String, u64>, name: &str) -> u64 {
    let was = before.get(name).copied().unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let now = snmp6().get(name).copied().unwrap_or(0);
        if now > was || Instant::now() > deadline {
            return now - was;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The row of a dry run's field table that starts at `offset` with `name`.
fn row<'a>(dry: &'a str, offset: usize, name: &str) -> &'a str {
    let start = format!("{offset:>6}  {name} ");
    dry.lines()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("no {start:?} row in\n{dry}"))
}

/// The value a row shows: the words between the name and the RFC.
fn value<'a>(dry: &'a str, offset: usize, name: &str) -> &'a str {
    // Offset and name take 29 columns; the RFC column starts with "RFC".
    let rest = &row(dry, offset, name)[29..];
    let end = rest.find(" RFC ").unwrap_or(rest.len());
    rest[..end].trim()
}

#[test]
fn ipv6_dry_run_of_an_echo_request_shows_every_field() {
    let (code, dry, stderr) = raw_sender(&["-6", "--icmp", "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        dry.starts_with(
            "IP6 ::1 > ::1: ICMP6, echo request, id 1, seq 1, length 29\n"
        ),
        "{dry}"
    );
    // Version 6, class 0, label 0; payload length 0x001d = 29 (8 of ICMPv6
    // header, 21 of "Hello from raw_sender"), next header 0x3a = 58, hop
    // limit 0x40 = 64; ::1 twice; type 0x80 = 128.
    for line in [
        "\t0x0000:  6000 0000 001d 3a40 0000 0000 0000 0000  `.....:@........\n",
        "\t0x0010:  0000 0000 0000 0001 0000 0000 0000 0000  ................\n",
        "\t0x0020:  0000 0000 0000 0001 8000 ",
        "\t0x0040:  656e 6465 72                             ender\n",
    ] {
        assert!(dry.contains(line), "no {line:?} in\n{dry}");
    }
    for (offset, name, shown) in [
        (0, "Version", "6"),
        (0, "Traffic Class", "0x00 (DSCP 0, ECN 0)"),
        (1, "Flow Label", "0x00000"),
        (4, "Payload Length", "29"),
        (6, "Next Header", "58 (ICMPv6)"),
        (7, "Hop Limit", "64"),
        (8, "Source Address", "::1"),
        (24, "Destination Address", "::1"),
        (40, "Type", "128 (echo request)"),
        (41, "Code", "0"),
        (44, "Identifier", "1"),
        (46, "Sequence Number", "1"),
    ] {
        assert_eq!(value(&dry, offset, name), shown, "{name} in\n{dry}");
    }
    assert!(row(&dry, 4, "Payload Length").ends_with("RFC 8200 3"));
    assert!(row(&dry, 42, "Checksum").ends_with("RFC 4443 2.3"));
    for title in [
        "IPv6 header, bytes 0-39:",
        "ICMPv6 header, bytes 40-47:",
        "Data, bytes 48-68: 21 bytes",
    ] {
        assert!(dry.contains(title), "no {title:?} in\n{dry}");
    }
    // The checksum the table shows is the one in bytes 42-43 of the dump.
    let checksum = value(&dry, 42, "Checksum").trim_start_matches("0x");
    assert!(
        dry.contains(&format!(
            "\t0x0020:  0000 0000 0000 0001 8000 {checksum} 0001 0001"
        )),
        "{dry}"
    );
    // A dry run sends nothing; with no --src it says where ::1 came from.
    assert!(!dry.contains("sent"), "{dry}");
    assert!(dry.ends_with("(ip route get ::1)\n"), "{dry}");
}

#[test]
fn ipv6_dry_run_of_tcp_and_udp_with_traffic_class_and_flow_label() {
    let (code, tcp, stderr) = raw_sender(&["-6", "--tcp", "-m", "hi", "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        tcp.starts_with(
            "IP6 ::1.40000 > ::1.12345: Flags [S], seq 1000, ack 0, win 64240, length 2\n"
        ),
        "{tcp}"
    );
    assert!(tcp.contains("\t0x0000:  6000 0000 0016 0640 "), "{tcp}");
    assert_eq!(value(&tcp, 4, "Payload Length"), "22");
    assert_eq!(value(&tcp, 6, "Next Header"), "6 (TCP)");
    assert!(tcp.contains("TCP header, bytes 40-59:"), "{tcp}");
    assert_eq!(value(&tcp, 53, "Control Bits"), "0x02 (SYN)");

    let (code, udp, stderr) = raw_sender(&[
        "-6",
        "--udp",
        "-m",
        "hi",
        "--dscp",
        "46",
        "--ecn",
        "1",
        "--flow-label",
        "0x12345",
        "--ttl",
        "9",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        udp.starts_with("IP6 ::1.40000 > ::1.54321: UDP, length 2\n"),
        "{udp}"
    );
    // 6, then class 0xb9 (46 << 2 | 1) across the nibbles, then the label
    // 1 2345 in bytes 1-3; payload length 10, next header 17, hop limit 9.
    assert!(udp.contains("\t0x0000:  6b91 2345 000a 1109 "), "{udp}");
    assert_eq!(value(&udp, 0, "Traffic Class"), "0xb9 (DSCP 46, ECN 1)");
    assert_eq!(value(&udp, 1, "Flow Label"), "0x12345");
    assert_eq!(value(&udp, 4, "Payload Length"), "10");
    assert_eq!(value(&udp, 6, "Next Header"), "17 (UDP)");
    assert_eq!(value(&udp, 7, "Hop Limit"), "9");
    assert_eq!(value(&udp, 44, "Length"), "10");

    // --tos gives the byte whole; the flow label in decimal.
    let (code, whole, stderr) = raw_sender(&[
        "-6",
        "--tos",
        "184",
        "--flow-label",
        "1048575",
        "-m",
        "",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        whole.starts_with("IP6 ::1 > ::1: ip-proto-16 0\n"),
        "{whole}"
    );
    assert!(whole.contains("\t0x0000:  6b8f ffff 0000 1040 "), "{whole}");
    assert_eq!(value(&whole, 0, "Traffic Class"), "0xb8 (DSCP 46, ECN 0)");
    assert_eq!(value(&whole, 1, "Flow Label"), "0xfffff");
    assert_eq!(value(&whole, 6, "Next Header"), "16 (CHAOS)");
    assert!(
        whole.contains("Data: none (the packet ends at byte 39)"),
        "{whole}"
    );
}

#[test]
fn an_ipv6_destination_without_dash_6_builds_ipv6() {
    let (code, dry, stderr) =
        raw_sender(&["--dst", "::1", "--src", "::1", "--udp", "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        dry.starts_with("IP6 ::1.40000 > ::1.54321: UDP, length 21\n"),
        "{dry}"
    );
    assert!(dry.contains("IPv6 header, bytes 0-39:"), "{dry}");
    assert!(dry.ends_with("source ::1: from --src\n"), "{dry}");
    let (code, with_6, _) =
        raw_sender(&["-6", "--dst", "::1", "--src", "::1", "--udp", "--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(dry, with_6, "-6 changes nothing when --dst is IPv6");
    // A documentation address (RFC 3849), --src given: no route needed.
    let (code, far, stderr) = raw_sender(&[
        "--dst",
        "2001:db8::2",
        "--src",
        "2001:db8::1",
        "--icmp",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        far.starts_with("IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo request"),
        "{far}"
    );
    assert_eq!(value(&far, 8, "Source Address"), "2001:db8::1");
    assert_eq!(value(&far, 24, "Destination Address"), "2001:db8::2");
}

/// raw_sender ARGS --pcap FILE, then `tcpdump -r FILE -nn -vv`: its stdout
/// without timestamps, and its stderr.
fn pcap_read_by_tcpdump(args: &[&str], pcap: &str) -> (String, String) {
    let (code, _, stderr) = raw_sender(&[args, &["--pcap", pcap]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.trim_end(), format!("wrote 1 packet(s) to {pcap}"));
    let read = Command::new("tcpdump")
        .args(["-r", pcap, "-nn", "-vv"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&read.stderr).into_owned();
    assert!(read.status.success(), "{log}");
    (without_timestamps(&read.stdout), log)
}

#[test]
fn tcpdump_reads_our_ipv6_pcaps_with_good_and_bad_checksums() {
    let test = "tcpdump_reads_our_ipv6_pcaps_with_good_and_bad_checksums";
    if !have_tool(test, "tcpdump") {
        return;
    }
    let dir = testkit::temp_dir("raw_ipv6_pcap");
    let pcap = dir.join("ipv6.pcap");
    let pcap = pcap.to_str().unwrap();
    let cases: [(&[&str], &str, &str); 3] = [
        (
            &["-6", "--icmp", "-m", "ping"],
            "IP6 (hlim 64, next-header ICMPv6 (58) payload length: 12) ::1 > ::1: \
             [icmp6 sum ok] ICMP6, echo request, id 1, seq 1",
            "[bad icmp6 cksum 0x",
        ),
        (
            &["-6", "--udp", "-m", "hello", "--flow-label", "0x12345"],
            "IP6 (flowlabel 0x12345, hlim 64, next-header UDP (17) payload length: \
             13) ::1.40000 > ::1.54321: [udp sum ok] UDP, length 5",
            "[bad udp cksum 0x",
        ),
        (
            &["-6", "--tcp", "-m", "hi", "--dscp", "46"],
            "IP6 (class 0xb8, hlim 64, next-header TCP (6) payload length: 22) \
             ::1.40000 > ::1.12345: Flags [S], cksum 0x",
            "(incorrect -> 0x",
        ),
    ];
    for (args, good, bad) in cases {
        let (read, log) = pcap_read_by_tcpdump(args, pcap);
        assert!(
            log.contains("link-type IPV6 (Raw IPv6), snapshot length 65575"),
            "{log}"
        );
        assert!(read.starts_with(good), "{args:?}:\n{read}");
        if args.contains(&"--tcp") {
            assert!(read.contains("(correct), seq 1000:1002"), "{read}");
        }
        assert!(!read.contains("bad"), "{args:?}: {read}");
        let spoiled = [args, &["--bad-l4-checksum"]].concat();
        let (read, _) = pcap_read_by_tcpdump(&spoiled, pcap);
        assert!(read.contains(bad), "{spoiled:?}:\n{read}");
    }
}

/// Also the self-check that Wireshark finds nothing wrong in
/// `raw_sender -6 --pcap FILE`: every checksum verified, ICMPv6's always.
#[test]
fn wireshark_decodes_our_ipv6_pcaps_cleanly_and_flags_a_bad_checksum() {
    let test = "wireshark_decodes_our_ipv6_pcaps_cleanly_and_flags_a_bad_checksum";
    if !have_tool(test, "tshark") {
        return;
    }
    let dir = testkit::temp_dir("raw_ipv6_tshark");
    let pcap = dir.join("packet.pcap");
    let pcap = pcap.to_str().unwrap();
    let decode = |args: &[&str]| {
        let (code, _, stderr) = raw_sender(&[args, &["--pcap", pcap]].concat());
        assert_eq!(code, 0, "{stderr}");
        let output = Command::new("tshark")
            .args(["-r", pcap, "-V"])
            .args(["-o", "tcp.check_checksum:TRUE"])
            .args(["-o", "udp.check_checksum:TRUE"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let clean: &[(&[&str], &str)] = &[
        (
            &["-6", "--icmp", "-m", "ping"],
            "Internet Control Message Protocol v6",
        ),
        (&["-6", "--udp", "-m", "hello"], "User Datagram Protocol"),
        (
            &["-6", "--tcp", "--flags", "SA", "-m", "hi"],
            "Transmission Control Protocol",
        ),
        (
            &[
                "-6",
                "--udp",
                "--flow-label",
                "0xabcde",
                "--dscp",
                "46",
                "--ecn",
                "3",
            ],
            "User Datagram Protocol",
        ),
    ];
    for (args, protocol) in clean {
        let decoded = decode(args);
        assert!(decoded.contains("Internet Protocol Version 6"), "{decoded}");
        assert!(decoded.contains(protocol), "{args:?}:\n{decoded}");
        assert!(
            decoded.contains("[Checksum Status: Good]"),
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
    let labelled = decode(clean[3].0);
    assert!(labelled.contains("Flow Label: 0xabcde"), "{labelled}");
    assert!(
        labelled.contains(
            "Differentiated Services Codepoint: Expedited Forwarding (46)"
        ),
        "{labelled}"
    );

    // The wrong checksum is flagged, with the right one: the dry run's.
    for (args, offset) in [
        (&["-6", "--icmp", "-m", "ping"][..], 42),
        (&["-6", "--udp", "-m", "hello"], 46),
        (&["-6", "--tcp", "-m", "hi"], 56),
    ] {
        let (_, dry, _) = raw_sender(&[args, &["--dry-run"]].concat());
        let right = value(&dry, offset, "Checksum").to_string();
        let bad = decode(&[args, &["--bad-l4-checksum"]].concat());
        let should = format!("Bad checksum [should be {right}]");
        assert!(bad.contains(&should), "{args:?}: no {should:?} in\n{bad}");
        assert!(bad.contains("[Checksum Status: Bad]"), "{bad}");
    }
}

/// Each refusal: exit 2, nothing on stdout, one line on stderr that starts
/// `raw_sender: ` and holds every one of `words`.
fn refused(args: &[&str], words: &[&str]) {
    let (code, stdout, stderr) = raw_sender(args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?}: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.starts_with("raw_sender: "), "{stderr}");
    for word in words {
        assert!(stderr.contains(word), "{args:?}: no {word:?} in {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn ipv4_only_flags_with_ipv6_are_refused_naming_the_missing_field() {
    for flags in [
        &["--id", "7"][..],
        &["--df"],
        &["--mf"],
        &["--evil"],
        &["--frag-offset", "1"],
        &["--ip-options", "01010100"],
        &["--bad-checksum"],
    ] {
        let flag = flags[0];
        for ipv6 in [&["-6"][..], &["--dst", "::1"]] {
            for mode in [&["--dry-run"][..], &["--pcap", "/dev/null"], &[]] {
                let args = [ipv6, flags, mode].concat();
                refused(
                    &args,
                    &[
                        &format!(
                            "raw_sender: {flag} sets a field the IPv6 header does not have"
                        ),
                        "RFC 8200 § 3",
                        &format!("drop {flag}, or send IPv4"),
                    ],
                );
            }
        }
    }
}

#[test]
fn ipv6_only_flags_and_mixed_families_are_refused() {
    for flags in [&["--flow-label", "1"][..], &["--payload-length", "0"]] {
        let flag = flags[0];
        for ipv4 in [&[][..], &["--dst", "127.0.0.1"]] {
            let args = [ipv4, flags, &["--dry-run"]].concat();
            refused(
                &args,
                &[
                    &format!("raw_sender: {flag} sets an IPv6 field"),
                    "RFC 8200 § 3",
                    &format!("add -6, or drop {flag}"),
                ],
            );
        }
    }
    refused(
        &["-6", "--dst", "127.0.0.1", "--dry-run"],
        &[
            "raw_sender: -6 builds an IPv6 header, but --dst 127.0.0.1 is an IPv4 \
             address",
            "give an IPv6 --dst (e.g. ::1), or drop -6",
        ],
    );
    for (args, pair) in [
        (&["-6", "--src", "127.0.0.1"][..], "--src 127.0.0.1 and ::1"),
        (
            &["--dst", "::1", "--src", "10.0.0.1"],
            "--src 10.0.0.1 and ::1",
        ),
        (&["--src", "::1"], "--src ::1 and 127.0.0.1"),
        (
            &["--dst", "127.0.0.1", "--src", "::1"],
            "--src ::1 and 127.0.0.1",
        ),
    ] {
        for mode in [&["--dry-run"][..], &[]] {
            refused(
                &[args, mode].concat(),
                &[pair, "are of two families: give two of one kind"],
            );
        }
    }
    for label in ["0x100000", "1048576", "-1", "0xg", "twelve"] {
        // --flow-label=-1: with the `=`, clap takes "-1" as the value.
        refused(
            &["-6", &format!("--flow-label={label}"), "--dry-run"],
            &[
                &format!("invalid value '{label}' for '--flow-label"),
                "a flow label has 20 bits: 0 to 1048575 (0xfffff)",
            ],
        );
    }
    refused(
        &["-6", "--payload-length", "65536", "--dry-run"],
        &["invalid value '65536' for '--payload-length"],
    );
}

#[test]
fn a_wrong_payload_length_is_written_as_asked_in_dry_run_and_pcap() {
    let (code, dry, stderr) = raw_sender(&[
        "-6",
        "--udp",
        "-m",
        "hello",
        "--payload-length",
        "200",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(value(&dry, 4, "Payload Length"), "200");
    assert!(dry.contains("\t0x0000:  6000 0000 00c8 1140 "), "{dry}");
    // The UDP length stays true: only the IPv6 field is spoiled.
    assert_eq!(value(&dry, 44, "Length"), "13");
    let (_, right, _) = raw_sender(&["-6", "--udp", "-m", "hello", "--dry-run"]);
    assert_eq!(value(&right, 4, "Payload Length"), "13");
    assert_eq!(
        value(&dry, 46, "Checksum"),
        value(&right, 46, "Checksum"),
        "the pseudo-header counts the true length"
    );
    // The pcap record holds the same spoiled field: bytes 4-5 of the
    // packet, after the file's 24-byte header and the record's 16.
    let dir = testkit::temp_dir("raw_ipv6_payload_length");
    let pcap = dir.join("spoiled.pcap");
    let pcap = pcap.to_str().unwrap();
    let (code, _, stderr) = raw_sender(&[
        "-6",
        "--udp",
        "-m",
        "hello",
        "--payload-length",
        "200",
        "--pcap",
        pcap,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let file = std::fs::read(pcap).unwrap();
    assert_eq!(file.len(), 24 + 16 + 53, "all 53 bytes, as built");
    assert_eq!(&file[40..48], &[0x60, 0, 0, 0, 0x00, 0xc8, 17, 64]);
}

#[test]
fn ipv6_without_cap_net_raw_names_it_and_exits_77() {
    in_netns("ipv6_without_cap_net_raw_names_it_and_exits_77", || {
        for args in [&["-6", "-m", "hi"][..], &["--dst", "::1", "--icmp"]] {
            let mut sender = command("raw_sender");
            sender.args(args);
            let (status, stdout, stderr) =
                run_with_input(&mut as_nobody(&sender), b"");
            assert_eq!(status.code(), Some(77), "{args:?}: {stderr}");
            assert!(stdout.is_empty(), "{stdout:?}");
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(lines.len(), 2, "{stderr}");
            assert_eq!(
                lines[0],
                "raw_sender: cannot open a raw socket: Operation not permitted \
                 (os error 1)"
            );
            for way_out in [
                "CAP_NET_RAW",
                "sudo setcap cap_net_raw+ep ./target/debug/raw_sender",
                "--dry-run or --pcap FILE",
            ] {
                assert!(lines[1].contains(way_out), "{way_out:?}: {stderr}");
            }
            // Its dry run needs nothing.
            let mut dry = command("raw_sender");
            dry.args(args).arg("--dry-run");
            let (status, stdout, _) = run_with_input(&mut as_nobody(&dry), b"");
            assert!(status.success());
            assert!(String::from_utf8_lossy(&stdout).starts_with("IP6 ::1"));
        }
    });
}

#[test]
fn tcpdump_sees_our_ipv6_packet_exactly_as_built() {
    let test = "tcpdump_sees_our_ipv6_packet_exactly_as_built";
    if !have_tool(test, "tcpdump") {
        return;
    }
    in_netns(test, || {
        let args = [
            "-6",
            "--udp",
            "-m",
            "hello",
            "--flow-label",
            "0x12345",
            "--dscp",
            "46",
            "--ttl",
            "9",
        ];
        let (stdout, seen) = send_and_capture(&args, 1, "ip6");
        assert!(
            stdout.starts_with(
                "sent 53 bytes to ::1, next header 17 (UDP), flow label 0x12345\n"
            ),
            "{stdout}"
        );
        // Traffic class, flow label and hop limit as written: Linux adds
        // no label of its own to a header we wrote.
        assert!(
            seen.contains(
                "IP6 (class 0xb8, flowlabel 0x12345, hlim 9, next-header UDP (17) \
                 payload length: 13) ::1.40000 > ::1.54321: [udp sum ok] UDP, length 5"
            ),
            "{seen}"
        );
        // Byte for byte what the dry run printed (tcpdump -X's layout).
        let (_, dry, _) = raw_sender(&[&args[..], &["--dry-run"]].concat());
        let dump: Vec<&str> = dry
            .lines()
            .filter(|line| line.starts_with("\t0x"))
            .collect();
        assert_eq!(dump.len(), 4, "{dry}");
        for line in dump {
            assert!(seen.contains(line), "no {line:?} on the wire:\n{seen}");
        }
    });
}

#[test]
fn the_kernel_answers_our_icmpv6_echo_request() {
    let test = "the_kernel_answers_our_icmpv6_echo_request";
    if !have_tool(test, "tcpdump") {
        return;
    }
    in_netns(test, || {
        let before = snmp6();
        let args = [
            "-6",
            "--icmp",
            "--icmp-id",
            "77",
            "--icmp-seq",
            "5",
            "-m",
            "ping",
        ];
        let (stdout, seen) = send_and_capture(&args, 2, "icmp6");
        assert!(
            stdout.starts_with(
                "sent 52 bytes to ::1, next header 58 (ICMPv6), flow label 0x00000\n"
            ),
            "{stdout}"
        );
        let lines: Vec<&str> =
            seen.lines().filter(|l| l.starts_with("IP6")).collect();
        assert_eq!(lines.len(), 2, "{seen}");
        assert_eq!(
            lines[0],
            "IP6 (hlim 64, next-header ICMPv6 (58) payload length: 12) ::1 > ::1: \
             [icmp6 sum ok] ICMP6, echo request, id 77, seq 5"
        );
        // The kernel's reply, whose header it wrote itself: with a flow label
        // of its choosing (net.ipv6.auto_flowlabels, on by default), where
        // ours, written by hand, stays 0.
        assert!(lines[1].starts_with("IP6 (flowlabel 0x"), "{seen}");
        assert!(
            lines[1].ends_with(
                "hlim 64, next-header ICMPv6 (58) payload length: 12) ::1 > ::1: \
                 [icmp6 sum ok] ICMP6, echo reply, id 77, seq 5"
            ),
            "{seen}"
        );
        let data = seen.lines().filter(|line| line.ends_with("  ping"));
        assert_eq!(data.count(), 2, "the data comes back: {seen}");
        assert_eq!(counter_grows(&before, "Icmp6InEchos"), 1);
        assert_eq!(counter_grows(&before, "Icmp6OutEchoReplies"), 1);
    });
}

#[test]
fn a_wrong_payload_length_goes_out_as_written() {
    let test = "a_wrong_payload_length_goes_out_as_written";
    if !have_tool(test, "tcpdump") {
        return;
    }
    in_netns(test, || {
        // The true payload length is 13 (8 of UDP header, "hello").
        let cases = [
            (
                "0",
                "IP6 (hlim 64, next-header UDP (17) payload length: 0) ::1 > ::1:  \
                 [|udp]",
                "Udp6InErrors",
            ),
            (
                "5",
                "IP6 (hlim 64, next-header UDP (17) payload length: 5) \
                 ::1.40000 > ::1.54321: truncated-udp 5",
                "Udp6InErrors",
            ),
            (
                "200",
                "IP6 truncated-ip6 - 187 bytes missing!(hlim 64, next-header UDP (17) \
                 payload length: 200) ::1.40000 > ::1.54321: [udp sum ok] UDP, length 5",
                "Ip6InTruncatedPkts",
            ),
        ];
        for (length, on_the_wire, counted) in cases {
            let before = snmp6();
            let args = ["-6", "--udp", "-m", "hello", "--payload-length", length];
            let (stdout, seen) = send_and_capture(&args, 1, "ip6");
            // All 53 bytes went: the kernel neither refused nor trimmed them.
            assert!(stdout.starts_with("sent 53 bytes to ::1"), "{stdout}");
            assert!(
                seen.contains(on_the_wire),
                "--payload-length {length}:\n{seen}"
            );
            let spoiled = format!("{:04x}", length.parse::<u16>().unwrap());
            let first = format!("\t0x0000:  6000 0000 {spoiled} 1140 ");
            assert!(seen.contains(&first), "{seen}");
            // The receiving side counted the mismatch: a short length
            // reaches UDP, which finds too few bytes; a long one is
            // dropped by IPv6 as truncated.
            assert_eq!(counter_grows(&before, counted), 1, "{length}: {counted}");
        }
    });
}

#[test]
fn an_unspecified_ipv6_source_goes_out_as_written() {
    let test = "an_unspecified_ipv6_source_goes_out_as_written";
    if !have_tool(test, "tcpdump") {
        return;
    }
    in_netns(test, || {
        let before = snmp6();
        let args = ["-6", "--udp", "-m", "hello", "--src", "::"];
        let (stdout, seen) = send_and_capture(&args, 1, "ip6");
        assert!(stdout.starts_with("sent 53 bytes to ::1"), "{stdout}");
        // The checksum was computed over :: in the pseudo-header: it is good
        // only because the source is still ::. Had the kernel put ::1 there
        // (as it puts 127.0.0.1 for IPv4's 0.0.0.0), tcpdump would say
        // "bad udp cksum".
        assert!(
            seen.contains(
                "payload length: 13) ::.40000 > ::1.54321: [udp sum ok] UDP, length 5"
            ),
            "{seen}"
        );
        assert!(
            seen.contains("\t0x0000:  6000 0000 000d 1140 0000 0000 0000 0000"),
            "{seen}"
        );
        assert!(
            seen.contains("\t0x0010:  0000 0000 0000 0000 0000 0000 0000 0000"),
            "source bytes 8-23 all zero: {seen}"
        );
        // Delivered to UDP, which found no socket on the port; no port
        // unreachable goes back, for there is no one to send it to.
        assert_eq!(counter_grows(&before, "Udp6NoPorts"), 1);
        assert_eq!(
            snmp6()["Icmp6OutDestUnreachs"],
            before["Icmp6OutDestUnreachs"]
        );
    });
}

#[test]
fn ipv4_contrast_a_source_of_0_0_0_0_is_filled_in_by_the_kernel() {
    let test = "ipv4_contrast_a_source_of_0_0_0_0_is_filled_in_by_the_kernel";
    if !have_tool(test, "tcpdump") {
        return;
    }
    in_netns(test, || {
        // Sent to 127.0.0.1, from 0.0.0.0: raw(7) says Linux fills in a
        // source address of 0. Our UDP checksum was computed over 0.0.0.0,
        // so once the kernel writes 127.0.0.1 it is wrong.
        let args = ["--udp", "-m", "hello", "--src", "0.0.0.0"];
        let (_, dry, _) = raw_sender(&[&args[..], &["--dry-run"]].concat());
        assert!(
            dry.starts_with("IP 0.0.0.0.40000 > 127.0.0.1.54321"),
            "{dry}"
        );
        let (stdout, seen) = send_and_capture(&args, 1, "udp");
        assert!(stdout.starts_with("sent 33 bytes to 127.0.0.1"), "{stdout}");
        assert!(
            seen.contains("127.0.0.1.40000 > 127.0.0.1.54321: [bad udp cksum "),
            "{seen}"
        );
        assert!(!seen.contains("0.0.0.0"), "{seen}");
    });
}

#[test]
fn a_hop_limit_of_0_goes_out_and_is_delivered_locally() {
    let test = "a_hop_limit_of_0_goes_out_and_is_delivered_locally";
    if !have_tool(test, "tcpdump") {
        return;
    }
    in_netns(test, || {
        let before = snmp6();
        let args = ["-6", "--udp", "-m", "hello", "--ttl", "0"];
        let (stdout, seen) = send_and_capture(&args, 2, "ip6");
        assert!(stdout.starts_with("sent 53 bytes to ::1"), "{stdout}");
        let lines: Vec<&str> =
            seen.lines().filter(|l| l.starts_with("IP6")).collect();
        assert_eq!(lines.len(), 2, "{seen}");
        assert_eq!(
            lines[0],
            "IP6 (hlim 0, next-header UDP (17) payload length: 13) \
             ::1.40000 > ::1.54321: [udp sum ok] UDP, length 5"
        );
        // No router forwarded it, so nothing counted the hop limit down
        // (RFC 8200 § 3): it reached UDP here, whose closed port drew the
        // kernel's port unreachable (RFC 4443 § 3.1, code 4).
        assert!(
            lines[1].ends_with(
                "::1 > ::1: [icmp6 sum ok] ICMP6, destination unreachable, \
                 unreachable port, ::1 udp port 54321"
            ),
            "{seen}"
        );
        assert_eq!(counter_grows(&before, "Udp6NoPorts"), 1);
        assert_eq!(counter_grows(&before, "Icmp6OutDestUnreachs"), 1);
    });
}
