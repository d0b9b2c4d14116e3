//! The listener's report held against Scapy's dissection, field by field.
//! Each packet is sent in a network namespace of the test's own (root)
//! while `listener --raw P` (or `--raw P -6`) reports it; the same bytes
//! (raw_sender's --pcap, or tcpdump's capture for a packet the kernel
//! itself sent) go to Scapy 2.8.0 through docs/python/scapy_fields.py. Every
//! row of the listener's field table (`  OFFSET  NAME  VALUE  RFC`) is
//! compared with the field Scapy reads there, every `check:` line with
//! the checksum Scapy computes, and the data's length with Scapy's.
//!
//! Crafted packets from random flag sets must agree in every field. The
//! malformed ones (a wrong checksum, a lying length, options that run past
//! their header, a truncated header, bytes that are no header at all)
//! agree too, or differ exactly where a test case says, each with the RFC
//! that decides which reading is right.

use std::net::IpAddr;
use std::path::Path;
use std::process::Command;

mod common;

use common::{listening, printed, probe};
use raw_sender::hex::{hex, unhex};
use raw_sender::icmp::IcmpError;
use testkit::{Proc, Random, command, in_netns, repository, run, say, temp_dir};

/// A packet the listener reported: how it came about, its bytes, and the
/// listener's report of it.
struct Seen {
    what: String,
    bytes: Vec<u8>,
    report: String,
}

/// The packets in a pcap file, past its 24-byte header and each record's
/// 16 bytes; `link` bytes of link-layer header are dropped from each (14
/// for the Ethernet header tcpdump gives lo's packets, 0 for raw_sender's
/// raw IP).
fn packets_in(pcap: &Path, link: usize) -> Vec<Vec<u8>> {
    let file = std::fs::read(pcap).unwrap();
    let big_endian = file[..4] == [0xa1, 0xb2, 0xc3, 0xd4];
    let (mut at, mut packets) = (24, Vec::new());
    while at + 16 <= file.len() {
        let length: [u8; 4] = file[at + 8..at + 12].try_into().unwrap();
        let length = match big_endian {
            true => u32::from_be_bytes(length),
            false => u32::from_le_bytes(length),
        } as usize;
        packets.push(file[at + 16 + link..at + 16 + length].to_vec());
        at += 16 + length;
    }
    packets
}

/// The listener's reports, one a packet (each ends with an empty line).
fn reports(output: &str) -> Vec<String> {
    output
        .split("\n\n")
        .filter(|report| !report.trim().is_empty())
        .map(|report| format!("{report}\n"))
        .collect()
}

/// `listener ARGS`, ready, given 5 s to see its packets and stop.
fn raw_listener(args: &[&str]) -> Proc {
    let listener = testkit::bin("listener");
    let mut server = Proc::spawn(
        Command::new("timeout")
            .args(["-s", "INT", "5"])
            .arg(listener)
            .args(args),
    );
    server.wait_for_stderr("listening on");
    server
}

/// What a raw listener printed, once it has seen its `-c` packets; `what`
/// names the packets, should they not have come.
fn reported(server: Proc, what: &str) -> String {
    let (status, stdout, log) = server.finish();
    let stdout = String::from_utf8(stdout).unwrap();
    assert!(
        status.success(),
        "{what}: the listener saw too few:\n{stdout}{log}"
    );
    stdout
}

/// raw_sender ARGS, sent while `listener --raw PROTOCOL -c 1` (with -6 for
/// an IPv6 packet) listens; the bytes are those raw_sender writes with
/// --pcap. (Linux rewrites an IPv4 header's checksum, length, and an id
/// or source of 0: none of these flag sets leaves one to rewrite.)
fn crafted(args: &[String], protocol: u8, dir: &Path) -> Seen {
    let v6 = args.iter().any(|arg| arg == "-6");
    let protocol = protocol.to_string();
    let mut listen = vec!["--raw", &protocol, "-c", "1"];
    if v6 {
        listen.push("-6");
    }
    let server = raw_listener(&listen);
    let pcap = dir.join("crafted.pcap");
    let mut send: Vec<&str> = args.iter().map(String::as_str).collect();
    send.extend(["--pcap", pcap.to_str().unwrap(), "--send"]);
    probe(&send);
    let shown: Vec<String> = args
        .iter()
        .map(|arg| match arg.len() > 60 {
            true => format!("{}...", &arg[..60]),
            false => arg.clone(),
        })
        .collect();
    let what = format!("raw_sender {}", shown.join(" "));
    Seen {
        report: reported(server, &what),
        what,
        bytes: packets_in(&pcap, 0).remove(0),
    }
}

