/* socks6d's next-hop connector (see chain.h): for each hop of a route,
   resolve its name if it has one, connect with the direct connector
   (Happy Eyeballs and all), then drive libsocks6's client engine over the
   non-blocking socket until the far end's reply.

   Which failures move on to the next hop: those of the hop itself (its
   name, its TCP connect, its greeting or authentication, a protocol
   error, its timeout), since another hop may do better.  A reply, any
   reply, comes from the far end and goes back to the client unchanged:
   trying again elsewhere would only ask the same destination twice.

   Reading uses MSG_PEEK and then takes exactly what the engine used, so
   bytes the far end sends right after its reply (a server that speaks
   first) stay in the socket for the relay, whatever their size.

   The circuit breaker lives in the configuration's hops, shared by every
   worker: after hop_failures consecutive failures a hop is skipped for
   hop_cooldown_ms; after that one request tries it again, and one more
   failure opens the breaker again at once.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "chain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "connector.h"
#include "i18n.h"
#include "log.h"
#include "replycode.h"
#include "resolver.h"

/* Largest read looked at at once: a reply is at most 262 octets.  */
#define CHAIN_PEEK_MAX 512

struct chain
{
  struct gateway *ch_gw;
  const struct config *ch_config;
  const struct config_route *ch_route;
  uint64_t ch_session;
  uint8_t ch_command;
  struct socks6_addr ch_dst;
  size_t ch_next;               /* next hop to try */
  struct config_hop *ch_hop;    /* the hop being tried, or NULL */
  struct resolver_query *ch_query;
  struct connector *ch_connector;
  struct loop_watch ch_watch;   /* the hop's socket, fd -1 when none */
  struct socks6_addr ch_peer;
  struct socks5_client ch_client;
  struct loop_timer ch_timer;
  struct loop_deferred ch_kick;
  struct loop_deferred ch_gone;
  bool ch_hop_answered;         /* the hop took greeting and credentials */
  bool ch_first_reported;       /* BIND's first reply went up */
  bool ch_cancelled;
  /* The failure to report if no hop works.  */
  int ch_reply;
  int ch_err;
  const char *ch_outcome;
  const struct config_hop *ch_failed_hop;
  chain_fn ch_fn;
  void *ch_arg;
};

static void chain_next_hop (struct chain *c);

static void
chain_free (struct loop_deferred *d)
{
  free (d->data);
}

/* Let go of the current hop: its lookup, its connector, its socket.  */
static void
chain_drop_hop (struct chain *c)
{
  resolver_cancel (c->ch_query);
  c->ch_query = NULL;
  connector_cancel (c->ch_connector);
  c->ch_connector = NULL;
  loop_timer_cancel (c->ch_gw->loop, &c->ch_timer);
  if (c->ch_watch.fd >= 0)
    {
      int fd = c->ch_watch.fd;
      loop_watch_remove (c->ch_gw->loop, &c->ch_watch);
      close (fd);
    }
}

/* Report to the session.  A final report ends the chain: the socket, if
   any, passes to the caller, and the chain is freed after this batch.  */
static void
chain_report (struct chain *c, int fd, int reply, int err,
              const char *outcome, const struct socks6_addr *bound,
              bool final)
{
  struct chain_result r = {
    .fd = fd, .reply = reply, .err = err, .outcome = outcome,
    .hop = c->ch_hop ? c->ch_hop : c->ch_failed_hop,
    .peer = c->ch_hop && c->ch_peer.type != SOCKS6_ADDR_NONE
            ? &c->ch_peer : NULL,
    .bound = bound, .final = final
  };

  if (final)
    {
      c->ch_cancelled = true;
      loop_defer_free (c->ch_gw->loop, &c->ch_gone, chain_free, c);
    }
  c->ch_fn (c->ch_arg, &r);
}

/* Circuit breaker.  */

static void
chain_hop_worked (struct config_hop *hop)
{
  __atomic_store_n (&hop->failures, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&hop->open_until_ms, 0, __ATOMIC_RELAXED);
}

static void
chain_hop_broke (struct chain *c, struct config_hop *hop)
{
  unsigned int n = __atomic_add_fetch (&hop->failures, 1, __ATOMIC_RELAXED);
  const struct config *config = c->ch_config;

  if (config->hop_failures == 0 || n < config->hop_failures)
    return;
  __atomic_store_n (&hop->open_until_ms,
                    loop_now (c->ch_gw->loop) + config->hop_cooldown_ms,
                    __ATOMIC_RELAXED);
  log_warnx (_("next hop %s failed %u times in a row: skipping it for "
               "%u ms"), hop->url, n, config->hop_cooldown_ms);
}

