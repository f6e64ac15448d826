/* Name resolving delegated to the gateway (RFC 3089 section 3): c-ares
   queries driven by socks6d's event loop, so a slow DNS server never holds
   up another session.  /etc/hosts is consulted first, then DNS.

   For tests and operators, the environment variable SOCKS6D_HOSTS_FILE
   names a hosts file used instead of /etc/hosts, and then DNS is not
   asked at all: names resolve from that file or not at all.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_RESOLVER_H
#define SOCKS6D_RESOLVER_H

#include <stddef.h>

#include "addr.h"
#include "loop.h"

/* At most this many addresses are kept from one answer.  */
#define RESOLVER_MAX_ADDRS 16

struct resolver;
struct resolver_query;

/* Called once per query unless cancelled.  REPLY is a SOCKS 5 reply code:
   0 with N >= 1 addresses (port 0) in ADDRS, or the failure.  */
typedef void (*resolver_addrs_fn) (void *arg, int reply,
                                   const struct socks6_addr *addrs,
                                   size_t n);
/* Called once per reverse query unless cancelled: 0 and NAME, or the
   failure and NULL.  */
typedef void (*resolver_name_fn) (void *arg, int reply, const char *name);

/* Once per process, before any thread: set c-ares up and read
   SOCKS6D_HOSTS_FILE.  Return 0, or -1 with *ERROR set.  */
extern int resolver_library_init (const char **error);
extern void resolver_library_cleanup (void);

/* Create a resolver on LOOP; each try waits TIMEOUT_MS at most.  Return
   NULL and set *ERROR to a message (not translated c-ares text) on
   failure.  */
extern struct resolver *resolver_new (struct loop *loop,
                                      unsigned int timeout_ms,
                                      const char **error);
extern void resolver_free (struct resolver *resolver);

/* Look NAME up, for addresses of FAMILY (AF_UNSPEC, AF_INET, AF_INET6).
   Return the query, or NULL when out of memory.  */
extern struct resolver_query *resolver_lookup (struct resolver *resolver,
                                               const char *name, int family,
                                               resolver_addrs_fn fn,
                                               void *arg);
/* Look the name of ADDR (IPv4 or IPv6) up.  */
extern struct resolver_query *resolver_reverse (struct resolver *resolver,
                                                const struct socks6_addr *addr,
                                                resolver_name_fn fn,
                                                void *arg);
/* Forget QUERY: its function will not be called.  */
extern void resolver_cancel (struct resolver_query *query);

/* Queries still in flight, for statistics.  */
extern size_t resolver_pending (const struct resolver *resolver);

#endif /* SOCKS6D_RESOLVER_H */
