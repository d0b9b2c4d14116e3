//! The lab (lab/lab and lab/router.nft) as a class would use it: brought
//! up twice, traffic across the router both ways, the port filter's hole,
//! each detector rule counting its own packet and no other, an alert read
//! with `tcpdump -i nflog:N`, nmap's scans (SYN, FIN, Xmas, ACK, SYN-FIN)
//! judged by what nmap says and by the counters, the keyword filter beaten
//! by base64, the router's time exceeded, and `down` twice leaving nothing
//! behind.
//!
//! The lab's names (sc-attacker, sc-router, sc-target) are global to the
//! machine, so one test function runs the whole sequence; nothing else in
//! this file may use the lab. Every packet stays inside its namespaces.
//!
//! raw_sender is given `--src 192.0.2.2` here, so each packet says where it
//! is from; with no --src it takes the address the route to --dst would
//! use, the same one (the lab chapter relies on that).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{Proc, bin, find_tool, have_root, have_tool, say};

const TEST: &str = "the_lab_filters_detects_and_leaves_nothing_behind";
const ATTACKER: &str = "192.0.2.2";
const ROUTER_ATTACKER_SIDE: &str = "192.0.2.1";
const TARGET: &str = "198.51.100.10";
const NAMESPACES: [&str; 3] = ["sc-attacker", "sc-router", "sc-target"];

fn lab_script() -> PathBuf {
    testkit::repository().join("lab/lab")
}

fn lab(args: &[&str]) -> Output {
    Command::new(lab_script())
        .args(args)
        .output()
        .expect("lab/lab starts")
}

