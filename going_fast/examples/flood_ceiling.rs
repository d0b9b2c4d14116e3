//! The ceiling for `fast_flood`: the same prebuilt packet sent by bare
//! loops of sendmmsg(2) calls, 32 packets each, one loop per core on a raw
//! socket of its own, and nothing else. Used by `bench/run`; run it as
//! root inside a network namespace:
//!
//!     sudo unshare --net sh -c 'ip link set lo up; ./target/release/examples/flood_ceiling 1000000'
//!
//! It sends only to 127.0.0.1.

use std::io::{IoSlice, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::Instant;

use nix::sys::socket::{
    ControlMessage, MsgFlags, MultiHeaders, SockaddrIn, sendmmsg,
};
use socket2::{Domain, Protocol, Socket, Type};

/// The packet `raw_sender --flood -m 0123456789a` and `fast_flood -m
/// 0123456789a` send, as `raw_sender --dry-run` prints it: 31 bytes,
/// protocol 16, to 127.0.0.1.
const PACKET: [u8; 31] = [
    0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x00, 0x00, 0x40, 0x10, 0x6a, 0x99, 0x7f,
    0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, b'0', b'1', b'2', b'3', b'4', b'5',
    b'6', b'7', b'8', b'9', b'a',
];

const BATCH: usize = 32;

fn bare_loop(count: u64) -> u64 {
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))
        .expect("a raw socket (run as root)");
    let packets: Vec<[IoSlice; 1]> =
        (0..BATCH).map(|_| [IoSlice::new(&PACKET)]).collect();
    let destination = SockaddrIn::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    let addresses = vec![Some(destination); BATCH];
    let mut headers = MultiHeaders::<SockaddrIn>::preallocate(BATCH, None);
    let no_control: [ControlMessage; 0] = [];
    let mut sent = 0;
    while sent < count {
        let batch = (count - sent).min(BATCH as u64) as usize;
        let results = sendmmsg(
            socket.as_raw_fd(),
            &mut headers,
            &packets[..batch],
            &addresses[..batch],
            no_control,
            MsgFlags::empty(),
        )
        .expect("sendmmsg");
        sent += results.count() as u64;
    }
    sent
}

fn main() -> ExitCode {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let started = Instant::now();
    let sent: u64 = std::thread::scope(|scope| {
        let loops: Vec<_> = (0..threads)
            .map(|_| scope.spawn(move || bare_loop(count / threads)))
            .collect();
        loops
            .into_iter()
            .map(|bare| bare.join().expect("a loop finishes"))
            .sum()
    });
    let seconds = started.elapsed().as_secs_f64();
    let rate = sent as f64 / seconds;
    // bench/run reads this line; a closed stdout is a failed run, not a panic.
    let line = format!("{sent} packets in {seconds:.3} s ({rate:.0} packets/s)");
    match writeln!(std::io::stdout(), "{line}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
