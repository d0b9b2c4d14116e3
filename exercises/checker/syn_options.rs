//! The check of the challenge syn_options: a SYN that offers MSS, SACK
//! permitted, Timestamps and Window Scale. In the check's own namespace a
//! plain TCP listener holds a port, so the kernel answers SYNs there; the
//! program sends its SYN, and the verdict is the kernel's SYN-ACK. It
//! carries Window Scale and SACK permitted only if the SYN offered them
//! (RFC 7323 § 2.2, RFC 2018 § 2), and echoes the SYN's TSval in its TSecr
//! (RFC 7323 § 3.2). The SYN itself, read with raw_sender's layouts, then
//! names what the kernel could not read in it. (The SYN-ACK goes to a port
//! no socket holds, so the kernel answers it with a RST: as expected.)

use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use raw_sender::packet::{IpHeader, Packet, Transport};
use raw_sender::tcp::{self, TcpHeader};

use crate::capture::Capture;
use crate::namespace;
use crate::program::Program;
use crate::verdict::{Verdict, cannot, fail_with};

/// The TSval of each run: its four bytes all differ, so that one written
/// in the wrong byte order shows; the second has its top bit set.
const TSVALS: [u32; 2] = [0x1234_5678, 0xC0FF_EE42];

/// How long the check waits for the SYN-ACK, which on loopback comes well
/// within a millisecond.
const PATIENCE: Duration = Duration::from_secs(1);

/// The option kinds (RFC 9293 § 3.2, RFC 7323, RFC 2018).
const END_OF_OPTION_LIST: u8 = 0;
const NOP: u8 = 1;
const MAXIMUM_SEGMENT_SIZE: u8 = 2;
const WINDOW_SCALE: u8 = 3;
const SACK_PERMITTED: u8 = 4;
const TIMESTAMPS: u8 = 8;

/// Each option the SYN must carry: its kind, name, length and where it is
/// defined.
const OFFERS: [(u8, &str, usize, &str); 4] = [
    (
        MAXIMUM_SEGMENT_SIZE,
        "Maximum Segment Size",
        4,
        "RFC 9293 § 3.2",
    ),
    (SACK_PERMITTED, "SACK permitted", 2, "RFC 2018 § 2"),
    (TIMESTAMPS, "Timestamps", 10, "RFC 7323 § 3.2"),
    (WINDOW_SCALE, "Window Scale", 3, "RFC 7323 § 2.2"),
];

/// One option as read: its kind and the bytes after its length byte.
struct TcpOption {
    kind: u8,
    value: Vec<u8>,
}

pub fn check(program: &Program) -> Result<String, Verdict> {
    namespace::enter()?;
    let capture = Capture::ipv4()
        .map_err(|error| cannot(format!("cannot capture on lo: {error}")))?;
    for (run, tsval) in (0u16..).zip(TSVALS) {
        // listen(2) on a port of the kernel's choice: the kernel completes
        // the handshake's first half for it, SYN-ACK and all.
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|error| {
                cannot(format!("cannot listen on 127.0.0.1: {error}"))
            })?;
        let dport = listener
            .local_addr()
            .map_err(|error| cannot(format!("cannot listen on 127.0.0.1: {error}")))?
            .port();
        let sport = 40000 + run;
        let (dport_text, sport_text, tsval_text) =
            (dport.to_string(), sport.to_string(), tsval.to_string());
        let args = [
            "--dport",
            &dport_text,
            "--sport",
            &sport_text,
            "--tsval",
            &tsval_text,
        ];
        let shown = format!("--tsval {tsval} to a listener on port {dport}");
        let ran = program.run(&args, Duration::from_secs(5))?;
        ran.judge(program, "it sends one packet, then exits")?;
        let syn_ack = capture.wait_for(PATIENCE, |packet| {
            segment(packet).is_some_and(|(tcp, _)| {
                (tcp.source_port, tcp.destination_port) == (dport, sport)
                    && tcp.flags & (tcp::SYN | tcp::RST) != 0
            })
        });
        let ports = [sport.to_be_bytes(), dport.to_be_bytes()].concat();
        let syn = capture.packets().into_iter().find(|packet| {
            raw_segment(packet).is_some_and(|segment| segment.starts_with(&ports))
        });
        let Some(syn) = syn else {
            return Err(fail_with(
                format!(
                    "with {shown}: no segment from port {sport} to {dport} arrived"
                ),
                "did the SYN go to 127.0.0.1, from --sport to --dport?",
            ));
        };
        let mut details = problems(&syn, tsval);
        let why = match syn_ack.as_deref().and_then(segment) {
            None => {
                "no SYN-ACK: the kernel dropped your SYN without a word".to_string()
            }
            Some((tcp, _)) if tcp.flags & tcp::RST != 0 => {
                "the kernel answered with RST, not SYN-ACK".to_string()
            }
            Some((tcp, _)) => {
                let (said, missing) = judge_syn_ack(&tcp.options, tsval);
                let nothing_wrong = details.is_empty();
                details.push(format!("the kernel's SYN-ACK: options {said}"));
                match missing {
                    None if nothing_wrong => continue,
                    None => {
                        "the kernel's SYN-ACK answered every offer, yet your SYN \
                         breaks a rule"
                            .to_string()
                    }
                    Some(missing) => format!("the kernel's SYN-ACK {missing}"),
                }
            }
        };
        if details.is_empty() {
            details.push("the check finds nothing wrong in your SYN".to_string());
        }
        details.push(describe(&syn));
        return Err(fail_with(
            format!("with {shown}: {why}"),
            details.join("\n"),
        ));
    }
    Ok(format!(
        "the kernel's SYN-ACK echoed each TSval ({} and {}) in its TSecr, and \
         offered Window Scale and SACK back",
        TSVALS[0], TSVALS[1]
    ))
}

