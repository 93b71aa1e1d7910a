#!/usr/bin/env python3
"""Sequence-numbered UDP stream for end-to-end tests.

  udp_stream.py send HOST PORT RATE_PPS STOP_FILE   sends until STOP_FILE exists, prints "sent N"
  udp_stream.py recv PORT IDLE_SECONDS              counts until IDLE_SECONDS without a datagram after the first,
                                                    prints "received N missing M duplicates D"
"""
import os
import socket
import struct
import sys
import time


def send(host, port, rate, stop_file):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    interval = 1.0 / rate
    seq = 0
    next_at = time.monotonic()
    while not os.path.exists(stop_file):
        sock.sendto(struct.pack("!Q", seq) + b"x" * 56, (host, port))
        seq += 1
        next_at += interval
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print("sent %d" % seq, flush=True)


def recv_loop(port, idle):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("0.0.0.0", port))
    print("ready", flush=True)
    seen = set()
    duplicates = 0
    highest = -1
    while True:
        try:
            data, _ = sock.recvfrom(2048)
        except socket.timeout:
            break
        seq = struct.unpack("!Q", data[:8])[0]
        if seq in seen:
            duplicates += 1
        seen.add(seq)
        highest = max(highest, seq)
        sock.settimeout(idle)
    missing = (highest + 1) - len(seen)
    print("received %d missing %d duplicates %d" % (len(seen), missing, duplicates), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        recv_loop(int(sys.argv[2]), float(sys.argv[3]))
