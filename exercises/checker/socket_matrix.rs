//! The check of the challenge socket_matrix: for each triple, your
//! program's line beside the kernel's own answer to the same socket(2)
//! call, made here, just after, by the same user with the same privilege
//! (as an ordinary user a raw socket is refused with EPERM; as root it is
//! made).

use std::io;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use crate::program::Program;
use crate::verdict::{Verdict, fail, fail_with};

/// The families and types as the program takes them, as socket(2) does,
/// and as socket2 names them.
const FAMILIES: [(&str, Domain, &str); 3] = [
    ("inet", Domain::IPV4, "Domain::IPV4"),
    ("inet6", Domain::IPV6, "Domain::IPV6"),
    ("unix", Domain::UNIX, "Domain::UNIX"),
];
const TYPES: [(&str, Type, &str); 3] = [
    ("stream", Type::STREAM, "Type::STREAM"),
    ("dgram", Type::DGRAM, "Type::DGRAM"),
    ("raw", Type::RAW, "Type::RAW"),
];

/// The triples asked, each for what it shows.
const TRIPLES: [(&str, &str, u8); 20] = [
    ("inet", "stream", 0),   // the kernel chooses: TCP, 6
    ("inet", "stream", 6),   // asked by number
    ("inet", "stream", 17),  // UDP is no stream protocol
    ("inet", "stream", 132), // SCTP: not in this kernel
    ("inet", "dgram", 0),    // UDP, 17
    ("inet", "dgram", 6),    // TCP is no datagram protocol
    ("inet", "dgram", 1),    // an ICMP "ping" socket: net.ipv4.ping_group_range
    ("inet", "dgram", 136),  // UDP-Lite
    ("inet", "raw", 0),      // a raw socket must name its protocol
    ("inet", "raw", 1),      // needs CAP_NET_RAW
    ("inet", "raw", 255),    // IPPROTO_RAW, as raw_sender asks
    ("inet6", "stream", 0),  // TCP over IPv6
    ("inet6", "dgram", 0),   // UDP over IPv6
    ("inet6", "dgram", 58),  // an ICMPv6 "ping" socket
    ("inet6", "raw", 58),    // ICMPv6, needs CAP_NET_RAW
    ("unix", "stream", 0),   // no protocol at all: 0
    ("unix", "dgram", 0),    // the same
    ("unix", "stream", 6),   // TCP has no business here
    ("unix", "stream", 1),   // PF_UNIX is allowed, and reported as 0
    ("unix", "raw", 0),      // made, but as a SOCK_DGRAM
];

/// The errno names the challenge asks for; others are `errno N`.
const ERRNO_NAMES: [(i32, &str); 7] = [
    (1, "EPERM"),
    (13, "EACCES"),
    (22, "EINVAL"),
    (91, "EPROTOTYPE"),
    (93, "EPROTONOSUPPORT"),
    (94, "ESOCKTNOSUPPORT"),
    (97, "EAFNOSUPPORT"),
];

/// One socket(2) call: the program's words for it and socket2's values.
#[derive(Clone, Copy)]
struct Call {
    family: (&'static str, Domain, &'static str),
    kind: (&'static str, Type, &'static str),
    protocol: u8,
}

impl Call {
    fn new(family: &str, kind: &str, protocol: u8) -> Call {
        Call {
            family: *FAMILIES.iter().find(|known| known.0 == family).unwrap(),
            kind: *TYPES.iter().find(|known| known.0 == kind).unwrap(),
            protocol,
        }
    }

    /// `inet raw 255`, as the command line says it.
    fn args(&self) -> String {
        format!("{} {} {}", self.family.0, self.kind.0, self.protocol)
    }

    /// `socket(AF_INET, SOCK_RAW, 255)`, as the kernel gets it.
    fn syscall(&self) -> String {
        let family = family_name(i32::from(self.family.1));
        let kind = type_name(i32::from(self.kind.1));
        format!("socket({family}, {kind}, {})", self.protocol)
    }

