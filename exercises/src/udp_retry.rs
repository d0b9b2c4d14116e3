//! The challenge udp_retry (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge udp_retry")
}
