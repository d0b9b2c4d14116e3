//! Raw receive (--raw): a SOCK_RAW socket for one IP protocol number hands
//! us each packet of that protocol whole, IPv4 header included, and each is
//! printed as decode.rs reads it. IPv6 packets (-6) come from a packet
//! socket instead (raw6.rs), and are read the same way.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use raw_sender::Malformed;
use raw_sender::packet::Packet;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use stdio::say;

use crate::flags::{Args, Decoding};
use crate::{decode, hints, raw6, shutdown, tally};

// ANCHOR: listen
pub fn listen(args: &Args, protocol: u8) -> io::Result<()> {
    let address = match args.raw_address() {
        IpAddr::V4(address) => SocketAddr::from((address, 0)),
        IpAddr::V6(address) => return listen6(args, protocol, address), // -6
    };
    // socket(AF_INET, SOCK_RAW, protocol); see raw(7). Each packet of that
    // protocol arrives whole, IPv4 header first. (IPPROTO_RAW, 255, can only
    // send: that is why raw_sender uses it and we cannot.)
    let protocol_number = Protocol::from(i32::from(protocol));
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(protocol_number))
        .map_err(hints::no_raw_socket)?;
    // bind(2) to an address: only packets sent to it arrive.
    socket.bind(&SockAddr::from(address))?;
    shutdown::on_signal(args, "packets", &socket)?;
    let ip = address.ip();
    say(&format!("listening on {ip} (raw, protocol {protocol})"));
    let mut buffer = vec![0u8; 65_536];
    let mut seen = 0;
    while args.count.is_none_or(|count| seen < count) {
        // recv(2): one whole packet per call, from its IPv4 header on.
        let len = (&socket).read(&mut buffer)?;
        print(&buffer[..len], Packet::parse(&buffer[..len]), args.decode)?;
        seen += 1;
    }
    Ok(())
}
// ANCHOR_END: listen

/// -6: the IPv6 packets of Next Header `protocol` sent to `address`.
fn listen6(args: &Args, protocol: u8, address: Ipv6Addr) -> io::Result<()> {
    let socket = raw6::open().map_err(hints::no_raw_socket)?;
    shutdown::on_signal(args, "packets", &socket)?;
    say(&format!(
        "listening on {address} (raw IPv6, next header {protocol})"
    ));
    let mut buffer = vec![0u8; raw6::MAX_PACKET];
    let mut seen = 0;
    while args.count.is_none_or(|count| seen < count) {
        let len = raw6::next(&socket, &mut buffer, protocol, address)?;
        let packet = &buffer[..len];
        print(packet, raw6::parse(packet), args.decode)?;
        seen += 1;
    }
    Ok(())
}

/// Counts a packet and prints its report. A report that cannot be printed
/// (stdout closed or full) is that packet's loss: one line says so, the
/// listener goes on, and its exit status will be 74.
fn print(
    bytes: &[u8],
    parsed: Result<Packet, Malformed>,
    decoding: Option<Decoding>,
) -> io::Result<()> {
    tally::served(bytes.len() as u64);
    let source = parsed.as_ref().ok().map(|packet| packet.ip.source());
    let report = decode::report(bytes, parsed, decoding);
    let mut stdout = io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{report}").and_then(|()| stdout.flush()) {
        tally::output_failed();
        let from = source.map_or("(malformed)".into(), |ip| format!("from {ip}"));
        let len = bytes.len();
        let lost = format!("the report of a packet of {len} bytes {from} is lost");
        say(&format!("listener: {}", stdio::not_printed(error, lost)));
    }
    Ok(())
}
