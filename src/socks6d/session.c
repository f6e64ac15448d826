/* socks6d's sessions: the SOCKS 5 server state machine, from the
   client's greeting to the end of the relay.

   A session owns a client peer from accept to close, and a remote peer
   from the connector's success to close.  The handshake has its own
   buffers, freed once the relay starts, so an established idle session
   costs only this struct and its two sockets.  Both peers are watched
   edge-triggered for input and output from the start; the readiness they
   report is remembered in the peer and used by whichever state runs, so a
   request and data pipelined behind it in one segment are not lost.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "session.h"

#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "authworker.h"
#include "bind.h"
#include "chain.h"
#include "connector.h"
#include "escape.h"
#include "i18n.h"
#include "log.h"
#include "name.h"
#include "relay.h"
#include "replycode.h"
#include "resolver.h"
#include "socks5.h"
#include "udp.h"

/* Greeting, sub-negotiation and request may arrive in one segment, with
   early data behind them.  */
#define SESSION_IN_MAX (SOCKS5_GREETING_MAX + SOCKS5_USERPASS_MAX \
                        + SOCKS5_REQUEST_MAX + 512)
#define SESSION_OUT_MAX 600
/* How much one direction may move before letting other sessions run.  */
#define SESSION_RELAY_BUDGET (1024 * 1024)
/* How long a closing session waits for the client to read what it is
   owed and close its side (RFC 1928: within 10 seconds).  */
#define SESSION_LINGER_MS 2000

struct session_handshake
{
  uint8_t in[SESSION_IN_MAX];
  size_t in_len;
  uint8_t out[SESSION_OUT_MAX];
  size_t out_len;
};

struct session_peer
{
  struct loop_watch sp_watch;
  struct relay_endpoint sp_io;
};

struct session
{
  struct gateway *se_gw;
  struct session *se_next, *se_prev;
  uint64_t se_id;
  enum session_state se_state;
  struct config *se_config;     /* a reference, kept across reloads */
  struct session_peer se_client;
  struct session_peer se_remote;
  struct relay_direction se_up;         /* client -> remote */
  struct relay_direction se_down;       /* remote -> client */
  struct session_handshake *se_hs;      /* NULL once relaying */
  struct loop_timer se_timer;           /* the one deadline of the state */
  struct loop_deferred se_more;         /* relay continues next turn */
  struct loop_deferred se_free;
  uint64_t se_start_ms;
  uint64_t se_last_ms;                  /* last relay activity */
  struct resolver_query *se_query;
  struct connector *se_connector;
  struct chain *se_chain;               /* a next hop at work */
  const struct config_hop *se_hop;      /* the next hop used, for the log */
  struct bind_wait *se_bind;            /* BIND waiting for its peer */
  struct udp_assoc *se_udp;             /* UDP ASSOCIATE's relay */
  struct authworker_job *se_auth_job;
  char *se_user;                        /* authenticated user, or NULL */
  const char *se_outcome;
  int se_errno;                         /* cause of a failure, or 0 */
  uint8_t se_command;                   /* 0 until a request came */
  bool se_client_shut;                  /* SHUT_WR sent to the client */
  bool se_ok;                           /* a success reply was sent */
  bool se_corked;                       /* hs_send queues, not sends */
  bool se_counted;                      /* in the per-client table */
  struct socks6_addr se_client_addr;
  struct socks6_addr se_dst;            /* as requested */
  struct socks6_addr se_peer;           /* reached, or type NONE */
};

static void session_close (struct session *s, const char *outcome,
                           bool abort);
static void handshake_io (struct session *s);
static bool client_left (struct session *s);

static const char *const state_names[SESSION_N_STATES] = {
  "greeting", "auth", "request", "resolving", "connecting", "relaying",
  "associated", "closing"
};

const char *
session_state_name (enum session_state state)
{
  return state < SESSION_N_STATES ? state_names[state] : "?";
}

static void
session_enter_state (struct session *s, enum session_state state)
{
  /* Checked here: formatting a line per transition for nothing costs
     more than the transition.  */
  if (log_verbosity () > 0)
    log_debug ("session %llu: state %s -> %s", (unsigned long long) s->se_id,
               state_names[s->se_state], state_names[state]);
  s->se_gw->stats.by_state[s->se_state]--;
  s->se_gw->stats.by_state[state]++;
  s->se_state = state;
}

/* The per-client table: a chained hash of client addresses (without
   port) to session counts, for max_sessions_per_client.  */

#define CLIENT_TABLE_SIZE 4096

struct client_entry
{
  struct client_entry *next;
  unsigned int count;
  uint8_t key[17];              /* family octet + address */
};

struct session_client_table
{
  struct client_entry *buckets[CLIENT_TABLE_SIZE];
};

struct session_client_table *
session_client_table_new (void)
{
  return calloc (1, sizeof (struct session_client_table));
}

void
session_client_table_free (struct session_client_table *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < CLIENT_TABLE_SIZE; i++)
    while (t->buckets[i])
      {
        struct client_entry *e = t->buckets[i];
        t->buckets[i] = e->next;
        free (e);
      }
  free (t);
}

static struct client_entry **
client_slot (struct session_client_table *t, const struct socks6_addr *a,
             uint8_t key[17])
{
  uint32_t h = 2166136261u;
  memset (key, 0, 17);
  key[0] = (uint8_t) a->type;
  memcpy (key + 1, a->u.ipv6, a->type == SOCKS6_ADDR_IPV4 ? 4 : 16);
  for (int i = 0; i < 17; i++)
    h = (h ^ key[i]) * 16777619u;
  struct client_entry **p = &t->buckets[h % CLIENT_TABLE_SIZE];
  while (*p && memcmp ((*p)->key, key, 17) != 0)
    p = &(*p)->next;
  return p;
}

/* Count one more session for A, unless that would pass LIMIT (0: none).
   Return false when over the limit or out of memory.  */
static bool
client_count_add (struct session_client_table *t,
                  const struct socks6_addr *a, unsigned int limit)
{
  uint8_t key[17];
  struct client_entry **p = client_slot (t, a, key);
  if (!*p)
    {
      if (!(*p = calloc (1, sizeof **p)))
        return false;
      memcpy ((*p)->key, key, 17);
    }
  if (limit && (*p)->count >= limit)
    return false;
  (*p)->count++;
  return true;
}

static void
client_count_remove (struct session_client_table *t,
                     const struct socks6_addr *a)
{
  uint8_t key[17];
  struct client_entry **p = client_slot (t, a, key);
  struct client_entry *e = *p;
  if (e && --e->count == 0)
    {
      *p = e->next;
      free (e);
    }
}

/* Write the destination a client asked for into BUF for the log.  A name
   is the client's octets, written as they came (the A-label form, as a
   resolver sees it) with everything not printable and the space escaped,
   so that a name with a newline or a space cannot forge lines or
   fields.  */