// ---------------------------------------------------------------------
// The listener's report, read back.

/// One row of the listener's field table: its header ("IPv4", "TCP",
/// "Quoted IPv4", ...), the field's name and its value.
struct Row {
    header: String,
    name: String,
    value: String,
}

/// Every name a field-table row may carry, longest first, so that "Type"
/// is not taken for the start of "Type of Service".
const NAMES: [&str; 35] = [
    "Acknowledgment Number",
    "Destination Address",
    "Destination Port",
    "Fragment Offset",
    "Header Checksum",
    "Sequence Number",
    "Type of Service",
    "Payload Length",
    "Source Address",
    "Identification",
    "Urgent Pointer",
    "Traffic Class",
    "Control Bits",
    "Next-Hop MTU",
    "Time to Live",
    "Total Length",
    "Next Header",
    "Source Port",
    "Data Offset",
    "Flow Label",
    "Identifier",
    "Hop Limit",
    "Checksum",
    "Protocol",
    "Version",
    "Options",
    "Pointer",
    "Unused",
    "Window",
    "Length",
    "Flags",
    "Type",
    "Code",
    "IHL",
    "MTU",
];

/// The field table's rows: `  OFFSET  NAME  VALUE  RFC`, under a title
/// `NAME header, bytes A-B:`; and the quoted data's ports as a row too.
fn rows(report: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut header = String::new();
    for line in report.lines() {
        if let Some((title, _)) = line.split_once(" header, bytes ") {
            header = title.to_string();
        } else if let Some(ports) = line.strip_prefix("Quoted data, bytes ") {
            let value = ports.split_once(": ").map_or("", |(_, value)| value);
            rows.push(Row {
                header: "Quoted data".into(),
                name: "ports".into(),
                value: value.to_string(),
            });
        } else if let Some((offset, rest)) = line.trim_start().split_once("  ")
            && offset.parse::<usize>().is_ok()
            && line.starts_with("  ")
        {
            let name = NAMES
                .iter()
                .find(|name| rest.starts_with(&format!("{name} ")))
                .unwrap_or_else(|| panic!("a row with no known name: {line:?}"));
            let rest = &rest[name.len()..];
            let value = rest.split(" RFC ").next().unwrap().trim();
            rows.push(Row {
                header: header.clone(),
                name: name.to_string(),
                value: value.to_string(),
            });
        }
    }
    rows
}

/// The `check:` lines that name a checksum: whose it is ("TCP", "IP
/// header", "quoted IP header") and the value the listener expects.
fn checksum_checks(report: &str) -> Vec<(String, u64)> {
    report
        .lines()
        .filter_map(|line| line.strip_prefix("check: "))
        .filter_map(|check| {
            let (whose, rest) = check.split_once(" checksum 0x")?;
            let carried = number(&format!("0x{}", &rest[..4]))?;
            let expected = match rest.split_once("expected 0x") {
                Some((_, value)) => number(&format!("0x{value}"))?,
                None if rest.ends_with(" correct") => carried,
                None => return None, // "UDP checksum 0 (none computed)"
            };
            Some((whose.to_string(), expected))
        })
        .collect()
}

/// The data's length, from `payload: N bytes ...` (0 for `none`).
fn payload_len(report: &str) -> Option<usize> {
    let line = report
        .lines()
        .find_map(|line| line.strip_prefix("payload: "))?;
    match line {
        "none" => Some(0),
        _ => line.split(' ').next()?.parse().ok(),
    }
}

/// A number as the listener writes it: "41", "0x6a8f", "4660 (0x1234)",
/// "6 (TCP)", "5 (20 bytes)": the first word, in decimal or 0x hex.
fn number(value: &str) -> Option<u64> {
    let word = value.split(' ').next()?;
    match word.strip_prefix("0x") {
        Some(digits) => u64::from_str_radix(digits, 16).ok(),
        None => word.parse().ok(),
    }
}

