# udp-client.py CASE HOST PORT: a UDP program run under socksify by the
# udp-*.exp tests, talking to the echo peer at HOST:PORT.  It prints one
# "key value" line per fact the test checks; every wait is bounded.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

import errno
import fcntl
import os
import select
import socket
import subprocess
import sys

case, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])


def controls():
    """Established TCP connections from this namespace to port 1080."""
    n = 0
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[2].endswith(":0438") and fields[3] == "01":
                    n += 1
    return n


def fake_v4():
    return socket.getaddrinfo(host, port, socket.AF_INET,
                              socket.SOCK_DGRAM)[0][4]


def by_name():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    dest = fake_v4()
    print("fake", dest[0])
    s.sendto(b"ping-by-name", (host, port))
    data, source = s.recvfrom(2048)
    print("reply", data.decode(), "from-fake", source == dest)
    print("controls", controls())
    s.close()


def connected():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.connect((host, port))
    print("peer", s.getpeername()[0])
    s.send(b"ping-connected")
    print("reply", s.recv(2048).decode())
    os.write(s.fileno(), b"ping-write")
    select.select([s], [], [], 5)
    print("read", os.read(s.fileno(), 2048).decode())
    s.close()


def nonblocking():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    s.sendto(b"ping-nonblocking", (host, port))
    flags = fcntl.fcntl(s.fileno(), fcntl.F_GETFL)
    print("nonblocking-flag", bool(flags & os.O_NONBLOCK))
    try:
        s.recvfrom(2048)
        print("early", "data")
    except BlockingIOError:
        print("early", "EAGAIN")
    ready = select.select([s], [], [], 5)[0]
    data, _ = s.recvfrom(2048)
    print("reply", data.decode(), "after-select", bool(ready))
    s.close()


def teardown():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    before = controls()
    s.sendto(b"ping-teardown", (host, port))
    s.recvfrom(2048)
    during = controls()
    s.close()
    print("controls", before, during, controls())


def direct():
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(b"ping-direct", ("::1", port))
    data, source = s.recvfrom(2048)
    print("reply", data.decode(), "from", source[0], "controls", controls())
    s.close()


def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(b"\0" * 12, ("198.51.100.1", 53))
        print("dns", "sent")
    except OSError as e:
        print("dns", errno.errorcode.get(e.errno, e.errno))
    try:
        s.connect((host, 53))
        print("dns-connect", "connected")
    except OSError as e:
        print("dns-connect", errno.errorcode.get(e.errno, e.errno))
    s.close()


def buffers():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    before = s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    s.sendto(b"ping-buffers", (host, port))
    s.recvfrom(2048)
    after = s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    print("sndbuf-less-by", before - after)
    try:
        # The name's header (23 octets here) leaves 65484 for data.
        s.sendto(b"x" * 65500, (host, port))
        print("oversize", "sent")
    except OSError as e:
        print("oversize", errno.errorcode.get(e.errno, e.errno))
    s.close()


def stranger():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(b"ping-1", (host, port))
    s.recvfrom(2048)
    # An address of this namespace that is not loopback (TEST-NET-1).
    subprocess.run(["ip", "addr", "add", "192.0.2.9/32", "dev", "lo"],
                   check=True)
    t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t.bind(("192.0.2.9", 0))
    t.sendto(b"from-stranger", ("127.0.0.1", s.getsockname()[1]))
    t.close()
    s.sendto(b"ping-2", (host, port))
    data, source = s.recvfrom(2048)
    print("first", data.decode(), "from", source[0])
    s.close()


{"by-name": by_name, "stranger": stranger, "connected": connected, "nonblocking": nonblocking,
 "teardown": teardown, "direct": direct, "dns": dns,
 "buffers": buffers}[case]()
