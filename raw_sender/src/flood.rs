//! --flood: the same packet, as fast as this machine can send it. A socket
//! and a sendto(2) per packet leave the kernel waiting on system calls, so
//! here every core gets a sender thread with a raw socket of its own, and
//! each hands the kernel up to BATCH copies per sendmmsg(2) call: the
//! kernel's loopback path, not the calls, sets the pace. Still exactly
//! `count` packets (fewer only after Ctrl-C), and one line at the end
//! instead of one per packet.

use std::io::{self, IoSlice, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::time::Instant;

use nix::sys::socket::{
    ControlMessage, MsgFlags, MultiHeaders, SockaddrStorage, sendmmsg,
};
use socket2::{Domain, Protocol, Socket, Type};

use crate::hints::{self, Failure};
use crate::{show, stop};

/// `count` copies of `bytes` to `destination`, then the line that says how
/// many went out and how fast. SIGINT or SIGTERM (stop.rs) ends it early,
/// between two batches.
pub fn send(bytes: &[u8], destination: IpAddr, count: u64) -> Result<(), Failure> {
    stop::catch_signals()?;
    let started = Instant::now();
    let sent = spread(bytes, SocketAddr::new(destination, 0), count)?;
    writeln!(io::stdout(), "{}", show::rate(sent, started.elapsed()))?;
    stop::outcome()
}

// ANCHOR: flood
/// One sender thread per core, `count` shared out among them; how many
/// they sent in all.
fn spread(
    bytes: &[u8],
    destination: SocketAddr,
    count: u64,
) -> Result<u64, Failure> {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let threads = (cores as u64).min(count);
    std::thread::scope(|scope| {
        let senders: Vec<_> = (0..threads)
            .map(|n| {
                let share = count / threads + u64::from(n < count % threads);
                scope.spawn(move || send_batches(bytes, destination, share))
            })
            .collect();
        senders.into_iter().try_fold(0, |sent, sender| {
            Ok(sent + sender.join().expect("a sender thread does not panic")?)
        })
    })
}

/// `count` copies of the packet on a new raw socket, BATCH per sendmmsg(2),
/// or fewer if a signal comes first; how many went out.
fn send_batches(
    bytes: &[u8],
    destination: SocketAddr,
    count: u64,
) -> Result<u64, Failure> {
    const BATCH: usize = 32;
    // socket(AF_INET or AF_INET6, SOCK_RAW, IPPROTO_RAW), one per thread:
    // no locking.
    let family = Domain::for_address(destination);
    let socket = Socket::new(family, Type::RAW, Some(Protocol::from(255)))
        .map_err(hints::no_raw_socket)?;
    let packets: Vec<[IoSlice; 1]> =
        (0..BATCH).map(|_| [IoSlice::new(bytes)]).collect();
    let addresses = vec![Some(SockaddrStorage::from(destination)); BATCH];
    let mut headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let no_control: [ControlMessage; 0] = [];
    let mut left = count;
    while left > 0 && !stop::asked() {
        let batch = left.min(BATCH as u64) as usize;
        // sendmmsg(2): `batch` datagrams in one system call.
        let sent = sendmmsg(
            socket.as_raw_fd(),
            &mut headers,
            &packets[..batch],
            &addresses[..batch],
            no_control,
            MsgFlags::empty(),
        )
        .map_err(io::Error::from)?;
        left -= sent.count() as u64;
    }
    Ok(count - left)
}
// ANCHOR_END: flood
