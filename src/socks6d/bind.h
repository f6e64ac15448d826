/* BIND's "connector": a listening socket on the gateway, in the family
   the expected peer will use, that waits for one connection and hands it
   to the session, which then relays it exactly as a CONNECT.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_BIND_H
#define SOCKS6D_BIND_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "loop.h"

/* At most this many addresses are accepted as the expected peer.  */
#define BIND_MAX_EXPECTED 16

struct bind_wait;

/* Called once, unless cancelled: FD >= 0 is the accepted socket (now the
   caller's) and PEER its address; or FD = -1 and ERR says why: ETIMEDOUT
   when no peer came in time, EACCES when a peer came from an address
   other than the expected ones (PEER is then that stranger).  The
   bind_wait is freed after this returns.  */
typedef void (*bind_fn) (void *arg, int fd, int err,
                         const struct socks6_addr *peer);

/* If A is an IPv4-mapped IPv6 address (::ffff:a.b.c.d), make it the
   IPv4 address it stands for; the port is kept.  */
extern void bind_address_unmap (struct socks6_addr *a);

/* The local address to listen on for a peer of FAMILY (SOCKS6_ADDR_IPV4
   or SOCKS6_ADDR_IPV6), in this order: the configured one of that family
   among the N_CONFIGURED of CONFIGURED; the source address the kernel
   would use to reach TOWARD when TOWARD is a specified address of that
   family; the address the client reached us at (CLIENT_LOCAL) when it is
   of that family; the loopback of that family when CLIENT_LOCAL is a
   loopback address; the source address of the default route of that
   family; the unspecified address.  Route lookups use connect(2) on a
   UDP socket, which sends nothing.  Port 0 in *OUT.  */
extern void bind_local_address (enum socks6_addr_type family,
                                const struct socks6_addr *configured,
                                size_t n_configured,
                                const struct socks6_addr *toward,
                                const struct socks6_addr *client_local,
                                struct socks6_addr *out);

/* Listen on LOCAL (port 0: any) and wait up to TIMEOUT_MS for one peer.
   With N_EXPECTED > 0, only a peer from one of the addresses EXPECTED
   (ports ignored) is taken.  Store the address listened on in *BOUND.
   Return the wait, or NULL with errno set.  FN is never called before
   this returns.  */
extern struct bind_wait *bind_start (struct loop *loop,
                                     const struct socks6_addr *local,
                                     const struct socks6_addr *expected,
                                     size_t n_expected,
                                     unsigned int timeout_ms,
                                     struct socks6_addr *bound,
                                     bind_fn fn, void *arg);

/* Close the listening socket and free the wait; FN is not called.  Safe
   with NULL.  */
extern void bind_cancel (struct bind_wait *wait);

#endif /* SOCKS6D_BIND_H */
