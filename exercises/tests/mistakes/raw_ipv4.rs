//! The classic mistakes of the warm-up raw_ipv4, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "the checksum summed before the addresses were in",
        find: "    header[12..16].copy_from_slice(&args.src.octets());\n    \
               header[16..20].copy_from_slice(&args.dst.octets());\n    \
               // RFC 791: \"For purposes of computing the checksum, the value \
               of the\n    // checksum field is zero.\"\n    \
               let sum = checksum::checksum(&header);\n",
        replace: "    let sum = checksum::checksum(&header);\n    \
                  header[12..16].copy_from_slice(&args.src.octets());\n    \
                  header[16..20].copy_from_slice(&args.dst.octets());\n",
        expect: "the sum was taken too early",
    },
    Mistake {
        name: "Total Length without the header",
        find: "(20 + data_len).to_be_bytes()",
        replace: "data_len.to_be_bytes()",
        expect: "(Total Length)",
    },
];
