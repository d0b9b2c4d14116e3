//! The check of the challenge extension_header: an ICMPv6 echo request to
//! ::1 behind a Destination Options header. In the check's own namespace
//! the program sends it, and the verdict is what the kernel sends back: an
//! echo reply (PASS), an ICMPv6 Parameter Problem, whose code and pointer
//! are decoded against the packet, or nothing. The packet itself, read
//! with raw_sender's layouts, then names what the kernel could not follow:
//! the chain of Next Headers, Hdr Ext Len, the options, Payload Length,
//! the checksum's pseudo-header.

use std::net::Ipv6Addr;
use std::time::{Duration, Instant};

use raw_sender::icmpv6;
use raw_sender::ipv6::{self, Ipv6Header};
use raw_sender::packet::{IpHeader, Packet, Transport};

use crate::capture::Capture;
use crate::namespace;
use crate::program::Program;
use crate::verdict::{Verdict, cannot, fail_with};

/// `--size` of each run. The first is long enough that a header whose
/// Hdr Ext Len is too big still ends inside the packet.
const SIZES: [u16; 2] = [400, 5];

/// `--pattern` of the data: bytes of 0x80 and above. Where a Hdr Ext Len
/// too big makes the kernel look for the ICMPv6 type inside the data, it
/// then finds an informational type, and answers with the Parameter
/// Problem the options earned. (A byte below 0x80 would make the message
/// look like an ICMPv6 error, which no error may answer, RFC 4443 § 2.4
/// (e.1): the kernel would drop it without a word.)
const PATTERN: &str = "c0ffee";

/// How long the check waits for the kernel's answer, which on loopback
/// comes well within a millisecond.
const PATIENCE: Duration = Duration::from_secs(1);

/// Next Header values: ICMPv6 and Destination Options (RFC 8200 § 4.6).
const ICMPV6: u8 = icmpv6::NEXT_HEADER;
const DESTINATION_OPTIONS: u8 = 60;

/// The padding options (RFC 8200 § 4.2).
const PAD1: u8 = 0;
const PADN: u8 = 1;

/// The codes of ICMPv6 Parameter Problem (RFC 4443 § 3.4).
const PARAMETER_PROBLEM_CODES: [&str; 3] = [
    "erroneous header field encountered",
    "unrecognized Next Header type encountered",
    "unrecognized IPv6 option encountered",
];

/// One run's flags.
struct Request {
    icmp_id: u16,
    icmp_seq: u16,
}

/// The packet as the program built it: the IPv6 header, and where the
/// check found the echo request in what follows (None: nowhere).
struct Sent {
    bytes: Vec<u8>,
    ip: Ipv6Header,
    message_at: Option<usize>,
}

pub fn check(program: &Program) -> Result<String, Verdict> {
    namespace::enter()?;
    let capture = Capture::ipv6()
        .map_err(|error| cannot(format!("cannot capture on lo: {error}")))?;
    for (run, size) in (0u16..).zip(SIZES) {
        let request = Request {
            icmp_id: 0x0e00 + run,
            icmp_seq: run + 1,
        };
        let (size_text, id_text, seq_text) = (
            size.to_string(),
            request.icmp_id.to_string(),
            request.icmp_seq.to_string(),
        );
        let args = [
            "--size",
            &size_text,
            "--icmp-id",
            &id_text,
            "--icmp-seq",
            &seq_text,
            "--pattern",
            PATTERN,
        ];
        let shown = format!("--size {size} --pattern {PATTERN}");
        let before = capture.packets().len();
        let ran = program.run(&args, Duration::from_secs(5))?;
        ran.judge(program, "it sends one packet, then exits")?;
        let (sent, answer) = exchange(&capture, before, &request);
        let Some(sent) = sent else {
            return Err(fail_with(
                format!("with {shown}: no IPv6 packet arrived on lo"),
                "did the packet go to ::1, on an AF_INET6 socket?",
            ));
        };
        let mut details = problems(&sent, &request);
        let Some(why) = kernel_said(answer.as_ref(), &sent, size, &mut details)
        else {
            continue;
        };
        if details.is_empty() {
            details.push("the check finds nothing wrong in your packet".to_string());
        }
        details.push(describe(&sent));
        return Err(fail_with(
            format!("with {shown}: {why}"),
            details.join("\n"),
        ));
    }
    Ok(format!(
        "the kernel followed the chain through your Destination Options header and \
         answered each echo request ({} and {} bytes)",
        SIZES[0], SIZES[1]
    ))
}