// ---------------------------------------------------------------------
// Scapy's dissection, read back.

/// One packet as Scapy reads it: (layer, field, value) in order, the
/// checksums it computes as field "expected".
type Dissection = Vec<(String, String, String)>;

/// Scapy's dissection of each packet: one python3 for all of them.
fn scapy_reads(packets: &[&[u8]]) -> Vec<Dissection> {
    let input: String = packets.iter().map(|bytes| hex(bytes) + "\n").collect();
    let helper = repository().join("docs/python/scapy_fields.py");
    let (status, stdout, stderr) = testkit::run_with_input(
        Command::new("python3").arg(helper),
        input.as_bytes(),
    );
    assert!(status.success(), "scapy_fields.py failed:\n{stderr}");
    let mut dissections = vec![Vec::new()];
    for line in String::from_utf8(stdout).unwrap().lines() {
        let words: Vec<&str> = line.splitn(3, ' ').collect();
        match words[..] {
            ["end"] => dissections.push(Vec::new()),
            [layer, field, value] => dissections.last_mut().unwrap().push((
                layer.into(),
                field.into(),
                value.into(),
            )),
            _ => panic!("scapy_fields.py printed {line:?}"),
        }
    }
    dissections.pop(); // after the last "end"
    assert_eq!(dissections.len(), packets.len(), "{stderr}");
    dissections
}

/// The layers Scapy found, in order: "IP / TCP / Raw".
fn layers(dissection: &Dissection) -> Vec<&str> {
    let mut layers: Vec<&str> = Vec::new();
    for (layer, _, _) in dissection {
        if layers.last() != Some(&layer.as_str()) {
            layers.push(layer);
        }
    }
    layers
}

/// A field of a Scapy layer.
fn scapy_field<'a>(
    dissection: &'a Dissection,
    layer: &str,
    field: &str,
) -> Option<&'a str> {
    dissection
        .iter()
        .find(|(at, name, _)| at == layer && name == field)
        .map(|(_, _, value)| value.as_str())
}

/// The Scapy layer that is the listener's header of this name.
fn scapy_layer<'a>(dissection: &'a Dissection, header: &str) -> Option<&'a str> {
    let wanted = |layer: &str| match header {
        "IPv4" => layer == "IP",
        "IPv6" => layer == "IPv6",
        "TCP" | "UDP" | "ICMP" => layer == header,
        "ICMPv6" => layer.starts_with("ICMPv6"),
        "Quoted IPv4" => layer == "IPerror",
        "Quoted IPv6" => layer == "IPerror6",
        "Quoted data" => layer == "UDPerror" || layer == "TCPerror",
        _ => false,
    };
    layers(dissection).into_iter().find(|layer| wanted(layer))
}

/// Scapy's field for the listener's (IPv4's "Time to Live" is "ttl").
fn scapy_name(header: &str, name: &str) -> Option<&'static str> {
    let ip = header.ends_with("IPv4");
    Some(match name {
        "Version" => "version",
        "IHL" => "ihl",
        "Type of Service" => "tos",
        "Total Length" => "len",
        "Identification" => "id",
        "Flags" if ip => "flags",
        "Fragment Offset" => "frag",
        "Time to Live" => "ttl",
        "Protocol" => "proto",
        "Header Checksum" => "chksum",
        "Source Address" => "src",
        "Destination Address" => "dst",
        "Options" => "options",
        "Traffic Class" => "tc",
        "Flow Label" => "fl",
        "Payload Length" => "plen",
        "Next Header" => "nh",
        "Hop Limit" => "hlim",
        "Source Port" => "sport",
        "Destination Port" => "dport",
        "Sequence Number" if header == "TCP" => "seq",
        "Acknowledgment Number" => "ack",
        "Data Offset" => "dataofs",
        "Control Bits" => "flags",
        "Window" => "window",
        "Checksum" if header == "ICMPv6" => "cksum",
        "Checksum" => "chksum",
        "Urgent Pointer" => "urgptr",
        "Length" => "len",
        "Type" => "type",
        "Code" => "code",
        "Identifier" => "id",
        "Sequence Number" => "seq",
        _ => return None, // the 32 bits after an ICMP error's checksum
    })
}

