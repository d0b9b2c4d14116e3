//! The challenge ttl_update (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge ttl_update")
}
