//! The check of the challenge fragments: one ICMP echo request sent to
//! 127.0.0.1 in IPv4 fragments. In the check's own namespace, for a few
//! sizes, the program prints its fragments (`--dry-run`: the bytes as it
//! built them, before the kernel rewrites Total Length and the header
//! checksum, raw(7)), then sends them. The verdict is the kernel's answer:
//! one echo reply carrying every byte (PASS), or silence. The fragments,
//! read with raw_sender's layouts, then name what kept the kernel from
//! putting them back together, or what it let pass.

use std::time::Duration;

use raw_sender::hex::unhex;
use raw_sender::icmp::{self, IcmpEcho};
use raw_sender::ipv4::Ipv4Header;
use raw_sender::packet::{IpHeader, Packet, Transport};

use crate::capture::Capture;
use crate::namespace;
use crate::program::Program;
use crate::verdict::{Verdict, cannot, fail_with};

/// `--size` and `--fragment` of each run. The second's 30 is no multiple
/// of 8; the third's message (1481 bytes) ends inside an 8-byte unit.
const RUNS: [(u16, u16); 3] = [(3000, 1000), (100, 30), (1473, 500)];

/// How long the check waits for the kernel's answer, which takes well
/// under a millisecond on loopback. For an unfinished datagram none comes:
/// Linux keeps its pieces for net.ipv4.ipfrag_time (30 s), then drops
/// them (nstat's IpReasmTimeout) and, to 127.0.0.1, sends no Time Exceeded.
const PATIENCE: Duration = Duration::from_secs(1);

/// One run's flags.
struct Request {
    size: u16,
    fragment: u16,
    id: u16,
    icmp_id: u16,
    icmp_seq: u16,
}

impl Request {
    fn flags(&self) -> Vec<String> {
        let flags = [
            ("--size", self.size),
            ("--fragment", self.fragment),
            ("--id", self.id),
            ("--icmp-id", self.icmp_id),
            ("--icmp-seq", self.icmp_seq),
        ];
        flags
            .iter()
            .flat_map(|(flag, value)| [flag.to_string(), value.to_string()])
            .collect()
    }
}

/// What the kernel sent back for one run's datagram.
enum Answer {
    /// An echo reply: the data it carried.
    Reply(Vec<u8>),
    /// An ICMP error that quotes the datagram: its type and code.
    Error(u8, u8),
}

pub fn check(program: &Program) -> Result<String, Verdict> {
    namespace::enter()?;
    let capture = Capture::ipv4()
        .map_err(|error| cannot(format!("cannot capture on lo: {error}")))?;
    let mut passed = Vec::new();
    for (run, &(size, fragment)) in (0u16..).zip(RUNS.iter()) {
        let request = Request {
            size,
            fragment,
            id: 0x5100 + run,
            icmp_id: 0x0c00 + run,
            icmp_seq: run + 1,
        };
        let flags = request.flags();
        let mut args: Vec<&str> = flags.iter().map(String::as_str).collect();
        let shown = format!("--size {size} --fragment {fragment}");
        // The fragments as built: --dry-run prints them and sends nothing.
        args.push("--dry-run");
        let dry_run = program.run(&args, Duration::from_secs(5))?;
        dry_run.judge(program, "--dry-run only prints the fragments")?;
        let built = read_dump(&dry_run.stdout).map_err(|why| {
            fail_with(format!("with {shown} --dry-run: {why}"), "")
        })?;
        args.pop();
        let sent = program.run(&args, Duration::from_secs(5))?;
        sent.judge(program, "it sends a few packets, then exits")?;
        let answer = capture
            .wait_for(PATIENCE, |packet| answer(packet, &request).is_some())
            .and_then(|packet| answer(&packet, &request));
        let captured = capture.packets();
        let arrived = built
            .iter()
            .filter(|fragment| captured.iter().any(|packet| same(fragment, packet)))
            .count();
        let mut details = problems(&built, &request);
        if arrived < built.len() {
            details.insert(
                0,
                format!(
                    "{arrived} of the {} fragments --dry-run printed arrived on lo: \
                     does send() send every one, to 127.0.0.1?",
                    built.len()
                ),
            );
        }
        let found = !details.is_empty();
        details.push("your fragments, as --dry-run printed them:".to_string());
        details.extend(table(&built));
        let details = details.join("\n");
        let why = match answer {
            Some(Answer::Reply(data)) if data.len() != usize::from(size) => format!(
                "with {shown}: the echo reply carried {} bytes of data, not {size}",
                data.len()
            ),
            Some(Answer::Reply(_)) if found => format!(
                "with {shown}: the kernel answered, yet your fragments break a rule \
                 it did not hold you to"
            ),
            Some(Answer::Reply(_)) => {
                passed.push(format!("{size} bytes in {} fragments", built.len()));
                continue;
            }
            Some(Answer::Error(kind, code)) => format!(
                "with {shown}: no echo reply; the kernel sent ICMP type {kind}, \
                 code {code} about it"
            ),
            None if found => format!(
                "with {shown}: no echo reply, nor any other answer, within {} s",
                PATIENCE.as_secs()
            ),
            None => format!(
                "with {shown}: no echo reply within {} s, though the check finds \
                 nothing wrong in your fragments",
                PATIENCE.as_secs()
            ),
        };
        return Err(fail_with(why, details));
    }
    Ok(format!(
        "the kernel put each echo request back together and answered it whole: {}",
        passed.join(", ")
    ))
}