static void
session_format_request (const struct socks6_addr *dst, char *buf,
                        size_t size)
{
  if (dst->type != SOCKS6_ADDR_NAME)
    {
      if (socks6_addr_format (dst, true, buf, size) < 0)
        snprintf (buf, size, "-");
      return;
    }
  socks6_escape (dst->u.name.text, dst->u.name.len, SOCKS6_ESCAPE_SPACE,
                 buf, size);
  size_t len = strlen (buf);
  snprintf (buf + len, size - len, ":%u", (unsigned int) dst->port);
}

/* The log line of a finished session, one line of KEY=VALUE fields so
   that scripts can read it; see "Invoking socks6d" in the manual.  */
static void
session_log (const struct session *s)
{
  char client[SOCKS6_ADDR_TEXT_MAX];
  char request[SOCKS6_ESCAPE_SIZE (SOCKS6_NAME_MAX) + 7];
  char peer[SOCKS6_ADDR_TEXT_MAX], family[8] = "-", command[16];
  const char *cmd = socks5_command_name (s->se_command);
  uint64_t ms = loop_now (s->se_gw->loop) - s->se_start_ms;

  if (socks6_addr_format (&s->se_client_addr, true, client, sizeof client)
      < 0)
    strcpy (client, "-");
  strcpy (request, "-");
  strcpy (peer, "-");
  if (s->se_command)
    session_format_request (&s->se_dst, request, sizeof request);
  if (s->se_peer.type != SOCKS6_ADDR_NONE)
    {
      socks6_addr_format (&s->se_peer, true, peer, sizeof peer);
      snprintf (family, sizeof family, "%c->%c",
                s->se_client_addr.type == SOCKS6_ADDR_IPV4 ? '4' : '6',
                s->se_peer.type == SOCKS6_ADDR_IPV4 ? '4' : '6');
    }
  if (!cmd)
    snprintf (command, sizeof command, s->se_command ? "0x%02x" : "-",
              s->se_command);
  else
    {
      /* "UDP ASSOCIATE" would split the field in two.  */
      snprintf (command, sizeof command, "%s", cmd);
      for (char *p = command; *p; p++)
        if (*p == ' ')
          *p = '-';
    }
  cmd = command;
  log_info ("session=%llu client=%s user=%s command=%s request=%s "
            "address=%s family=%s%s%s up=%llu down=%llu duration=%llu.%03u "
            "outcome=%s%s%s%s",
            (unsigned long long) s->se_id, client,
            s->se_user ? s->se_user : "-", cmd, request, peer, family,
            s->se_hop ? " via=" : "", s->se_hop ? s->se_hop->url : "",
            (unsigned long long) s->se_up.bytes,
            (unsigned long long) s->se_down.bytes,
            (unsigned long long) (ms / 1000), (unsigned int) (ms % 1000),
            s->se_outcome ? s->se_outcome : "unknown",
            s->se_errno ? " (" : "",
            s->se_errno ? strerror (s->se_errno) : "",
            s->se_errno ? ")" : "");
}

static void
session_free (struct loop_deferred *d)
{
  struct session *s = d->data;
  free (s->se_user);
  free (s);
}

static void
close_peer (struct session *s, struct session_peer *peer)
{
  int fd = peer->sp_io.fd;
  (void) s;
  if (fd < 0)
    return;
  if (peer->sp_watch.fd == fd)
    loop_watch_close (&peer->sp_watch);
  else
    close (fd);
  peer->sp_io.fd = -1;
}

/* The very end: log, close what is left, and free after this batch.  */
static void
session_finalize (struct session *s)
{
  struct gateway *gw = s->se_gw;

  loop_timer_cancel (gw->loop, &s->se_timer);
  close_peer (s, &s->se_client);
  close_peer (s, &s->se_remote);
  relay_direction_release (gw->pipes, &s->se_up);
  relay_direction_release (gw->pipes, &s->se_down);
  free (s->se_hs);
  s->se_hs = NULL;
  session_log (s);
  if (s->se_ok)
    gw->stats.succeeded++;
  else
    gw->stats.failed++;
  gw->stats.bytes_up += s->se_up.bytes;
  gw->stats.bytes_down += s->se_down.bytes;
  gw->stats.by_state[s->se_state]--;
  gw->stats.active--;
  atomic_fetch_sub (&gw->shared->active, 1);
  if (s->se_counted)
    {
      pthread_mutex_lock (&gw->shared->lock);
      client_count_remove (gw->shared->clients, &s->se_client_addr);
      pthread_mutex_unlock (&gw->shared->lock);
    }
  if (s->se_prev)
    s->se_prev->se_next = s->se_next;
  else
    gw->sessions = s->se_next;
  if (s->se_next)
    s->se_next->se_prev = s->se_prev;
  gateway_config_unref (gw->shared, s->se_config);
  s->se_config = NULL;
  /* Marks the session dead for deferred relay work still queued.  */
  s->se_state = SESSION_N_STATES;
  loop_defer_free (gw->loop, &s->se_free, session_free, s);
  if (gw->draining && gw->stats.active == 0)
    loop_stop (gw->loop);
}

/* Write what the handshake owes the client.  Return 0 (possibly with
   some left for the next EPOLLOUT), or -1 on a write error.  */
static int
hs_flush (struct session *s)
{
  struct session_handshake *hs = s->se_hs;
  while (hs && hs->out_len > 0 && s->se_client.sp_io.writable)
    {
      ssize_t n = send (s->se_client.sp_io.fd, hs->out, hs->out_len,
                        MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN)
            {
              s->se_client.sp_io.writable = false;
              return 0;
            }
          s->se_errno = errno;
          return -1;
        }
      memmove (hs->out, hs->out + n, hs->out_len - (size_t) n);
      hs->out_len -= (size_t) n;
    }
  return 0;
}

/* Queue LEN bytes for the client and try to send them at once (the
   common case: the socket buffer is empty).  */
static int
hs_send (struct session *s, const uint8_t *data, ssize_t len)
{
  struct session_handshake *hs = s->se_hs;
  if (len < 0 || hs->out_len + (size_t) len > sizeof hs->out)
    {
      s->se_errno = ENOBUFS;
      return -1;
    }
  memcpy (hs->out + hs->out_len, data, (size_t) len);
  hs->out_len += (size_t) len;
  return s->se_corked ? 0 : hs_flush (s);
}

static void
hs_consume (struct session_handshake *hs, size_t n)
{
  memmove (hs->in, hs->in + n, hs->in_len - n);
  hs->in_len -= n;
}

/* Send the reply REPLY with BOUND (or 0.0.0.0:0 when NULL).  */
static int
send_reply (struct session *s, int reply, const struct socks6_addr *bound)
{
  uint8_t buf[SOCKS5_REQUEST_MAX];
  struct socks6_addr none;
  if (!bound)
    {
      memset (&none, 0, sizeof none);
      none.type = SOCKS6_ADDR_IPV4;
      bound = &none;
    }
  ssize_t len = socks5_encode_reply (buf, sizeof buf, (uint8_t) reply,
                                     bound);
  return hs_send (s, buf, len);
}

