//! `listener --raw PROTO -6`: IPv6 packets of one Next Header, taken from a
//! packet socket with their header, shown and checked as IPv4's are. Each
//! root test runs in a fresh network namespace whose only interface is lo,
//! so raw_sender's packets go to ::1 (or a documentation address, RFC 3849,
//! given to lo) and stay there.

mod common;

use common::{listening, printed, probe};
use testkit::{as_nobody, command, in_netns, run, run_with_input};

/// Asserts that every line is in the report.
fn shows(report: &str, lines: &[&str]) {
    for line in lines {
        assert!(report.contains(line), "no {line:?} in:\n{report}");
    }
}

/// raw_sender's transport flag, the Next Header it gives, and the report's
/// summary line, header name and Payload Length for the packet it sends
/// (its 21 bytes of data behind an 8- or 20-byte header).
const KINDS: [(&str, &str, &str, &str, u16); 3] = [
    (
        "--udp",
        "17",
        "IP6 ::1.40000 > ::1.54321: UDP, length 21",
        "UDP",
        29,
    ),
    (
        "--tcp",
        "6",
        "IP6 ::1.40000 > ::1.12345: Flags [S], seq 1000, ack 0, win 64240, length 21",
        "TCP",
        41,
    ),
    (
        "--icmp",
        "58",
        "IP6 ::1 > ::1: ICMP6, echo request, id 1, seq 1, length 29",
        "ICMPv6",
        29,
    ),
];

/// One packet of each kind, as raw_sender -6 sends it (with `extra` flags),
/// as the listener reports it.
fn reports(extra: &[&str]) -> Vec<(&'static str, String)> {
    KINDS
        .iter()
        .map(|&(flag, next_header, _, name, _)| {
            let server = listening(&["--raw", next_header, "-6", "-c", "1"]);
            probe(&[&["-6", flag][..], extra].concat());
            (name, printed(server))
        })
        .collect()
}

#[test]
fn udp_tcp_and_icmpv6_are_decoded_with_the_ipv6_header_and_checked() {
    in_netns(
        "udp_tcp_and_icmpv6_are_decoded_with_the_ipv6_header_and_checked",
        || {
            for ((name, report), (_, next_header, summary, _, length)) in
                reports(&[]).into_iter().zip(KINDS)
            {
                let next_header =
                    format!("     6  Next Header           {next_header} ({name})");
                let payload_length =
                    format!("     4  Payload Length        {length} ");
                let checksum = format!("check: {name} checksum 0x");
                let lengths = format!(
                    "check: lengths consistent: payload length {length} = bytes \
                     received - 40"
                );
                shows(
                    &report,
                    &[
                        summary,
                        "IPv6 header, bytes 0-39:",
                        "     0  Version               6 ",
                        &payload_length,
                        &next_header,
                        "    24  Destination Address   ::1 ",
                        "payload: 21 bytes of text: \"Hello from raw_sender\"",
                        &checksum,
                        &lengths,
                    ],
                );
                assert!(report.contains(" correct\n"), "{report}");
                assert!(!report.contains("incorrect"), "{report}");
                // IPv6 has no header checksum, and so no line for one.
                assert!(!report.contains("IP header checksum"), "{report}");
                assert_eq!(report.matches("IP6 ").count(), 1, "{report}");
            }
        },
    );
}

#[test]
fn a_wrong_transport_checksum_is_called_incorrect() {
    in_netns("a_wrong_transport_checksum_is_called_incorrect", || {
        for (name, report) in reports(&["--bad-l4-checksum"]) {
            let line = format!("check: {name} checksum 0x");
            shows(&report, &[&line, " incorrect, expected 0x"]);
        }
    });
}

#[test]
fn a_payload_length_that_lies_is_called_inconsistent() {
    in_netns("a_payload_length_that_lies_is_called_inconsistent", || {
        // Shorter and longer than the 29 bytes that follow the header: the
        // kernel trims or drops such a packet, but only after we see it.
        for (length, field) in [
            ("5", "     4  Payload Length        5 "),
            ("200", "     4  Payload Length        200 "),
        ] {
            let server = listening(&["--raw", "17", "-6", "-c", "1"]);
            probe(&["-6", "--udp", "--payload-length", length]);
            let report = printed(server);
            let verdict = format!(
                "check: lengths inconsistent: payload length {length}, but 29 \
                 bytes arrived after the 40-byte header"
            );
            shows(
                &report,
                &[
                    "IP6 ::1.40000 > ::1.54321: UDP, length 21",
                    field,
                    &verdict,
                    "check: UDP checksum 0x",
                ],
            );
        }
    });
}

