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
import select
import socket
import sys
import threading
import time

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
    libc = ctypes.CDLL(None)
    libc.__h_errno_location.restype = ctypes.POINTER(ctypes.c_int)
    answer = ctypes.create_string_buffer(512)
    rc = libc.res_query(("nowhere2." + host).encode(), 1, 1, answer, 512)
    print("res_query nowhere", rc, "h_errno", libc.__h_errno_location()[0],
          "rcode", answer.raw[3] & 15)


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


def parse_answer(msg, size):
    """rcode, ancount and the first answer's address of a DNS message."""
    msg = msg[:size]
    rcode, ancount = msg[3] & 15, int.from_bytes(msg[6:8], "big")
    i = 12
    while msg[i]:
        i += 1 + msg[i]
    i += 5
    if ancount == 0:
        return rcode, 0, "-"
    # name (a pointer), type, class, ttl, rdlength, rdata
    rdlen = int.from_bytes(msg[i + 10:i + 12], "big")
    family = socket.AF_INET if rdlen == 4 else socket.AF_INET6
    return rcode, ancount, socket.inet_ntop(family, msg[i + 12:i + 12 + rdlen])


def case_resolver(host, port):
    """res_query and friends answered with fake addresses or no data."""
    libc = ctypes.CDLL(None)
    libc.__h_errno_location.restype = ctypes.POINTER(ctypes.c_int)
    answer = ctypes.create_string_buffer(512)
    name = host.encode()
    for fn, qtype in (("res_query", 1), ("res_search", 1),
                      ("res_query", 28), ("__res_query", 1)):
        rc = getattr(libc, fn)(name, 1, qtype, answer, 512)
        print(fn, qtype, rc, *parse_answer(answer.raw, rc))
    print("getaddrinfo",
          socket.getaddrinfo(host, port, socket.AF_INET)[0][4][0],
          socket.getaddrinfo(host, port, socket.AF_INET6)[0][4][0])
    for qtype in (65, 33, 16):          # HTTPS, SRV, TXT
        rc = libc.res_query(name, 1, qtype, answer, 512)
        print("res_query", qtype, rc, "h_errno",
              libc.__h_errno_location()[0],
              *parse_answer(answer.raw, 512)[:2])
    rc = libc.res_query(name, 1, 1, answer, 20)
    print("small buffer", rc, "h_errno", libc.__h_errno_location()[0])
    def fn(name):                       # resolv.h renames some
        return getattr(libc, name, None) or getattr(libc, "__" + name)
    state = ctypes.create_string_buffer(4096)
    print("res_ninit", fn("res_ninit")(state))
    rc = libc.res_nquery(state, name, 1, 1, answer, 512)
    print("res_nquery", 1, rc, *parse_answer(answer.raw, rc))
    rc = libc.res_nquery(state, name, 1, 65, answer, 512)
    print("res_nquery", 65, rc, "h_errno", libc.__h_errno_location()[0])
    fn("res_nclose")(state)
    query = ctypes.create_string_buffer(512)
    n = fn("res_mkquery")(0, name, 1, 1, None, 0, None, query, 512)
    rc = libc.res_send(query, n, answer, 512)
    print("res_send", rc, "same id", answer.raw[:2] == query.raw[:2],
          *parse_answer(answer.raw, rc))


# The asynchronous connect (--connect-mode=async).  These cases run
# their own slow SOCKS 5 gateway in a thread, on 127.0.0.1:1081 (loopback
# is direct, so its sockets are not socksified): it answers each request
# after SLOW seconds, with success and then "hello-slow" to any data, or
# with "connection refused" for port 1.
SLOW = 0.5
EINPROGRESS = 115


def slow_gateway_serve(conn):
    with conn:
        data = b""
        while len(data) < 3 + 10:           # greeting, IPv4 request
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        # greeting (3), VER CMD RSV ATYP, then the address and port
        req = data[3:]
        if req[3] == 3:
            need = 4 + 1 + req[4] + 2
        else:
            need = 4 + (4 if req[3] == 1 else 16) + 2
        while len(req) < need:
            req += conn.recv(4096)
        port = int.from_bytes(req[need - 2:need], "big")
        time.sleep(SLOW)
        code = 5 if port == 1 else 0
        conn.sendall(b"\5\0" + b"\5" + bytes([code]) + b"\0\1" + bytes(6))
        if code == 0 and conn.recv(4096):
            conn.sendall(b"hello-slow")


