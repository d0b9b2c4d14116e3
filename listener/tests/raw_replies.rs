//! What comes back from a raw probe, as `listener --raw` shows it: the
//! kernel's ICMP port unreachable for a datagram to a closed port, and the
//! SYN-ACK or RST for a crafted SYN. Each test runs in a fresh network
//! namespace (root), so the probes and replies stay on its own loopback.

use testkit::{Proc, command, in_netns, run};

/// Starts `listener ARGS` and waits until it says it is listening.
fn listening(args: &[&str]) -> Proc {
    let mut server = Proc::spawn(command("listener").args(args));
    server.wait_for_stderr("listening on");
    server
}

/// Sends one packet with `raw_sender ARGS`.
fn probe(args: &[&str]) {
    run(command("raw_sender").args(args));
}

/// What the raw listener printed once it has seen its `-c` packets.
fn printed(server: Proc) -> String {
    let (status, stdout, log) = server.finish();
    assert!(status.success(), "{log}");
    String::from_utf8(stdout).unwrap()
}

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
                "    20  Type                 3 (destination unreachable)",
                "    21  Code                 3 (port unreachable)",
                "    24  Unused               0x00000000",
                "Quoted IPv4 header, bytes 28-47:",
                "    37  Protocol             17 (UDP)",
                "    32  Identification       4660 (0x1234)",
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
            assert!(report.contains("    37  Protocol             16 (CHAOS)"));
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
