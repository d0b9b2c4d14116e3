//! The classic mistakes of the challenge fragments, each planted in a copy
//! of the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "the Fragment Offset in bytes, not 8-byte units",
        find: "(index * piece_len / 8) as u16",
        replace: "(index * piece_len) as u16",
        expect: "Fragment Offset should be 125; it says 1000, a count of bytes",
    },
    Mistake {
        name: "More Fragments on the last fragment too",
        find: "index < last",
        replace: "index <= last",
        expect: "the last fragment (4 of 4) has More Fragments set",
    },
    Mistake {
        name: "pieces of --fragment bytes, not a multiple of 8",
        find: "usize::from(args.fragment) / 8 * 8",
        replace: "usize::from(args.fragment)",
        expect: "fragment 1 (not the last) carries 30 bytes of data, not a multiple",
    },
    Mistake {
        name: "the whole datagram's Total Length in every fragment",
        find: "piece.len());",
        replace: "message.len());",
        expect: "fragment 1's Total Length is 3028, the whole datagram's",
    },
    Mistake {
        name: "a new Identification for each fragment",
        find: "build_header(args.id,",
        replace: "build_header(args.id.wrapping_add(index as u16),",
        expect: "fragment 2 has Identification 20737, fragment 1 20736",
    },
    Mistake {
        name: "the ICMP checksum over the first fragment only",
        find: "checksum::checksum(&message);",
        replace: "checksum::checksum(&message[..usize::from(args.fragment) / 8 * \
                  8]);",
        expect: "the sum of the first fragment's 1000 bytes only",
    },
];
