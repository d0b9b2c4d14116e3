//! The classic mistakes of the warm-up raw_ipv6, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "Next Header in the first of the three zero bytes, not after them",
        find: "pseudo_header[39] = NEXT_HEADER_ICMPV6;",
        replace: "pseudo_header[36] = NEXT_HEADER_ICMPV6;",
        expect: "three zero bytes, then Next Header 58",
    },
    Mistake {
        name: "the IPv6 header counted in the pseudo-header's length",
        find: "let length = u32::try_from(message.len()).unwrap_or(u32::MAX);",
        replace: "let length = u32::try_from(message.len() + 40).unwrap_or(u32::MAX);",
        expect: "only the checksum differs",
    },
];
