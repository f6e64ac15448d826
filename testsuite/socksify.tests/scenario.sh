#!/bin/sh
# scenario.sh DIR GATEWAY COMMAND [ARG]...: the world of one socksify
# test, run inside in-netns.sh.  Starts a counting DNS server on
# 127.0.0.1:53, an HTTP server on [::1]:8080 only (the destination is
# IPv6-only, the client's fake addresses IPv4: RFC 3089's case B) serving
# DIR/www, and the SOCKS 5 gateway GATEWAY (microsocks, dante or socks6d,
# whose path is in $SOCKS6D) on 127.0.0.1:1080; runs COMMAND; stops them
# by PID; prints what the destination saw, the requests socks6d logged,
# and how many DNS queries were made.  The exit status is COMMAND's.
#
# The gateway resolves names for the client, and its queries are no
# leak: it runs in a mount namespace of its own whose resolv.conf names
# a second counting server, on 127.0.0.2, so that DNS-QUERIES counts the
# client side only (GATEWAY-DNS-QUERIES the gateway's), and whose
# /etc/hosts is DIR/gateway-hosts when there is one: only the gateway
# then knows the destination's name.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

dir=$1
gateway=$2
shift 2
here=$(dirname "$0")
. "$here/world.sh"

python3 "$here/dns-counter.py" "$dir/dns-count" 2>"$dir/dns.log" &
pids="$pids $!"
python3 "$here/dns-counter.py" "$dir/gateway-dns-count" 127.0.0.2 \
  2>"$dir/gateway-dns.log" &
pids="$pids $!"
printf 'nameserver 127.0.0.2\noptions attempts:1 timeout:1\n' \
  >"$dir/gateway-resolv.conf"
python3 -m http.server 8080 --bind ::1 --directory "$dir/www" \
  2>"$dir/http.log" >/dev/null &
pids="$pids $!"

# Run COMMAND with DIR/gateway-resolv.conf as /etc/resolv.conf and
# DIR/gateway-hosts (if there is one; the gateway alone knows the
# destination's name) as /etc/hosts, in place of the background subshell
# that calls this (its PID is COMMAND's).
gateway_ns () {
  exec unshare -m sh -c 'mount --bind "$0/gateway-resolv.conf" \
      /etc/resolv.conf || exit 99
    if [ -f "$0/gateway-hosts" ]; then
      mount --bind "$0/gateway-hosts" /etc/hosts || exit 99
    fi
    exec "$@"' "$dir" "$@"
}

case $gateway in
  microsocks)
    gateway_ns microsocks -i 127.0.0.1 -p 1080 >"$dir/gateway.log" 2>&1 &
    pids="$pids $!" ;;
  dante)
    cat >"$dir/danted.conf" <<CONF
logoutput: $dir/gateway.log
internal: 127.0.0.1 port = 1080
external: lo
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: ::/0 }
socks pass { from: ::/0 to: 127.0.0.0/8 command: udpreply }
CONF
    gateway_ns danted -f "$dir/danted.conf" -p "$dir/danted.pid" -N 1 &
    pids="$pids $!" ;;
  socks6d)
    cat >"$dir/socks6d.conf" <<CONF
listen 127.0.0.1:1080
auth none
allow from 127.0.0.0/8 ::1
CONF
    gateway_ns "$SOCKS6D" --foreground --config "$dir/socks6d.conf" \
      >"$dir/gateway.log" 2>&1 &
    pids="$pids $!" ;;
  none) ;;
  *)
    echo "scenario.sh: unknown gateway $gateway" >&2
    exit 99 ;;
esac

wait_port ::1 8080 || { echo "scenario: no HTTP server"; exit 99; }
if [ "$gateway" != none ]; then
  wait_port 127.0.0.1 1080 || {
    echo "scenario: no gateway"; cat "$dir/gateway.log"; exit 99; }
fi

"$@"
status=$?
stop
trap - EXIT
echo "DESTINATION-LOG:"
grep '"GET' "$dir/http.log"
# socks6d says what it was asked for and how it ended.
echo "GATEWAY-LOG:"
grep -h 'request=' "$dir/gateway.log" 2>/dev/null
echo "DNS-QUERIES: $(cat "$dir/dns-count" 2>/dev/null || echo none)"
echo "GATEWAY-DNS-QUERIES: $(cat "$dir/gateway-dns-count" 2>/dev/null \
  || echo none)"
exit $status