/// What the kernel's `answer` says, in one line; None for the echo reply
/// the run asks for, to a packet with nothing wrong in it. A Parameter
/// Problem's pointer, decoded, goes first in `details`.
fn kernel_said(
    answer: Option<&Packet>,
    sent: &Sent,
    size: u16,
    details: &mut Vec<String>,
) -> Option<String> {
    let Some(packet) = answer else {
        return Some(
            "no echo reply: the kernel dropped the packet without a word".into(),
        );
    };
    if let Transport::Icmpv6(icmp) = &packet.transport
        && icmp.icmp_type == icmpv6::ECHO_REPLY
    {
        let data_len = packet.payload.len();
        return match (data_len == usize::from(size), details.is_empty()) {
            (true, true) => None,
            (true, false) => Some(
                "the kernel answered with an echo reply, yet your packet breaks a \
                 rule"
                    .into(),
            ),
            (false, _) => Some(format!(
                "the echo reply carried {data_len} bytes of data, not {size}"
            )),
        };
    }
    let Some(Ok(quoted)) = packet.icmp_error() else {
        return Some("no echo reply, but another ICMPv6 message".into());
    };
    let (kind, code) = (quoted.error.icmp_type, quoted.error.code);
    if kind != icmpv6::PARAMETER_PROBLEM {
        return Some(format!(
            "no echo reply: the kernel sent ICMPv6 type {kind}, code {code}"
        ));
    }
    let pointer = quoted.error.rest_of_header as usize;
    details.insert(0, pointed_at(sent, pointer, code));
    let meaning = PARAMETER_PROBLEM_CODES
        .get(usize::from(code))
        .unwrap_or(&"a code RFC 4443 does not name");
    Some(format!(
        "no echo reply: the kernel sent ICMPv6 Parameter Problem, code {code} \
         ({meaning}), pointer {pointer}"
    ))
}

