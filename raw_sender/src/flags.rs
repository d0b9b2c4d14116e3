//! The command line: a flag for every header field (as nping and hping3
//! name them), clap's refusals turned into one line, and what the transport
//! and data flags build. The lesson in main.rs reads the IP flags itself.
//! IPv4 or IPv6: -6 or an IPv6 --dst picks IPv6, and an IPv4-only flag
//! (the fields IPv6 dropped) is then refused, as --flow-label is for IPv4.

use std::fs::File;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use base64::Engine;
use clap::{ArgGroup, Parser, ValueEnum};

use raw_sender::hex::{hex, unhex};
use raw_sender::icmp::{self, IcmpEcho};
use raw_sender::icmpv6;
use raw_sender::ipv4;
use raw_sender::ipv6::MAX_FLOW_LABEL;
use raw_sender::packet::{IpHeader, Packet, Transport};
use raw_sender::tcp::{self, TcpHeader};
use raw_sender::udp::UdpHeader;

use crate::hints::Failure;

/// Build an IPv4 or IPv6 packet by hand (optionally with a TCP, UDP or ICMP
/// echo header) and send it on a raw socket, show it, or save it as pcap.
#[derive(Parser)]
#[command(
    version,
    group(ArgGroup::new("transport").args(["tcp", "udp", "icmp"])),
    group(ArgGroup::new("ports").args(["tcp", "udp"]).multiple(true)),
    group(ArgGroup::new("payload").args(["message", "data_hex", "file"])),
    after_help = "Sending needs CAP_NET_RAW: `sudo ./target/debug/raw_sender ...`, \
                  `sudo setcap cap_net_raw+ep ./target/debug/raw_sender`, or inside \
                  `lab/sandbox` (no sudo); --dry-run and --pcap need nothing.\n\
                  Linux fills in the IPv4 checksum and Total Length of every packet, and the \
                  ID and source address when they are 0 (raw(7)); an IPv6 header goes out \
                  as written.\n\
                  Exit codes: 0 sent, 1 error, 2 bad arguments, 77 no privilege.\n\
                  Send crafted packets only to hosts you own or are authorised to test."
)]
pub struct Args {
    #[command(flatten)]
    pub ip: IpFlags,
    #[command(flatten)]
    pub data: DataFlags,
    #[command(flatten)]
    pub transport: TransportFlags,
    #[command(flatten)]
    pub sending: SendingFlags,
}

/// The IP header's fields: IPv4's (RFC 791 § 3.1), or with -6 IPv6's
/// (RFC 8200 § 3).
#[derive(clap::Args)]
#[command(next_help_heading = "IP header (RFC 791; with -6, RFC 8200)")]
pub struct IpFlags {
    /// Build an IPv6 header (RFC 8200) instead of IPv4; implied by an IPv6
    /// --dst
    #[arg(short = '6', long)]
    ipv6: bool,
    /// Source address [default: the one the kernel would send from to
    /// reach --dst, as `ip route get DST` shows it]
    #[arg(long)]
    pub src: Option<IpAddr>,
    /// Destination address [default: 127.0.0.1, or ::1 with -6]
    #[arg(long)]
    dst: Option<IpAddr>,
    /// Type of Service byte, whole (IPv6: the Traffic Class), or give
    /// --dscp and --ecn
    #[arg(long, conflicts_with_all = ["dscp", "ecn"])]
    tos: Option<u8>,
    /// Differentiated Services code point, 0-63 (RFC 2474)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=63))]
    dscp: Option<u8>,
    /// Explicit Congestion Notification, 0-3 (RFC 3168)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=3))]
    ecn: Option<u8>,
    /// Time to Live (IPv6: the Hop Limit)
    #[arg(long, default_value_t = 64)]
    pub ttl: u8,
    /// Protocol number (IPv6: Next Header) [default: 16 (CHAOS), or 6, 17,
    /// 1 with --tcp, --udp, --icmp (58 for ICMPv6 with -6)]
    #[arg(long)]
    pub proto: Option<u8>,
    /// IPv6 only: Flow Label, 0-0xFFFFF (RFC 6437), decimal or 0x hex
    /// [default: 0]
    #[arg(long, value_parser = parse_flow_label)]
    flow_label: Option<u32>,
    /// IPv6 only: write this Payload Length instead of the true one, to see
    /// what the receiver makes of it (Linux sends an IPv6 header as written)
    #[arg(long, value_name = "BYTES")]
    payload_length: Option<u16>,
    /// IPv4 only: Identification; 0 lets the kernel choose one [default: 4660]
    #[arg(long)]
    id: Option<u16>,
    /// IPv4 only: set the Don't Fragment flag
    #[arg(long)]
    pub df: bool,
    /// IPv4 only: set the More Fragments flag
    #[arg(long)]
    pub mf: bool,
    /// IPv4 only: set the reserved flag bit, "the evil bit" (RFC 3514)
    #[arg(long)]
    pub evil: bool,
    /// IPv4 only: fragment offset in 8-byte units, 0-8191 [default: 0]
    #[arg(long, value_parser = clap::value_parser!(u16).range(0..=8191))]
    frag_offset: Option<u16>,
    /// IPv4 only: IP options as hex, zero-padded to 32-bit words, at most
    /// 40 bytes
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    ip_options: Option<Hex>,
    /// IPv4 only: put a wrong header checksum in the packet. Linux rewrites
    /// it before sending, so it shows only in --dry-run and --pcap
    #[arg(long)]
    bad_checksum: bool,
}

