#!/usr/bin/env python3
# testsuite/socks6d-client.py: a raw SOCKS 5 client for socks6d's tests,
# able to send what a well-behaved client would not (bad address types,
# unknown commands, everything pipelined in one segment).
#
# Usage: socks6d-client.py PROXY_HOST PROXY_PORT CASE [ARGS...]
#   connect CMD ATYP HOST PORT   one request (CMD: connect, bind, udp,
#                                resolve, resolve-ptr, or a number; ATYP:
#                                4, 6, name, or a number for a raw octet);
#                                prints "reply XX ATYP ADDR PORT", then for
#                                a success with CONNECT sends "ping" and
#                                prints "echo ..."
#   pipelined HOST PORT          greeting, request and data in one send
#   halfclose HOST PORT          send, shut down writing, read to the end
#   transfer HOST PORT BYTES     send BYTES both ways through an echo
#                                destination, compare SHA-256 digests
#   session HOST PORT            interactive: each line read on stdin is
#                                sent, and its echo printed as "echo LINE"
#   hold HOST PORT N             open N sessions, print "held N", wait for
#                                a line on stdin, then check each one
#   abandon CMD ATYP HOST PORT R one request, read R replies (0 or 1),
#                                then close at once; prints "abandoned"
# --user U --password P (anywhere) use RFC 1929.
# Output lines are stable; tests match them.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

import hashlib
import ipaddress
import socket
import struct
import sys
import threading

COMMANDS = {"connect": 1, "bind": 2, "udp": 3, "resolve": 0xF0,
            "resolve-ptr": 0xF1}


class Closed(Exception):
    pass


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise Closed("closed after %d of %d octets" % (len(data), n))
        data += chunk
    return data


def open_proxy(host, port):
    sock = socket.create_connection((host, int(port)), timeout=20)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def greeting(user):
    return bytes([5, 1, 2 if user else 0])


def userpass(user, password):
    u, p = user.encode(), password.encode()
    return bytes([1, len(u)]) + u + bytes([len(p)]) + p


def request(cmd, atyp, host, port):
    cmd = COMMANDS.get(cmd, None) if not cmd.isdigit() else int(cmd)
    if atyp == "4":
        addr = bytes([1]) + ipaddress.IPv4Address(host).packed
    elif atyp == "6":
        addr = bytes([4]) + ipaddress.IPv6Address(host).packed
    elif atyp == "name":
        name = host.encode()
        addr = bytes([3, len(name)]) + name
    else:
        addr = bytes([int(atyp)]) + b"\x7f\x00\x00\x01"
    return bytes([5, cmd, 0]) + addr + struct.pack("!H", int(port))


def read_method(sock, user, password):
    ver, method = recv_exact(sock, 2)
    if method == 0xFF:
        print("method ff")
        raise Closed("no acceptable method")
    if method == 2:
        sock.sendall(userpass(user, password))
        _, status = recv_exact(sock, 2)
        print("auth %02x" % status)
        if status:
            raise Closed("authentication failed")


def read_reply(sock):
    ver, rep, rsv, atyp = recv_exact(sock, 4)
    if atyp == 1:
        addr = str(ipaddress.IPv4Address(recv_exact(sock, 4)))
    elif atyp == 4:
        addr = str(ipaddress.IPv6Address(recv_exact(sock, 16)))
    elif atyp == 3:
        addr = recv_exact(sock, recv_exact(sock, 1)[0]).decode()
    else:
        raise Closed("bad reply ATYP %d" % atyp)
    port = struct.unpack("!H", recv_exact(sock, 2))[0]
    kind = {1: "4", 4: "6", 3: "name"}[atyp]
    print("reply %02x %s %s %d" % (rep, kind, addr, port))
    return rep


def handshake(opts, cmd, atyp, host, port):
    sock = open_proxy(opts["proxy"], opts["proxy_port"])
    sock.sendall(greeting(opts["user"]))
    read_method(sock, opts["user"], opts["password"])
    sock.sendall(request(cmd, atyp, host, port))
    return sock, read_reply(sock)


