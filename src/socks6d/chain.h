/* The next-hop connector (RFC 3089 section 4): reaching a destination by
   speaking SOCKS 5 to another gateway, through libsocks6's client engine,
   the same one socksify and socks6-probe use.

   It has the shape of the direct connector (connector.h): started by the
   session, it calls back with a socket ready for the relay, or with the
   reply the client should get.  The hops of a route are tried in order
   until one answers; each has its own timeout, and a circuit breaker
   skips a hop that keeps failing.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_CHAIN_H
#define SOCKS6D_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"
#include "gateway.h"

struct chain;

/* What the chain reports.  The pointers are valid during the call only.  */
struct chain_result
{
  int fd;                       /* >= 0: connected past the handshake, now
                                   the caller's; bytes after the reply are
                                   still unread in it */
  int reply;                    /* the SOCKS 5 reply for the client: the far
                                   end's own, or what an unusable hop
                                   amounts to */
  int err;                      /* errno of a local failure, or 0 */
  const char *outcome;          /* for the session log when it failed */
  const struct config_hop *hop; /* the hop used, or last tried (or NULL) */
  const struct socks6_addr *peer;       /* the hop's address, or NULL */
  const struct socks6_addr *bound;      /* BND of the far end's reply, or
                                           NULL */
  bool final;                   /* false: BIND's first reply; the second
                                   (or a failure) follows */
};

/* Called once with FINAL set, and before that once more without it for
   a BIND that got its first reply, unless cancelled.  The chain is freed
   after the final call returns.  */
typedef void (*chain_fn) (void *arg, const struct chain_result *result);

/* Send COMMAND for DST through the hops of ROUTE (of CONFIG, which must
   outlive the chain), from worker GW's loop.  SESSION_ID is for logs.
   FN is never called before this returns.  Return NULL when out of
   memory.  */
extern struct chain *chain_start (struct gateway *gw,
                                  const struct config *config,
                                  const struct config_route *route,
                                  uint64_t session_id, uint8_t command,
                                  const struct socks6_addr *dst,
                                  chain_fn fn, void *arg);

/* Stop and free CHAIN (NULL is fine); FN is not called again.  May be
   called from FN for a result that is not final.  */
extern void chain_cancel (struct chain *chain);

#endif /* SOCKS6D_CHAIN_H */
