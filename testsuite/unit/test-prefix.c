/* Unit tests of lib/prefix.c: the prefix texts socks6_prefix_parse
   accepts and refuses, printing, and which addresses and prefixes fall
   in a prefix, IPv4-mapped ones included.  Run by
   testsuite/libsocks6.tests/prefix.exp.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "errcode.h"
#include "prefix.h"
#include "unit.h"

/* TEXT parsed, which must succeed.  */
static struct socks6_prefix
prefix (const char *text)
{
  struct socks6_prefix p;

  if (socks6_prefix_parse (&p, text, NULL) != SOCKS6_OK)
    memset (&p, 0, sizeof p);
  return p;
}

/* Parse TEXT and check it prints back as EXPECT.  */
static void
check_round_trip (const char *text, const char *expect)
{
  struct socks6_prefix p;
  enum socks6_prefix_problem why = SOCKS6_PREFIX_PROBLEM_SYNTAX;
  char buf[SOCKS6_PREFIX_TEXT_MAX];
  int rc = socks6_prefix_parse (&p, text, &why);
  int n = rc == SOCKS6_OK ? socks6_prefix_format (&p, buf, sizeof buf) : -1;

  UNIT_CHECK (rc == SOCKS6_OK && why == SOCKS6_PREFIX_PROBLEM_NONE
              && n == (int) strlen (expect) && strcmp (buf, expect) == 0,
              "prefix \"%s\" parses and prints as %s", text, expect);
}

static void
test_parse (void)
{
  struct socks6_prefix p;
  char small[5], big[64];

  check_round_trip ("10.0.0.0/8", "10.0.0.0/8");
  check_round_trip ("0.0.0.0/0", "0.0.0.0/0");
  check_round_trip ("192.0.2.7", "192.0.2.7/32");
  check_round_trip ("2001:db8::/32", "2001:db8::/32");
  check_round_trip ("2001:DB8:0::/48", "2001:db8::/48");
  check_round_trip ("::1", "::1/128");
  check_round_trip ("::/0", "::/0");
  check_round_trip ("::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104");
  check_round_trip ("10.0.0.0/008", "10.0.0.0/8");

  UNIT_CHECK (socks6_prefix_parse (&p, "172.16.0.0/12", NULL) == SOCKS6_OK
              && p.family == AF_INET && p.length == 12 && p.addr[0] == 172
              && p.addr[1] == 16, "prefix fields of 172.16.0.0/12");
  UNIT_CHECK (socks6_prefix_format (&p, small, sizeof small)
              == SOCKS6_E_SPACE, "format reports a short buffer");
  p.family = AF_UNIX;
  UNIT_CHECK (socks6_prefix_format (&p, big, sizeof big)
              == SOCKS6_E_FAMILY, "format refuses another family");
}

static void
test_parse_errors (void)
{
  static const struct
  {
    const char *text;
    enum socks6_prefix_problem why;
  } bad[] =
    {
      { "", SOCKS6_PREFIX_PROBLEM_SYNTAX },
      { "/8", SOCKS6_PREFIX_PROBLEM_SYNTAX },
      { "any", SOCKS6_PREFIX_PROBLEM_SYNTAX },
      { "10.0.0/8", SOCKS6_PREFIX_PROBLEM_SYNTAX },
      { "10.0.0.0.0/8", SOCKS6_PREFIX_PROBLEM_SYNTAX },
      { "[::1]/128", SOCKS6_PREFIX_PROBLEM_SYNTAX },
      { "fe80::1%lo/64", SOCKS6_PREFIX_PROBLEM_SYNTAX },
      { "10.0.0.0/", SOCKS6_PREFIX_PROBLEM_LENGTH },
      { "10.0.0.0/33", SOCKS6_PREFIX_PROBLEM_LENGTH },
      { "10.0.0.0/0008", SOCKS6_PREFIX_PROBLEM_LENGTH },
      { "10.0.0.0/8/8", SOCKS6_PREFIX_PROBLEM_LENGTH },
      { "10.0.0.0/x", SOCKS6_PREFIX_PROBLEM_LENGTH },
      { "::/129", SOCKS6_PREFIX_PROBLEM_LENGTH },
      { "10.0.0.1/8", SOCKS6_PREFIX_PROBLEM_HOST_BITS },
      { "10.64.0.0/9", SOCKS6_PREFIX_PROBLEM_HOST_BITS },
      { "2001:db8::1/127", SOCKS6_PREFIX_PROBLEM_HOST_BITS },
    };

  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      struct socks6_prefix p;
      enum socks6_prefix_problem why = SOCKS6_PREFIX_PROBLEM_NONE;
      int rc = socks6_prefix_parse (&p, bad[i].text, &why);

      UNIT_CHECK (rc == SOCKS6_E_RANGE && why == bad[i].why,
                  "prefix \"%s\" is refused (problem %d, want %d)",
                  bad[i].text, (int) why, (int) bad[i].why);
    }
}