/// The 32 bits after an ICMP (or ICMPv6) error's checksum, from the
/// fields Scapy splits them into (RFC 4884's length among them).
fn rest_of_header(dissection: &Dissection, layer: &str) -> u64 {
    let field = |name| {
        scapy_field(dissection, layer, name)
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(0)
    };
    match layer {
        "ICMP" => {
            let first = field("reserved") | field("ptr");
            first << 24
                | field("length") << 16
                | field("nexthopmtu")
                | field("unused")
        }
        _ if scapy_field(dissection, layer, "mtu").is_some() => field("mtu"),
        _ if scapy_field(dissection, layer, "ptr").is_some() => field("ptr"),
        _ => field("length") << 24 | field("unused"),
    }
}

/// Whether the listener's value and Scapy's say the same.
fn same(row: &Row, field: &str, scapy: &str) -> bool {
    match (row.name.as_str(), field) {
        // "evil DF MF" or "none"; Scapy counts MF 1, DF 2, evil 4.
        ("Flags", _) => {
            let bits = [("MF", 1), ("DF", 2), ("evil", 4)]
                .iter()
                .filter(|(flag, _)| row.value.split(' ').any(|word| word == *flag))
                .map(|(_, bit)| bit)
                .sum::<u64>();
            scapy.parse() == Ok(bits)
        }
        // The eight control bits; Scapy's ninth is a reserved bit.
        ("Control Bits", _) => {
            number(&row.value) == scapy.parse::<u64>().ok().map(|bits| bits & 0xff)
        }
        (_, "src" | "dst") => {
            row.value.parse::<IpAddr>().ok() == scapy.parse::<IpAddr>().ok()
        }
        (_, "options") => row.value == scapy,
        _ => {
            number(&row.value).is_some() && number(&row.value) == scapy.parse().ok()
        }
    }
}