/// The kernel's answer to `request` in `packet`, if it is one: an echo
/// reply with its identifier and sequence number, or an ICMP error that
/// quotes a fragment of it (RFC 792: "Internet Header + 64 bits of
/// Original Data Datagram", here the echo request's header).
fn answer(packet: &[u8], request: &Request) -> Option<Answer> {
    let packet = Packet::parse(packet).ok()?;
    let Transport::Icmp(echo) = &packet.transport else {
        return None;
    };
    let ids = (request.icmp_id, request.icmp_seq);
    if let Some(Ok(quoted)) = packet.icmp_error() {
        let quoted_echo = IcmpEcho::parse(&quoted.original_data).ok();
        let quoted_id = match &quoted.ip {
            IpHeader::V4(ip) => ip.identification,
            IpHeader::V6(_) => 0,
        };
        let ours = quoted_id == request.id
            || quoted_echo.is_some_and(|(echo, _)| {
                (echo.identifier, echo.sequence_number) == ids
            });
        let error = Answer::Error(quoted.error.icmp_type, quoted.error.code);
        return ours.then_some(error);
    }
    let mine = echo.icmp_type == icmp::ECHO_REPLY
        && (echo.identifier, echo.sequence_number) == ids;
    mine.then(|| Answer::Reply(packet.payload.clone()))
}

/// Whether `captured` is the fragment `built`, as the kernel sends it: with
/// its own Total Length and header checksum, and an Identification of its
/// choosing where `built` has 0 (raw(7)).
fn same(built: &[u8], captured: &[u8]) -> bool {
    let id_kept = built.get(4..6) == Some(&[0, 0]) || built[4..6] == captured[4..6];
    built.len() == captured.len()
        && built.len() >= 20
        && id_kept
        && built[6..10] == captured[6..10]
        && built[12..] == captured[12..]
}

/// The packets that --dry-run printed as tcpdump -X does, one line per 16
/// bytes (`0x0010:  7f00 0001 ...`), each packet from offset 0x0000.
fn read_dump(stdout: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut packets: Vec<Vec<u8>> = Vec::new();
    for line in String::from_utf8_lossy(stdout).lines() {
        let Some((offset, hex)) = line.trim().split_once(':') else {
            continue;
        };
        if !offset.starts_with("0x") {
            continue;
        }
        let bytes =
            unhex(hex).map_err(|why| format!("cannot read {line:?}: {why}"))?;
        match packets.last_mut() {
            Some(packet) if offset != "0x0000" => packet.extend(bytes),
            _ => packets.push(bytes),
        }
    }
    match packets.is_empty() {
        true => Err("it printed no fragment".to_string()),
        false => Ok(packets),
    }
}

