//! The classic mistakes of the challenge extension_header, each planted in
//! a copy of the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "the IPv6 header's Next Header naming ICMPv6, not the header after it",
        find: "build_header(NEXT_HEADER_DESTINATION_OPTIONS,",
        replace: "build_header(NEXT_HEADER_ICMPV6,",
        expect: "the IPv6 header's Next Header is 58 (ICMPv6)",
    },
    Mistake {
        name: "Hdr Ext Len counting the first 8 octets",
        find: "(header.len() / 8 - 1) as u8",
        replace: "(header.len() / 8) as u8",
        expect: "Hdr Ext Len is 2, its length in 8-octet units, the first 8 counted",
    },
    Mistake {
        name: "Hdr Ext Len in bytes",
        find: "(header.len() / 8 - 1) as u8",
        replace: "header.len() as u8",
        expect: "Hdr Ext Len is 16, its length in bytes",
    },
    Mistake {
        name: "an option type whose top bits are 10",
        find: "const EXPERIMENT: u8 = 0x1E;",
        replace: "const EXPERIMENT: u8 = 0x9E;",
        expect: "Parameter Problem, code 2 (unrecognized IPv6 option encountered), \
                 pointer 42",
    },
    Mistake {
        name: "the pseudo-header's length counting the extension header",
        find: "let upper_layer_length = message.len() as u32;",
        replace: "let upper_layer_length = (options.len() + message.len()) as u32;",
        expect: "counts your Destination Options header too",
    },
    Mistake {
        name: "Payload Length without the extension header",
        find: "(options.len() + message.len()) as u16",
        replace: "message.len() as u16",
        expect: "Payload Length is 408, but it counts the echo request only",
    },
];
