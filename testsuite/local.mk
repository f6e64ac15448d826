## testsuite/local.mk: the DejaGnu test suite and the C programs it runs.
## One DejaGnu tool per program, plus one for the library.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

DEJATOOL = libsocks6 socks6d socksify socks6-probe
RUNTESTDEFAULTFLAGS = --tool $$tool --srcdir $$srcdir/testsuite
# Programs the tests run, by the path they have in the build tree.
EXTRA_DEJAGNU_SITE_CONFIG = testsuite/site-extra.exp
CLEANFILES += testsuite/site-extra.exp
DISTCLEANFILES += *.sum *.log
testsuite/site-extra.exp: Makefile
	$(AM_V_GEN)$(MKDIR_P) testsuite && { \
	  echo 'set abs_top_builddir "$(abs_top_builddir)"'; \
	  echo 'set abs_top_srcdir "$(abs_top_srcdir)"'; \
	  echo 'set PACKAGE_VERSION "$(PACKAGE_VERSION)"'; \
	  echo 'set enable_fuzzing "$(enable_fuzzing)"'; \
	} > $@-t && mv $@-t $@

UNIT_LDADD = lib/libsocks6.la $(LIBINTL) $(PTHREAD_LIBS)
UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/testsuite/unit

check_PROGRAMS += \
	testsuite/unit/test-addr \
	testsuite/unit/test-client \
	testsuite/unit/test-clock \
	testsuite/unit/test-escape \
	testsuite/unit/test-fakeaddr \
	testsuite/unit/test-name \
	testsuite/unit/test-prefix \
	testsuite/unit/test-replycode \
	testsuite/unit/test-socks5
testsuite_unit_test_addr_CPPFLAGS = $(UNIT_CPPFLAGS)
testsuite_unit_test_addr_LDADD = $(UNIT_LDADD)
testsuite_unit_test_client_CPPFLAGS = $(UNIT_CPPFLAGS)
testsuite_unit_test_client_LDADD = $(UNIT_LDADD)
testsuite_unit_test_clock_CPPFLAGS = $(UNIT_CPPFLAGS)
testsuite_unit_test_clock_LDADD = $(UNIT_LDADD)
testsuite_unit_test_escape_CPPFLAGS = $(UNIT_CPPFLAGS)
testsuite_unit_test_escape_LDADD = $(UNIT_LDADD)
testsuite_unit_test_fakeaddr_CPPFLAGS = $(UNIT_CPPFLAGS)
testsuite_unit_test_fakeaddr_LDADD = $(UNIT_LDADD)
testsuite_unit_test_name_CPPFLAGS = $(UNIT_CPPFLAGS) $(LIBIDN2_CFLAGS)
testsuite_unit_test_name_LDADD = $(UNIT_LDADD)
testsuite_unit_test_prefix_CPPFLAGS = $(UNIT_CPPFLAGS)
testsuite_unit_test_prefix_LDADD = $(UNIT_LDADD)
testsuite_unit_test_replycode_CPPFLAGS = $(UNIT_CPPFLAGS) $(CARES_CFLAGS)
testsuite_unit_test_replycode_LDADD = $(UNIT_LDADD)
testsuite_unit_test_socks5_CPPFLAGS = $(UNIT_CPPFLAGS)
testsuite_unit_test_socks5_LDADD = $(UNIT_LDADD)

# The configuration, rules and authentication of socks6d, tested without
# the event loop.
check_PROGRAMS += testsuite/unit/test-config
testsuite_unit_test_config_SOURCES = testsuite/unit/test-config.c \
	src/socks6d/config.c src/socks6d/rules.c src/socks6d/auth.c \
	src/socks6d/log.c
testsuite_unit_test_config_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/src/socks6d
testsuite_unit_test_config_LDADD = $(UNIT_LDADD) gl/libgnu.la $(LIBCRYPT) $(PAM_LIBS)

EXTRA_DIST += testsuite/unit/unit.h testsuite/config testsuite/lib \
	testsuite/socks6d-client.py testsuite/socks6d-peer.py \
	testsuite/socks6d-bindudp.py \
	testsuite/libsocks6.tests testsuite/socks6d.tests \
	testsuite/socksify.tests testsuite/socks6-probe.tests
