//! The header layouts checked three ways: build then parse gives back every
//! field; an independent decoder (etherparse) reads the same fields and
//! computes the same checksums; the course's Python `struct.pack` layout
//! gives the same bytes. And bytes that do not add up are refused, each
//! with its reason. The same for IPv6 (RFC 8200 § 3) with TCP, UDP and
//! ICMPv6 behind it, whose checksums cover the IPv6 pseudo-header.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::process::Command;

use raw_sender::icmp::{self, IcmpEcho};
use raw_sender::icmpv6;
use raw_sender::ipv4::{self, Ipv4Header};
use raw_sender::ipv6::{self, Ipv6Header};
use raw_sender::packet::{IpHeader, Packet, Transport};
use raw_sender::tcp::TcpHeader;
use raw_sender::udp::UdpHeader;

use testkit::Random;

/// A random IPv4 address (any: these packets are only built and parsed).
fn address(random: &mut Random) -> Ipv4Addr {
    Ipv4Addr::from(random.u64() as u32)
}

/// A random IPv6 address.
fn address_v6(random: &mut Random) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(random.u64()) << 64 | u128::from(random.u64()))
}

/// The IPv4 header of a packet these tests built as IPv4.
fn v4(packet: &Packet) -> &Ipv4Header {
    match &packet.ip {
        IpHeader::V4(ip) => ip,
        IpHeader::V6(_) => panic!("these packets are IPv4"),
    }
}

fn random_packet(random: &mut Random, transport: usize) -> Packet {
    let transport = match transport % 4 {
        0 => Transport::None,
        1 => Transport::Tcp(TcpHeader {
            source_port: random.u16(),
            destination_port: random.u16(),
            sequence_number: random.u64() as u32,
            acknowledgment_number: random.u64() as u32,
            flags: random.byte(),
            window: random.u16(),
            checksum: 0,
            urgent_pointer: random.u16(),
            options: vec![1; 4 * (random.u64() as usize % 3)],
        }),
        2 => Transport::Udp(UdpHeader {
            source_port: random.u16(),
            destination_port: random.u16(),
            length: 0,
            checksum: 0,
        }),
        _ => Transport::Icmp(IcmpEcho {
            icmp_type: icmp::ECHO_REQUEST,
            code: 0,
            checksum: 0,
            identifier: random.u16(),
            sequence_number: random.u16(),
        }),
    };
    let protocol = match transport {
        Transport::None => 16,
        Transport::Tcp(_) => 6,
        Transport::Udp(_) => 17,
        Transport::Icmp(_) => 1,
        Transport::Icmpv6(_) => 58,
    };
    let mut packet = Packet {
        ip: IpHeader::V4(Ipv4Header {
            type_of_service: random.byte(),
            total_length: 0,
            identification: random.u16(),
            evil: random.bool(),
            dont_fragment: random.bool(),
            more_fragments: random.bool(),
            // Only a first fragment carries the transport header.
            fragment_offset: 0,
            time_to_live: random.byte(),
            protocol,
            header_checksum: 0,
            source: address(random),
            destination: address(random),
            options: vec![1; 4 * (random.u64() as usize % 11)],
        }),
        transport,
        payload: random.bytes(300),
    };
    packet.fill_in();
    packet
}

#[test]
fn build_then_parse_gives_back_every_field() {
    let mut random = Random::new("build_then_parse_gives_back_every_field");
    for round in 0..2000 {
        let packet = random_packet(&mut random, round);
        let bytes = packet.build();
        assert_eq!(bytes.len(), usize::from(v4(&packet).total_length));
        assert_eq!(Packet::parse(&bytes), Ok(packet.clone()), "round {round}");
        assert!(
            checksum::verify(&bytes[..packet.ip.header_len()]),
            "round {round}"
        );
        if let Some((carried, expected)) = packet.transport_checksums() {
            assert_eq!(carried, expected, "round {round}");
        }
    }
}

#[test]
fn fragments_with_any_offset_round_trip_without_a_transport_header() {
    let mut random = Random::new(
        "fragments_with_any_offset_round_trip_without_a_transport_header",
    );
    for offset in [1, 185, 8191] {
        let mut packet = random_packet(&mut random, 0);
        if let IpHeader::V4(ip) = &mut packet.ip {
            ip.fragment_offset = offset;
        }
        packet.fill_in();
        assert_eq!(Packet::parse(&packet.build()), Ok(packet));
    }
}