#[test]
fn only_packets_of_its_next_header_to_its_address_are_shown() {
    in_netns(
        "only_packets_of_its_next_header_to_its_address_are_shown",
        || {
            // A second address on lo (RFC 3849's documentation prefix).
            run(std::process::Command::new("ip").args([
                "-6",
                "addr",
                "add",
                "2001:db8::2/128",
                "dev",
                "lo",
                "nodad",
            ]));
            let server = listening(&["--raw", "17", "-6", "-c", "1"]);
            // An IPv6 address alone asks for IPv6, as it does for TCP.
            let other = listening(&["--raw", "17", "-s", "2001:db8::2", "-c", "1"]);
            // None of these is UDP over IPv6 to ::1...
            probe(&["-6", "--tcp"]);
            probe(&["-6", "--icmp"]);
            probe(&["--udp"]);
            probe(&["-6", "--udp", "--dst", "2001:db8::2", "--sport", "40002"]);
            // ... and this one is.
            probe(&["-6", "--udp", "--sport", "40001"]);
            let report = printed(server);
            assert_eq!(report.matches("IP6 ").count(), 1, "{report}");
            shows(&report, &["IP6 ::1.40001 > ::1.54321: UDP, length 21"]);
            assert!(!report.contains("IP "), "{report}");
            let report = printed(other);
            shows(
                &report,
                &["IP6 2001:db8::2.40002 > 2001:db8::2.54321: UDP, length 21"],
            );
        },
    );
}

#[test]
fn dash_c_stops_after_that_many_packets_each_shown_once() {
    in_netns(
        "dash_c_stops_after_that_many_packets_each_shown_once",
        || {
            let server = listening(&["--raw", "58", "-6", "-c", "2"]);
            // An echo request and the kernel's echo reply, each shown once
            // (as it arrives on lo), and then no more.
            probe(&["-6", "--icmp"]);
            let report = printed(server);
            assert_eq!(report.matches("IP6 ").count(), 2, "{report}");
            shows(
                &report,
                &[
                    "IP6 ::1 > ::1: ICMP6, echo request, id 1, seq 1, length 29",
                    "IP6 ::1 > ::1: ICMP6, echo reply, id 1, seq 1, length 29",
                ],
            );
            assert!(!report.contains("incorrect"), "{report}");
        },
    );
}

#[test]
fn the_kernels_port_unreachable_is_shown_with_the_packet_it_quotes() {
    in_netns(
        "the_kernels_port_unreachable_is_shown_with_the_packet_it_quotes",
        || {
            let server = listening(&["--raw", "58", "-6", "-c", "1"]);
            // UDP to a port nobody listens on: the kernel answers (RFC 4443
            // § 3.1, code 4) and quotes our datagram.
            probe(&["-6", "--udp", "-m", "hey"]);
            let report = printed(server);
            shows(
                &report,
                &[
                    "IP6 ::1 > ::1: ICMP6, destination unreachable, port, \
                     for UDP ::1.40000 > ::1.54321, length 59",
                    "    41  Code                  4 (port unreachable)  RFC 4443 3",
                    "Quoted IPv6 header, bytes 48-87:",
                    "    52  Payload Length        11 ",
                    "Quoted data, bytes 88-95: UDP source port 40000, destination port 54321",
                    "check: ICMPv6 checksum 0x",
                ],
            );
            assert!(!report.contains("incorrect"), "{report}");
        },
    );
}

#[test]
fn an_icmpv6_error_quoting_no_ipv6_packet_says_so_in_icmpv6s_words() {
    in_netns(
        "an_icmpv6_error_quoting_no_ipv6_packet_says_so_in_icmpv6s_words",
        || {
            let server = listening(&["--raw", "58", "-6", "-c", "1"]);
            // Destination unreachable, code 4, quoting 48 bytes of 0xff.
            let quote = "ff".repeat(48);
            probe(&[
                "-6",
                "--proto",
                "58",
                "--data-hex",
                &format!("0104000000000000{quote}"),
            ]);
            let report = printed(server);
            shows(
                &report,
                &[
                    "quoting a malformed datagram: the quoted packet's version is 15, \
                   not 6 (an ICMPv6 error quotes an IPv6 packet, RFC 4443 § 3)",
                ],
            );
            assert!(!report.contains("not 4"), "{report}");
        },
    );
}

/// Runs `listener ARGS` expecting failure: its status and stderr.
fn fails(args: &[&str]) -> (Option<i32>, String) {
    let (status, stdout, stderr) =
        run_with_input(command("listener").args(args), b"");
    assert!(stdout.is_empty(), "{args:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
    (status.code(), stderr)
}

#[test]
fn a_family_mismatch_is_refused_on_one_line() {
    let args = ["--raw", "17", "-6", "-s", "127.0.0.1"];
    let (code, stderr) = fails(&args);
    // Bad arguments, refused at parse time as every other: status 2.
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("-6 asks for IPv6"), "{stderr}");
    // clap's own refusals: flags raw receive does not take.
    for args in [
        &["--raw", "17", "-6", "-u"][..],
        &["--raw", "256", "-6"][..],
    ] {
        let (code, stderr) = fails(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
    }
}

#[test]
fn without_cap_net_raw_it_says_what_to_do() {
    in_netns("without_cap_net_raw_it_says_what_to_do", || {
        let mut listener = command("listener");
        listener.args(["--raw", "17", "-6", "-c", "1"]);
        let (status, _, stderr) = run_with_input(&mut as_nobody(&listener), b"");
        assert_eq!(status.code(), Some(77), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{stderr}");
        assert!(lines[0].contains("cannot open a raw socket"), "{stderr}");
        for needed in ["CAP_NET_RAW", "sudo", "setcap cap_net_raw+ep"] {
            assert!(lines[1].contains(needed), "no {needed:?} in {stderr}");
        }
    });
}
