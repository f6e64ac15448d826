/* Unit tests of the fake-address table (lib/fakeaddr.c): prefixes and
   range checks, one address per name, case, both families, exhaustion and
   recycling, fork, threads, and a process killed inside the table.  Run by
   testsuite/libsocks6.tests/fakeaddr.exp.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fakeaddr.h"
#include "unit.h"

/* UNIT_CHECK evaluates its condition a second time to print it, and most
   conditions here change the table: evaluate each once.  */
#define CHECK(cond, ...)                                \
  do                                                    \
    {                                                   \
      bool check_passed = (cond);                       \
      UNIT_CHECK (check_passed, __VA_ARGS__);           \
    }                                                   \
  while (0)

/* The whole program must end well within the .exp file's timeout.  */
enum { TIME_LIMIT_SECONDS = 90 };

static struct socks6_prefix
prefix (const char *text)
{
  struct socks6_prefix p;
  if (fakeaddr_prefix_parse (&p, text, NULL) != SOCKS6_OK)
    {
      printf ("FAIL: test setup: cannot parse %s\n", text);
      exit (EXIT_FAILURE);
    }
  return p;
}

static struct fakeaddr_table *
table_new (const char *v4, const char *v6, size_t capacity)
{
  struct socks6_prefix p4, p6;
  struct fakeaddr_table *t;
  if (v4)
    p4 = prefix (v4);
  if (v6)
    p6 = prefix (v6);
  int rc = fakeaddr_table_create (&t, v4 ? &p4 : NULL, v6 ? &p6 : NULL,
                                  capacity);
  if (rc != SOCKS6_OK)
    {
      printf ("FAIL: test setup: cannot create a table (%d)\n", rc);
      exit (EXIT_FAILURE);
    }
  return t;
}

static int
assign (struct fakeaddr_table *t, int family, const char *name,
        unsigned char addr[16])
{
  return fakeaddr_assign (t, family, name, strlen (name), addr);
}

static const char *
text_of (int family, const unsigned char *addr)
{
  static char buf[INET6_ADDRSTRLEN];
  return inet_ntop (family, addr, buf, sizeof buf) ? buf : "?";
}

/* True if ADDR (of FAMILY) stands for NAME in T.  */
static bool
maps_back (struct fakeaddr_table *t, int family, const unsigned char *addr,
           const char *name)
{
  char got[SOCKS6_NAME_MAX + 1];
  size_t len;
  return (fakeaddr_lookup_addr (t, family, addr, got, &len) == SOCKS6_OK
          && len == strlen (name) && strcasecmp (got, name) == 0);
}

/* ------------------------------------------------------------------ */

static void
test_prefix_parse (void)
{
  struct socks6_prefix p;
  enum fakeaddr_problem why;
  char buf[SOCKS6_PREFIX_TEXT_MAX];

  CHECK (fakeaddr_prefix_parse (&p, "198.18.0.0/15", &why) == SOCKS6_OK
         && p.family == AF_INET && p.length == 15 && p.addr[0] == 198
         && p.addr[1] == 18 && why == FAKEADDR_PROBLEM_NONE,
         "prefix 198.18.0.0/15 parses");
  CHECK (socks6_prefix_format (&p, buf, sizeof buf) == 13
         && strcmp (buf, "198.18.0.0/15") == 0,
         "prefix 198.18.0.0/15 formats back");
  CHECK (fakeaddr_prefix_parse (&p, "100::/64", NULL) == SOCKS6_OK
         && p.family == AF_INET6 && p.length == 64 && p.addr[0] == 1
         && p.addr[1] == 0,
         "prefix 100::/64 parses");
  CHECK (socks6_prefix_format (&p, buf, sizeof buf) == 8
         && strcmp (buf, "100::/64") == 0, "prefix 100::/64 formats back");
  CHECK (socks6_prefix_format (&p, buf, 5) == SOCKS6_E_SPACE,
         "prefix format reports a short buffer");
  CHECK (fakeaddr_prefix_parse (&p, "10.1.2.3", NULL) == SOCKS6_OK
         && p.length == 32, "a bare IPv4 address is a /32");
  CHECK (fakeaddr_prefix_parse (&p, "2001:db8::1", NULL) == SOCKS6_OK
         && p.length == 128, "a bare IPv6 address is a /128");

  static const struct
  {
    const char *text;
    enum fakeaddr_problem why;
  } bad[] =
    {
      { "", FAKEADDR_PROBLEM_SYNTAX },
      { "/15", FAKEADDR_PROBLEM_SYNTAX },
      { "198.18.0/15", FAKEADDR_PROBLEM_SYNTAX },
      { "300.18.0.0/15", FAKEADDR_PROBLEM_SYNTAX },
      { " 198.18.0.0/15", FAKEADDR_PROBLEM_SYNTAX },
      { "example.com/15", FAKEADDR_PROBLEM_SYNTAX },
      { "100:::/64", FAKEADDR_PROBLEM_SYNTAX },
      { "fe80::1%eth0/64", FAKEADDR_PROBLEM_SYNTAX },
      { "198.18.0.0/", FAKEADDR_PROBLEM_LENGTH },
      { "198.18.0.0/33", FAKEADDR_PROBLEM_LENGTH },
      { "198.18.0.0/-1", FAKEADDR_PROBLEM_LENGTH },
      { "198.18.0.0/+15", FAKEADDR_PROBLEM_LENGTH },
      { "198.18.0.0/15 ", FAKEADDR_PROBLEM_LENGTH },
      { "198.18.0.0/0015", FAKEADDR_PROBLEM_LENGTH },
      { "100::/129", FAKEADDR_PROBLEM_LENGTH },
      { "198.18.0.1/15", FAKEADDR_PROBLEM_HOST_BITS },
      { "198.19.0.0/15", FAKEADDR_PROBLEM_HOST_BITS },
      { "100::1/64", FAKEADDR_PROBLEM_HOST_BITS },
    };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      why = FAKEADDR_PROBLEM_NONE;
      int rc = fakeaddr_prefix_parse (&p, bad[i].text, &why);
      CHECK (rc == SOCKS6_E_RANGE && why == bad[i].why,
             "prefix \"%s\" rejected (%s)", bad[i].text,
             fakeaddr_problem_text (bad[i].why));
    }
}

