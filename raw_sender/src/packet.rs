//! A whole packet: the IPv4 or IPv6 header, then (maybe) a TCP, UDP or
//! ICMP header, then the data. The headers nest, so some fields depend on
//! what follows them: the lengths, and the checksums that cover it.

use std::net::IpAddr;

use crate::Malformed;
use crate::icmp::{IcmpEcho, IcmpError};
use crate::ipv4::{self, Ipv4Header};
use crate::ipv6::{self, Ipv6Header};
use crate::tcp::TcpHeader;
use crate::udp::UdpHeader;
use crate::{icmp, icmpv6, tcp, udp};

/// The IP header: IPv4's (RFC 791) or IPv6's (RFC 8200). The first four
/// bits of either say which (the version), and so does the socket family
/// it is sent on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpHeader {
    V4(Ipv4Header),
    V6(Ipv6Header),
}

impl IpHeader {
    /// Reads the IPv4 or IPv6 header at the start of `bytes`, as its
    /// version says; returns it and the data it carries (as far as its
    /// length field counts).
    pub fn parse(bytes: &[u8]) -> Result<(IpHeader, &[u8]), Malformed> {
        match bytes.first().map(|byte| byte >> 4) {
            Some(6) => {
                Ipv6Header::parse(bytes).map(|(ip, data)| (IpHeader::V6(ip), data))
            }
            _ => Ipv4Header::parse(bytes).map(|(ip, data)| (IpHeader::V4(ip), data)),
        }
    }

    /// The same for bytes its length field does not count: an ICMP error's
    /// quote, which may stop short of the datagram it quotes, or a packet
    /// whose Payload Length lies. The header is read as if the field
    /// counted exactly the bytes here, then given back the value it
    /// carried; the data is all that follows the header.
    pub fn parse_as_arrived(bytes: &[u8]) -> Result<(IpHeader, &[u8]), Malformed> {
        let v6 = bytes.first().map(|byte| byte >> 4) == Some(6);
        // IPv4's Total Length counts its header; IPv6's Payload Length not.
        let (field, uncounted) = match v6 {
            true => (ipv6::PAYLOAD_LENGTH, ipv6::HEADER_LEN),
            false => (ipv4::TOTAL_LENGTH, 0),
        };
        if bytes.len() < field.end.max(uncounted) {
            return IpHeader::parse(bytes); // which says they are too few
        }
        let here = u16::try_from(bytes.len() - uncounted).unwrap_or(u16::MAX);
        let mut copy = bytes.to_vec();
        let carried = u16::from_be_bytes([copy[field.start], copy[field.start + 1]]);
        copy[field].copy_from_slice(&here.to_be_bytes());
        let (mut ip, _) = IpHeader::parse(&copy)?;
        match &mut ip {
            IpHeader::V4(ip) => ip.total_length = carried,
            IpHeader::V6(ip) => ip.payload_length = carried,
        }
        let header_len = ip.header_len();
        Ok((ip, &bytes[header_len..]))
    }

    pub fn source(&self) -> IpAddr {
        match self {
            IpHeader::V4(ip) => ip.source.into(),
            IpHeader::V6(ip) => ip.source.into(),
        }
    }

    pub fn destination(&self) -> IpAddr {
        match self {
            IpHeader::V4(ip) => ip.destination.into(),
            IpHeader::V6(ip) => ip.destination.into(),
        }
    }

    /// The address the packet is finally for, which TCP, UDP and ICMPv6 sum
    /// in their pseudo-header: Destination Address, or for IPv4 the end of
    /// a source route still under way (see `Ipv4Header::final_destination`).
    pub fn final_destination(&self) -> IpAddr {
        match self {
            IpHeader::V4(ip) => ip.final_destination().into(),
            IpHeader::V6(ip) => ip.destination.into(),
        }
    }

    /// What follows the header: IPv4's Protocol, IPv6's Next Header. The
    /// two fields take their numbers from one IANA registry.
    pub fn protocol(&self) -> u8 {
        match self {
            IpHeader::V4(ip) => ip.protocol,
            IpHeader::V6(ip) => ip.next_header,
        }
    }

