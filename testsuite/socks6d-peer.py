#!/usr/bin/env python3
# testsuite/socks6d-peer.py: the destination end of socks6d's tests.
#
# Listens on the loopback address of one family only (127.0.0.1 or ::1)
# on a free port (or on --port: when that one is taken, "busy" goes to
# the port file instead, and it exits with status 1), writes that port
# to --port-file once listening, and serves until killed:
#   echo       send back what arrives; at end of input, shut down the
#              sending side too (so half-close can be checked end to end)
#   http       answer any request with a small HTTP/1.0 page "hello"
#   blackhole  accept nothing and keep the backlog full, so that further
#              connection attempts hang (a loopback stand-in for an
#              address that does not answer, for Happy Eyeballs)
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

import argparse
import os
import socket
import sys
import threading
import time


def echo(conn):
    with conn:
        while True:
            data = conn.recv(262144)
            if not data:
                break
            conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        # Wait for the other side to close before closing, so nothing is
        # reset.
        while conn.recv(65536):
            pass


def http(conn):
    with conn:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 6\r\n\r\nhello\n")


def write_port_file(name, text):
    tmp = name + ".tmp"
    with open(tmp, "w") as f:
        f.write(text + "\n")
    os.rename(tmp, name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["echo", "http", "blackhole"])
    ap.add_argument("--family", choices=["4", "6"], required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    family = socket.AF_INET if args.family == "4" else socket.AF_INET6
    host = "127.0.0.1" if args.family == "4" else "::1"
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        srv.bind((host, args.port))
    except OSError:
        if not args.port:
            raise
        write_port_file(args.port_file, "busy")
        return 1
    port = srv.getsockname()[1]
    keep = []
    if args.mode == "blackhole":
        srv.listen(0)
        # Fill the accept queue; later SYNs are then dropped and retried.
        for _ in range(4):
            c = socket.socket(family, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect((host, port))
            except BlockingIOError:
                pass
            keep.append(c)
        time.sleep(0.2)
    else:
        srv.listen(128)
    write_port_file(args.port_file, str(port))
    if args.mode == "blackhole":
        while True:
            time.sleep(3600)
    serve = echo if args.mode == "echo" else http
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
