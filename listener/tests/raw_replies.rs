//! What comes back from a raw probe, as `listener --raw` shows it: the
//! kernel's ICMP port unreachable for a datagram to a closed port, and the
//! SYN-ACK or RST for a crafted SYN, and a router's time exceeded for a TTL
//! of 1; and the one change Linux makes to a probe before we read it (the
//! option bytes after End of Option List). Each test runs in a fresh
//! network namespace (root), so the probes and replies stay in namespaces
//! the test made.

mod common;

use common::{listening, printed, probe};
use testkit::{in_netns, run};

#[test]
fn a_udp_datagram_to_a_closed_port_draws_a_decoded_port_unreachable() {
    in_netns(
        "a_udp_datagram_to_a_closed_port_draws_a_decoded_port_unreachable",
        || {
            let icmp = listening(&["--raw", "1", "-c", "1"]);
            // Nothing listens on UDP 54321 in this namespace.
            probe(&["--udp", "--sport", "40000", "--dport", "54321"]);
            let report = printed(icmp);
            for line in [
                "IP 127.0.0.1 > 127.0.0.1: ICMP destination unreachable \
                 (port unreachable), for UDP 127.0.0.1.40000 > 127.0.0.1.54321",
                "    20  Type                  3 (destination unreachable)",
                "    21  Code                  3 (port unreachable)",
                "    24  Unused                0x00000000",
                "Quoted IPv4 header, bytes 28-47:",
                "    37  Protocol              17 (UDP)",
                "    32  Identification        4660 (0x1234)",
                "Quoted data, bytes 48-55: UDP source port 40000, \
                 destination port 54321",
                "check: quoted IP header checksum 0x",
                "check: ICMP checksum 0x",
            ] {
                assert!(report.contains(line), "no {line:?} in:\n{report}");
            }
            assert!(!report.contains("incorrect"), "{report}");
        },
    );
}

/// RFC 791 calls the bytes after End of Option List padding; Linux writes
/// 0 over them as it receives, and leaves the header checksum: raw_sender's
/// correct checksum, for bytes 1e 04 there, is wrong for the zeros we read.
/// The report says so. Padding sent as zeros is left alone, and correct.
#[test]
fn option_bytes_after_end_of_list_arrive_zeroed_and_the_report_says_why() {
    in_netns(
        "option_bytes_after_end_of_list_arrive_zeroed_and_the_report_says_why",
        || {
            let chaos = listening(&["--raw", "16", "-c", "2"]);
            // No Operation, End of Option List, then 1e 04 00 00; then
            // the same list with zeros after its end.
            probe(&["--ip-options", "01001e040000"]);
            probe(&["--ip-options", "010000000000"]);
            let report = printed(chaos);
            let sent = "    20  Options               0100000000000000";
            assert_eq!(report.matches(sent).count(), 2, "{report}");
            let why = "incorrect, expected 0x6787 (Linux zeroes the option bytes \
                       after End of Option List as it receives, and leaves the \
                       checksum: it may have been right as sent)";
            assert_eq!(report.matches(why).count(), 1, "{report}");
            assert!(
                report.contains("IP header checksum 0x6787 correct"),
                "{report}"
            );
        },
    );
}

#[test]
fn a_raw_packet_of_an_unknown_protocol_draws_protocol_unreachable() {
    in_netns(
        "a_raw_packet_of_an_unknown_protocol_draws_protocol_unreachable",
        || {
            let icmp = listening(&["--raw", "1", "-c", "1"]);
            probe(&["--proto", "16"]);
            let report = printed(icmp);
            let line = "ICMP destination unreachable (protocol unreachable), \
                        for CHAOS 127.0.0.1 > 127.0.0.1";
            assert!(report.contains(line), "no {line:?} in:\n{report}");
            assert!(report.contains("    37  Protocol              16 (CHAOS)"));
        },
    );
}

