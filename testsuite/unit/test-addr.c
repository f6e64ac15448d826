/* Unit tests of lib/addr.c: every text form socks6_addr_parse accepts
   and refuses, printing, sockaddr conversion, equality, and which
   addresses are loopback or unspecified.  Run by
   testsuite/libsocks6.tests/addr.exp.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>
#include <sys/un.h>

#include "addr.h"
/* For lib/error.h: from this directory a bare "error.h" finds gnulib's.  */
#include "name.h"
#include "unit.h"

/* Parse TEXT and check the result prints back as EXPECT (with port).  */
static void
check_parse (const char *text, uint16_t default_port, const char *expect)
{
  struct socks6_addr addr;
  char buf[SOCKS6_ADDR_TEXT_MAX];
  int rc = socks6_addr_parse (&addr, text, default_port);
  int n = rc == SOCKS6_OK ? socks6_addr_format (&addr, true, buf,
                                                sizeof buf) : -1;

  UNIT_CHECK (rc == SOCKS6_OK && n > 0 && strcmp (buf, expect) == 0,
              "parse \"%s\" (default port %u) gives %s (rc %d, got \"%s\")",
              text, default_port, expect, rc, n > 0 ? buf : "");
}

/* Parse TEXT and check it fails with ERROR, leaving the address as it
   was.  */
static void
check_parse_error (const char *text, int error, const char *why)
{
  struct socks6_addr addr, before;
  int rc;

  memset (&addr, 0x5a, sizeof addr);
  before = addr;
  rc = socks6_addr_parse (&addr, text, 1080);
  UNIT_CHECK (rc == error && memcmp (&addr, &before, sizeof addr) == 0,
              "parse refuses \"%s\" (%s): rc %d, want %d", text, why, rc,
              error);
}

static void
test_parse_forms (void)
{
  check_parse ("example.com:80", 0, "example.com:80");
  check_parse ("example.com", 1080, "example.com:1080");
  check_parse ("example.com.:80", 0, "example.com.:80");
  check_parse ("Example.COM:443", 0, "Example.COM:443");
  check_parse ("_sip._tcp.example:5060", 0, "_sip._tcp.example:5060");
  check_parse ("my_host.lan:22", 0, "my_host.lan:22");
  check_parse ("localhost:1", 0, "localhost:1");
  check_parse ("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.jp:443", 0,
               "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.jp:443");
  check_parse ("1.2.3.4:80", 0, "1.2.3.4:80");
  check_parse ("1.2.3.4", 1080, "1.2.3.4:1080");
  check_parse ("255.255.255.255:65535", 0, "255.255.255.255:65535");
  check_parse ("[::1]:80", 0, "[::1]:80");
  check_parse ("[::1]", 1080, "[::1]:1080");
  check_parse ("::1", 1080, "[::1]:1080");
  check_parse ("2001:db8::1:80", 1080, "[2001:db8::1:80]:1080");
  check_parse ("2001:DB8::1", 53, "[2001:db8::1]:53");
  check_parse ("[::ffff:192.0.2.1]:8080", 0, "[::ffff:192.0.2.1]:8080");
  check_parse ("fe80::1%4000000000", 7, "[fe80::1%4000000000]:7");
  check_parse ("[fe80::1%4294967295]:1", 0, "[fe80::1%4294967295]:1");
}

static void
test_parse_scope_lo (void)
{
  unsigned lo = if_nametoindex ("lo");
  struct socks6_addr addr;
  char numeric[32];

  if (lo == 0)
    {
      UNIT_UNSUPPORTED ("no interface \"lo\" here: scope by name");
      return;
    }
  check_parse ("[fe80::1%lo]:80", 0, "[fe80::1%lo]:80");
  check_parse ("fe80::1%lo", 80, "[fe80::1%lo]:80");
  snprintf (numeric, sizeof numeric, "fe80::1%%%u", lo);
  check_parse (numeric, 80, "[fe80::1%lo]:80");
  UNIT_CHECK (socks6_addr_parse (&addr, "[fe80::1%lo]:80", 0) == SOCKS6_OK
              && addr.scope_id == lo, "scope \"lo\" is interface index %u",
              lo);
}

