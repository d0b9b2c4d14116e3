//! Flood mode, fast. `raw_sender --flood` sends its packet with one
//! sendto(2) after another on one thread: each packet costs a system call,
//! and the kernel waits on the calls. Here every core gets a sender thread
//! with a raw socket of its own, and each hands the kernel up to BATCH
//! copies per sendmmsg(2) call: the kernel's loopback path, not the calls,
//! sets the pace. Still exactly `count` packets (fewer only when `stop` is
//! set).

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::sys::socket::{
    ControlMessage, MsgFlags, MultiHeaders, SockaddrStorage, sendmmsg,
};
use socket2::{Domain, Protocol, Socket, Type};

/// Packets per sendmmsg(2) call.
pub const BATCH: usize = 32;

// ANCHOR: flood
/// `count` copies of the raw IP packet `bytes` to `destination`, from one
/// sender thread per core, `count` shared out among them; how many they
/// sent in all (fewer once `stop` is set).
pub fn send(
    bytes: &[u8],
    destination: SocketAddr,
    count: u64,
    stop: &AtomicBool,
) -> io::Result<u64> {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let threads = (cores as u64).min(count).max(1);
    std::thread::scope(|scope| {
        let senders: Vec<_> = (0..threads)
            .map(|n| {
                let share = count / threads + u64::from(n < count % threads);
                scope.spawn(move || send_batches(bytes, destination, share, stop))
            })
            .collect();
        senders.into_iter().try_fold(0, |sent, sender| {
            let joined = sender
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a sender thread failed")));
            Ok(sent + joined?)
        })
    })
}

/// `count` copies of the packet on a new raw socket, BATCH per sendmmsg(2),
/// or fewer if `stop` is set first; how many went out.
fn send_batches(
    bytes: &[u8],
    destination: SocketAddr,
    count: u64,
    stop: &AtomicBool,
) -> io::Result<u64> {
    // socket(AF_INET or AF_INET6, SOCK_RAW, IPPROTO_RAW), one per thread:
    // no locking.
    let family = Domain::for_address(destination);
    let socket = Socket::new(family, Type::RAW, Some(Protocol::from(255)))?;
    let packets: Vec<[IoSlice; 1]> =
        (0..BATCH).map(|_| [IoSlice::new(bytes)]).collect();
    let addresses = vec![Some(SockaddrStorage::from(destination)); BATCH];
    let mut headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let no_control: [ControlMessage; 0] = [];
    let mut left = count;
    while left > 0 && !stop.load(Ordering::Relaxed) {
        let batch = left.min(BATCH as u64) as usize;
        // sendmmsg(2): `batch` datagrams in one system call.
        let sent = sendmmsg(
            socket.as_raw_fd(),
            &mut headers,
            &packets[..batch],
            &addresses[..batch],
            no_control,
            MsgFlags::empty(),
        )?;
        left -= sent.count() as u64;
    }
    Ok(count - left)
}
// ANCHOR_END: flood
