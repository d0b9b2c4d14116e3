# How Scapy (2.8.0, from PyPI: `pip install scapy==2.8.0`) reads packets,
# field by field: the dissection listener/tests/scapy.rs holds the
# listener's report against. Standard input: one packet a line, in hex,
# from its IP header on. Standard output, for each packet: a line per field
# of each layer Scapy finds ("TCP dport 12345"), a line per checksum it
# would have computed itself ("TCP expected 59021"), then "end".
import sys

from scapy.all import IP, IPv6, Packet


def shown(layer, name, value):
    """A field's value as one word: numbers in decimal, bytes in hex."""
    if isinstance(value, list):  # options, as Scapy would write them back
        value = b"".join(bytes(option) if isinstance(option, Packet) else
                         layer.get_field(name).i2m(layer, [option])
                         for option in value)
    if isinstance(value, bytes):
        return value.hex() or "-"
    if value is None:
        return "-"
    return str(value if isinstance(value, str) else int(value))


def expected(packet, layer, name):
    """The checksum Scapy computes for this layer: delete the field, and
    Scapy fills it in when the packet is built again."""
    copy = packet.copy()
    delattr(copy[type(layer)], name)
    return getattr(packet.__class__(bytes(copy))[type(layer)], name)


for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    packet = IPv6(data) if data[0] >> 4 == 6 else IP(data)
    layer = packet
    while layer:  # each layer, then its payload, down to the data
        kind = type(layer).__name__
        for name, value in layer.fields.items():
            print(kind, name, shown(layer, name, value))
        for name in ("chksum", "cksum"):
            if name in layer.fields:
                print(kind, "expected", expected(packet, layer, name))
        layer = layer.payload
    print("end", flush=True)
