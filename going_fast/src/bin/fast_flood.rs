//! `raw_sender --flood`, fast: the same protocol-16 packet, sent from every
//! core, 32 copies per sendmmsg(2) (going_fast/src/flood.rs). It sends only
//! to this machine (127.0.0.0/8) and needs CAP_NET_RAW:
//!
//!     sudo ./target/release/fast_flood -c 1000000 -m 0123456789a
//!
//! `bench/run` measures it against `hping3 --flood`, against bare
//! sendmmsg(2) loops (examples/flood_ceiling.rs), and beside the lesson's
//! one sendto(2) a packet, `raw_sender --flood`.
#![forbid(unsafe_code)]

use std::io::{self, ErrorKind, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Parser;
use raw_sender::ipv4::Ipv4Header;
use raw_sender::packet::{IpHeader, Packet, Transport};
use stdio::say;

/// Flood this machine with one raw IPv4 packet of protocol 16, from every
/// core.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Packets to send in all
    #[arg(short, long, default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    count: u64,
    /// The packet's data
    #[arg(short, long, default_value = "Hello from fast_flood")]
    message: String,
    /// Destination: an address of this machine's loopback, 127.0.0.0/8
    #[arg(long, default_value = "127.0.0.1", value_parser = loopback)]
    dst: Ipv4Addr,
}

fn loopback(text: &str) -> Result<Ipv4Addr, String> {
    match text.parse::<Ipv4Addr>() {
        Ok(address) if address.is_loopback() => Ok(address),
        _ => Err("fast_flood sends only to this machine: give an address \
                  in 127.0.0.0/8"
            .into()),
    }
}

fn main() -> ExitCode {
    let args: Args = stdio::parse();
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(error) = signal_hook::flag::register(signal, Arc::clone(&stop)) {
            say(&format!("fast_flood: cannot catch signals: {error}"));
            return ExitCode::FAILURE;
        }
    }
    // The packet `raw_sender --flood -m TEXT` sends: IPv4, id 4660, TTL 64,
    // protocol 16 (CHAOS), from the loopback address it goes to.
    let mut packet = Packet {
        ip: IpHeader::V4(Ipv4Header {
            type_of_service: 0,
            total_length: 0,
            identification: 0x1234,
            evil: false,
            dont_fragment: false,
            more_fragments: false,
            fragment_offset: 0,
            time_to_live: 64,
            protocol: 16,
            header_checksum: 0,
            source: args.dst,
            destination: args.dst,
            options: Vec::new(),
        }),
        transport: Transport::None,
        payload: args.message.into_bytes(),
    };
    if let Err(why) = packet.check_total_len() {
        say(&format!("fast_flood: {why}"));
        return ExitCode::from(2);
    }
    packet.fill_in();
    let destination = SocketAddr::new(IpAddr::V4(args.dst), 0);
    let started = Instant::now();
    match going_fast::flood::send(&packet.build(), destination, args.count, &stop) {
        Ok(sent) => {
            let seconds = started.elapsed().as_secs_f64();
            let rate = sent as f64 / seconds.max(1e-9);
            let line = format!(
                "{sent} packet(s) sent in {seconds:.3} s ({rate:.0} packets/s)"
            );
            match writeln!(io::stdout(), "{line}") {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(74),
            }
        }
        Err(error) if error.kind() == ErrorKind::PermissionDenied => {
            say(&format!("fast_flood: cannot open a raw socket: {error}"));
            say(
                "  raw sockets need CAP_NET_RAW: run it with sudo, or inside \
                 `lab/sandbox` (no sudo), or after \
                 `sudo setcap cap_net_raw+ep ./target/release/fast_flood`",
            );
            ExitCode::from(77)
        }
        Err(error) => {
            say(&format!("fast_flood: {error}"));
            ExitCode::FAILURE
        }
    }
}
