#!/bin/sh
# gateways.sh DIR SPEC COMMAND [ARG]...: the world of the chain and BIND
# tests, run inside in-netns.sh.  SPEC lists gateways separated by
# commas, each socks6d, dante or down (nothing listens); the Nth listens
# on 192.0.2.1:108N, an address put on loopback that is not loopback's
# own (a listen on loopback is never a BIND, and FTP clients bind to
# the control connection's local address).  Also starts an HTTP server
# serving DIR/www on port 8080 of every address, the FTP-like server of
# ftplike.py on port 2121, and with GATEWAYS_FTPD=PYTHON pyftpdlib's
# FTP server on 192.0.2.1:2122 (anonymous, DIR/www).  Runs COMMAND,
# stops everything by PID, then prints each gateway's log lines about
# sessions (GATEWAY-N: ...).  The exit status is COMMAND's.
#
# The name dest.socks6.test is in DIR/hosts, read by the gateways; the
# clients run with --no-hosts-file, so only the last gateway resolves
# it.  It is 192.0.2.1, so that a server sees the gateways' connections
# and their BIND addresses as one host, which FTP servers check.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

dir=$1
spec=$2
shift 2
here=$(dirname "$0")
. "$here/world.sh"

ip addr add 192.0.2.1/32 dev lo || exit 77

python3 -m http.server 8080 --bind :: --directory "$dir/www" \
  2>"$dir/http.log" >/dev/null &
pids="$pids $!"
python3 "$here/ftplike.py" server 2121 >"$dir/ftplike.log" 2>&1 &
pids="$pids $!"
# A real FTP server for the BIND tests that ask for one.
if [ -n "$GATEWAYS_FTPD" ]; then
  "$GATEWAYS_FTPD" -m pyftpdlib -i 192.0.2.1 -p 2122 -d "$dir/www" \
    >"$dir/ftpd.log" 2>&1 &
  pids="$pids $!"
fi

n=0
for kind in $(echo "$spec" | tr ',' ' '); do
  n=$((n + 1))
  port=$((1080 + n))
  case $kind in
    socks6d)
      printf 'listen 192.0.2.1:%s\nauth none\nallow from 127.0.0.0/8 ::1 192.0.2.0/24\n' \
        "$port" >"$dir/gw$n.conf"
      "$SOCKS6D" -v --foreground --config "$dir/gw$n.conf" \
        >"$dir/gw$n.log" 2>&1 &
      pids="$pids $!" ;;
    dante)
      cat >"$dir/gw$n.conf" <<CONF
logoutput: $dir/gw$n.log
internal: 192.0.2.1 port = $port
external: 192.0.2.1
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: bind connect }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: bindreply }
CONF
      danted -f "$dir/gw$n.conf" -p "$dir/gw$n.pid" -N 1 &
      pids="$pids $!" ;;
    down) ;;
    *)
      echo "gateways.sh: unknown gateway $kind" >&2
      exit 99 ;;
  esac
  if [ "$kind" != down ]; then
    wait_port 192.0.2.1 "$port" || {
      echo "gateways: gateway $n did not start"; cat "$dir/gw$n.log"
      exit 99; }
  fi
done
wait_port 127.0.0.1 8080 || { echo "gateways: no HTTP server"; exit 99; }
wait_port 127.0.0.1 2121 || { echo "gateways: no FTP-like server"; exit 99; }
if [ -n "$GATEWAYS_FTPD" ]; then
  wait_port 192.0.2.1 2122 || { echo "gateways: no FTP server"; exit 99; }
fi

"$@"
status=$?
stop
trap - EXIT
for i in $(seq 1 $n); do
  grep -h 'session=' "$dir/gw$i.log" 2>/dev/null | sed "s/^/GATEWAY-$i: /"
done
exit $status