static void
test_prefix_overlap (void)
{
  struct socks6_prefix a = prefix ("198.18.0.0/15");
  struct socks6_prefix b = prefix ("198.19.255.0/24");
  struct socks6_prefix c = prefix ("198.20.0.0/16");
  struct socks6_prefix m = prefix ("::ffff:198.18.0.0/112");
  struct socks6_prefix all6 = prefix ("::/0");
  unsigned char in[4] = { 198, 19, 1, 2 }, out[4] = { 198, 20, 0, 1 };

  CHECK (socks6_prefix_overlaps (&a, &b)
         && socks6_prefix_overlaps (&b, &a),
         "a prefix overlaps one inside it, both ways");
  CHECK (!socks6_prefix_overlaps (&a, &c),
         "neighbouring prefixes do not overlap");
  CHECK (socks6_prefix_overlaps (&a, &m),
         "an IPv4 prefix overlaps its IPv4-mapped form");
  CHECK (socks6_prefix_overlaps (&a, &all6),
         "::/0 holds the IPv4-mapped space, so every IPv4 prefix");
  CHECK (socks6_prefix_contains (&a, AF_INET, in)
         && !socks6_prefix_contains (&a, AF_INET, out),
         "prefix contains the right addresses");
}

static void
test_range_check (void)
{
  static const struct
  {
    const char *text;
    enum fakeaddr_problem why;
  } cases[] =
    {
      { FAKEADDR_DEFAULT_IPV4, FAKEADDR_PROBLEM_NONE },
      { FAKEADDR_DEFAULT_IPV6, FAKEADDR_PROBLEM_NONE },
      { "10.64.0.0/30", FAKEADDR_PROBLEM_NONE },
      { "fc00::/18", FAKEADDR_PROBLEM_NONE },
      { "2001:db8::/126", FAKEADDR_PROBLEM_NONE },
      { "198.18.0.0/31", FAKEADDR_PROBLEM_TOO_SMALL },
      { "198.18.0.1", FAKEADDR_PROBLEM_TOO_SMALL },
      { "100::/127", FAKEADDR_PROBLEM_TOO_SMALL },
      { "0.0.0.0/8", FAKEADDR_PROBLEM_UNSPECIFIED },
      { "0.0.0.0/24", FAKEADDR_PROBLEM_UNSPECIFIED },
      { "0.0.0.0/0", FAKEADDR_PROBLEM_UNSPECIFIED },
      { "127.0.0.0/8", FAKEADDR_PROBLEM_LOOPBACK },
      { "127.42.42.0/24", FAKEADDR_PROBLEM_LOOPBACK },
      { "96.0.0.0/3", FAKEADDR_PROBLEM_LOOPBACK },
      { "224.0.0.0/8", FAKEADDR_PROBLEM_MULTICAST },
      { "239.255.0.0/16", FAKEADDR_PROBLEM_MULTICAST },
      { "128.0.0.0/1", FAKEADDR_PROBLEM_MULTICAST },
      { "255.255.255.252/30", FAKEADDR_PROBLEM_BROADCAST },
      { "::/64", FAKEADDR_PROBLEM_UNSPECIFIED },
      { "ff02::/16", FAKEADDR_PROBLEM_MULTICAST },
      { "::ffff:198.18.0.0/111", FAKEADDR_PROBLEM_MAPPED },
    };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
      struct socks6_prefix r = prefix (cases[i].text);
      enum fakeaddr_problem why = FAKEADDR_PROBLEM_SYNTAX;
      int rc = fakeaddr_range_check (&r, NULL, 0, &why, NULL);
      bool ok = cases[i].why == FAKEADDR_PROBLEM_NONE;
      CHECK (rc == (ok ? SOCKS6_OK : SOCKS6_E_RANGE)
             && why == cases[i].why,
             "range %s %s (%s)", cases[i].text,
             ok ? "accepted" : "rejected",
             fakeaddr_problem_text (cases[i].why));
    }

  struct socks6_prefix direct[] =
    {
      prefix ("10.0.0.0/8"), prefix ("2001:db8::/32"),
      prefix ("198.18.5.0/24"), prefix ("100::/56"),
    };
  struct socks6_prefix v4 = prefix (FAKEADDR_DEFAULT_IPV4);
  struct socks6_prefix v6 = prefix (FAKEADDR_DEFAULT_IPV6);
  enum fakeaddr_problem why;
  size_t conflict = 99;

  CHECK (fakeaddr_range_check (&v4, direct, 2, &why, &conflict)
         == SOCKS6_OK,
         "range clear of unrelated direct prefixes is accepted");
  CHECK (fakeaddr_range_check (&v4, direct, 4, &why, &conflict)
         == SOCKS6_E_RANGE && why == FAKEADDR_PROBLEM_DIRECT
         && conflict == 2,
         "IPv4 range meeting a direct prefix is rejected, naming it");
  CHECK (fakeaddr_range_check (&v6, direct, 4, &why, &conflict)
         == SOCKS6_E_RANGE && why == FAKEADDR_PROBLEM_DIRECT
         && conflict == 3,
         "IPv6 range inside a direct prefix is rejected, naming it");
  struct socks6_prefix mapped = prefix ("::ffff:198.19.0.0/112");
  CHECK (fakeaddr_range_check (&v4, &mapped, 1, &why, NULL)
         == SOCKS6_E_RANGE && why == FAKEADDR_PROBLEM_DIRECT,
         "IPv4 range meeting an IPv4-mapped direct prefix is rejected");

  bool texts = true;
  for (int p = FAKEADDR_PROBLEM_NONE; p <= FAKEADDR_PROBLEM_DIRECT; p++)
    texts &= fakeaddr_problem_text (p) != NULL
             && *fakeaddr_problem_text (p) != '\0';
  CHECK (texts, "every range problem has a description");
}

