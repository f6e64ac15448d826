/* Client-side chains of gateways in libsocks6-preload.so (--chain,
   RFC 3089 section 4 seen from the client, proxychains-style): the
   program's socket reaches the first gateway; a CONNECT through it
   reaches the second, whose own SOCKS 5 handshake then runs inside that
   tunnel, and so on; the last gateway gets the program's request, with
   the destination's name when it has one, so the last gateway resolves
   it.  Each hop is one run of libsocks6's client engine over the same
   socket, in sequence; without --chain the "chain" has one hop and this
   is the plain handshake.

   Pipelining across hops: a gateway that has connected relays whatever
   the client sent after its request, also bytes that arrived before the
   connection was made (they wait in its socket buffer).  So the
   greetings and requests of every hop can go in one write, and the
   whole chain costs one round trip plus each gateway's connect time,
   when no hop authenticates: with credentials the later hops' messages
   would depend on answers not yet seen, and a password would travel to
   a hop whose predecessor had failed, so each hop then waits for the
   one before it.  If hop N fails, the bytes meant for later hops are
   simply dropped with the connection.

   The bytes of later hops are produced up front by engines that are
   then thrown away; when a hop's turn comes its engine is made again
   from the same settings, produces the same bytes, and is told they
   were sent.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "preload.h"

static size_t
preload_chain_hops (void)
{
  const struct socksify_settings *s = &preload_state.settings;
  return s->chain && s->nservers > 1 ? s->nservers : 1;
}

/* The engine of hop K: a CONNECT to the next gateway, or, on the last
   hop, the program's own request.  */
static int
preload_chain_engine (const struct preload_chain *c, size_t k,
                      struct socks5_client *client)
{
  if (k + 1 < c->hops)
    return preload_gateway_engine (client, SOCKS5_CMD_CONNECT,
                                   &preload_state.settings.servers[k + 1]);
  return preload_gateway_engine (client, c->command, &c->dst);
}

/* Queue the messages of hops 1 and later behind hop 0's.  */
static int
preload_chain_queue_ahead (struct preload_chain *c)
{
  for (size_t k = 1; k < c->hops; k++)
    {
      struct socks5_client later;
      if (preload_chain_engine (c, k, &later) != 0)
        return EINVAL;
      size_t len;
      const uint8_t *out = socks5_client_output (&later, &len);
      if (len > sizeof c->ahead_buf - c->ahead_len)
        return EINVAL;
      memcpy (c->ahead_buf + c->ahead_len, out, len);
      c->ahead_len += len;
    }
  return 0;
}

int
preload_chain_start (struct preload_chain *c, uint8_t command,
                     const struct socks6_addr *dst)
{
  const struct preload_state *st = &preload_state;
  memset (c, 0, sizeof *c);
  c->command = command;
  c->dst = *dst;
  c->hops = preload_chain_hops ();
  if (preload_chain_engine (c, 0, &c->client) != 0)
    return EINVAL;
  c->ahead = c->hops > 1 && st->settings.pipelining
    && !(st->settings.user[0] && st->password_len > 0);
  return c->ahead ? preload_chain_queue_ahead (c) : 0;
}

const uint8_t *
preload_chain_output (const struct preload_chain *c, size_t *len)
{
  const uint8_t *out = socks5_client_output (&c->client, len);
  if (*len > 0)
    return out;
  *len = c->ahead_len - c->ahead_sent;
  return c->ahead_buf + c->ahead_sent;
}

void
preload_chain_output_done (struct preload_chain *c, size_t n)
{
  size_t len;
  socks5_client_output (&c->client, &len);
  if (len > 0)
    socks5_client_output_done (&c->client, n);
  else
    c->ahead_sent += n < c->ahead_len - c->ahead_sent
      ? n : c->ahead_len - c->ahead_sent;
}

/* Hop C->hop succeeded: on to the next.  */
static int
preload_chain_next (struct preload_chain *c)
{
  c->hop++;
  if (preload_chain_engine (c, c->hop, &c->client) != 0)
    return SOCKS6_E_INVALID;
  if (c->ahead)
    {
      /* Its bytes are in the ahead buffer, sent or about to be.  */
      size_t len;
      socks5_client_output (&c->client, &len);
      socks5_client_output_done (&c->client, len);
    }
  return SOCKS6_AGAIN;
}