static void
test_parse_errors (void)
{
  char name[300];

  check_parse_error ("", SOCKS6_E_SYNTAX, "empty");
  check_parse_error (":80", SOCKS6_E_SYNTAX, "no host");
  check_parse_error ("[::1", SOCKS6_E_SYNTAX, "no closing bracket");
  check_parse_error ("[::1]x", SOCKS6_E_SYNTAX, "junk after bracket");
  check_parse_error ("[::1]]:80", SOCKS6_E_SYNTAX, "two closing brackets");
  check_parse_error ("[::1]:", SOCKS6_E_PORT, "empty port after bracket");
  check_parse_error ("[]:80", SOCKS6_E_SYNTAX, "empty brackets");
  check_parse_error ("[1.2.3.4]:80", SOCKS6_E_SYNTAX, "IPv4 in brackets");
  check_parse_error ("[example.com]:80", SOCKS6_E_SYNTAX, "name in brackets");
  check_parse_error ("::1]:80", SOCKS6_E_SYNTAX, "no opening bracket");
  check_parse_error ("1.2.3.4:0", SOCKS6_E_PORT, "port 0");
  check_parse_error ("1.2.3.4:65536", SOCKS6_E_PORT, "port 65536");
  check_parse_error ("1.2.3.4:123456", SOCKS6_E_PORT, "six digits");
  check_parse_error ("host:", SOCKS6_E_PORT, "empty port");
  check_parse_error ("host:+80", SOCKS6_E_PORT, "signed port");
  check_parse_error ("host:080", SOCKS6_E_PORT, "leading zero");
  check_parse_error ("host: 80", SOCKS6_E_PORT, "space in port");
  check_parse_error ("host:8o", SOCKS6_E_PORT, "letter in port");
  check_parse_error ("host:http", SOCKS6_E_PORT, "service name");
  check_parse_error ("1.2.3.4:80:90", SOCKS6_E_SYNTAX, "two ports");
  check_parse_error ("fe80::1%", SOCKS6_E_SYNTAX, "empty scope");
  check_parse_error ("fe80::1%nosuchif0", SOCKS6_E_NOTFOUND,
                     "unknown interface");
  check_parse_error ("fe80::1%4294967296", SOCKS6_E_SYNTAX,
                     "scope past 32 bits");
  check_parse_error ("fe80::1%0", SOCKS6_E_NOTFOUND, "scope 0");
  check_parse_error ("fe80::1%lo:1", SOCKS6_E_SYNTAX,
                     "interface alias syntax in scope");
  check_parse_error ("[fe80::1%l o]:80", SOCKS6_E_SYNTAX, "space in scope");
  check_parse_error ("fe80::1%abcdefghijklmnop", SOCKS6_E_SYNTAX,
                     "scope longer than an interface name");
  check_parse_error ("1.2.3.4%lo:80", SOCKS6_E_SYNTAX, "scope on IPv4");
  check_parse_error ("1.2.3.256", SOCKS6_E_SYNTAX, "bad IPv4 octet");
  check_parse_error ("127.1", SOCKS6_E_SYNTAX, "short IPv4 form");
  check_parse_error ("0x7f000001:80", SOCKS6_E_SYNTAX, "hex IPv4 form");
  check_parse_error ("a b:80", SOCKS6_E_SYNTAX, "space in name");
  check_parse_error ("a\tb:80", SOCKS6_E_NAME_CHAR, "tab in name");
  check_parse_error ("a..b:80", SOCKS6_E_LABEL_EMPTY, "empty label");
  check_parse_error (".a:80", SOCKS6_E_LABEL_EMPTY, "leading dot");
  check_parse_error (".:80", SOCKS6_E_LABEL_EMPTY, "root only");
  check_parse_error ("a.b..:80", SOCKS6_E_LABEL_EMPTY, "two trailing dots");

  memset (name, 'a', 64);
  strcpy (name + 64, ".example:80");
  check_parse_error (name, SOCKS6_E_LABEL_TOO_LONG, "label of 64 octets");
  memset (name, 'a', 256);
  name[256] = '\0';
  for (size_t i = 60; i < 256; i += 61)
    name[i] = '.';
  check_parse_error (name, SOCKS6_E_NAME_TOO_LONG, "name of 256 octets");
}