#[test]
fn etherparse_reads_the_same_fields_and_checksums() {
    let mut random = Random::new("etherparse_reads_the_same_fields_and_checksums");
    for round in 0..1000 {
        let packet = random_packet(&mut random, round);
        let bytes = packet.build();
        let (ip, rest) = etherparse::Ipv4Header::from_slice(&bytes).unwrap();
        assert_eq!(ip.dscp.value(), v4(&packet).type_of_service >> 2);
        assert_eq!(ip.ecn.value(), v4(&packet).type_of_service & 3);
        assert_eq!(ip.total_len, v4(&packet).total_length);
        assert_eq!(ip.identification, v4(&packet).identification);
        assert_eq!(ip.dont_fragment, v4(&packet).dont_fragment);
        assert_eq!(ip.more_fragments, v4(&packet).more_fragments);
        assert_eq!(ip.fragment_offset.value(), v4(&packet).fragment_offset);
        assert_eq!(ip.time_to_live, v4(&packet).time_to_live);
        assert_eq!(ip.protocol.0, v4(&packet).protocol);
        assert_eq!(ip.source, v4(&packet).source.octets());
        assert_eq!(ip.destination, v4(&packet).destination.octets());
        assert_eq!(ip.options.as_slice(), v4(&packet).options.as_slice());
        assert_eq!(ip.header_checksum, v4(&packet).header_checksum);
        // etherparse has no field for the evil bit (it drops it), so its
        // checksum can only agree where that bit is clear.
        assert_eq!(bytes[6] & 0x80 != 0, v4(&packet).evil);
        if !v4(&packet).evil {
            assert_eq!(
                ip.header_checksum,
                ip.calc_header_checksum(),
                "round {round}"
            );
        }

        let data = &rest[..usize::from(ip.total_len) - ip.header_len()];
        match &packet.transport {
            Transport::None => assert_eq!(data, packet.payload.as_slice()),
            Transport::Tcp(ours) => {
                let (tcp, payload) =
                    etherparse::TcpHeader::from_slice(data).unwrap();
                assert_eq!(tcp.source_port, ours.source_port);
                assert_eq!(tcp.destination_port, ours.destination_port);
                assert_eq!(tcp.sequence_number, ours.sequence_number);
                assert_eq!(tcp.acknowledgment_number, ours.acknowledgment_number);
                let flags = [
                    tcp.fin, tcp.syn, tcp.rst, tcp.psh, tcp.ack, tcp.urg, tcp.ece,
                    tcp.cwr,
                ];
                let bits = flags
                    .iter()
                    .enumerate()
                    .fold(0u8, |bits, (n, on)| bits | (u8::from(*on) << n));
                assert_eq!(bits, ours.flags);
                assert_eq!(tcp.window_size, ours.window);
                assert_eq!(tcp.urgent_pointer, ours.urgent_pointer);
                assert_eq!(tcp.options.as_slice(), ours.options.as_slice());
                assert_eq!(
                    tcp.checksum,
                    tcp.calc_checksum_ipv4(&ip, payload).unwrap()
                );
                assert_eq!(tcp.checksum, ours.checksum);
                assert_eq!(payload, packet.payload.as_slice());
            }
            Transport::Udp(ours) => {
                let (udp, payload) =
                    etherparse::UdpHeader::from_slice(data).unwrap();
                assert_eq!(udp.source_port, ours.source_port);
                assert_eq!(udp.destination_port, ours.destination_port);
                assert_eq!(udp.length, ours.length);
                assert_eq!(
                    udp.checksum,
                    udp.calc_checksum_ipv4(&ip, payload).unwrap()
                );
                assert_eq!(udp.checksum, ours.checksum);
            }
            Transport::Icmp(ours) => {
                let (icmp, payload) =
                    etherparse::Icmpv4Header::from_slice(data).unwrap();
                let etherparse::Icmpv4Type::EchoRequest(echo) = icmp.icmp_type
                else {
                    panic!("not an echo request: {icmp:?}");
                };
                assert_eq!(
                    (echo.id, echo.seq),
                    (ours.identifier, ours.sequence_number)
                );
                assert_eq!(icmp.checksum, icmp.icmp_type.calc_checksum(payload));
                assert_eq!(icmp.checksum, ours.checksum);
            }
            Transport::Icmpv6(_) => panic!("these packets are IPv4"),
        }
    }
}