    /// The header's length in bytes: IHL × 4 for IPv4, always 40 for IPv6.
    pub fn header_len(&self) -> usize {
        match self {
            IpHeader::V4(ip) => ip.header_len(),
            IpHeader::V6(ip) => ip.header_len(),
        }
    }

    pub fn build(&self) -> Vec<u8> {
        match self {
            IpHeader::V4(ip) => ip.build(),
            IpHeader::V6(ip) => ip.build(),
        }
    }

    /// "IP" or "IP6", as tcpdump starts its lines.
    pub fn tcpdump_name(&self) -> &'static str {
        match self {
            IpHeader::V4(_) => "IP",
            IpHeader::V6(_) => "IP6",
        }
    }
}

/// What follows the IP header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    /// Data right after the IP header, under whatever Protocol says.
    None,
    Tcp(TcpHeader),
    Udp(UdpHeader),
    /// ICMP echo, behind IPv4.
    Icmp(IcmpEcho),
    /// ICMPv6 echo, behind IPv6: ICMP's layout, another checksum.
    Icmpv6(IcmpEcho),
}

impl Transport {
    /// The number the IPv4 Protocol or IPv6 Next Header field gives this
    /// header (RFC 790, now IANA's registry), or None when none follows.
    pub fn protocol(&self) -> Option<u8> {
        match self {
            Transport::None => None,
            Transport::Tcp(_) => Some(tcp::PROTOCOL),
            Transport::Udp(_) => Some(udp::PROTOCOL),
            Transport::Icmp(_) => Some(icmp::PROTOCOL),
            Transport::Icmpv6(_) => Some(icmpv6::NEXT_HEADER),
        }
    }

