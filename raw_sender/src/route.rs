//! The source address when --src is not given: the one the kernel would send
//! from to reach --dst, as `ip route get DST` shows it; and the MTU of the
//! interface it would send through, which no raw packet may exceed. A packet from
//! 127.0.0.1 never leaves lo (a router drops it as a martian), and the
//! TCP and UDP checksums need the real source in their pseudo-header, so
//! leaving the field 0 for the kernel to fill in is no answer.

use std::io::{self, ErrorKind};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use nix::sys::socket::sockopt;
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
    let socket = connected(destination)?;
    let local = socket.local_addr()?.as_socket();
    let local = local.ok_or_else(|| io::Error::other("not an IP address"))?;
    Ok(local.ip())
}

/// A UDP socket connected to `destination`: the kernel's route to it
/// chosen, nothing sent.
fn connected(destination: IpAddr) -> io::Result<Socket> {
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
    Ok(socket)
}

/// ENETUNREACH, or EHOSTUNREACH from an `unreachable` route.
fn no_route(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable
    )
}

/// The largest packet a raw socket sends to `destination` in one piece:
/// the MTU of the interface the route goes out of. The kernel fragments
/// nothing it is handed with its header (IP_HDRINCL, IPV6_HDRINCL: raw(7),
/// ipv6(7)): a longer packet is refused with EMSGSIZE. A packet of `len`
/// bytes, `headers` of them headers, that does not fit is refused here,
/// before anything is sent, with the size that does.
pub fn check_fits(
    len: usize,
    headers: usize,
    destination: IpAddr,
) -> Result<(), Failure> {
    let Some((interface, mtu)) = interface_mtu(destination) else {
        return Ok(()); // no route to read it from: sending will say why
    };
    if len <= mtu {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "the packet is {len} bytes, but the route to {destination} goes out of \
         {interface}, whose MTU is {mtu}, and a raw socket sends no fragments: \
         send at most {} bytes of data",
        mtu.saturating_sub(headers)
    )))
}

/// The interface a packet to `destination` would leave by (the one that
/// holds the source the kernel picks), and its MTU: for IPv4 the route's,
/// IP_MTU on a socket connected to it (ip(7)); for IPv6 the interface's,
/// /proc/sys/net/ipv6/conf/IF/mtu (both this network namespace's own).
fn interface_mtu(destination: IpAddr) -> Option<(String, usize)> {
    let socket = connected(destination).ok()?;
    let local = socket.local_addr().ok()?.as_socket()?.ip();
    let interface = nix::ifaddrs::getifaddrs()
        .ok()?
        .filter(|interface| {
            let address = interface.address.as_ref();
            let v4 = address
                .and_then(|a| a.as_sockaddr_in())
                .map(|a| a.ip().into());
            let v6 = address
                .and_then(|a| a.as_sockaddr_in6())
                .map(|a| a.ip().into());
            v4.or(v6) == Some(local)
        })
        .map(|interface| interface.interface_name)
        .next()?;
    let mtu = match destination {
        IpAddr::V4(_) => {
            let mtu = nix::sys::socket::getsockopt(&socket, sockopt::IpMtu).ok()?;
            usize::try_from(mtu).ok()?
        }
        IpAddr::V6(_) => {
            let path = format!("/proc/sys/net/ipv6/conf/{interface}/mtu");
            std::fs::read_to_string(path).ok()?.trim().parse().ok()?
        }
    };
    Some((interface, mtu))
}
