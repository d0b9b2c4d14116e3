//! The check of the challenge ttl_update: your program forwards IPv4
//! headers as a router does, TTL one less and the checksum updated by RFC
//! 1624's [Eqn. 3]. The headers: four that raw_sender's layouts build,
//! whose result must be what summing the new header from scratch gives;
//! RFC 1624 § 3's corner case, where RFC 1141's equation gives 0xffff and
//! the right answer is 0x0000; a header damaged on its way, whose error
//! the update must carry along; and a TTL of 0, to be refused.

use std::net::Ipv4Addr;
use std::time::Duration;

use raw_sender::hex::{hex, unhex};
use raw_sender::ipv4::{HEADER_CHECKSUM, Ipv4Header, PROTOCOL, TIME_TO_LIVE};

use crate::program::Program;
use crate::verdict::{Verdict, fail, fail_with};

const LOCALHOST: Ipv4Addr = Ipv4Addr::LOCALHOST;

pub fn check(program: &Program) -> Result<String, Verdict> {
    for (what, header) in sound_headers() {
        let printed = forward(program, &header)?;
        judge(what, &header, &printed)?;
    }
    let (what, header) = rfc1624_corner_case();
    let printed = forward(program, &header)?;
    judge(what, &header, &printed)?;
    let (what, header) = damaged_header();
    let ran = program.run(&[&hex(&header)], Duration::from_secs(5))?;
    if ran.status.and_then(|status| status.code()) == Some(1) {
        return Err(fail_with(
            format!(
                "you refused {what}: a router that verifies the checksum first \
                 would (RFC 1812 § 4.2.2.5), but this program is the update alone. \
                 Change the checksum only by what the TTL changed, and the damage \
                 still shows to whoever checks it next"
            ),
            ran.stderr,
        ));
    }
    ran.judge(program, "it only updates one header")?;
    judge(what, &header, &ran.stdout)?;
    refuses_ttl_zero(program)?;
    Ok(
        "four headers as raw_sender builds them, RFC 1624's corner case \
        (0x0000, not 0xffff) and a damaged header (its error carried along) \
        updated as RFC 1624 says, and a TTL of 0 refused"
            .into(),
    )
}

/// Runs the program on `header`; what it printed.
fn forward(program: &Program, header: &[u8]) -> Result<Vec<u8>, Verdict> {
    let ran = program.run(&[&hex(header)], Duration::from_secs(5))?;
    ran.judge(program, "it only updates one header")?;
    Ok(ran.stdout)
}

/// Headers built with raw_sender's layouts, each with its right checksum.
fn sound_headers() -> Vec<(&'static str, Vec<u8>)> {
    let course = course_header();
    let udp = Ipv4Header {
        type_of_service: 184,
        total_length: 33,
        identification: 65535,
        dont_fragment: true,
        time_to_live: 255,
        protocol: 17,
        source: Ipv4Addr::new(10, 1, 2, 3),
        destination: Ipv4Addr::new(192, 168, 200, 7),
        ..course.clone()
    };
    // RFC 791 § 3.1's Record Route option, 39 bytes with room for nine
    // addresses, and End of Option List: a header of 60 bytes, IHL 15.
    let mut record_route = vec![7, 39, 4];
    record_route.resize(40, 0);
    let longest = Ipv4Header {
        total_length: 60,
        time_to_live: 1,
        protocol: 6,
        options: record_route,
        source: Ipv4Addr::new(192, 0, 2, 1),
        destination: Ipv4Addr::new(198, 51, 100, 2),
        ..course.clone()
    };
    // RFC 2113's Router Alert option, as IGMP (protocol 2) carries it.
    let router_alert = Ipv4Header {
        total_length: 32,
        time_to_live: 2,
        protocol: 2,
        options: vec![0x94, 0x04, 0x00, 0x00],
        destination: Ipv4Addr::new(224, 0, 0, 22),
        ..course.clone()
    };
    [
        ("the header raw_sender builds by default", course),
        ("a UDP header with TTL 255 and Don't Fragment", udp),
        (
            "a 60-byte header with a Record Route option, TTL 1",
            longest,
        ),
        ("a header with a Router Alert option, TTL 2", router_alert),
    ]
    .into_iter()
    .map(|(what, header)| (what, with_checksum(header)))
    .collect()
}

/// RFC 1624 § 3's corner case: a header whose words, but for the checksum,
/// sum to 0xffff once the TTL is one less. Its Identification, 0x7dd7, is
/// chosen for that; from scratch its new checksum is ~0xffff = 0x0000.
fn rfc1624_corner_case() -> (&'static str, Vec<u8>) {
    let header = Ipv4Header {
        total_length: 20,
        identification: 0x7dd7,
        protocol: 17,
        ..course_header()
    };
    ("RFC 1624 § 3's corner case", with_checksum(header))
}