def echo_check(sock, data):
    sock.sendall(data)
    got = recv_exact(sock, len(data))
    print("echo " + got.decode(errors="replace").strip())


def case_connect(opts, cmd, atyp, host, port):
    sock, rep = handshake(opts, cmd, atyp, host, port)
    if rep == 0 and cmd == "connect":
        echo_check(sock, b"ping\n")
    else:
        sock.settimeout(12)
        print("closed" if sock.recv(1) == b"" else "not closed")


def case_pipelined(opts, host, port):
    sock = open_proxy(opts["proxy"], opts["proxy_port"])
    sock.sendall(greeting(None) + request("connect", "name", host, port)
                 + b"early data\n")
    read_method(sock, None, None)
    if read_reply(sock) == 0:
        got = recv_exact(sock, len(b"early data\n"))
        print("echo " + got.decode().strip())


def case_halfclose(opts, host, port):
    sock, rep = handshake(opts, "connect", "name", host, port)
    payload = b"half-close payload\n" * 1000
    sock.sendall(payload)
    sock.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    print("halfclose %s %d" % ("ok" if got == payload else "bad", len(got)))


def pattern(n):
    """N deterministic pseudo-random octets, in blocks."""
    block = hashlib.sha256(b"socks6d").digest() * 2048     # 64 KiB
    seed = 0
    while n > 0:
        seed += 1
        chunk = bytes(b ^ (seed & 0xFF) for b in block[:256]) + block[256:]
        yield chunk[:n]
        n -= len(chunk[:n])


def case_transfer(opts, host, port, nbytes):
    nbytes = int(nbytes)
    sock, rep = handshake(opts, "connect", "name", host, port)
    sock.settimeout(120)
    sent = hashlib.sha256()

    def writer():
        for chunk in pattern(nbytes):
            sent.update(chunk)
            sock.sendall(chunk)
        sock.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=writer)
    t.start()
    got = hashlib.sha256()
    total = 0
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            break
        got.update(chunk)
        total += len(chunk)
    t.join()
    ok = total == nbytes and got.digest() == sent.digest()
    print("transfer %s %d %s %s" % ("ok" if ok else "bad", total,
                                    sent.hexdigest(), got.hexdigest()))


def case_session(opts, host, port):
    sock, rep = handshake(opts, "connect", "name", host, port)
    sys.stdout.flush()
    for line in sys.stdin:
        try:
            echo_check(sock, line.encode())
        except (Closed, OSError) as e:
            print("error %s" % e)
        sys.stdout.flush()


def case_hold(opts, host, port, n):
    socks = []
    for i in range(int(n)):
        sock, rep = handshake(opts, "connect", "name", host, port)
        socks.append(sock)
    print("held %d" % len(socks))
    sys.stdout.flush()
    sys.stdin.readline()
    ok = 0
    for sock in socks:
        try:
            sock.sendall(b"x")
            if recv_exact(sock, 1) == b"x":
                ok += 1
        except (Closed, OSError):
            pass
    print("alive %d" % ok)


def case_abandon(opts, cmd, atyp, host, port, replies="0"):
    sock = open_proxy(opts["proxy"], opts["proxy_port"])
    sock.sendall(greeting(opts["user"]))
    read_method(sock, opts["user"], opts["password"])
    sock.sendall(request(cmd, atyp, host, port))
    for _ in range(int(replies)):
        read_reply(sock)
    sock.close()
    print("abandoned")


def main():
    opts = {"user": None, "password": None}
    args, rest = [], sys.argv[1:]
    while rest:
        if rest[0] in ("--user", "--password"):
            opts[rest[0][2:]] = rest[1]
            rest = rest[2:]
        else:
            args.append(rest.pop(0))
    opts["proxy"], opts["proxy_port"], case = args[0], args[1], args[2]
    func = {"connect": case_connect, "pipelined": case_pipelined,
            "halfclose": case_halfclose, "transfer": case_transfer,
            "session": case_session, "hold": case_hold,
            "abandon": case_abandon}[case]
    try:
        func(opts, *args[3:])
    except Closed as e:
        print("closed: %s" % e)
    except OSError as e:
        print("error: %s" % e)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
