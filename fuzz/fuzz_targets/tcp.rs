//! Any bytes into the TCP parser: never a panic, and whatever parses
//! builds back to the same header bytes and parses to the same values again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raw_sender::tcp::TcpHeader;

fuzz_target!(|bytes: &[u8]| {
    if let Ok((header, data)) = TcpHeader::parse(bytes) {
        let built = header.build();
        // The four reserved bits (low half of byte 12) are not kept.
        let mut original = bytes[..built.len()].to_vec();
        original[12] &= 0xF0;
        assert_eq!(built, original);
        let again = [built, data.to_vec()].concat();
        assert_eq!(TcpHeader::parse(&again), Ok((header.clone(), data)));
        let _ = raw_sender::output::tcp_fields(&header);
    }
});
