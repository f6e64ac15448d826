## bench/local.mk: the benchmarks.  Measurements, not tests: "make bench"
## builds and runs them (through bench/run-bench); "make" and "make check"
## never do.  A benchmark is bench/bench-NAME.c (a program, listed here in
## EXTRA_PROGRAMS and BENCH_BINARIES) or bench/bench-NAME.sh (a script);
## bench/run-bench finds both kinds by that name.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

EXTRA_PROGRAMS += bench/bench-fakeaddr
BENCH_BINARIES += bench/bench-fakeaddr
bench_bench_fakeaddr_SOURCES = bench/bench-fakeaddr.c
bench_bench_fakeaddr_LDADD = lib/libsocks6.la $(LIBINTL) $(PTHREAD_LIBS)

dist_noinst_SCRIPTS += bench/run-bench
CLEANFILES += $(BENCH_BINARIES)

## The gateway benchmark: bench/gateway-bench runs socks6d, Dante's
## sockd, microsocks and a direct connection side by side, driving
## bench/loadgen (both the clients and the destination); run-bench reaches
## it through bench/bench-gateway.sh, which builds what it needs first.
## "make check" builds bench/loadgen too: a short test runs the benchmark
## to see that it works (socks6d.tests/gateway-bench.exp).
check_PROGRAMS += bench/loadgen
BENCH_BINARIES += bench/loadgen
bench_loadgen_SOURCES = bench/loadgen.c
bench_loadgen_LDADD = lib/libsocks6.la $(LIBINTL) $(PTHREAD_LIBS) -lm
dist_noinst_SCRIPTS += bench/gateway-bench bench/bench-gateway.sh