/// The program's packet (the first IPv6 packet after `before`) and the
/// kernel's answer to it: an echo reply to `request`, or an ICMPv6 error
/// that quotes the packet.
fn exchange(
    capture: &Capture,
    before: usize,
    request: &Request,
) -> (Option<Sent>, Option<Packet>) {
    let until = Instant::now() + PATIENCE;
    loop {
        let packets = capture.packets();
        let sent = packets
            .get(before)
            .and_then(|bytes| read_sent(bytes, request));
        if let Some(ours) = &sent {
            let head = &ours.bytes[..ipv6::HEADER_LEN];
            let answer = packets[before + 1..].iter().find_map(|bytes| {
                let packet = Packet::parse(bytes).ok()?;
                let Transport::Icmpv6(icmp) = &packet.transport else {
                    return None;
                };
                let reply = icmp.icmp_type == icmpv6::ECHO_REPLY
                    && (icmp.identifier, icmp.sequence_number)
                        == (request.icmp_id, request.icmp_seq);
                let error = icmpv6::is_error(icmp.icmp_type)
                    && packet.payload.starts_with(head);
                (reply || error).then_some(packet)
            });
            if answer.is_some() {
                return (sent, answer);
            }
        }
        if Instant::now() >= until {
            return (sent, None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The program's packet, read as it arrived (its Payload Length may lie),
/// and where in it the echo request begins: the first 8-byte boundary
/// after the IPv6 header where an echo request with `request`'s
/// identifier and sequence number stands.
fn read_sent(bytes: &[u8], request: &Request) -> Option<Sent> {
    let (IpHeader::V6(ip), _) = IpHeader::parse_as_arrived(bytes).ok()? else {
        return None;
    };
    let ids = [
        request.icmp_id.to_be_bytes(),
        request.icmp_seq.to_be_bytes(),
    ]
    .concat();
    let message_at = (ipv6::HEADER_LEN..bytes.len()).step_by(8).find(|&at| {
        bytes[at..].starts_with(&[icmpv6::ECHO_REQUEST, 0])
            && bytes.get(at + 4..at + 8) == Some(&ids[..])
    });
    Some(Sent {
        bytes: bytes.to_vec(),
        ip,
        message_at,
    })
}

/// What byte `pointer` of the packet is, and why a Parameter Problem of
/// `code` points there.
fn pointed_at(sent: &Sent, pointer: usize, code: u8) -> String {
    let byte = sent.bytes.get(pointer).copied().unwrap_or(0);
    let at = format!("byte {pointer} of your packet ({byte:#04x})");
    let options_end = sent.message_at.unwrap_or(sent.bytes.len());
    let rule = format!(
        "its top two bits, {:02b}, say what a node that does not recognize the \
         option must do, and 10 is \"discard the packet and, regardless of whether \
         or not the packet's Destination Address was a multicast address, send an \
         ICMP Parameter Problem, Code 2, message to the packet's Source Address, \
         pointing to the unrecognized Option Type\" (RFC 8200 § 4.2)",
        byte >> 6
    );
    match pointer {
        6 => format!("{at} is the IPv6 header's Next Header"),
        0..ipv6::HEADER_LEN => format!("{at} is in the IPv6 header"),
        40 => format!("{at} is your Destination Options header's Next Header"),
        41 => format!("{at} is your Destination Options header's Hdr Ext Len"),
        _ if pointer < options_end && code == 2 => {
            format!(
                "{at} is an option type in your Destination Options header: {rule}"
            )
        }
        _ if pointer < options_end => {
            format!("{at} is in your Destination Options header")
        }
        _ if Some(pointer) == sent.message_at && code == 2 => format!(
            "{at} is the Type of your echo request (128), which the kernel took for \
             an option type: your Hdr Ext Len made the header longer than you built \
             it, so the kernel read on into the message. As an option type, {rule}. \
             (It answers so because the byte where it then looks for the ICMPv6 \
             Type, in the data, is one of the check's --pattern {PATTERN}. Below \
             0x80, as in the alphabet, it would look like an ICMPv6 error message, \
             which no error may answer (RFC 4443 § 2.4 (e.1)): the kernel would \
             drop it without a word.)"
        ),
        _ => format!("{at} is in your echo request"),
    }
}

/// What is wrong in the packet as it came, each said with the rule it
/// breaks.
fn problems(sent: &Sent, request: &Request) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = &sent.bytes;
    let after = bytes.len() - ipv6::HEADER_LEN;
    let Some(message_at) = sent.message_at else {
        return vec![format!(
            "the check finds no echo request (type 128, code 0, --icmp-id {}, \
             --icmp-seq {}) on an 8-byte boundary after the IPv6 header",
            request.icmp_id, request.icmp_seq
        )];
    };
    let options = &bytes[ipv6::HEADER_LEN..message_at];
    let message = &bytes[message_at..];
    let payload_length = usize::from(sent.ip.payload_length);
    if payload_length != after {
        let why = match payload_length == message.len() {
            true => {
                "it counts the echo request only. RFC 8200 § 3: \"any extension \
                 headers ... present are considered part of the payload, i.e., \
                 included in the length count\""
                    .to_string()
            }
            false => format!("{after} bytes follow the IPv6 header"),
        };
        let cut = match payload_length < after {
            true => format!(
                ". The kernel cut the packet there, {} bytes short: the checksum of \
                 what was left of the echo request failed, and it was dropped \
                 without a word",
                after - payload_length
            ),
            false => String::new(),
        };
        found.push(format!(
            "Payload Length is {payload_length}, but {why}: it should be \
             {after}{cut}"
        ));
    }
    match sent.ip.next_header {
        DESTINATION_OPTIONS => {}
        ICMPV6 => found.push(
            "the IPv6 header's Next Header is 58 (ICMPv6), so the kernel read your \
             Destination Options header as the ICMPv6 message (whose checksum then \
             failed: dropped without a word). Each Next Header names the header \
             right after it: here 60, Destination Options (RFC 8200 § 4.6)"
                .to_string(),
        ),
        other => found.push(format!(
            "the IPv6 header's Next Header is {other}; the header after it is \
             Destination Options, 60 (RFC 8200 § 4.6)"
        )),
    }
    if options.is_empty() {
        found.push(
            "there is no header between the IPv6 header and the echo request".into(),
        );
        return found;
    }
    if options[0] != ICMPV6 {
        found.push(format!(
            "your Destination Options header's Next Header is {}; the echo request \
             follows it, so 58 (ICMPv6)",
            options[0]
        ));
    }
    let built = options.len();
    let hdr_ext_len = usize::from(options.get(1).copied().unwrap_or(0));
    let rule = "RFC 8200 § 4.6 counts it \"in 8-octet units, not including the \
                first 8 octets\"";
    if !built.is_multiple_of(8) {
        found.push(format!(
            "your Destination Options header is {built} bytes: pad it with Pad1 or \
             PadN to a multiple of 8 ({})",
            built.next_multiple_of(8)
        ));
    } else if hdr_ext_len != built / 8 - 1 {
        let how = match hdr_ext_len {
            _ if hdr_ext_len == built => ", its length in bytes".to_string(),
            _ if hdr_ext_len == built / 8 => {
                ", its length in 8-octet units, the first 8 counted too".to_string()
            }
            _ => String::new(),
        };
        found.push(format!(
            "Hdr Ext Len is {hdr_ext_len}{how}; your header is {built} bytes, and \
             {rule}: {}. So the kernel took the header for {} bytes",
            built / 8 - 1,
            (hdr_ext_len + 1) * 8
        ));
    }
    found.extend(option_problems(&options[2.min(built)..]));
    found.extend(checksum_problem(message, options.len()));
    found
}

/// What is wrong in the options (everything after the header's first two
/// bytes), walked as RFC 8200 § 4.2 lays them out.
fn option_problems(options: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let (mut at, mut padding, mut chosen) = (0, 0, 0);
    while at < options.len() {
        let kind = options[at];
        if kind == PAD1 {
            (at, padding) = (at + 1, padding + 1);
            continue;
        }
        let Some(&data_len) = options.get(at + 1) else {
            found.push(format!("option type {kind:#04x} has no Opt Data Len byte"));
            break;
        };
        let end = at + 2 + usize::from(data_len);
        if end > options.len() {
            found.push(format!(
                "option type {kind:#04x} says its data is {data_len} bytes, but \
                 only {} bytes of the header are left after its Opt Data Len: Opt \
                 Data Len counts the option's data only, not its type and length \
                 bytes",
                options.len() - at - 2
            ));
            break;
        }
        if kind == PADN {
            padding += end - at;
            if options[at + 2..end].iter().any(|&byte| byte != 0) {
                found.push(
                    "a PadN carries bytes that are not zero: RFC 8200 § 4.2 fills \
                     it with zero-valued octets, and Linux drops a packet whose \
                     PadN does not (RFC 4942 § 2.1.9.5)"
                        .to_string(),
                );
            }
        } else {
            (padding, chosen) = (0, chosen + 1);
            // No option Linux knows in this header has these bits.
            if kind >> 6 == 0b01 {
                found.push(format!(
                    "your option type {kind:#04x}: its top two bits, 01, tell a \
                     node that does not recognize it to \"discard the packet\" (RFC \
                     8200 § 4.2), and to say nothing; 00 is \"skip over this \
                     option\""
                ));
            }
        }
        if padding > 7 {
            found.push(
                "more than 7 bytes of padding in a row: padding only fills up to \
                 the next 8-byte boundary, and Linux drops a packet with more"
                    .to_string(),
            );
        }
        at = end;
    }
    if chosen == 0 && found.is_empty() {
        found.push(
            "your header carries padding only, not an option of your own".into(),
        );
    }
    found
}

/// The echo request's checksum, when it is wrong: what it should be, and
/// what it is when it is what a classic slip gives.
fn checksum_problem(message: &[u8], options_len: usize) -> Option<String> {
    let carried = u16::from_be_bytes([message[2], message[3]]);
    let mut zeroed = message.to_vec();
    zeroed[2..4].fill(0);
    let sum = |length: usize, next_header: u8| {
        let pseudo = checksum::ipv6_pseudo_header(
            Ipv6Addr::LOCALHOST,
            Ipv6Addr::LOCALHOST,
            next_header,
            length as u32,
        );
        checksum::checksum(&[&pseudo[..], &zeroed].concat())
    };
    let right = sum(message.len(), ICMPV6);
    if carried == right {
        return None;
    }
    let whose = if carried == sum(message.len() + options_len, ICMPV6) {
        format!(
            "the sum with a pseudo-header whose length, {}, counts your Destination \
             Options header too. RFC 8200 § 8.1: the Upper-Layer Packet Length is \
             \"the Payload Length from the IPv6 header, minus the length of any \
             extension headers present between the IPv6 header and the upper-layer \
             header\", here {}",
            message.len() + options_len,
            message.len()
        )
    } else if carried == sum(message.len(), DESTINATION_OPTIONS) {
        "the sum with a pseudo-header whose Next Header is 60. RFC 8200 § 8.1 puts \
         there the upper layer's value, 58, whatever headers come between"
            .to_string()
    } else {
        "not the sum over the pseudo-header and the message".to_string()
    };
    Some(format!(
        "your ICMPv6 checksum is {carried:#06x}, {whose}: it should be \
         {right:#06x}. The kernel found it wrong and dropped the packet without a \
         word (nstat's Icmp6InCsumErrors counts it)"
    ))
}

/// The packet as it came: its lengths and the header between.
fn describe(sent: &Sent) -> String {
    let options = match sent.message_at {
        Some(at) => hex(&sent.bytes[ipv6::HEADER_LEN..at]),
        None => "(not found)".to_string(),
    };
    format!(
        "your packet: {} bytes, Payload Length {}, Next Header {}; between the IPv6 \
         header and the echo request: {options}",
        sent.bytes.len(),
        sent.ip.payload_length,
        sent.ip.next_header
    )
}

fn hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> =
        bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    pairs.join(" ")
}
