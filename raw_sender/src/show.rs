//! What raw_sender prints and saves: with --dry-run the packet as tcpdump -X
//! would show it, then field by field, and where its source address came
//! from; with --pcap a file for tcpdump -r and Wireshark; and the lines that
//! report sending. No kernel has touched the bytes of a dry run or a pcap,
//! so they show our own IP checksum too.

use std::fmt::Display;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use raw_sender::output;
use raw_sender::packet::{IpHeader, Packet};

use crate::flags::SendingFlags;
use crate::hints::Failure;
use crate::route::Source;

/// --pcap FILE: `count` copies of the packet saved; --dry-run: printed.
pub fn dry_run_and_pcap(
    sending: &SendingFlags,
    packet: &Packet,
    bytes: &[u8],
    source: &Source,
) -> Result<(), Failure> {
    if let Some(path) = &sending.pcap {
        let link_type = output::link_type(&packet.ip);
        write_pcap(path, link_type, bytes, sending.count).map_err(|error| {
            let message = format!("cannot write {}: {error}", path.display());
            io::Error::new(error.kind(), message)
        })?;
        let (count, path) = (sending.count, path.display());
        stdio::say(&format!("wrote {count} packet(s) to {path}"));
    }
    if sending.dry_run {
        let shown = format!(
            "{}\n{}\n{}{}\n",
            output::summary(packet),
            output::hex_dump(bytes),
            output::field_table(packet),
            source.note()
        );
        // A reader that stops early (`| head`) or a full disk: exit 74.
        let printed = io::stdout().lock().write_all(shown.as_bytes());
        printed.map_err(|error| {
            stdio::not_printed(error, "the rest of the dry run is lost")
        })?;
    }
    Ok(())
}

/// `count` copies of the packet in a pcap file, written one record at a
/// time through a buffer: memory stays that of one buffer for any count,
/// and the file grows until the count is reached or the disk is full.
fn write_pcap(
    path: &Path,
    link_type: u32,
    bytes: &[u8],
    count: u64,
) -> io::Result<()> {
    let mut file = BufWriter::with_capacity(1 << 16, File::create(path)?);
    output::write_pcap_header(&mut file, link_type)?;
    let now = SystemTime::now();
    let time = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    for _ in 0..count {
        output::write_pcap_record(&mut file, bytes, time)?;
    }
    // The last bytes still in the buffer: a full disk may refuse them too,
    // and dropping a BufWriter would lose that error.
    file.flush()
}

/// "protocol 16 (CHAOS), id 4660" for the line each sent packet gets;
/// "next header 58 (ICMPv6), flow label 0x00000" for IPv6.
pub fn protocol_and_id(packet: &Packet) -> String {
    let protocol = packet.ip.protocol();
    let name = output::protocol_name(protocol);
    match &packet.ip {
        IpHeader::V4(ip) => {
            let id: &dyn Display = match ip.identification {
                0 => &"0 (the kernel chooses)",
                _ => &ip.identification,
            };
            format!("protocol {protocol} ({name}), id {id}")
        }
        IpHeader::V6(ip) => format!(
            "next header {protocol} ({name}), flow label 0x{:05x}",
            ip.flow_label
        ),
    }
}

/// The line for packet `n` of `count` just sent, `len` bytes of it.
pub fn sent(
    stdout: &mut impl Write,
    packet: &Packet,
    len: usize,
    (n, count): (u64, u64),
) -> io::Result<()> {
    let (destination, what) = (packet.ip.destination(), protocol_and_id(packet));
    writeln!(stdout, "sent {len} bytes to {destination}, {what}").map_err(|error| {
        let lost = match count - n {
            0 => format!("packet {n} of {count} went out, its line is lost"),
            left => format!(
                "packet {n} of {count} went out, its line is lost, and the {left} \
                 after it were not sent"
            ),
        };
        stdio::not_printed(error, lost)
    })
}

/// The last line: how many, how long, how fast.
pub fn rate(
    stdout: &mut impl Write,
    (sent, count): (u64, u64),
    took: Duration,
) -> io::Result<()> {
    let seconds = took.as_secs_f64();
    let per_second = sent as f64 / seconds.max(1e-9);
    let line = format!(
        "{sent} packet(s) sent in {seconds:.3} s ({per_second:.0} packets/s)"
    );
    writeln!(stdout, "{line}").map_err(|error| {
        let lost =
            format!("{sent} of {count} packet(s) went out, the last line is lost");
        stdio::not_printed(error, lost)
    })
}
