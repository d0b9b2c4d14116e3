//! Write it yourself: a TCP server for one client, in the order every
//! server makes its calls: socket, bind, listen, accept, recv, send, close.
//!
//! Fill in `serve` where it says `todo!()`, then check it with a client:
//!
//!     exercises/check listener
//!
//! Or try it by hand:
//!
//!     cargo run -q -p exercises --bin exercise_listener      # terminal 1
//!     echo "hello from nc" | nc -N 127.0.0.1 12345            # terminal 2
#![forbid(unsafe_code)]
#![allow(
    dead_code,
    unused_imports,
    unused_variables,
    reason = "the skeleton: you will need these where todo!() stands"
)]

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use socket2::{Domain, SockAddr, Socket, Type};

/// What we answer, as `echo "I got your message" | nc -l -p 12345` does.
const REPLY: &[u8] = b"I got your message\n";

fn main() -> ExitCode {
    // 127.0.0.1: nothing beyond this machine can reach us.
    let address = SocketAddr::from(([127, 0, 0, 1], 12345));
    match serve(address) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(io::stderr(), "exercise_listener: {error}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: serve
/// Waits for one client on `address`, writes what it sends to standard
/// output, answers with REPLY, and closes.
fn serve(address: SocketAddr) -> io::Result<()> {
    // 1. socket(AF_INET, SOCK_STREAM, 0): the same call as a client's.
    // 2. setsockopt(SO_REUSEADDR), `set_reuse_address(true)`: bind even while
    //    connections of an earlier run linger in TIME_WAIT.
    // 3. bind(2) to `address` (socket2 takes it as `SockAddr::from(address)`).
    // 4. listen(2), with a backlog of 128: the kernel now answers SYNs.
    // 5. accept(2): a new socket for the client, and the client's address.
    // 6. recv(2) on the client's socket, `(&client).read(&mut buffer)`, and
    //    write what came to standard output; again and again, until a recv
    //    returns 0 bytes: the client has sent its FIN.
    // 7. send(2) every byte of REPLY to the client.
    // close(2) happens by itself when the sockets are dropped.
    todo!("socket, bind, listen, accept, recv, send")
}
// ANCHOR_END: serve