static void
test_create_rejects (void)
{
  struct fakeaddr_table *t;
  struct socks6_prefix v4 = prefix (FAKEADDR_DEFAULT_IPV4);
  struct socks6_prefix v6 = prefix (FAKEADDR_DEFAULT_IPV6);
  struct socks6_prefix lo = prefix ("127.0.0.0/8");

  CHECK (fakeaddr_table_create (&t, &lo, &v6, 16) == SOCKS6_E_RANGE,
         "create rejects a loopback range");
  CHECK (fakeaddr_table_create (&t, &v6, &v4, 16) == SOCKS6_E_FAMILY,
         "create rejects ranges of the wrong family");
  CHECK (fakeaddr_table_create (&t, &v4, &v6,
                                (size_t) FAKEADDR_CAPACITY_MAX + 1)
         == SOCKS6_E_INVALID, "create rejects a capacity too large");
  CHECK (fakeaddr_table_create (&t, NULL, NULL, 16) == SOCKS6_E_INVALID,
         "create rejects a table without ranges");

  struct fakeaddr_stats st;
  int rc = fakeaddr_table_create (&t, &v4, &v6, 0);
  CHECK (rc == SOCKS6_OK && fakeaddr_stats (t, &st) == SOCKS6_OK
         && st.capacity == FAKEADDR_DEFAULT_CAPACITY
         && st.ipv4_addresses == (1u << 17) - 2
         && st.ipv6_addresses == UINT64_MAX,
         "capacity 0 gives the default; range sizes are reported");
  if (rc == SOCKS6_OK)
    fakeaddr_table_destroy (t);
}

/* ------------------------------------------------------------------ */

static void
test_same_name_same_address (void)
{
  struct fakeaddr_table *t = table_new (FAKEADDR_DEFAULT_IPV4,
                                        FAKEADDR_DEFAULT_IPV6, 64);
  unsigned char a[16], b[16], c[16], a6[16], b6[16];
  struct socks6_prefix v4 = prefix (FAKEADDR_DEFAULT_IPV4);
  struct socks6_prefix v6 = prefix (FAKEADDR_DEFAULT_IPV6);

  CHECK (assign (t, AF_INET, "www.example.com", a) == SOCKS6_OK
         && assign (t, AF_INET, "www.example.com", b) == SOCKS6_OK
         && memcmp (a, b, 4) == 0,
         "IPv4: same name, same address (%s)", text_of (AF_INET, a));
  CHECK (socks6_prefix_contains (&v4, AF_INET, a)
         && fakeaddr_is_fake (t, AF_INET, a),
         "IPv4: the address lies in the range");
  CHECK (assign (t, AF_INET, "mail.example.com", c) == SOCKS6_OK
         && memcmp (a, c, 4) != 0, "IPv4: another name, another address");
  CHECK (assign (t, AF_INET6, "www.example.com", a6) == SOCKS6_OK
         && assign (t, AF_INET6, "www.example.com", b6) == SOCKS6_OK
         && memcmp (a6, b6, 16) == 0
         && socks6_prefix_contains (&v6, AF_INET6, a6)
         && fakeaddr_is_fake (t, AF_INET6, a6),
         "IPv6: same name, same address in the range (%s)",
         text_of (AF_INET6, a6));
  CHECK (maps_back (t, AF_INET, a, "www.example.com")
         && maps_back (t, AF_INET6, a6, "www.example.com")
         && maps_back (t, AF_INET, c, "mail.example.com"),
         "both families map back to the name");
  CHECK (fakeaddr_lookup_name (t, AF_INET6, "mail.example.com", 16, b6)
         == SOCKS6_E_NOTFOUND,
         "a name has no address of a family it was not asked for");
  CHECK (fakeaddr_lookup_name (t, AF_INET, "www.example.com", 15, b)
         == SOCKS6_OK && memcmp (a, b, 4) == 0,
         "lookup by name finds without registering");

  unsigned char not_fake[4] = { 192, 0, 2, 1 };
  unsigned char network[4] = { 198, 18, 0, 0 };
  unsigned char unused[4] = { 198, 19, 255, 254 };
  char name[SOCKS6_NAME_MAX + 1];
  size_t len;
  CHECK (!fakeaddr_is_fake (t, AF_INET, not_fake)
         && fakeaddr_lookup_addr (t, AF_INET, not_fake, name, &len)
            == SOCKS6_E_NOTFOUND,
         "an address outside the range is not fake and not found");
  CHECK (fakeaddr_lookup_addr (t, AF_INET, network, name, &len)
         == SOCKS6_E_NOTFOUND
         && fakeaddr_lookup_addr (t, AF_INET, unused, name, &len)
            == SOCKS6_E_NOTFOUND,
         "unregistered addresses of the range are not found");
  fakeaddr_table_destroy (t);
}

