/* UDP ASSOCIATE for socks6d: the relay of one association.

   The client's side is one UDP socket in the client's family, bound on
   the address the client reached the gateway at, so that the client
   sends its datagrams where it already knows a route to.  Only datagrams
   from the client's address are taken: from the address and port the
   request announced when it announced them, otherwise from the client's
   TCP address, locking onto the port of the first datagram.  Everything
   else is dropped, as RFC 1928 section 7 asks.

   The world's side is one unconnected socket per family, opened when the
   first datagram for that family comes: an IPv4 client reaching an IPv6
   destination is the point of the gateway (RFC 3089 section 5.1).
   Datagrams coming back are taken only from a destination the client
   has sent to and the rules allowed, and go to the client with the
   header naming their real source.

   A destination given by name is resolved with the session's resolver,
   never blocking the loop; datagrams for a name being looked up wait in
   a short queue, and the answer is kept for the association (refreshed
   after a while), so a stream of datagrams costs one lookup.  The rules
   are asked once per destination and their answer kept with it.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "udp.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bind.h"
#include "errcode.h"
#include "i18n.h"
#include "log.h"
#include "resolver.h"
#include "socks5.h"

#define UDP_MAX_NAMES 16        /* names cached per association */
#define UDP_NAME_ADDRS 4        /* addresses kept per name */
#define UDP_NAME_TTL_MS (5 * 60 * 1000)
#define UDP_NAME_RETRY_MS (10 * 1000)   /* after a failed lookup */
#define UDP_MAX_DESTS 64        /* destinations remembered, with rules */
#define UDP_QUEUE_MAX 32        /* datagrams waiting for names */
#define UDP_QUEUE_BYTES (256 * 1024)
#define UDP_BATCH 64            /* datagrams read per event */
/* Room for the largest header in front of the largest datagram.  */
#define UDP_BUF_SIZE (SOCKS5_UDP_HEADER_MAX + 65536)

enum udp_name_state
{
  UDP_NAME_FREE,
  UDP_NAME_PENDING,
  UDP_NAME_OK,
  UDP_NAME_FAILED
};

struct udp_name
{
  struct udp_assoc *un_assoc;
  enum udp_name_state un_state;
  struct socks6_addr un_name;           /* port 0 */
  struct socks6_addr un_addrs[UDP_NAME_ADDRS];  /* preferred first */
  size_t un_n;
  struct resolver_query *un_query;
  uint64_t un_since_ms;                 /* answer or failure time */
};

/* A datagram for a name being looked up.  */
struct udp_queued
{
  struct udp_queued *uq_next;
  struct udp_name *uq_name;
  uint16_t uq_port;
  size_t uq_len;
  uint8_t uq_data[];
};

/* A destination the client sent to, and whether the rules allow it.  */
struct udp_dest
{
  bool ud_used;
  bool ud_allowed;
  struct socks6_addr ud_requested;      /* as in the header, with port */
  struct socks6_addr ud_target;         /* the address used, with port */
};

/* A token bucket, in thousandths of a datagram.  */
struct udp_bucket
{
  uint64_t ub_milli;
  uint64_t ub_last_ms;
};

struct udp_assoc
{
  struct udp_assoc_params ua_p;
  struct socks6_addr ua_client;         /* the one source accepted */
  bool ua_port_locked;
  struct loop_watch ua_relay;           /* facing the client */
  struct loop_watch ua_out[2];          /* IPv4, IPv6; fd -1 until used */
  struct udp_name ua_names[UDP_MAX_NAMES];
  struct udp_dest ua_dests[UDP_MAX_DESTS];
  size_t ua_next_dest;                  /* next slot to recycle */
  struct udp_queued *ua_queue;
  size_t ua_queued, ua_queued_bytes;
  struct udp_bucket ua_up_bucket, ua_down_bucket;
  struct loop_timer ua_timer;
  uint64_t ua_last_ms;                  /* last datagram relayed */
  uint64_t ua_up, ua_down, ua_dropped;
  udp_end_fn ua_fn;
  void *ua_arg;
  struct loop_deferred ua_free;
};

/* One datagram at a time per worker thread, so one buffer per thread.  */
static _Thread_local uint8_t udp_buf[UDP_BUF_SIZE];

/* WHY is marked with N_ by the callers and translated only here, when
   it is written.  */