static void
test_parse_limits (void)
{
  struct socks6_addr addr;
  char name[300];
  int rc;

  memset (name, 'a', 63);
  strcpy (name + 63, ".example:80");
  rc = socks6_addr_parse (&addr, name, 0);
  UNIT_CHECK (rc == SOCKS6_OK && addr.type == SOCKS6_ADDR_NAME,
              "parse accepts a label of 63 octets (rc %d)", rc);

  memset (name, 'a', 255);
  for (size_t i = 60; i < 255; i += 61)
    name[i] = '.';
  strcpy (name + 255, ":80");
  rc = socks6_addr_parse (&addr, name, 0);
  UNIT_CHECK (rc == SOCKS6_OK && addr.u.name.len == 255
              && addr.u.name.text[255] == '\0',
              "parse accepts a name of 255 octets (rc %d)", rc);

  rc = socks6_addr_parse (&addr, "example.com", 0);
  UNIT_CHECK (rc == SOCKS6_E_PORT,
              "parse wants a port when the default is 0 (rc %d)", rc);
  rc = socks6_addr_parse (&addr, "::1", 0);
  UNIT_CHECK (rc == SOCKS6_E_PORT,
              "bare IPv6 wants a default port when it has none (rc %d)", rc);
  rc = socks6_addr_parse (&addr, NULL, 80);
  UNIT_CHECK (rc == SOCKS6_E_SYNTAX, "parse refuses NULL (rc %d)", rc);
}

/* Parse TEXT, print it, parse the print: the same address.  */
static void
check_round_trip (const char *text)
{
  struct socks6_addr first, second;
  char buf[SOCKS6_ADDR_TEXT_MAX];
  int ok = socks6_addr_parse (&first, text, 0) == SOCKS6_OK
           && socks6_addr_format (&first, true, buf, sizeof buf) > 0
           && socks6_addr_parse (&second, buf, 0) == SOCKS6_OK
           && socks6_addr_equal (&first, &second)
           && strcmp (buf, text) == 0;

  UNIT_CHECK (ok, "format and parse round trip of \"%s\"", text);
}

static void
test_round_trips (void)
{
  check_round_trip ("192.0.2.1:80");
  check_round_trip ("[2001:db8::1]:443");
  check_round_trip ("[::]:1");
  check_round_trip ("[fe80::1%4000000000]:22");
  check_round_trip ("www.example.org:8080");
  check_round_trip ("example.org.:53");
  if (if_nametoindex ("lo") != 0)
    check_round_trip ("[fe80::1%lo]:80");
  else
    UNIT_UNSUPPORTED ("no interface \"lo\" here: scope round trip");
}

static void
test_format (void)
{
  struct socks6_addr addr;
  char buf[SOCKS6_ADDR_TEXT_MAX];
  char small[8];
  int n;

  socks6_addr_parse (&addr, "[2001:db8::1]:80", 0);
  n = socks6_addr_format (&addr, false, buf, sizeof buf);
  UNIT_CHECK (n == 11 && strcmp (buf, "2001:db8::1") == 0,
              "format without port has no brackets (\"%s\")", buf);
  socks6_addr_parse (&addr, "192.0.2.1:80", 0);
  n = socks6_addr_format (&addr, false, buf, sizeof buf);
  UNIT_CHECK (n == 9 && strcmp (buf, "192.0.2.1") == 0,
              "format IPv4 without port (\"%s\")", buf);
  n = socks6_addr_format (&addr, true, buf, sizeof buf);
  UNIT_CHECK (n == 12, "format returns the length written (%d)", n);
  n = socks6_addr_format (&addr, true, small, sizeof small);
  UNIT_CHECK (n == SOCKS6_E_SPACE && small[0] == '\0',
              "format into a short buffer is SOCKS6_E_SPACE (%d)", n);
  n = socks6_addr_format (&addr, true, buf, 13);
  UNIT_CHECK (n == 12, "format into an exact buffer (%d)", n);
  n = socks6_addr_format (&addr, true, buf, 12);
  UNIT_CHECK (n == SOCKS6_E_SPACE, "format one byte short (%d)", n);
  memset (&addr, 0, sizeof addr);
  n = socks6_addr_format (&addr, true, buf, sizeof buf);
  UNIT_CHECK (n == SOCKS6_E_FAMILY, "format of an unset address (%d)", n);

  /* An index no interface has still prints, as a number.  */
  socks6_addr_parse (&addr, "[fe80::1%3999999999]:80", 0);
  n = socks6_addr_format (&addr, true, buf, sizeof buf);
  UNIT_CHECK (n > 0 && strcmp (buf, "[fe80::1%3999999999]:80") == 0,
              "format an unknown scope as a number (\"%s\")", buf);
}

