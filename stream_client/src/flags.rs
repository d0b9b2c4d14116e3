//! The command line, kept out of the lesson: what each flag means, its
//! default (loopback and the course's port 12345), and where the message and
//! the server come from.

use std::io::{self, Read};
use std::path::PathBuf;

use clap::Parser;
use socket2::SockAddr;

/// Bulk data moves in reads and writes this large: fewer system calls per
/// byte (8 KiB, a common default, halves bulk throughput on loopback).
pub const COPY_BUFFER: usize = 512 * 1024;

/// Connect to a TCP (or Unix-domain stream) server, send a message, print
/// the reply.
#[derive(Parser)]
#[command(
    version,
    after_help = "Peer: echo \"I got your message\" | nc -l -p 12345"
)]
pub struct Args {
    /// Server to connect to: an IPv4 or IPv6 address, or a host name (each
    /// of its addresses is tried in turn) [default: 127.0.0.1, or ::1 with -6]
    host: Option<String>,
    /// Server's TCP port
    #[arg(default_value_t = 12345, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// Text to send, with a newline added as `echo` adds one; `-` sends
    /// standard input instead, as it is and however large
    #[arg(short, long, default_value = "Hello from stream_client")]
    pub message: String,
    /// Use IPv6 (AF_INET6)
    #[arg(short = '6')]
    ipv6: bool,
    /// Connect to the Unix-domain (AF_UNIX) socket at PATH instead
    #[arg(short = 'U', long = "unix", value_name = "PATH", conflicts_with_all = ["host", "ipv6"])]
    pub unix: Option<PathBuf>,
    /// Seconds to wait for the connection, and at most this long at each
    /// step after it: for room to send, for each part of the reply
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

/// The message: the -m text with a newline, as `echo` adds one, or for
/// `-m -` standard input, as it is and however large, read as it comes.
pub fn message(args: &Args) -> Box<dyn Read> {
    match args.message.as_str() {
        "-" => Box::new(io::stdin().lock()),
        text => Box::new(io::Cursor::new(format!("{text}\n").into_bytes())),
    }
}
