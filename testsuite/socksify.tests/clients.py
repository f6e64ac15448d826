# clients.py CASE HOST PORT: small TCP clients the socksify tests run
# under socksify, each printing what the test checks.  HOST:PORT serves
# /index.html over HTTP.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

import asyncio
import ctypes
import fcntl
import os
import socket
import sys
import threading

REQUEST = b"GET /index.html HTTP/1.0\r\nHost: test\r\n\r\n"


def body(data):
    return data.split(b"\r\n\r\n", 1)[1].decode().strip()


def fetch_on(sock):
    sock.sendall(REQUEST)
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return body(data)
        data += chunk


def fetch(host, port):
    with socket.create_connection((host, port), timeout=10) as sock:
        return fetch_on(sock)


def case_blocking(host, port):
    sock = socket.create_connection((host, port), timeout=10)
    print("peer", sock.getpeername()[0])
    print("body", fetch_on(sock))


def case_nonblocking(host, port):
    info = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    before = fcntl.fcntl(sock.fileno(), fcntl.F_GETFL)
    err = sock.connect_ex(info[0][4])
    if err == 115:                  # EINPROGRESS: wait for the verdict
        import select
        select.select([], [sock], [], 10)
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    after = fcntl.fcntl(sock.fileno(), fcntl.F_GETFL)
    print("connect", err, "flags kept", before == after)
    sock.setblocking(True)
    print("body", fetch_on(sock))


def case_asyncio(host, port):
    async def run():
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(REQUEST)
        await writer.drain()
        data = await reader.read()
        writer.close()
        return body(data)
    print("body", asyncio.run(run()))


def case_refused(host, port):
    try:
        socket.create_connection((host, port), timeout=10)
        print("connected")
    except OSError as e:
        print("error", e)


def case_threads(host, port):
    results = []
    names = ["%s" % host] * 16

    def worker(name):
        results.append(fetch(name, port))
    threads = [threading.Thread(target=worker, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("threads", len(results), "all",
          all(r == "hello-socks" for r in results))


def case_fork(host, port):
    addr = socket.getaddrinfo(host, port, socket.AF_INET)[0][4]
    pid = os.fork()
    if pid == 0:
        same = socket.getaddrinfo(host, port, socket.AF_INET)[0][4] == addr
        os._exit(0 if same and fetch(addr[0], port) == "hello-socks" else 1)
    _, status = os.waitpid(pid, 0)
    print("child", "ok" if status == 0 else "failed")
    print("body", fetch(addr[0], port))


def case_dup(host, port):
    sock = socket.create_connection((host, port), timeout=10)
    copy = sock.dup()
    peer = sock.getpeername()[0]
    sock.close()
    print("dup peer same", copy.getpeername()[0] == peer)
    print("body", fetch_on(copy))


def case_names(host, port):
    addr = socket.getaddrinfo(host, port, socket.AF_INET)[0][4]
    print("nameinfo", socket.getnameinfo(addr, 0)[0])
    print("hostbyaddr", socket.gethostbyaddr(addr[0])[0])
    print("hostbyname", socket.gethostbyname(host) == addr[0])
    print("canonname", socket.getaddrinfo(host, port, socket.AF_INET, 0, 0,
                                          socket.AI_CANONNAME)[0][3])
    try:
        socket.getaddrinfo(host, "no-such-service", socket.AF_INET)
    except socket.gaierror as e:
        print("service error", e.errno == socket.EAI_SERVICE)


def case_resolve(host, port):
    """HOST exists at the gateway; "nowhere." + HOST does not."""
    print("exists", socket.getaddrinfo(host, port, socket.AF_INET)[0][4][0])
    try:
        socket.getaddrinfo("nowhere." + host, port)
        print("nowhere resolved")
    except socket.gaierror as e:
        print("nowhere", e)


def case_v6literal(host, port):
    """An IPv6 literal asked for as IPv4 (RFC 3089 section 3)."""
    addr = socket.getaddrinfo(host, port, socket.AF_INET,
                              socket.SOCK_STREAM)[0][4]
    print("fake", addr[0])
    with socket.create_connection(addr, timeout=10) as sock:
        print("body", fetch_on(sock))


def case_lookups(host, port):
    """Every door a name can leave by; the test counts DNS queries."""
    for family in (socket.AF_UNSPEC, socket.AF_INET, socket.AF_INET6):
        try:
            socket.getaddrinfo("a." + host, port, family)
        except OSError as e:
            print("getaddrinfo", e)
    try:
        socket.gethostbyname("b." + host)
    except OSError as e:
        print("gethostbyname", e)
    libc = ctypes.CDLL(None)
    answer = ctypes.create_string_buffer(512)
    for fn in ("res_query", "res_search", "__res_query"):
        rc = getattr(libc, fn)(("c." + host).encode(), 1, 65, answer, 512)
        print(fn, rc)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        udp.sendto(b"\0" * 20, ("127.0.0.1", 53))
        print("udp 53 sent")
    except OSError as e:
        print("udp 53", e)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]](sys.argv[2], int(sys.argv[3]))