static void
udp_drop (struct udp_assoc *u, const char *why)
{
  u->ua_dropped++;
  if (log_verbosity () > 0)
    log_debug (_("session %llu: UDP datagram dropped: %s"),
               u->ua_p.session_id, _(why));
}

static uint64_t
udp_now (const struct udp_assoc *u)
{
  return loop_now (u->ua_p.loop);
}

/* Whether the limit of RATE datagrams a second lets one more through;
   a second's worth may come in a burst.  */
static bool
bucket_take (struct udp_bucket *b, unsigned int rate, uint64_t now)
{
  uint64_t cap = (uint64_t) rate * 1000;

  if (rate == 0)
    return true;
  b->ub_milli += (now - b->ub_last_ms) * rate;
  if (b->ub_milli > cap)
    b->ub_milli = cap;
  b->ub_last_ms = now;
  if (b->ub_milli < 1000)
    return false;
  b->ub_milli -= 1000;
  return true;
}

static int
family_index (enum socks6_addr_type type)
{
  return type == SOCKS6_ADDR_IPV4 ? 0 : 1;
}

static void out_event (struct loop_watch *watch, uint32_t events);

/* The world's socket for TYPE, opened on first use, on the configured
   bind-address of that family if any.  -1 when it cannot be opened.  */
static int
out_socket (struct udp_assoc *u, enum socks6_addr_type type)
{
  struct loop_watch *w = &u->ua_out[family_index (type)];
  const struct config *c = u->ua_p.config;
  struct socks6_addr local;
  union socks6_sockaddr sa;
  socklen_t len;
  int fd, one = 1;

  if (w->fd >= 0)
    return w->fd;
  memset (&local, 0, sizeof local);
  local.type = type;
  for (size_t i = 0; i < 2; i++)
    if (c->bind_addresses[i].type == type)
      local = c->bind_addresses[i];
  local.port = 0;
  if (socks6_addr_to_sockaddr (&local, &sa, &len) != SOCKS6_OK)
    return -1;
  fd = socket (sa.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (type == SOCKS6_ADDR_IPV6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind (fd, &sa.sa, len) < 0
      || loop_watch_add (u->ua_p.loop, w, fd, EPOLLIN, out_event, u) < 0)
    {
      close (fd);
      w->fd = -1;
      return -1;
    }
  return fd;
}

static bool
dest_decide (const struct udp_assoc *u, const struct socks6_addr *requested,
             const struct socks6_addr *target)
{
  const struct udp_assoc_params *p = &u->ua_p;

  if (requested->type == SOCKS6_ADDR_NAME)
    return config_request_allowed_resolved (p->config, p->client, p->user,
                                            SOCKS5_CMD_UDP_ASSOCIATE,
                                            requested, target);
  return config_request_allowed (p->config, p->client, p->user,
                                 SOCKS5_CMD_UDP_ASSOCIATE, target);
}

/* The remembered destination for REQUESTED reaching TARGET, added (the
   rules asked) when new.  */
static const struct udp_dest *
dest_get (struct udp_assoc *u, const struct socks6_addr *requested,
          const struct socks6_addr *target)
{
  struct udp_dest *d;

  for (size_t i = 0; i < UDP_MAX_DESTS; i++)
    {
      d = &u->ua_dests[i];
      if (!d->ud_used)
        break;
      if (socks6_addr_equal (&d->ud_target, target)
          && socks6_addr_equal (&d->ud_requested, requested))
        return d;
    }
  d = &u->ua_dests[u->ua_next_dest];
  u->ua_next_dest = (u->ua_next_dest + 1) % UDP_MAX_DESTS;
  d->ud_used = true;
  d->ud_requested = *requested;
  d->ud_target = *target;
  d->ud_allowed = dest_decide (u, requested, target);
  if (!d->ud_allowed && log_verbosity () > 0)
    {
      char text[SOCKS6_ADDR_TEXT_MAX];
      socks6_addr_format (requested, true, text, sizeof text);
      log_debug (_("session %llu: UDP to %s denied by the rules"),
                 u->ua_p.session_id, text);
    }
  return d;
}

/* Whether a datagram from FROM answers a destination the client reached.  */
static bool
dest_known (const struct udp_assoc *u, const struct socks6_addr *from)
{
  for (size_t i = 0; i < UDP_MAX_DESTS && u->ua_dests[i].ud_used; i++)
    if (u->ua_dests[i].ud_allowed
        && socks6_addr_equal (&u->ua_dests[i].ud_target, from))
      return true;
  return false;
}

/* Send LEN octets of DATA to TARGET for a header that said REQUESTED.  */
static void
send_out (struct udp_assoc *u, const struct socks6_addr *requested,
          const struct socks6_addr *target, const uint8_t *data, size_t len)
{
  union socks6_sockaddr sa;
  socklen_t salen;
  int fd;

  if (!dest_get (u, requested, target)->ud_allowed)
    {
      udp_drop (u, N_("denied by the rules"));
      return;
    }
  fd = out_socket (u, target->type);
  if (fd < 0 || socks6_addr_to_sockaddr (target, &sa, &salen) != SOCKS6_OK)
    {
      udp_drop (u, N_("no socket for the destination's family"));
      return;
    }
  if (sendto (fd, data, len, MSG_NOSIGNAL, &sa.sa, salen) < 0)
    {
      udp_drop (u, N_("send failed"));
      return;
    }
  u->ua_up += len;
  u->ua_last_ms = udp_now (u);
}

/* Send a queued or fresh datagram for the resolved name E.  */
static void
send_to_name (struct udp_assoc *u, struct udp_name *e, uint16_t port,
              const uint8_t *data, size_t len)
{
  struct socks6_addr requested = e->un_name, target;

  if (e->un_state != UDP_NAME_OK)
    {
      udp_drop (u, N_("name not found"));
      return;
    }
  requested.port = port;
  target = e->un_addrs[0];
  /* A family this host cannot send from: the next address.  */
  for (size_t i = 0; i < e->un_n; i++)
    if (out_socket (u, e->un_addrs[i].type) >= 0)
      {
        target = e->un_addrs[i];
        break;
      }
  target.port = port;
  send_out (u, &requested, &target, data, len);
}

static void
queue_flush (struct udp_assoc *u, struct udp_name *e)
{
  struct udp_queued **p = &u->ua_queue;

  while (*p)
    {
      struct udp_queued *q = *p;
      if (q->uq_name != e)
        {
          p = &q->uq_next;
          continue;
        }
      *p = q->uq_next;
      u->ua_queued--;
      u->ua_queued_bytes -= q->uq_len;
      send_to_name (u, e, q->uq_port, q->uq_data, q->uq_len);
      free (q);
    }
}

static void
queue_push (struct udp_assoc *u, struct udp_name *e, uint16_t port,
            const uint8_t *data, size_t len)
{
  struct udp_queued *q, **p;

  if (u->ua_queued >= UDP_QUEUE_MAX
      || u->ua_queued_bytes + len > UDP_QUEUE_BYTES
      || !(q = malloc (sizeof *q + len)))
    {
      udp_drop (u, N_("too many datagrams wait for names"));
      return;
    }
  q->uq_next = NULL;
  q->uq_name = e;
  q->uq_port = port;
  q->uq_len = len;
  memcpy (q->uq_data, data, len);
  for (p = &u->ua_queue; *p; p = &(*p)->uq_next)
    ;
  *p = q;
  u->ua_queued++;
  u->ua_queued_bytes += len;
}

/* Put the addresses the policy prefers first.  */
static void
name_store (struct udp_name *e, enum resolve_policy policy,
            const struct socks6_addr *addrs, size_t n)
{
  enum socks6_addr_type want = policy == RESOLVE_PREFER_IPV4
    || policy == RESOLVE_IPV4_ONLY ? SOCKS6_ADDR_IPV4 : SOCKS6_ADDR_IPV6;

  e->un_n = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n && e->un_n < UDP_NAME_ADDRS; i++)
      if ((addrs[i].type == want) == (pass == 0))
        e->un_addrs[e->un_n++] = addrs[i];
}