static void
test_sockaddr (void)
{
  struct socks6_addr addr, back;
  union socks6_sockaddr ss;
  struct sockaddr_un sun;
  socklen_t len;
  int rc;

  socks6_addr_parse (&addr, "[fe80::2%77]:8080", 0);
  rc = socks6_addr_to_sockaddr (&addr, &ss, &len);
  UNIT_CHECK (rc == SOCKS6_OK && len == sizeof ss.sin6
              && ss.sin6.sin6_family == AF_INET6
              && ntohs (ss.sin6.sin6_port) == 8080
              && ss.sin6.sin6_scope_id == 77,
              "IPv6 to sockaddr keeps port and scope");
  rc = socks6_addr_from_sockaddr (&back, &ss.sa, len);
  UNIT_CHECK (rc == SOCKS6_OK && socks6_addr_equal (&addr, &back)
              && back.scope_id == 77, "IPv6 sockaddr round trip");

  socks6_addr_parse (&addr, "192.0.2.7:25", 0);
  rc = socks6_addr_to_sockaddr (&addr, &ss, &len);
  UNIT_CHECK (rc == SOCKS6_OK && len == sizeof ss.sin
              && ss.sin.sin_family == AF_INET
              && ss.sin.sin_addr.s_addr == htonl (0xc0000207)
              && ntohs (ss.sin.sin_port) == 25, "IPv4 to sockaddr");
  rc = socks6_addr_from_sockaddr (&back, &ss.sa, len);
  UNIT_CHECK (rc == SOCKS6_OK && socks6_addr_equal (&addr, &back),
              "IPv4 sockaddr round trip");
  rc = socks6_addr_from_sockaddr (&back, &ss.sa, len - 1);
  UNIT_CHECK (rc == SOCKS6_E_FAMILY, "short sockaddr_in refused (%d)", rc);

  socks6_addr_parse (&addr, "[::1]:1", 0);
  socks6_addr_to_sockaddr (&addr, &ss, &len);
  rc = socks6_addr_from_sockaddr (&back, &ss.sa, sizeof ss.sin);
  UNIT_CHECK (rc == SOCKS6_E_FAMILY, "short sockaddr_in6 refused (%d)", rc);

  socks6_addr_parse (&addr, "example.com:80", 0);
  rc = socks6_addr_to_sockaddr (&addr, &ss, &len);
  UNIT_CHECK (rc == SOCKS6_E_FAMILY, "a name has no sockaddr (%d)", rc);

  memset (&sun, 0, sizeof sun);
  sun.sun_family = AF_UNIX;
  rc = socks6_addr_from_sockaddr (&back, (struct sockaddr *) &sun,
                                  sizeof sun);
  UNIT_CHECK (rc == SOCKS6_E_FAMILY, "AF_UNIX refused (%d)", rc);
  rc = socks6_addr_from_sockaddr (&back, NULL, 0);
  UNIT_CHECK (rc == SOCKS6_E_FAMILY, "NULL sockaddr refused (%d)", rc);
}

static void
test_equal (void)
{
  struct socks6_addr a, b;

  socks6_addr_parse (&a, "Example.COM:80", 0);
  socks6_addr_parse (&b, "example.com:80", 0);
  UNIT_CHECK (socks6_addr_equal (&a, &b), "names compare without case");
  socks6_addr_parse (&b, "example.com:81", 0);
  UNIT_CHECK (!socks6_addr_equal (&a, &b), "ports differ");
  socks6_addr_parse (&b, "example.co:80", 0);
  UNIT_CHECK (!socks6_addr_equal (&a, &b), "names of other lengths differ");
  socks6_addr_parse (&a, "fe80::1%1", 80);
  socks6_addr_parse (&b, "fe80::1%2", 80);
  UNIT_CHECK (!socks6_addr_equal (&a, &b), "scopes differ");
  socks6_addr_parse (&a, "1.2.3.4:80", 0);
  socks6_addr_parse (&b, "::ffff:1.2.3.4", 80);
  UNIT_CHECK (!socks6_addr_equal (&a, &b),
              "IPv4 and IPv4-mapped IPv6 are different types");
  socks6_addr_parse (&b, "1.2.3.4:80", 0);
  UNIT_CHECK (socks6_addr_equal (&a, &b), "same IPv4 and port");
}

