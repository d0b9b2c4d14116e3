# Stream (TCP) client: connect, send one message, read the reply until EOF.
# The same steps, in the same order, as stream_client/src/main.rs.
import socket
import sys

server = ("127.0.0.1", 12345)

# socket(AF_INET, SOCK_STREAM, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
s.settimeout(5)  # for connect() and for each recv()
s.connect(server)  # the three-way handshake
print("connected to %s:%d" % server, file=sys.stderr)

s.sendall(b"Hello from stream_client\n")
s.shutdown(socket.SHUT_WR)  # FIN: nothing more from us

while True:
    reply = s.recv(4096)
    if not reply:  # 0 bytes: the server closed its side
        break
    sys.stdout.buffer.write(reply)
s.close()
