/* The state one socks6d worker works with: its event loop, resolver,
   pipe pool, authentication threads, its watches on the listening
   sockets, its live sessions and its counters; and the little all
   workers share (the current configuration, the sessions per client, the
   drain flag), behind one lock, touched only when a session starts or
   ends, never while bytes flow.

   Each worker is a thread running one event loop; a session lives and
   dies in the worker that accepted it.  The main thread only reads
   signals and tells the workers.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_GATEWAY_H
#define SOCKS6D_GATEWAY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "loop.h"

struct resolver;
struct relay_pool;
struct authworker;
struct listener;
struct listener_watch;
struct session;
struct session_client_table;

/* Counters of one worker, for SIGUSR1.  */
struct gateway_stats
{
  uint64_t accepted;            /* sessions started */
  uint64_t refused_limit;       /* closed at once: a limit was reached */
  uint64_t succeeded;           /* sessions that got a success reply */
  uint64_t failed;              /* sessions that ended before that */
  uint64_t bytes_up;            /* client -> destination, finished ones */
  uint64_t bytes_down;
  unsigned int active;
  unsigned int by_state[8];     /* live sessions per enum session_state */
};

/* What every worker shares.  */
struct gateway_shared
{
  pthread_mutex_t lock;         /* guards CONFIG, its reference counts,
                                   and CLIENTS */
  struct config *config;        /* current; sessions hold their own ref */
  struct session_client_table *clients; /* sessions per client address */
  struct listener *listeners;   /* the listening sockets, shared */
  atomic_uint active;           /* live sessions, all workers */
  atomic_ullong next_session_id;
  int done_fd;                  /* eventfd: a worker has stopped */
};

/* Requests the main thread posts to a worker (bits of REQUESTS).  */
enum
{
  GATEWAY_REQ_DRAIN = 1 << 0,   /* stop accepting, end when idle */
  GATEWAY_REQ_FORCE = 1 << 1,   /* close every session and end now */
  GATEWAY_REQ_STATS = 1 << 2    /* log statistics */
};

struct gateway
{
  unsigned int id;              /* worker number, from 1 */
  struct gateway_shared *shared;
  struct loop *loop;
  struct resolver *resolver;
  struct relay_pool *pipes;
  struct authworker *auth;
  struct listener_watch *listeners;     /* this worker's watches */
  struct session *sessions;     /* every live session, for drain and stats */
  struct gateway_stats stats;
  struct loop_timer drain_timer;
  bool draining;
  struct loop_watch mailbox;    /* eventfd the main thread writes */
  atomic_uint requests;         /* GATEWAY_REQ_* bits pending */
  pthread_t thread;
};

/* Take and drop references to configurations shared between threads
   (config_ref and config_unref themselves are not atomic).  */
extern struct config *gateway_config_ref (struct gateway_shared *shared,
                                          struct config *config);
extern void gateway_config_unref (struct gateway_shared *shared,
                                  struct config *config);
/* A reference to the current configuration, for a new session.  */
extern struct config *gateway_config_current (struct gateway_shared *shared);
/* Make CONFIG (whose reference passes to SHARED) the current one.  */
extern void gateway_config_replace (struct gateway_shared *shared,
                                    struct config *config);

/* Make worker ID: its loop, resolver, pipes, authentication threads and
   watches on the shared listening sockets.  Exits with a message on
   failure (at startup only).  */
extern struct gateway *gateway_worker_new (struct gateway_shared *shared,
                                           unsigned int id,
                                           unsigned int n_workers);
/* Run worker GW in a new thread, bound to processor CPU unless CPU is
   negative; it posts to SHARED->done_fd when it has stopped and freed
   what it owned.  */
extern void gateway_worker_start (struct gateway *gw, int cpu);
/* Post REQUEST (GATEWAY_REQ_*) to GW.  Any thread.  */
extern void gateway_worker_post (struct gateway *gw, unsigned int request);
/* Wait for GW's thread and free GW.  */
extern void gateway_worker_join (struct gateway *gw);

/* Log GW's statistics (in its own thread).  */
extern void gateway_log_statistics (struct gateway *gw);

#endif /* SOCKS6D_GATEWAY_H */