/// Each built fragment's header fields, one line each, indented.
fn table(built: &[Vec<u8>]) -> Vec<String> {
    let lines = built.iter().enumerate().map(|(index, bytes)| {
        let fields = match IpHeader::parse_as_arrived(bytes) {
            Ok((IpHeader::V4(ip), data)) => format!(
                "Identification {}, Fragment Offset {} (byte {}), {}, {} bytes of \
                 data, Total Length {}",
                ip.identification,
                ip.fragment_offset,
                usize::from(ip.fragment_offset) * 8,
                if ip.more_fragments { "MF" } else { "no MF" },
                data.len(),
                ip.total_length
            ),
            _ => format!("{} bytes, no IPv4 header", bytes.len()),
        };
        format!("  fragment {}: {fields}", index + 1)
    });
    lines.take(12).collect()
}

/// One fragment as built: its place in the order sent (from 1), its
/// header, its data and its length in bytes.
struct Fragment<'a> {
    number: usize,
    ip: Ipv4Header,
    data: &'a [u8],
    len: usize,
}

/// What is wrong in the fragments as built, each said with the rule it
/// breaks; none for fragments the kernel can put together as asked.
fn problems(built: &[Vec<u8>], request: &Request) -> Vec<String> {
    let mut found = Vec::new();
    let mut fragments = Vec::new();
    for (index, bytes) in built.iter().enumerate() {
        let number = index + 1;
        match IpHeader::parse_as_arrived(bytes) {
            Ok((IpHeader::V4(ip), data)) => fragments.push(Fragment {
                number,
                ip,
                data,
                len: bytes.len(),
            }),
            Ok(_) => found.push(format!("fragment {number} is not IPv4")),
            Err(why) => found.push(format!("fragment {number}: {why}")),
        }
    }
    if !found.is_empty() {
        return found;
    }
    // Any order may be sent: the kernel places each by its offset.
    fragments.sort_by_key(|fragment| fragment.ip.fragment_offset);
    let (first, last) = (&fragments[0], &fragments[fragments.len() - 1]);
    let count = fragments.len();
    let others = &fragments[..count - 1];
    let message_len = 8 + usize::from(request.size);
    let first_id = first.ip.identification;
    if let Some(other) = fragments.iter().find(|f| f.ip.identification != first_id) {
        found.push(format!(
            "fragment {} has Identification {}, fragment {} {first_id}: the kernel \
             reassembles the fragments of one Identification (with the same \
             addresses and Protocol, RFC 791 § 3.2), so it held each as a piece of \
             another datagram",
            other.number, other.ip.identification, first.number
        ));
    } else if first_id != request.id {
        found.push(format!(
            "Identification is {first_id}, not --id {}",
            request.id
        ));
    }
    if let Some(other) = fragments.iter().find(|f| f.ip.protocol != icmp::PROTOCOL) {
        found.push(format!(
            "fragment {} has Protocol {}, not 1 (ICMP)",
            other.number, other.ip.protocol
        ));
    }
    let limit = usize::from(request.fragment);
    if let Some(big) = fragments.iter().find(|f| f.data.len() > limit) {
        found.push(format!(
            "fragment {} carries {} bytes of data; --fragment {limit} allows at \
             most {limit}",
            big.number,
            big.data.len()
        ));
    }
    let ragged = others.iter().find(|f| !f.data.len().is_multiple_of(8));
    if let Some(ragged) = ragged {
        let len = ragged.data.len();
        found.push(format!(
            "fragment {} (not the last) carries {len} bytes of data, not a multiple \
             of 8. RFC 791 § 3.2: \"If an internet datagram is fragmented, its data \
             portion must be broken on 8 octet boundaries\": the next fragment's \
             offset can only name a multiple of 8 (Linux keeps {} of the {len} \
             bytes, and the datagram comes out with holes)",
            ragged.number,
            len / 8 * 8
        ));
    }
    let mut start = 0;
    for fragment in fragments.iter().filter(|_| ragged.is_none()) {
        let offset = usize::from(fragment.ip.fragment_offset);
        if offset * 8 != start {
            let why = match offset == start {
                true => format!(
                    ", a count of bytes. The field counts 8-octet units (RFC 791 § \
                     3.1: \"The fragment offset is measured in units of 8 \
                     octets\"), so the kernel put it at byte {}",
                    offset * 8
                ),
                false => format!(", that is byte {}", offset * 8),
            };
            found.push(format!(
                "fragment {} begins at byte {start} of the datagram's data, so its \
                 Fragment Offset should be {}; it says {offset}{why}",
                fragment.number,
                start / 8
            ));
            break;
        }
        start += fragment.data.len();
    }
    const MF_RULE: &str = "RFC 791 § 3.2: \"The More Fragments flag bit (MF) is set \
                           if the datagram is not the last fragment\"";
    if let Some(early) = others.iter().find(|f| !f.ip.more_fragments) {
        found.push(format!(
            "fragment {} has More Fragments clear, so the kernel took it for the \
             last one, though fragment {} comes after it ({MF_RULE})",
            early.number, last.number
        ));
    }
    if last.ip.more_fragments {
        found.push(format!(
            "the last fragment ({} of {count}) has More Fragments set, so the \
             kernel waits for a fragment after it that never comes ({MF_RULE})",
            last.number
        ));
    }
    if let Some(wrong) = fragments
        .iter()
        .find(|f| usize::from(f.ip.total_length) != f.len)
    {
        let whole = match usize::from(wrong.ip.total_length) == 20 + message_len {
            true => ", the whole datagram's",
            false => "",
        };
        found.push(format!(
            "fragment {}'s Total Length is {}{whole}; a fragment's Total Length \
             counts that fragment only, its header and its {} bytes of data: {}. \
             (RFC 791 § 3.2 gives each fragment \"TL <- (IHL*4)+(NFB*8)\".) Linux \
             writes the right one over yours as it sends (raw(7)), so the kernel \
             never saw it; any other path would",
            wrong.number,
            wrong.ip.total_length,
            wrong.data.len(),
            wrong.len
        ));
    }
    if found.is_empty() {
        found.extend(message_problems(&fragments, request));
    }
    found
}

