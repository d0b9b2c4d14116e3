//! Stopping early, as ping does: SIGINT (Ctrl-C) or SIGTERM while packets
//! go out ends the run between two packets, with
//! the usual last line saying how many were sent, and the exit status a
//! shell gives a process the signal ended: 128 + its number, 130 or 143.
//!
//! The signal handler only sets a flag (signal-hook does that safely); the
//! send loops read it. A pause between packets is slept in short steps, so
//! Ctrl-C during `-i 5000` is answered at once, not five seconds later.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};

use crate::hints::Failure;

/// 0 until a signal comes; then the exit status it asks for.
static ASKED: AtomicUsize = AtomicUsize::new(0);

/// From here on SIGINT and SIGTERM set the flag instead of ending the
/// process at once.
pub fn catch_signals() -> io::Result<()> {
    for signal in [SIGINT, SIGTERM] {
        let status = 128 + signal as usize;
        signal_hook::flag::register_usize(signal, &ASKED, status)?;
    }
    Ok(())
}

/// Has SIGINT or SIGTERM come?
pub fn asked() -> bool {
    ASKED.load(Ordering::Relaxed) != 0
}

/// Before packet number `sent` (from 0): waits `interval_ms` unless it is
/// the first, and says whether to go on (no signal has come).
pub fn go_on(sent: u64, interval_ms: u64) -> bool {
    const STEP: Duration = Duration::from_millis(10);
    let until = Instant::now() + Duration::from_millis(interval_ms);
    while sent > 0 && !asked() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(STEP));
    }
    !asked()
}

/// After the last line: a signal that ended the run early decides the
/// exit status.
pub fn outcome() -> Result<(), Failure> {
    match ASKED.load(Ordering::Relaxed) {
        0 => Ok(()),
        status => Err(Failure::Stopped(status as u8)),
    }
}