    /// The kernel's answer, said as the program should say it.
    fn kernel_says(&self) -> Answer {
        let protocol = Protocol::from(i32::from(self.protocol));
        match Socket::new(self.family.1, self.kind.1, Some(protocol)) {
            Ok(socket) => Answer::Made(made(&socket)),
            Err(error) => Answer::Refused(error.raw_os_error().unwrap_or(0)),
        }
    }
}

/// What socket(2) did: made a socket (the line that says so), or refused
/// with an errno.
#[derive(PartialEq)]
enum Answer {
    Made(String),
    Refused(i32),
}

impl Answer {
    fn line(&self) -> String {
        match self {
            Answer::Made(line) => line.clone(),
            Answer::Refused(errno) => format!("refused {}", errno_name(*errno)),
        }
    }
}

pub fn check(program: &Program) -> Result<String, Verdict> {
    for (family, kind, protocol) in TRIPLES {
        let call = Call::new(family, kind, protocol);
        let ran = program.run(
            &[family, kind, &protocol.to_string()],
            Duration::from_secs(5),
        )?;
        ran.judge(program, "one socket(2) call takes no time")?;
        let answer = call.kernel_says();
        let printed = String::from_utf8_lossy(&ran.stdout).into_owned();
        compare(&call, &printed, &answer)?;
    }
    Ok(format!(
        "your lines match the kernel's answers for all {} triples: the sockets \
         it made, and the errno of each call it refused",
        TRIPLES.len()
    ))
}

/// Your line for `call` against the kernel's `answer`: Ok when they are
/// the same, else a FAIL naming the likely mistake.
fn compare(call: &Call, printed: &str, answer: &Answer) -> Result<(), Verdict> {
    let expected = answer.line();
    let lines: Vec<&str> = printed.lines().collect();
    let details = format!(
        "you:    {}\nkernel: {expected}   (to {})",
        printed.trim_end(),
        call.syscall()
    );
    let args = call.args();
    let yours = match lines.as_slice() {
        [line] => line.trim_end(),
        [] => return Err(fail(format!("for `{args}` you printed nothing"))),
        _ => {
            return Err(fail_with(
                format!("for `{args}` you printed {} lines: print one", lines.len()),
                details,
            ));
        }
    };
    if yours == expected {
        return Ok(());
    }
    let why = match answer {
        Answer::Refused(errno) => refusal_mistake(call, yours, *errno),
        Answer::Made(_) => made_mistake(call, yours, &expected),
    };
    let why = why
        .or_else(|| mapping_mistake(call, yours))
        .unwrap_or_else(|| {
            format!(
                "for `{args}` you printed `{yours}`; the kernel answers \
                 `{expected}` to {}",
                call.syscall()
            )
        });
    Err(fail_with(why, details))
}

/// The kernel refused with `errno`, and your line is not `refused NAME`.
fn refusal_mistake(call: &Call, yours: &str, errno: i32) -> Option<String> {
    let said = yours.strip_prefix("refused ")?;
    let name = errno_name(errno);
    let text = io::Error::from_raw_os_error(errno).to_string();
    let text = text.split(" (os error").next().unwrap_or_default();
    if said.contains("os error") || said.contains(text) {
        return Some(format!(
            "for `{}` you printed the error's text (`{said}`), not its name: print \
             `refused {name}`, the errno's symbolic name (the number is \
             io::Error::raw_os_error(); errno(3) names it)",
            call.args()
        ));
    }
    if said.starts_with('E') || said.starts_with("errno") {
        return Some(format!(
            "for `{}` you printed `refused {said}`, but the kernel refused {} \
             with errno {errno}, which is {name}: look up the numbers again \
             (/usr/include/asm-generic/errno-base.h and errno.h)",
            call.args(),
            call.syscall()
        ));
    }
    None
}

