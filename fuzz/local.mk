## fuzz/local.mk: the libFuzzer targets, one per decoder of untrusted
## input, built by "make check" only after
## "CC=clang ./configure --enable-fuzzing"; testsuite/libsocks6.tests/fuzz.exp
## then runs each over its seed corpus, fuzz/corpus/NAME, for a few seconds.
## Longer runs: fuzz/fuzz-NAME -max_total_time=600 NEWDIR $(srcdir)/fuzz/corpus/NAME
##
## The library's sources a target exercises are compiled into it with
## FUZZ_CFLAGS: lib/libsocks6.la is built without libFuzzer's coverage
## instrumentation, and a fuzzer blind to the decoder's branches would
## only be feeding it random bytes.  The library is still linked for
## anything else they call.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

FUZZ_TARGETS = \
	fuzz/fuzz-addr-parse \
	fuzz/fuzz-greeting \
	fuzz/fuzz-method-reply \
	fuzz/fuzz-name \
	fuzz/fuzz-reply \
	fuzz/fuzz-request \
	fuzz/fuzz-udp-header \
	fuzz/fuzz-userpass \
	fuzz/fuzz-userpass-reply

if ENABLE_FUZZING
check_PROGRAMS += $(FUZZ_TARGETS)
endif

FUZZ_COMPILE_FLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
FUZZ_LINK_FLAGS = $(FUZZ_CFLAGS)
FUZZ_LINK_LIBS = lib/libsocks6.la $(LIBINTL)
FUZZ_CODEC_FILES = fuzz/fuzz-contract.h lib/socks5.c lib/errcode.c
FUZZ_NAME_FILES = fuzz/fuzz-contract.h lib/addr.c lib/name.c lib/errcode.c
FUZZ_NAME_PREPROCESS_FLAGS = $(AM_CPPFLAGS) $(LIBIDN2_CFLAGS)

fuzz_fuzz_greeting_SOURCES = fuzz/fuzz-greeting.c $(FUZZ_CODEC_FILES)
fuzz_fuzz_greeting_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_greeting_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_greeting_LDADD = $(FUZZ_LINK_LIBS)

fuzz_fuzz_method_reply_SOURCES = fuzz/fuzz-method-reply.c $(FUZZ_CODEC_FILES)
fuzz_fuzz_method_reply_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_method_reply_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_method_reply_LDADD = $(FUZZ_LINK_LIBS)

fuzz_fuzz_userpass_SOURCES = fuzz/fuzz-userpass.c $(FUZZ_CODEC_FILES)
fuzz_fuzz_userpass_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_userpass_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_userpass_LDADD = $(FUZZ_LINK_LIBS)

fuzz_fuzz_userpass_reply_SOURCES = fuzz/fuzz-userpass-reply.c \
	$(FUZZ_CODEC_FILES)
fuzz_fuzz_userpass_reply_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_userpass_reply_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_userpass_reply_LDADD = $(FUZZ_LINK_LIBS)

fuzz_fuzz_request_SOURCES = fuzz/fuzz-request.c $(FUZZ_CODEC_FILES)
fuzz_fuzz_request_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_request_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_request_LDADD = $(FUZZ_LINK_LIBS)

fuzz_fuzz_reply_SOURCES = fuzz/fuzz-reply.c $(FUZZ_CODEC_FILES)
fuzz_fuzz_reply_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_reply_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_reply_LDADD = $(FUZZ_LINK_LIBS)

fuzz_fuzz_udp_header_SOURCES = fuzz/fuzz-udp-header.c $(FUZZ_CODEC_FILES)
fuzz_fuzz_udp_header_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_udp_header_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_udp_header_LDADD = $(FUZZ_LINK_LIBS)

# The names helper's targets: user-typed addresses and IDN names.
fuzz_fuzz_addr_parse_SOURCES = fuzz/fuzz-addr-parse.c $(FUZZ_NAME_FILES)
fuzz_fuzz_addr_parse_CPPFLAGS = $(FUZZ_NAME_PREPROCESS_FLAGS)
fuzz_fuzz_addr_parse_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_addr_parse_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_addr_parse_LDADD = $(FUZZ_LINK_LIBS)

fuzz_fuzz_name_SOURCES = fuzz/fuzz-name.c $(FUZZ_NAME_FILES)
fuzz_fuzz_name_CPPFLAGS = $(FUZZ_NAME_PREPROCESS_FLAGS)
fuzz_fuzz_name_CFLAGS = $(FUZZ_COMPILE_FLAGS)
fuzz_fuzz_name_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_name_LDADD = $(FUZZ_LINK_LIBS)

EXTRA_DIST += fuzz/corpus
