# dns-counter.py FILE [ADDRESS]: a DNS server on ADDRESS (127.0.0.1 by
# default) port 53, UDP and TCP, that
# answers every query with REFUSED and keeps the number of queries it
# got in FILE, logging each name and type on standard error.  The
# socksify tests point the resolver at it to check that no name leaks
# past the gateway.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

import selectors
import socket
import sys

count_file = sys.argv[1]
address = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
count = 0


def qname(query):
    labels, i = [], 12
    while i < len(query) and query[i]:
        labels.append(query[i + 1:i + 1 + query[i]].decode("ascii", "replace"))
        i += 1 + query[i]
    qtype = int.from_bytes(query[i + 1:i + 3], "big") if i + 3 <= len(query) else 0
    return "%s type %d" % (".".join(labels), qtype)


def record(query):
    global count
    count += 1
    # The query's name, for the test's log (dns.log).
    print("query", qname(query), file=sys.stderr, flush=True)
    with open(count_file, "w") as f:
        f.write("%d\n" % count)
    if len(query) < 12:
        return b""
    # Same id and question, QR=1, RCODE=5 (REFUSED).
    return query[:2] + bytes([0x80 | (query[2] & 0x79), 0x05]) + query[4:]


record_file = open(count_file, "w")
record_file.write("0\n")
record_file.close()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((address, 53))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((address, 53))
tcp.listen(8)
sel = selectors.DefaultSelector()
sel.register(udp, selectors.EVENT_READ)
sel.register(tcp, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is udp:
            query, peer = udp.recvfrom(4096)
            udp.sendto(record(query), peer)
        else:
            conn, _ = tcp.accept()
            conn.settimeout(2)
            try:
                data = conn.recv(4096)
                if len(data) > 2:
                    answer = record(data[2:])
                    conn.sendall(len(answer).to_bytes(2, "big") + answer)
            except OSError:
                pass
            conn.close()
