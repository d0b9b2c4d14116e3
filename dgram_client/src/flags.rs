//! The command line, kept out of the lesson: what each flag means, its
//! default (loopback and the course's port 54321), and the message, which
//! must fit in one datagram.

use std::io::{self, ErrorKind, Read};
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use socket2::SockAddr;

/// The most a UDP datagram over IPv4 can carry: the 65,535-byte IPv4 total
/// length less a 20-byte IPv4 header and the 8-byte UDP header (RFC 768).
const MAX_UDP_PAYLOAD_V4: usize = 65_535 - 20 - 8;
/// Over IPv6 the payload length field excludes the 40-byte fixed header.
const MAX_UDP_PAYLOAD_V6: usize = 65_535 - 8;
/// An AF_UNIX datagram may be larger than any UDP one: the kernel decides
/// (its limit follows the socket's send buffer, net.core.wmem_max); we read
/// no more than this.
const MAX_UNIX_MESSAGE: usize = 16 << 20;
/// Room for the largest reply: no UDP datagram is larger.
pub const MAX_DATAGRAM: usize = 65_536;

/// Send one UDP (or Unix-domain) datagram and print the one that comes back.
#[derive(Parser)]
#[command(
    version,
    after_help = "Peer: echo \"I got your message\" | nc -l -p 54321 -u"
)]
pub struct Args {
    /// Where to send: an IPv4 or IPv6 address, or a host name (each of its
    /// addresses is tried in turn) [default: 127.0.0.1, or ::1 with -6]
    host: Option<String>,
    /// Destination UDP port
    #[arg(default_value_t = 54321, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// Text to send, with a newline added as `echo` adds one; `-` sends
    /// standard input as it is (one datagram: at most 65,507 bytes over IPv4)
    #[arg(short, long, default_value = "Hello from dgram_client")]
    message: String,
    /// Use IPv6 (AF_INET6)
    #[arg(short = '6')]
    ipv6: bool,
    /// Send to the Unix-domain (AF_UNIX) datagram socket at PATH instead
    #[arg(short = 'U', long = "unix", value_name = "PATH", conflicts_with_all = ["host", "ipv6"])]
    pub unix: Option<PathBuf>,
    /// Seconds to wait for the reply
    #[arg(short = 'w', long = "timeout", value_name = "SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
}

impl Args {
    /// The addresses to try: the Unix path, or all that HOST PORT names.
    pub fn servers(&self) -> io::Result<Vec<SockAddr>> {
        let (host, unix) = (self.host.as_deref(), self.unix.as_deref());
        address::servers(host, self.port, self.ipv6, unix)
    }
}

/// The payload: the -m text, or standard input for `-m -`, read no further
/// than one datagram can carry (and one byte more, to tell it is too long).
pub fn message(args: &Args) -> io::Result<Vec<u8>> {
    if args.message != "-" {
        return Ok(format!("{}\n", args.message).into_bytes());
    }
    let max = match args.unix {
        Some(_) => MAX_UNIX_MESSAGE,
        None => MAX_UDP_PAYLOAD_V6,
    };
    let mut stdin = Vec::new();
    io::stdin()
        .lock()
        .take(max as u64 + 1)
        .read_to_end(&mut stdin)?;
    if stdin.len() > max {
        return Err(too_long(format!(
            "standard input holds more than {max} bytes, the most one datagram \
             carries"
        )));
    }
    Ok(stdin)
}

/// Refuses a message larger than one UDP datagram to `server` can carry;
/// for AF_UNIX the kernel decides (it answers EMSGSIZE).
pub fn check_fits(message: &[u8], server: &SockAddr) -> io::Result<()> {
    let max = match server.as_socket() {
        Some(SocketAddr::V4(_)) => MAX_UDP_PAYLOAD_V4,
        Some(SocketAddr::V6(_)) => MAX_UDP_PAYLOAD_V6,
        None => return Ok(()),
    };
    match message.len() > max {
        true => Err(too_long(format!(
            "the message is {} bytes; one datagram carries at most {max}",
            message.len()
        ))),
        false => Ok(()),
    }
}

/// A message too long for one datagram, and what to do instead.
fn too_long(message: String) -> io::Error {
    io::Error::new(
        ErrorKind::InvalidData,
        format!(
            "{message}\n  send less: a larger message needs a stream (TCP) \
             socket, see stream_client"
        ),
    )
}