/// The kernel made a socket, and your line says otherwise.
fn made_mistake(call: &Call, yours: &str, expected: &str) -> Option<String> {
    let (family, kind, protocol) = parse_made(yours)?;
    let (want_family, want_kind, want_protocol) = parse_made(expected)?;
    let args = call.args();
    if family == want_family && kind == want_kind && protocol != want_protocol {
        if protocol == i32::from(call.protocol) {
            return Some(format!(
                "for `{args}` you printed the protocol you asked for ({protocol}), \
                 but the kernel made protocol {want_protocol}: print the one it \
                 reports (getsockopt SO_PROTOCOL, Socket::protocol())"
            ));
        }
        return Some(format!(
            "for `{args}` you printed protocol {protocol}; the kernel reports \
             {want_protocol} (getsockopt SO_PROTOCOL, Socket::protocol())"
        ));
    }
    let asked_kind = type_name(i32::from(call.kind.1));
    if family == want_family && kind != want_kind && kind == asked_kind {
        return Some(format!(
            "for `{args}` you printed the type you asked for ({kind}), but the \
             kernel made a {want_kind}: print the type it reports (getsockopt \
             SO_TYPE, Socket::r#type())"
        ));
    }
    None
}

/// Your line is the kernel's answer to another family or type: that one
/// is mapped wrongly.
fn mapping_mistake(call: &Call, yours: &str) -> Option<String> {
    let args = call.args();
    for family in FAMILIES.iter().filter(|family| family.0 != call.family.0) {
        let other = Call {
            family: *family,
            ..*call
        };
        if other.kernel_says().line() == yours {
            return Some(format!(
                "for `{args}` you printed `{yours}`, the kernel's answer to {}: \
                 is `{}` mapped to {} ({})?",
                other.syscall(),
                call.family.0,
                family_name(i32::from(call.family.1)),
                call.family.2
            ));
        }
    }
    for kind in TYPES.iter().filter(|kind| kind.0 != call.kind.0) {
        let other = Call {
            kind: *kind,
            ..*call
        };
        if other.kernel_says().line() == yours {
            return Some(format!(
                "for `{args}` you printed `{yours}`, the kernel's answer to {}: \
                 is `{}` mapped to {} ({})?",
                other.syscall(),
                call.kind.0,
                type_name(i32::from(call.kind.1)),
                call.kind.2
            ));
        }
    }
    let other = Call {
        protocol: 0,
        ..*call
    };
    if call.protocol != 0 && other.kernel_says().line() == yours {
        return Some(format!(
            "for `{args}` you printed `{yours}`, the kernel's answer to {}: pass \
             the protocol asked for, {}, to socket()",
            other.syscall(),
            call.protocol
        ));
    }
    None
}

/// `made AF_INET SOCK_DGRAM protocol 17` as its three values.
fn parse_made(line: &str) -> Option<(&str, &str, i32)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["made", family, kind, "protocol", protocol] => {
            Some((family, kind, protocol.parse().ok()?))
        }
        _ => None,
    }
}

/// The line for a socket the kernel made: what getsockopt(2) reports.
fn made(socket: &Socket) -> String {
    let family = socket.domain().map_or(-1, i32::from);
    let kind = socket.r#type().map_or(-1, i32::from);
    let protocol = socket.protocol().map_or(-1, |p| p.map_or(0, i32::from));
    format!(
        "made {} {} protocol {protocol}",
        family_name(family),
        type_name(kind)
    )
}

/// AF_INET for 2: the names of <sys/socket.h>.
fn family_name(family: i32) -> String {
    match family {
        1 => "AF_UNIX".into(),
        2 => "AF_INET".into(),
        10 => "AF_INET6".into(),
        other => other.to_string(),
    }
}

/// SOCK_STREAM for 1.
fn type_name(kind: i32) -> String {
    match kind {
        1 => "SOCK_STREAM".into(),
        2 => "SOCK_DGRAM".into(),
        3 => "SOCK_RAW".into(),
        other => other.to_string(),
    }
}

/// EPERM for 1, as errno(3) names it; `errno N` for those not asked for.
fn errno_name(errno: i32) -> String {
    match ERRNO_NAMES.iter().find(|(number, _)| *number == errno) {
        Some((_, name)) => name.to_string(),
        None => format!("errno {errno}"),
    }
}
