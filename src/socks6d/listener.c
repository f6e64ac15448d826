/* Listening sockets of socks6d.  They are opened before privileges are
   dropped and before the process becomes a daemon, so that a port that
   cannot be bound is reported on the terminal with a non-zero exit.

   When the process runs out of file descriptors, accept fails at once
   again and again with a connection still pending: a worker then stops
   accepting for a second (the way relayd does) instead of spinning, and
   the pending connections wait in the kernel's backlog.

   The sockets are shared by the workers rather than opened once per
   worker with SO_REUSEPORT: with SO_REUSEPORT a second socks6d started
   by mistake on the same port would silently share it instead of
   failing.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "listener.h"

#include <errno.h>
#include <error.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errcode.h"
#include "i18n.h"
#include "log.h"
#include "session.h"

/* Connections taken per readiness event, so that one busy listener does
   not starve the sessions.  */
#define LISTENER_ACCEPT_BATCH 64
#define LISTENER_PAUSE_MS 1000
#define LISTENER_BACKLOG 4096

/* A listening socket, shared by the workers.  */
struct listener
{
  int li_fd;
  struct socks6_addr li_addr;
  struct listener *li_next;
};

/* One worker's watch on one listener.  */
struct listener_watch
{
  struct loop_watch lw_watch;
  struct listener *lw_listener;
  struct gateway *lw_gw;
  struct loop_timer lw_pause;
  struct listener_watch *lw_next;
};

/* TCP_DEFER_ACCEPT: a client is handed over only once it has sent
   something (SOCKS clients speak first), so the first wake-up already
   finds the greeting, often with the request, and a connection that
   says nothing waits in the kernel, not in a session, for up to
   DEFER_SECONDS before it is passed on anyway.  */
static int
open_one (const struct socks6_addr *addr, int defer_seconds)
{
  union socks6_sockaddr sa;
  socklen_t len;
  int one = 1, fd;

  if (socks6_addr_to_sockaddr (addr, &sa, &len) != SOCKS6_OK)
    {
      errno = EAFNOSUPPORT;
      return -1;
    }
  fd = socket (sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
               0);
  if (fd < 0)
    return -1;
  /* V6ONLY: [::]:1080 and 0.0.0.0:1080 may then both be configured.
     TCP_NODELAY is inherited by every accepted socket, which saves a
     system call per session.  */
  if (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      || setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0
      || (sa.sa.sa_family == AF_INET6
          && setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0)
      || setsockopt (fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds,
                     sizeof defer_seconds) < 0
      || bind (fd, &sa.sa, len) < 0 || listen (fd, LISTENER_BACKLOG) < 0)
    {
      int saved = errno;
      close (fd);
      errno = saved;
      return -1;
    }
  return fd;
}

int
listener_open_all (const struct config *config, struct listener **list)
{
  for (size_t i = 0; i < config->n_listen; i++)
    {
      char text[SOCKS6_ADDR_TEXT_MAX];
      struct listener *l = calloc (1, sizeof *l);
      if (!l)
        {
          error (0, errno, _("cannot listen"));
          return -1;
        }
      l->li_addr = config->listen[i];
      l->li_fd = open_one (&l->li_addr,
                           (int) (config->handshake_timeout_ms / 1000) + 1);
      if (l->li_fd < 0)
        {
          int saved = errno;
          socks6_addr_format (&l->li_addr, true, text, sizeof text);
          free (l);
          error (0, saved, _("cannot listen on %s"), text);
          return -1;
        }
      l->li_next = *list;
      *list = l;
    }
  return 0;
}

static void listener_event (struct loop_watch *watch, uint32_t events);

/* EPOLLEXCLUSIVE: with several workers, one is woken per new client, not
   all of them (it cannot be changed by EPOLL_CTL_MOD: pausing removes the
   watch and resuming adds it again).  */
static int
watch_add (struct listener_watch *w)
{
  return loop_watch_add (w->lw_gw->loop, &w->lw_watch,
                         w->lw_listener->li_fd, EPOLLIN | EPOLLEXCLUSIVE,
                         listener_event, w);
}

static void
resume (struct loop_timer *timer)
{
  struct listener_watch *w = timer->data;
  if (w->lw_gw->draining)
    return;
  if (watch_add (w) < 0)
    loop_timer_arm (w->lw_gw->loop, &w->lw_pause, LISTENER_PAUSE_MS);
}

static void
pause_accepting (struct listener_watch *w, int err)
{
  char text[SOCKS6_ADDR_TEXT_MAX];
  socks6_addr_format (&w->lw_listener->li_addr, true, text, sizeof text);
  errno = err;
  log_warn (_("accept on %s failed; pausing for a second"), text);
  loop_watch_remove (w->lw_gw->loop, &w->lw_watch);
  loop_timer_arm (w->lw_gw->loop, &w->lw_pause, LISTENER_PAUSE_MS);
}

static void
listener_event (struct loop_watch *watch, uint32_t events)
{
  struct listener_watch *w = watch->data;
  (void) events;
  for (int i = 0; i < LISTENER_ACCEPT_BATCH && !w->lw_gw->draining; i++)
    {
      union socks6_sockaddr sa;
      socklen_t len = sizeof sa;
      struct socks6_addr client;
      int fd = accept4 (watch->fd, &sa.sa, &len,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        {
          int err = errno;
          if (err == EINTR || err == ECONNABORTED || err == EPROTO
              || err == EPERM)
            continue;
          if (err == EMFILE || err == ENFILE || err == ENOBUFS
              || err == ENOMEM)
            pause_accepting (w, err);
          else if (err == EINVAL)
            /* Shut down for the drain.  */
            loop_watch_remove (w->lw_gw->loop, watch);
          return;
        }
      if (socks6_addr_from_sockaddr (&client, &sa.sa, len) != SOCKS6_OK)
        {
          close (fd);
          continue;
        }
      session_accept (w->lw_gw, fd, &client);
    }
}

int
listener_start (struct gateway *gw, struct listener *list)
{
  for (struct listener *l = list; l; l = l->li_next)
    {
      struct listener_watch *w = calloc (1, sizeof *w);
      if (!w)
        return -1;
      w->lw_listener = l;
      w->lw_gw = gw;
      w->lw_watch.fd = -1;
      loop_timer_init (&w->lw_pause, resume, w);
      w->lw_next = gw->listeners;
      gw->listeners = w;
      if (watch_add (w) < 0)
        return -1;
    }
  return 0;
}

void
listener_stop (struct gateway *gw)
{
  while (gw->listeners)
    {
      struct listener_watch *w = gw->listeners;
      gw->listeners = w->lw_next;
      loop_watch_remove (gw->loop, &w->lw_watch);
      loop_timer_cancel (gw->loop, &w->lw_pause);
      free (w);
    }
}

void
listener_shutdown_all (struct listener *list)
{
  for (struct listener *l = list; l; l = l->li_next)
    shutdown (l->li_fd, SHUT_RD);
}

void
listener_close_all (struct listener **list)
{
  while (*list)
    {
      struct listener *l = *list;
      *list = l->li_next;
      close (l->li_fd);
      free (l);
    }
}
