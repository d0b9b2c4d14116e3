//! The challenge two_clients (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge two_clients")
}
// ANCHOR_END: challenge
