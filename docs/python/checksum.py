# The Internet checksum (RFC 1071), as checksum/src/lib.rs computes it.
# Usage: python3 checksum.py HEX   (the bytes, checksum field zero)
import sys


def internet_checksum(data):
    if len(data) % 2:
        data += b"\x00"  # an odd last byte Z is the word [Z,0]
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]  # 16-bit big-endian words
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)  # end-around carries
    return total, ~total & 0xFFFF


data = bytes.fromhex(sys.argv[1])
total, checksum = internet_checksum(data)
print("sum 0x%04x, checksum 0x%04x" % (total, checksum))
