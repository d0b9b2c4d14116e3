//! The challenge extension_header (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge extension_header")
}
// ANCHOR_END: challenge