static bool
chain_hop_skipped (struct chain *c, const struct config_hop *hop)
{
  return loop_now (c->ch_gw->loop)
         < __atomic_load_n (&hop->open_until_ms, __ATOMIC_RELAXED);
}

/* The hop failed (REPLY is what that amounts to for the client, ERR the
   errno behind it or 0): log it, count it, try the next one.  */
static void
chain_hop_failed (struct chain *c, int reply, int err, const char *outcome,
                  const char *why)
{
  struct config_hop *hop = c->ch_hop;

  log_warnx (_("session %llu: next hop %s: %s"),
             (unsigned long long) c->ch_session, hop->url, why);
  chain_drop_hop (c);
  chain_hop_broke (c, hop);
  c->ch_reply = reply;
  c->ch_err = err;
  c->ch_outcome = outcome;
  c->ch_failed_hop = hop;
  c->ch_hop = NULL;
  chain_next_hop (c);
}

/* Talking to the hop.  */

/* Write what the engine has queued; watch for output only while some is
   left.  Return 0, or an errno.  */
static int
chain_flush (struct chain *c)
{
  size_t len;
  const uint8_t *out = socks5_client_output (&c->ch_client, &len);
  uint32_t events = EPOLLIN | EPOLLRDHUP;

  while (len > 0)
    {
      ssize_t n = send (c->ch_watch.fd, out, len, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          events |= EPOLLOUT;
          break;
        }
      if (n < 0)
        return errno;
      socks5_client_output_done (&c->ch_client, (size_t) n);
      out = socks5_client_output (&c->ch_client, &len);
    }
  if (loop_watch_modify (c->ch_gw->loop, &c->ch_watch, events) < 0)
    return errno;
  return 0;
}

/* Read what the hop said, taking from the socket only what the engine
   used.  Return the engine's verdict, or SOCKS6_AGAIN with *ERR set to
   an errno when reading failed (0 when there was nothing to read).  */
static int
chain_read (struct chain *c, int *err)
{
  uint8_t buf[CHAIN_PEEK_MAX];
  int rc = SOCKS6_AGAIN;

  *err = 0;
  while (rc == SOCKS6_AGAIN)
    {
      size_t used = 0;
      ssize_t n = recv (c->ch_watch.fd, buf, sizeof buf, MSG_PEEK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *err = errno == EAGAIN ? 0 : errno;
          return SOCKS6_AGAIN;
        }
      if (n == 0)
        return socks5_client_eof (&c->ch_client);
      rc = socks5_client_input (&c->ch_client, buf, (size_t) n, &used);
      if (used > 0 && recv (c->ch_watch.fd, buf, used, 0) != (ssize_t) used)
        {
          *err = errno ? errno : EIO;
          return SOCKS6_AGAIN;
        }
      if (rc == SOCKS6_AGAIN && used < (size_t) n)
        return rc;              /* cannot happen: the engine takes all */
    }
  return rc;
}

static const char *
chain_engine_outcome (int rc)
{
  switch (rc)
    {
    case SOCKS6_E_AUTH:
      return "hop-auth-failed";
    case SOCKS6_E_METHOD:
      return "hop-no-method";
    default:
      return "hop-protocol-error";
    }
}

/* The far end answered (one reply, or BIND's two): pass it up.  */
static void
chain_answered (struct chain *c, int rc)
{
  const struct socks5_reply *first = socks5_client_reply (&c->ch_client, 0);
  const struct socks5_reply *last
    = socks5_client_reply (&c->ch_client,
                           socks5_client_reply (&c->ch_client, 1) ? 1 : 0);

  if (c->ch_command == SOCKS5_CMD_BIND && !c->ch_first_reported
      && first->reply == SOCKS5_REP_SUCCEEDED)
    {
      c->ch_first_reported = true;
      loop_timer_cancel (c->ch_gw->loop, &c->ch_timer);
      chain_report (c, -1, SOCKS5_REP_SUCCEEDED, 0, NULL, &first->bound,
                    false);
      if (c->ch_cancelled)
        return;
    }
  if (rc == SOCKS6_AGAIN)
    return;
  if (rc == SOCKS6_OK)
    {
      int fd = c->ch_watch.fd;
      loop_watch_remove (c->ch_gw->loop, &c->ch_watch);
      c->ch_watch.fd = -1;
      chain_drop_hop (c);
      chain_report (c, fd, SOCKS5_REP_SUCCEEDED, 0, NULL, &last->bound,
                    true);
      return;
    }
  chain_drop_hop (c);
  chain_report (c, -1, last->reply, 0, socks5_reply_name (last->reply),
                NULL, true);
}

