//! Where a client sends: from what a student types, a host and a port, to
//! the socket addresses to try, and from an address back to text.
//!
//! One name may stand for several addresses: on Debian, `localhost` is both
//! `::1` and `127.0.0.1`. getaddrinfo(3) lists them all, and a client tries
//! them in that order until one answers, as nc does (and as Beej's guide
//! shows). Both clients use this; the listener uses [`describe`].
#![forbid(unsafe_code)]

use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::Path;

use socket2::SockAddr;

/// The addresses a client tries, in order: the Unix-domain socket at
/// `unix`, or every address HOST PORT stands for; with no host, the
/// loopback address (127.0.0.1, or ::1 when `ipv6`).
pub fn servers(
    host: Option<&str>,
    port: u16,
    ipv6: bool,
    unix: Option<&Path>,
) -> io::Result<Vec<SockAddr>> {
    if let Some(path) = unix {
        return Ok(vec![self::unix(path)?]);
    }
    let loopback = if ipv6 { "::1" } else { "127.0.0.1" };
    resolve(host.unwrap_or(loopback), port, ipv6)
}

/// Every address HOST:PORT stands for, in getaddrinfo(3)'s order; with
/// `ipv6_only`, only the IPv6 ones. An error's message ends with a hint.
pub fn resolve(host: &str, port: u16, ipv6_only: bool) -> io::Result<Vec<SockAddr>> {
    if !host.is_empty() && host.bytes().all(|byte| byte.is_ascii_digit()) {
        // getaddrinfo reads "12345" as the IPv4 address 0.0.48.57.
        return Err(refused(
            format!("{host:?} is a lone number where the host goes"),
            format!("did you mean 127.0.0.1 {host}?"),
        ));
    }
    let unknown = |why: String| {
        refused(
            format!("unknown host {host:?}: {why}"),
            "give an address such as 127.0.0.1 or ::1, or a name from /etc/hosts",
        )
    };
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|error| unknown(error.to_string()))?
        .filter(|address| address.is_ipv6() || !ipv6_only)
        .collect();
    if found.is_empty() {
        return Err(unknown("it has no IPv6 address".into()));
    }
    if let Some(nowhere) = found.iter().find(|address| names_no_host(address.ip())) {
        return Err(refused(
            format!(
                "{host:?} is {}, which names no host: nothing sent",
                nowhere.ip()
            ),
            "0.0.0.0/8 means \"this network\" (RFC 1122 § 3.2.1.3), never a \
             destination: give an address such as 127.0.0.1 or ::1",
        ));
    }
    Ok(found.into_iter().map(SockAddr::from).collect())
}

/// 0.0.0.0/8 (and IPv6's `::`) may be a source, never a destination.
pub fn names_no_host(ip: IpAddr) -> bool {
    let ip = ip.to_canonical(); // ::ffff:0.0.48.57 is 0.0.48.57
    match ip {
        IpAddr::V4(v4) => v4.octets()[0] == 0,
        IpAddr::V6(v6) => v6.is_unspecified(),
    }
}

/// The address of a Unix-domain socket: its path, which must fit the 108
/// bytes of `sun_path` with the closing NUL (unix(7)).
pub fn unix(path: &Path) -> io::Result<SockAddr> {
    SockAddr::unix(path).map_err(|error| {
        refused(
            format!("cannot use {} as a socket path: {error}", path.display()),
            "a Unix socket's path holds at most 107 bytes (unix(7)): choose a \
             shorter one, such as /tmp/course.sock",
        )
    })
}

/// An address as a student would write it: `127.0.0.1:12345`, `[::1]:80`,
/// or a Unix socket's path.
pub fn describe(address: &SockAddr) -> String {
    match (address.as_socket(), address.as_pathname()) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(path)) => path.display().to_string(),
        (None, None) => "(unnamed)".into(),
    }
}

/// An error refused before anything is sent: its message, then a hint.
fn refused(message: String, hint: impl std::fmt::Display) -> io::Error {
    io::Error::new(ErrorKind::InvalidInput, format!("{message}\n  {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(host: &str, ipv6_only: bool) -> Vec<String> {
        resolve(host, 7, ipv6_only)
            .unwrap()
            .iter()
            .map(describe)
            .collect()
    }

    #[test]
    fn an_address_resolves_to_itself() {
        assert_eq!(resolved("127.0.0.1", false), ["127.0.0.1:7"]);
        assert_eq!(resolved("::1", true), ["[::1]:7"]);
    }

    #[test]
    fn a_lone_number_gets_the_hint_it_needs() {
        let error = resolve("12345", 12345, false).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        let message = error.to_string();
        assert!(
            message.contains("did you mean 127.0.0.1 12345?"),
            "{message}"
        );
    }

    #[test]
    fn this_network_is_never_a_destination() {
        for host in ["0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.48.57"] {
            let error = resolve(host, 80, false).unwrap_err();
            assert!(
                error.to_string().contains("names no host"),
                "{host}: {error}"
            );
        }
        assert!(!names_no_host("1.0.0.0".parse().unwrap()));
    }

    #[test]
    fn a_socket_path_too_long_for_sun_path_is_refused_with_the_limit() {
        assert!(unix(std::path::Path::new("/tmp/course.sock")).is_ok());
        let long = format!("/tmp/{}", "x".repeat(103));
        let error = unix(std::path::Path::new(&long)).unwrap_err();
        assert!(error.to_string().contains("at most 107 bytes"), "{error}");
    }

    #[test]
    fn servers_default_to_the_loopback_of_the_family() {
        let named = |servers: Vec<SockAddr>| -> Vec<String> {
            servers.iter().map(describe).collect()
        };
        let v4 = servers(None, 12345, false, None).unwrap();
        assert_eq!(named(v4), ["127.0.0.1:12345"]);
        let v6 = servers(None, 12345, true, None).unwrap();
        assert_eq!(named(v6), ["[::1]:12345"]);
        let path = Path::new("/tmp/course.sock");
        let unix = servers(Some("ignored"), 1, false, Some(path)).unwrap();
        assert_eq!(named(unix), ["/tmp/course.sock"]);
    }

    #[test]
    fn ipv6_only_refuses_an_ipv4_address() {
        let error = resolve("127.0.0.1", 80, true).unwrap_err();
        assert!(error.to_string().contains("it has no IPv6 address"));
    }
}
