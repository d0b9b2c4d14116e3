//! Any bytes into the ICMP parsers: never a panic, and whatever parses
//! builds back to the same header bytes and parses to the same values again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raw_sender::icmp::{IcmpEcho, IcmpError};

fuzz_target!(|bytes: &[u8]| {
    if let Ok((header, data)) = IcmpEcho::parse(bytes) {
        let built = header.build();
        assert_eq!(&built[..], &bytes[..built.len()]);
        let again = [built, data.to_vec()].concat();
        assert_eq!(IcmpEcho::parse(&again), Ok((header.clone(), data)));
        let _ = raw_sender::output::icmp_fields(&header);
    }
    if let Ok((header, quote)) = IcmpError::parse(bytes) {
        let built = header.build();
        assert_eq!(&built[..], &bytes[..built.len()]);
        let again = [built, quote.to_vec()].concat();
        assert_eq!(IcmpError::parse(&again), Ok((header, quote)));
    }
});
