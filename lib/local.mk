## lib/local.mk: libsocks6, the internal library every program shares.
## A libtool convenience library built PIC, because socksify's preload
## object links it too.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

noinst_LTLIBRARIES += lib/libsocks6.la
lib_libsocks6_la_SOURCES = \
	lib/addr.c lib/addr.h \
	lib/client.c lib/client.h \
	lib/clock.c lib/clock.h \
	lib/errcode.c lib/errcode.h \
	lib/escape.c lib/escape.h \
	lib/fakeaddr.c lib/fakeaddr.h \
	lib/i18n.h \
	lib/name.c lib/name.h \
	lib/prefix.c lib/prefix.h \
	lib/replycode.c lib/replycode.h \
	lib/socks5.c lib/socks5.h
lib_libsocks6_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBIDN2_CFLAGS) $(CARES_CFLAGS)
lib_libsocks6_la_LIBADD = $(LIBIDN2_LIBS) $(PTHREAD_LIBS)
