//! The challenge http_client (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge http_client")
}
// ANCHOR_END: challenge
