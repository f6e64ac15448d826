/* UDP ASSOCIATE's relay: one UDP socket facing the client, in the
   client's family, and one socket per destination family facing the
   world; datagrams carry the RFC 1928 section 7 header on the client's
   side and go bare on the other.

   An association belongs to the session whose TCP connection asked for
   it, and ends with it (RFC 1928 section 7), or earlier when idle.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_UDP_H
#define SOCKS6D_UDP_H

#include <stdint.h>

#include "addr.h"
#include "config.h"
#include "loop.h"

struct resolver;
struct udp_assoc;

/* Called at most once, when the association ends on its own (OUTCOME:
   "udp-idle-timeout", or an error).  The caller then frees it.  */
typedef void (*udp_end_fn) (void *arg, const char *outcome);

/* What an association needs to know of its session.  CONFIG, CLIENT and
   USER must outlive the association.  */
struct udp_assoc_params
{
  struct loop *loop;
  struct resolver *resolver;
  const struct config *config;  /* limits, rules, resolve policy */
  const struct socks6_addr *client;     /* the TCP client's address */
  const char *user;             /* authenticated user, or NULL */
  const struct socks6_addr *requested;  /* DST of the request */
  const struct socks6_addr *local;      /* where the client reached us */
  unsigned long long session_id;        /* for logs */
};

/* Open the client's relay socket and start relaying.  Store the relay's
   address in *BOUND.  Return the association, or NULL with errno set.
   FN is never called before this returns.  */
extern struct udp_assoc *udp_assoc_start (const struct udp_assoc_params *p,
                                          struct socks6_addr *bound,
                                          udp_end_fn fn, void *arg);

/* Payload octets relayed each way, and datagrams dropped.  */
extern void udp_assoc_counts (const struct udp_assoc *u, uint64_t *up,
                              uint64_t *down, uint64_t *dropped);

/* Close every socket, cancel lookups, and free (after this loop turn).
   Safe with NULL.  */
extern void udp_assoc_free (struct udp_assoc *u);

#endif /* SOCKS6D_UDP_H */
