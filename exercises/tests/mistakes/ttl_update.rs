//! The classic mistakes of the challenge ttl_update, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "the whole header summed again",
        find: "let hc_new = incremental_update(hc, m, m_new);",
        replace: "header[HEADER_CHECKSUM].fill(0);
    let hc_new = checksum::checksum(header);
    let _ = (hc, incremental_update);",
        expect: "is what summing the header again gives",
    },
    Mistake {
        name: "RFC 1141's equation",
        find: "!ones_complement_add(ones_complement_add(!hc, !m), m_new)",
        replace: "ones_complement_add(ones_complement_add(hc, m), !m_new)",
        expect: "that is RFC 1141's equation",
    },
    Mistake {
        name: "the wrong byte decremented",
        find: "let m_new = m - 0x0100;",
        replace: "let m_new = m - 1;",
        expect: "the TTL is byte 8, the high byte of its 16-bit word",
    },
    Mistake {
        name: "no end-around carry",
        find: "let (sum, carry) = a.overflowing_add(b);
    // With a carry, a + b - 0x10000 is at most 0xFFFE: room for it.
    sum + u16::from(carry)",
        replace: "a.wrapping_add(b)",
        expect: "the end-around carry",
    },
    Mistake {
        name: "TTL 0 not refused",
        find: "if header[TIME_TO_LIVE] == 0 {",
        replace: "if false {",
        expect: "you panicked on a header with TTL 0",
    },
];