/// What the packet carries.
#[derive(clap::Args)]
#[command(next_help_heading = "Data")]
pub struct DataFlags {
    /// The data, as text (sent exactly as given, no newline added)
    #[arg(short, long, default_value = "Hello from raw_sender")]
    message: String,
    /// The data, as hex bytes, e.g. 48690a
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    data_hex: Option<Hex>,
    /// The data, read from a file
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// Send the data encoded, so no clear text crosses the wire
    #[arg(long, value_enum)]
    encode: Option<Encoding>,
}

/// An optional TCP, UDP or ICMP header after the IPv4 header.
#[derive(clap::Args)]
#[command(next_help_heading = "Transport (default: none)")]
pub struct TransportFlags {
    /// Add a TCP header (RFC 9293)
    #[arg(long)]
    tcp: bool,
    /// Add a UDP header (RFC 768)
    #[arg(long)]
    udp: bool,
    /// Add an ICMP echo request header (RFC 792; with IPv6, ICMPv6's of
    /// RFC 4443)
    #[arg(long)]
    icmp: bool,
    /// TCP/UDP source port [default: 40000]
    #[arg(long, requires = "ports")]
    sport: Option<u16>,
    /// TCP/UDP destination port [default: 12345 for TCP, 54321 for UDP]
    #[arg(long, requires = "ports")]
    dport: Option<u16>,
    /// TCP sequence number [default: 1000]
    #[arg(long, requires = "tcp")]
    seq: Option<u32>,
    /// TCP acknowledgment number [default: 0]
    #[arg(long, requires = "tcp")]
    ack: Option<u32>,
    /// TCP window [default: 64240]
    #[arg(long, requires = "tcp")]
    window: Option<u16>,
    /// TCP urgent pointer [default: 0]
    #[arg(long, requires = "tcp")]
    urgent: Option<u16>,
    /// TCP control bits as letters from FSRPAUEC, e.g. S, SA, PA [default: S]
    #[arg(long, value_parser = tcp::parse_flags, requires = "tcp")]
    flags: Option<u8>,
    /// ICMP echo identifier [default: 1]
    #[arg(long, requires = "icmp")]
    icmp_id: Option<u16>,
    /// ICMP echo sequence number [default: 1]
    #[arg(long, requires = "icmp")]
    icmp_seq: Option<u16>,
    /// Put a wrong TCP/UDP/ICMP checksum in the packet (Linux leaves it)
    #[arg(long, requires = "transport")]
    bad_l4_checksum: bool,
}

/// How many packets, how fast, and whether to send, show or save them.
#[derive(clap::Args)]
#[command(next_help_heading = "Sending")]
pub struct SendingFlags {
    /// How many packets to send
    #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: u64,
    /// Milliseconds between packets (at most an hour)
    #[arg(
        short,
        long,
        value_name = "MS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(0..=3_600_000),
        conflicts_with = "flood"
    )]
    pub interval: u64,
    /// No pause between packets and no line per packet, as hping3's
    /// --flood (still --count packets, one sendto(2) each)
    #[arg(long)]
    pub flood: bool,
    /// Print the packet as tcpdump -X would, then field by field; send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write the packets to a pcap file (link type raw IPv4 or raw IPv6);
    /// send nothing unless --send is given too
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<PathBuf>,
    /// Send even with --dry-run or --pcap
    #[arg(long)]
    send: bool,
}

/// Bytes given as hex on the command line.
#[derive(Clone, Debug)]
struct Hex(Vec<u8>);

fn parse_hex(text: &str) -> Result<Hex, String> {
    unhex(text).map(Hex)
}

