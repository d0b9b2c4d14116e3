//! Raw receive of IPv6 (--raw PROTO -6). A raw AF_INET6 socket never hands
//! us the IPv6 header, only what follows it (RFC 3542 § 3; Linux does the
//! same), so to see a packet as it crossed the wire we go one layer down: a
//! packet socket (packet(7)) is given every IPv6 packet a network device
//! carries, header first, before the kernel's IPv6 code reads it. Of those
//! we keep the ones whose Next Header is PROTO and that are sent to our
//! address, and raw.rs shows and checks them as it does IPv4's.

use std::io;
use std::net::Ipv6Addr;
use std::os::fd::AsRawFd;

use nix::libc::PACKET_OUTGOING;
use nix::sys::socket::{LinkAddr, recvfrom};
use raw_sender::Malformed;
use raw_sender::ipv6::{self, DESTINATION_ADDRESS, NEXT_HEADER};
use raw_sender::packet::Packet;
use socket2::{Domain, Protocol, Socket, Type};

/// IPv6's EtherType, the number a link layer gives it (<linux/if_ether.h>).
const ETH_P_IPV6: u16 = 0x86DD;
/// The largest IPv6 packet short of a jumbogram (RFC 2675): the 40-byte
/// header and a Payload Length of 65535.
pub const MAX_PACKET: usize = ipv6::HEADER_LEN + 65_535;

// ANCHOR: listen6
/// A packet socket that is given every IPv6 packet, header first.
pub fn open() -> io::Result<Socket> {
    // socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IPV6)); see packet(7).
    // SOCK_DGRAM: the link-layer header is taken off, so each packet starts
    // at its IPv6 header. The protocol is an EtherType, which packet(7)
    // wants in network byte order (big-endian), unlike other socket(2)s.
    // No bind(2): a packet socket hears every interface, and an address is
    // no name for it; each packet's destination is checked instead.
    let ethertype = Protocol::from(i32::from(ETH_P_IPV6.to_be()));
    Socket::new(Domain::PACKET, Type::DGRAM, Some(ethertype))
}

/// Waits for the next packet of Next Header `protocol` sent to `address`,
/// into `buffer`; returns its length.
pub fn next(
    socket: &Socket,
    buffer: &mut [u8],
    protocol: u8,
    address: Ipv6Addr,
) -> io::Result<usize> {
    loop {
        // recvfrom(2): one packet, and a sockaddr_ll saying how it passed.
        // What this host sends out is skipped (PACKET_OUTGOING); on lo it
        // comes back in, and is kept then. (Only an ETH_P_ALL socket is
        // shown packets leaving; this one sees each packet once.)
        let (len, link) = recvfrom::<LinkAddr>(socket.as_raw_fd(), buffer)?;
        let leaving = link.is_some_and(|link| link.pkttype() == PACKET_OUTGOING);
        if !leaving && wanted(&buffer[..len], protocol, address) {
            return Ok(len);
        }
    }
}
// ANCHOR_END: listen6

/// Whether the fixed header names `protocol` as Next Header and `address`
/// as its destination (any, for `::`, as bind(2) to `::` would take).
fn wanted(packet: &[u8], protocol: u8, address: Ipv6Addr) -> bool {
    let destination = packet.get(DESTINATION_ADDRESS).map(<[u8; 16]>::try_from);
    let Some(Ok(destination)) = destination else {
        return false; // too short to say: not a packet for us
    };
    packet[NEXT_HEADER] == protocol
        && (address.is_unspecified() || Ipv6Addr::from(destination) == address)
}

/// The packet as raw_sender's layouts read it, whatever its Payload Length
/// says (what the sender wrote is all here: the kernel trims or drops a
/// packet whose length lies only after a packet socket has seen it). The
/// version first: what came as IPv6 with a 4 there is named, not read as
/// IPv4.
pub fn parse(packet: &[u8]) -> Result<Packet, Malformed> {
    match packet.first().map(|byte| byte >> 4) {
        Some(6) => Packet::parse_as_arrived(packet),
        version => Err(Malformed::new(format!(
            "version is {}, not 6",
            version.unwrap_or(0)
        ))),
    }
}
