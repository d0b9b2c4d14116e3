# Raw IPv4: the header built by hand with struct.pack, sent on a raw socket.
# The same packet as `raw_sender` sends by default. Run with sudo.
import socket
import struct
import sys


def internet_checksum(data):
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


source = socket.inet_aton("127.0.0.1")
destination = socket.inet_aton("127.0.0.1")
payload = b"Hello from raw_sender"

version_ihl = (4 << 4) | 5  # IPv4, 5 words of header
tos = 0
total_length = 20 + len(payload)
identification = 4660
flags_fragment = 0  # no flags, offset 0
ttl = 64
protocol = 16  # CHAOS

def header(checksum):
    return struct.pack("!BBHHHBBH4s4s", version_ihl, tos, total_length,
                       identification, flags_fragment, ttl, protocol,
                       checksum, source, destination)

packet = header(internet_checksum(header(0))) + payload

# socket(AF_INET, SOCK_RAW, IPPROTO_RAW): we write the IP header ourselves
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(packet, ("127.0.0.1", 0))
print("sent %d bytes to 127.0.0.1, protocol 16 (CHAOS), id 4660" % len(packet))
