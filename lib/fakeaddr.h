/* The fake-address table of RFC 3089 section 3: socksify's preload
   library answers a name lookup with a "fake IP" taken from a range that
   real traffic never uses, records fake address <-> name here, and turns a
   later connect() to that address into a SOCKS request carrying the name.

   One table serves a whole process and every process forked from it: it
   lives in memory shared across fork(), behind a process-shared robust
   mutex, so parent and children hand out and resolve the same addresses.
   An exec() starts a new table (RFC 3089 section 5, item 3).  The table
   has a fixed capacity; when it is full the least recently used entry
   that no socket holds is recycled.

   Addresses are passed as raw octets in network byte order (4 for
   AF_INET, 16 for AF_INET6), as inet_pton, struct in_addr and
   struct in6_addr hold them.  Names are the octets of a SOCKS 5
   DOMAINNAME field (1..255 octets, see name.h); they compare without
   regard to ASCII case, as DNS names do (RFC 4343), and are given back as
   first registered.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_FAKEADDR_H
#define SOCKS6_FAKEADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "errcode.h"
#include "prefix.h"

/* The default ranges; doc/fakeaddr.texi says why these.  */
#define FAKEADDR_DEFAULT_IPV4 "198.18.0.0/15"
#define FAKEADDR_DEFAULT_IPV6 "100::/64"

/* The environment variables through which socksify's launcher passes the
   ranges to the preload library (set from --fake-ipv4 / --fake-ipv6).  */
#define FAKEADDR_ENV_IPV4 "SOCKS6_FAKE_IPV4"
#define FAKEADDR_ENV_IPV6 "SOCKS6_FAKE_IPV6"

/* Entries in a table created with capacity 0, and the most allowed.  */
#define FAKEADDR_DEFAULT_CAPACITY 65536
#define FAKEADDR_CAPACITY_MAX ((1u << 24) - 1)

/* Why a text is not a prefix, or a prefix is not usable as a fake range.  */
enum fakeaddr_problem
{
  FAKEADDR_PROBLEM_NONE = SOCKS6_PREFIX_PROBLEM_NONE,
  FAKEADDR_PROBLEM_SYNTAX = SOCKS6_PREFIX_PROBLEM_SYNTAX,
  FAKEADDR_PROBLEM_LENGTH = SOCKS6_PREFIX_PROBLEM_LENGTH,
  FAKEADDR_PROBLEM_HOST_BITS = SOCKS6_PREFIX_PROBLEM_HOST_BITS,
  FAKEADDR_PROBLEM_TOO_SMALL,   /* longer than /30 (IPv4) or /126 (IPv6) */
  FAKEADDR_PROBLEM_UNSPECIFIED, /* meets 0.0.0.0/8 or :: */
  FAKEADDR_PROBLEM_LOOPBACK,    /* meets 127.0.0.0/8 or ::1 */
  FAKEADDR_PROBLEM_MULTICAST,   /* meets 224.0.0.0/4 or ff00::/8 */
  FAKEADDR_PROBLEM_BROADCAST,   /* holds 255.255.255.255 */
  FAKEADDR_PROBLEM_MAPPED,      /* meets ::ffff:0:0/96, really IPv4 */
  FAKEADDR_PROBLEM_DIRECT       /* meets a prefix reached directly */
};

/* Parse TEXT as socks6_prefix_parse does, with the reason in the words
   of this module, for fakeaddr_problem_text.  */
extern int fakeaddr_prefix_parse (struct socks6_prefix *prefix,
                                  const char *text,
                                  enum fakeaddr_problem *problem);

/* Check that RANGE can serve as a fake range: large enough, clear of
   0.0.0.0/8, loopback, multicast, broadcast and IPv4-mapped space, and
   clear of each of the NDIRECT prefixes in DIRECT (which may be NULL when
   NDIRECT is 0) that the program reaches without the gateway.  Return
   SOCKS6_OK, or SOCKS6_E_RANGE with the reason in *PROBLEM and, for
   FAKEADDR_PROBLEM_DIRECT, the index of the first colliding prefix in
   *CONFLICT (either pointer may be NULL).  */
extern int fakeaddr_range_check (const struct socks6_prefix *range,
                                 const struct socks6_prefix *direct,
                                 size_t ndirect,
                                 enum fakeaddr_problem *problem,
                                 size_t *conflict);

/* The translated sentence for PROBLEM, for messages such as
   "--fake-ipv4 127.0.0.0/8: range meets the loopback network".  */
extern const char *fakeaddr_problem_text (enum fakeaddr_problem problem);

/* The table.  Opaque; it lives in its own shared mapping.  */
struct fakeaddr_table;

