# ftplike.py: the reverse connection of active-mode FTP, small.
#
# ftplike.py server PORT: accept one control connection on PORT (every
# address), read "PORT h1,h2,h3,h4,p1,p2", connect there, send a line
# of data, then "226 done" on the control connection.  The connection
# to the announced address is what a SOCKS BIND must relay.
#
# ftplike.py client HOST PORT [ORDER]: connect to HOST:PORT (through
# socksify), open a listening socket bound to the control connection's
# local address with port 0, take its address with getsockname after
# listen (ORDER "listen-first", the default) or before it ("name-first",
# as BSD ftp does), announce it, accept the server's connection and
# print what came, the announced address and the peer.
#
# ftplike.py fixed HOST PORT: connect, then listen on port 2999 of the
# wildcard address, as a program's own server does; print the address.
# ftplike.py loopback HOST PORT: the same on 127.0.0.1, port 0.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

import socket
import sys


def server(port):
    ls = socket.socket(socket.AF_INET6)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", port))
    ls.listen(1)
    # Connections that say nothing (a test waiting for the port) are
    # not the client.
    while True:
        conn, _ = ls.accept()
        words = conn.makefile().readline().split()
        if words and words[0] == "PORT":
            break
        conn.close()
    a = words[1].split(",")
    host, dport = ".".join(a[:4]), int(a[4]) * 256 + int(a[5])
    print("server: connecting to", host, dport, flush=True)
    data = socket.create_connection((host, dport), timeout=10)
    data.sendall(b"data-from-server\n")
    data.close()
    conn.sendall(b"226 done\n")
    conn.close()


def client(host, port, order):
    ctl = socket.create_connection((host, port), timeout=20)
    lsock = socket.socket(socket.AF_INET)
    lsock.bind((ctl.getsockname()[0], 0))
    if order == "name-first":
        addr = lsock.getsockname()
        lsock.listen(1)
    else:
        lsock.listen(1)
        addr = lsock.getsockname()
    ctl.sendall(("PORT %s,%d,%d\n" % (addr[0].replace(".", ","),
                                      addr[1] // 256, addr[1] % 256)).encode())
    if order != "blocking":
        lsock.settimeout(20)
    conn, peer = lsock.accept()
    lsock.close()
    print("data", conn.recv(100).decode().strip())
    print("announced", addr[0], addr[1])
    print("peer", peer[0], "getpeername", conn.getpeername()[0])
    print("control", ctl.makefile().readline().strip())


def local(host, port, where):
    ctl = socket.create_connection((host, port), timeout=20)
    lsock = socket.socket(socket.AF_INET)
    lsock.bind(where)
    lsock.listen(1)
    print("listening", lsock.getsockname())
    ctl.close()


if sys.argv[1] == "server":
    server(int(sys.argv[2]))
elif sys.argv[1] == "fixed":
    local(sys.argv[2], int(sys.argv[3]), ("0.0.0.0", 2999))
elif sys.argv[1] == "loopback":
    local(sys.argv[2], int(sys.argv[3]), ("127.0.0.1", 0))
else:
    client(sys.argv[2], int(sys.argv[3]),
           sys.argv[4] if len(sys.argv) > 4 else "listen-first")