/// The course's header, damaged on its way after its checksum was
/// written: one bit of its Destination Address flipped (127.0.0.3).
fn damaged_header() -> (&'static str, Vec<u8>) {
    let mut header = with_checksum(course_header());
    header[19] ^= 0x02;
    (
        "a header damaged on its way (its checksum no longer matches it)",
        header,
    )
}

/// TTL 0: the program must refuse it, on stderr, with exit status 1.
fn refuses_ttl_zero(program: &Program) -> Result<(), Verdict> {
    let header = with_checksum(Ipv4Header {
        time_to_live: 0,
        ..course_header()
    });
    let ran = program.run(&[&hex(&header)], Duration::from_secs(5))?;
    let printed = String::from_utf8_lossy(&ran.stdout).trim().to_string();
    let status = ran.status.and_then(|status| status.code());
    let rule = "RFC 791 § 3.1: \"If this field contains the value zero, then the \
                datagram must be destroyed.\" Refuse it: one line on stderr, exit 1";
    match status {
        Some(1) if printed.is_empty() && !ran.stderr.trim().is_empty() => Ok(()),
        Some(1) if printed.is_empty() => Err(fail(format!(
            "for a header with TTL 0 you exited 1 without a word: say why on \
             stderr. {rule}"
        ))),
        Some(0)
            if unhex(&printed)
                .is_ok_and(|out| out.get(TIME_TO_LIVE) == Some(&255)) =>
        {
            Err(fail(format!("you turned a TTL of 0 into 255. {rule}")))
        }
        Some(101) if !ran.stderr.contains("not yet implemented") => Err(fail_with(
            format!("you panicked on a header with TTL 0. {rule}"),
            ran.stderr,
        )),
        _ => {
            ran.judge(program, "it only updates one header")?;
            Err(fail_with(
                format!("for a header with TTL 0 you printed {printed:?}. {rule}"),
                ran.stderr,
            ))
        }
    }
}

/// What you printed for `header` against what RFC 1624 gives; a FAIL that
/// names the likely mistake.
fn judge(what: &str, header: &[u8], printed: &[u8]) -> Result<(), Verdict> {
    let text = String::from_utf8_lossy(printed).trim().to_string();
    let expected = forwarded(header);
    let Ok(yours) = unhex(&text) else {
        return Err(fail(format!(
            "for {what} you printed {text:?}: print the header as hex, as it came in"
        )));
    };
    if yours == expected {
        return Ok(());
    }
    let details = format!(
        "in:       {}\nyours:    {}\nexpected: {}",
        hex(header),
        hex(&yours),
        hex(&expected)
    );
    if yours.len() != header.len() {
        return Err(fail_with(
            format!(
                "for {what} you printed {} bytes; the header has {}",
                yours.len(),
                header.len()
            ),
            details,
        ));
    }
    let why = wrong_bytes(what, header, &yours)
        .unwrap_or_else(|| wrong_checksum(what, header, &yours));
    Err(fail_with(why, details))
}

/// A mistake in the bytes other than the checksum.
fn wrong_bytes(what: &str, header: &[u8], yours: &[u8]) -> Option<String> {
    let ttl = header[TIME_TO_LIVE];
    if yours[TIME_TO_LIVE] == ttl
        && yours[PROTOCOL] == header[PROTOCOL].wrapping_sub(1)
    {
        return Some(format!(
            "for {what} you took one from byte 9, the Protocol ({} became {}): the \
             TTL is byte 8, the high byte of its 16-bit word, so that word m \
             becomes m' = m - 0x0100",
            header[PROTOCOL], yours[PROTOCOL]
        ));
    }
    let changed = (0..header.len()).find(|&at| {
        !HEADER_CHECKSUM.contains(&at)
            && at != TIME_TO_LIVE
            && yours[at] != header[at]
    });
    if let Some(at) = changed {
        return Some(format!(
            "for {what} you changed byte {at} ({}): a router changes only the TTL \
             (byte 8) and the checksum (bytes 10 and 11)",
            field(at)
        ));
    }
    if yours[TIME_TO_LIVE] != ttl - 1 {
        return Some(format!(
            "for {what} the TTL came out as {}: it was {ttl}, so it should be {}",
            yours[TIME_TO_LIVE],
            ttl - 1
        ));
    }
    None
}

