/* Direct connections for CONNECT, with RFC 8305 Happy Eyeballs.

   The addresses are put in the order the policy asks for once, up front:
   happy-eyeballs interleaves the families, IPv6 first; prefer-ipv6 and
   prefer-ipv4 put one family wholly before the other; the -only policies
   drop the other family.  Then attempts start in that order.  With
   happy-eyeballs the next attempt starts when the delay expires or at
   once when an attempt fails, several may be in flight, and the first to
   connect wins; with the others an attempt starts only when the previous
   one failed.  The session's own timer bounds the whole.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "connector.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECTOR_MAX_ADDRS 16

struct connector_attempt
{
  struct loop_watch watch;
  struct connector *connector;
  size_t index;                 /* into addrs */
};

struct connector
{
  struct loop *loop;
  struct socks6_addr addrs[CONNECTOR_MAX_ADDRS];
  size_t n;
  size_t next;                  /* next address to try */
  struct connector_attempt attempts[CONNECTOR_MAX_ADDRS];
  size_t active;                /* attempts in flight */
  bool racing;
  unsigned int delay_ms;
  struct loop_timer timer;
  int err;                      /* most telling failure so far */
  size_t err_index;             /* the address that failed so */
  connector_fn fn;
  void *arg;
  bool finished;                /* result decided, delivery pending */
  bool delivered;               /* the caller has the result */
  bool cancelled;
  int result_fd;
  size_t result_index;
  struct loop_deferred later;
};

static bool
family_ok (enum resolve_policy policy, enum socks6_addr_type type)
{
  if (policy == RESOLVE_IPV4_ONLY)
    return type == SOCKS6_ADDR_IPV4;
  if (policy == RESOLVE_IPV6_ONLY)
    return type == SOCKS6_ADDR_IPV6;
  return type == SOCKS6_ADDR_IPV4 || type == SOCKS6_ADDR_IPV6;
}

/* Copy ADDRS into C in the order POLICY asks for.  */
static void
order_addresses (struct connector *c, const struct socks6_addr *addrs,
                 size_t n, uint16_t port, enum resolve_policy policy)
{
  enum socks6_addr_type first = policy == RESOLVE_PREFER_IPV4
    ? SOCKS6_ADDR_IPV4 : SOCKS6_ADDR_IPV6;
  const struct socks6_addr *a[CONNECTOR_MAX_ADDRS], *b[CONNECTOR_MAX_ADDRS];
  size_t na = 0, nb = 0, ia = 0, ib = 0;

  for (size_t i = 0; i < n; i++)
    if (family_ok (policy, addrs[i].type) && na + nb < CONNECTOR_MAX_ADDRS)
      {
        if (addrs[i].type == first)
          a[na++] = &addrs[i];
        else
          b[nb++] = &addrs[i];
      }
  c->n = 0;
  while (ia < na || ib < nb)
    {
      bool take_a = ia < na && (policy != RESOLVE_HAPPY_EYEBALLS
                                ? true : ib >= nb || ia <= ib);
      const struct socks6_addr *pick = take_a ? a[ia++] : b[ib++];
      c->addrs[c->n] = *pick;
      c->addrs[c->n].port = port;
      c->n++;
    }
}

/* Hand the decided result to the caller, once.  */
static void
report (struct connector *c)
{
  c->delivered = true;
  c->fn (c->arg, c->result_fd, c->err,
         &c->addrs[c->result_fd >= 0 ? c->result_index : c->err_index]);
}

static void
deliver (struct loop_deferred *d)
{
  struct connector *c = d->data;
  if (c->delivered)
    ;                           /* by connector_flush: the fd is theirs */
  else if (c->cancelled)
    {
      if (c->result_fd >= 0)
        close (c->result_fd);
    }
  else
    report (c);
  free (c);
}

void
connector_flush (struct connector *c)
{
  /* The deferred delivery stays queued, and then only frees C.  */
  if (c->finished && !c->cancelled && !c->delivered)
    report (c);
}

static void
close_attempts (struct connector *c)
{
  for (size_t i = 0; i < CONNECTOR_MAX_ADDRS; i++)
    if (c->attempts[i].watch.fd >= 0)
      {
        int fd = c->attempts[i].watch.fd;
        loop_watch_remove (c->loop, &c->attempts[i].watch);
        close (fd);
      }
  c->active = 0;
  loop_timer_cancel (c->loop, &c->timer);
}

