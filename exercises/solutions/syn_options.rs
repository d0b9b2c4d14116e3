//! The challenge syn_options (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge syn_options")
}
// ANCHOR_END: challenge
