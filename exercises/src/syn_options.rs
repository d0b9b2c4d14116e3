//! The challenge syn_options (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge syn_options")
}