/* Create a table handing out addresses from IPV4 and IPV6, either of
   which may be NULL to hand out no address of that family, with room for
   CAPACITY entries (0 for FAKEADDR_DEFAULT_CAPACITY) shared by both
   families.  Each range must pass fakeaddr_range_check with no direct
   prefix; checking it against the direct prefixes is the caller's part.
   The memory is shared with every process later forked from the caller.
   Return SOCKS6_OK and the table in *TABLEP, or SOCKS6_E_RANGE,
   SOCKS6_E_FAMILY, SOCKS6_E_INVALID (capacity above
   FAKEADDR_CAPACITY_MAX, or the system cannot share a lock between
   processes) or SOCKS6_E_NOMEM.  */
extern int fakeaddr_table_create (struct fakeaddr_table **tablep,
                                  const struct socks6_prefix *ipv4,
                                  const struct socks6_prefix *ipv6,
                                  size_t capacity);

/* Unmap TABLE from this process.  Other processes sharing it keep it;
   the memory goes when the last one unmaps it, exits or execs.  Call it
   only when no other thread of this process uses TABLE.  */
extern void fakeaddr_table_destroy (struct fakeaddr_table *table);

/* Give the fake address of FAMILY for NAME (LEN octets, 1..255) in
   ADDR (4 or 16 octets), registering NAME if it has none, possibly by
   recycling the least recently used entry no socket holds.  Return
   SOCKS6_OK, SOCKS6_E_FAMILY (no range for FAMILY), SOCKS6_E_NAME_EMPTY,
   SOCKS6_E_NAME_TOO_LONG, SOCKS6_E_FULL (every entry is held), or
   SOCKS6_E_INVALID (the table is unusable, or was called again by the
   thread already inside it, from a signal handler).  */
extern int fakeaddr_assign (struct fakeaddr_table *table, int family,
                            const char *name, size_t len,
                            unsigned char addr[16]);

/* Like fakeaddr_assign, but never registers: SOCKS6_E_NOTFOUND when NAME
   has no address of FAMILY.  */
extern int fakeaddr_lookup_name (struct fakeaddr_table *table, int family,
                                 const char *name, size_t len,
                                 unsigned char addr[16]);

/* Give the name ADDR (of FAMILY) stands for in NAME (NUL-terminated, its
   length without the NUL in *LEN).  Return SOCKS6_OK, SOCKS6_E_NOTFOUND
   (not a fake address, or one no longer registered), SOCKS6_E_FAMILY or
   SOCKS6_E_INVALID.  */
extern int fakeaddr_lookup_addr (struct fakeaddr_table *table, int family,
                                 const void *addr,
                                 char name[SOCKS6_NAME_MAX + 1],
                                 size_t *len);

/* Like fakeaddr_lookup_addr, and in the same step keep the entry from
   being recycled until a matching fakeaddr_release: what connect() does
   for the socket that uses the address.  NAME and LEN may be NULL.
   Holds are counted in the shared table, so after a fork a process
   that will release holds its parent took for inherited sockets must take
   its own first (socksify's preload library does it in its fork handler
   for the sockets it tracks).  */
extern int fakeaddr_hold (struct fakeaddr_table *table, int family,
                          const void *addr,
                          char name[SOCKS6_NAME_MAX + 1], size_t *len);

/* Drop one hold on ADDR; the entry becomes recyclable, as the most
   recently used, when no hold remains.  Return SOCKS6_OK,
   SOCKS6_E_NOTFOUND, or SOCKS6_E_INVALID (the entry had no hold: the
   count never goes below zero).  */
extern int fakeaddr_release (struct fakeaddr_table *table, int family,
                             const void *addr);

/* True if ADDR (of FAMILY) lies in one of TABLE's fake ranges, whether or
   not it is registered: the cheap test connect() makes first.  Takes no
   lock.  */
extern bool fakeaddr_is_fake (const struct fakeaddr_table *table, int family,
                              const void *addr);

/* A snapshot of a table's counters, for diagnostics and tests.  */
struct fakeaddr_stats
{
  size_t capacity;              /* entries the table can hold */
  size_t ipv4_entries;          /* registered IPv4 fake addresses */
  size_t ipv6_entries;
  size_t held;                  /* entries with at least one hold */
  uint64_t ipv4_addresses;      /* usable addresses in the IPv4 range */
  uint64_t ipv6_addresses;      /* the same, capped at 2^64 - 1 */
  uint64_t assigned;            /* names registered since creation */
  uint64_t recycled;            /* entries recycled to make room */
  uint64_t repairs;             /* resets after a process died inside */
};

/* Fill *STATS.  Return SOCKS6_OK or SOCKS6_E_INVALID.  */
extern int fakeaddr_stats (struct fakeaddr_table *table,
                           struct fakeaddr_stats *stats);

#endif /* SOCKS6_FAKEADDR_H */
