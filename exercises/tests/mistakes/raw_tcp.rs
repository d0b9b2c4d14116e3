//! The classic mistakes of the warm-up raw_tcp, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "a TCP Length that counts the header only",
        find: "let tcp_length = u16::try_from(segment.len()).unwrap_or(u16::MAX);",
        replace: "let tcp_length: u16 = 20;",
        expect: "the TCP Length: header and data",
    },
    Mistake {
        name: "the protocol in the zero byte of the pseudo-header",
        find: "pseudo_header[9] = PROTOCOL_TCP;",
        replace: "pseudo_header[8] = PROTOCOL_TCP;",
        expect: "only the checksum differs",
    },
];
