## src/probe/local.mk: socks6-probe, the SOCKS 5 diagnostics and
## conformance tool.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

bin_PROGRAMS += src/probe/socks6-probe
src_probe_socks6_probe_SOURCES = \
	src/probe/probe.c src/probe/probe.h \
	src/probe/bindudp.c \
	src/probe/conformance.c \
	src/probe/diagnose.c \
	src/probe/listen.c \
	src/probe/net.c \
	src/probe/output.c
src_probe_socks6_probe_CPPFLAGS = $(AM_CPPFLAGS)
src_probe_socks6_probe_LDADD = lib/libsocks6.la gl/libgnu.la $(LIBINTL) \
	$(GETADDRINFO_LIB) $(INET_NTOP_LIB) $(INET_PTON_LIB) \
	$(LIB_GETRANDOM) $(CLOCK_TIME_LIB) $(LIBIDN2_LIBS) $(PTHREAD_LIBS) -lm