static void
chain_io (struct loop_watch *watch, uint32_t events)
{
  struct chain *c = watch->data;
  int err = 0, rc;
  (void) events;

  rc = chain_read (c, &err);
  if (err == 0 && rc == SOCKS6_AGAIN)
    err = chain_flush (c);
  if (err)
    {
      chain_hop_failed (c, socks5_reply_from_errno (err), err,
                        "hop-reset", strerror (err));
      return;
    }
  if (rc < 0 && rc != SOCKS6_E_REPLY)
    {
      chain_hop_failed (c, SOCKS5_REP_GENERAL_FAILURE, 0,
                        chain_engine_outcome (rc), socks6_strerror (rc));
      return;
    }
  /* The hop took the greeting: from here on it is the far end that
     answers, after its own connect, which has its own timeout.  */
  if (!c->ch_hop_answered
      && (socks5_client_state (&c->ch_client) == SOCKS5_CLIENT_REPLY
          || socks5_client_reply (&c->ch_client, 0)))
    {
      c->ch_hop_answered = true;
      chain_hop_worked (c->ch_hop);
      loop_timer_arm (c->ch_gw->loop, &c->ch_timer,
                      c->ch_config->connect_timeout_ms
                      + (uint64_t) c->ch_config->hop_timeout_ms);
    }
  if (socks5_client_reply (&c->ch_client, 0))
    chain_answered (c, rc);
}

/* A hop in the configuration that leads back to this gateway was refused
   at load; a name can still resolve to one of its own addresses.  */
static bool
chain_is_self (const struct chain *c, int fd)
{
  union socks6_sockaddr sa;
  socklen_t len = sizeof sa;
  struct socks6_addr local;

  if (getsockname (fd, &sa.sa, &len) < 0
      || socks6_addr_from_sockaddr (&local, &sa.sa, len) != SOCKS6_OK)
    return false;
  for (size_t i = 0; i < c->ch_config->n_listen; i++)
    {
      const struct socks6_addr *l = &c->ch_config->listen[i];
      if (l->port == c->ch_peer.port && l->type == c->ch_peer.type
          && memcmp (local.u.ipv6, c->ch_peer.u.ipv6,
                     local.type == SOCKS6_ADDR_IPV4 ? 4 : 16) == 0)
        return true;
    }
  return false;
}

/* Connected to the hop: start the engine, pipelined so that a hop
   costs one round trip.  */
static void
chain_connected (void *arg, int fd, int err, const struct socks6_addr *peer)
{
  struct chain *c = arg;
  struct socks5_client *cl = &c->ch_client;
  const struct config_hop *hop = c->ch_hop;

  c->ch_connector = NULL;
  if (fd < 0)
    {
      chain_hop_failed (c, socks5_reply_from_errno (err), err,
                        "hop-unreachable", strerror (err));
      return;
    }
  c->ch_peer = *peer;
  if (chain_is_self (c, fd))
    {
      close (fd);
      chain_hop_failed (c, SOCKS5_REP_GENERAL_FAILURE, 0, "hop-loop",
                        _("it is this gateway itself"));
      return;
    }
  socks5_client_init (cl);
  socks5_client_set_request (cl, c->ch_command, &c->ch_dst);
  if (hop->password)
    socks5_client_set_credentials (cl, hop->user, strlen (hop->user),
                                   hop->password, strlen (hop->password));
  socks5_client_set_pipelining (cl, true);
  if (socks5_client_start (cl) != SOCKS6_OK
      || loop_watch_add (c->ch_gw->loop, &c->ch_watch, fd,
                         EPOLLIN | EPOLLRDHUP, chain_io, c) < 0)
    {
      c->ch_watch.fd = -1;
      close (fd);
      chain_hop_failed (c, SOCKS5_REP_GENERAL_FAILURE, errno,
                        "hop-protocol-error", strerror (errno));
      return;
    }
  err = chain_flush (c);
  if (err)
    chain_hop_failed (c, socks5_reply_from_errno (err), err, "hop-reset",
                      strerror (err));
}