static void
name_resolved (void *arg, int reply, const struct socks6_addr *addrs,
               size_t n)
{
  struct udp_name *e = arg;
  struct udp_assoc *u = e->un_assoc;

  e->un_query = NULL;
  e->un_since_ms = udp_now (u);
  if (reply != 0 || n == 0)
    e->un_state = UDP_NAME_FAILED;
  else
    {
      e->un_state = UDP_NAME_OK;
      name_store (e, u->ua_p.config->resolve_policy, addrs, n);
    }
  queue_flush (u, e);
}

static int
policy_family (enum resolve_policy policy)
{
  return policy == RESOLVE_IPV4_ONLY ? AF_INET
    : policy == RESOLVE_IPV6_ONLY ? AF_INET6 : AF_UNSPEC;
}

/* The cache entry for NAME, or a slot for it: a free one, else the
   least recently answered one not waiting for an answer; NULL when every
   slot waits.  */
static struct udp_name *
name_slot (struct udp_assoc *u, const struct socks6_addr *name)
{
  struct udp_name *oldest = NULL;

  for (size_t i = 0; i < UDP_MAX_NAMES; i++)
    {
      struct udp_name *e = &u->ua_names[i];
      if (e->un_state != UDP_NAME_FREE
          && socks6_addr_equal (&e->un_name, name))
        return e;
    }
  for (size_t i = 0; i < UDP_MAX_NAMES; i++)
    {
      struct udp_name *e = &u->ua_names[i];
      if (e->un_state == UDP_NAME_FREE)
        return e;
      if (e->un_state != UDP_NAME_PENDING
          && (!oldest || e->un_since_ms < oldest->un_since_ms))
        oldest = e;
    }
  if (oldest)
    oldest->un_state = UDP_NAME_FREE;
  return oldest;
}