static void
test_literal_and_name (void)
{
  struct socks6_addr addr;
  int rc;

  UNIT_CHECK (socks6_addr_parse_literal (&addr, "192.0.2.1", 80)
              && addr.type == SOCKS6_ADDR_IPV4 && addr.port == 80,
              "IPv4 literal");
  UNIT_CHECK (socks6_addr_parse_literal (&addr, "2001:db8::5", 443)
              && addr.type == SOCKS6_ADDR_IPV6 && addr.port == 443
              && addr.scope_id == 0, "IPv6 literal");
  UNIT_CHECK (socks6_addr_parse_literal (&addr, "fe80::1%9", 1)
              && addr.scope_id == 9, "IPv6 literal with numeric scope");
  UNIT_CHECK (!socks6_addr_parse_literal (&addr, "example.com", 1),
              "a name is not a literal");
  UNIT_CHECK (!socks6_addr_parse_literal (&addr, "1.2.3", 1),
              "\"1.2.3\" is not a literal");
  UNIT_CHECK (!socks6_addr_parse_literal (&addr, "[::1]", 1),
              "a bracketed address is not a literal");
  UNIT_CHECK (!socks6_addr_parse_literal (&addr, NULL, 1),
              "NULL is not a literal");

  rc = socks6_addr_set_name (&addr, "a\0b", 3, 80);
  UNIT_CHECK (rc == SOCKS6_E_NAME_CHAR, "set_name refuses NUL (%d)", rc);
  rc = socks6_addr_set_name (&addr, "", 0, 80);
  UNIT_CHECK (rc == SOCKS6_E_NAME_EMPTY, "set_name refuses empty (%d)", rc);
  rc = socks6_addr_set_name (&addr, "x", 256, 80);
  UNIT_CHECK (rc == SOCKS6_E_NAME_TOO_LONG,
              "set_name refuses 256 octets (%d)", rc);
  rc = socks6_addr_set_name (&addr, "example.net", 11, 80);
  UNIT_CHECK (rc == SOCKS6_OK && addr.type == SOCKS6_ADDR_NAME
              && addr.u.name.len == 11 && addr.port == 80
              && strcmp (addr.u.name.text, "example.net") == 0,
              "set_name stores the name");

  UNIT_CHECK (strcmp (socks6_addr_type_name (SOCKS6_ADDR_IPV4), "IPv4") == 0
              && strcmp (socks6_addr_type_name (SOCKS6_ADDR_IPV6),
                         "IPv6") == 0, "type names");
}

/* Whether TEXT (an address literal) is loopback and unspecified.  */
static void
check_kind (const char *text, bool loopback, bool unspecified)
{
  struct socks6_addr addr;
  bool ok = socks6_addr_parse_literal (&addr, text, 80);

  UNIT_CHECK (ok && socks6_addr_is_loopback (&addr) == loopback
              && socks6_addr_is_unspecified (&addr) == unspecified,
              "%s is %sloopback and %sunspecified", text,
              loopback ? "" : "not ", unspecified ? "" : "not ");
}

static void
test_loopback_unspecified (void)
{
  static const unsigned char v4[4] = { 127, 9, 9, 9 };
  static const unsigned char v6[16] = {[10] = 0xff,[11] = 0xff,[12] = 127 };
  static const unsigned char zero[16];
  struct socks6_addr name;

  check_kind ("127.0.0.1", true, false);
  check_kind ("127.255.255.254", true, false);
  check_kind ("128.0.0.1", false, false);
  check_kind ("126.255.255.255", false, false);
  check_kind ("::1", true, false);
  check_kind ("::2", false, false);
  check_kind ("1::1", false, false);
  check_kind ("::ffff:127.0.0.1", true, false);
  check_kind ("::fffe:127.0.0.1", false, false);
  check_kind ("::127.0.0.1", false, false);
  check_kind ("0.0.0.0", false, true);
  check_kind ("0.0.0.1", false, false);
  check_kind ("::", false, true);
  check_kind ("::ffff:0.0.0.0", false, true);
  check_kind ("::ffff:0.0.0.1", false, false);
  check_kind ("10.0.0.1", false, false);

  socks6_addr_set_name (&name, "localhost", 9, 80);
  UNIT_CHECK (!socks6_addr_is_loopback (&name)
              && !socks6_addr_is_unspecified (&name),
              "a name is neither loopback nor unspecified");
  UNIT_CHECK (socks6_addr_raw_is_loopback (AF_INET, v4)
              && socks6_addr_raw_is_loopback (AF_INET6, v6)
              && !socks6_addr_raw_is_loopback (AF_INET6, zero)
              && !socks6_addr_raw_is_loopback (AF_UNIX, v4),
              "raw loopback test: 127/8, mapped, not ::, not AF_UNIX");
}

int
main (void)
{
  test_parse_forms ();
  test_parse_scope_lo ();
  test_parse_errors ();
  test_parse_limits ();
  test_round_trips ();
  test_format ();
  test_sockaddr ();
  test_equal ();
  test_literal_and_name ();
  test_loopback_unspecified ();
  UNIT_EXIT ();
}
