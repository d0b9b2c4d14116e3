//! The listener's conversation, fast: what the client sends goes into
//! standard output by splice(2) when that is a file, a pipe or /dev/null,
//! and the reply, standard input, goes by sendfile(2) when it is a file
//! (going_fast/src/bulk.rs); either falls back to the lesson's loop. One
//! client, on 127.0.0.1:
//!
//!     ./target/release/fast_listener -p 7002 < big.file            # terminal 1
//!     ./target/release/fast_client 127.0.0.1 7002 > /dev/null      # terminal 2
//!
//! `bench/run` measures it against `nc -l` and beside the lesson's
//! `listener`.
#![forbid(unsafe_code)]

use std::io::{self, IsTerminal};
use std::net::{Ipv4Addr, Shutdown, SocketAddr};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use going_fast::bulk;
use socket2::{Domain, SockAddr, Socket, Type};
use stdio::say;

/// Serve one TCP client on 127.0.0.1: print what it sends, answer with
/// standard input: zero-copy where the kernel allows.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (0: the kernel chooses; the first line says which)
    #[arg(short, long, default_value_t = 12345)]
    port: u16,
    /// Seconds a client may stay silent, or leave the reply unread
    #[arg(short = 'w', long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
}

fn main() -> ExitCode {
    let args: Args = stdio::parse();
    match serve(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => stdio::report("fast_listener", &error),
    }
}

fn serve(args: &Args) -> io::Result<()> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&SockAddr::from(address))?;
    socket.listen(128)?;
    let bound = socket.local_addr()?.as_socket().map(|at| at.to_string());
    say(&format!("listening on {} (tcp)", bound.unwrap_or_default()));
    let (client, _) = socket.accept()?;
    let timeout = Some(Duration::from_secs(args.timeout));
    client.set_read_timeout(timeout)?;
    client.set_write_timeout(timeout)?;
    // The reply goes out while what arrives comes in, as the lesson's does.
    thread::scope(|scope| {
        let reply = scope.spawn(|| send_reply(&client));
        // splice(2) into a file, a pipe or /dev/null; else the loop.
        let received = bulk::receive_to_stdout(&client).map_err(|stopped| {
            match stopped.writing {
                true => stdio::not_printed(
                    stopped.error,
                    "the rest of what the client sent is lost",
                ),
                false => stopped.error,
            }
        });
        let replied = reply
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the reply thread failed")));
        received.and(replied).map(|_| ())
    })?;
    client.shutdown(Shutdown::Write)
}

/// Standard input to the client: sendfile(2) from a file, else the loop;
/// nothing when it is a terminal.
fn send_reply(client: &Socket) -> io::Result<u64> {
    match io::stdin().is_terminal() {
        true => Ok(0),
        false => bulk::send_stdin(client),
    }
}
