//! The source address when --src is not given: the one the kernel would send
//! from to reach --dst, as `ip route get DST` shows it. A packet from
//! 127.0.0.1 never leaves lo (a router drops it as a martian), and the
//! TCP and UDP checksums need the real source in their pseudo-header, so
//! leaving the field 0 for the kernel to fill in is no answer.

use std::io::{self, ErrorKind};
use std::net::{Ipv4Addr, SocketAddrV4};

use socket2::{Domain, SockAddr, Socket, Type};

use crate::hints::Failure;

/// The source address, and who chose it: the dry run says which.
pub enum Source {
    /// --src ADDRESS.
    Given(Ipv4Addr),
    /// The kernel's route lookup for `destination`.
    Routed {
        address: Ipv4Addr,
        destination: Ipv4Addr,
    },
}

impl Source {
    pub fn address(&self) -> Ipv4Addr {
        match *self {
            Source::Given(address) | Source::Routed { address, .. } => address,
        }
    }

    /// The dry run's last line: where the Source Address came from.
    pub fn note(&self) -> String {
        match self {
            Source::Given(address) => format!("source {address}: from --src"),
            Source::Routed {
                address,
                destination,
            } => format!(
                "source {address}: the kernel's choice for {destination} \
                 (ip route get {destination})"
            ),
        }
    }
}

/// --src if given, otherwise the kernel's choice for `destination`.
pub fn source(
    given: Option<Ipv4Addr>,
    destination: Ipv4Addr,
) -> Result<Source, Failure> {
    if let Some(address) = given {
        return Ok(Source::Given(address));
    }
    match kernel_choice(destination) {
        Ok(address) => Ok(Source::Routed {
            address,
            destination,
        }),
        // lo is down (a fresh namespace): a loopback destination still gets
        // 127.0.0.1, the answer once lo is up; sending reports the rest.
        Err(error) if no_route(&error) && destination.is_loopback() => {
            Ok(Source::Routed {
                address: Ipv4Addr::LOCALHOST,
                destination,
            })
        }
        Err(error) if no_route(&error) => Err(Failure::NoRoute(destination, error)),
        Err(error) => {
            let message =
                format!("cannot choose a source for {destination}: {error}");
            Err(io::Error::new(error.kind(), message).into())
        }
    }
}

/// The route lookup of a connected UDP socket: connect(2) on a datagram
/// socket sends nothing (udp(7)); it picks the route, and with it the
/// local address, which getsockname(2) then reads.
fn kernel_choice(destination: Ipv4Addr) -> io::Result<Ipv4Addr> {
    // socket(AF_INET, SOCK_DGRAM, 0); see udp(7)
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
    // Without SO_BROADCAST, connect(2) refuses a broadcast address (EACCES).
    socket.set_broadcast(true)?;
    // Any port will do; 9 is discard (RFC 863), and nothing goes to it.
    socket.connect(&SockAddr::from(SocketAddrV4::new(destination, 9)))?;
    let local = socket.local_addr()?.as_socket_ipv4();
    let local = local.ok_or_else(|| io::Error::other("not an IPv4 address"))?;
    Ok(*local.ip())
}

/// ENETUNREACH, or EHOSTUNREACH from an `unreachable` route.
fn no_route(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable
    )
}
