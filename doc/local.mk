## doc/local.mk: the Texinfo manual ("info socks6") and the man pages.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

info_TEXINFOS = doc/socks6.texi
doc_socks6_TEXINFOS = \
	doc/overview.texi \
	doc/socks6d.texi \
	doc/socks6d-bindudp.texi \
	doc/socks6d-conf.texi \
	doc/socksify.texi \
	doc/fakeaddr.texi \
	doc/chaining.texi \
	doc/probe.texi \
	doc/libsocks6.texi \
	doc/libsocks6-names.texi \
	doc/security.texi \
	doc/troubleshooting.texi \
	doc/benchmarks.texi \
	doc/testsuite.texi \
	doc/fdl.texi

# "make distcheck" builds the manual in HTML rather than DVI: the HTML
# needs only makeinfo, the DVI a whole TeX installation.
AM_DISTCHECK_DVI_TARGET = html

dist_man_MANS = doc/socks6d.8 doc/socksify.1 doc/socks6-probe.1 \
	doc/socks6d.conf.5

# The example configuration and the systemd unit.
examplesdir = $(docdir)/examples
dist_examples_DATA = doc/socks6d.conf.example
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = build-aux/socks6d.service
EXTRA_DIST += build-aux/socks6d.service.in
CLEANFILES += build-aux/socks6d.service
build-aux/socks6d.service: build-aux/socks6d.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) build-aux && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' \
	       -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	       $(srcdir)/build-aux/socks6d.service.in > $@-t && mv $@-t $@