/* A datagram for the name DST: send it, or queue it behind a lookup.  */
static void
udp_to_name (struct udp_assoc *u, const struct socks6_addr *dst,
             const uint8_t *data, size_t len)
{
  const struct udp_assoc_params *p = &u->ua_p;
  struct socks6_addr key = *dst;
  struct udp_name *e;
  uint64_t now = udp_now (u), age;

  key.port = 0;
  if (!config_request_allowed (p->config, p->client, p->user,
                               SOCKS5_CMD_UDP_ASSOCIATE, dst))
    {
      udp_drop (u, N_("denied by the rules"));
      return;
    }
  if (!(e = name_slot (u, &key)))
    {
      udp_drop (u, N_("too many names being looked up"));
      return;
    }
  age = now - e->un_since_ms;
  if (e->un_state == UDP_NAME_FREE
      || (e->un_state == UDP_NAME_OK && age >= UDP_NAME_TTL_MS)
      || (e->un_state == UDP_NAME_FAILED && age >= UDP_NAME_RETRY_MS))
    {
      e->un_assoc = u;
      e->un_name = key;
      e->un_state = UDP_NAME_PENDING;
      e->un_query = resolver_lookup (p->resolver, key.u.name.text,
                                     policy_family (p->config
                                                    ->resolve_policy),
                                     name_resolved, e);
      if (!e->un_query)
        {
          e->un_state = UDP_NAME_FREE;
          udp_drop (u, N_("out of memory"));
          return;
        }
    }
  if (e->un_state == UDP_NAME_PENDING)
    queue_push (u, e, dst->port, data, len);
  else
    send_to_name (u, e, dst->port, data, len);
}

/* Whether FROM is the client, locking onto its port when not known.  */
static bool
from_client (struct udp_assoc *u, const struct socks6_addr *from)
{
  struct socks6_addr ip = *from;

  if (u->ua_port_locked)
    return socks6_addr_equal (from, &u->ua_client);
  ip.port = u->ua_client.port;
  if (!socks6_addr_equal (&ip, &u->ua_client))
    return false;
  u->ua_client.port = from->port;
  u->ua_port_locked = true;
  return true;
}

static void
client_datagram (struct udp_assoc *u, const struct socks6_addr *from,
                 const uint8_t *buf, size_t len)
{
  const struct config *c = u->ua_p.config;
  struct socks5_udp_header h;
  struct socks6_addr literal;
  size_t used;

  if (!from_client (u, from))
    {
      udp_drop (u, N_("not from the client"));
      return;
    }
  if (socks5_decode_udp_header (buf, len, &h, &used) != SOCKS6_OK)
    {
      udp_drop (u, N_("bad header"));
      return;
    }
  /* RFC 1928 section 7: a server that does not reassemble drops
     fragments.  */
  if (h.frag != 0)
    {
      udp_drop (u, N_("fragment"));
      return;
    }
  if (c->udp_max_size && len - used > c->udp_max_size)
    {
      udp_drop (u, N_("larger than udp-max-size"));
      return;
    }
  if (!bucket_take (&u->ua_up_bucket, c->udp_rate, udp_now (u)))
    {
      udp_drop (u, N_("over udp-rate"));
      return;
    }
  if (h.dst.type == SOCKS6_ADDR_NAME
      && socks6_addr_parse_literal (&literal, h.dst.u.name.text, h.dst.port))
    h.dst = literal;
  if (h.dst.type == SOCKS6_ADDR_NAME)
    udp_to_name (u, &h.dst, buf + used, len - used);
  else
    {
      bind_address_unmap (&h.dst);
      send_out (u, &h.dst, &h.dst, buf + used, len - used);
    }
}

