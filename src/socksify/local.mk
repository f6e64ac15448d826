## src/socksify/local.mk: socksify, the launcher, and libsocks6-preload.so,
## the library it preloads into programs (RFC 3089's "Socks Lib").
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

bin_PROGRAMS += src/socksify/socksify
src_socksify_socksify_SOURCES = \
	src/socksify/socksify.c \
	src/socksify/launch.h \
	src/socksify/launch-config.c \
	src/socksify/launch-exec.c \
	src/socksify/settings.c src/socksify/settings.h
src_socksify_socksify_CPPFLAGS = $(AM_CPPFLAGS) \
	-DPKGLIBDIR=\"$(pkglibdir)\" -DSYSCONFDIR=\"$(sysconfdir)\"
src_socksify_socksify_LDADD = lib/libsocks6.la gl/libgnu.la $(LIBINTL) \
	$(LIBIDN2_LIBS) $(PTHREAD_LIBS)

## The preload library.  It links libsocks6 but not gnulib (see
## bootstrap.conf): gnulib's replacement functions must not enter the
## programs it is loaded into.  Only the hooks are exported
## (preload.sym), so libsocks6's symbols never meet the program's.
pkglib_LTLIBRARIES += src/socksify/libsocks6-preload.la
src_socksify_libsocks6_preload_la_SOURCES = \
	src/socksify/preload.h \
	src/socksify/preload-async.c \
	src/socksify/preload-bind.c \
	src/socksify/preload-chain.c \
	src/socksify/preload-connect.c \
	src/socksify/preload-fd.c \
	src/socksify/preload-gateway.c \
	src/socksify/preload-hosts.c \
	src/socksify/preload-init.c \
	src/socksify/preload-log.c \
	src/socksify/preload-res.c \
	src/socksify/preload-resolve.c \
	src/socksify/preload-reverse.c \
	src/socksify/preload-socket.c \
	src/socksify/preload-sym.c \
	src/socksify/preload-udp.c \
	src/socksify/preload-wait.c \
	src/socksify/settings.c src/socksify/settings.h
## Not $(AM_CPPFLAGS): gnulib's replacement headers in gl/ would rename
## hooks such as fcntl to rpl_fcntl.
src_socksify_libsocks6_preload_la_CPPFLAGS = -I$(top_srcdir)/lib
src_socksify_libsocks6_preload_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
src_socksify_libsocks6_preload_la_LDFLAGS = -module -avoid-version -shared \
	-no-undefined -export-symbols $(srcdir)/src/socksify/preload.sym \
	-Wl,-z,defs
src_socksify_libsocks6_preload_la_LIBADD = lib/libsocks6.la \
	$(LIBIDN2_LIBS) $(LIBDL) $(PTHREAD_LIBS)
EXTRA_src_socksify_libsocks6_preload_la_DEPENDENCIES = \
	$(srcdir)/src/socksify/preload.sym
EXTRA_DIST += src/socksify/preload.sym
