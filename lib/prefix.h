/* Address prefixes (10.0.0.0/8, 2001:db8::/32): the one prefix type of
   the suite, for socksify's fake ranges and direct prefixes and for
   socks6d's rules.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_PREFIX_H
#define SOCKS6_PREFIX_H

#include <stdbool.h>
#include <stddef.h>

/* Longest text socks6_prefix_format writes, with its NUL.  */
#define SOCKS6_PREFIX_TEXT_MAX (46 + 4)

struct socks6_prefix
{
  int family;                   /* AF_INET or AF_INET6 */
  unsigned int length;          /* prefix length in bits */
  unsigned char addr[16];       /* network byte order; 4 used for AF_INET */
};

/* Why a text is not a prefix.  */
enum socks6_prefix_problem
{
  SOCKS6_PREFIX_PROBLEM_NONE = 0,
  SOCKS6_PREFIX_PROBLEM_SYNTAX,         /* not ADDRESS or ADDRESS/LENGTH */
  SOCKS6_PREFIX_PROBLEM_LENGTH,         /* length empty or too long */
  SOCKS6_PREFIX_PROBLEM_HOST_BITS       /* address bits set past the length */
};

/* Parse TEXT, "198.18.0.0/15", "100::/64", or a bare address (a whole
   host prefix, /32 or /128), into *PREFIX.  The length is 1 to 3 decimal
   digits, nothing else.  Bits set past the length are an error rather
   than silently cleared, since "198.18.7.1/15" is more likely a typo
   than a range.  Return SOCKS6_OK, or SOCKS6_E_RANGE with the reason in
   *PROBLEM (which may be NULL).  */
extern int socks6_prefix_parse (struct socks6_prefix *prefix,
                                const char *text,
                                enum socks6_prefix_problem *problem);

/* Write PREFIX as "ADDRESS/LENGTH" into BUF of SIZE bytes
   (SOCKS6_PREFIX_TEXT_MAX is enough).  Return the length written, or
   SOCKS6_E_SPACE or SOCKS6_E_FAMILY.  */
extern int socks6_prefix_format (const struct socks6_prefix *prefix,
                                 char *buf, size_t size);

/* True if the two prefixes share an address.  IPv4 is compared as the
   IPv4-mapped IPv6 space (::ffff:0:0/96), so ::ffff:a.b.c.d/N (N >= 96)
   meets the IPv4 prefix it maps, and ::/0 meets every IPv4 prefix.  */
extern bool socks6_prefix_overlaps (const struct socks6_prefix *a,
                                    const struct socks6_prefix *b);

/* True if ADDR (of FAMILY, AF_INET or AF_INET6, network byte order) lies
   in PREFIX, in the same single space as socks6_prefix_overlaps: an
   IPv4-mapped address lies in the IPv4 prefix it maps.  False for any
   other family.  */
extern bool socks6_prefix_contains (const struct socks6_prefix *prefix,
                                    int family, const void *addr);

/* True if no bit past PREFIX's length is set.  */
extern bool socks6_prefix_host_bits_clear (const struct socks6_prefix *prefix);

/* True if the first BITS bits of A and B are equal.  */
extern bool socks6_prefix_bits_equal (const unsigned char *a,
                                      const unsigned char *b,
                                      unsigned int bits);

#endif /* SOCKS6_PREFIX_H */