/// A flow label: 20 bits, in decimal or 0x hex.
fn parse_flow_label(text: &str) -> Result<u32, String> {
    let value = match text.strip_prefix("0x") {
        Some(digits) => u32::from_str_radix(digits, 16),
        None => text.parse(),
    };
    match value {
        Ok(label) if label <= MAX_FLOW_LABEL => Ok(label),
        _ => Err(format!(
            "a flow label has 20 bits: 0 to {MAX_FLOW_LABEL} (0xfffff), in decimal or 0x hex"
        )),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Encoding {
    Hex,
    Base64,
}

/// The flags; clap's refusal on one line, then exit status 2 (help and
/// version print as clap prints them).
pub fn parse() -> Args {
    stdio::parse()
}

impl Args {
    /// --bad-checksum and --bad-l4-checksum: a checksum made wrong on
    /// purpose, after the right one is in place; --payload-length: a length
    /// made wrong the same way.
    pub fn spoil_on_purpose(&self, packet: &mut Packet) {
        if let (IpHeader::V6(ip), Some(length)) =
            (&mut packet.ip, self.ip.payload_length)
        {
            ip.payload_length = length;
        }
        if self.ip.bad_checksum {
            packet.spoil_header_checksum();
        }
        if self.transport.bad_l4_checksum {
            packet.spoil_transport_checksum();
        }
    }
}

impl IpFlags {
    /// --dst, or the loopback address of the family -6 asks for. -6 with an
    /// IPv4 --dst, IPv4-only flags with IPv6, or --flow-label with IPv4
    /// are refused, each naming the field the other header lacks.
    pub fn destination(&self) -> Result<IpAddr, Failure> {
        let destination = match (self.dst, self.ipv6) {
            (Some(IpAddr::V4(address)), true) => {
                return Err(Failure::Usage(format!(
                    "-6 builds an IPv6 header, but --dst {address} is an IPv4 address: \
                     give an IPv6 --dst (e.g. ::1), or drop -6"
                )));
            }
            (Some(address), _) if address::names_no_host(address) => {
                return Err(Failure::Usage(format!(
                    "--dst {address} names no host (0.0.0.0/8 is \"this network\", RFC \
                     1122 § 3.2.1.3; :: is the unspecified address, RFC 4291 § 2.5.2): \
                     give a destination such as 127.0.0.1 or ::1"
                )));
            }
            (Some(address), _) => address,
            (None, true) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            (None, false) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        let ipv4_only = [
            ("--id", self.id.is_some()),
            ("--df", self.df),
            ("--mf", self.mf),
            ("--evil", self.evil),
            ("--frag-offset", self.frag_offset.is_some()),
            ("--ip-options", self.ip_options.is_some()),
            ("--bad-checksum", self.bad_checksum),
        ];
        let given = ipv4_only.iter().find(|(_, given)| *given);
        let ipv6_only = match (self.flow_label, self.payload_length) {
            (Some(_), _) => Some("--flow-label"),
            (None, Some(_)) => Some("--payload-length"),
            (None, None) => None,
        };
        match (destination, given, ipv6_only) {
            (IpAddr::V6(_), Some((flag, _)), _) => Err(Failure::Usage(format!(
                "{flag} sets a field the IPv6 header does not have (RFC 8200 § 3 \
                 dropped identification, flags, fragment offset, options and the \
                 header checksum): drop {flag}, or send IPv4"
            ))),
            (IpAddr::V4(_), _, Some(flag)) => Err(Failure::Usage(format!(
                "{flag} sets an IPv6 field (RFC 8200 § 3) that IPv4 does not have: \
                 add -6, or drop {flag}"
            ))),
            _ => Ok(destination),
        }
    }

    /// Identification: --id, or 4660 (0x1234, easy to spot in a dump).
    pub fn id(&self) -> u16 {
        self.id.unwrap_or(4660)
    }

    pub fn frag_offset(&self) -> u16 {
        self.frag_offset.unwrap_or(0)
    }

    pub fn flow_label(&self) -> u32 {
        self.flow_label.unwrap_or(0)
    }

    /// The Type of Service byte (IPv6's Traffic Class, the same eight
    /// bits): --tos whole, or DSCP (high 6 bits) and ECN.
    pub fn type_of_service(&self) -> u8 {
        let (dscp, ecn) = (self.dscp.unwrap_or(0), self.ecn.unwrap_or(0));
        self.tos.unwrap_or(dscp << 2 | ecn)
    }

    /// --ip-options, if they fit: IHL counts at most 15 words of header.
    pub fn options(&self) -> Result<Vec<u8>, Failure> {
        let options = self.ip_options.clone().map(|Hex(bytes)| bytes);
        let options = options.unwrap_or_default();
        ipv4::check_options(&options).map_err(Failure::Usage)?;
        Ok(options)
    }
}

impl TransportFlags {
    /// The header the flags ask for, to follow an IP header to
    /// `destination`; its checksum and length come later, from the whole
    /// packet.
    pub fn header(&self, destination: IpAddr) -> Transport {
        let source_port = self.sport.unwrap_or(40000);
        if self.tcp {
            Transport::Tcp(TcpHeader {
                source_port,
                destination_port: self.dport.unwrap_or(12345),
                sequence_number: self.seq.unwrap_or(1000),
                acknowledgment_number: self.ack.unwrap_or(0),
                flags: self.flags.unwrap_or(tcp::SYN),
                window: self.window.unwrap_or(64240),
                checksum: 0,
                urgent_pointer: self.urgent.unwrap_or(0),
                options: Vec::new(),
            })
        } else if self.udp {
            Transport::Udp(UdpHeader {
                source_port,
                destination_port: self.dport.unwrap_or(54321),
                length: 0,
                checksum: 0,
            })
        } else if self.icmp {
            let echo = |icmp_type| IcmpEcho {
                icmp_type,
                code: 0,
                checksum: 0,
                identifier: self.icmp_id.unwrap_or(1),
                sequence_number: self.icmp_seq.unwrap_or(1),
            };
            match destination {
                IpAddr::V4(_) => Transport::Icmp(echo(icmp::ECHO_REQUEST)),
                IpAddr::V6(_) => Transport::Icmpv6(echo(icmpv6::ECHO_REQUEST)),
            }
        } else {
            Transport::None
        }
    }
}

impl DataFlags {
    /// The data: --data-hex, --file or --message, then --encode. An IPv4
    /// packet has room for 65535 bytes (Total Length has 16 bits), the
    /// headers included; IPv6's Payload Length counts all but its own 40
    /// bytes. --file is read no further than that.
    pub fn payload(
        &self,
        ip: &IpHeader,
        transport: &Transport,
    ) -> Result<Vec<u8>, Failure> {
        let (ip_counted, limit) = match ip {
            IpHeader::V4(ip) => (
                ip.header_len(),
                "Total Length, 16 bits, counts at most 65535 bytes, headers included",
            ),
            IpHeader::V6(_) => (
                0,
                "Payload Length, 16 bits, counts at most 65535 bytes after the \
                 40-byte IPv6 header",
            ),
        };
        let headers_len = ip_counted + transport.header_len();
        let room = usize::from(u16::MAX).saturating_sub(headers_len);
        let data = if let Some(Hex(bytes)) = &self.data_hex {
            bytes.clone()
        } else if let Some(path) = &self.file {
            read_file(path, room, limit)?
        } else {
            self.message.as_bytes().to_vec()
        };
        Ok(match self.encode {
            None => data,
            Some(Encoding::Hex) => hex(&data).into_bytes(),
            Some(Encoding::Base64) => base64::engine::general_purpose::STANDARD
                .encode(&data)
                .into_bytes(),
        })
    }
}

/// --file PATH, at most `room` bytes of it: /dev/zero, a pipe or a large
/// file would otherwise be read whole into memory, only to be refused.
fn read_file(path: &Path, room: usize, limit: &str) -> Result<Vec<u8>, Failure> {
    let path_shown = path.display();
    let cannot = |error: io::Error| {
        Failure::Usage(format!("cannot read --file {path_shown}: {error}"))
    };
    let file = File::open(path).map_err(cannot)?;
    let mut data = Vec::new();
    // One byte past the room tells a file that fits from one that does not.
    file.take(room as u64 + 1)
        .read_to_end(&mut data)
        .map_err(cannot)?;
    if data.len() > room {
        return Err(Failure::Usage(format!(
            "--file {path_shown} holds more than the {room} bytes of data this \
             packet has room for ({limit}): send a part, e.g. \
             `head -c {room} {path_shown} > part` and --file part"
        )));
    }
    Ok(data)
}

impl SendingFlags {
    /// Sending is the default; --dry-run and --pcap replace it unless
    /// --send asks for both.
    pub fn on_the_wire(&self) -> bool {
        self.send || (!self.dry_run && self.pcap.is_none())
    }

    /// Milliseconds between packets: -i, or none at all with --flood.
    pub fn pause(&self) -> u64 {
        if self.flood { 0 } else { self.interval }
    }
}