/// The TCP segment (header and data) in an IPv4 packet, as it came.
fn raw_segment(packet: &[u8]) -> Option<Vec<u8>> {
    match IpHeader::parse(packet) {
        Ok((IpHeader::V4(ip), data)) if ip.protocol == tcp::PROTOCOL => {
            Some(data.to_vec())
        }
        _ => None,
    }
}

/// The TCP header in an IPv4 packet and the data after it, if it parses.
fn segment(packet: &[u8]) -> Option<(TcpHeader, Vec<u8>)> {
    match Packet::parse(packet) {
        Ok(Packet {
            transport: Transport::Tcp(tcp),
            payload,
            ..
        }) => Some((tcp, payload)),
        _ => None,
    }
}

/// What the SYN-ACK's options say, as tcpdump lists them, and what it
/// lacks that a SYN with all four offers draws; None when nothing.
fn judge_syn_ack(options: &[u8], tsval: u32) -> (String, Option<String>) {
    let read = walk(options).unwrap_or_default();
    let said: Vec<String> = read.iter().map(show).collect();
    let find = |kind: u8| read.iter().find(|option| option.kind == kind);
    let missing = match find(TIMESTAMPS) {
        None => Some(
            "has no Timestamps option: it found none it could read in your SYN"
                .to_string(),
        ),
        Some(option) if option.value.get(4..8) != Some(&tsval.to_be_bytes()[..]) => {
            let echoed = option.value.get(4..8).map_or(0, read_u32);
            Some(format!("echoes {echoed} in its TSecr, not --tsval {tsval}"))
        }
        Some(_) if find(WINDOW_SCALE).is_none() => Some(
            "has no Window Scale: it found none it could read in your SYN (RFC 7323 \
             § 2.2: it may send one \"only if a Window Scale option was received in \
             the initial <SYN> segment\")"
                .to_string(),
        ),
        Some(_) if find(SACK_PERMITTED).is_none() => Some(
            "has no SACK permitted: it found none it could read in your SYN".into(),
        ),
        Some(_) => None,
    };
    (format!("[{}]", said.join(",")), missing)
}

/// The options in `bytes`, up to End of Option List; Err with what makes
/// the rest unreadable.
fn walk(bytes: &[u8]) -> Result<Vec<TcpOption>, (Vec<TcpOption>, String)> {
    let mut options = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let kind = bytes[at];
        match kind {
            END_OF_OPTION_LIST => break,
            NOP => {
                options.push(TcpOption {
                    kind,
                    value: vec![],
                });
                at += 1;
                continue;
            }
            _ => {}
        }
        let Some(&len) = bytes.get(at + 1) else {
            return Err((options, format!("option kind {kind} has no length byte")));
        };
        let len = usize::from(len);
        if len < 2 || at + len > bytes.len() {
            let why = format!(
                "option kind {kind} says it is {len} bytes long, but {} bytes of \
                 options are left from its kind byte on",
                bytes.len() - at
            );
            return Err((options, why));
        }
        options.push(TcpOption {
            kind,
            value: bytes[at + 2..at + len].to_vec(),
        });
        at += len;
    }
    Ok(options)
}

