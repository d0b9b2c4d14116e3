//! The challenge extension_header (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge extension_header")
}
