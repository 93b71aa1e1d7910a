#!/usr/bin/env python3
"""Raw Ethernet frames on one interface (AF_PACKET), for end-to-end tests of odd and malformed frames.

  raw_frames.py send IFACE FILE [GAP_US]
      sends every frame of FILE (one hex frame per line, '#' comments), GAP_US microseconds apart (default 200);
      prints "error LINE ERRNO" for each frame the kernel refused, then "sent N refused M"
  raw_frames.py random IFACE COUNT SEED [GAP_US]
      sends COUNT frames of random bytes, 14..1514 long; prints "sent N refused M"
  raw_frames.py sources IFACE COUNT SEED DST [GAP_US]
      sends COUNT broadcast-free frames to DST (aa:bb:...) from random unicast source MACs; prints "sent N"
  raw_frames.py repeat IFACE SRC DST COUNT GAP_US
      sends COUNT small frames from SRC to DST; prints "sent N"
  raw_frames.py capture IFACE IDLE_SECONDS MAX_SECONDS [count | from=MAC]
      prints "ready", then "frame HEX" for each frame the interface received (802.1Q tag put back where the kernel
      took it off), until IDLE_SECONDS without a frame (counted from the start, then from each frame), or
      MAX_SECONDS; then "done N".
      With "count", prints only "done N"; with "from=MAC", only "done N" counting the frames from MAC.
"""
import os
import random
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
SO_RCVBUFFORCE = 33


def open_socket(iface):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sock.bind((iface, 0))
    return sock


def pace(gap_us):
    if gap_us > 0:
        time.sleep(gap_us / 1e6)


def send_all(sock, frames, gap_us):
    sent = 0
    refused = 0
    for number, frame in frames:
        try:
            sock.send(frame)
            sent += 1
        except OSError as e:
            refused += 1
            print("error %d %d" % (number, e.errno), flush=True)
        pace(gap_us)
    print("sent %d refused %d" % (sent, refused), flush=True)


def send_file(iface, path, gap_us):
    frames = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if line:
                frames.append((number, bytes.fromhex(line)))
    send_all(open_socket(iface), frames, gap_us)


def send_random(iface, count, seed, gap_us):
    rng = random.Random(seed)
    frames = ((i, rng.randbytes(rng.randint(14, 1514))) for i in range(count))
    send_all(open_socket(iface), frames, gap_us)


def mac_bytes(text):
    return bytes.fromhex(text.replace(":", ""))


def send_sources(iface, count, seed, dst, gap_us):
    rng = random.Random(seed)
    sock = open_socket(iface)
    payload = b"\x88\xb5" + b"rsr-flood" + bytes(40)
    for _ in range(count):
        # Locally administered unicast: first octet x2, x6, xA or xE.
        src = bytes([(rng.getrandbits(8) & 0xFC) | 0x02]) + rng.randbytes(5)
        sock.send(mac_bytes(dst) + src + payload)
        pace(gap_us)
    print("sent %d" % count, flush=True)


def send_repeat(iface, src, dst, count, gap_us):
    sock = open_socket(iface)
    frame = mac_bytes(dst) + mac_bytes(src) + b"\x88\xb5" + b"rsr-repeat" + bytes(40)
    for _ in range(count):
        sock.send(frame)
        pace(gap_us)
    print("sent %d" % count, flush=True)


def capture(iface, idle, limit, count_only, source):
    sock = open_socket(iface)
    sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    # Root may exceed net.core.rmem_max: a flood must not overflow the capture.
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
    print("ready", flush=True)
    n = 0
    deadline = time.monotonic() + limit
    sock.settimeout(limit)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock.settimeout(min(remaining, idle))
        try:
            data, ancdata, _, address = sock.recvmsg(65536, socket.CMSG_SPACE(20))
        except socket.timeout:
            break
        if address[2] == PACKET_OUTGOING or (source is not None and data[6:12] != source):
            continue
        for level, kind, aux in ancdata:
            if level == SOL_PACKET and kind == PACKET_AUXDATA:
                status, _, _, _, _, tci, tpid = struct.unpack("IIIHHHH", aux[:20])
                if status & TP_STATUS_VLAN_VALID:
                    if not status & TP_STATUS_VLAN_TPID_VALID:
                        tpid = 0x8100
                    data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
        n += 1
        if not count_only:
            print("frame " + data.hex(), flush=True)
    print("done %d" % n, flush=True)


def main(argv):
    mode = argv[1]
    if mode == "send":
        send_file(argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 200)
    elif mode == "random":
        send_random(argv[2], int(argv[3]), int(argv[4]), int(argv[5]) if len(argv) > 5 else 200)
    elif mode == "sources":
        send_sources(argv[2], int(argv[3]), int(argv[4]), argv[5], int(argv[6]) if len(argv) > 6 else 200)
    elif mode == "repeat":
        send_repeat(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]))
    elif mode == "capture":
        option = argv[5] if len(argv) > 5 else ""
        source = mac_bytes(option[5:]) if option.startswith("from=") else None
        capture(argv[2], float(argv[3]), float(argv[4]), option == "count" or source is not None, source)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
