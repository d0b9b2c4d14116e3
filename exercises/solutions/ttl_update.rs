//! Solution (challenge): a router's checksum update, RFC 1624's
//! incremental update of the IPv4 header checksum when the TTL drops by one.
//!
//!     exercises/check ttl_update --solution
#![forbid(unsafe_code)]

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

// ANCHOR: challenge
/// `a + b` in one's complement arithmetic, as RFC 1071 § 1 adds: a carry
/// out of the top bit is not lost but added back in at the bottom.
fn ones_complement_add(a: u16, b: u16) -> u16 {
    let (sum, carry) = a.overflowing_add(b);
    // With a carry, a + b - 0x10000 is at most 0xFFFE: room for it.
    sum + u16::from(carry)
}

/// RFC 1624 § 3: the new checksum HC' from the old one, HC, when one
/// 16-bit word of the header changes from m to m':
///
/// > HC' = ~(C + (-m) + m')    --    [Eqn. 3]
/// >     = ~(~HC + ~m + m')
fn incremental_update(hc: u16, m: u16, m_new: u16) -> u16 {
    !ones_complement_add(ones_complement_add(!hc, !m), m_new)
}

/// What a router does to `header` before it forwards the packet: one
/// less Time to Live, and the checksum updated to match. A TTL of 0 is
/// refused: the packet should never have come this far.
fn forward(header: &mut [u8]) -> Result<(), String> {
    if header[TIME_TO_LIVE] == 0 {
        // RFC 791 § 3.1: "If this field contains the value zero, then the
        // datagram must be destroyed."
        return Err("Time to Live is 0: a router drops the packet".into());
    }
    // RFC 791 § 3.1: the TTL is the high byte of the fifth 16-bit word,
    // the Protocol its low byte. m' is m less 1 in the high byte.
    let m = u16::from_be_bytes([header[TIME_TO_LIVE], header[PROTOCOL]]);
    let m_new = m - 0x0100;
    header[TIME_TO_LIVE..=PROTOCOL].copy_from_slice(&m_new.to_be_bytes());
    let hc =
        u16::from_be_bytes([header[HEADER_CHECKSUM][0], header[HEADER_CHECKSUM][1]]);
    let hc_new = incremental_update(hc, m, m_new);
    header[HEADER_CHECKSUM].copy_from_slice(&hc_new.to_be_bytes());
    Ok(())
}
// ANCHOR_END: challenge