/* Fail the request with REPLY: say so to the client, then close.  */
static void
session_fail (struct session *s, int reply, const char *outcome)
{
  if (send_reply (s, reply, NULL) < 0)
    {
      session_close (s, outcome, true);
      return;
    }
  session_close (s, outcome ? outcome : socks5_reply_name (reply), false);
}

/* CLOSING: write what the client is still owed (a failure reply, data
   the destination sent before it went away), shut our side, then read
   and drop until the client closes too, so that unread input does not
   make the kernel reset the connection and destroy the reply.  */
static void
closing_io (struct session *s)
{
  struct relay_endpoint none = { .fd = -1 };
  size_t budget = SIZE_MAX;
  char sink[2048];

  if (hs_flush (s) < 0)
    goto done;
  if (s->se_hs && s->se_hs->out_len > 0)
    return;
  if (!s->se_client_shut)
    {
      enum relay_status status;
      s->se_down.eof = true;
      s->se_down.close_follows = false;
      status = relay_move (s->se_gw->pipes, &s->se_down, &none,
                           &s->se_client.sp_io, &budget);
      if (status == RELAY_ERROR)
        goto done;
      if (status != RELAY_DONE)
        return;
      s->se_client_shut = true;
    }
  if (s->se_up.eof)
    goto done;
  while (s->se_client.sp_io.readable)
    {
      ssize_t n = recv (s->se_client.sp_io.fd, sink, sizeof sink, 0);
      if (n > 0 || (n < 0 && errno == EINTR))
        continue;
      if (n < 0 && (errno == EAGAIN))
        {
          s->se_client.sp_io.readable = false;
          return;
        }
      goto done;
    }
  return;
done:
  session_finalize (s);
}

/* End a UDP association, its payload counts going to the log line.  */
static void
session_end_udp (struct session *s)
{
  uint64_t dropped;

  if (!s->se_udp)
    return;
  udp_assoc_counts (s->se_udp, &s->se_up.bytes, &s->se_down.bytes,
                    &dropped);
  if (dropped && log_verbosity () > 0)
    log_debug ("session %llu: %llu UDP datagrams dropped",
               (unsigned long long) s->se_id, (unsigned long long) dropped);
  udp_assoc_free (s->se_udp);
  s->se_udp = NULL;
}

/* The one way a session ends.  OUTCOME names why (the first cause given
   is kept).  With ABORT, close at once; otherwise flush and linger in
   CLOSING.  */
static void
session_close (struct session *s, const char *outcome, bool abort)
{
  struct gateway *gw = s->se_gw;
  if (!s->se_outcome)
    s->se_outcome = outcome;
  if (s->se_state == SESSION_CLOSING)
    {
      if (abort)
        session_finalize (s);
      return;
    }
  resolver_cancel (s->se_query);
  s->se_query = NULL;
  connector_cancel (s->se_connector);
  s->se_connector = NULL;
  chain_cancel (s->se_chain);
  s->se_chain = NULL;
  bind_cancel (s->se_bind);
  s->se_bind = NULL;
  session_end_udp (s);
  authworker_cancel (gw->auth, s->se_auth_job);
  s->se_auth_job = NULL;
  loop_timer_cancel (gw->loop, &s->se_timer);
  close_peer (s, &s->se_remote);
  relay_direction_release (gw->pipes, &s->se_up);
  if (abort)
    {
      session_finalize (s);
      return;
    }
  session_enter_state (s, SESSION_CLOSING);
  loop_timer_arm (gw->loop, &s->se_timer, SESSION_LINGER_MS);
  closing_io (s);
}

/* The server's choice among the client's methods: username/password
   when both sides can (so rules by user apply), else none.  */
static uint8_t
choose_method (const struct config *config, const struct socks5_greeting *g)
{
  bool none = false, userpass = false;
  for (unsigned int i = 0; i < g->nmethods; i++)
    {
      none |= g->methods[i] == SOCKS5_METHOD_NONE;
      userpass |= g->methods[i] == SOCKS5_METHOD_USERPASS;
    }
  if (userpass && (config->auth_methods & AUTH_USERPASS))
    return SOCKS5_METHOD_USERPASS;
  if (none && (config->auth_methods & AUTH_NONE))
    return SOCKS5_METHOD_NONE;
  return SOCKS5_METHOD_UNACCEPTABLE;
}

/* Return 1 when a greeting was handled, 0 when more input is needed, -1
   when the session was closed.  */
static int
parse_greeting (struct session *s)
{
  struct session_handshake *hs = s->se_hs;
  struct socks5_greeting g;
  uint8_t buf[2];
  size_t used;
  int rc = socks5_decode_greeting (hs->in, hs->in_len, &g, &used);

  if (rc == SOCKS6_AGAIN)
    return 0;
  if (rc != SOCKS6_OK)
    {
      session_close (s, "protocol-error", true);
      return -1;
    }
  hs_consume (hs, used);
  uint8_t method = choose_method (s->se_config, &g);
  ssize_t len = socks5_encode_method_reply (buf, sizeof buf, method);
  if (hs_send (s, buf, len) < 0)
    {
      session_close (s, "write-error", true);
      return -1;
    }
  if (method == SOCKS5_METHOD_UNACCEPTABLE)
    {
      session_close (s, "no-acceptable-method", false);
      return -1;
    }
  session_enter_state (s, method == SOCKS5_METHOD_USERPASS
                       ? SESSION_AUTH : SESSION_REQUEST);
  return 1;
}

