//! The source address when --src is not given: the one the kernel would send
//! from to reach --dst, as `ip route get DST` shows it. A packet from
//! 127.0.0.1 never leaves lo (a router drops it as a martian), and the
//! TCP and UDP checksums need the real source in their pseudo-header, so
//! leaving the field 0 for the kernel to fill in is no answer.

use std::io::{self, ErrorKind};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, SockAddr, Socket, Type};

use crate::hints::Failure;

/// The source address, and who chose it: the dry run says which.
pub enum Source {
    /// --src ADDRESS.
    Given(IpAddr),
    /// The kernel's route lookup for `destination`.
    Routed {
        address: IpAddr,
        destination: IpAddr,
    },
}

impl Source {
    pub fn address(&self) -> IpAddr {
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
    given: Option<IpAddr>,
    destination: IpAddr,
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
        // 127.0.0.1 (or ::1), the answer once lo is up; sending reports the
        // rest.
        Err(error) if no_route(&error) && destination.is_loopback() => {
            let address = match destination {
                IpAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                IpAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
            };
            Ok(Source::Routed {
                address,
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
fn kernel_choice(destination: IpAddr) -> io::Result<IpAddr> {
    // Any port will do; 9 is discard (RFC 863), and nothing goes to it.
    let destination = SocketAddr::new(destination, 9);
    // socket(AF_INET or AF_INET6, SOCK_DGRAM, 0); see udp(7)
    let socket = Socket::new(Domain::for_address(destination), Type::DGRAM, None)?;
    if destination.is_ipv4() {
        // Without SO_BROADCAST, connect(2) refuses a broadcast address
        // (EACCES); IPv6 has no broadcast.
        socket.set_broadcast(true)?;
    }
    socket.connect(&SockAddr::from(destination))?;
    let local = socket.local_addr()?.as_socket();
    let local = local.ok_or_else(|| io::Error::other("not an IP address"))?;
    Ok(local.ip())
}

/// ENETUNREACH, or EHOSTUNREACH from an `unreachable` route.
fn no_route(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable
    )
}
