# Raw IPv6: the 40-byte header built by hand with struct.pack, an ICMPv6
# echo request behind it, sent on a raw socket. The same packet as
# `raw_sender -6 --icmp` sends. Run with sudo.
import socket
import struct


def internet_checksum(data):
    if len(data) % 2:
        data += b"\x00"  # an odd last byte is summed as [byte, 0]
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


source = socket.inet_pton(socket.AF_INET6, "::1")
destination = socket.inet_pton(socket.AF_INET6, "::1")
payload = b"Hello from raw_sender"

# ICMPv6 echo request (RFC 4443 § 4.1): type 128, code 0, checksum,
# identifier 1, sequence number 1, then the data.
def icmpv6(checksum):
    return struct.pack("!BBHHH", 128, 0, checksum, 1, 1) + payload

# The checksum covers a 40-byte pseudo-header (RFC 8200 § 8.1): both
# addresses, the ICMPv6 length in 32 bits, three zero bytes, next header 58.
pseudo_header = source + destination + struct.pack("!I3xB", len(icmpv6(0)), 58)
message = icmpv6(internet_checksum(pseudo_header + icmpv6(0)))

version = 6
traffic_class = 0  # IPv4's Type of Service: DSCP and ECN
flow_label = 0  # 20 bits
payload_length = len(message)  # the 40 header bytes are not counted
next_header = 58  # ICMPv6
hop_limit = 64  # IPv4's Time to Live

# Version, Traffic Class and Flow Label share the first 32-bit word; no
# header checksum: IPv6 has none.
first_word = (version << 28) | (traffic_class << 20) | flow_label
header = struct.pack("!IHBB16s16s", first_word, payload_length, next_header,
                     hop_limit, source, destination)
packet = header + message

# socket(AF_INET6, SOCK_RAW, IPPROTO_RAW): we write the IPv6 header ourselves
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(packet, ("::1", 0))
print("sent %d bytes to ::1, next header 58 (ICMPv6), flow label 0x%05x"
      % (len(packet), flow_label))
