/* socks6d's workers: one thread and one event loop each, and the little
   they share.  A worker owns everything its sessions touch; the shared
   part (current configuration, reference counts, sessions per client)
   is locked, and only at the start and the end of a session.  The main
   thread talks to a worker through a bit set of requests and an eventfd
   that wakes the worker's loop.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "gateway.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "xalloc.h"

#include "authworker.h"
#include "i18n.h"
#include "listener.h"
#include "log.h"
#include "relay.h"
#include "resolver.h"
#include "session.h"

/* Password-checking threads per worker; crypt(3) is CPU-bound.  */
#define GATEWAY_AUTH_THREADS 1
/* Pipes for splice in use at a time, all workers (2 fds each).  */
#define GATEWAY_MAX_PIPES 1024
/* Measured on loopback: 1 MiB pipes cost 0.25 CPU-s/GiB, 256 KiB ones
   0.35, the kernel's default 64 KiB 0.5, the copying buffer path 0.4.  */
#define GATEWAY_PIPE_SIZE (1024 * 1024)

struct config *
gateway_config_ref (struct gateway_shared *shared, struct config *config)
{
  pthread_mutex_lock (&shared->lock);
  config_ref (config);
  pthread_mutex_unlock (&shared->lock);
  return config;
}

void
gateway_config_unref (struct gateway_shared *shared, struct config *config)
{
  pthread_mutex_lock (&shared->lock);
  config_unref (config);
  pthread_mutex_unlock (&shared->lock);
}

struct config *
gateway_config_current (struct gateway_shared *shared)
{
  struct config *config;
  pthread_mutex_lock (&shared->lock);
  config = config_ref (shared->config);
  pthread_mutex_unlock (&shared->lock);
  return config;
}

void
gateway_config_replace (struct gateway_shared *shared, struct config *config)
{
  pthread_mutex_lock (&shared->lock);
  config_unref (shared->config);
  shared->config = config;
  pthread_mutex_unlock (&shared->lock);
}

void
gateway_log_statistics (struct gateway *gw)
{
  const struct gateway_stats *st = &gw->stats;
  size_t pipes_used, pipes_idle;
  relay_pool_counts (gw->pipes, &pipes_used, &pipes_idle);
  log_info ("statistics: worker=%u active=%u greeting=%u auth=%u "
            "request=%u resolving=%u connecting=%u relaying=%u associated=%u "
            "closing=%u "
            "accepted=%llu succeeded=%llu failed=%llu refused_limit=%llu "
            "bytes_up=%llu bytes_down=%llu pipes_used=%zu pipes_idle=%zu "
            "dns_pending=%zu draining=%s",
            gw->id, st->active, st->by_state[SESSION_GREETING],
            st->by_state[SESSION_AUTH], st->by_state[SESSION_REQUEST],
            st->by_state[SESSION_RESOLVING], st->by_state[SESSION_CONNECTING],
            st->by_state[SESSION_RELAYING], st->by_state[SESSION_ASSOCIATED],
            st->by_state[SESSION_CLOSING],
            (unsigned long long) st->accepted,
            (unsigned long long) st->succeeded,
            (unsigned long long) st->failed,
            (unsigned long long) st->refused_limit,
            (unsigned long long) st->bytes_up,
            (unsigned long long) st->bytes_down, pipes_used, pipes_idle,
            resolver_pending (gw->resolver), gw->draining ? "yes" : "no");
}

static void
force_stop (struct gateway *gw)
{
  session_close_all (gw, "drain-timeout");
  loop_stop (gw->loop);
}

static void
drain_expired (struct loop_timer *timer)
{
  struct gateway *gw = timer->data;
  if (gw->stats.active)
    log_info (_("drain time is over; closing %u sessions"),
              gw->stats.active);
  force_stop (gw);
}

/* Stop accepting; end now if idle, else when the last session ends
   (session_finalize checks) or when the drain time is over.  */
static void
drain (struct gateway *gw)
{
  struct config *config;
  if (gw->draining)
    return;
  gw->draining = true;
  listener_stop (gw);
  if (gw->stats.active == 0)
    {
      loop_stop (gw->loop);
      return;
    }
  config = gateway_config_current (gw->shared);
  loop_timer_arm (gw->loop, &gw->drain_timer, config->drain_timeout_ms);
  gateway_config_unref (gw->shared, config);
}