/// What is wrong in the echo request the fragments carry, put back
/// together as the kernel would (their offsets and lengths already right).
fn message_problems(fragments: &[Fragment], request: &Request) -> Vec<String> {
    let message: Vec<u8> = fragments.iter().flat_map(|f| f.data.to_vec()).collect();
    let expected_len = 8 + usize::from(request.size);
    if message.len() != expected_len {
        return vec![format!(
            "the fragments carry {} bytes in all; the echo request with --size {} \
             is {expected_len} (8 of header, then the data)",
            message.len(),
            request.size
        )];
    }
    let mut found = Vec::new();
    let Ok((echo, data)) = IcmpEcho::parse(&message) else {
        return found;
    };
    if (echo.icmp_type, echo.code) != (icmp::ECHO_REQUEST, 0) {
        found.push(format!(
            "the message has type {} code {}; an echo request is type 8, code 0",
            echo.icmp_type, echo.code
        ));
    }
    if (echo.identifier, echo.sequence_number) != (request.icmp_id, request.icmp_seq)
    {
        found.push(format!(
            "the echo request says identifier {} and sequence number {}, not \
             --icmp-id {} and --icmp-seq {}",
            echo.identifier, echo.sequence_number, request.icmp_id, request.icmp_seq
        ));
    }
    let right = echo.expected_checksum(data);
    if echo.checksum != right {
        let first_len = fragments[0].data.len();
        let first_only = echo.expected_checksum(&data[..first_len.max(8) - 8]);
        let whose = match echo.checksum == first_only {
            true => format!(
                "the sum of the first fragment's {first_len} bytes only, where RFC \
                 792 sums \"the ICMP message starting with the ICMP Type\": all \
                 {expected_len} bytes, whatever the fragments"
            ),
            false => "not the message's".to_string(),
        };
        found.push(format!(
            "the ICMP checksum is {:#06x}, {whose}; it should be {right:#06x}. The \
             kernel put the datagram back together, found the checksum wrong, and \
             dropped it without a word (nstat's IcmpInCsumErrors counts it)",
            echo.checksum
        ));
    }
    found
}
