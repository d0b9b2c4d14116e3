//! What the listener has done so far, kept where every thread can count:
//! peers served and bytes received (for the last line), clients being
//! served right now (the stop waits for them), whether a signal asked us to
//! stop, and whether some of what arrived could not be printed (the exit
//! status says so).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Clients, datagrams or packets served; the bytes they brought.
static SERVED: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

/// One more served, which brought `bytes` bytes.
pub fn served(bytes: u64) {
    SERVED.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(bytes, Ordering::Relaxed);
}

/// (served, bytes received) so far.
pub fn totals() -> (u64, u64) {
    (
        SERVED.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    )
}

/// Set when standard output failed: the exit status says so.
static OUTPUT_FAILED: AtomicBool = AtomicBool::new(false);

/// What a client or datagram sent could not be printed.
pub fn output_failed() {
    OUTPUT_FAILED.store(true, Ordering::SeqCst);
}

/// The status to exit with: 0, or sysexits(3)'s EX_IOERR (74) when some of
/// what arrived could not be printed.
pub fn exit_code() -> u8 {
    if OUTPUT_FAILED.load(Ordering::SeqCst) {
        74
    } else {
        0
    }
}

/// Clients being served right now, and whether a signal asked us to stop.
static ACTIVE: AtomicU64 = AtomicU64::new(0);
static STOPPING: AtomicBool = AtomicBool::new(false);

/// True once SIGINT or SIGTERM has come: take no new client.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// A signal came: take no new client.
pub fn stop() {
    STOPPING.store(true, Ordering::SeqCst);
}

/// How many clients are being served right now.
pub fn active() -> u64 {
    ACTIVE.load(Ordering::SeqCst)
}

/// A client being served; the stop waits for it.
pub struct Busy;

impl Busy {
    pub fn start() -> Busy {
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        Busy
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}
