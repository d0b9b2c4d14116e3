//! The challenge http_client (to be written).
#![forbid(unsafe_code)]

fn main() {
    todo!("the challenge http_client")
}
