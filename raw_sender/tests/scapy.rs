//! Scapy beside raw_sender: the same packet built by both, byte for byte.
//! Random flag sets (IPv4 and IPv6; no transport, TCP, UDP, ICMP; options,
//! flags and fragments; data of every length up to the largest packet) go
//! to raw_sender, which writes its packet with --pcap (no privilege
//! needed), and the same field values go to Scapy 2.8.0 through
//! docs/python/scapy_same.py (one Python for all the packets). A
//! difference names the flag set, the Scapy line and the first byte that
//! differs, with its field. Where the two part ways (a source route whose
//! hops are done, RFC 791 § 3.1), a test of its own says how; the book
//! says why.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use raw_sender::hex::{hex, unhex};
use raw_sender::icmp::IcmpEcho;
use raw_sender::output::{
    Field, icmp_fields, icmpv6_fields, ipv4_fields, ipv6_fields, tcp_fields,
    udp_fields,
};
use raw_sender::packet::{IpHeader, Packet, Transport};
use raw_sender::tcp::TcpHeader;
use raw_sender::udp::UdpHeader;
use testkit::{Random, command, repository, run_with_input, say, temp_dir};

/// How many flag sets a run draws: each is one raw_sender and one packet
/// for Scapy (400 take about 3 s).
const CASES: usize = 400;

/// A field's value as Scapy is given it: a number, or text (an address,
/// or bytes as hex).
enum Value {
    Number(u64),
    Text(String),
}

/// One Scapy layer: its name and the fields given to it. Scapy computes
/// the others (lengths, checksums, IHL, Data Offset), as raw_sender does.
struct Layer {
    name: &'static str,
    fields: Vec<(&'static str, Value)>,
}

impl Layer {
    fn new(name: &'static str) -> Layer {
        let fields = Vec::new();
        Layer { name, fields }
    }

    fn number(&mut self, field: &'static str, value: impl Into<u64>) {
        self.fields.push((field, Value::Number(value.into())));
    }

    fn text(&mut self, field: &'static str, value: impl ToString) {
        self.fields.push((field, Value::Text(value.to_string())));
    }

    /// A number given to this layer (0 if it was not).
    fn get(&self, field: &str) -> u64 {
        match self.fields.iter().find(|(name, _)| *name == field) {
            Some((_, Value::Number(number))) => *number,
            _ => 0,
        }
    }
}

/// One flag set: raw_sender's arguments (the last two `--pcap FILE`), and
/// the same packet as Scapy's layers.
struct Case {
    args: Vec<String>,
    layers: Vec<Layer>,
}

impl Case {
    /// The layers as scapy_same.py reads them: `[["IP", {...}], ...]`.
    fn json(&self) -> String {
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|layer| {
                let fields: Vec<String> = layer
                    .fields
                    .iter()
                    .map(|(name, value)| match value {
                        Value::Number(number) => format!("\"{name}\": {number}"),
                        Value::Text(text) => format!("\"{name}\": \"{text}\""),
                    })
                    .collect();
                format!("[\"{}\", {{{}}}]", layer.name, fields.join(", "))
            })
            .collect();
        format!("[{}]", layers.join(", "))
    }

    /// The packet as a line of Scapy, for the reader of a failure.
    fn scapy_line(&self) -> String {
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|layer| {
                let fields: Vec<String> = layer
                    .fields
                    .iter()
                    .map(|(name, value)| match value {
                        Value::Number(number) => format!("{name}={number}"),
                        Value::Text(text) if ["options", "load"].contains(name) => {
                            format!("{name}=bytes.fromhex(\"{}\")", cut(text))
                        }
                        Value::Text(text) => format!("{name}=\"{text}\""),
                    })
                    .collect();
                format!("{}({})", layer.name, fields.join(", "))
            })
            .collect();
        layers.join(" / ")
    }

    /// raw_sender's flags as a reader would type them (long values cut).
    fn command_line(&self) -> String {
        let args: Vec<String> = self.args[..self.args.len() - 2]
            .iter()
            .map(|arg| match arg.is_empty() || arg.contains(' ') {
                true => format!("'{}'", cut(arg)),
                false => cut(arg),
            })
            .collect();
        format!("raw_sender {} --pcap FILE", args.join(" "))
    }

    /// Where raw_sender writes its packet.
    fn pcap(&self) -> &Path {
        Path::new(self.args.last().unwrap())
    }
}