/* Decide the result (FD >= 0 connected to address INDEX, or failure) and
   deliver it from deferred work, where no event of this batch can still
   refer to C.  */
static void
finish (struct connector *c, int fd, size_t index)
{
  c->finished = true;
  c->result_fd = fd;
  c->result_index = index;
  close_attempts (c);
  loop_defer_free (c->loop, &c->later, deliver, c);
}

static void
note_error (struct connector *c, int err, size_t index)
{
  /* A refusal proves the host is there: it says more than a timeout or
     an unreachable route of another address.  */
  if (c->err != ECONNREFUSED)
    {
      c->err = err;
      c->err_index = index;
    }
}

static void start_next (struct connector *c);

/* On loopback, and often on a LAN, the handshake is over by the time
   connect returns EINPROGRESS: finding it out now saves a turn of the
   loop for every session.  */
static bool
connected_now (int fd)
{
  struct pollfd p = { .fd = fd, .events = POLLOUT };
  int saved = errno;
  /* Writable without error or hang-up: connected.  */
  bool ok = saved == EINPROGRESS && poll (&p, 1, 0) == 1
    && !(p.revents & (POLLERR | POLLHUP));
  errno = saved;
  return ok;
}

static void
attempt_event (struct loop_watch *watch, uint32_t events)
{
  struct connector_attempt *at = watch->data;
  struct connector *c = at->connector;
  int fd = watch->fd, err = 0;
  socklen_t len = sizeof err;
  (void) events;

  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    err = errno;
  if (err == 0)
    {
      loop_watch_remove (c->loop, watch);
      c->active--;
      finish (c, fd, at->index);
      return;
    }
  loop_watch_remove (c->loop, watch);
  close (fd);
  c->active--;
  note_error (c, err, at->index);
  start_next (c);
}

static void
timer_fired (struct loop_timer *timer)
{
  start_next (timer->data);
}

/* Start attempts until one is in flight (or, with racing, one more is),
   or report failure when every address was tried.  */
static void
start_next (struct connector *c)
{
  while (c->next < c->n)
    {
      size_t i = c->next++;
      union socks6_sockaddr sa;
      socklen_t salen;
      int fd;

      socks6_addr_to_sockaddr (&c->addrs[i], &sa, &salen);
      fd = socket (sa.sa.sa_family,
                   SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0)
        {
          note_error (c, errno, i);
          continue;
        }
      if (connect (fd, &sa.sa, salen) == 0 || connected_now (fd))
        {
          finish (c, fd, i);
          return;
        }
      if (errno != EINPROGRESS
          || loop_watch_add (c->loop, &c->attempts[i].watch, fd,
                             EPOLLOUT | EPOLLET, attempt_event,
                             &c->attempts[i]) < 0)
        {
          note_error (c, errno, i);
          close (fd);
          continue;
        }
      c->active++;
      if (c->racing && c->next < c->n)
        loop_timer_arm (c->loop, &c->timer, c->delay_ms);
      return;
    }
  if (c->active == 0)
    finish (c, -1, 0);
}

struct connector *
connector_start (struct loop *loop, const struct socks6_addr *addrs,
                 size_t n, uint16_t port, enum resolve_policy policy,
                 unsigned int delay_ms, connector_fn fn, void *arg)
{
  struct connector *c = calloc (1, sizeof *c);
  if (!c)
    return NULL;
  order_addresses (c, addrs, n, port, policy);
  if (c->n == 0)
    {
      free (c);
      errno = EAFNOSUPPORT;
      return NULL;
    }
  c->loop = loop;
  c->racing = policy == RESOLVE_HAPPY_EYEBALLS;
  c->delay_ms = delay_ms;
  c->fn = fn;
  c->arg = arg;
  c->err = EHOSTUNREACH;
  c->result_fd = -1;
  for (size_t i = 0; i < CONNECTOR_MAX_ADDRS; i++)
    {
      c->attempts[i].watch.fd = -1;
      c->attempts[i].connector = c;
      c->attempts[i].index = i;
    }
  loop_timer_init (&c->timer, timer_fired, c);
  start_next (c);
  return c;
}

const struct socks6_addr *
connector_last_tried (const struct connector *c)
{
  return &c->addrs[c->next > 0 ? c->next - 1 : 0];
}

void
connector_cancel (struct connector *c)
{
  if (!c)
    return;
  c->cancelled = true;
  if (!c->finished)
    finish (c, -1, 0);
}