static void
test_case_and_bytes (void)
{
  struct fakeaddr_table *t = table_new (FAKEADDR_DEFAULT_IPV4, NULL, 64);
  unsigned char a[16], b[16];
  char name[SOCKS6_NAME_MAX + 1];
  size_t len;

  assign (t, AF_INET, "Www.Example.COM", a);
  CHECK (assign (t, AF_INET, "www.example.com", b) == SOCKS6_OK
         && memcmp (a, b, 4) == 0
         && assign (t, AF_INET, "WWW.EXAMPLE.COM", b) == SOCKS6_OK
         && memcmp (a, b, 4) == 0,
         "names differing only in ASCII case share an address");
  CHECK (fakeaddr_lookup_addr (t, AF_INET, a, name, &len) == SOCKS6_OK
         && len == 15 && strcmp (name, "Www.Example.COM") == 0,
         "the name is given back as first registered");
  CHECK (assign (t, AF_INET, "www.example.com.", b) == SOCKS6_OK
         && memcmp (a, b, 4) != 0,
         "a trailing dot makes another name");
  CHECK (fakeaddr_assign (t, AF_INET, "\xc3\xa9.example", 10, a)
         == SOCKS6_OK
         && fakeaddr_assign (t, AF_INET, "\xe3\xa9.example", 10, b)
            == SOCKS6_OK && memcmp (a, b, 4) != 0,
         "octets above 127 are not folded");
  CHECK (assign (t, AF_INET, "@.example", a) == SOCKS6_OK
         && assign (t, AF_INET, "`.example", b) == SOCKS6_OK
         && memcmp (a, b, 4) != 0
         && assign (t, AF_INET, "[.example", b) == SOCKS6_OK
         && memcmp (a, b, 4) != 0,
         "only A-Z fold: '@', '`' and '[' stay apart");

  /* Names around the 8-octet words the hash reads.  */
  bool ok = true;
  char buf[SOCKS6_NAME_MAX + 1];
  for (size_t n = 1; n <= SOCKS6_NAME_MAX; n++)
    {
      memset (buf, 'a' + (int) (n % 26), n);
      buf[n] = '\0';
      ok &= fakeaddr_assign (t, AF_INET, buf, n, a) == SOCKS6_OK
            && fakeaddr_lookup_addr (t, AF_INET, a, name, &len) == SOCKS6_OK
            && len == n && memcmp (name, buf, n) == 0 && name[n] == '\0';
      buf[n - 1] = (char) (buf[n - 1] - 'a' + 'A');
      ok &= fakeaddr_lookup_name (t, AF_INET, buf, n, b) == SOCKS6_OK
            && memcmp (a, b, 4) == 0;
    }
  CHECK (ok, "names of 1 to 255 octets round-trip, "
         "case folded in the last octet");
  CHECK (fakeaddr_assign (t, AF_INET, "x", 0, a) == SOCKS6_E_NAME_EMPTY,
         "an empty name is rejected");
  CHECK (fakeaddr_assign (t, AF_INET, buf, 256, a)
         == SOCKS6_E_NAME_TOO_LONG, "a 256-octet name is rejected");
  CHECK (assign (t, AF_INET6, "www.example.com", a) == SOCKS6_E_FAMILY
         && assign (t, AF_UNIX, "www.example.com", a) == SOCKS6_E_FAMILY,
         "a family without a range is refused");
  fakeaddr_table_destroy (t);
}

