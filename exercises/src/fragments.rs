//! The challenge fragments (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge fragments")
}