static void
chain_connect (struct chain *c, const struct socks6_addr *addrs, size_t n)
{
  const struct config *config = c->ch_config;

  c->ch_connector = connector_start (c->ch_gw->loop, addrs, n,
                                     c->ch_hop->addr.port,
                                     config->resolve_policy,
                                     config->happy_eyeballs_delay_ms,
                                     chain_connected, c);
  if (!c->ch_connector)
    chain_hop_failed (c, socks5_reply_from_errno (errno), errno,
                      "hop-unreachable", strerror (errno));
}

static void
chain_resolved (void *arg, int reply, const struct socks6_addr *addrs,
                size_t n)
{
  struct chain *c = arg;

  c->ch_query = NULL;
  if (reply != SOCKS5_REP_SUCCEEDED)
    chain_hop_failed (c, reply, 0, "hop-name-not-found",
                      socks5_reply_description (reply));
  else
    chain_connect (c, addrs, n);
}

static void
chain_timeout (struct loop_timer *timer)
{
  struct chain *c = timer->data;

  /* Waiting for the far end's reply is not the hop's fault.  */
  if (c->ch_hop_answered)
    {
      chain_drop_hop (c);
      chain_report (c, -1, socks5_reply_from_errno (ETIMEDOUT), ETIMEDOUT,
                    "connect-timeout", NULL, true);
      return;
    }
  chain_hop_failed (c, socks5_reply_from_errno (ETIMEDOUT), ETIMEDOUT,
                    "hop-timeout", strerror (ETIMEDOUT));
}

static int
chain_policy_family (enum resolve_policy policy)
{
  return policy == RESOLVE_IPV4_ONLY ? AF_INET
         : policy == RESOLVE_IPV6_ONLY ? AF_INET6 : AF_UNSPEC;
}

/* Start on the next hop whose breaker is closed, or report the last
   failure when none is left.  */
static void
chain_next_hop (struct chain *c)
{
  const struct config *config = c->ch_config;

  while (c->ch_next < c->ch_route->n_hops)
    {
      struct config_hop *hop = &c->ch_route->hops[c->ch_next++];

      if (chain_hop_skipped (c, hop))
        {
          if (!c->ch_failed_hop)
            {
              c->ch_failed_hop = hop;
              c->ch_outcome = "hop-circuit-open";
            }
          continue;
        }
      c->ch_hop = hop;
      c->ch_peer.type = SOCKS6_ADDR_NONE;
      c->ch_hop_answered = false;
      /* Bounds the way to the hop, up to its answer to the greeting.  */
      loop_timer_arm (c->ch_gw->loop, &c->ch_timer, config->hop_timeout_ms);
      if (hop->addr.type != SOCKS6_ADDR_NAME)
        chain_connect (c, &hop->addr, 1);
      else if (!(c->ch_query
                 = resolver_lookup (c->ch_gw->resolver, hop->addr.u.name.text,
                                    chain_policy_family
                                    (config->resolve_policy),
                                    chain_resolved, c)))
        chain_hop_failed (c, SOCKS5_REP_GENERAL_FAILURE, ENOMEM,
                          "out-of-memory", strerror (ENOMEM));
      return;
    }
  chain_report (c, -1, c->ch_reply, c->ch_err, c->ch_outcome, NULL, true);
}

static void
chain_kick (struct loop_deferred *d)
{
  struct chain *c = d->data;

  if (!c->ch_cancelled)
    chain_next_hop (c);
}

struct chain *
chain_start (struct gateway *gw, const struct config *config,
             const struct config_route *route, uint64_t session_id,
             uint8_t command, const struct socks6_addr *dst, chain_fn fn,
             void *arg)
{
  struct chain *c = calloc (1, sizeof *c);

  if (!c)
    return NULL;
  c->ch_gw = gw;
  c->ch_config = config;
  c->ch_route = route;
  c->ch_session = session_id;
  c->ch_command = command;
  c->ch_dst = *dst;
  c->ch_watch.fd = -1;
  c->ch_reply = SOCKS5_REP_GENERAL_FAILURE;
  c->ch_fn = fn;
  c->ch_arg = arg;
  loop_timer_init (&c->ch_timer, chain_timeout, c);
  loop_defer (gw->loop, &c->ch_kick, chain_kick, c);
  return c;
}

void
chain_cancel (struct chain *c)
{
  if (!c || c->ch_cancelled)
    return;
  c->ch_cancelled = true;
  chain_drop_hop (c);
  loop_defer_free (c->ch_gw->loop, &c->ch_gone, chain_free, c);
}
