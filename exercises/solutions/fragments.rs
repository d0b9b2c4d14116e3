//! The challenge fragments (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge fragments")
}
// ANCHOR_END: challenge