#[test]
fn a_syn_to_a_listening_port_is_answered_by_a_syn_ack() {
    in_netns("a_syn_to_a_listening_port_is_answered_by_a_syn_ack", || {
        let mut stream = listening(&["-p", "0"]);
        let port = stream.listening_port().to_string();
        let tcp = listening(&["--raw", "6", "-c", "2"]);
        probe(&["--tcp", "--flags", "S", "--seq", "1000", "--dport", &port]);
        let report = printed(tcp);
        stream.kill();
        let ours =
            format!("IP 127.0.0.1.40000 > 127.0.0.1.{port}: Flags [S], seq 1000,");
        let reply =
            format!("IP 127.0.0.1.{port} > 127.0.0.1.40000: Flags [S.], seq ");
        assert!(report.contains(&ours), "no {ours:?} in:\n{report}");
        assert!(report.contains(&reply), "no {reply:?} in:\n{report}");
        // The SYN-ACK acknowledges our sequence number plus one (the SYN).
        assert!(report.contains(", ack 1001, "), "{report}");
        assert!(report.contains("0x12 (SYN ACK)"), "{report}");
    });
}

#[test]
fn a_syn_to_a_closed_port_is_answered_by_a_rst() {
    in_netns("a_syn_to_a_closed_port_is_answered_by_a_rst", || {
        let tcp = listening(&["--raw", "6", "-c", "2"]);
        probe(&["--tcp", "--flags", "S", "--seq", "1000", "--dport", "12345"]);
        let report = printed(tcp);
        // RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, and
        // SEG.LEN counts the SYN and the 21 bytes of data it carried.
        let reply =
            "IP 127.0.0.1.12345 > 127.0.0.1.40000: Flags [R.], seq 0, ack 1022,";
        assert!(report.contains(reply), "no {reply:?} in:\n{report}");
        assert!(report.contains("0x14 (RST ACK)"), "{report}");
    });
}

/// A router namespace, deleted (with its interfaces) when dropped.
struct Router(String);

impl Drop for Router {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["netns", "del", &self.0])
            .status();
    }
}

/// Runs `ip ARGS`, asserting that it succeeds.
fn ip(args: &[&str]) {
    run(std::process::Command::new("ip").args(args));
}

#[test]
fn a_ttl_of_1_through_a_router_draws_a_decoded_time_exceeded() {
    in_netns(
        "a_ttl_of_1_through_a_router_draws_a_decoded_time_exceeded",
        || {
            // This namespace is the host 192.0.2.2; a second one routes
            // to 198.51.100.0/24 (RFC 5737 documentation addresses only).
            let router =
                Router(format!("raw-replies-router-{}", std::process::id()));
            let r = router.0.as_str();
            ip(&["netns", "add", r]);
            ip(&[
                "link", "add", "rr0", "type", "veth", "peer", "name", "rr1",
                "netns", r,
            ]);
            ip(&["addr", "add", "192.0.2.2/24", "dev", "rr0"]);
            ip(&["link", "set", "rr0", "up"]);
            ip(&["route", "add", "198.51.100.0/24", "via", "192.0.2.1"]);
            ip(&["-n", r, "addr", "add", "192.0.2.1/24", "dev", "rr1"]);
            ip(&["-n", r, "link", "set", "rr1", "up"]);
            // The far side: a veth pair inside the router, one end up with
            // an address, so 198.51.100.0/24 has a route to be forwarded on.
            ip(&[
                "-n", r, "link", "add", "rr2", "type", "veth", "peer", "name", "rr3",
            ]);
            ip(&["-n", r, "addr", "add", "198.51.100.1/24", "dev", "rr2"]);
            ip(&["-n", r, "link", "set", "rr2", "up"]);
            ip(&["-n", r, "link", "set", "rr3", "up"]);
            // Forwarding on, as sysctl(8) would set it, but by its file:
            // sysctl lives in /usr/sbin, which a student's PATH may lack.
            run(std::process::Command::new("ip").args([
                "netns",
                "exec",
                r,
                "sh",
                "-c",
                "echo 1 > /proc/sys/net/ipv4/ip_forward",
            ]));
            let icmp = listening(&["--raw", "1", "-s", "192.0.2.2", "-c", "1"]);
            probe(&["--dst", "198.51.100.10", "--ttl", "1", "--udp"]);
            let report = printed(icmp);
            for line in [
                "IP 192.0.2.1 > 192.0.2.2: ICMP time exceeded (TTL exceeded in \
                 transit), for UDP 192.0.2.2.40000 > 198.51.100.10.54321",
                "    20  Type                  11 (time exceeded)",
                "    21  Code                  0 (TTL exceeded in transit)",
                "    36  Time to Live          1 ",
                "    44  Destination Address   198.51.100.10",
                "check: quoted IP header checksum 0x",
            ] {
                assert!(report.contains(line), "no {line:?} in:\n{report}");
            }
            assert!(!report.contains("incorrect"), "{report}");
        },
    );
}