/// A long value, cut short to be shown.
fn cut(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

/// The transport header a flag set asks for.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bare,
    Tcp,
    Udp,
    Icmp,
}

fn address_v4(random: &mut Random) -> Ipv4Addr {
    // Not 0.0.0.0/8, which names no host (raw_sender refuses it).
    Ipv4Addr::from((random.u64() as u32).max(0x0100_0000))
}

fn address_v6(random: &mut Random) -> Ipv6Addr {
    match random.below(4) {
        0 => Ipv6Addr::LOCALHOST,
        1 => Ipv6Addr::from(0x2001_0db8_u128 << 96 | u128::from(random.u16())),
        _ => Ipv6Addr::from(u128::from(random.u64()) << 64 | 1),
    }
}

/// IP options as raw_sender takes them: well-formed ones (no operation,
/// end of list, router alert, timestamp, record route) or any bytes at
/// all. Scapy is given the same bytes; both pad them to 32 bits.
fn ip_options(random: &mut Random) -> Vec<u8> {
    let wanted = 1 + random.below(40);
    let mut options = Vec::new();
    while options.len() < wanted {
        match random.below(6) {
            0 => options.push(1),
            1 => options.push(0),
            2 => options.extend([0x94, 4, 0, 0]),
            3 => options.extend([0x44, 8, 5, 0, 0, 0, 0, 0]),
            4 => {
                let slots = 1 + random.below(3);
                options.extend([7, 3 + 4 * slots as u8, 4]);
                options.extend(vec![0; 4 * slots]);
            }
            _ => {
                // Any bytes, but for the kinds of a source route: given
                // option bytes, Scapy sums Destination Address in the
                // pseudo-header, for only an IPOption_LSRR or _SSRR object
                // is a route to it. Routes have a test of their own below.
                let len = 1 + random.below(8);
                let bytes = random.fill(len).into_iter();
                options.extend(bytes.map(|byte| match byte {
                    0x83 | 0x89 => byte + 1,
                    _ => byte,
                }));
            }
        }
    }
    options.truncate(wanted);
    options
}

/// The data of a flag set: its bytes, and the flags that give them (-m,
/// --data-hex, --file, or none for the default message). At most `room`
/// bytes; now and then exactly that, the largest packet there is.
fn data(random: &mut Random, room: usize, file: &Path) -> (Vec<u8>, Vec<String>) {
    let len = match random.below(40) {
        0 => room,
        1..10 => random.below(30),
        10..20 => random.below(300),
        _ => random.below(4097),
    }
    .min(room);
    match random.below(5) {
        0 => (b"Hello from raw_sender".to_vec(), vec![]),
        1 => {
            let text: String = (0..len.min(60))
                .map(|_| char::from(b' ' + random.below(95) as u8))
                .collect();
            // One word, so that a text starting with "-" is no flag.
            (text.clone().into_bytes(), vec![format!("--message={text}")])
        }
        2 if len < 20_000 => {
            let bytes = random.fill(len);
            (bytes.clone(), vec!["--data-hex".into(), hex(&bytes)])
        }
        _ => {
            let bytes = random.fill(len);
            std::fs::write(file, &bytes).unwrap();
            let path = file.to_string_lossy().to_string();
            (bytes, vec!["--file".into(), path])
        }
    }
}

/// The checksum raw_sender's own layouts give the transport header of
/// `layer` over `data`, from `source` to `destination`.
fn transport_checksum(
    layer: &Layer,
    (source, destination): (IpAddr, IpAddr),
    data: &[u8],
) -> u16 {
    let port = |field| layer.get(field) as u16;
    match layer.name {
        "TCP" => TcpHeader {
            source_port: port("sport"),
            destination_port: port("dport"),
            sequence_number: layer.get("seq") as u32,
            acknowledgment_number: layer.get("ack") as u32,
            flags: layer.get("flags") as u8,
            window: port("window"),
            checksum: 0,
            urgent_pointer: port("urgptr"),
            options: Vec::new(),
        }
        .expected_checksum(source, destination, data),
        "UDP" => UdpHeader {
            source_port: port("sport"),
            destination_port: port("dport"),
            length: (8 + data.len()) as u16,
            checksum: 0,
        }
        .expected_checksum(source, destination, data),
        name => {
            let echo = IcmpEcho {
                icmp_type: if name == "ICMP" { 8 } else { 128 },
                code: 0,
                checksum: 0,
                identifier: port("id"),
                sequence_number: port("seq"),
            };
            match name {
                "ICMP" => echo.expected_checksum(data),
                _ => echo.expected_checksum_v6(source, destination, data),
            }
        }
    }
}