    /// The header's length in bytes (0 for none).
    pub fn header_len(&self) -> usize {
        match self {
            Transport::None => 0,
            Transport::Tcp(tcp) => tcp.header_len(),
            Transport::Udp(_) => udp::HEADER_LEN,
            Transport::Icmp(_) | Transport::Icmpv6(_) => icmp::HEADER_LEN,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub ip: IpHeader,
    pub transport: Transport,
    pub payload: Vec<u8>,
}

/// XOR-ing a correct checksum with this gives a wrong one: never the
/// correct value, nor its one's complement twin (0x0000 vs 0xFFFF).
const SPOIL: u16 = 0x00FF;

impl Packet {
    /// The packet's size in bytes, as built: what IPv4's Total Length will
    /// say (IPv6's Payload Length is this less its 40-byte header).
    pub fn total_len(&self) -> usize {
        self.ip.header_len() + self.transport.header_len() + self.payload.len()
    }

    /// Refuses a packet too long for its length field, whose 16 bits count
    /// at most 65535 bytes: IPv4's counts the header too, IPv6's does not.
    pub fn check_total_len(&self) -> Result<(), String> {
        let total_len = self.total_len();
        let (counted, field) = match self.ip {
            IpHeader::V4(_) => (total_len, "Total Length"),
            IpHeader::V6(_) => (total_len - ipv6::HEADER_LEN, "Payload Length"),
        };
        if counted > usize::from(u16::MAX) {
            return Err(format!(
                "the packet would be {total_len} bytes, {counted} of them counted by \
                 {field} (16 bits), which allows at most 65535: send less data"
            ));
        }
        Ok(())
    }

    // ANCHOR: fill_in
    /// Sets the fields that follow from the rest of the packet, inside out:
    /// the UDP length, the transport checksum (which covers the transport
    /// header and the data), the IPv4 total length, and last the IPv4
    /// header checksum (which covers the finished IPv4 header); for IPv6,
    /// the payload length, and no header checksum, for it has none.
    pub fn fill_in(&mut self) {
        // The pseudo-header's destination is where the packet ends up: the
        // end of a source route, if it has one (RFC 791 § 3.1).
        let (source, destination) = (self.ip.source(), self.ip.final_destination());
        let data_len = self.payload.len();
        match &mut self.transport {
            Transport::None => {}
            Transport::Tcp(tcp) => {
                tcp.checksum =
                    tcp.expected_checksum(source, destination, &self.payload);
            }
            Transport::Udp(udp) => {
                udp.length = (udp::HEADER_LEN + data_len) as u16;
                udp.checksum =
                    udp.expected_checksum(source, destination, &self.payload);
            }
            Transport::Icmp(icmp) => {
                icmp.checksum = icmp.expected_checksum(&self.payload)
            }
            // Over IPv6 the pseudo-header is summed too (RFC 4443 § 2.3).
            Transport::Icmpv6(icmp) => {
                icmp.checksum =
                    icmp.expected_checksum_v6(source, destination, &self.payload)
            }
        }
        let total_len = self.total_len();
        match &mut self.ip {
            IpHeader::V4(ip) => {
                ip.total_length = total_len as u16;
                ip.header_checksum = ip.expected_checksum();
            }
            IpHeader::V6(ip) => {
                ip.payload_length = (total_len - ipv6::HEADER_LEN) as u16;
            }
        }
    }
    // ANCHOR_END: fill_in

    /// Makes the IPv4 header checksum wrong (Linux will overwrite it);
    /// an IPv6 header has none to spoil.
    pub fn spoil_header_checksum(&mut self) {
        if let IpHeader::V4(ip) = &mut self.ip {
            ip.header_checksum ^= SPOIL;
        }
    }

    /// Makes the TCP, UDP or ICMP checksum wrong (Linux leaves it wrong).
    pub fn spoil_transport_checksum(&mut self) {
        match &mut self.transport {
            Transport::None => {}
            Transport::Tcp(tcp) => tcp.checksum ^= SPOIL,
            Transport::Udp(udp) => udp.checksum ^= SPOIL,
            Transport::Icmp(icmp) | Transport::Icmpv6(icmp) => {
                icmp.checksum ^= SPOIL
            }
        }
    }

    fn transport_bytes(&self) -> Vec<u8> {
        match &self.transport {
            Transport::None => Vec::new(),
            Transport::Tcp(tcp) => tcp.build(),
            Transport::Udp(udp) => udp.build(),
            Transport::Icmp(icmp) | Transport::Icmpv6(icmp) => icmp.build(),
        }
    }

    /// The packet as bytes: IP header, transport header, data.
    pub fn build(&self) -> Vec<u8> {
        [
            self.ip.build(),
            self.transport_bytes(),
            self.payload.clone(),
        ]
        .concat()
    }

    /// Reads a whole packet, IPv4 or IPv6 as its version says. The
    /// transport header is read when Protocol (Next Header) names TCP, UDP,
    /// ICMP or ICMPv6 and this is the first (or only) fragment.
    pub fn parse(bytes: &[u8]) -> Result<Packet, Malformed> {
        let (ip, data) = IpHeader::parse(bytes)?;
        Packet::parse_transport(ip, data)
    }

    /// Reads a whole packet whose length field may lie (see
    /// `IpHeader::parse_as_arrived`): every byte that came is read.
    pub fn parse_as_arrived(bytes: &[u8]) -> Result<Packet, Malformed> {
        let (ip, data) = IpHeader::parse_as_arrived(bytes)?;
        Packet::parse_transport(ip, data)
    }

    /// The transport header (if any) and the payload after `ip`.
    fn parse_transport(ip: IpHeader, data: &[u8]) -> Result<Packet, Malformed> {
        let (first_fragment, v6) = match &ip {
            IpHeader::V4(ip) => (ip.fragment_offset == 0, false),
            // A fragment of IPv6 has a Fragment header (44) first, so the
            // Next Header of a later one never names TCP or UDP.
            IpHeader::V6(_) => (true, true),
        };
        let (transport, payload) = match ip.protocol() {
            tcp::PROTOCOL if first_fragment => {
                let (tcp, payload) = TcpHeader::parse(data)?;
                (Transport::Tcp(tcp), payload)
            }
            udp::PROTOCOL if first_fragment => {
                let (udp, payload) = UdpHeader::parse(data)?;
                (Transport::Udp(udp), payload)
            }
            icmp::PROTOCOL if first_fragment && !v6 => {
                let (icmp, payload) = IcmpEcho::parse(data)?;
                (Transport::Icmp(icmp), payload)
            }
            icmpv6::NEXT_HEADER if v6 => {
                let (icmp, payload) = IcmpEcho::parse(data)?;
                (Transport::Icmpv6(icmp), payload)
            }
            _ => (Transport::None, data),
        };
        Ok(Packet {
            ip,
            transport,
            payload: payload.to_vec(),
        })
    }

    /// The transport checksum the packet carries and the one it should
    /// carry, or None without a transport header (or an unused UDP one).
    pub fn transport_checksums(&self) -> Option<(u16, u16)> {
        let (source, destination, data) =
            (self.ip.source(), self.ip.final_destination(), &self.payload);
        let v6 = matches!(self.ip, IpHeader::V6(_));
        match &self.transport {
            Transport::None => None,
            Transport::Tcp(tcp) => Some((
                tcp.checksum,
                tcp.expected_checksum(source, destination, data),
            )),
            // RFC 768: "An all zero transmitted checksum value means that the
            // transmitter generated no checksum". Not over IPv6: RFC 8200
            // § 8.1 makes it mandatory, so there a zero is a wrong one.
            Transport::Udp(udp) if udp.checksum == 0 && !v6 => None,
            Transport::Udp(udp) => Some((
                udp.checksum,
                udp.expected_checksum(source, destination, udp.counted(data)),
            )),
            Transport::Icmp(icmp) => {
                Some((icmp.checksum, icmp.expected_checksum(data)))
            }
            Transport::Icmpv6(icmp) => Some((
                icmp.checksum,
                icmp.expected_checksum_v6(source, destination, data),
            )),
        }
    }

    /// For an ICMP or ICMPv6 error message: its header and the datagram it
    /// quotes; None for any other packet.
    pub fn icmp_error(&self) -> Option<Result<Quoted, Malformed>> {
        let (icmp, v6) = match &self.transport {
            Transport::Icmp(icmp) if icmp::is_error(icmp.icmp_type) => (icmp, false),
            Transport::Icmpv6(icmp) if icmpv6::is_error(icmp.icmp_type) => {
                (icmp, true)
            }
            _ => return None,
        };
        let message = [icmp.build(), self.payload.clone()].concat();
        let parsed = match v6 {
            false => IcmpError::parse(&message),
            true => IcmpError::parse_v6(&message),
        };
        Some(parsed.and_then(|(error, quote)| {
            // ICMP quotes the IPv4 datagram it is about (RFC 792), ICMPv6
            // the IPv6 packet (RFC 4443 § 3): the version says which.
            let (wanted, rfc) = match v6 {
                false => (4, "an ICMP error quotes an IPv4 datagram, RFC 792"),
                true => (6, "an ICMPv6 error quotes an IPv6 packet, RFC 4443 § 3"),
            };
            let version = quote.first().map(|byte| byte >> 4);
            if version.is_some_and(|version| version != wanted) {
                let version = version.unwrap_or(0);
                return Err(Malformed::new(format!(
                    "the quoted packet's version is {version}, not {wanted} ({rfc})"
                )));
            }
            let (ip, original_data) = IpHeader::parse_as_arrived(quote)?;
            let end = original_data.len().min(icmp::ORIGINAL_DATA_LEN);
            Ok(Quoted {
                error,
                ip,
                original_data: original_data[..end].to_vec(),
            })
        }))
    }
}

/// An ICMP error message and what it quotes of the datagram that caused it
/// (RFC 792: "Internet Header + 64 bits of Original Data Datagram"; ICMPv6
/// quotes as much as fits, RFC 4443 § 3.1, of which the first 64 bits of
/// data are kept here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoted {
    pub error: IcmpError,
    pub ip: IpHeader,
    pub original_data: Vec<u8>,
}

impl Quoted {
    /// The source and destination ports, which TCP and UDP both keep in
    /// the first four bytes: the reason RFC 792 quotes 64 bits.
    pub fn ports(&self) -> Option<(u16, u16)> {
        let data = &self.original_data;
        match self.ip.protocol() {
            tcp::PROTOCOL | udp::PROTOCOL if data.len() >= 4 => Some((
                u16::from_be_bytes([data[0], data[1]]),
                u16::from_be_bytes([data[2], data[3]]),
            )),
            _ => None,
        }
    }
}