/* A datagram of LEN octets from FROM, at udp_buf + SOCKS5_UDP_HEADER_MAX:
   put the header in front and send it to the client.  */
static void
world_datagram (struct udp_assoc *u, const struct socks6_addr *from,
                size_t len)
{
  const struct config *c = u->ua_p.config;
  uint8_t header[SOCKS5_UDP_HEADER_MAX];
  union socks6_sockaddr sa;
  socklen_t salen;
  ssize_t hlen;
  uint8_t *start;

  if (!u->ua_port_locked || !dest_known (u, from))
    {
      udp_drop (u, N_("not from a destination of the client"));
      return;
    }
  if ((c->udp_max_size && len > c->udp_max_size)
      || !bucket_take (&u->ua_down_bucket, c->udp_rate, udp_now (u)))
    {
      udp_drop (u, N_("over udp-max-size or udp-rate"));
      return;
    }
  hlen = socks5_encode_udp_header (header, sizeof header, 0, from);
  if (hlen < 0
      || socks6_addr_to_sockaddr (&u->ua_client, &sa, &salen) != SOCKS6_OK)
    return;
  start = udp_buf + SOCKS5_UDP_HEADER_MAX - hlen;
  memcpy (start, header, (size_t) hlen);
  if (sendto (u->ua_relay.fd, start, (size_t) hlen + len, MSG_NOSIGNAL,
              &sa.sa, salen) < 0)
    {
      udp_drop (u, N_("send to the client failed"));
      return;
    }
  u->ua_down += len;
  u->ua_last_ms = udp_now (u);
}

/* Read a batch from FD into udp_buf at OFFSET; call FN for each.  The
   watches are level-triggered: what is left comes back next turn.  */
static void
read_batch (struct udp_assoc *u, int fd, size_t offset,
            void (*fn) (struct udp_assoc *, const struct socks6_addr *,
                        size_t))
{
  for (int i = 0; i < UDP_BATCH; i++)
    {
      union socks6_sockaddr sa;
      socklen_t salen = sizeof sa;
      struct socks6_addr from;
      ssize_t n = recvfrom (fd, udp_buf + offset, UDP_BUF_SIZE - offset, 0,
                            &sa.sa, &salen);
      if (n < 0)
        {
          /* ECONNREFUSED and the like: an ICMP error for an earlier
             datagram; UDP forgets it.  */
          if (errno == EAGAIN)
            return;
          continue;
        }
      if (socks6_addr_from_sockaddr (&from, &sa.sa, salen) != SOCKS6_OK)
        continue;
      bind_address_unmap (&from);
      fn (u, &from, (size_t) n);
    }
}

static void
client_datagram_at_0 (struct udp_assoc *u, const struct socks6_addr *from,
                      size_t len)
{
  client_datagram (u, from, udp_buf, len);
}

static void
relay_event (struct loop_watch *watch, uint32_t events)
{
  (void) events;
  if (watch->fd >= 0)
    read_batch (watch->data, watch->fd, 0, client_datagram_at_0);
}

static void
out_event (struct loop_watch *watch, uint32_t events)
{
  (void) events;
  if (watch->fd >= 0)
    read_batch (watch->data, watch->fd, SOCKS5_UDP_HEADER_MAX,
                world_datagram);
}

static void
udp_timeout (struct loop_timer *timer)
{
  struct udp_assoc *u = timer->data;
  unsigned int limit = u->ua_p.config->udp_timeout_ms;
  uint64_t idle = udp_now (u) - u->ua_last_ms;

  if (idle < limit)
    loop_timer_arm (u->ua_p.loop, &u->ua_timer, limit - idle);
  else
    u->ua_fn (u->ua_arg, "udp-idle-timeout");
}