/* Whether the address literal TEXT lies in PREFIX, against EXPECT.  */
static void
check_contains (const char *prefix_text, const char *text, bool expect)
{
  struct socks6_prefix p = prefix (prefix_text);
  unsigned char raw[16];
  int family = strchr (text, ':') ? AF_INET6 : AF_INET;
  bool ok = inet_pton (family, text, raw) == 1;

  UNIT_CHECK (ok && socks6_prefix_contains (&p, family, raw) == expect,
              "%s %s in %s", text, expect ? "is" : "is not", prefix_text);
}

static void
test_contains (void)
{
  static const unsigned char raw[16] = { 10 };

  check_contains ("10.0.0.0/8", "10.255.1.2", true);
  check_contains ("10.0.0.0/8", "11.0.0.0", false);
  check_contains ("10.0.0.0/9", "10.127.255.255", true);
  check_contains ("10.0.0.0/9", "10.128.0.0", false);
  check_contains ("0.0.0.0/0", "203.0.113.9", true);
  check_contains ("192.0.2.7", "192.0.2.7", true);
  check_contains ("192.0.2.7", "192.0.2.6", false);
  check_contains ("2001:db8::/32", "2001:db8:ffff::1", true);
  check_contains ("2001:db8::/32", "2001:db9::1", false);
  /* A dual-stack socket shows an IPv4 peer as IPv4-mapped.  */
  check_contains ("10.0.0.0/8", "::ffff:10.1.2.3", true);
  check_contains ("10.0.0.0/8", "::ffff:11.1.2.3", false);
  check_contains ("::ffff:10.0.0.0/104", "10.1.2.3", true);
  check_contains ("::/0", "10.1.2.3", true);
  check_contains ("2001:db8::/32", "10.1.2.3", false);
  check_contains ("10.0.0.0/8", "::a01:203", false);

  struct socks6_prefix all = prefix ("0.0.0.0/0");

  UNIT_CHECK (!socks6_prefix_contains (&all, AF_UNIX, raw),
              "no address of another family is in a prefix");
}

static void
test_overlaps (void)
{
  struct socks6_prefix a = prefix ("10.0.0.0/8");
  struct socks6_prefix b = prefix ("10.20.0.0/16");
  struct socks6_prefix c = prefix ("11.0.0.0/8");
  struct socks6_prefix m = prefix ("::ffff:10.20.30.0/120");
  struct socks6_prefix d = prefix ("2001:db8::/32");

  UNIT_CHECK (socks6_prefix_overlaps (&a, &b)
              && socks6_prefix_overlaps (&b, &a),
              "a prefix overlaps one inside it, both ways");
  UNIT_CHECK (!socks6_prefix_overlaps (&a, &c)
              && !socks6_prefix_overlaps (&c, &a),
              "neighbouring prefixes do not overlap");
  UNIT_CHECK (socks6_prefix_overlaps (&m, &a)
              && !socks6_prefix_overlaps (&m, &c),
              "an IPv4-mapped prefix overlaps the IPv4 prefix it maps");
  UNIT_CHECK (!socks6_prefix_overlaps (&a, &d),
              "an IPv4 prefix does not overlap 2001:db8::/32");
}

static void
test_bits (void)
{
  static const unsigned char a[3] = { 0xff, 0xf0, 0x00 };
  static const unsigned char b[3] = { 0xff, 0xf7, 0xff };
  struct socks6_prefix p = prefix ("10.0.0.0/8");

  UNIT_CHECK (socks6_prefix_bits_equal (a, b, 0)
              && socks6_prefix_bits_equal (a, b, 8)
              && socks6_prefix_bits_equal (a, b, 13)
              && !socks6_prefix_bits_equal (a, b, 14)
              && !socks6_prefix_bits_equal (a, b, 24),
              "leading bits are equal up to the first difference, bit 14");
  UNIT_CHECK (socks6_prefix_host_bits_clear (&p),
              "10.0.0.0/8 has no host bits");
  p.addr[3] = 1;
  UNIT_CHECK (!socks6_prefix_host_bits_clear (&p),
              "10.0.0.1/8 has host bits");
}

int
main (void)
{
  test_parse ();
  test_parse_errors ();
  test_contains ();
  test_overlaps ();
  test_bits ();
  UNIT_EXIT ();
}
