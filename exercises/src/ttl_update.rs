//! Write it yourself (challenge): a router's checksum update. A router
//! that forwards an IPv4 packet takes one from its Time to Live, and must
//! then fix the header checksum; RFC 1624 fixes it from the old checksum
//! and the one 16-bit word that changed, without summing the header again.
//!
//! Fill in the three functions marked `todo!()`, then check them on
//! headers raw_sender's layouts build, on RFC 1624's own corner case, and
//! on a header that arrives damaged:
//!
//!     exercises/check ttl_update
//!
//! By hand, with the header raw_sender builds by default (TTL 64, checksum
//! 6a8f): it should come out with TTL 63 (3f) and checksum 6b8f.
//!
//!     cargo run -q -p exercises --bin exercise_ttl_update -- \
//!         450000291234000040106a8f7f0000017f000001
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Write};
use std::process::ExitCode;

use raw_sender::hex::{hex, unhex};
use raw_sender::ipv4::{HEADER_CHECKSUM, PROTOCOL, TIME_TO_LIVE};

fn main() -> ExitCode {
    let header = std::env::args().nth(1).and_then(|text| unhex(&text).ok());
    // RFC 791 § 3.1: IHL counts 5 to 15 words of 32 bits.
    let Some(mut header) = header.filter(|header| (20..=60).contains(&header.len()))
    else {
        stdio::say(
            "usage: exercise_ttl_update HEX (an IPv4 header of 20 to 60 bytes, \
             e.g. 450000291234000040106a8f7f0000017f000001)",
        );
        return ExitCode::from(2);
    };
    if let Err(why) = forward(&mut header) {
        stdio::say(&format!("exercise_ttl_update: {why}"));
        return ExitCode::FAILURE;
    }
    match writeln!(io::stdout(), "{}", hex(&header)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // nobody reads our output any more
    }
}

// ANCHOR: update
/// `a + b` in one's complement arithmetic, as RFC 1071 § 1 adds: a carry
/// out of the top bit is not lost but added back in at the bottom.
fn ones_complement_add(a: u16, b: u16) -> u16 {
    todo!("the sum, and its end-around carry")
}

/// RFC 1624 § 3: the new checksum HC' from the old one, HC, when one
/// 16-bit word of the header changes from m to m':
///
/// > HC' = ~(C + (-m) + m')    --    [Eqn. 3]
/// >     = ~(~HC + ~m + m')
///
/// `~` is the one's complement (Rust's `!`), `+` the addition above.
fn incremental_update(hc: u16, m: u16, m_new: u16) -> u16 {
    todo!("[Eqn. 3]")
}

/// What a router does to `header` before it forwards the packet: one
/// less Time to Live, and the checksum updated to match. A TTL of 0 is
/// refused: the packet should never have come this far.
fn forward(header: &mut [u8]) -> Result<(), String> {
    // 1. The TTL is byte TIME_TO_LIVE; a TTL of 0: an Err that says so.
    // 2. m is the 16-bit word (big-endian, RFC 791 § 3.1) that holds the
    //    TTL: which two bytes, and which half is the TTL? m' is that word
    //    once the TTL is one less.
    // 3. Write m' into the header, and the new checksum into
    //    HEADER_CHECKSUM, big-endian too.
    todo!("refuse TTL 0; TTL one less; the checksum updated")
}
// ANCHOR_END: update