static void
test_range_edges (void)
{
  struct fakeaddr_table *t = table_new ("10.64.0.0/30", "2001:db8::/126", 8);
  unsigned char a[16], b[16];

  assign (t, AF_INET, "one", a);
  assign (t, AF_INET, "two", b);
  CHECK (a[3] == 1 && b[3] == 2,
         "a /30 hands out its two host addresses, not the network "
         "or broadcast one");
  assign (t, AF_INET6, "one", a);
  assign (t, AF_INET6, "two", b);
  CHECK (a[15] == 1 && b[15] == 2, "IPv6 skips the subnet-router "
         "anycast address");
  assign (t, AF_INET6, "three", a);
  assign (t, AF_INET6, "four", b);
  CHECK (a[15] == 3 && b[15] == 1 && maps_back (t, AF_INET6, b, "four")
         && fakeaddr_lookup_name (t, AF_INET6, "one", 3, a)
            == SOCKS6_E_NOTFOUND,
         "a full IPv6 /126 gives its least recently used address anew");
  fakeaddr_table_destroy (t);
}

/* ------------------------------------------------------------------ */

static void
test_recycling (void)
{
  struct fakeaddr_table *t = table_new ("10.64.0.0/24", NULL, 4);
  unsigned char a[16], b[16], c[16], d[16], e[16], x[16];
  struct fakeaddr_stats st;

  assign (t, AF_INET, "a", a);
  assign (t, AF_INET, "b", b);
  assign (t, AF_INET, "c", c);
  assign (t, AF_INET, "d", d);
  fakeaddr_lookup_name (t, AF_INET, "a", 1, x);   /* a is now recent */
  CHECK (assign (t, AF_INET, "e", e) == SOCKS6_OK
         && fakeaddr_lookup_name (t, AF_INET, "b", 1, x)
            == SOCKS6_E_NOTFOUND
         && fakeaddr_lookup_addr (t, AF_INET, b, NULL, NULL)
            == SOCKS6_E_NOTFOUND,
         "a full table recycles the least recently used entry");
  CHECK (maps_back (t, AF_INET, a, "a") && maps_back (t, AF_INET, c, "c")
         && maps_back (t, AF_INET, d, "d")
         && maps_back (t, AF_INET, e, "e"),
         "the other entries survive");
  CHECK (memcmp (e, b, 4) != 0 && e[3] == 5,
         "the new name gets a fresh address, not the recycled one");

  /* Hold every entry: nothing can be recycled.  */
  char name[SOCKS6_NAME_MAX + 1];
  size_t len;
  bool held = fakeaddr_hold (t, AF_INET, a, name, &len) == SOCKS6_OK
              && len == 1 && name[0] == 'a';
  held &= fakeaddr_hold (t, AF_INET, c, NULL, NULL) == SOCKS6_OK;
  held &= fakeaddr_hold (t, AF_INET, d, NULL, NULL) == SOCKS6_OK;
  held &= fakeaddr_hold (t, AF_INET, e, NULL, NULL) == SOCKS6_OK;
  held &= fakeaddr_hold (t, AF_INET, e, NULL, NULL) == SOCKS6_OK;
  CHECK (held, "hold gives the name and pins the entry");
  CHECK (assign (t, AF_INET, "f", x) == SOCKS6_E_FULL,
         "a table whose entries are all held is full");
  CHECK (fakeaddr_stats (t, &st) == SOCKS6_OK && st.held == 4
         && st.ipv4_entries == 4 && st.recycled == 1,
         "stats count entries, holds and recycling");

  /* Release c: it is the only candidate, even though a is older.  */
  CHECK (fakeaddr_release (t, AF_INET, c) == SOCKS6_OK
         && assign (t, AF_INET, "f", x) == SOCKS6_OK
         && !maps_back (t, AF_INET, c, "c")
         && maps_back (t, AF_INET, a, "a")
         && maps_back (t, AF_INET, x, "f"),
         "only an entry without holds is recycled");
  fakeaddr_hold (t, AF_INET, x, NULL, NULL);
  CHECK (fakeaddr_release (t, AF_INET, e) == SOCKS6_OK
         && assign (t, AF_INET, "g", x) == SOCKS6_E_FULL,
         "an entry held twice stays pinned after one release");
  CHECK (fakeaddr_release (t, AF_INET, e) == SOCKS6_OK
         && fakeaddr_release (t, AF_INET, e) == SOCKS6_E_INVALID,
         "a release without a hold is refused");
  CHECK (fakeaddr_release (t, AF_INET, c) == SOCKS6_E_NOTFOUND
         && fakeaddr_hold (t, AF_INET, c, NULL, NULL)
            == SOCKS6_E_NOTFOUND,
         "hold and release of an unregistered address are refused");
  CHECK (assign (t, AF_INET, "g", x) == SOCKS6_OK
         && !maps_back (t, AF_INET, e, "e"),
         "an entry released to no hold is recyclable again");
  fakeaddr_table_destroy (t);
}

