/* BIND for socks6d: choosing where to listen, listening, and waiting for
   the one peer a BIND request announces.

   The point of BIND through an IPv6/IPv4 gateway (RFC 3089 section 5.1)
   is that the peer may be of the other family than the client: an IPv4
   client of an FTP server reached over IPv6 needs the gateway to listen
   on IPv6.  So the family of the listening socket is the family of the
   peer the request names, never the client's, and the address listened
   on is one the peer can reach: where the gateway's route toward that
   peer leaves from, unless the administrator said otherwise.

   A peer from an address other than the announced one ends the wait with
   a failure: accepting it would hand the client a connection from a
   stranger, and waiting on after it would let the stranger probe the
   port for as long as it likes.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "bind.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errcode.h"

struct bind_wait
{
  struct loop *bw_loop;
  struct loop_watch bw_watch;           /* the listening socket */
  struct loop_timer bw_timer;
  struct socks6_addr bw_expected[BIND_MAX_EXPECTED];
  size_t bw_n_expected;
  bind_fn bw_fn;
  void *bw_arg;
  struct loop_deferred bw_free;         /* an event for the closed socket
                                           may still be in this batch */
};

static const unsigned char bind_v4mapped[12] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

void
bind_address_unmap (struct socks6_addr *a)
{
  unsigned char v4[4];

  if (a->type != SOCKS6_ADDR_IPV6
      || memcmp (a->u.ipv6, bind_v4mapped, 12) != 0)
    return;
  memcpy (v4, a->u.ipv6 + 12, 4);
  memset (&a->u, 0, sizeof a->u);
  memcpy (a->u.ipv4, v4, 4);
  a->type = SOCKS6_ADDR_IPV4;
  a->scope_id = 0;
}

/* The source address of the route toward TO, by connecting a UDP socket
   (no packet leaves).  Return true and fill *OUT (port 0).  */
