//! The challenge ttl_update (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge ttl_update")
}
// ANCHOR_END: challenge