/// `lab/lab ARGS`, which must succeed; returns its stdout.
fn lab_ok(args: &[&str]) -> String {
    let output = lab(args);
    assert!(
        output.status.success(),
        "lab/lab {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `lab/lab run HOST BINARY ARGS`, for a workspace binary.
fn on(host: &str, binary: &str, args: &[&str]) -> Command {
    let mut command = Command::new(lab_script());
    command.args(["run", host]).arg(bin(binary)).args(args);
    command
}

/// raw_sender on the attacker, to the target; must succeed.
fn attack(args: &[&str]) {
    let mut all = vec!["--src", ATTACKER, "--dst", TARGET];
    all.extend_from_slice(args);
    let output = on("attacker", "raw_sender", &all).output().unwrap();
    assert!(
        output.status.success(),
        "raw_sender {all:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The router's counters as `lab/lab status` prints them:
/// `  NAME  PACKETS packets  BYTES bytes`.
fn counters() -> HashMap<String, u64> {
    let mut counters = HashMap::new();
    for line in lab_ok(&["status"]).lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [name, packets, "packets", _, "bytes"] = words[..] {
            counters.insert(name.to_string(), packets.parse().unwrap());
        }
    }
    counters
}

/// Sends `args` and waits (bounded) until `counter` has risen by exactly
/// one packet; asserts that no other counter moved.
fn only_this_counter_rises(counter: &str, args: &[&str]) {
    let before = counters();
    assert!(
        before.contains_key(counter),
        "no counter {counter}: {before:?}"
    );
    attack(args);
    let deadline = Instant::now() + Duration::from_secs(5);
    let after = loop {
        let now = counters();
        if now[counter] != before[counter] || Instant::now() > deadline {
            break now;
        }
        thread::sleep(Duration::from_millis(20));
    };
    for (name, count) in &after {
        let expected = before[name] + u64::from(name == counter);
        assert_eq!(
            *count, expected,
            "raw_sender {args:?}: counter {name} went from {} to {count}",
            before[name]
        );
    }
}

/// What is in the root namespace that the lab must not touch: its veth
/// interfaces and its nftables tables.
fn root_namespace_state() -> (String, String) {
    let veths = Command::new("ip")
        .args(["-o", "link", "show", "type", "veth"])
        .output()
        .unwrap();
    let nft = find_tool("nft").unwrap_or_else(|| "nft".into());
    let tables = Command::new(nft).args(["list", "tables"]).output().unwrap();
    let names_only = |output: Output| {
        // Only the interface names: their counters and states may change.
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| line.split(':').take(2).collect::<Vec<_>>().join(":"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    (
        names_only(veths),
        String::from_utf8_lossy(&tables.stdout).into_owned(),
    )
}

fn lab_namespaces() -> Vec<String> {
    let list = Command::new("ip").args(["netns", "list"]).output().unwrap();
    String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| NAMESPACES.contains(name))
        .map(str::to_string)
        .collect()
}

/// Takes the lab down when the test ends, passed or failed.
struct Down;

impl Drop for Down {
    fn drop(&mut self) {
        let _ = lab(&["down"]);
    }
}

/// Times `lab/lab ARGS` and says how long it took.
fn timed(args: &[&str]) -> String {
    let start = Instant::now();
    let stdout = lab_ok(args);
    say(&format!(
        "lab/lab {}: {:.3} s",
        args.join(" "),
        start.elapsed().as_secs_f64()
    ));
    stdout
}

#[test]
fn the_lab_filters_detects_and_leaves_nothing_behind() {
    let tools = ["ip", "nft", "iptables", "tcpdump"];
    if !tools.iter().all(|tool| have_tool(TEST, tool)) || !have_root(TEST) {
        return;
    }
    let start = Instant::now();

    // A wrong host and a missing argument are one line each, not a crash.
    let wrong = lab(&["run", "nowhere", "true"]);
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("no host 'nowhere'"), "{stderr}");
    assert_eq!(lab(&["sideways"]).status.code(), Some(2));

    let root_before = root_namespace_state();
    let _down = Down;

    // Up twice at once: the second waits for the first (a lock), then
    // finds everything there and only reloads the rules.
    let twice: Vec<_> = (0..2).map(|_| thread::spawn(|| lab(&["up"]))).collect();
    for up in twice {
        let output = up.join().unwrap();
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "two ups at once: {said}");
    }
    let mut namespaces = lab_namespaces();
    namespaces.sort();
    assert_eq!(namespaces, NAMESPACES, "the lab's namespaces");
    let status = lab_ok(&["status"]);
    for address in [ATTACKER, ROUTER_ATTACKER_SIDE, "198.51.100.1", TARGET] {
        assert!(status.contains(&format!("{address}/24")), "{status}");
    }
    // Everything lives inside the namespaces: the root one has no new veth
    // and no lab table.
    assert_eq!(root_namespace_state(), root_before, "the root namespace");

    // An `up` cut short (here: the keyword filter's rule never loaded) is
    // what status must not hide: it names the missing rule, and fails.
    let iptables = find_tool("iptables").unwrap();
    let flushed = Command::new(find_tool("ip").unwrap())
        .args(["netns", "exec", "sc-router", &iptables, "-F", "FORWARD"])
        .status()
        .unwrap();
    assert!(flushed.success());
    let cut_short = lab(&["status"]);
    let said = String::from_utf8_lossy(&cut_short.stdout);
    assert_eq!(cut_short.status.code(), Some(1), "{said}");
    assert!(
        said.contains("secret_dropped       (missing: its rule is not loaded)"),
        "{said}"
    );
    assert!(timed(&["up"]).contains("lab is up"));
    lab_ok(&["status"]);

    // Across the router and back: a UDP datagram from the attacker to a
    // listener on the target, and the target's reply.
    let mut listener = Proc::spawn(&mut on(
        "target",
        "listener",
        &["-u", "-s", TARGET, "--reply", "hello attacker"],
    ));
    listener.listening_port();
    let client = on("attacker", "dgram_client", &[TARGET, "-m", "hello target"])
        .output()
        .unwrap();
    let (heard, said) = listener.kill();
    let heard = String::from_utf8_lossy(&heard);
    assert!(heard.contains("hello target"), "target heard: {heard}");
    assert!(said.contains(&format!("from {ATTACKER}:")), "{said}");
    let reply = String::from_utf8_lossy(&client.stdout);
    assert!(reply.contains("hello attacker"), "attacker got: {reply}");

    // A TTL of 1 dies at the router, which says so: ICMP time exceeded
    // (type 11) from its address on the attacker's side.
    let mut icmp = Proc::spawn(&mut on(
        "attacker",
        "listener",
        &["--raw", "1", "-s", ATTACKER, "-c", "1"],
    ));
    icmp.wait_for_stderr("listening on");
    attack(&["--icmp", "--ttl", "1"]);
    let (status, stdout, stderr) = icmp.finish();
    let seen = String::from_utf8_lossy(&stdout).to_lowercase();
    assert!(status.success(), "{stderr}");
    assert!(
        seen.contains(&format!("ip {ROUTER_ATTACKER_SIDE} > {ATTACKER}"))
            && (seen.contains("type 11") || seen.contains("time exceeded")),
        "the attacker saw: {seen}"
    );

    // The port filter drops a SYN to telnet, and only SYNs: a FIN probe
    // to the same port reaches the target.
    let mut target = Proc::spawn(&mut on(
        "target",
        "listener",
        &["--raw", "6", "-s", TARGET, "-c", "1"],
    ));
    target.wait_for_stderr("listening on");
    only_this_counter_rises("telnet_syn_dropped", &["--tcp", "--dport", "23"]);
    only_this_counter_rises(
        "telnet_passed",
        &["--tcp", "--dport", "23", "--flags", "F"],
    );
    let (status, stdout, stderr) = target.finish();
    let arrived = String::from_utf8_lossy(&stdout);
    assert!(status.success(), "{stderr}");
    assert!(
        arrived.contains(&format!("IP {ATTACKER}.40000 > {TARGET}.23: Flags [F]")),
        "the target saw: {arrived}"
    );

    // Each detector rule counts its own packet and no other. (ICMP echo
    // carries the IP-level oddities, so protocol 16 counts only once.)
    only_this_counter_rises("evil_bit", &["--icmp", "--evil"]);
    only_this_counter_rises("syn_fin", &["--tcp", "--flags", "SF"]);
    only_this_counter_rises("protocol_16", &[]);
    only_this_counter_rises("ttl_below_5", &["--icmp", "--ttl", "3"]);
    only_this_counter_rises("fragment", &["--icmp", "--mf"]);

    // And logs it: the SYN-FIN alert, read from nflog group 2.
    let mut alerts = Proc::spawn(&mut on_router_tcpdump("nflog:2"));
    alerts.wait_for_stderr("listening on");
    attack(&["--tcp", "--flags", "SF"]);
    let (status, stdout, stderr) = alerts.finish();
    let alert = String::from_utf8_lossy(&stdout);
    assert!(status.success(), "{stderr}");
    assert!(
        alert.contains(&format!("{ATTACKER}.40000 > {TARGET}.12345: Flags [FS]")),
        "nflog:2 showed: {alert}"
    );

    // nmap against the same rules, as the lab chapter runs it.
    if have_tool(&format!("{TEST} (its nmap part)"), "nmap") {
        nmap_meets_the_filter_and_the_detector();
    }

    // The keyword filter drops "secret" in clear, but not in base64.
    let mut target = Proc::spawn(&mut on(
        "target",
        "listener",
        &["--raw", "16", "-s", TARGET, "-c", "1", "--decode", "base64"],
    ));
    target.wait_for_stderr("listening on");
    only_this_counter_rises("secret_dropped", &["--udp", "-m", "secret"]);
    attack(&["-m", "secret", "--encode", "base64"]);
    let (status, stdout, stderr) = target.finish();
    let arrived = String::from_utf8_lossy(&stdout);
    assert!(status.success(), "{stderr}");
    assert!(arrived.contains("\"secret\""), "the target saw: {arrived}");

    // Down twice: the second finds nothing and says so calmly.
    assert!(timed(&["down"]).contains("lab is down"));
    assert!(timed(&["down"]).contains("lab is down"));
    assert_eq!(lab_namespaces(), Vec::<String>::new(), "namespaces left");
    assert_eq!(root_namespace_state(), root_before, "the root namespace");
    let stopped = lab(&["status"]);
    assert_eq!(stopped.status.code(), Some(1), "status with the lab down");

    let took = start.elapsed();
    say(&format!("{TEST}: {:.1} s", took.as_secs_f64()));
    assert!(took < Duration::from_secs(60), "the lab test took {took:?}");
}

/// The ports nmap scans on the target: a listener behind the telnet
/// filter, nothing, and a listener no rule touches.
const SCANNED: [&str; 3] = ["23", "24", "80"];

/// One nmap scan: its flags, what nmap should say of each port in SCANNED,
/// and how many packets each counter that moves should rise by.
struct Scan {
    flags: &'static [&'static str],
    states: [&'static str; 3],
    rises: &'static [(&'static str, u64)],
}

