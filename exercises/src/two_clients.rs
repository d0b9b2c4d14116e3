//! The challenge two_clients (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge two_clients")
}
