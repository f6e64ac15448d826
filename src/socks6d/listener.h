/* socks6d's listening sockets: one per configured address, opened once
   and shared by every worker, each worker watching them all with
   EPOLLEXCLUSIVE so that one worker, not all, wakes for a new client.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_LISTENER_H
#define SOCKS6D_LISTENER_H

#include "addr.h"
#include "gateway.h"

struct listener;
struct listener_watch;

/* Bind and listen on every address of CONFIG, chaining the listeners in
   *LIST.  On the first failure, report it with error () naming the
   address and return -1; listeners made so far stay in *LIST.  */
extern int listener_open_all (const struct config *config,
                              struct listener **list);

/* Start accepting, in worker GW, on every listener of LIST.  */
extern int listener_start (struct gateway *gw, struct listener *list);

/* Stop accepting in worker GW (its watches go; the sockets stay).  */
extern void listener_stop (struct gateway *gw);

/* Refuse new clients at once on every listener of LIST (SIGTERM): the
   sockets stop listening, and what waits in their backlog is reset.  */
extern void listener_shutdown_all (struct listener *list);

/* Close and free every listener of LIST.  */
extern void listener_close_all (struct listener **list);

#endif /* SOCKS6D_LISTENER_H */
