# Datagram (UDP) client: send one datagram, wait for one datagram back.
# The same steps, in the same order, as dgram_client/src/main.rs.
import socket
import sys

server = ("127.0.0.1", 54321)
message = b"Hello from dgram_client\n"

# socket(AF_INET, SOCK_DGRAM, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0)
s.sendto(message, server)  # no connection: the address goes with the data
print("sent %d bytes to %s:%d" % (len(message), *server), file=sys.stderr)

s.settimeout(5)
try:
    reply, sender = s.recvfrom(65536)
except socket.timeout:
    sys.exit("no reply from %s:%d within 5 s" % server)
print("reply of %d bytes from %s:%d" % (len(reply), *sender), file=sys.stderr)
sys.stdout.buffer.write(reply)