static void
mailbox_event (struct loop_watch *watch, uint32_t events)
{
  struct gateway *gw = watch->data;
  uint64_t count;
  unsigned int requests;
  (void) events;
  if (read (watch->fd, &count, sizeof count) < 0)
    return;
  requests = atomic_exchange (&gw->requests, 0);
  if (requests & GATEWAY_REQ_STATS)
    gateway_log_statistics (gw);
  if (requests & GATEWAY_REQ_DRAIN)
    drain (gw);
  if (requests & GATEWAY_REQ_FORCE)
    force_stop (gw);
}

void
gateway_worker_post (struct gateway *gw, unsigned int request)
{
  uint64_t one = 1;
  atomic_fetch_or (&gw->requests, request);
  if (write (gw->mailbox.fd, &one, sizeof one) < 0)
    {
      /* The counter cannot overflow in practice.  */
    }
}

struct gateway *
gateway_worker_new (struct gateway_shared *shared, unsigned int id,
                    unsigned int n_workers)
{
  const char *problem = NULL;
  struct gateway *gw = xzalloc (sizeof *gw);
  struct config *config;
  int fd;
  gw->id = id;
  gw->shared = shared;
  gw->loop = loop_new ();
  if (!gw->loop)
    fatal (_("cannot create the event loop"));
  config = gateway_config_current (shared);
  loop_set_busy_poll (gw->loop, config->busy_poll_us);
  gw->resolver = resolver_new (gw->loop, config->resolve_timeout_ms,
                               &problem);
  gateway_config_unref (shared, config);
  if (!gw->resolver)
    fatalx (_("cannot start the resolver: %s"), problem);
  gw->pipes = relay_pool_new (GATEWAY_MAX_PIPES / n_workers,
                              GATEWAY_PIPE_SIZE);
  if (!gw->pipes)
    fatalx (_("out of memory"));
  gw->auth = authworker_new (gw->loop, shared, GATEWAY_AUTH_THREADS);
  if (!gw->auth)
    fatal (_("cannot start the authentication threads"));
  loop_timer_init (&gw->drain_timer, drain_expired, gw);
  fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0 || loop_watch_add (gw->loop, &gw->mailbox, fd, EPOLLIN,
                                mailbox_event, gw) < 0)
    fatal (_("cannot create the event loop"));
  if (listener_start (gw, shared->listeners) < 0)
    fatal (_("cannot watch the listening sockets"));
  return gw;
}

static void *
worker_main (void *data)
{
  struct gateway *gw = data;
  uint64_t one = 1;
  if (loop_run (gw->loop) < 0)
    log_warn (_("worker %u: event loop failed"), gw->id);
  session_close_all (gw, "shutdown");
  listener_stop (gw);
  authworker_free (gw->auth);
  resolver_free (gw->resolver);
  loop_flush (gw->loop);
  relay_pool_free (gw->pipes);
  if (write (gw->shared->done_fd, &one, sizeof one) < 0)
    log_warn (_("worker %u: cannot report its end"), gw->id);
  return NULL;
}

void
gateway_worker_start (struct gateway *gw, int cpu)
{
  pthread_attr_t attr;
  char name[16];
  int err = pthread_attr_init (&attr);
  if (!err && cpu >= 0)
    {
      cpu_set_t set;
      CPU_ZERO (&set);
      CPU_SET (cpu, &set);
      err = pthread_attr_setaffinity_np (&attr, sizeof set, &set);
    }
  if (!err)
    err = pthread_create (&gw->thread, &attr, worker_main, gw);
  pthread_attr_destroy (&attr);
  if (err)
    {
      errno = err;
      fatal (_("cannot start worker %u"), gw->id);
    }
  /* For top -H and ps -L; a failure only loses the name.  */
  snprintf (name, sizeof name, "socks6d/w%u", gw->id);
  pthread_setname_np (gw->thread, name);
}

void
gateway_worker_join (struct gateway *gw)
{
  pthread_join (gw->thread, NULL);
  close (gw->mailbox.fd);
  loop_free (gw->loop);
  free (gw);
}
