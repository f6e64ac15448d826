# world.sh: what scenario.sh and gateways.sh share, sourced by both:
# the PIDs they start (in $pids), stopped at exit, and wait_port.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

pids=

stop () {
  for pid in $pids; do
    kill "$pid" 2>/dev/null
  done
  for pid in $pids; do
    wait "$pid" 2>/dev/null
  done
}
trap stop EXIT

# Wait until something listens on HOST PORT (up to 10 s).
wait_port () {
  python3 - "$1" "$2" <<'PY'
import socket, sys, time
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
for _ in range(100):
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.connect((sys.argv[1], int(sys.argv[2])))
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
    finally:
        s.close()
sys.exit(1)
PY
}
