//! The challenge socket_matrix (to be written).
#![forbid(unsafe_code)]

// ANCHOR: challenge
fn main() {
    todo!("the challenge socket_matrix")
}
// ANCHOR_END: challenge
