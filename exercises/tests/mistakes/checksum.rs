//! The classic mistakes of the warm-up checksum, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "folding once: the fold's own carry is lost",
        find: "    while sum >> 16 != 0 {",
        replace: "    if sum >> 16 != 0 {",
        expect: "the IPv4 header raw_sender builds with --src 255.255.255.255",
    },
    Mistake {
        name: "an odd last byte padded on the left",
        find: "u16::from_be_bytes([*last, 0])",
        replace: "u16::from_be_bytes([0, *last])",
        expect: "the 11-byte ICMP message raw_sender builds with --icmp -m abc",
    },
];