/// An option as tcpdump shows it: `mss 1460`, `TS val 7 ecr 0`, ...
fn show(option: &TcpOption) -> String {
    let number = |range: std::ops::Range<usize>| {
        let bytes = option.value.get(range).unwrap_or(&[]);
        bytes
            .iter()
            .fold(0u64, |value, byte| value << 8 | u64::from(*byte))
    };
    match option.kind {
        NOP => "nop".to_string(),
        MAXIMUM_SEGMENT_SIZE => format!("mss {}", number(0..2)),
        WINDOW_SCALE => format!("wscale {}", number(0..1)),
        SACK_PERMITTED => "sackOK".to_string(),
        TIMESTAMPS => format!("TS val {} ecr {}", number(0..4), number(4..8)),
        kind => format!("kind {kind} length {}", option.value.len() + 2),
    }
}

/// The SYN as it came: its length, Data Offset, options and data.
fn describe(syn: &[u8]) -> String {
    let segment = raw_segment(syn).unwrap_or_default();
    let data_offset = segment.get(tcp::DATA_OFFSET).map_or(0, |byte| byte >> 4);
    let header_len = (usize::from(data_offset) * 4).clamp(20, segment.len().max(20));
    let options = segment.get(tcp::OPTIONS..header_len).unwrap_or(&[]);
    let data = segment.get(header_len..).unwrap_or(&[]);
    format!(
        "your SYN: {} bytes, Data Offset {data_offset}, options {}, {} bytes of \
         data",
        segment.len(),
        if options.is_empty() {
            "none".to_string()
        } else {
            hex(options)
        },
        data.len()
    )
}

fn hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> =
        bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    pairs.join(" ")
}

/// What is wrong in the SYN as it came, each said with the rule it breaks.
fn problems(syn: &[u8], tsval: u32) -> Vec<String> {
    let Some(segment) = raw_segment(syn) else {
        return vec!["your SYN has no IPv4 header the check can read".to_string()];
    };
    let mut found = Vec::new();
    if let Some(checksum) = checksum_problem(&segment) {
        found.push(checksum);
    }
    // Everything after the fixed 20 bytes: the options, as they were meant.
    let after = segment.get(tcp::OPTIONS..).unwrap_or(&[]);
    let data_offset =
        usize::from(segment.get(tcp::DATA_OFFSET).map_or(0, |b| b >> 4));
    let (header, data) = match TcpHeader::parse(&segment) {
        Ok((header, data)) => (header, data.to_vec()),
        Err(why) => {
            found.push(format!(
                "{why}: your {} bytes of options are not a whole number of 32-bit \
                 words. RFC 9293 § 3.1: \"The TCP header (even one including \
                 options) is an integral number of 32 bits long\"; pad the options \
                 with NOP (kind 1) to {}",
                after.len(),
                after.len().div_ceil(4) * 4
            ));
            return found;
        }
    };
    if header.flags != tcp::SYN {
        found.push(format!(
            "the control bits are {:#04x}; a SYN alone is 0x02",
            header.flags
        ));
    }
    if !data.is_empty() && data_offset == 5 {
        found.push(format!(
            "Data Offset is 5, a header of 20 bytes without options, so the {} \
             bytes of options after it were read as data: the SYN carries {} bytes \
             of data and offers nothing. Data Offset counts the header's 32-bit \
             words, options included (RFC 9293 § 3.1): {} here",
            after.len(),
            data.len(),
            (20 + after.len()) / 4
        ));
    } else if !data.is_empty() && !after.len().is_multiple_of(4) {
        found.push(format!(
            "your options are {} bytes, not a whole number of 32-bit words, so Data \
             Offset {data_offset} ({} bytes) leaves the last {} of them ({}) as \
             data. RFC 9293 § 3.1: \"The TCP header (even one including options) is \
             an integral number of 32 bits long\"; pad them with NOP (kind 1) to {}",
            after.len(),
            data_offset * 4,
            data.len(),
            hex(&data),
            after.len().div_ceil(4) * 4
        ));
    } else if !data.is_empty() {
        found.push(format!(
            "the SYN carries {} bytes of data; this one should carry none",
            data.len()
        ));
    }
    let options = match walk(&header.options) {
        Ok(options) => options,
        Err((options, why)) => {
            found.push(format!("{why}: the kernel stops reading options there"));
            options
        }
    };
    for (kind, name, len, rfc) in OFFERS {
        let Some(option) = options.iter().find(|option| option.kind == kind) else {
            if found.is_empty() {
                found.push(format!("your SYN has no {name} option (kind {kind})"));
            }
            continue;
        };
        let option_len = option.value.len() + 2;
        if option_len != len {
            found.push(format!(
                "your {name} option (kind {kind}) has length {option_len}; {rfc} \
                 gives it {len}, counting its kind and length bytes. The kernel \
                 ignores an option of the wrong length, and reads the next from \
                 where this length says it ends"
            ));
            continue;
        }
        found.extend(value_problem(kind, &option.value, tsval));
    }
    found
}