/// nmap's scans from the attacker, as the lab chapter shows them: what each
/// says of the ports in SCANNED, and which counters its probes move.
/// `--max-retries 0` sends one probe a port, so each count is exact.
fn nmap_meets_the_filter_and_the_detector() {
    let start = Instant::now();
    let servers: Vec<Proc> = ["23", "80"]
        .into_iter()
        .map(|port| {
            let mut server = Proc::spawn(&mut on(
                "target",
                "listener",
                &["-k", "-s", TARGET, "-p", port, "--reply", "x"],
            ));
            server.listening_port();
            server
        })
        .collect();
    let quiet = ["open|filtered", "closed", "open|filtered"];
    let scans = [
        // A SYN to 23 is dropped: filtered, though a server listens.
        Scan {
            flags: &["-sS"],
            states: ["filtered", "closed", "open"],
            rises: &[("telnet_syn_dropped", 1)],
        },
        // No SYN: through the filter. A closed port answers RST, a
        // listening one drops it (RFC 9293 3.10.7.1, 3.10.7.2).
        Scan {
            flags: &["-sF"],
            states: quiet,
            rises: &[("telnet_passed", 1)],
        },
        Scan {
            flags: &["-sX"],
            states: quiet,
            rises: &[("telnet_passed", 1)],
        },
        // An ACK draws a RST from a closed and a listening port alike.
        Scan {
            flags: &["-sA"],
            states: ["unfiltered"; 3],
            rises: &[("telnet_passed", 1)],
        },
        // SYN and FIN: the detector counts all three probes, the filter
        // drops the one to 23, and Linux drops the one to 80 unanswered.
        Scan {
            flags: &["-sS", "--scanflags", "SYNFIN"],
            states: ["filtered", "closed", "filtered"],
            rises: &[("telnet_syn_dropped", 1), ("syn_fin", 3)],
        },
    ];
    for Scan {
        flags,
        states,
        rises,
    } in scans
    {
        let before = counters();
        let report = nmap(flags);
        for (port, state) in SCANNED.iter().zip(states) {
            assert_eq!(
                state_of(&report, port),
                Some(state),
                "nmap {flags:?}, port {port}:\n{report}"
            );
        }
        for (name, count) in counters() {
            let rise = rises
                .iter()
                .find(|(counted, _)| *counted == name)
                .map_or(0, |(_, rise)| *rise);
            assert_eq!(
                count,
                before[&name] + rise,
                "nmap {flags:?}: counter {name} went from {} to {count}",
                before[&name]
            );
        }
    }
    // A scan completes no handshake: neither listener served anyone.
    for server in servers {
        let (_, said) = server.kill();
        assert!(!said.contains("connection from"), "{said}");
    }
    say(&format!(
        "{TEST}: nmap's five scans: {:.1} s",
        start.elapsed().as_secs_f64()
    ));
}

/// What nmap's report says of `port`: its line is `PORT/tcp STATE SERVICE`.
fn state_of<'a>(report: &'a str, port: &str) -> Option<&'a str> {
    let name = format!("{port}/tcp");
    report.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(name.as_str()))
            .then(|| words.next())
            .flatten()
    })
}

/// nmap on the attacker against the target's SCANNED ports, bounded in
/// time; returns what it printed.
fn nmap(scan: &[&str]) -> String {
    let mut command = Command::new(lab_script());
    command
        .args(["run", "attacker", "nmap", "-n", "-Pn", "--max-retries", "0"])
        .args(["-p", &SCANNED.join(",")])
        .args(scan)
        .arg(TARGET);
    let (status, stdout, stderr) = Proc::spawn(&mut command).finish();
    let report = String::from_utf8_lossy(&stdout).into_owned();
    assert!(status.success(), "nmap {scan:?} failed: {report}{stderr}");
    report
}

/// tcpdump on the router, reading one packet from `interface`.
fn on_router_tcpdump(interface: &str) -> Command {
    let mut command = Command::new(lab_script());
    command.args(["run", "router", "tcpdump", "-n", "-l", "-c", "1", "-i"]);
    command.arg(interface);
    command
}
