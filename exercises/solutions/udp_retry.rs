//! The challenge udp_retry (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge udp_retry")
}
// ANCHOR_END: challenge