int
preload_chain_input (struct preload_chain *c, const uint8_t *buf,
                     size_t len, size_t *consumed)
{
  size_t total = 0;
  int rc;
  for (;;)
    {
      size_t used = 0;
      rc = socks5_client_input (&c->client, buf + total, len - total, &used);
      total += used;
      if (rc != SOCKS6_OK || c->hop + 1 == c->hops)
        break;
      rc = preload_chain_next (c);
      if (rc != SOCKS6_AGAIN || total == len)
        break;
    }
  *consumed = total;
  return rc;
}

int
preload_chain_eof (struct preload_chain *c)
{
  return socks5_client_eof (&c->client);
}

int
preload_chain_errno (const struct preload_chain *c, int rc)
{
  return rc == SOCKS6_E_INVALID ? EINVAL
    : preload_handshake_errno (&c->client, rc);
}

/* Say which hop failed: without it, "connection refused" from a chain
   could be the destination's or any gateway's.  */
void
preload_chain_log (const struct preload_chain *c, int err)
{
  if (c->hops < 2)
    return;
  const struct socks6_addr *servers = preload_state.settings.servers;
  char from[SOCKS6_ADDR_TEXT_MAX], to[SOCKS6_ADDR_TEXT_MAX];
  socks6_addr_format (&servers[c->hop], true, from, sizeof from);
  if (c->hop + 1 < c->hops)
    socks6_addr_format (&servers[c->hop + 1], true, to, sizeof to);
  else
    socks6_addr_format (&c->dst, true, to, sizeof to);
  if (err)
    preload_log (SOCKSIFY_LOG_INFO, "chain: hop %zu of %zu (%s) failed "
                 "to reach %s: %s", c->hop + 1, c->hops, from, to,
                 strerror (err));
  else
    preload_log (SOCKSIFY_LOG_DEBUG, "chain: %zu hops, the last (%s) "
                 "reached %s", c->hops, from, to);
}

bool
preload_chain_bind_listening (const struct preload_chain *c)
{
  return c->hop + 1 == c->hops
    && socks5_client_reply (&c->client, 0) != NULL;
}

/* Send what is queued, without waiting.  */
static int
preload_chain_send (int fd, struct preload_chain *c)
{
  size_t len;
  const uint8_t *out;
  while ((out = preload_chain_output (c, &len)) && len > 0)
    {
      ssize_t n = send (fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0)
        preload_chain_output_done (c, n);
      else if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
      else
        return n < 0 ? errno : EPROTO;
    }
  return 0;
}

/* Replies are read with MSG_PEEK and only what the engines used is
   taken off the socket: a server that speaks first (SSH, SMTP) may send
   its banner in the same segment as the last reply, and that banner is
   the program's.  */
int
preload_chain_pump (int fd, struct preload_chain *c)
{
  for (;;)
    {
      /* Settled already (BIND's two replies in one read): nothing more
         will come for it.  */
      if (c->hop + 1 == c->hops
          && socks5_client_state (&c->client) == SOCKS5_CLIENT_DONE)
        return 0;
      int err = preload_chain_send (fd, c);
      if (err)
        return err;
      uint8_t buf[SOCKS5_REQUEST_MAX];
      ssize_t n = recv (fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0)
        return errno == EAGAIN || errno == EINTR ? EINPROGRESS : errno;
      size_t used = 0;
      int rc = n > 0 ? preload_chain_input (c, buf, n, &used)
        : preload_chain_eof (c);
      if (used > 0 && recv (fd, buf, used, MSG_DONTWAIT) != (ssize_t) used)
        return EPROTO;
      if (rc == SOCKS6_OK)
        return 0;
      if (rc != SOCKS6_AGAIN)
        return preload_chain_errno (c, rc);
      if (used == 0)
        return EPROTO;          /* an engine that takes nothing: stuck */
    }
}

void
preload_chain_wipe (struct preload_chain *c)
{
  explicit_bzero (c, sizeof *c);
}