#[test]
fn the_courses_python_struct_pack_gives_the_same_20_bytes() {
    if !testkit::have_tool(
        "the_courses_python_struct_pack_gives_the_same_20_bytes",
        "python3",
    ) {
        return;
    }
    // The header as the course builds it in Python, checksum by RFC 1071.
    let python = r#"
import socket, struct, sys
def checksum(data):
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
ver_ihl, tos, tot_len, ip_id, frag, ttl, proto = [int(a) for a in sys.argv[1:8]]
src, dst = socket.inet_aton(sys.argv[8]), socket.inet_aton(sys.argv[9])
header = struct.pack('!BBHHHBBH4s4s', ver_ihl, tos, tot_len, ip_id, frag, ttl, proto, 0, src, dst)
header = struct.pack('!BBHHHBBH4s4s', ver_ihl, tos, tot_len, ip_id, frag, ttl, proto, checksum(header), src, dst)
sys.stdout.write(header.hex())
"#;
    let mut random =
        Random::new("the_courses_python_struct_pack_gives_the_same_20_bytes");
    for round in 0..50 {
        let mut packet = random_packet(&mut random, round);
        if let IpHeader::V4(ip) = &mut packet.ip {
            ip.options.clear();
        }
        packet.fill_in();
        let ip = v4(&packet);
        let flags_and_offset = (u16::from(ip.evil) << 15)
            | (u16::from(ip.dont_fragment) << 14)
            | (u16::from(ip.more_fragments) << 13)
            | ip.fragment_offset;
        let values = [
            "69".to_string(), // 0x45: version 4, IHL 5
            ip.type_of_service.to_string(),
            ip.total_length.to_string(),
            ip.identification.to_string(),
            flags_and_offset.to_string(),
            ip.time_to_live.to_string(),
            ip.protocol.to_string(),
            ip.source.to_string(),
            ip.destination.to_string(),
        ];
        let output = Command::new("python3")
            .arg("-c")
            .arg(python)
            .args(&values)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let ours = raw_sender::hex::hex(&ip.build());
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            ours,
            "round {round}"
        );
    }
}

#[test]
fn ipv4_refuses_what_does_not_add_up() {
    // 127.0.0.1 -> 127.0.0.1, protocol 16, id 0x1234, ttl 64, "hello chaos",
    // as tcpdump -X printed it from lo.
    let header = [
        0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x00, 0x00, 0x40, 0x10, 0x6a, 0x99,
        0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
    ];
    let long = [&header[..], b"hello chaos"].concat();
    assert!(Ipv4Header::parse(&long).is_ok());
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (long[..19].to_vec(), "too few"),
        ([&[0x44], &long[1..]].concat(), "IHL is 4"),
        ([&[0x4F], &long[1..]].concat(), "IHL says 60"),
        ([&[0x65], &long[1..]].concat(), "version is 6"),
        (
            [&long[..2], &[0x00, 0x40], &long[4..]].concat(),
            "total length says 64",
        ),
        (
            [&long[..2], &[0x00, 0x10], &long[4..]].concat(),
            "shorter than",
        ),
    ];
    for (packet, reason) in cases {
        let error = Ipv4Header::parse(&packet).unwrap_err();
        assert!(
            error.to_string().contains(reason),
            "{error} lacks {reason:?}"
        );
    }
}

#[test]
fn ipv4_options_longer_than_40_bytes_are_refused() {
    assert!(ipv4::check_options(&[1; 40]).is_ok());
    assert!(ipv4::check_options(&[1; 37]).is_ok());
    assert!(
        ipv4::check_options(&[1; 41])
            .unwrap_err()
            .contains("at most 40")
    );
}