static bool
route_source (const struct socks6_addr *to, struct socks6_addr *out)
{
  union socks6_sockaddr sa, local;
  socklen_t len, local_len = sizeof local;
  struct socks6_addr dst = *to;
  bool ok = false;
  int fd;

  if (dst.port == 0)
    dst.port = 9;               /* discard; connect(2) wants a port */
  if (socks6_addr_to_sockaddr (&dst, &sa, &len) != SOCKS6_OK)
    return false;
  fd = socket (sa.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  if (connect (fd, &sa.sa, len) == 0
      && getsockname (fd, &local.sa, &local_len) == 0
      && socks6_addr_from_sockaddr (out, &local.sa, local_len) == SOCKS6_OK
      && !socks6_addr_is_unspecified (out))
    {
      out->port = 0;
      ok = true;
    }
  close (fd);
  return ok;
}

static void
set_loopback (enum socks6_addr_type family, struct socks6_addr *out)
{
  memset (out, 0, sizeof *out);
  out->type = family;
  if (family == SOCKS6_ADDR_IPV4)
    {
      out->u.ipv4[0] = 127;
      out->u.ipv4[3] = 1;
    }
  else
    out->u.ipv6[15] = 1;
}

void
bind_local_address (enum socks6_addr_type family,
                    const struct socks6_addr *configured,
                    size_t n_configured, const struct socks6_addr *toward,
                    const struct socks6_addr *client_local,
                    struct socks6_addr *out)
{
  struct socks6_addr local = *client_local, def;

  bind_address_unmap (&local);
  for (size_t i = 0; i < n_configured; i++)
    if (configured[i].type == family)
      {
        *out = configured[i];
        out->port = 0;
        return;
      }
  if (toward && toward->type == family && !socks6_addr_is_unspecified (toward)
      && route_source (toward, out))
    return;
  if (local.type == family)
    {
      *out = local;
      out->port = 0;
      return;
    }
  if (socks6_addr_is_loopback (&local))
    {
      set_loopback (family, out);
      return;
    }
  /* Documentation addresses (RFC 5737, RFC 3849): any address that
     follows the default route will do, and these reach no one.  */
  socks6_addr_parse_literal (&def, family == SOCKS6_ADDR_IPV4
                             ? "192.0.2.1" : "2001:db8::1", 0);
  if (route_source (&def, out))
    return;
  memset (out, 0, sizeof *out);
  out->type = family;
}

static bool
expected_peer (const struct bind_wait *w, const struct socks6_addr *peer)
{
  if (w->bw_n_expected == 0)
    return true;
  for (size_t i = 0; i < w->bw_n_expected; i++)
    {
      const struct socks6_addr *e = &w->bw_expected[i];
      if (e->type == peer->type
          && memcmp (e->u.ipv6, peer->u.ipv6,
                     e->type == SOCKS6_ADDR_IPV4 ? 4 : 16) == 0)
        return true;
    }
  return false;
}

static void
bind_free (struct loop_deferred *d)
{
  free (d->data);
}

/* The end of the wait: tell the owner, then free.  */
static void
bind_finish (struct bind_wait *w, int fd, int err,
             const struct socks6_addr *peer)
{
  loop_timer_cancel (w->bw_loop, &w->bw_timer);
  loop_watch_close (&w->bw_watch);
  w->bw_fn (w->bw_arg, fd, err, peer);
  loop_defer_free (w->bw_loop, &w->bw_free, bind_free, w);
}

static void
bind_event (struct loop_watch *watch, uint32_t events)
{
  struct bind_wait *w = watch->data;
  union socks6_sockaddr sa;
  socklen_t len = sizeof sa;
  struct socks6_addr peer;
  int fd;

  (void) events;
  if (watch->fd < 0)
    return;
  fd = accept4 (watch->fd, &sa.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0)
    {
      if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
        return;
      bind_finish (w, -1, errno, NULL);
      return;
    }
  if (socks6_addr_from_sockaddr (&peer, &sa.sa, len) != SOCKS6_OK)
    {
      close (fd);
      return;
    }
  bind_address_unmap (&peer);
  if (!expected_peer (w, &peer))
    {
      close (fd);
      bind_finish (w, -1, EACCES, &peer);
      return;
    }
  bind_finish (w, fd, 0, &peer);
}

static void
bind_timeout (struct loop_timer *timer)
{
  bind_finish (timer->data, -1, ETIMEDOUT, NULL);
}

/* A non-blocking listening socket on LOCAL, or -1 with errno set.  */
static int
listen_on (const struct socks6_addr *local, struct socks6_addr *bound)
{
  union socks6_sockaddr sa;
  socklen_t len;
  int fd, one = 1, saved;

  if (socks6_addr_to_sockaddr (local, &sa, &len) != SOCKS6_OK)
    {
      errno = EAFNOSUPPORT;
      return -1;
    }
  fd = socket (sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
               0);
  if (fd < 0)
    return -1;
  /* An IPv6 BIND is for an IPv6 peer: never take an IPv4 one on a
     dual-stack wildcard.  */
  if (sa.sa.sa_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  len = local->type == SOCKS6_ADDR_IPV4 ? sizeof sa.sin : sizeof sa.sin6;
  if (bind (fd, &sa.sa, len) < 0 || listen (fd, 1) < 0)
    goto fail;
  len = sizeof sa;
  if (getsockname (fd, &sa.sa, &len) < 0
      || socks6_addr_from_sockaddr (bound, &sa.sa, len) != SOCKS6_OK)
    goto fail;
  return fd;
fail:
  saved = errno;
  close (fd);
  errno = saved;
  return -1;
}

struct bind_wait *
bind_start (struct loop *loop, const struct socks6_addr *local,
            const struct socks6_addr *expected, size_t n_expected,
            unsigned int timeout_ms, struct socks6_addr *bound,
            bind_fn fn, void *arg)
{
  struct bind_wait *w = calloc (1, sizeof *w);
  int fd;

  if (!w)
    return NULL;
  fd = listen_on (local, bound);
  if (fd < 0)
    {
      free (w);
      return NULL;
    }
  w->bw_loop = loop;
  w->bw_fn = fn;
  w->bw_arg = arg;
  if (n_expected > BIND_MAX_EXPECTED)
    n_expected = BIND_MAX_EXPECTED;
  for (size_t i = 0; i < n_expected; i++)
    {
      w->bw_expected[i] = expected[i];
      bind_address_unmap (&w->bw_expected[i]);
    }
  w->bw_n_expected = n_expected;
  loop_timer_init (&w->bw_timer, bind_timeout, w);
  if (loop_watch_add (loop, &w->bw_watch, fd, EPOLLIN, bind_event, w) < 0
      || loop_timer_arm (loop, &w->bw_timer, timeout_ms) < 0)
    {
      int saved = errno;
      loop_watch_remove (loop, &w->bw_watch);
      close (fd);
      free (w);
      errno = saved;
      return NULL;
    }
  return w;
}

void
bind_cancel (struct bind_wait *w)
{
  if (!w)
    return;
  loop_timer_cancel (w->bw_loop, &w->bw_timer);
  loop_watch_close (&w->bw_watch);
  loop_defer_free (w->bw_loop, &w->bw_free, bind_free, w);
}