/// What is wrong in the value of a well-sized option.
fn value_problem(kind: u8, value: &[u8], tsval: u32) -> Option<String> {
    let (field, bytes, wanted): (&str, &[u8], u64) = match kind {
        MAXIMUM_SEGMENT_SIZE => ("Maximum Segment Size", value, 1460),
        WINDOW_SCALE => ("Window Scale shift count", value, 7),
        TIMESTAMPS if read_u32(&value[4..]) != 0 => {
            return Some(format!(
                "your TSecr is {}; RFC 7323 § 3.2: with ACK off the sender \"SHOULD \
                 set the TSecr field to zero\"",
                read_u32(&value[4..])
            ));
        }
        TIMESTAMPS => ("TSval", &value[..4], u64::from(tsval)),
        _ => return None,
    };
    let number = |bytes: &mut dyn Iterator<Item = &u8>| {
        bytes.fold(0u64, |number, byte| number << 8 | u64::from(*byte))
    };
    let carried = number(&mut bytes.iter());
    match carried == wanted {
        true => None,
        false if bytes.len() > 1 && number(&mut bytes.iter().rev()) == wanted => {
            Some(format!(
                "your {field} reads {carried} ({}): that is {wanted} with its bytes \
                 the wrong way round. Option values are big-endian, as every field \
                 of the header (\"network byte order\"): `.to_be_bytes()`",
                hex(bytes)
            ))
        }
        false => Some(format!("your {field} says {carried}, not {wanted}")),
    }
}

fn read_u32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// The checksum's fault, if it is wrong: what it should be, and what it
/// is the sum of when it is that of the header without its options.
fn checksum_problem(segment: &[u8]) -> Option<String> {
    let localhost = Ipv4Addr::LOCALHOST;
    let carried = u16::from_be_bytes([segment[16], segment[17]]);
    let mut zeroed = segment.to_vec();
    zeroed[16..18].fill(0);
    let sum = |bytes: &[u8]| {
        checksum::ipv4_transport_checksum(
            localhost,
            localhost,
            tcp::PROTOCOL,
            bytes,
            &[],
        )
    };
    let right = sum(&zeroed);
    if carried == right {
        return None;
    }
    let mut bare = zeroed[..20].to_vec();
    let before_options = sum(&bare);
    bare[tcp::DATA_OFFSET] = 5 << 4;
    let before_data_offset = sum(&bare);
    let whose = match carried == before_options || carried == before_data_offset {
        true => {
            "the checksum of the 20-byte header without its options. RFC 9293 § 3.1 \
             sums \"all 16-bit words in the header and text\", options included, \
             and the pseudo-header's TCP Length counts them too"
        }
        false => "not the checksum of the segment",
    };
    Some(format!(
        "your checksum is {carried:#06x}, {whose}: it should be {right:#06x}. The \
         kernel found it wrong and dropped the SYN without a word (nstat's \
         TcpInCsumErrors counts it)"
    ))
}
