#!/bin/sh
# bench-gateway.sh: the entry through which bench/run-bench ("make bench")
# runs the gateway benchmark, bench/gateway-bench, with BUILDDIR and
# SRCDIR set.  It builds socks6d and the load generator first, since
# "make bench" builds only the benchmark programs.  Arguments (from
# BENCH_ARGS_gateway) are passed on: see bench/gateway-bench --help.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

set -eu
builddir=${BUILDDIR:-$(pwd)}
srcdir=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
(cd "$builddir" && ${MAKE:-make} -s src/socks6d/socks6d bench/loadgen) \
  >/dev/null
BUILDDIR=$builddir exec ${SHELL:-/bin/sh} "$srcdir/bench/gateway-bench" "$@"
