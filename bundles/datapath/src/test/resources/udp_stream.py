"""Sequence-numbered UDP stream for the datapath's end-to-end tests (runs inside a network namespace).

  udp_stream.py recv PORT COUNT IDLE_SECONDS   prints "ready", then the number of distinct sequence numbers received
                                                 (stops at COUNT, or IDLE_SECONDS without a datagram after the first;
                                                 waits up to FIRST_WAIT_SECONDS for the first)
  udp_stream.py send ADDR PORT COUNT RATE      sends COUNT datagrams (8-byte big-endian sequence + padding) at about
                                                 RATE datagrams per second
"""
import socket
import sys
import time

# A starved machine may take seconds to start the sender's interpreter: that is not an idle stream.
FIRST_WAIT_SECONDS = 60
# Enough for a whole test stream of small datagrams (about 800 bytes of kernel memory each), so a receiver that gets
# no CPU for a while loses nothing: a missing datagram is the switch's doing.
RECEIVE_BUFFER_BYTES = 32 << 20
SO_RCVBUFFORCE = 33  # Linux; not in Python's socket module. Needs CAP_NET_ADMIN, which the tests have.


def recv(port, count, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER_BYTES)
    except PermissionError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
    s.bind(("0.0.0.0", port))
    s.settimeout(FIRST_WAIT_SECONDS)
    print("ready", flush=True)
    seen = set()
    try:
        while len(seen) < count:
            data, _ = s.recvfrom(2048)
            s.settimeout(idle)
            seq = int.from_bytes(data[:8], "big")
            if seq < count:
                seen.add(seq)
    except socket.timeout:
        pass
    print(len(seen), flush=True)


def send(addr, port, count, rate):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    burst = 20
    pause = burst / rate
    start = time.monotonic()
    for seq in range(count):
        s.sendto(seq.to_bytes(8, "big") + b"r" * 56, (addr, port))
        if seq % burst == burst - 1:
            ahead = start + (seq + 1) / rate - time.monotonic()
            if ahead > 0:
                time.sleep(min(ahead, pause))


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