static void
test_range_exhaustion (void)
{
  /* Two IPv4 addresses but room for eight entries: the range, not the
     table, runs out; IPv6 is unaffected.  */
  struct fakeaddr_table *t = table_new ("10.64.0.0/30", FAKEADDR_DEFAULT_IPV6,
                                        8);
  unsigned char x[16], y[16], z[16], w[16];

  assign (t, AF_INET, "x", x);
  assign (t, AF_INET, "y", y);
  CHECK (assign (t, AF_INET, "z", z) == SOCKS6_OK
         && memcmp (z, x, 4) == 0 && maps_back (t, AF_INET, z, "z")
         && maps_back (t, AF_INET, y, "y"),
         "a full range gives its least recently used address anew");
  fakeaddr_hold (t, AF_INET, y, NULL, NULL);
  fakeaddr_hold (t, AF_INET, z, NULL, NULL);
  CHECK (assign (t, AF_INET, "w", w) == SOCKS6_E_FULL
         && assign (t, AF_INET6, "w", w) == SOCKS6_OK,
         "a range whose addresses are all held is full; "
         "the other family goes on");
  fakeaddr_table_destroy (t);
}

/* The table shared by both families: when it is full, the older of the
   two families' least recently used entries goes.  */
static void
test_recycling_across_families (void)
{
  struct fakeaddr_table *t = table_new (FAKEADDR_DEFAULT_IPV4,
                                        FAKEADDR_DEFAULT_IPV6, 3);
  unsigned char a4[16], b6[16], c4[16], d6[16];

  assign (t, AF_INET, "a", a4);
  assign (t, AF_INET6, "b", b6);
  assign (t, AF_INET, "c", c4);
  fakeaddr_lookup_name (t, AF_INET, "a", 1, a4);
  CHECK (assign (t, AF_INET6, "d", d6) == SOCKS6_OK
         && fakeaddr_lookup_name (t, AF_INET6, "b", 1, b6)
            == SOCKS6_E_NOTFOUND
         && maps_back (t, AF_INET, a4, "a")
         && maps_back (t, AF_INET, c4, "c"),
         "the oldest entry of either family is recycled");
  fakeaddr_table_destroy (t);
}

/* Many more names than entries, in a scrambled order, so that entries
   leave the indexes from every position of their probe runs: afterwards
   every registered name is found by name and by address, and no other.  */
static void
test_churn (void)
{
  enum { POOL = 3000, CAPACITY = 500, ROUNDS = 40000 };
  struct fakeaddr_table *t = table_new ("10.64.0.0/22", FAKEADDR_DEFAULT_IPV6,
                                        CAPACITY);
  struct fakeaddr_stats st;
  unsigned char addr[16], back[16];
  char name[32];
  int bad = 0;
  unsigned seed = 12345;

  for (int i = 0; i < ROUNDS; i++)
    {
      seed = seed * 1103515245 + 12345;
      int family = (seed >> 8) % 3 ? AF_INET : AF_INET6;
      int len = snprintf (name, sizeof name, "n%u.example",
                          (seed >> 12) % POOL);
      if (fakeaddr_assign (t, family, name, (size_t) len, addr) != SOCKS6_OK
          || !maps_back (t, family, addr, name))
        bad++;
    }
  size_t found = 0;
  for (int i = 0; i < 2 * POOL; i++)
    {
      int family = i % 2 ? AF_INET6 : AF_INET;
      int len = snprintf (name, sizeof name, "n%d.example", i / 2);
      int rc = fakeaddr_lookup_name (t, family, name, (size_t) len, addr);
      if (rc == SOCKS6_OK)
        {
          found++;
          bad += !maps_back (t, family, addr, name);
          bad += fakeaddr_lookup_name (t, family, name, (size_t) len, back)
                 != SOCKS6_OK || memcmp (addr, back, 16) != 0;
        }
      else
        bad += rc != SOCKS6_E_NOTFOUND;
    }
  CHECK (bad == 0 && fakeaddr_stats (t, &st) == SOCKS6_OK
         && found == st.ipv4_entries + st.ipv6_entries && found == CAPACITY
         && st.recycled > 0,
         "after %d assignments into %d entries, the indexes agree "
         "(%d errors, %zu found)", ROUNDS, CAPACITY, bad, found);
  fakeaddr_table_destroy (t);
}

/* ------------------------------------------------------------------ */

static bool
wait_ok (pid_t pid)
{
  int status;
  return (waitpid (pid, &status, 0) == pid && WIFEXITED (status)
          && WEXITSTATUS (status) == 0);
}

static void
test_fork (void)
{
  struct fakeaddr_table *t = table_new (FAKEADDR_DEFAULT_IPV4,
                                        FAKEADDR_DEFAULT_IPV6, 1024);
  unsigned char p[16], c[16], got[16];
  int fds[2];

  assign (t, AF_INET, "parent.example", p);
  if (pipe (fds) != 0)
    {
      UNIT_UNSUPPORTED ("fork: no pipe");
      return;
    }
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      unsigned char mine[16];
      int ok = (fakeaddr_lookup_name (t, AF_INET, "parent.example", 14, mine)
                == SOCKS6_OK && memcmp (mine, p, 4) == 0
                && maps_back (t, AF_INET, p, "parent.example"));
      ok &= assign (t, AF_INET6, "child.example", mine) == SOCKS6_OK;
      ok &= write (fds[1], mine, 16) == 16;
      _exit (ok ? 0 : 1);
    }
  close (fds[1]);
  bool child_ok = pid > 0 && wait_ok (pid);
  bool got_addr = read (fds[0], c, 16) == 16;
  close (fds[0]);
  CHECK (child_ok, "a forked child sees the parent's mapping");
  CHECK (got_addr && maps_back (t, AF_INET6, c, "child.example")
         && assign (t, AF_INET6, "child.example", got) == SOCKS6_OK
         && memcmp (got, c, 16) == 0,
         "the parent sees the mapping the child made");
  fakeaddr_table_destroy (t);
}

