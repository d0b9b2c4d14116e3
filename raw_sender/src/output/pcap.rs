//! A pcap file (the classic libpcap format) that tcpdump -r and Wireshark
//! open: 24 bytes that say what follows, then one record per packet.

use std::io::{self, Write};
use std::time::Duration;

use byteorder::{ByteOrder, LittleEndian};

use crate::packet::IpHeader;

/// LINKTYPE_IPV4: each record is a raw IPv4 packet, no link-layer header.
pub const LINKTYPE_IPV4: u32 = 228;
/// LINKTYPE_IPV6: each record is a raw IPv6 packet.
pub const LINKTYPE_IPV6: u32 = 229;

/// The link type of a file of such packets: raw IPv4 or raw IPv6.
pub fn link_type(ip: &IpHeader) -> u32 {
    match ip {
        IpHeader::V4(_) => LINKTYPE_IPV4,
        IpHeader::V6(_) => LINKTYPE_IPV6,
    }
}

/// The 24 bytes that open a pcap file (the classic libpcap format,
/// little-endian). Records follow, one per packet, each written as it
/// comes: a file of any length takes no more memory than one packet.
pub fn write_pcap_header(file: &mut impl Write, link_type: u32) -> io::Result<()> {
    let mut header = [0u8; 24];
    LittleEndian::write_u32(&mut header[0..4], 0xa1b2_c3d4); // magic: microseconds
    LittleEndian::write_u16(&mut header[4..6], 2); // version 2.4
    LittleEndian::write_u16(&mut header[6..8], 4);
    // 8..16: time zone and accuracy, both zero.
    // Snapshot length: the longest packet. IPv6's Payload Length does not
    // count its 40-byte header, so an IPv6 packet may be 65575 bytes.
    let snapshot_length = match link_type {
        LINKTYPE_IPV6 => 65_575,
        _ => 65_535,
    };
    LittleEndian::write_u32(&mut header[16..20], snapshot_length);
    LittleEndian::write_u32(&mut header[20..24], link_type);
    file.write_all(&header)
}

/// One pcap record: 16 bytes that say when (`time` since the Unix epoch)
/// and how long, then the packet itself.
pub fn write_pcap_record(
    file: &mut impl Write,
    packet: &[u8],
    time: Duration,
) -> io::Result<()> {
    let mut record = [0u8; 16];
    LittleEndian::write_u32(&mut record[0..4], time.as_secs() as u32);
    LittleEndian::write_u32(&mut record[4..8], time.subsec_micros());
    LittleEndian::write_u32(&mut record[8..12], packet.len() as u32); // captured
    LittleEndian::write_u32(&mut record[12..16], packet.len() as u32); // on the wire
    file.write_all(&record)?;
    file.write_all(packet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcap_has_the_classic_header_and_one_record_per_packet() {
        let mut file = Vec::new();
        write_pcap_header(&mut file, LINKTYPE_IPV4).unwrap();
        for packet in [vec![0x45; 20], vec![0x45; 31]] {
            write_pcap_record(&mut file, &packet, Duration::ZERO).unwrap();
        }
        assert_eq!(&file[0..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(LittleEndian::read_u32(&file[20..24]), 228);
        assert_eq!(file.len(), 24 + 16 + 20 + 16 + 31);
        assert_eq!(LittleEndian::read_u32(&file[24 + 8..24 + 12]), 20);
    }
}
