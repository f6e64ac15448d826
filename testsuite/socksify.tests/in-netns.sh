#!/bin/sh
# in-netns.sh DIR COMMAND [ARG]...: run COMMAND in new network and mount
# namespaces, with the loopback interface up, DIR/hosts as /etc/hosts and
# DIR/resolv.conf as /etc/resolv.conf.  Its ports and name service are
# its own: no clash with other tests, and no query can reach a real DNS
# server.  Exit status 77 when namespaces cannot be made here.
#
# With SOCKS6_TEST_LINK=yes in the environment, the namespace also gets a
# network link other than loopback, as a real host has (Chromium thinks
# itself offline without one): a veth pair, both ends inside, with
# 192.0.2.2/24 (TEST-NET-1) on one end and no route beyond it.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

dir=$1
shift
if [ "$(id -u)" = 0 ]; then
  flags="-m -n"
else
  flags="-r -m -n"
fi
unshare $flags true 2>/dev/null || exit 77
exec unshare $flags sh -c '
  dir=$1
  shift
  ip link set lo up 2>/dev/null || exit 77
  if [ "$SOCKS6_TEST_LINK" = yes ]; then
    ip link add s6link0 type veth peer name s6link1 2>/dev/null \
      && ip link set s6link1 up && ip link set s6link0 up \
      && ip addr add 192.0.2.2/24 dev s6link0 || exit 77
  fi
  mount --bind "$dir/hosts" /etc/hosts || exit 77
  mount --bind "$dir/resolv.conf" /etc/resolv.conf || exit 77
  exec "$@"' in-netns "$dir" "$@"