struct hammer
{
  struct fakeaddr_table *table;
  atomic_bool stop;
};

static void *
hammer_table (void *arg)
{
  struct hammer *h = arg;
  char name[32];
  unsigned char addr[16];

  for (unsigned n = 0; !atomic_load (&h->stop); n++)
    {
      int len = snprintf (name, sizeof name, "busy-%u.example", n % 5000);
      fakeaddr_assign (h->table, AF_INET, name, (size_t) len, addr);
    }
  return NULL;
}

/* Fork while another thread is busy in the table, so some children are
   born while the lock is held by a thread they do not have: that thread
   goes on in the parent and releases the shared lock, so the child must
   not hang.  */
static void
test_fork_while_busy (void)
{
  struct hammer h = { table_new (FAKEADDR_DEFAULT_IPV4, NULL, 1024), 0 };
  pthread_t thread;
  int children = 0, good = 0;

  if (pthread_create (&thread, NULL, hammer_table, &h) != 0)
    {
      UNIT_UNSUPPORTED ("fork while busy: no thread");
      return;
    }
  fflush (stdout);
  for (int i = 0; i < 100; i++)
    {
      pid_t pid = fork ();
      if (pid == 0)
        {
          unsigned char a[16];
          alarm (10);
          _exit (assign (h.table, AF_INET, "child.example", a) == SOCKS6_OK
                 && maps_back (h.table, AF_INET, a, "child.example") ? 0 : 1);
        }
      if (pid > 0)
        {
          children++;
          good += wait_ok (pid);
        }
    }
  atomic_store (&h.stop, true);
  pthread_join (thread, NULL);
  CHECK (children > 0 && good == children,
         "children forked while a thread uses the table do not hang "
         "(%d of %d)", good, children);
  fakeaddr_table_destroy (h.table);
}

/* A process killed while it holds the lock must not block the others
   (the lock is robust); the table starts over, empty but sound.  */
static void
test_killed_inside (void)
{
  struct fakeaddr_table *t = table_new (FAKEADDR_DEFAULT_IPV4, NULL, 256);
  struct fakeaddr_stats st;
  unsigned char a[16];

  fflush (stdout);
  for (int i = 0; i < 40; i++)
    {
      pid_t pid = fork ();
      if (pid == 0)
        {
          struct hammer h = { t, 0 };
          alarm (10);
          hammer_table (&h);
          _exit (0);
        }
      if (pid < 0)
        break;
      struct timespec pause = { 0, 2000000 };
      nanosleep (&pause, NULL);
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
    }
  bool ok = assign (t, AF_INET, "after.example", a) == SOCKS6_OK
            && maps_back (t, AF_INET, a, "after.example")
            && fakeaddr_stats (t, &st) == SOCKS6_OK;
  CHECK (ok, "processes killed inside the table do not block it");
  if (ok)
    printf ("note: %llu reset(s) after a process died holding the lock\n",
            (unsigned long long) st.repairs);
  fakeaddr_table_destroy (t);
}

/* ------------------------------------------------------------------ */

enum { THREADS = 8, OWN_NAMES = 4000, COMMON_NAMES = 1000 };

struct worker
{
  struct fakeaddr_table *table;
  int id;
  int errors;
  unsigned char common[COMMON_NAMES][16];
};

static void *
work_names (void *arg)
{
  struct worker *w = arg;
  char name[64];
  unsigned char addr[16];

  /* Interleave names of its own with names every thread asks for.  */
  for (int n = 0; n < OWN_NAMES; n++)
    {
      int len = snprintf (name, sizeof name, "host-%d.thread-%d.example",
                          n, w->id);
      int family = n % 2 ? AF_INET6 : AF_INET;
      if (fakeaddr_assign (w->table, family, name, (size_t) len, addr)
          != SOCKS6_OK
          || !maps_back (w->table, family, addr, name))
        w->errors++;
      int c = (n * 7 + w->id * 131) % COMMON_NAMES;
      len = snprintf (name, sizeof name, "%s-%d.example",
                      w->id % 2 ? "COMMON" : "common", c);
      if (fakeaddr_assign (w->table, AF_INET, name, (size_t) len,
                           w->common[c]) != SOCKS6_OK)
        w->errors++;
    }
  return NULL;
}

static int
compare_addr (const void *a, const void *b)
{
  return memcmp (a, b, 16);
}