/// Where the listener's report and Scapy's dissection of the same bytes
/// differ, one line each (none: they agree).
fn differences(seen: &Seen, dissection: &Dissection) -> Vec<String> {
    let mut differ = Vec::new();
    let found = layers(dissection).join(" / ");
    if let Some(why) = seen.report.strip_prefix("malformed packet of ") {
        let line = why.lines().next().unwrap(); // "40 bytes: WHY"
        let why = line.split_once(": ").map_or(line, |(_, why)| why);
        // Scapy agrees when it finds no header past IP's (only data).
        let beyond_ip = layers(dissection)
            .into_iter()
            .skip(1)
            .any(|layer| !["Raw", "Padding"].contains(&layer));
        if beyond_ip {
            differ.push(format!(
                "the listener calls it malformed ({why}); Scapy reads {found}"
            ));
        }
        return differ;
    }
    let rows = rows(&seen.report);
    for row in &rows {
        let Some(layer) = scapy_layer(dissection, &row.header) else {
            let line = format!(
                "the listener shows a {} header; Scapy reads {found}",
                row.header
            );
            if !differ.contains(&line) {
                differ.push(line);
            }
            continue;
        };
        if row.header == "Quoted data" {
            let sport = scapy_field(dissection, layer, "sport").unwrap_or("-");
            let dport = scapy_field(dissection, layer, "dport").unwrap_or("-");
            if !row
                .value
                .ends_with(&format!("port {sport}, destination port {dport}"))
            {
                differ.push(format!(
                    "quoted ports: the listener {:?}, Scapy {sport} and {dport}",
                    row.value
                ));
            }
            continue;
        }
        let (field, scapy) = match scapy_name(&row.header, &row.name) {
            Some(field) => {
                let value = scapy_field(dissection, layer, field).unwrap_or("-");
                (field, value.to_string())
            }
            None => {
                // Unused, Next-Hop MTU, Pointer, MTU: the 32 bits (or a part).
                let rest = rest_of_header(dissection, layer);
                let part = match (row.name.as_str(), layer) {
                    ("Next-Hop MTU", _) => rest & 0xffff,
                    ("Pointer", "ICMP") => rest >> 24,
                    _ => rest,
                };
                ("rest of header", part.to_string())
            }
        };
        if !same(row, field, &scapy) {
            differ.push(format!(
                "{} {}: the listener {:?}, Scapy's {layer} {field} {scapy}",
                row.header, row.name, row.value
            ));
        }
    }
    // A header Scapy reads that the listener does not show.
    for layer in layers(dissection) {
        let shown = ["IP", "IPv6", "Raw", "Padding", "UDPerror", "TCPerror"]
            .contains(&layer)
            || rows
                .iter()
                .any(|row| scapy_layer(dissection, &row.header) == Some(layer));
        if !shown {
            differ.push(format!(
                "Scapy reads a {layer} header the listener does not show"
            ));
        }
    }
    for (whose, expected) in checksum_checks(&seen.report) {
        let layer = match whose.as_str() {
            "IP header" => Some("IP"),
            "quoted IP header" => scapy_layer(dissection, "Quoted IPv4"),
            name => scapy_layer(dissection, name),
        };
        let scapy =
            layer.and_then(|layer| scapy_field(dissection, layer, "expected"));
        if scapy.and_then(|value| value.parse().ok()) != Some(expected) {
            differ.push(format!(
                "{whose} checksum: the listener expects 0x{expected:04x}, Scapy computes {}",
                scapy.map_or("none".into(), |value| {
                    format!("0x{:04x}", value.parse::<u64>().unwrap_or(0))
                })
            ));
        }
    }
    // The data after the transport header: Raw's bytes, or an ICMPv6 echo's.
    let errors = rows.iter().any(|row| row.header.starts_with("Quoted"));
    if let (Some(ours), false) = (payload_len(&seen.report), errors) {
        let transport =
            layers(dissection).len() > 1 && layers(dissection)[1] != "Raw";
        let theirs: usize = dissection
            .iter()
            .filter(|(layer, field, _)| {
                (layer == "Raw" && field == "load")
                    || (transport
                        && layer.starts_with("ICMPv6Echo")
                        && field == "data")
            })
            .map(|(_, _, value)| if value == "-" { 0 } else { value.len() / 2 })
            .sum();
        if ours != theirs {
            differ.push(format!("data: the listener {ours} bytes, Scapy {theirs}"));
        }
    }
    differ
}