def slow_gateway():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 1081))
    server.listen(64)

    def loop():
        while True:
            conn, _ = server.accept()
            threading.Thread(target=slow_gateway_serve, args=(conn,),
                             daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def async_connect(host, port):
    """A non-blocking socket, connect started: (socket, connect's errno)."""
    addr = socket.getaddrinfo(host, port, socket.AF_INET,
                              socket.SOCK_STREAM)[0][4]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    return sock, sock.connect_ex(addr)


def exchange(sock):
    sock.setblocking(True)
    sock.settimeout(5)
    sock.sendall(b"ping")
    return sock.recv(100).decode()


def case_async_poll(host, port):
    slow_gateway()
    start = time.monotonic()
    sock, err = async_connect(host, port)
    print("connect", err, "at once", time.monotonic() - start < SLOW / 2)
    p = select.poll()
    p.register(sock, select.POLLOUT)
    print("writable before the reply", bool(p.poll(0)))
    events = p.poll(5000)
    print("writable after", round(time.monotonic() - start, 1),
          "events", events[0][1] if events else None)
    print("so_error", sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    print("peer", sock.getpeername()[0])
    print("body", exchange(sock))


def case_async_select(host, port):
    slow_gateway()
    start = time.monotonic()
    sock, err = async_connect(host, port)
    print("connect", err)
    print("writable before the reply", bool(select.select([], [sock], [], 0)[1]))
    w = select.select([], [sock], [], 5)[1]
    print("writable after", round(time.monotonic() - start, 1),
          "ready", len(w))
    print("so_error", sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    print("body", exchange(sock))


def case_async_epoll(host, port):
    """Edge-triggered epoll, one socket registered before its connect,
    one after, with the program's own data (Python keeps the fd)."""
    slow_gateway()
    ep = select.epoll()
    start = time.monotonic()
    before = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    before.setblocking(False)
    ep.register(before, select.EPOLLOUT | select.EPOLLIN | select.EPOLLET)
    addr = socket.getaddrinfo(host, port, socket.AF_INET)[0][4]
    err1 = before.connect_ex(addr)
    after, err2 = async_connect(host, port)
    ep.register(after, select.EPOLLOUT | select.EPOLLET)
    print("connect", err1, err2)
    print("events before the reply", ep.poll(0))
    seen = {}
    while len(seen) < 2 and time.monotonic() - start < 5:
        for fd, ev in ep.poll(5):
            seen.setdefault(fd, ev)
    print("writable after", round(time.monotonic() - start, 1))
    print("before fd", before.fileno() in seen,
          "out", bool(seen.get(before.fileno(), 0) & select.EPOLLOUT))
    print("after fd", after.fileno() in seen,
          "out", bool(seen.get(after.fileno(), 0) & select.EPOLLOUT))
    print("so_error", before.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
          after.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    # Edge-triggered: no second report without a new edge.
    print("quiet after the edge", ep.poll(0.1) == [])
    print("body", exchange(before), exchange(after))


def case_async_refused(host, port):
    slow_gateway()
    sock, err = async_connect(host, 1)
    p = select.poll()
    p.register(sock, select.POLLOUT)
    events = p.poll(5000)
    ev = events[0][1] if events else 0
    print("connect", err, "pollerr", bool(ev & select.POLLERR),
          "pollout", bool(ev & select.POLLOUT))
    print("so_error", sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
          "then", sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))


def case_async_threads(host, port):
    """One thread connects, another waits in epoll for it; and 8 threads
    connect and poll in parallel."""
    slow_gateway()
    ep = select.epoll()
    sock, err = async_connect(host, port)
    ep.register(sock, select.EPOLLOUT | select.EPOLLET)
    got = []
    waiter = threading.Thread(target=lambda: got.extend(ep.poll(5)))
    waiter.start()
    waiter.join()
    print("other thread saw", len(got), "so_error",
          sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
          "body", exchange(sock))
    # The other thread is already waiting when the connect starts.
    ep = select.epoll()
    got = []
    start = time.monotonic()
    waiter = threading.Thread(
        target=lambda: got.append((ep.poll(5), time.monotonic() - start)))
    waiter.start()
    time.sleep(0.2)
    sock, err = async_connect(host, port)
    ep.register(sock, select.EPOLLOUT | select.EPOLLET)
    waiter.join()
    events, when = got[0]
    print("waiting thread saw", len(events), "after the reply",
          when >= 0.2 + SLOW * 0.9, "so_error",
          sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    results = []

    def worker():
        s, e = async_connect(host, port)
        p = select.poll()
        p.register(s, select.POLLOUT)
        p.poll(5000)
        results.append(e == EINPROGRESS
                       and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                       == 0 and exchange(s) == "hello-slow")
    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("parallel", len(results), all(results),
          "in parallel", time.monotonic() - start < 4 * SLOW)


def case_async_asyncio(host, port):
    """The event loop keeps running while the gateway thinks."""
    slow_gateway()

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1
        t = asyncio.ensure_future(ticker())
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, family=socket.AF_INET), 5)
        t.cancel()
        writer.write(b"ping")
        data = await reader.read(100)
        writer.close()
        print("ticks during connect", ticks >= 5, "body", data.decode())
    asyncio.run(main())


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]](sys.argv[2], int(sys.argv[3]))