static void
test_threads (void)
{
  static struct worker workers[THREADS];
  pthread_t threads[THREADS];
  struct fakeaddr_table *t = table_new (FAKEADDR_DEFAULT_IPV4,
                                        FAKEADDR_DEFAULT_IPV6, 65536);
  int started = 0, errors = 0;

  for (int i = 0; i < THREADS; i++)
    {
      workers[i].table = t;
      workers[i].id = i;
      if (pthread_create (&threads[i], NULL, work_names, &workers[i]) == 0)
        started++;
    }
  for (int i = 0; i < started; i++)
    {
      pthread_join (threads[i], NULL);
      errors += workers[i].errors;
    }
  CHECK (started == THREADS && errors == 0,
         "%d threads assign and look up %d names each", started,
         OWN_NAMES * 2);

  /* Every thread got the same address for a common name (all threads
     touched every common name, since 7 and 1000 are coprime).  */
  int disagree = 0;
  for (int c = 0; c < COMMON_NAMES; c++)
    for (int i = 1; i < started; i++)
      disagree += memcmp (workers[i].common[c], workers[0].common[c], 4) != 0;
  CHECK (disagree == 0, "threads agree on every shared name");

  /* One name, one address: no two names share one.  */
  static unsigned char all[THREADS * OWN_NAMES][16];
  size_t n = 0;
  int unmapped = 0;
  for (int i = 0; i < started; i++)
    for (int k = 0; k < OWN_NAMES; k++)
      {
        char name[64];
        int len = snprintf (name, sizeof name, "host-%d.thread-%d.example",
                            k, i);
        int family = k % 2 ? AF_INET6 : AF_INET;
        memset (all[n], 0, 16);
        if (fakeaddr_lookup_name (t, family, name, (size_t) len, all[n])
            != SOCKS6_OK || !maps_back (t, family, all[n], name))
          unmapped++;
        n++;
      }
  qsort (all, n, 16, compare_addr);
  int duplicates = 0;
  for (size_t i = 1; i < n; i++)
    duplicates += memcmp (all[i - 1], all[i], 16) == 0;
  CHECK (unmapped == 0 && duplicates == 0,
         "afterwards every name maps to one address and back "
         "(%d unmapped, %d shared)", unmapped, duplicates);
  fakeaddr_table_destroy (t);
}

/* Under pressure (far more names than entries) a held entry keeps its
   name while other threads recycle around it.  */
static void *
work_pressure (void *arg)
{
  struct worker *w = arg;
  char name[64], got[SOCKS6_NAME_MAX + 1];
  unsigned char addr[16], again[16];
  size_t len;

  for (int n = 0; n < OWN_NAMES; n++)
    {
      int nlen = snprintf (name, sizeof name, "p%d.t%d.example", n, w->id);
      if (fakeaddr_assign (w->table, AF_INET, name, (size_t) nlen, addr)
          != SOCKS6_OK)
        continue;
      /* Recycled between assign and hold, perhaps to another name: legal,
         and not checked further.  */
      if (fakeaddr_hold (w->table, AF_INET, addr, got, &len) != SOCKS6_OK)
        continue;
      if (len != (size_t) nlen || strcmp (got, name) != 0)
        {
          if (fakeaddr_release (w->table, AF_INET, addr) != SOCKS6_OK)
            w->errors++;
          continue;
        }
      for (int k = 0; k < 5; k++)
        {
          sched_yield ();
          if (fakeaddr_lookup_name (w->table, AF_INET, name, (size_t) nlen,
                                    again) != SOCKS6_OK
              || memcmp (again, addr, 4) != 0)
            w->errors++;
        }
      if (fakeaddr_release (w->table, AF_INET, addr) != SOCKS6_OK)
        w->errors++;
    }
  return NULL;
}

static void
test_threads_pressure (void)
{
  static struct worker workers[THREADS];
  pthread_t threads[THREADS];
  struct fakeaddr_table *t = table_new ("10.64.0.0/26", NULL, 32);
  struct fakeaddr_stats st;
  int started = 0, errors = 0;

  for (int i = 0; i < THREADS; i++)
    {
      workers[i].table = t;
      workers[i].id = i;
      workers[i].errors = 0;
      if (pthread_create (&threads[i], NULL, work_pressure, &workers[i]) == 0)
        started++;
    }
  for (int i = 0; i < started; i++)
    {
      pthread_join (threads[i], NULL);
      errors += workers[i].errors;
    }
  CHECK (started == THREADS && errors == 0
         && fakeaddr_stats (t, &st) == SOCKS6_OK && st.held == 0
         && st.ipv4_entries <= 32 && st.recycled > 0,
         "under recycling pressure a held entry keeps its address "
         "(%d errors)", errors);
  fakeaddr_table_destroy (t);
}

int
main (void)
{
  alarm (TIME_LIMIT_SECONDS);
  test_prefix_parse ();
  test_prefix_overlap ();
  test_range_check ();
  test_create_rejects ();
  test_same_name_same_address ();
  test_case_and_bytes ();
  test_range_edges ();
  test_recycling ();
  test_range_exhaustion ();
  test_recycling_across_families ();
  test_churn ();
  test_fork ();
  test_fork_while_busy ();
  test_killed_inside ();
  test_threads ();
  test_threads_pressure ();
  UNIT_EXIT ();
}
