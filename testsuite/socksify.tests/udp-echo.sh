#!/bin/sh
# udp-echo.sh PROBE PORT COMMAND [ARG]...: run COMMAND (inside a
# scenario, see scenario.sh) while socks6-probe (at PROBE) is a UDP and
# TCP echo peer on [::1]:PORT, IPv6 only, as dest.socks6.test is to the
# gateway; stop the peer by PID.  Prints how many SOCKS control
# connections to the gateway (127.0.0.1:1080) were left open once
# COMMAND ended, and exits with COMMAND's status.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

probe=$1
port=$2
shift 2
"$probe" --listen="[::1]:$port" --timeout=60 >/dev/null 2>&1 &
peer=$!
trap 'kill $peer 2>/dev/null; wait $peer 2>/dev/null' EXIT
python3 - "$port" <<'PY' || { echo "udp-echo: no echo peer"; exit 99; }
import socket, sys, time
for _ in range(100):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        s.connect(("::1", int(sys.argv[1])))
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
    finally:
        s.close()
sys.exit(1)
PY
"$@"
status=$?
echo "STATUS: $status"
exit $status
