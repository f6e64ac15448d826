## src/socks6d/local.mk: the gateway daemon.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

sbin_PROGRAMS += src/socks6d/socks6d
src_socks6d_socks6d_SOURCES = \
	src/socks6d/auth.c src/socks6d/auth.h \
	src/socks6d/authworker.c src/socks6d/authworker.h \
	src/socks6d/bind.c src/socks6d/bind.h \
	src/socks6d/chain.c src/socks6d/chain.h \
	src/socks6d/config.c src/socks6d/config.h \
	src/socks6d/connector.c src/socks6d/connector.h \
	src/socks6d/gateway.c src/socks6d/gateway.h \
	src/socks6d/listener.c src/socks6d/listener.h \
	src/socks6d/log.c src/socks6d/log.h \
	src/socks6d/loop.c src/socks6d/loop.h \
	src/socks6d/main.c \
	src/socks6d/relay.c src/socks6d/relay.h \
	src/socks6d/resolver.c src/socks6d/resolver.h \
	src/socks6d/rules.c \
	src/socks6d/session.c src/socks6d/session.h \
	src/socks6d/udp.c src/socks6d/udp.h
src_socks6d_socks6d_CPPFLAGS = $(AM_CPPFLAGS) $(CARES_CFLAGS) \
	-I$(top_srcdir)/src/socks6d
src_socks6d_socks6d_LDADD = lib/libsocks6.la gl/libgnu.la $(CARES_LIBS) \
	$(LIBCRYPT) $(PAM_LIBS) $(LIBINTL) $(PTHREAD_LIBS) $(LIBIDN2_LIBS)
