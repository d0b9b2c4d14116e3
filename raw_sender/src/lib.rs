//! Raw IPv4 and IPv6 packets built by hand, one header per file, each after its RFC:
//!
//! - [`options`]: the option list IPv4 and TCP headers share
//! - [`ipv4`]: the IPv4 header, RFC 791 § 3.1
//! - [`tcp`]: the TCP header, RFC 9293 § 3.1
//! - [`udp`]: the UDP header, RFC 768
//! - [`icmp`]: the ICMP echo message, RFC 792
//! - [`ipv6`]: the IPv6 header, RFC 8200 § 3
//! - [`icmpv6`]: ICMPv6 echo, RFC 4443: ICMP's layout, a new checksum
//! - [`packet`]: how they nest, and the lengths and checksums that follow
//! - [`output`]: the packet shown as tcpdump -X would, field by field, or
//!   as a pcap file
//! - [`hex`]: bytes as hex text and back, for the command line
//!
//! Each header is a plain struct of its fields with a `build` that writes
//! the bytes and a `parse` that reads them back, refusing (never panicking
//! on) bytes that do not add up. Read them in that order: the header files
//! import nothing of the others (but `ipv4`, which reads its options with
//! `options`, and `icmpv6`, which borrows ICMP's echo layout), `packet`
//! nests them, and `output` shows packets. The `raw_sender` binary builds packets from its flags and sends
//! them; the `listener` binary reads packets with the same layouts.
#![forbid(unsafe_code)]

pub mod hex;
pub mod icmp;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod options;
pub mod output;
pub mod packet;
pub mod tcp;
pub mod udp;

use std::fmt;

/// Why some bytes are not a well-formed header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed(String);

impl Malformed {
    pub fn new(reason: impl Into<String>) -> Malformed {
        Malformed(reason.into())
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Malformed {}