#[test]
fn etherparse_reads_our_icmp_errors_every_unreachable_code_and_time_exceeded() {
    let mut random = Random::new(
        "etherparse_reads_our_icmp_errors_every_unreachable_code_and_time_exceeded",
    );
    let kinds = (0..=15u8)
        .map(|code| (icmp::DESTINATION_UNREACHABLE, code))
        .chain([(icmp::TIME_EXCEEDED, 0), (icmp::TIME_EXCEEDED, 1)]);
    for (icmp_type, code) in kinds {
        // A quoted IPv4 header (any fields) and 64 bits of its data.
        let mut quoted = random_packet(&mut random, 0);
        quoted.payload.resize(icmp::ORIGINAL_DATA_LEN, 0xa5);
        quoted.fill_in();
        let quote = quoted.build();
        // Next-Hop MTU (RFC 1191) only where code 4 gives it a meaning.
        let rest_of_header = if (icmp_type, code) == (3, 4) { 1280 } else { 0 };
        let mut ours = icmp::IcmpError {
            icmp_type,
            code,
            checksum: 0,
            rest_of_header,
        };
        ours.checksum = ours.expected_checksum(&quote);
        let message = [ours.build(), quote.clone()].concat();
        let (theirs, payload) =
            etherparse::Icmpv4Header::from_slice(&message).unwrap();
        let what = format!("type {icmp_type} code {code}: {theirs:?}");
        use etherparse::Icmpv4Type::{DestinationUnreachable, TimeExceeded};
        let (their_type, their_code) = match &theirs.icmp_type {
            DestinationUnreachable(header) => (3, header.code_u8()),
            TimeExceeded(code) => (11, code.code_u8()),
            _ => panic!("{what}"),
        };
        assert_eq!((their_type, their_code), (icmp_type, code), "{what}");
        if let DestinationUnreachable(header) = &theirs.icmp_type
            && code == 4
        {
            assert_eq!(
                *header,
                etherparse::icmpv4::DestUnreachableHeader::FragmentationNeeded {
                    next_hop_mtu: 1280
                }
            );
        }
        assert_eq!(payload, &quote[..], "{what}");
        assert_eq!(theirs.checksum, ours.checksum, "{what}");
        assert_eq!(
            theirs.icmp_type.calc_checksum(payload),
            ours.checksum,
            "{what}"
        );
        assert_eq!(theirs.to_bytes().as_slice(), &message[..8], "{what}");
        assert_eq!(icmp::IcmpError::parse(&message), Ok((ours, &quote[..])));
    }
}

/// The IPv6 header of a packet these tests built as IPv6.
fn v6(packet: &Packet) -> &Ipv6Header {
    match &packet.ip {
        IpHeader::V6(ip) => ip,
        IpHeader::V4(_) => panic!("these packets are IPv6"),
    }
}

/// An IPv6 packet with random fields; `transport` picks none, TCP, UDP or
/// ICMPv6 echo behind the header. The lengths and checksums are filled in.
fn random_v6_packet(random: &mut Random, transport: usize) -> Packet {
    let v4 = random_packet(random, transport);
    let transport = match v4.transport {
        Transport::Icmp(mut echo) => {
            echo.icmp_type = match random.bool() {
                true => icmpv6::ECHO_REQUEST,
                false => icmpv6::ECHO_REPLY,
            };
            Transport::Icmpv6(echo)
        }
        other => other,
    };
    let next_header = transport.protocol().unwrap_or(16);
    let mut packet = Packet {
        ip: IpHeader::V6(Ipv6Header {
            traffic_class: random.byte(),
            flow_label: random.u64() as u32 & ipv6::MAX_FLOW_LABEL,
            payload_length: 0,
            next_header,
            hop_limit: random.byte(),
            source: address_v6(random),
            destination: address_v6(random),
        }),
        transport,
        payload: v4.payload,
    };
    packet.fill_in();
    packet
}

#[test]
fn ipv6_build_then_parse_gives_back_every_field() {
    let mut random = Random::new("ipv6_build_then_parse_gives_back_every_field");
    for round in 0..2000 {
        let packet = random_v6_packet(&mut random, round);
        let bytes = packet.build();
        let ip = v6(&packet);
        // Payload Length counts all but the 40-byte header, and fill_in
        // wrote it where RFC 8200 § 3 puts it, bytes 4-5.
        assert_eq!(bytes.len(), 40 + usize::from(ip.payload_length));
        assert_eq!(
            usize::from(ip.payload_length),
            packet.transport.header_len() + packet.payload.len()
        );
        assert_eq!(&bytes[4..6], &ip.payload_length.to_be_bytes());
        assert_eq!(bytes[0] >> 4, 6, "version 6");
        assert_eq!(Packet::parse(&bytes), Ok(packet.clone()), "round {round}");
        if let Some((carried, expected)) = packet.transport_checksums() {
            assert_eq!(carried, expected, "round {round}");
        } else {
            assert_eq!(packet.transport, Transport::None, "round {round}");
        }
    }
}