/// A flag and its value, onto raw_sender's arguments.
fn push(args: &mut Vec<String>, flag: &str, value: impl ToString) {
    args.push(flag.to_string());
    args.push(value.to_string());
}

/// A field of the transport header: its default, or now and then a
/// random value (`wide`: 32 bits, else 16). The flag is given when the
/// value is not the default, and now and then when it is.
fn field(
    random: &mut Random,
    args: &mut Vec<String>,
    (flag, default, wide): (&str, u64, bool),
) -> u64 {
    let value = match (random.bool(), wide) {
        (false, _) => default,
        (true, true) => u64::from(random.u64() as u32),
        (true, false) => u64::from(random.u16()),
    };
    if value != default || random.bool() {
        push(args, flag, value);
    }
    value
}

/// The transport header of a flag set: raw_sender's flags for it, and
/// Scapy's layer.
fn transport(
    random: &mut Random,
    args: &mut Vec<String>,
    kind: Kind,
    v6: bool,
) -> Layer {
    let mut layer = match (kind, v6) {
        (Kind::Tcp, _) => Layer::new("TCP"),
        (Kind::Udp, _) => Layer::new("UDP"),
        (_, true) => Layer::new("ICMPv6EchoRequest"),
        (_, false) => Layer::new("ICMP"),
    };
    let fields: &[(&'static str, (&str, u64, bool))] = match kind {
        Kind::Tcp => &[
            ("sport", ("--sport", 40000, false)),
            ("dport", ("--dport", 12345, false)),
            ("seq", ("--seq", 1000, true)),
            ("ack", ("--ack", 0, true)),
            ("window", ("--window", 64240, false)),
            ("urgptr", ("--urgent", 0, false)),
        ],
        Kind::Udp => &[
            ("sport", ("--sport", 40000, false)),
            ("dport", ("--dport", 54321, false)),
        ],
        _ => &[
            ("id", ("--icmp-id", 1, false)),
            ("seq", ("--icmp-seq", 1, false)),
        ],
    };
    args.push(
        match kind {
            Kind::Tcp => "--tcp",
            Kind::Udp => "--udp",
            _ => "--icmp",
        }
        .into(),
    );
    if layer.name == "ICMP" {
        layer.number("type", 8u8); // echo request
    }
    for &(name, flag) in fields {
        let value = field(random, args, flag);
        layer.number(name, value);
    }
    if kind == Kind::Tcp {
        // The control bits as --flags letters, low bit first (S, the
        // default, is SYN); Scapy takes them as a number.
        let bits = match random.bool() {
            true => random.byte(),
            false => 0x02,
        };
        if bits != 0x02 || random.bool() {
            let letters = raw_sender::tcp::flag_letters(bits);
            push(args, "--flags", letters);
        }
        layer.number("flags", bits);
    }
    layer
}

/// Draws flag set `n`; its files go in `dir`.
fn draw(random: &mut Random, dir: &Path, n: usize) -> Case {
    let v6 = random.bool();
    let kind = [Kind::Bare, Kind::Tcp, Kind::Udp, Kind::Icmp][random.below(4)];
    let mut args: Vec<String> = Vec::new();
    let mut ip = Layer::new(if v6 { "IPv6" } else { "IP" });
    let (source, destination): (IpAddr, IpAddr) = match v6 {
        true => (address_v6(random).into(), address_v6(random).into()),
        false => (address_v4(random).into(), address_v4(random).into()),
    };
    if v6 && destination.is_loopback() && random.bool() {
        args.push("-6".into()); // to ::1, the default with -6
    } else {
        push(&mut args, "--dst", destination);
    }
    push(&mut args, "--src", source);
    ip.text("src", source);
    ip.text("dst", destination);
    // Type of Service (Traffic Class): none, whole, or as DSCP and ECN.
    let class = match random.below(3) {
        0 => 0,
        1 => {
            let tos = random.byte();
            push(&mut args, "--tos", tos);
            tos
        }
        _ => {
            let (dscp, ecn) = (random.below(64) as u8, random.below(4) as u8);
            push(&mut args, "--dscp", dscp);
            push(&mut args, "--ecn", ecn);
            dscp << 2 | ecn
        }
    };
    let ttl = if random.bool() { random.byte() } else { 64 };
    push(&mut args, "--ttl", ttl);
    let mut options = Vec::new();
    if v6 {
        ip.number("tc", class);
        ip.number("hlim", ttl);
        if random.bool() {
            let label = random.u64() as u32 & 0xF_FFFF;
            match random.bool() {
                true => push(&mut args, "--flow-label", format!("0x{label:x}")),
                false => push(&mut args, "--flow-label", label),
            }
            ip.number("fl", label);
        }
    } else {
        ip.number("tos", class);
        ip.number("ttl", ttl);
        let id = match random.below(3) {
            0 => 4660, // the default
            _ => {
                let id = random.u16();
                push(&mut args, "--id", id);
                id
            }
        };
        ip.number("id", id);
        // Scapy's flags field counts MF as 1, DF as 2 and the evil bit as 4.
        let mut flags = 0u8;
        for (flag, bit) in [("--mf", 1), ("--df", 2), ("--evil", 4)] {
            if random.below(4) == 0 {
                args.push(flag.into());
                flags |= bit;
            }
        }
        ip.number("flags", flags);
        if random.below(4) == 0 {
            let offset = random.below(8192) as u16;
            push(&mut args, "--frag-offset", offset);
            ip.number("frag", offset);
        }
        if random.below(3) == 0 {
            options = ip_options(random);
            push(&mut args, "--ip-options", hex(&options));
        }
        ip.text("options", hex(&options));
    }
    // Protocol (Next Header): raw_sender's 16 with no transport header,
    // else what both choose for the header (6, 17, 1 or 58), unless
    // --proto says otherwise.
    let protocol_field = if v6 { "nh" } else { "proto" };
    match (kind, random.below(8)) {
        (_, 0) => {
            let protocol = random.byte();
            push(&mut args, "--proto", protocol);
            ip.number(protocol_field, protocol);
        }
        (Kind::Bare, _) => ip.number(protocol_field, 16u8),
        _ => {}
    }
    let mut layers = vec![ip];
    if kind != Kind::Bare {
        layers.push(transport(random, &mut args, kind, v6));
    }
    // Room for data: Total Length counts IPv4's header, Payload Length
    // not IPv6's; both count the transport header.
    let ip_counted = if v6 {
        0
    } else {
        20 + options.len().div_ceil(4) * 4
    };
    let transport_len = match kind {
        Kind::Bare => 0,
        Kind::Tcp => 20,
        _ => 8,
    };
    let file = dir.join(format!("data-{n}"));
    let (mut payload, data_flags) =
        data(random, 65535 - ip_counted - transport_len, &file);
    // Now and then, data that makes the transport checksum come out 0:
    // UDP sends it as 0xFFFF (RFC 768; RFC 8200 § 8.1), TCP and ICMP as 0.
    if kind != Kind::Bare
        && data_flags[..] == ["--data-hex".to_string(), hex(&payload)]
        && random.below(3) == 0
    {
        payload.extend([0, 0]);
        let layer = &layers[1];
        let expected = transport_checksum(layer, (source, destination), &payload);
        // The sum over the data with two zero bytes at the end is the
        // complement of `expected`; ending in `expected` instead makes it
        // 0xFFFF, whose complement is 0.
        let end = payload.len() - 2;
        payload[end..].copy_from_slice(&expected.to_be_bytes());
        push(&mut args, "--data-hex", hex(&payload));
    } else {
        args.extend(data_flags);
    }
    if v6 && random.below(10) == 0 {
        let lie = random.u16();
        push(&mut args, "--payload-length", lie);
        layers[0].number("plen", lie);
    }
    let mut raw = Layer::new("Raw");
    raw.text("load", hex(&payload));
    layers.push(raw);
    push(
        &mut args,
        "--pcap",
        dir.join(format!("packet-{n}.pcap")).display(),
    );
    Case { args, layers }
}

/// The packet in a pcap file raw_sender wrote: past the file's 24-byte
/// header and the record's 16 (as exercises/check reads them).
fn packet_in(pcap: &Path) -> Vec<u8> {
    std::fs::read(pcap).unwrap()[24 + 16..].to_vec()
}

/// raw_sender's bytes for a case.
fn raw_sender_builds(case: &Case) -> Vec<u8> {
    let output = command("raw_sender").args(&case.args).output().unwrap();
    assert!(
        output.status.success(),
        "{} failed: {}",
        case.command_line(),
        String::from_utf8_lossy(&output.stderr)
    );
    packet_in(case.pcap())
}

/// Scapy's bytes for each case: one python3 for all of them.
fn scapy_builds(cases: &[Case]) -> Vec<Vec<u8>> {
    let json: Vec<String> = cases.iter().map(Case::json).collect();
    let input = format!("[{}]", json.join(",\n"));
    let helper = repository().join("docs/python/scapy_same.py");
    let (status, stdout, stderr) =
        run_with_input(Command::new("python3").arg(helper), input.as_bytes());
    assert!(status.success(), "scapy_same.py failed:\n{stderr}");
    let lines: Vec<Vec<u8>> = String::from_utf8(stdout)
        .unwrap()
        .lines()
        .map(|line| unhex(line).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len(), "one line a packet:\n{stderr}");
    lines
}

/// Byte `at` of a packet, named by the field it falls in, as raw_sender's
/// layouts read the packet: "byte 10, Header Checksum".
fn field_at(bytes: &[u8], at: usize) -> String {
    let Ok(packet) = Packet::parse_as_arrived(bytes) else {
        return format!("byte {at}");
    };
    let ip_len = packet.ip.header_len();
    let ip = match &packet.ip {
        IpHeader::V4(ip) => ipv4_fields(ip),
        IpHeader::V6(ip) => ipv6_fields(ip),
    };
    let transport = match &packet.transport {
        Transport::None => vec![],
        Transport::Tcp(tcp) => tcp_fields(tcp),
        Transport::Udp(udp) => udp_fields(udp),
        Transport::Icmp(icmp) => icmp_fields(icmp),
        Transport::Icmpv6(icmp) => icmpv6_fields(icmp),
    };
    let fields: Vec<(usize, Field)> = ip
        .into_iter()
        .map(|field| (field.offset, field))
        .chain(transport.into_iter().map(|f| (ip_len + f.offset, f)))
        .collect();
    let data_start = packet.total_len() - packet.payload.len();
    if at >= data_start {
        return format!("byte {at}, data byte {}", at - data_start);
    }
    let start = fields
        .iter()
        .map(|(start, _)| *start)
        .filter(|start| *start <= at)
        .max()
        .unwrap_or(0);
    let names: Vec<&str> = fields
        .iter()
        .filter(|(begins, _)| *begins == start)
        .map(|(_, field)| field.name)
        .collect();
    format!("byte {at}, {}", names.join(" / "))
}

/// Where two packets first differ, for the reader: the flag set, the
/// Scapy line, the byte and its field.
fn difference(case: &Case, ours: &[u8], theirs: &[u8]) -> String {
    let shorter = ours.len().min(theirs.len());
    let at = (0..shorter)
        .find(|&at| ours[at] != theirs[at])
        .unwrap_or(shorter);
    let byte = |bytes: &[u8]| match bytes.get(at) {
        Some(byte) => format!("0x{byte:02x}"),
        None => "nothing (it ends there)".into(),
    };
    format!(
        "{}\n  Scapy: {}\n  first difference at {}: raw_sender {}, Scapy {} \
         ({} and {} bytes)\n\n",
        case.command_line(),
        case.scapy_line(),
        field_at(ours, at),
        byte(ours),
        byte(theirs),
        ours.len(),
        theirs.len()
    )
}

#[test]
fn scapy_builds_the_bytes_raw_sender_builds_for_random_flag_sets() {
    let test = "scapy_builds_the_bytes_raw_sender_builds_for_random_flag_sets";
    if !testkit::have_scapy(test) {
        return;
    }
    let started = Instant::now();
    let mut random = Random::new(test);
    let dir = temp_dir(test);
    let cases: Vec<Case> = (0..CASES).map(|n| draw(&mut random, &dir, n)).collect();
    let ours: Vec<Vec<u8>> = cases.iter().map(raw_sender_builds).collect();
    let theirs = scapy_builds(&cases);
    let mut report = String::new();
    let mut differ = 0;
    for ((case, ours), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        if ours != theirs {
            differ += 1;
            if differ <= 10 {
                report += &difference(case, ours, theirs);
            }
        }
    }
    let largest = ours.iter().map(Vec::len).max().unwrap_or(0);
    say(&format!(
        "{test}: {} packets of up to {largest} bytes, {differ} differ, in {:.1} s",
        cases.len(),
        started.elapsed().as_secs_f64()
    ));
    assert!(
        differ == 0,
        "{differ} of {} packets differ (the first 10 here):\n{report}",
        cases.len()
    );
}

/// A TCP SYN and a UDP datagram from 192.0.2.1 to 192.0.2.2 with a source
/// route on to 198.51.100.1 (RFC 5737 addresses; only built, never sent).
/// RFC 791 § 3.1: at each hop "the next address in the source route
/// replaces the address in the destination address field", so the packet
/// arrives with 198.51.100.1 there, and the receiver sums that address in
/// its pseudo-header. While a hop is left, raw_sender and Scapy (given the
/// option as an IPOption_LSRR or IPOption_SSRR) both sum the route's last
/// address, and build the same bytes. Once the pointer is past the route
/// (it is done: Destination Address is final, and the last slot holds an
/// address a router recorded), raw_sender sums Destination Address, as the
/// RFC has it; Scapy still sums the route's last address. The book's raw
/// TCP chapter shows both.
#[test]
fn a_source_route_is_summed_to_where_the_packet_ends_up() {
    let test = "a_source_route_is_summed_to_where_the_packet_ends_up";
    if !testkit::have_scapy(test) {
        return;
    }
    let dir = temp_dir(test);
    let pcap = dir.join("packet.pcap");
    let pcap = pcap.to_str().unwrap();
    let scapy = |line: &str| {
        let program = format!("from scapy.all import *\nprint(bytes({line}).hex())");
        let output = Command::new("python3").args(["-c", &program]).output();
        let output = output.unwrap();
        assert!(output.status.success(), "{output:?}");
        unhex(String::from_utf8_lossy(&output.stdout).trim()).unwrap()
    };
    let raw_sender = |args: &[&str]| {
        let base = ["--src", "192.0.2.1", "-m", "", "--pcap", pcap];
        let output = command("raw_sender").args(base).args(args).output();
        assert!(output.unwrap().status.success(), "{args:?}");
        packet_in(Path::new(pcap))
    };
    // (option, raw_sender's transport, Scapy's, where its checksum is)
    let cases = [
        (
            ("83", "IPOption_LSRR"),
            "--tcp",
            "TCP(sport=40000, dport=12345, seq=1000, window=64240)",
            44..46,
        ),
        (
            ("89", "IPOption_SSRR"),
            "--udp",
            "UDP(sport=40000, dport=54321)",
            34..36,
        ),
    ];
    for ((kind, option), transport, layer, checksum) in cases {
        // The same datagram sent straight to the route's end, without the
        // option: its checksum is the one over the final destination.
        let straight = raw_sender(&["--dst", "198.51.100.1", transport]);
        let over_the_end = &straight[checksum.start - 8..checksum.end - 8];
        let to_dst = raw_sender(&["--dst", "192.0.2.2", transport]);
        let over_dst = &to_dst[checksum.start - 8..checksum.end - 8];
        assert_ne!(over_the_end, over_dst);
        for (pointer, ours_over, scapy_agrees) in
            [(4, over_the_end, true), (8, over_dst, false)]
        {
            // Kind, length 7, pointer, then the route: 198.51.100.1.
            let route = format!("{kind}07{pointer:02x}c6336401");
            let ours = raw_sender(&[
                "--dst",
                "192.0.2.2",
                "--ip-options",
                &route,
                transport,
            ]);
            let theirs = scapy(&format!(
                "IP(src=\"192.0.2.1\", dst=\"192.0.2.2\", id=4660, options=[{option}\
                 (pointer={pointer}, routers=[\"198.51.100.1\"])]) / {layer}"
            ));
            let what = format!("{option}, pointer {pointer}");
            assert_eq!(&ours[checksum.clone()], ours_over, "{what}");
            // Scapy sums the route's last address whatever the pointer.
            assert_eq!(&theirs[checksum.clone()], over_the_end, "{what}");
            assert_eq!(ours == theirs, scapy_agrees, "{what}");
            let elsewhere = |bytes: &[u8]| {
                let mut copy = bytes.to_vec();
                copy[checksum.clone()].fill(0);
                copy
            };
            assert_eq!(elsewhere(&ours), elsewhere(&theirs), "{what}");
        }
    }
}