/* The socket facing the client, on LOCAL (port 0), or -1.  */
static int
relay_socket (const struct socks6_addr *local, struct socks6_addr *bound)
{
  union socks6_sockaddr sa;
  socklen_t len;
  int fd, one = 1;

  if (socks6_addr_to_sockaddr (local, &sa, &len) != SOCKS6_OK)
    {
      errno = EAFNOSUPPORT;
      return -1;
    }
  fd = socket (sa.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (sa.sa.sa_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  len = sizeof sa;
  if (bind (fd, &sa.sa, local->type == SOCKS6_ADDR_IPV4 ? sizeof sa.sin
            : sizeof sa.sin6) < 0
      || getsockname (fd, &sa.sa, &len) < 0
      || socks6_addr_from_sockaddr (bound, &sa.sa, len) != SOCKS6_OK)
    {
      int saved = errno;
      close (fd);
      errno = saved;
      return -1;
    }
  return fd;
}

/* The source the association accepts: the request's DST.ADDR and
   DST.PORT where given (and of the relay's family), else the client's
   TCP address with the port learnt from the first datagram.  */
static void
set_client (struct udp_assoc *u, enum socks6_addr_type family)
{
  struct socks6_addr req = *u->ua_p.requested;

  bind_address_unmap (&req);
  u->ua_client = *u->ua_p.client;
  bind_address_unmap (&u->ua_client);
  if (req.type == family && !socks6_addr_is_unspecified (&req))
    u->ua_client = req;
  u->ua_client.port = req.type != SOCKS6_ADDR_NAME ? req.port : 0;
  u->ua_port_locked = u->ua_client.port != 0;
}

struct udp_assoc *
udp_assoc_start (const struct udp_assoc_params *p, struct socks6_addr *bound,
                 udp_end_fn fn, void *arg)
{
  struct udp_assoc *u = calloc (1, sizeof *u);
  struct socks6_addr local = *p->local;
  int fd;

  if (!u)
    return NULL;
  bind_address_unmap (&local);
  local.port = 0;
  fd = relay_socket (&local, bound);
  if (fd < 0)
    {
      free (u);
      return NULL;
    }
  u->ua_p = *p;
  u->ua_p.local = NULL;         /* the caller's, for this call only */
  u->ua_fn = fn;
  u->ua_arg = arg;
  u->ua_out[0].fd = u->ua_out[1].fd = -1;
  set_client (u, local.type);
  u->ua_last_ms = u->ua_up_bucket.ub_last_ms = u->ua_down_bucket.ub_last_ms
    = udp_now (u);
  u->ua_up_bucket.ub_milli = u->ua_down_bucket.ub_milli
    = (uint64_t) p->config->udp_rate * 1000;
  loop_timer_init (&u->ua_timer, udp_timeout, u);
  if (loop_watch_add (p->loop, &u->ua_relay, fd, EPOLLIN, relay_event, u) < 0
      || (p->config->udp_timeout_ms
          && loop_timer_arm (p->loop, &u->ua_timer,
                             p->config->udp_timeout_ms) < 0))
    {
      int saved = errno;
      loop_watch_remove (p->loop, &u->ua_relay);
      close (fd);
      free (u);
      errno = saved;
      return NULL;
    }
  return u;
}

void
udp_assoc_counts (const struct udp_assoc *u, uint64_t *up, uint64_t *down,
                  uint64_t *dropped)
{
  *up = u->ua_up;
  *down = u->ua_down;
  *dropped = u->ua_dropped;
}

static void
udp_free_now (struct loop_deferred *d)
{
  free (d->data);
}

void
udp_assoc_free (struct udp_assoc *u)
{
  if (!u)
    return;
  loop_timer_cancel (u->ua_p.loop, &u->ua_timer);
  loop_watch_close (&u->ua_relay);
  loop_watch_close (&u->ua_out[0]);
  loop_watch_close (&u->ua_out[1]);
  for (size_t i = 0; i < UDP_MAX_NAMES; i++)
    if (u->ua_names[i].un_query)
      resolver_cancel (u->ua_names[i].un_query);
  while (u->ua_queue)
    {
      struct udp_queued *q = u->ua_queue;
      u->ua_queue = q->uq_next;
      free (q);
    }
  /* An event for a socket just closed may still be in this batch.  */
  loop_defer_free (u->ua_p.loop, &u->ua_free, udp_free_now, u);
}