#[test]
fn etherparse_reads_the_same_ipv6_fields_and_checksums() {
    let mut random =
        Random::new("etherparse_reads_the_same_ipv6_fields_and_checksums");
    let mut seen = [0; 4];
    for round in 0..1000 {
        let packet = random_v6_packet(&mut random, round);
        let ours = v6(&packet);
        let bytes = packet.build();
        let (ip, rest) = etherparse::Ipv6Header::from_slice(&bytes).unwrap();
        assert_eq!(ip.traffic_class, ours.traffic_class);
        assert_eq!(ip.dscp().value(), ours.traffic_class >> 2);
        assert_eq!(ip.ecn().value(), ours.traffic_class & 3);
        assert_eq!(ip.flow_label.value(), ours.flow_label);
        assert_eq!(ip.payload_length, ours.payload_length);
        assert_eq!(ip.next_header.0, ours.next_header);
        assert_eq!(ip.hop_limit, ours.hop_limit);
        assert_eq!(ip.source_addr(), ours.source);
        assert_eq!(ip.destination_addr(), ours.destination);
        assert_eq!(rest.len(), usize::from(ours.payload_length));

        let what = format!("round {round}: {packet:?}");
        match &packet.transport {
            Transport::None => {
                seen[0] += 1;
                assert_eq!(rest, packet.payload.as_slice(), "{what}");
            }
            Transport::Tcp(tcp_ours) => {
                seen[1] += 1;
                let (tcp, payload) =
                    etherparse::TcpHeader::from_slice(rest).unwrap();
                assert_eq!(tcp.source_port, tcp_ours.source_port);
                assert_eq!(tcp.destination_port, tcp_ours.destination_port);
                assert_eq!(tcp.sequence_number, tcp_ours.sequence_number);
                assert_eq!(tcp.options.as_slice(), tcp_ours.options.as_slice());
                assert_eq!(payload, packet.payload.as_slice(), "{what}");
                let theirs = tcp.calc_checksum_ipv6(&ip, payload).unwrap();
                assert_eq!(theirs, tcp_ours.checksum, "{what}");
                assert_eq!(tcp.checksum, tcp_ours.checksum, "{what}");
            }
            Transport::Udp(udp_ours) => {
                seen[2] += 1;
                let (udp, payload) =
                    etherparse::UdpHeader::from_slice(rest).unwrap();
                assert_eq!(udp.source_port, udp_ours.source_port);
                assert_eq!(udp.destination_port, udp_ours.destination_port);
                assert_eq!(udp.length, udp_ours.length);
                assert_eq!(udp.length, ours.payload_length, "{what}");
                let theirs = udp.calc_checksum_ipv6(&ip, payload).unwrap();
                assert_eq!(theirs, udp_ours.checksum, "{what}");
                assert_ne!(udp_ours.checksum, 0, "mandatory over IPv6: {what}");
            }
            Transport::Icmpv6(echo) => {
                seen[3] += 1;
                let (icmp, payload) =
                    etherparse::Icmpv6Header::from_slice(rest).unwrap();
                use etherparse::Icmpv6Type::{EchoReply, EchoRequest};
                let (kind, header) = match icmp.icmp_type {
                    EchoRequest(header) => (icmpv6::ECHO_REQUEST, header),
                    EchoReply(header) => (icmpv6::ECHO_REPLY, header),
                    other => panic!("not an echo: {other:?}"),
                };
                assert_eq!(kind, echo.icmp_type, "{what}");
                assert_eq!(
                    (header.id, header.seq),
                    (echo.identifier, echo.sequence_number)
                );
                assert_eq!(payload, packet.payload.as_slice(), "{what}");
                // RFC 4443 § 2.3: the pseudo-header is summed too.
                let theirs = icmp
                    .icmp_type
                    .calc_checksum(ip.source, ip.destination, payload)
                    .unwrap();
                assert_eq!(theirs, echo.checksum, "{what}");
                assert_eq!(icmp.checksum, echo.checksum, "{what}");
                let slice = etherparse::Icmpv6Slice::from_slice(rest).unwrap();
                assert!(slice.is_checksum_valid(ip.source, ip.destination));
            }
            Transport::Icmp(_) => panic!("ICMP (v4) behind IPv6: {what}"),
        }
    }
    assert!(seen.iter().all(|&count| count > 200), "{seen:?}");
}

