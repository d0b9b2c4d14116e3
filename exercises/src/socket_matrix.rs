//! The challenge socket_matrix (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge socket_matrix")
}
