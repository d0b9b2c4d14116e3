//! The classic mistakes of the challenge syn_options, each planted in a
//! copy of the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "Data Offset left at 5",
        find: "segment[12] = ((segment.len() / 4) as u8) << 4;",
        replace: "",
        expect: "Data Offset is 5, a header of 20 bytes without options",
    },
    Mistake {
        name: "options not padded to 32 bits",
        find: "options.push(NOP);",
        replace: "",
        expect: "your options are 19 bytes, not a whole number of 32-bit words",
    },
    Mistake {
        name: "the checksum over the header without its options",
        find: "&segment);",
        replace: "&segment[..20]);",
        expect: "the checksum of the 20-byte header without its options",
    },
    Mistake {
        name: "TSval in the wrong byte order",
        find: "args.tsval.to_be_bytes()",
        replace: "args.tsval.to_le_bytes()",
        expect: "your TSval reads 2018915346 (78 56 34 12): that is 305419896",
    },
    Mistake {
        name: "the Timestamps option's length without its kind and length bytes",
        find: "[TIMESTAMPS, 10]",
        replace: "[TIMESTAMPS, 8]",
        expect: "(kind 8) has length 8; RFC 7323 § 3.2 gives it 10",
    },
];