#[test]
fn a_wrong_source_in_the_pseudo_header_makes_every_ipv6_checksum_wrong() {
    // The same bytes read as if they came from another address: the
    // pseudo-header (RFC 8200 § 8.1) ties each checksum to the addresses.
    let mut random = Random::new(
        "a_wrong_source_in_the_pseudo_header_makes_every_ipv6_checksum_wrong",
    );
    for round in 1..4 {
        let mut packet = random_v6_packet(&mut random, round);
        if let IpHeader::V6(ip) = &mut packet.ip {
            ip.source = Ipv6Addr::UNSPECIFIED;
        }
        let (carried, expected) = packet.transport_checksums().unwrap();
        assert_ne!(carried, expected, "round {round}: {packet:?}");
    }
}

#[test]
fn packet_parse_refuses_short_or_mismatched_ipv6_with_a_reason() {
    let mut random =
        Random::new("packet_parse_refuses_short_or_mismatched_ipv6_with_a_reason");
    let udp = random_v6_packet(&mut random, 2);
    let tcp = random_v6_packet(&mut random, 1);
    let (udp, tcp) = (udp.build(), tcp.build());
    let with_length = |bytes: &[u8], length: u16| {
        let mut bytes = bytes.to_vec();
        bytes[4..6].copy_from_slice(&length.to_be_bytes());
        bytes
    };
    let cases: Vec<(Vec<u8>, String)> = vec![
        (Vec::new(), "0 bytes are too few for an IPv4 header".into()),
        (
            udp[..39].to_vec(),
            "39 bytes are too few for an IPv6 header".into(),
        ),
        (
            with_length(&udp, (udp.len() - 39) as u16),
            format!(
                "payload length says {} bytes but only {} arrived",
                udp.len() - 39,
                udp.len() - 40
            ),
        ),
        (
            with_length(&udp, 5),
            "5 bytes are too few for a UDP header (8)".into(),
        ),
        (
            with_length(&tcp, 19),
            "19 bytes are too few for a TCP header".into(),
        ),
        // Neither 4 nor 6 in the first nibble: read as IPv4, and refused.
        ([&[0x76], &udp[1..]].concat(), "version is 7".into()),
    ];
    for (bytes, reason) in cases {
        let error = Packet::parse(&bytes).unwrap_err();
        assert!(
            error.to_string().contains(&reason),
            "{error} lacks {reason:?}"
        );
    }
    // A Payload Length shorter than what arrived is no error: the rest is
    // not part of the packet (a link may pad), and is left out.
    let mut padded = udp.clone();
    padded.extend_from_slice(&[0; 6]);
    assert_eq!(Packet::parse(&padded), Packet::parse(&udp));
}

#[test]
fn ipv6_payload_length_allows_65535_bytes_after_the_40_byte_header() {
    let mut random = Random::new(
        "ipv6_payload_length_allows_65535_bytes_after_the_40_byte_header",
    );
    for transport in 0..4 {
        let mut packet = random_v6_packet(&mut random, transport);
        let room = 65_535 - packet.transport.header_len();
        packet.payload = vec![0x5a; room];
        packet.fill_in();
        assert_eq!(packet.check_total_len(), Ok(()));
        assert_eq!(packet.total_len(), 65_575, "{transport}");
        assert_eq!(v6(&packet).payload_length, 65_535);
        let bytes = packet.build();
        assert_eq!(bytes.len(), 65_575);
        assert_eq!(Packet::parse(&bytes), Ok(packet.clone()));

        packet.payload.push(0x5a);
        let refusal = packet.check_total_len().unwrap_err();
        assert!(
            refusal.contains(
                "the packet would be 65576 bytes, 65536 of them counted by \
                 Payload Length (16 bits), which allows at most 65535"
            ),
            "{refusal}"
        );
    }
    // IPv4's Total Length counts its header too: the same data is too much.
    let mut packet = random_packet(&mut random, 0);
    if let IpHeader::V4(ip) = &mut packet.ip {
        ip.options.clear();
    }
    packet.payload = vec![0x5a; 65_535];
    let refusal = packet.check_total_len().unwrap_err();
    assert!(refusal.contains("counted by Total Length"), "{refusal}");
}