/// Holds each packet's report against Scapy's dissection: `expect` lists,
/// for each packet, what the differences must say (nothing: none at all).
fn compare(seen: &[Seen], expect: &[&[&str]]) {
    let packets: Vec<&[u8]> =
        seen.iter().map(|seen| seen.bytes.as_slice()).collect();
    let dissections = scapy_reads(&packets);
    let mut failures = Vec::new();
    let mut fields = 0;
    for ((seen, dissection), expect) in seen.iter().zip(&dissections).zip(expect) {
        fields += rows(&seen.report).len();
        let differ = differences(seen, dissection);
        let unexpected: Vec<&String> = differ
            .iter()
            .filter(|line| !expect.iter().any(|wanted| line.contains(wanted)))
            .collect();
        let missing: Vec<&&str> = expect
            .iter()
            .filter(|wanted| !differ.iter().any(|line| line.contains(*wanted)))
            .collect();
        if !unexpected.is_empty() || !missing.is_empty() {
            failures.push(format!(
                "{}\n  differences: {differ:#?}\n  expected: {expect:?}\n  Scapy \
                 reads: {}\n  the listener:\n{}",
                seen.what,
                layers(dissection).join(" / "),
                seen.report
            ));
        }
    }
    say(&format!(
        "{} packets, {fields} fields of the listener's held against Scapy's",
        seen.len()
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------
// The tests.

/// A random flag set the kernel delivers to the listener as sent (no
/// fragments, options it leaves alone, no id or source of 0), and the
/// protocol to listen for.
fn random_flags(random: &mut Random, v6: bool) -> (Vec<String>, u8) {
    let mut args: Vec<String> = Vec::new();
    // A flag, and its value unless it takes none.
    let mut push = |flag: &str, value: String| {
        args.push(flag.into());
        args.extend((!value.is_empty()).then_some(value));
    };
    let kind = random.below(4);
    let protocol = match (kind, v6) {
        (0, _) => 16,
        (1, _) => 6,
        (2, _) => 17,
        (_, false) => 1,
        (_, true) => 58,
    };
    match kind {
        0 => push("--proto", "16".into()),
        _ => push(["--tcp", "--udp", "--icmp"][kind - 1], String::new()),
    }
    if v6 {
        push("-6", String::new());
        push("--flow-label", (random.u64() as u32 & 0xF_FFFF).to_string());
    } else {
        let source = format!(
            "127.{}.{}.{}",
            random.byte(),
            random.byte(),
            1 + random.below(254)
        );
        push("--src", source);
        push("--id", (1 + random.below(65535)).to_string());
        for flag in ["--df", "--evil"] {
            if random.bool() {
                push(flag, String::new());
            }
        }
        if random.bool() {
            // No operation, router alert, and two kinds Linux does not know
            // (and so leaves alone), each with its length; now and then an
            // end of list last. (Linux overwrites whatever follows an end of
            // list with zeros as it receives the packet, and leaves the
            // header checksum as it was: the listener would see bytes the
            // wire never carried.)
            let mut options = String::new();
            for _ in 0..1 + random.below(4) {
                options += ["01", "94040000", "9e03ff", "1e040000"][random.below(4)];
            }
            if random.bool() {
                options += "00";
            }
            push("--ip-options", options);
        }
    }
    push("--tos", random.byte().to_string());
    push("--ttl", (1 + random.below(255)).to_string());
    match kind {
        1 => {
            for (flag, value) in [
                ("--sport", random.u16().to_string()),
                ("--dport", random.u16().to_string()),
                ("--seq", (random.u64() as u32).to_string()),
                ("--ack", (random.u64() as u32).to_string()),
                ("--window", random.u16().to_string()),
                ("--urgent", random.u16().to_string()),
            ] {
                push(flag, value);
            }
            let bits = random.byte();
            let letters = raw_sender::tcp::flag_letters(bits);
            push(&format!("--flags={letters}"), String::new()); // "" is none
        }
        2 => {
            push("--sport", random.u16().to_string());
            push("--dport", random.u16().to_string());
        }
        3 => {
            push("--icmp-id", random.u16().to_string());
            push("--icmp-seq", random.u16().to_string());
        }
        _ => {}
    }
    if kind != 0 && random.below(4) == 0 {
        push("--bad-l4-checksum", String::new());
    }
    let most = if random.bool() { 40 } else { 1400 };
    let data = random.bytes(most);
    push(&format!("--data-hex={}", hex(&data)), String::new()); // "" is none
    (args, protocol)
}

#[test]
fn crafted_packets_are_reported_as_scapy_dissects_them() {
    let test = "crafted_packets_are_reported_as_scapy_dissects_them";
    if !testkit::have_scapy(test) {
        return;
    }
    in_netns(test, || {
        let mut random = Random::new(test);
        let dir = temp_dir(test);
        let seen: Vec<Seen> = (0..40)
            .map(|n| {
                let (args, protocol) = random_flags(&mut random, n % 2 == 1);
                crafted(&args, protocol, &dir)
            })
            .collect();
        let agree: Vec<&[&str]> = vec![&[]; seen.len()];
        compare(&seen, &agree);
    });
}

/// An ICMP destination unreachable (port) quoting a header whose checksum
/// is wrong (0) and whose Total Length says 255 where 28 bytes are quoted.
fn icmp_error_with_a_bad_quote() -> String {
    let quote =
        unhex("450000ff00010000401100000a0000010a00000200350035000a0000").unwrap();
    let mut error = IcmpError {
        icmp_type: 3,
        code: 3,
        checksum: 0,
        rest_of_header: 0,
    };
    error.checksum = error.expected_checksum(&quote);
    hex(&[error.build(), quote].concat())
}

#[test]
fn malformed_packets_are_reported_as_scapy_dissects_them_or_as_the_rfc_says() {
    let test =
        "malformed_packets_are_reported_as_scapy_dissects_them_or_as_the_rfc_says";
    if !testkit::have_scapy(test) {
        return;
    }
    in_netns(test, || {
        let dir = temp_dir(test);
        // A TCP header from 40000 to 12345, seq 0, ack 0, Data Offset
        // `offset` (a hex digit), SYN, window 8192, checksum 0, urgent 0;
        // then `rest`.
        let tcp = |offset: &str, rest: &str| {
            let ports_seq_ack = "9c4030390000000000000000";
            format!("{ports_seq_ack}{offset}002200000000000{rest}")
        };
        let bad_quote = icmp_error_with_a_bad_quote();
        let tcp_past = tcp("6", "02080000"); // MSS, length 8, in 4 bytes
        let tcp_short = tcp("2", ""); // Data Offset 2: 8 bytes of header?
        let tcp_long = tcp("f", "616263"); // 60 bytes of header in 23
        #[rustfmt::skip]
        let cases: [(&[&str], u8, &[&str]); 16] = [
            // Wrong checksums: both name the right one.
            (&["--tcp", "--bad-l4-checksum"], 6, &[]),
            (&["--icmp", "--bad-l4-checksum"], 1, &[]),
            (&["-6", "--udp", "--bad-l4-checksum"], 17, &[]),
            (&["-6", "--icmp", "--bad-l4-checksum"], 58, &[]),
            (&["--proto", "1", "--data-hex", &bad_quote], 1, &[]),
            // A Payload Length longer than what came: both read on.
            (&["-6", "--udp", "--payload-length", "200"], 17, &[]),
            // Shorter: RFC 8200 § 3, the payload is what Payload Length
            // counts; Scapy (and Linux, which trims the packet) stop
            // there, and find no UDP header in 5 bytes. The listener reads
            // every byte that came, and calls the lengths inconsistent.
            (&["-6", "--udp", "--payload-length", "5"], 17, &[
                "the listener shows a UDP header; Scapy reads IPv6 / Raw / Padding",
                "UDP checksum: the listener expects 0x783d, Scapy computes none",
                "data: the listener 21 bytes, Scapy 5",
            ]),
            // A UDP Length longer than the datagram: the same 3 bytes of data.
            (&["--proto", "17", "--data-hex", "9c40d4310064abcd686920"], 17, &[]),
            // Shorter: RFC 768, "Length is the length in octets of this user
            // datagram including this header and the data": 9 is 1 byte of
            // data. Both sum only that byte (as Linux, which trims to it),
            // but Scapy puts IP's count (11) in the pseudo-header, where
            // RFC 768 puts "the UDP length" (9), as Linux does: it delivers
            // "h" with the listener's 0x2967 and drops it with Scapy's.
            // Scapy shows the 1 byte, the listener all 3, and says the
            // lengths differ.
            (&["--proto", "17", "--data-hex", "9c40d4310009abcd686920"], 17, &[
                "UDP checksum: the listener expects 0x2967, Scapy computes 0x2965",
                "data: the listener 3 bytes, Scapy 1",
            ]),
            // TCP options past the header: RFC 9293 § 3.1 "TCP
            // implementations MUST be prepared to handle an illegal option
            // length" (MUST-7). The listener names it; Scapy reads an MSS
            // of 0 from the padding, would write it back as 02040000, and
            // sums that.
            (&["--proto", "6", "--data-hex", &tcp_past], 6, &[
                "TCP Options: the listener \"02080000\", Scapy's TCP options 02040000",
                "TCP checksum: the listener expects 0xb35a, Scapy computes 0xb35e",
            ]),
            // Data Offset 2: the header is at least 20 bytes (RFC 9293 §
            // 3.1, "the number of 32-bit words in the TCP header"; Linux
            // drops it). The listener refuses it; Scapy reads it as TCP.
            (&["--proto", "6", "--data-hex", &tcp_short], 6,
                &["the listener calls it malformed (TCP data offset is 2"]),
            // Data Offset 15 with 23 bytes: the header runs past the
            // segment (RFC 9293 § 3.1: the offset "indicates where the data
            // begins"). The listener refuses it; Scapy reads 3 bytes of
            // options as if the rest were there.
            (&["--proto", "6", "--data-hex", &tcp_long], 6,
                &["the listener calls it malformed (TCP data offset says 60"]),
            // Truncated headers, and bytes that are no header: both see
            // only data.
            (&["--proto", "6", "--data-hex", "9c4030390000"], 6, &[]),
            (&["--proto", "17", "-m", "hi"], 17, &[]),
            (&["-6", "--proto", "58", "--data-hex", "800000"], 58, &[]),
            (&["-6", "--proto", "6", "--data-hex", "0102"], 6, &[]),
        ];
        let mut seen = Vec::new();
        let mut expect = Vec::new();
        for (args, protocol, differences) in cases {
            let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
            seen.push(crafted(&args, protocol, &dir));
            expect.push(differences);
        }
        compare(&seen, &expect);
    });
}

/// tcpdump on lo writing `count` packets of `filter` to `pcap`, ready.
fn capture(pcap: &Path, count: usize, filter: &str) -> Proc {
    let count = count.to_string();
    let mut tcpdump = Proc::spawn(Command::new("timeout").args([
        "5",
        "tcpdump",
        "-i",
        "lo",
        "-U",
        "-c",
        &count,
        "-w",
        pcap.to_str().unwrap(),
        filter,
    ]));
    tcpdump.wait_for_stderr("listening on lo");
    tcpdump
}

#[test]
fn the_kernels_own_packets_are_reported_as_scapy_dissects_them() {
    let test = "the_kernels_own_packets_are_reported_as_scapy_dissects_them";
    if !testkit::have_scapy(test) || !testkit::have_tool(test, "tcpdump") {
        return;
    }
    in_netns(test, || {
        let dir = temp_dir(test);
        let pcap = dir.join("kernel.pcap");
        let mut seen = Vec::new();
        // What the kernel sends, for raw_sender's flags, and how many
        // packets to see: ours, then the kernel's, or only the kernel's
        // (an ICMP error, which a raw socket for UDP would not see).
        let cases: [(&str, &[&str], usize); 5] = [
            ("a port unreachable", &["--udp"], 1),
            ("an ICMPv6 port unreachable", &["-6", "--udp"], 1),
            ("an echo request and its reply", &["-6", "--icmp"], 2),
            ("a SYN and its SYN-ACK", &["--tcp"], 2),
            ("a SYN and its SYN-ACK over IPv6", &["-6", "--tcp"], 2),
        ];
        for (what, send, count) in cases {
            let (v6, tcp) = (send.contains(&"-6"), send.contains(&"--tcp"));
            let (protocol, filter) = match (tcp, v6) {
                (true, _) => ("6", "tcp"),
                (false, true) => ("58", "icmp6"),
                (false, false) => ("1", "icmp"),
            };
            let listen = [&["--raw", protocol][..], if v6 { &["-6"] } else { &[] }];
            let listen = listen.concat();
            // Something listening on TCP, for the kernel to answer for.
            let stream = tcp.then(|| {
                let args = ["-k", "--reply", "hi", "-p", "0", "-6"];
                let mut stream = listening(&args[..if v6 { 6 } else { 5 }]);
                let port = stream.listening_port();
                (stream, port.to_string())
            });
            let count_text = count.to_string();
            let raw = raw_listener(&[&listen[..], &["-c", &count_text]].concat());
            let tcpdump = capture(&pcap, count, filter);
            let mut args: Vec<String> =
                send.iter().map(|arg| arg.to_string()).collect();
            if let Some((_, port)) = &stream {
                args.extend([
                    "--dport".into(),
                    port.clone(),
                    "-m".into(),
                    String::new(),
                ]);
            }
            run(command("raw_sender").args(&args));
            let (status, _, log) = tcpdump.finish();
            assert!(status.success(), "tcpdump: {log}");
            drop(stream);
            let report = printed(raw);
            let packets = packets_in(&pcap, 14);
            let reports = reports(&report);
            assert_eq!((packets.len(), reports.len()), (count, count), "{report}");
            for (n, (bytes, report)) in packets.into_iter().zip(reports).enumerate()
            {
                let what = format!(
                    "{what}, packet {} (raw_sender {})",
                    n + 1,
                    args.join(" ")
                );
                seen.push(Seen {
                    what,
                    bytes,
                    report,
                });
            }
        }
        let expect = vec![&[][..]; seen.len()];
        compare(&seen, &expect);
    });
}
