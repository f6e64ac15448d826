#!/usr/bin/env python3
# testsuite/socks6d-bindudp.py: BIND and UDP ASSOCIATE clients for
# socks6d's tests, each playing every part itself (client, BIND's peer,
# UDP echo destination) on loopback, and printing stable lines.
#
# Usage: socks6d-bindudp.py PROXY_HOST PROXY_PORT CASE [ARGS...]
#   bind ANNOUNCE [PEER_FROM]  BIND for the peer ANNOUNCE ("0.0.0.0",
#                         "::", "127.0.0.1", "::1", or "name:NAME"); then
#                         connect to BND as the peer (from PEER_FROM when
#                         given), print both replies and whether data
#                         went both ways
#   bind-wait ANNOUNCE    BIND, and no peer: print the replies that come
#   bind-client ANNOUNCE  BIND, and the peer is another process (in
#                         another network namespace): print both replies,
#                         then exchange data with it
#   (socks6d-bindudp.py bind-peer HOST PORT is that peer)
#   udp FAMILY DEST       UDP ASSOCIATE, one datagram to a UDP echo of
#                         this script on the loopback of FAMILY (4, 6),
#                         addressed as DEST ("addr" for the literal, or a
#                         name the gateway resolves to it); print what
#                         comes back
#   udp-stranger          after an echo, a datagram from another socket
#   udp-frag              after an echo, a datagram with FRAG 1
#   udp-teardown          after an echo, close TCP, then try again
#   udp-size N            an echo of N octets of payload
#   udp-burst N           N datagrams at once; count those that come back
# Lines: "reply1 XX ATYP ADDR PORT", "reply2 ...", "data both ways",
# "udp back ATYP ADDR PORT frag F ok|corrupt", "udp nothing".
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

import ipaddress
import socket
import struct
import sys
import threading


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("closed after %d of %d octets" % (len(data), n))
        data += chunk
    return data


def encode_addr(host, port):
    if host.startswith("name:"):
        name = host[5:].encode()
        return bytes([3, len(name)]) + name + struct.pack("!H", port)
    ip = ipaddress.ip_address(host)
    kind = 1 if ip.version == 4 else 4
    return bytes([kind]) + ip.packed + struct.pack("!H", port)


def decode_addr(buf):
    """Return (kind, address text, port, length)."""
    if buf[0] == 1:
        return "4", str(ipaddress.IPv4Address(buf[1:5])), \
            struct.unpack("!H", buf[5:7])[0], 7
    if buf[0] == 4:
        return "6", str(ipaddress.IPv6Address(buf[1:17])), \
            struct.unpack("!H", buf[17:19])[0], 19
    n = buf[1]
    return "name", buf[2:2 + n].decode(), \
        struct.unpack("!H", buf[2 + n:4 + n])[0], 4 + n


def read_reply(sock, label):
    head = recv_exact(sock, 4)
    if head[3] == 3:
        n = recv_exact(sock, 1)
        rest = n + recv_exact(sock, n[0] + 2)
    else:
        rest = recv_exact(sock, 6 if head[3] == 1 else 18)
    kind, addr, port, _ = decode_addr(bytes([head[3]]) + rest)
    print("%s %02x %s %s %d" % (label, head[1], kind, addr, port))
    sys.stdout.flush()
    return head[1], addr, port


def request(proxy, cmd, host, port):
    sock = socket.create_connection(proxy, timeout=15)
    sock.sendall(b"\x05\x01\x00")
    if recv_exact(sock, 2) != b"\x05\x00":
        raise EOFError("method refused")
    sock.sendall(bytes([5, cmd, 0]) + encode_addr(host, port))
    return sock


def case_bind(proxy, announce, peer_from=None):
    sock = request(proxy, 2, announce, 0)
    rep, addr, port = read_reply(sock, "reply1")
    if rep != 0:
        return
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    peer = socket.socket(family, socket.SOCK_STREAM)
    peer.settimeout(10)
    if peer_from:
        peer.bind((peer_from, 0))
    peer.connect((addr, port))
    rep, addr2, port2 = read_reply(sock, "reply2")
    if rep != 0:
        return
    mine = peer.getsockname()
    print("peer named" if (ipaddress.ip_address(addr2)
                           == ipaddress.ip_address(mine[0])
                           and port2 == mine[1]) else "peer misnamed")
    sock.sendall(b"to the peer\n")
    ok = recv_exact(peer, 12) == b"to the peer\n"
    peer.sendall(b"to the client\n")
    ok = ok and recv_exact(sock, 14) == b"to the client\n"
    print("data both ways" if ok else "data corrupt")


def case_bind_client(proxy, announce):
    sock = request(proxy, 2, announce, 0)
    sock.settimeout(30)
    if read_reply(sock, "reply1")[0] != 0 or read_reply(sock, "reply2")[0]:
        return
    sock.sendall(b"to the peer\n")
    ok = recv_exact(sock, 14) == b"to the client\n"
    print("data both ways" if ok else "data corrupt", flush=True)


