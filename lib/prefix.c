/* Address prefixes: parsing, printing, and whether an address or another
   prefix falls in one (see prefix.h).  Every comparison happens in the
   IPv6 space, IPv4 as IPv4-mapped, so that a program on a dual-stack
   socket finds an IPv4 peer in the IPv4 prefix it was written with.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "prefix.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "errcode.h"

static unsigned int
prefix_family_bits (int family)
{
  return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

/* PREFIX as an IPv6 one, IPv4 becoming IPv4-mapped.  */
static void
prefix_to_ipv6 (const struct socks6_prefix *prefix,
                unsigned char addr[16], unsigned int *length)
{
  if (prefix->family == AF_INET)
    {
      memset (addr, 0, 10);
      addr[10] = addr[11] = 0xff;
      memcpy (addr + 12, prefix->addr, 4);
      *length = 96 + prefix->length;
    }
  else
    {
      memcpy (addr, prefix->addr, 16);
      *length = prefix->length;
    }
}

bool
socks6_prefix_bits_equal (const unsigned char *a, const unsigned char *b,
                          unsigned int bits)
{
  unsigned int bytes = bits / 8, rest = bits % 8;

  if (memcmp (a, b, bytes) != 0)
    return false;
  if (rest == 0)
    return true;
  unsigned char mask = (unsigned char) (0xff << (8 - rest));
  return ((a[bytes] ^ b[bytes]) & mask) == 0;
}

bool
socks6_prefix_overlaps (const struct socks6_prefix *a,
                        const struct socks6_prefix *b)
{
  unsigned char a6[16], b6[16];
  unsigned int alen, blen;

  prefix_to_ipv6 (a, a6, &alen);
  prefix_to_ipv6 (b, b6, &blen);
  return socks6_prefix_bits_equal (a6, b6, alen < blen ? alen : blen);
}

bool
socks6_prefix_contains (const struct socks6_prefix *prefix, int family,
                        const void *addr)
{
  struct socks6_prefix host;

  host.length = prefix_family_bits (family);
  if (host.length == 0)
    return false;
  host.family = family;
  memcpy (host.addr, addr, host.length / 8);
  return socks6_prefix_overlaps (prefix, &host);
}

bool
socks6_prefix_host_bits_clear (const struct socks6_prefix *prefix)
{
  unsigned int total = prefix_family_bits (prefix->family);

  for (unsigned int bit = prefix->length; bit < total; bit++)
    if (prefix->addr[bit / 8] & (0x80 >> (bit % 8)))
      return false;
  return true;
}

/* Parse the decimal prefix length in TEXT, at most MAX.  */
static bool
prefix_parse_length (const char *text, unsigned int max,
                     unsigned int *length)
{
  unsigned int value = 0;
  size_t digits = strspn (text, "0123456789");

  if (digits == 0 || digits > 3 || text[digits] != '\0')
    return false;
  for (size_t i = 0; i < digits; i++)
    value = value * 10 + (unsigned int) (text[i] - '0');
  if (value > max)
    return false;
  *length = value;
  return true;
}

static int
prefix_fail (enum socks6_prefix_problem *problem,
             enum socks6_prefix_problem why)
{
  if (problem)
    *problem = why;
  return SOCKS6_E_RANGE;
}

int
socks6_prefix_parse (struct socks6_prefix *prefix, const char *text,
                     enum socks6_prefix_problem *problem)
{
  char host[INET6_ADDRSTRLEN];
  const char *slash = strchr (text, '/');
  size_t host_len = slash ? (size_t) (slash - text) : strlen (text);

  if (host_len == 0 || host_len >= sizeof host)
    return prefix_fail (problem, SOCKS6_PREFIX_PROBLEM_SYNTAX);
  memcpy (host, text, host_len);
  host[host_len] = '\0';

  memset (prefix, 0, sizeof *prefix);
  prefix->family = strchr (host, ':') ? AF_INET6 : AF_INET;
  if (inet_pton (prefix->family, host, prefix->addr) != 1)
    return prefix_fail (problem, SOCKS6_PREFIX_PROBLEM_SYNTAX);

  unsigned int max = prefix_family_bits (prefix->family);
  prefix->length = max;
  if (slash && !prefix_parse_length (slash + 1, max, &prefix->length))
    return prefix_fail (problem, SOCKS6_PREFIX_PROBLEM_LENGTH);
  if (!socks6_prefix_host_bits_clear (prefix))
    return prefix_fail (problem, SOCKS6_PREFIX_PROBLEM_HOST_BITS);
  if (problem)
    *problem = SOCKS6_PREFIX_PROBLEM_NONE;
  return SOCKS6_OK;
}

int
socks6_prefix_format (const struct socks6_prefix *prefix, char *buf,
                      size_t size)
{
  char host[INET6_ADDRSTRLEN];

  if (prefix_family_bits (prefix->family) == 0
      || !inet_ntop (prefix->family, prefix->addr, host, sizeof host))
    return SOCKS6_E_FAMILY;
  int n = snprintf (buf, size, "%s/%u", host, prefix->length);
  if (n < 0 || (size_t) n >= size)
    return SOCKS6_E_SPACE;
  return n;
}
