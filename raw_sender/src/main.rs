//! Raw IP sender: every byte of the packet built by hand, then sent on a
//! raw socket that adds nothing. IPv4 by default, IPv6 with -6.
//!
//!     sudo tcpdump -i lo -nn -vv -X 'ip[9]=0x10'     # terminal 1
//!     cargo build -p raw_sender                       # terminal 2
//!     sudo ./target/debug/raw_sender
//!     ./target/debug/raw_sender --dry-run             # no privilege needed
//!     sudo ./target/debug/raw_sender -6 --icmp        # tcpdump -i lo ip6
//!
//! Terminal 1 shows our packet: protocol 16 (CHAOS; tcpdump says `proto
//! unknown (16)`), ttl 64, id 4660 and the greeting. The course's Python
//! `socket.socket(AF_INET, SOCK_RAW, IPPROTO_RAW)` is the
//! `Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255)))` below.
//! Raw sockets need CAP_NET_RAW: root, or `lab/sandbox` without sudo.
//! Send such packets only to hosts you own or are authorised to test.
#![forbid(unsafe_code)]

mod flags; // the command line: a flag for every field, refusals on one line
mod hints; // failures turned into one line, a hint and an exit code
mod route; // no --src: the address the kernel would send from to reach --dst
mod show; // --dry-run and --pcap: the packet shown or saved, not sent
mod stop; // SIGINT and SIGTERM: stop between packets, say how many went out

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Instant;

use raw_sender::ipv4::Ipv4Header;
use raw_sender::ipv6::Ipv6Header;
use raw_sender::packet::{IpHeader, Packet};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use flags::Args;
use hints::Failure;

/// An old protocol nothing here speaks; the filter `ip[9]=0x10` finds it.
const CHAOS: u8 = 16;

fn main() -> ExitCode {
    let args = flags::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => hints::report(failure),
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    // ANCHOR: header
    // The IPv4 header, field by field as RFC 791 § 3.1 draws it; ipv4.rs
    // writes each where the diagram puts it (Version, always 4, and IHL,
    // from the options' length, are written there too). A TCP, UDP or ICMP
    // header may follow it (flags.rs builds that from its flags), then the
    // data. With -6 (or an IPv6 --dst) the IPv6 header below instead.
    let ip = &args.ip;
    let destination = ip.destination()?; // --dst, or 127.0.0.1 (::1 with -6)
    let transport = args.transport.header(destination);
    let source = route::source(ip.src, destination)?; // --src, or ip route get DST
    // What follows: 6 for TCP, 17 UDP, 1 ICMP (58 ICMPv6), or CHAOS.
    let protocol = ip.proto.or(transport.protocol()).unwrap_or(CHAOS);
    let header = match (source.address(), destination) {
        (IpAddr::V4(source), IpAddr::V4(destination)) => IpHeader::V4(Ipv4Header {
            // DSCP (RFC 2474) in the high six bits, ECN (RFC 3168) in the low two.
            type_of_service: ip.type_of_service(),
            total_length: 0, // header and data: filled in below
            identification: ip.id(),
            evil: ip.evil, // the reserved flag bit, RFC 3514's "evil bit"
            dont_fragment: ip.df,
            more_fragments: ip.mf,
            fragment_offset: ip.frag_offset(),
            time_to_live: ip.ttl,
            protocol,
            header_checksum: 0, // over the finished header: filled in below
            source,
            destination,
            options: ip.options()?,
        }),
        // ANCHOR: ipv6_header
        // The IPv6 header, as RFC 8200 § 3 draws it (ipv6.rs): fewer
        // fields, and no checksum of its own.
        (IpAddr::V6(source), IpAddr::V6(destination)) => IpHeader::V6(Ipv6Header {
            traffic_class: ip.type_of_service(), // the same DSCP and ECN bits
            flow_label: ip.flow_label(),         // 20 bits, 0 for none
            payload_length: 0, // what follows the 40 bytes: filled in below
            next_header: protocol,
            hop_limit: ip.ttl,
            source,
            destination,
        }),
        // ANCHOR_END: ipv6_header
        (source, destination) => {
            let message =
                format!("--src {source} and {destination} are of two families");
            return Err(Failure::Usage(format!("{message}: give two of one kind")));
        }
    };
    // Total Length has 16 bits: no IPv4 datagram is longer than 65535 bytes.
    // --file is read no further; -m, --data-hex and --encode are checked.
    let payload = args.data.payload(&header, &transport)?;
    let mut packet = Packet {
        ip: header,
        transport,
        payload,
    };
    packet.check_total_len().map_err(Failure::Usage)?;
    // The lengths, then the checksums over them, from the inside out.
    packet.fill_in();
    // ANCHOR_END: header
    // --bad-checksum, --bad-l4-checksum and --payload-length spoil them on
    // purpose.
    args.spoil_on_purpose(&mut packet);
    let bytes = packet.build();

    // --dry-run and --pcap show or save the packet instead of sending it.
    show::dry_run_and_pcap(&args.sending, &packet, &bytes, &source)?;
    if !args.sending.on_the_wire() {
        return Ok(());
    }
    let sending = &args.sending;

    // A packet longer than the route's MTU: refused, with the size that fits.
    let headers = bytes.len() - packet.payload.len();
    route::check_fits(bytes.len(), headers, destination)?;

    // ANCHOR: send
    // AF_INET for an IPv4 destination, AF_INET6 for an IPv6 one.
    let family = Domain::for_address(SocketAddr::new(destination, 0));
    // ANCHOR: socket
    // socket(AF_INET, SOCK_RAW, IPPROTO_RAW); see raw(7), and ipv6(7)
    let socket = Socket::new(family, Type::RAW, Some(Protocol::from(255)))
        .map_err(hints::no_raw_socket)?;
    // ANCHOR_END: socket
    // IPPROTO_RAW means "I write the IP header myself" (IP_HDRINCL, and
    // IPV6_HDRINCL for AF_INET6): the kernel adds none. The port means
    // nothing to a raw socket; the kernel routes on the address.
    let address = SockAddr::from(SocketAddr::new(destination, 0));

    let mut stdout = io::stdout().lock();
    stop::catch_signals()?; // Ctrl-C now ends the loop below, not the process
    let (started, mut sent) = (Instant::now(), 0);
    // One packet every -i MS (--flood: no pause), until --count are sent or
    // a signal comes.
    while sent < sending.count && stop::go_on(sent, sending.pause()) {
        // sendto(2): the bytes go out as they are, but for the fields Linux
        // fills in (raw(7)): checksum, total length, an id or source of 0.
        // An IPv6 header it sends exactly as written, even a wrong one.
        socket.send_to(&bytes, &address).map_err(|error| {
            let message = format!("cannot send to {destination}: {error}");
            io::Error::new(error.kind(), message)
        })?;
        sent += 1;
        if !sending.flood {
            // "sent 41 bytes to 127.0.0.1, protocol 16 (CHAOS), id 4660"
            show::sent(&mut stdout, &packet, bytes.len(), (sent, sending.count))?;
        }
    }
    show::rate(&mut stdout, (sent, sending.count), started.elapsed())?;
    // close(2): `socket` is dropped here, and that closes it.
    stop::outcome() // exit 130 after Ctrl-C (SIGINT), 143 after SIGTERM
    // ANCHOR_END: send
}
