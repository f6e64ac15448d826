/* The outgoing connection of a CONNECT request: non-blocking connects to
   the addresses the resolver gave, in the order and with the racing the
   configured policy asks for (RFC 8305 Happy Eyeballs by default).

   Other ways of reaching a destination (BIND's accept, UDP ASSOCIATE,
   a next-hop gateway) are other connectors with the same shape: started
   by the session, they call back once with a connected socket or an
   error.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_CONNECTOR_H
#define SOCKS6D_CONNECTOR_H

#include <stddef.h>

#include "addr.h"
#include "config.h"
#include "loop.h"

struct connector;

/* Called once, unless cancelled: FD >= 0 is the connected socket (now the
   caller's), PEER the address it reached; or FD = -1, ERR the errno of
   the most telling failure and PEER the address that failed so (for the
   log).  The connector is freed after this returns.  */
typedef void (*connector_fn) (void *arg, int fd, int err,
                              const struct socks6_addr *peer);

/* Order the N addresses of ADDRS for POLICY and start connecting to them
   at PORT.  Return the connector, or NULL with errno set (EAFNOSUPPORT
   when the policy leaves no address).  FN is never called before this
   returns.  */
extern struct connector *connector_start (struct loop *loop,
                                          const struct socks6_addr *addrs,
                                          size_t n, uint16_t port,
                                          enum resolve_policy policy,
                                          unsigned int delay_ms,
                                          connector_fn fn, void *arg);

/* If CONNECTOR's result is already known (on loopback a connect is
   often over when connect(2) returns), call FN with it now instead of
   from the loop: the reply then goes out a turn earlier.  FN must not be
   running already; CONNECTOR is freed later, by the loop.  */
extern void connector_flush (struct connector *connector);
/* The address of the attempt started last, for the log of a session
   whose deadline passed while attempts were still in flight.  */
extern const struct socks6_addr *
connector_last_tried (const struct connector *connector);

/* Stop every attempt and free the connector; FN is not called.  */
extern void connector_cancel (struct connector *connector);

#endif /* SOCKS6D_CONNECTOR_H */
