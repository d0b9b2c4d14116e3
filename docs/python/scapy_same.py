# The packets raw_sender builds, built again by Scapy (2.8.0, from PyPI:
# `pip install scapy==2.8.0`) from the same field values; it sends nothing.
# Standard input: a JSON list of packets, each a list of layers, each a
# layer's name and the fields it is given, such as
#   [["IP", {"src": "127.0.0.1", "dst": "127.0.0.1", "id": 4660, "proto": 16}],
#    ["Raw", {"load": "4869"}]]
# which is IP(src="127.0.0.1", ...) / Raw(load=b"Hi") in Scapy's words.
# Standard output: each packet's bytes, as a line of hex. Every field left
# out (a length, a checksum, IHL, Data Offset) Scapy computes itself.
# raw_sender/tests/scapy.rs holds these lines against raw_sender --pcap.
import json
import sys

from scapy.all import ICMP, IP, TCP, UDP, ICMPv6EchoRequest, IPv6, Raw

LAYERS = {"IP": IP, "IPv6": IPv6, "TCP": TCP, "UDP": UDP, "ICMP": ICMP,
          "ICMPv6EchoRequest": ICMPv6EchoRequest, "Raw": Raw}
# JSON has no bytes: IP options and the data travel as hex.
AS_HEX = ("options", "load")


def layer(name, fields):
    for field in AS_HEX:
        if field in fields:
            fields[field] = bytes.fromhex(fields[field])
    return LAYERS[name](**fields)


for layers in json.load(sys.stdin):
    packet = layer(*layers[0])
    for name, fields in layers[1:]:
        packet = packet / layer(name, fields)  # "/" stacks a layer on top
    print(bytes(packet).hex())
