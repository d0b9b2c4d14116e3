//! stream_client's conversation, fast: standard input goes to the server by
//! sendfile(2) when it is a file, and the reply into standard output by
//! splice(2) when that is a file, a pipe or /dev/null
//! (going_fast/src/bulk.rs); either falls back to the lesson's loop. With fast_listener:
//!
//!     ./target/release/fast_listener -p 7001 > /dev/null          # terminal 1
//!     ./target/release/fast_client 127.0.0.1 7001 < big.file      # terminal 2
//!
//! `bench/run` measures it against `nc` and beside the lesson's
//! `stream_client -m -`.
#![forbid(unsafe_code)]

use std::io;
use std::net::Shutdown;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use going_fast::bulk;
use socket2::{Socket, Type};

/// Send standard input to a TCP server, print its reply: zero-copy where
/// the kernel allows.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Server's address
    #[arg(default_value = "127.0.0.1")]
    host: String,
    /// Server's TCP port
    #[arg(default_value_t = 12345, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// Seconds to wait at each step: to connect, for room to send, for the
    /// reply
    #[arg(short = 'w', long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
}

fn main() -> ExitCode {
    let args: Args = stdio::parse();
    match talk(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => stdio::report("fast_client", &error),
    }
}

fn talk(args: &Args) -> io::Result<()> {
    let timeout = Some(Duration::from_secs(args.timeout));
    let servers = address::resolve(&args.host, args.port, false)?;
    let server = &servers[0];
    let socket = Socket::new(server.domain(), Type::STREAM, None)?;
    socket.connect_timeout(server, Duration::from_secs(args.timeout))?;
    socket.set_write_timeout(timeout)?;
    socket.set_read_timeout(timeout)?;
    // sendfile(2) from a file; from anything else, the read/send loop.
    bulk::send_stdin(&socket)?;
    socket.shutdown(Shutdown::Write)?;
    // splice(2) into a file, a pipe or /dev/null; to a terminal, the loop.
    match bulk::receive_to_stdout(&socket) {
        Ok(_) => Ok(()),
        Err(stopped) if stopped.writing => Err(stdio::not_printed(
            stopped.error,
            "the rest of the reply is lost",
        )),
        Err(stopped) => Err(stopped.error),
    }
}
