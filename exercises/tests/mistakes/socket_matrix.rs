//! The classic mistakes of the challenge socket_matrix, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "the protocol asked for, not the kernel's",
        find: "let protocol = socket.protocol()?.map_or(0, i32::from);",
        replace: "let protocol = 0;",
        expect: "you printed the protocol you asked for (0)",
    },
    Mistake {
        name: "the error's text, not its name",
        find: "fn errno_name(error: &io::Error) -> String {",
        replace: "fn errno_name(error: &io::Error) -> String {
    return error.to_string();",
        expect: "you printed the error's text",
    },
    Mistake {
        name: "inet6 mapped to AF_INET",
        find: "Family::Inet6 => Domain::IPV6,",
        replace: "Family::Inet6 => Domain::IPV4,",
        expect: "is `inet6` mapped to AF_INET6 (Domain::IPV6)?",
    },
    Mistake {
        name: "raw mapped to SOCK_DGRAM",
        find: "SocketType::Raw => Type::RAW,",
        replace: "SocketType::Raw => Type::DGRAM,",
        expect: "is `raw` mapped to SOCK_RAW (Type::RAW)?",
    },
    Mistake {
        name: "EACCES named EPERM",
        find: "Some(13) => \"EACCES\",",
        replace: "Some(13) => \"EPERM\",",
        expect: "with errno 13, which is EACCES",
    },
];