static void
auth_done (void *arg, bool ok)
{
  struct session *s = arg;
  uint8_t buf[2];
  s->se_auth_job = NULL;
  if (!ok)
    {
      char client[SOCKS6_ADDR_TEXT_MAX], user[4 * AUTH_FIELD_MAX + 4];
      socks6_addr_format (&s->se_client_addr, true, client, sizeof client);
      auth_user_for_log (s->se_user ? s->se_user : "",
                         s->se_user ? strlen (s->se_user) : 0,
                         user, sizeof user);
      log_warnx (_("session %llu: authentication failed for user \"%s\" "
                   "from %s"), (unsigned long long) s->se_id, user, client);
      free (s->se_user);
      s->se_user = NULL;
    }
  ssize_t len = socks5_encode_userpass_reply (buf, sizeof buf, ok ? 0 : 1);
  if (hs_send (s, buf, len) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  if (!ok)
    {
      session_close (s, "auth-failed", false);
      return;
    }
  session_enter_state (s, SESSION_REQUEST);
  /* The request may already be waiting in the buffer.  */
  handshake_io (s);
}

/* RFC 1929.  Same return convention as parse_greeting; 0 also while the
   check runs in a worker thread.  */
static int
parse_userpass (struct session *s)
{
  struct session_handshake *hs = s->se_hs;
  struct socks5_userpass up;
  size_t used;
  int rc;

  if (s->se_auth_job)
    return 0;
  rc = socks5_decode_userpass (hs->in, hs->in_len, &up, &used);
  if (rc == SOCKS6_AGAIN)
    return 0;
  if (rc != SOCKS6_OK)
    {
      session_close (s, "protocol-error", true);
      return -1;
    }
  hs_consume (hs, used);
  /* The name is kept as text for rules and logs: one with a NUL octet
     cannot be a configured user.  */
  s->se_user = strndup (up.user, up.user_len);
  if (!s->se_user || strlen (s->se_user) != up.user_len)
    {
      explicit_bzero (&up, sizeof up);
      auth_done (s, false);
      return -1;
    }
  s->se_auth_job = authworker_submit (s->se_gw->auth, s->se_config,
                                      up.user, up.user_len, up.pass,
                                      up.pass_len, auth_done, s);
  explicit_bzero (&up, sizeof up);
  if (!s->se_auth_job)
    {
      session_close (s, "out-of-memory", true);
      return -1;
    }
  return 0;
}

/* The reply for a request the codec refused.  */
static int
reply_for_decode_error (int rc)
{
  switch (rc)
    {
    case SOCKS6_E_ATYP:
      return SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED;
    case SOCKS6_E_NAME_EMPTY:
    case SOCKS6_E_NAME_TOO_LONG:
    case SOCKS6_E_LABEL_TOO_LONG:
    case SOCKS6_E_LABEL_EMPTY:
    case SOCKS6_E_NAME_CHAR:
      /* A name that cannot exist names no reachable host.  */
      return SOCKS5_REP_HOST_UNREACHABLE;
    default:
      return SOCKS5_REP_GENERAL_FAILURE;
    }
}

static void start_request (struct session *s);

static int
parse_request (struct session *s)
{
  struct session_handshake *hs = s->se_hs;
  struct socks5_request req;
  size_t used;
  int rc = socks5_decode_request (hs->in, hs->in_len, &req, &used);

  if (rc == SOCKS6_AGAIN)
    return 0;
  if (rc == SOCKS6_E_VERSION)
    {
      session_close (s, "protocol-error", true);
      return -1;
    }
  if (rc != SOCKS6_OK)
    {
      s->se_command = hs->in_len > 1 ? hs->in[1] : 0;   /* for the log */
      session_fail (s, reply_for_decode_error (rc), "bad-request");
      return -1;
    }
  hs_consume (hs, used);
  s->se_command = req.command;
  s->se_dst = req.dst;
  if (req.dst.type == SOCKS6_ADDR_NAME
      && socks6_name_check_wire (req.dst.u.name.text, req.dst.u.name.len)
      != SOCKS6_OK)
    {
      session_fail (s, SOCKS5_REP_HOST_UNREACHABLE, "bad-name");
      return -1;
    }
  start_request (s);
  return -1;
}

/* Decode what the client sent, as far as it goes.  */
static void
handshake_parse (struct session *s)
{
  for (;;)
    {
      int rc;
      switch (s->se_state)
        {
        case SESSION_GREETING:
          rc = parse_greeting (s);
          break;
        case SESSION_AUTH:
          rc = parse_userpass (s);
          break;
        case SESSION_REQUEST:
          rc = parse_request (s);
          break;
        default:
          return;
        }
      if (rc <= 0)
        return;
    }
}

static bool
in_handshake (const struct session *s)
{
  return s->se_state == SESSION_GREETING || s->se_state == SESSION_AUTH
    || s->se_state == SESSION_REQUEST;
}

/* Read and decode until the client has nothing more to say for now, or
   the handshake is over (what follows the request is early data for the
   destination, left in the buffer and in the socket).  */
static void
handshake_read (struct session *s)
{
  struct session_handshake *hs = s->se_hs;
  if (hs_flush (s) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  handshake_parse (s);
  while (in_handshake (s) && !s->se_auth_job
         && s->se_client.sp_io.readable)
    {
      if (hs->in_len == sizeof hs->in)
        {
          session_close (s, "protocol-error", true);
          return;
        }
      ssize_t n = recv (s->se_client.sp_io.fd, hs->in + hs->in_len,
                        sizeof hs->in - hs->in_len, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN))
        {
          s->se_client.sp_io.readable = false;
          return;
        }
      if (n <= 0)
        {
          s->se_errno = n < 0 ? errno : 0;
          session_close (s, n < 0 ? "read-error" : "client-closed", true);
          return;
        }
      /* A short read drained the socket: the next recv would say
         EAGAIN (the relay starts from this too).  */
      relay_endpoint_read (&s->se_client.sp_io, (size_t) n,
                           sizeof hs->in - hs->in_len);
      hs->in_len += (size_t) n;
      handshake_parse (s);
    }
}

/* A client that pipelines its greeting and request gets the method
   reply and the request's reply in one segment: one write, and one
   wake-up of the client instead of two.  Holding the method reply back
   while resolving and connecting costs such a client nothing, since it
   waits for both; a client that does not pipeline is still negotiating
   when it reads, and gets its method reply at once.  */
static void
handshake_io (struct session *s)
{
  s->se_corked = true;
  handshake_read (s);
  s->se_corked = false;
  if (s->se_hs && in_handshake (s) && hs_flush (s) < 0)
    session_close (s, "write-error", true);
  /* An end of file that came with the request is not reported again.  */
  else if ((s->se_state == SESSION_RESOLVING
            || s->se_state == SESSION_CONNECTING) && client_left (s))
    session_close (s, "client-closed", true);
}

static bool
request_allowed (const struct session *s, const struct socks6_addr *dst)
{
  return config_request_allowed (s->se_config, &s->se_client_addr,
                                 s->se_user, s->se_command, dst);
}

static int
policy_family (enum resolve_policy policy)
{
  return policy == RESOLVE_IPV4_ONLY ? AF_INET
    : policy == RESOLVE_IPV6_ONLY ? AF_INET6 : AF_UNSPEC;
}

static void start_connect (struct session *s,
                           const struct socks6_addr *addrs, size_t n);
static void start_bind (struct session *s, const struct socks6_addr *addrs,
                        size_t n);
static void start_udp (struct session *s);

/* RESOLVE: the first address the policy prefers goes back in BND.ADDR.  */
static void
reply_resolved (struct session *s, const struct socks6_addr *addrs, size_t n)
{
  enum socks6_addr_type want = s->se_config->resolve_policy
    == RESOLVE_PREFER_IPV4 || s->se_config->resolve_policy
    == RESOLVE_IPV4_ONLY ? SOCKS6_ADDR_IPV4 : SOCKS6_ADDR_IPV6;
  const struct socks6_addr *pick = &addrs[0];
  for (size_t i = 0; i < n; i++)
    if (addrs[i].type == want)
      {
        pick = &addrs[i];
        break;
      }
  s->se_peer = *pick;
  s->se_peer.port = 0;
  if (send_reply (s, SOCKS5_REP_SUCCEEDED, &s->se_peer) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  s->se_ok = true;
  session_close (s, "succeeded", false);
}

/* Addresses for the request, from the resolver or the request itself
   (port 0 from the resolver).  The rules are asked again with each
   address, so a rule by address cannot be dodged by sending a name.  */
static void
got_addresses (struct session *s, const struct socks6_addr *addrs, size_t n)
{
  struct socks6_addr allowed[RESOLVER_MAX_ADDRS];
  size_t n_allowed = 0;
  for (size_t i = 0; i < n && n_allowed < RESOLVER_MAX_ADDRS; i++)
    {
      allowed[n_allowed] = addrs[i];
      allowed[n_allowed].port = s->se_dst.port;
      if (request_allowed (s, &allowed[n_allowed]))
        n_allowed++;
    }
  if (n_allowed == 0)
    {
      session_fail (s, SOCKS5_REP_NOT_ALLOWED, "denied-by-rule");
      return;
    }
  if (s->se_command == SOCKS5_CMD_RESOLVE)
    reply_resolved (s, allowed, n_allowed);
  else if (s->se_command == SOCKS5_CMD_BIND)
    start_bind (s, allowed, n_allowed);
  else
    start_connect (s, allowed, n_allowed);
}

static void
resolved (void *arg, int reply, const struct socks6_addr *addrs, size_t n)
{
  struct session *s = arg;
  s->se_query = NULL;
  loop_timer_cancel (s->se_gw->loop, &s->se_timer);
  if (reply != SOCKS5_REP_SUCCEEDED)
    {
      session_fail (s, reply, "name-not-found");
      return;
    }
  got_addresses (s, addrs, n);
}

static void
resolved_name (void *arg, int reply, const char *name)
{
  struct session *s = arg;
  struct socks6_addr bound;
  s->se_query = NULL;
  loop_timer_cancel (s->se_gw->loop, &s->se_timer);
  if (reply != SOCKS5_REP_SUCCEEDED
      || socks6_addr_set_name (&bound, name, strlen (name), 0) != SOCKS6_OK)
    {
      session_fail (s, reply ? reply : SOCKS5_REP_HOST_UNREACHABLE,
                    "name-not-found");
      return;
    }
  s->se_peer = s->se_dst;
  if (send_reply (s, SOCKS5_REP_SUCCEEDED, &bound) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  s->se_ok = true;
  session_close (s, "succeeded", false);
}

static void
start_resolving (struct session *s)
{
  struct gateway *gw = s->se_gw;
  session_enter_state (s, SESSION_RESOLVING);
  loop_timer_arm (gw->loop, &s->se_timer, s->se_config->resolve_timeout_ms);
  if (s->se_command == SOCKS5_CMD_RESOLVE_PTR)
    s->se_query = resolver_reverse (gw->resolver, &s->se_dst, resolved_name,
                                    s);
  else
    s->se_query = resolver_lookup (gw->resolver, s->se_dst.u.name.text,
                                   policy_family (s->se_config
                                                  ->resolve_policy),
                                   resolved, s);
  if (!s->se_query)
    session_fail (s, SOCKS5_REP_GENERAL_FAILURE, "out-of-memory");
}

static bool start_chain (struct session *s);

/* The request is decoded: check command and rules, then go to the
   resolver or straight to the connector.  BIND and UDP ASSOCIATE will
   be other connectors started from here.  */
static void
start_request (struct session *s)
{
  struct socks6_addr literal;
  bool is_name = s->se_dst.type == SOCKS6_ADDR_NAME;

  if (start_chain (s))
    return;
  switch (s->se_command)
    {
    case SOCKS5_CMD_CONNECT:
    case SOCKS5_CMD_RESOLVE:
      break;
    case SOCKS5_CMD_RESOLVE_PTR:
      if (is_name && !socks6_name_is_literal (s->se_dst.u.name.text))
        {
          session_fail (s, SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED, NULL);
          return;
        }
      break;
    case SOCKS5_CMD_BIND:
      /* 0.0.0.0 or :: announces any peer of that family: there is no
         destination to judge yet, only the command.  */
      if (socks6_addr_is_unspecified (&s->se_dst))
        {
          if (!config_command_allowed (s->se_config, &s->se_client_addr,
                                       s->se_user, s->se_command))
            session_fail (s, SOCKS5_REP_NOT_ALLOWED, "denied-by-rule");
          else
            start_bind (s, &s->se_dst, 1);
          return;
        }
      break;
    case SOCKS5_CMD_UDP_ASSOCIATE:
      start_udp (s);
      return;
    default:
      session_fail (s, SOCKS5_REP_COMMAND_NOT_SUPPORTED, NULL);
      return;
    }
  if (!request_allowed (s, &s->se_dst))
    {
      session_fail (s, SOCKS5_REP_NOT_ALLOWED, "denied-by-rule");
      return;
    }
  /* A literal address sent as a name (RFC 3089 section 3) needs no DNS.  */
  if (is_name && socks6_addr_parse_literal (&literal, s->se_dst.u.name.text,
                                            s->se_dst.port))
    {
      if (s->se_command == SOCKS5_CMD_RESOLVE_PTR)
        {
          s->se_dst = literal;
          start_resolving (s);
        }
      else
        got_addresses (s, &literal, 1);
      return;
    }
  if (is_name || s->se_command == SOCKS5_CMD_RESOLVE_PTR)
    start_resolving (s);
  else
    got_addresses (s, &s->se_dst, 1);
}

static void relay_run (struct session *s);

static void
remote_event (struct loop_watch *watch, uint32_t events)
{
  struct session *s = watch->data;
  relay_endpoint_event (&s->se_remote.sp_io, events);
  if (s->se_state == SESSION_RELAYING)
    relay_run (s);
}

static void
set_nodelay (int fd)
{
  int one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Hand what the handshake left over to the relay: early data from the
   client goes up first, a reply not yet sent goes down first.  */
static int
start_relay (struct session *s)
{
  struct session_handshake *hs = s->se_hs;
  if (relay_direction_init (&s->se_up, hs->in, hs->in_len) < 0
      || relay_direction_init (&s->se_down, hs->out, hs->out_len) < 0)
    return -1;
  free (hs);
  s->se_hs = NULL;
  session_enter_state (s, SESSION_RELAYING);
  s->se_last_ms = loop_now (s->se_gw->loop);
  if (s->se_config->idle_timeout_ms)
    loop_timer_arm (s->se_gw->loop, &s->se_timer,
                    s->se_config->idle_timeout_ms);
  relay_run (s);
  return 0;
}

static void
connected (void *arg, int fd, int err, const struct socks6_addr *peer)
{
  struct session *s = arg;
  struct gateway *gw = s->se_gw;
  union socks6_sockaddr local;
  socklen_t len = sizeof local;
  struct socks6_addr bound;

  s->se_connector = NULL;
  loop_timer_cancel (gw->loop, &s->se_timer);
  if (fd < 0)
    {
      /* The log names the address that failed: the operator's lead.  */
      if (peer)
        s->se_peer = *peer;
      s->se_errno = err;
      session_fail (s, socks5_reply_from_errno (err), NULL);
      return;
    }
  s->se_peer = *peer;
  /* Not readable until epoll says so: adding the fd (edge-triggered)
     reports what is already there, so nothing is missed, and a read
     that would only fail with EAGAIN is saved.  */
  s->se_remote.sp_io = (struct relay_endpoint) { .fd = fd, .writable = true };
  /* BND.ADDR is the real local address of the outgoing socket: for a
     client of one family reaching a destination of the other, it shows
     the family crossing.  */
  if (getsockname (fd, &local.sa, &len) < 0
      || socks6_addr_from_sockaddr (&bound, &local.sa, len) != SOCKS6_OK)
    {
      /* session_close closes FD through the remote peer.  */
      s->se_errno = errno;
      session_fail (s, SOCKS5_REP_GENERAL_FAILURE, NULL);
      return;
    }
  /* The reply goes out first, even from within the handshake's read
     (where replies wait to be sent together): this is the last one, and
     the client's wait for it is the handshake's latency.  */
  if (send_reply (s, SOCKS5_REP_SUCCEEDED, &bound) < 0 || hs_flush (s) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  s->se_ok = true;
  if (loop_watch_add (gw->loop, &s->se_remote.sp_watch, fd,
                      RELAY_EPOLL_EVENTS, remote_event, s) < 0)
    {
      s->se_errno = errno;
      session_close (s, "internal-error", true);
      return;
    }
  /* After the reply, which waits for nothing else; before the first
     byte to the destination.  */
  set_nodelay (fd);
  if (start_relay (s) < 0)
    session_close (s, "out-of-memory", true);
}

static void
start_connect (struct session *s, const struct socks6_addr *addrs, size_t n)
{
  struct gateway *gw = s->se_gw;
  const struct config *c = s->se_config;
  session_enter_state (s, SESSION_CONNECTING);
  loop_timer_arm (gw->loop, &s->se_timer, c->connect_timeout_ms);
  s->se_connector = connector_start (gw->loop, addrs, n, s->se_dst.port,
                                     c->resolve_policy,
                                     c->happy_eyeballs_delay_ms,
                                     connected, s);
  if (!s->se_connector)
    {
      /* EAFNOSUPPORT: the policy left no address of a usable family.  */
      s->se_errno = errno;
      session_fail (s, errno == EAFNOSUPPORT ? SOCKS5_REP_HOST_UNREACHABLE
                    : SOCKS5_REP_GENERAL_FAILURE, NULL);
      return;
    }
  /* Connected already: reply now.  S may be closed after this (it is
     freed only by the loop).  */
  connector_flush (s->se_connector);
}

/* BIND's second reply: the peer came, so relay as for CONNECT; or the
   wait failed (no peer in time, or a stranger came first).  */
static void
bind_done (void *arg, int fd, int err, const struct socks6_addr *peer)
{
  struct session *s = arg;
  struct gateway *gw = s->se_gw;

  s->se_bind = NULL;
  if (fd < 0)
    {
      s->se_errno = err;
      if (peer)
        s->se_peer = *peer;
      session_fail (s, socks5_reply_from_errno (err),
                    err == EACCES ? "wrong-peer"
                    : err == ETIMEDOUT ? "bind-timeout" : NULL);
      return;
    }
  s->se_peer = *peer;
  s->se_remote.sp_io = (struct relay_endpoint) { .fd = fd, .writable = true };
  set_nodelay (fd);
  if (loop_watch_add (gw->loop, &s->se_remote.sp_watch, fd,
                      RELAY_EPOLL_EVENTS,
                      remote_event, s) < 0)
    {
      s->se_errno = errno;
      session_fail (s, SOCKS5_REP_GENERAL_FAILURE, NULL);
      return;
    }
  if (send_reply (s, SOCKS5_REP_SUCCEEDED, peer) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  s->se_ok = true;
  if (start_relay (s) < 0)
    session_close (s, "out-of-memory", true);
}

/* Where the client reached the gateway, or false.  */
static bool
client_local_address (const struct session *s, struct socks6_addr *here)
{
  union socks6_sockaddr sa;
  socklen_t len = sizeof sa;

  return getsockname (s->se_client.sp_io.fd, &sa.sa, &len) == 0
    && socks6_addr_from_sockaddr (here, &sa.sa, len) == SOCKS6_OK;
}

/* BIND: listen in the family of the peer announced (the one the policy
   prefers, when a name gave both), where that peer can reach the
   gateway, and send the first reply; bind_done sends the second.  */
static void
start_bind (struct session *s, const struct socks6_addr *addrs, size_t n)
{
  struct gateway *gw = s->se_gw;
  const struct config *c = s->se_config;
  struct socks6_addr expected[BIND_MAX_EXPECTED], toward, here, local, bound;
  enum socks6_addr_type want = c->resolve_policy == RESOLVE_PREFER_IPV4
    || c->resolve_policy == RESOLVE_IPV4_ONLY
    ? SOCKS6_ADDR_IPV4 : SOCKS6_ADDR_IPV6;
  size_t n_expected = 0;

  toward = addrs[0];
  for (size_t i = 0; i < n; i++)
    if (addrs[i].type == want)
      {
        toward = addrs[i];
        break;
      }
  bind_address_unmap (&toward);
  for (size_t i = 0; i < n && n_expected < BIND_MAX_EXPECTED; i++)
    {
      expected[n_expected] = addrs[i];
      bind_address_unmap (&expected[n_expected]);
      if (c->bind_check_peer && expected[n_expected].type == toward.type
          && !socks6_addr_is_unspecified (&expected[n_expected]))
        n_expected++;
    }
  session_enter_state (s, SESSION_CONNECTING);
  /* The wait for the peer has its own bound ("timeout bind"); for a
     literal address the handshake's timer is still armed here, and it
     would end the wait as a connect timeout.  */
  loop_timer_cancel (gw->loop, &s->se_timer);
  if (!client_local_address (s, &here))
    {
      s->se_errno = errno;
      session_fail (s, SOCKS5_REP_GENERAL_FAILURE, NULL);
      return;
    }
  bind_local_address (toward.type, c->bind_addresses, 2, &toward, &here,
                      &local);
  s->se_bind = bind_start (gw->loop, &local, expected, n_expected,
                           c->bind_timeout_ms, &bound, bind_done, s);
  if (!s->se_bind)
    {
      s->se_errno = errno;
      session_fail (s, socks5_reply_from_errno (errno), NULL);
      return;
    }
  /* Sent now even inside handshake_io's cork: the client needs it to
     tell its peer where to connect, long before the second reply.  */
  if (send_reply (s, SOCKS5_REP_SUCCEEDED, &bound) < 0 || hs_flush (s) < 0)
    session_close (s, "write-error", true);
}

/* ASSOCIATED: the TCP connection only tells when the association ends;
   what the client sends on it is read and dropped.  */
static void
associated_io (struct session *s)
{
  char sink[512];

  if (hs_flush (s) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  while (s->se_client.sp_io.readable)
    {
      ssize_t n = recv (s->se_client.sp_io.fd, sink, sizeof sink, 0);
      if (n > 0 || (n < 0 && errno == EINTR))
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          s->se_client.sp_io.readable = false;
          return;
        }
      s->se_errno = n < 0 ? errno : 0;
      session_close (s, n < 0 ? "reset" : "succeeded", true);
      return;
    }
}

static void
udp_ended (void *arg, const char *outcome)
{
  session_close (arg, outcome, false);
}

/* UDP ASSOCIATE: a relay socket in the client's family, on the address
   the client reached; each destination is judged by the rules when it
   comes (udp.c), so here only the command is.  */
static void
start_udp (struct session *s)
{
  struct gateway *gw = s->se_gw;
  struct socks6_addr here, bound;
  struct udp_assoc_params p;

  if (!config_command_allowed (s->se_config, &s->se_client_addr, s->se_user,
                               s->se_command))
    {
      session_fail (s, SOCKS5_REP_NOT_ALLOWED, "denied-by-rule");
      return;
    }
  if (!client_local_address (s, &here))
    {
      s->se_errno = errno;
      session_fail (s, SOCKS5_REP_GENERAL_FAILURE, NULL);
      return;
    }
  p = (struct udp_assoc_params) {
    .loop = gw->loop, .resolver = gw->resolver, .config = s->se_config,
    .client = &s->se_client_addr, .user = s->se_user,
    .requested = &s->se_dst, .local = &here,
    .session_id = (unsigned long long) s->se_id
  };
  s->se_udp = udp_assoc_start (&p, &bound, udp_ended, s);
  if (!s->se_udp)
    {
      s->se_errno = errno;
      session_fail (s, socks5_reply_from_errno (errno), NULL);
      return;
    }
  if (send_reply (s, SOCKS5_REP_SUCCEEDED, &bound) < 0 || hs_flush (s) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  s->se_ok = true;
  session_enter_state (s, SESSION_ASSOCIATED);
  associated_io (s);
}

/* Next hops (RFC 3089 section 4).  The far end's reply goes to the
   client as it is; the chain says what a hop that failed amounts to.  */
static void
chained (void *arg, const struct chain_result *r)
{
  struct session *s = arg;
  struct gateway *gw = s->se_gw;

  if (r->hop)
    s->se_hop = r->hop;
  if (r->peer)
    s->se_peer = *r->peer;
  if (!r->final)
    {
      /* BIND's first reply: where the far end waits for the peer.  */
      if (send_reply (s, r->reply, r->bound) < 0 || hs_flush (s) < 0)
        session_close (s, "write-error", true);
      return;
    }
  s->se_chain = NULL;
  if (r->fd < 0)
    {
      s->se_errno = r->err;
      session_fail (s, r->reply, r->outcome);
      return;
    }
  s->se_remote.sp_io = (struct relay_endpoint) { .fd = r->fd,
                                                 .writable = true };
  if (s->se_command == SOCKS5_CMD_RESOLVE
      || s->se_command == SOCKS5_CMD_RESOLVE_PTR)
    {
      close_peer (s, &s->se_remote);
      if (send_reply (s, SOCKS5_REP_SUCCEEDED, r->bound) < 0)
        session_close (s, "write-error", true);
      else
        {
          s->se_ok = true;
          session_close (s, "succeeded", false);
        }
      return;
    }
  set_nodelay (r->fd);
  if (loop_watch_add (gw->loop, &s->se_remote.sp_watch, r->fd,
                      RELAY_EPOLL_EVENTS,
                      remote_event, s) < 0)
    {
      s->se_errno = errno;
      session_fail (s, SOCKS5_REP_GENERAL_FAILURE, NULL);
      return;
    }
  if (send_reply (s, SOCKS5_REP_SUCCEEDED, r->bound) < 0)
    {
      session_close (s, "write-error", true);
      return;
    }
  s->se_ok = true;
  if (start_relay (s) < 0)
    session_close (s, "out-of-memory", true);
}

/* If a route sends this request to a next hop, start the chain (the
   name, if any, goes unresolved: the last gateway resolves it) and
   return true; return false to handle the request here.  */
static bool
start_chain (struct session *s)
{
  const struct socks6_addr *dst = &s->se_dst;
  const struct config_route *route;
  struct socks6_addr literal;
  bool allowed;

  if (s->se_config->n_routes == 0)
    return false;
  switch (s->se_command)
    {
    case SOCKS5_CMD_CONNECT:
    case SOCKS5_CMD_BIND:
    case SOCKS5_CMD_RESOLVE:
    case SOCKS5_CMD_RESOLVE_PTR:
      break;
    default:
      return false;
    }
  if (dst->type == SOCKS6_ADDR_NAME
      && socks6_addr_parse_literal (&literal, dst->u.name.text, dst->port))
    dst = &literal;
  route = config_match_route (s->se_config, &s->se_client_addr, s->se_user,
                              s->se_command, dst);
  if (!route || route->n_hops == 0)
    return false;
  /* BIND's 0.0.0.0 announces any peer: only the command is judged.  */
  if (s->se_command == SOCKS5_CMD_BIND && socks6_addr_is_unspecified (dst))
    allowed = config_command_allowed (s->se_config, &s->se_client_addr,
                                      s->se_user, s->se_command);
  else
    allowed = request_allowed (s, &s->se_dst);
  if (!allowed)
    {
      session_fail (s, SOCKS5_REP_NOT_ALLOWED, "denied-by-rule");
      return true;
    }
  session_enter_state (s, SESSION_CONNECTING);
  /* The chain bounds each hop itself; BIND's wait for its peer is the
     far end's to bound.  */
  loop_timer_cancel (s->se_gw->loop, &s->se_timer);
  s->se_chain = chain_start (s->se_gw, s->se_config, route, s->se_id,
                             s->se_command, &s->se_dst, chained, s);
  if (!s->se_chain)
    session_fail (s, SOCKS5_REP_GENERAL_FAILURE, "out-of-memory");
  return true;
}

static void
relay_again (struct loop_deferred *d)
{
  struct session *s = d->data;
  if (s->se_state == SESSION_RELAYING)
    relay_run (s);
}

/* Move bytes both ways; end the session when both directions are done,
   and come back next turn when a direction used its budget.  */
static void
relay_run (struct session *s)
{
  struct gateway *gw = s->se_gw;
  size_t up_budget = SESSION_RELAY_BUDGET, down_budget = SESSION_RELAY_BUDGET;
  enum relay_status up, down;

  /* When the other direction is done, this one's end closes both
     sockets at once: its SHUT_WR would be a system call for nothing.  */
  s->se_up.close_follows = s->se_down.done;
  up = relay_move (gw->pipes, &s->se_up, &s->se_client.sp_io,
                   &s->se_remote.sp_io, &up_budget);
  if (up == RELAY_ERROR)
    goto error;
  s->se_down.close_follows = s->se_up.done;
  down = relay_move (gw->pipes, &s->se_down, &s->se_remote.sp_io,
                     &s->se_client.sp_io, &down_budget);
  if (down == RELAY_ERROR)
    goto error;
  if (down == RELAY_DONE)
    s->se_client_shut = true;
  s->se_last_ms = loop_now (gw->loop);
  if (up == RELAY_DONE && down == RELAY_DONE)
    {
      session_close (s, "succeeded", true);
      return;
    }
  if (up == RELAY_MORE || down == RELAY_MORE)
    loop_defer (gw->loop, &s->se_more, relay_again, s);
  return;
error:
  s->se_errno = errno;
  session_close (s, "reset", false);
}

/* While a request is served (resolving, connecting, a next hop's
   handshake, BIND's wait for its peer), the client's input waits for the
   relay.  A client that closed without sending anything after its
   request wants nothing more: say so, so that the session ends at once,
   freeing its slot, the outgoing attempt or BIND's port, instead of
   when the state's timeout expires.  One that half-closed after early
   data still waits for an answer, and its end of file goes to the
   destination behind that data.  A half-close with nothing before it
   looks exactly like a close, and counts as one.  Costs a system call
   only when input was reported since the last read drained the
   socket.  */
static bool
client_left (struct session *s)
{
  char c;
  ssize_t n;

  if (!s->se_client.sp_io.readable || (s->se_hs && s->se_hs->in_len > 0))
    return false;
  do
    n = recv (s->se_client.sp_io.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    return false;
  if (n < 0 && errno == EAGAIN)
    {
      s->se_client.sp_io.readable = false;
      return false;
    }
  s->se_errno = n < 0 ? errno : 0;
  return true;
}

static void
client_event (struct loop_watch *watch, uint32_t events)
{
  struct session *s = watch->data;
  relay_endpoint_event (&s->se_client.sp_io, events);
  switch (s->se_state)
    {
    case SESSION_GREETING:
    case SESSION_AUTH:
    case SESSION_REQUEST:
      handshake_io (s);
      break;
    case SESSION_RESOLVING:
    case SESSION_CONNECTING:
      /* Input waits for the relay; a client that vanished ends it.  */
      if ((events & (EPOLLHUP | EPOLLERR)) || client_left (s))
        session_close (s, "client-closed", true);
      else if (hs_flush (s) < 0)
        session_close (s, "write-error", true);
      break;
    case SESSION_RELAYING:
      relay_run (s);
      break;
    case SESSION_ASSOCIATED:
      associated_io (s);
      break;
    case SESSION_CLOSING:
      closing_io (s);
      break;
    default:
      break;
    }
}

static void
session_timeout (struct loop_timer *timer)
{
  struct session *s = timer->data;
  struct gateway *gw = s->se_gw;
  uint64_t idle;

  switch (s->se_state)
    {
    case SESSION_GREETING:
    case SESSION_AUTH:
    case SESSION_REQUEST:
      session_close (s, "handshake-timeout", true);
      break;
    case SESSION_RESOLVING:
      session_fail (s, socks5_reply_from_ares (ARES_ETIMEOUT),
                    "resolve-timeout");
      break;
    case SESSION_CONNECTING:
      if (s->se_connector)
        s->se_peer = *connector_last_tried (s->se_connector);
      s->se_errno = ETIMEDOUT;
      session_fail (s, socks5_reply_from_errno (ETIMEDOUT),
                    "connect-timeout");
      break;
    case SESSION_RELAYING:
      /* The timer is not moved on every read; it checks on expiry.  */
      idle = loop_now (gw->loop) - s->se_last_ms;
      if (idle < s->se_config->idle_timeout_ms)
        loop_timer_arm (gw->loop, &s->se_timer,
                        s->se_config->idle_timeout_ms - idle);
      else
        session_close (s, "idle-timeout", false);
      break;
    case SESSION_CLOSING:
      session_finalize (s);
      break;
    default:
      break;
    }
}

/* Count a new session from CLIENT in all workers, unless that passes a
   limit of CONFIG.  Over a limit, the connection is closed before any
   byte is read, which the client sees as a refused session.  */
static bool
count_session (struct gateway *gw, const struct config *c,
               const struct socks6_addr *client)
{
  struct gateway_shared *shared = gw->shared;
  bool ok;
  if (atomic_fetch_add (&shared->active, 1) >= c->max_sessions
      && c->max_sessions)
    {
      atomic_fetch_sub (&shared->active, 1);
      return false;
    }
  pthread_mutex_lock (&shared->lock);
  ok = client_count_add (shared->clients, client,
                         c->max_sessions_per_client);
  pthread_mutex_unlock (&shared->lock);
  if (!ok)
    atomic_fetch_sub (&shared->active, 1);
  return ok;
}

void
session_accept (struct gateway *gw, int fd, const struct socks6_addr *client)
{
  struct session *s = calloc (1, sizeof *s);
  struct config *config = gateway_config_current (gw->shared);

  if (!s || !(s->se_hs = malloc (sizeof *s->se_hs))
      || !count_session (gw, config, client))
    {
      if (s && s->se_hs)
        gw->stats.refused_limit++;
      if (s)
        free (s->se_hs);
      free (s);
      gateway_config_unref (gw->shared, config);
      close (fd);
      return;
    }
  s->se_hs->in_len = s->se_hs->out_len = 0;
  s->se_gw = gw;
  s->se_id = atomic_fetch_add (&gw->shared->next_session_id, 1) + 1;
  s->se_config = config;
  s->se_client_addr = *client;
  s->se_counted = true;
  s->se_start_ms = loop_now (gw->loop);
  s->se_state = SESSION_GREETING;
  s->se_client.sp_io = (struct relay_endpoint) { .fd = fd };
  s->se_client.sp_watch.fd = -1;
  s->se_remote.sp_io.fd = s->se_remote.sp_watch.fd = -1;
  loop_timer_init (&s->se_timer, session_timeout, s);
  gw->stats.accepted++;
  gw->stats.active++;
  gw->stats.by_state[SESSION_GREETING]++;
  s->se_next = gw->sessions;
  if (gw->sessions)
    gw->sessions->se_prev = s;
  gw->sessions = s;
  /* Slowloris: the whole handshake has one deadline from accept.  */
  loop_timer_arm (gw->loop, &s->se_timer, s->se_config->handshake_timeout_ms);
  /* Clients speak first and, with TCP_DEFER_ACCEPT, already have: read
     at once, and start connecting, before the socket goes into epoll
     (the handshake's latency does not wait for epoll_ctl).  Adding it
     afterwards, edge-triggered, reports whatever came meanwhile, so
     nothing is missed.  TCP_NODELAY comes from the listening socket.  */
  s->se_client.sp_io.readable = s->se_client.sp_io.writable = true;
  handshake_io (s);
  if (s->se_client.sp_io.fd == fd
      && loop_watch_add (gw->loop, &s->se_client.sp_watch, fd,
                         RELAY_EPOLL_EVENTS,
                         client_event, s) < 0)
    {
      s->se_errno = errno;
      session_close (s, "internal-error", true);
    }
}

void
session_close_all (struct gateway *gw, const char *outcome)
{
  while (gw->sessions)
    {
      struct session *s = gw->sessions;
      session_close (s, outcome, true);
    }
}
