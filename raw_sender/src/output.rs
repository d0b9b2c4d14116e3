//! Ways to show a packet without sending it: a hex dump laid out as
//! `tcpdump -X` prints one, a field-by-field table, a one-line summary in
//! tcpdump's words, and a pcap file that tcpdump and Wireshark can open.

use std::fmt::{Display, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use byteorder::{ByteOrder, LittleEndian};

use crate::packet::{Packet, Transport};
use crate::tcp;

/// One header field: its name, its value, the byte where it starts, and the
/// RFC section that defines it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: String,
    pub offset: usize,
    pub rfc: &'static str,
}

impl Field {
    pub fn new(
        name: &'static str,
        value: impl Display,
        offset: usize,
        rfc: &'static str,
    ) -> Field {
        Field {
            name,
            value: value.to_string(),
            offset,
            rfc,
        }
    }

    /// The same field, counted from `base` bytes further into the packet.
    pub fn shifted(self, base: usize) -> Field {
        Field {
            offset: self.offset + base,
            ..self
        }
    }
}

/// Bytes as plain hex: "0a0b0c".
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Hex back to bytes: "48 69:0a" or "48690a". Spaces and colons between
/// bytes are ignored.
pub fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("{} hex digits: each byte needs two", digits.len()));
    }
    digits
        .chunks(2)
        .map(|pair| {
            let byte: String = pair.iter().collect();
            u8::from_str_radix(&byte, 16)
                .map_err(|_| format!("{byte:?} is not a hex byte"))
        })
        .collect()
}

// ANCHOR: hex_dump
/// The bytes as `tcpdump -X` lays them out: offset, eight 16-bit groups in
/// hex, then the printable characters (others as '.'), each line after a
/// tab:
///
/// ```text
/// 0x0000:  4500 001f 1234 0000 4010 6a99 7f00 0001  E....4..@.j.....
/// ```
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut dump = String::new();
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let mut groups = String::new();
        for pair in chunk.chunks(2) {
            groups.push(' ');
            groups.push_str(&hex(pair));
        }
        let text: String = chunk
            .iter()
            .map(|&byte| {
                if byte.is_ascii_graphic() {
                    byte as char
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(dump, "\t0x{:04x}: {groups:<40}  {text}", line * 16);
    }
    dump
}
// ANCHOR_END: hex_dump

/// Each field on a line: offset, name, value, RFC section.
pub fn field_table(packet: &Packet) -> String {
    let mut table = String::new();
    for (title, fields) in packet.fields() {
        let _ = writeln!(table, "{title}:");
        for field in fields {
            let _ = writeln!(
                table,
                "  {:>4}  {:<20} {:<21} {}",
                field.offset, field.name, field.value, field.rfc
            );
        }
    }
    let data_start = packet.total_len() - packet.payload.len();
    let _ = writeln!(
        table,
        "Data, bytes {data_start}-{}: {} bytes",
        packet.total_len().max(data_start + 1) - 1,
        packet.payload.len()
    );
    table
}

/// One line in the words tcpdump uses:
/// `IP 127.0.0.1.40000 > 127.0.0.1.12345: Flags [S], seq 1, win 64240, length 0`.
pub fn summary(packet: &Packet) -> String {
    let (source, destination) = (packet.ip.source, packet.ip.destination);
    let length = packet.payload.len();
    match &packet.transport {
        Transport::Tcp(tcp) => format!(
            "IP {source}.{} > {destination}.{}: Flags {}, seq {}, ack {}, win {}, length {length}",
            tcp.source_port,
            tcp.destination_port,
            tcp::tcpdump_flags(tcp.flags),
            tcp.sequence_number,
            tcp.acknowledgment_number,
            tcp.window
        ),
        Transport::Udp(udp) => format!(
            "IP {source}.{} > {destination}.{}: UDP, length {length}",
            udp.source_port, udp.destination_port
        ),
        Transport::Icmp(icmp) => format!(
            "IP {source} > {destination}: ICMP {}, id {}, seq {}, length {}",
            icmp.describe(),
            icmp.identifier,
            icmp.sequence_number,
            length + crate::icmp::HEADER_LEN
        ),
        Transport::None => {
            format!(
                "IP {source} > {destination}: ip-proto-{} {length}",
                packet.ip.protocol
            )
        }
    }
}

// ANCHOR: pcap
/// LINKTYPE_IPV4: each record is a raw IPv4 packet, no link-layer header.
const LINKTYPE_IPV4: u32 = 228;

/// A pcap file (the classic libpcap format, little-endian) holding
/// `packets`, time-stamped now.
pub fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut file = vec![0u8; 24];
    LittleEndian::write_u32(&mut file[0..4], 0xa1b2_c3d4); // magic: microseconds
    LittleEndian::write_u16(&mut file[4..6], 2); // version 2.4
    LittleEndian::write_u16(&mut file[6..8], 4);
    // 8..16: time zone and accuracy, both zero.
    LittleEndian::write_u32(&mut file[16..20], 65_535); // snapshot length
    LittleEndian::write_u32(&mut file[20..24], LINKTYPE_IPV4);

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    for packet in packets {
        let mut record = [0u8; 16];
        LittleEndian::write_u32(&mut record[0..4], now.as_secs() as u32);
        LittleEndian::write_u32(&mut record[4..8], now.subsec_micros());
        LittleEndian::write_u32(&mut record[8..12], packet.len() as u32); // captured
        LittleEndian::write_u32(&mut record[12..16], packet.len() as u32); // on the wire
        file.extend_from_slice(&record);
        file.extend_from_slice(packet);
    }
    file
}
// ANCHOR_END: pcap

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dump_matches_tcpdump_dash_x() {
        // What tcpdump -X printed for this 31-byte packet on lo.
        let packet = [
            0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x00, 0x00, 0x40, 0x10, 0x6a, 0x99,
            0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, b'h', b'e', b'l', b'l',
            b'o', b' ', b'c', b'h', b'a', b'o', b's',
        ];
        let expected = "\t0x0000:  4500 001f 1234 0000 4010 6a99 7f00 0001  E....4..@.j.....\n\
                        \t0x0010:  7f00 0001 6865 6c6c 6f20 6368 616f 73    ....hello.chaos\n";
        assert_eq!(hex_dump(&packet), expected);
    }

    #[test]
    fn hex_goes_there_and_back() {
        assert_eq!(unhex("48 69:0a"), Ok(vec![0x48, 0x69, 0x0a]));
        assert_eq!(hex(&[0x48, 0x69, 0x0a]), "48690a");
        assert!(unhex("486").unwrap_err().contains("3 hex digits"));
        assert!(
            unhex("zz")
                .unwrap_err()
                .contains("\"zz\" is not a hex byte")
        );
    }

    #[test]
    fn pcap_has_the_classic_header_and_one_record_per_packet() {
        let file = pcap(&[vec![0x45; 20], vec![0x45; 31]]);
        assert_eq!(&file[0..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(LittleEndian::read_u32(&file[20..24]), 228);
        assert_eq!(file.len(), 24 + 16 + 20 + 16 + 31);
        assert_eq!(LittleEndian::read_u32(&file[24 + 8..24 + 12]), 20);
    }
}
