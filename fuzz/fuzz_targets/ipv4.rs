//! Any bytes into the IPv4 parser, and into the whole-packet parser: never a
//! panic, and whatever parses builds back to the same bytes and parses to
//! the same values again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raw_sender::ipv4::Ipv4Header;
use raw_sender::packet::Packet;

fuzz_target!(|bytes: &[u8]| {
    if let Ok((header, data)) = Ipv4Header::parse(bytes) {
        let built = header.build();
        assert_eq!(&built[..], &bytes[..header.header_len()]);
        let again = [built, data.to_vec()].concat();
        assert_eq!(Ipv4Header::parse(&again), Ok((header, data)));
    }
    if let Ok(packet) = Packet::parse(bytes) {
        let rebuilt = packet.build();
        assert_eq!(Packet::parse(&rebuilt), Ok(packet.clone()));
        let _ = packet.transport_checksums();
        let _ = raw_sender::output::field_table(&packet);
        let _ = raw_sender::output::summary(&packet);
    }
});
