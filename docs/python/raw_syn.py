# Raw TCP: an IPv4 header and a TCP SYN, both built by hand, the TCP
# checksum taken over the pseudo-header. The same packet as
# `raw_sender --tcp --flags S -m ""`. Run with sudo.
import socket
import struct


def internet_checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


source = socket.inet_aton("127.0.0.1")
destination = socket.inet_aton("127.0.0.1")

# TCP header, RFC 9293 3.1: ports, seq, ack, data offset 5, SYN, window
def tcp_header(checksum):
    offset_flags = (5 << 12) | 0x02  # 5 words, SYN
    return struct.pack("!HHIIHHHH", 40000, 12345, 1000, 0, offset_flags,
                       64240, checksum, 0)

# The pseudo-header: source, destination, zero, protocol, TCP length
pseudo = struct.pack("!4s4sBBH", source, destination, 0, 6, 20)
tcp = tcp_header(internet_checksum(pseudo + tcp_header(0)))

def ip_header(checksum):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 4660, 0, 64,
                       6, checksum, source, destination)

packet = ip_header(internet_checksum(ip_header(0))) + tcp

s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(packet, ("127.0.0.1", 0))
print("sent %d bytes to 127.0.0.1, protocol 6 (TCP), id 4660" % len(packet))