/// The TTL is right and only the checksum is wrong: which equation gives
/// yours.
fn wrong_checksum(what: &str, header: &[u8], yours: &[u8]) -> String {
    let (hc, m) = (
        word(header, HEADER_CHECKSUM.start),
        word(header, TIME_TO_LIVE),
    );
    let m_new = m - 0x0100;
    let got = word(yours, HEADER_CHECKSUM.start);
    let right = eqn3(hc, m, m_new);
    let mut new_header = forwarded(header);
    new_header[HEADER_CHECKSUM].fill(0);
    let from_scratch = checksum::checksum(&new_header);
    if got == from_scratch {
        let sum = checksum::ones_complement_sum(header);
        return format!(
            "for {what} your checksum, {got:#06x}, is what summing the header again \
             gives. This header arrived damaged (it sums to {sum:#06x}, not \
             0xffff): a full recomputation writes a right checksum over a wrong \
             header, and the next hop takes it as sound. RFC 1624's [Eqn. 3] \
             changes the checksum only by what the TTL changed ({right:#06x}), so \
             the damage still shows. (RFC 1812 § 4.2.2.5: \"A router MAY use \
             incremental IP header checksum updating when the only change to the \
             IP header is the time to live.\")"
        );
    }
    if got == eqn2(hc, m, m_new) {
        return format!(
            "for {what} your checksum is {got:#06x}: that is RFC 1141's equation, \
             HC' = HC + m + ~m' [Eqn. 2], which here gives -0 (0xffff) where \
             summing the header from scratch gives +0 ({right:#06x}). RFC 1624 § 3: \
             \"there are boundary conditions under which it produces a result \
             which differs from the one obtained by checksum computation from \
             scratch.\" Use [Eqn. 3], HC' = ~(~HC + ~m + m')"
        );
    }
    if got == eqn3_without_carry(hc, m, m_new) {
        return format!(
            "for {what} your checksum is {got:#06x} where [Eqn. 3] gives \
             {right:#06x}: a carry out of bit 15 was lost. One's complement \
             addition adds it back in at the bottom (the end-around carry, RFC \
             1071 § 1)"
        );
    }
    if got == !right {
        return format!(
            "for {what} your checksum is {got:#06x}, every bit of the right one, \
             {right:#06x}, flipped: [Eqn. 3] takes the one's complement (~) of the \
             sum last"
        );
    }
    format!(
        "for {what} your checksum is {got:#06x}; RFC 1624's [Eqn. 3], HC' = \
         ~(~HC + ~m + m'), gives {right:#06x} (HC {hc:#06x}, m {m:#06x}, m' \
         {m_new:#06x})"
    )
}

/// The header a router forwards: TTL one less, checksum by [Eqn. 3].
fn forwarded(header: &[u8]) -> Vec<u8> {
    let mut out = header.to_vec();
    let (hc, m) = (
        word(header, HEADER_CHECKSUM.start),
        word(header, TIME_TO_LIVE),
    );
    let m_new = m - 0x0100;
    out[TIME_TO_LIVE..=PROTOCOL].copy_from_slice(&m_new.to_be_bytes());
    out[HEADER_CHECKSUM].copy_from_slice(&eqn3(hc, m, m_new).to_be_bytes());
    out
}

/// RFC 1624 § 3, [Eqn. 3]: HC' = ~(~HC + ~m + m').
fn eqn3(hc: u16, m: u16, m_new: u16) -> u16 {
    !add(add(!hc, !m), m_new)
}

/// RFC 1141's [Eqn. 2] (RFC 1624 § 2): HC' = HC + m + ~m'.
fn eqn2(hc: u16, m: u16, m_new: u16) -> u16 {
    add(add(hc, m), !m_new)
}

/// [Eqn. 3] with additions that drop their carry.
fn eqn3_without_carry(hc: u16, m: u16, m_new: u16) -> u16 {
    let sum = (!hc).wrapping_add(!m).wrapping_add(m_new);
    !sum
}

/// One's complement addition, RFC 1071 § 1: the carry comes back in.
fn add(a: u16, b: u16) -> u16 {
    let (sum, carry) = a.overflowing_add(b);
    sum + u16::from(carry)
}

/// The big-endian 16-bit word at byte `at`.
fn word(header: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([header[at], header[at + 1]])
}

/// The course's header: what raw_sender builds with no flags, without its
/// data (Total Length 41, Identification 0x1234, TTL 64, Protocol 16).
fn course_header() -> Ipv4Header {
    Ipv4Header {
        type_of_service: 0,
        total_length: 41,
        identification: 0x1234,
        evil: false,
        dont_fragment: false,
        more_fragments: false,
        fragment_offset: 0,
        time_to_live: 64,
        protocol: 16,
        header_checksum: 0,
        source: LOCALHOST,
        destination: LOCALHOST,
        options: Vec::new(),
    }
}

/// `header` as bytes, with the checksum RFC 791 asks for.
fn with_checksum(header: Ipv4Header) -> Vec<u8> {
    let header_checksum = header.expected_checksum();
    Ipv4Header {
        header_checksum,
        ..header
    }
    .build()
}

/// The name RFC 791 § 3.1 gives byte `at` of the header.
fn field(at: usize) -> &'static str {
    match at {
        0 => "Version and IHL",
        1 => "Type of Service",
        2 | 3 => "Total Length",
        4 | 5 => "Identification",
        6 | 7 => "Flags and Fragment Offset",
        8 => "Time to Live",
        9 => "Protocol",
        10 | 11 => "Header Checksum",
        12..=15 => "Source Address",
        16..=19 => "Destination Address",
        _ => "Options",
    }
}