def case_bind_peer(host, port):
    peer = socket.create_connection((host, int(port)), timeout=15)
    ok = recv_exact(peer, 12) == b"to the peer\n"
    peer.sendall(b"to the client\n")
    print("peer ok" if ok else "peer got other data")
    peer.close()


def case_bind_wait(proxy, announce):
    sock = request(proxy, 2, announce, 0)
    sock.settimeout(20)
    if read_reply(sock, "reply1")[0] == 0:
        try:
            read_reply(sock, "reply2")
        except EOFError:
            print("closed")


def udp_echo(family):
    """A UDP echo on the loopback of FAMILY, in a thread; its port."""
    af, host = ((socket.AF_INET, "127.0.0.1") if family == "4"
                else (socket.AF_INET6, "::1"))
    s = socket.socket(af, socket.SOCK_DGRAM)
    s.bind((host, 0))

    def serve():
        while True:
            data, src = s.recvfrom(70000)
            s.sendto(data, src)
    threading.Thread(target=serve, daemon=True).start()
    return host, s.getsockname()[1]


class Assoc:
    def __init__(self, proxy):
        self.tcp = request(proxy, 3, "0.0.0.0", 0)
        rep, addr, port = read_reply(self.tcp, "reply")
        if rep != 0:
            raise SystemExit(0)
        self.relay = (addr, port)
        self.udp = self.open()

    def open(self):
        family = socket.AF_INET6 if ":" in self.relay[0] else socket.AF_INET
        u = socket.socket(family, socket.SOCK_DGRAM)
        u.bind((self.tcp.getsockname()[0], 0))
        return u

    def send(self, host, port, payload, frag=0, sock=None):
        (sock or self.udp).sendto(b"\0\0" + bytes([frag])
                                  + encode_addr(host, port) + payload,
                                  self.relay)

    def receive(self, payload, timeout=3.0, sock=None):
        sock = sock or self.udp
        sock.settimeout(timeout)
        try:
            data = sock.recv(70000)
        except socket.timeout:
            print("udp nothing")
            return False
        kind, addr, port, n = decode_addr(data[3:])
        print("udp back %s %s %d frag %d %s"
              % (kind, addr, port, data[2],
                 "ok" if data[3 + n:] == payload else "corrupt"))
        return True


def case_udp(proxy, family, dest, size=None):
    host, port = udp_echo(family)
    a = Assoc(proxy)
    payload = b"datagram\n" if size is None else b"x" * int(size)
    a.send(host if dest == "addr" else "name:" + dest, port, payload)
    a.receive(payload)
    return a, host, port


def case_udp_stranger(proxy):
    a, host, port = case_udp(proxy, "4", "addr")
    stranger = a.open()
    a.send(host, port, b"stranger\n", sock=stranger)
    print("stranger:")
    a.receive(b"stranger\n", 1.0, sock=stranger)
    a.send(host, port, b"again\n")
    a.receive(b"again\n")


def case_udp_frag(proxy):
    a, host, port = case_udp(proxy, "4", "addr")
    a.send(host, port, b"fragment\n", frag=1)
    print("fragment:")
    a.receive(b"fragment\n", 1.0)
    a.send(host, port, b"again\n")
    a.receive(b"again\n")


def case_udp_teardown(proxy):
    a, host, port = case_udp(proxy, "4", "addr")
    a.tcp.close()
    print("closed:")
    for _ in range(8):
        a.send(host, port, b"after\n")
        if a.receive(b"after\n", 0.25):
            break


def case_udp_burst(proxy, count):
    host, port = udp_echo("4")
    a = Assoc(proxy)
    for i in range(int(count)):
        a.send(host, port, b"burst\n")
    got = 0
    a.udp.settimeout(1.0)
    try:
        while True:
            a.udp.recv(70000)
            got += 1
    except socket.timeout:
        pass
    print("udp burst got %d of %s" % (got, count))


def main():
    if sys.argv[1] == "bind-peer":
        case_bind_peer(*sys.argv[2:4])
        return
    proxy = (sys.argv[1], int(sys.argv[2]))
    case, args = sys.argv[3], sys.argv[4:]
    cases = {"bind": case_bind, "bind-wait": case_bind_wait,
             "bind-client": case_bind_client,
             "udp": case_udp, "udp-stranger": case_udp_stranger,
             "udp-frag": case_udp_frag, "udp-burst": case_udp_burst, "udp-teardown": case_udp_teardown,
             "udp-size": lambda p, n: case_udp(p, "4", "addr", n)}
    try:
        cases[case](proxy, *args)
    except (EOFError, OSError) as e:
        print("error %s" % e)


if __name__ == "__main__":
    main()
