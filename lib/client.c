/* The SOCKS 5 client engine (see client.h): greeting, method choice,
   RFC 1929 sub-negotiation, request and reply(ies), as a state machine fed
   bytes and asked for bytes, built only on the decoders and encoders of
   socks5.h so the client and the gateway share one wire format.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "client.h"

#include <string.h>

#include "replycode.h"

/* Overwrite a secret so the compiler cannot drop the stores as dead.  */
static void
client_wipe (void *p, size_t n)
{
  volatile unsigned char *v = p;
  while (n--)
    *v++ = 0;
}

/* The one place a state changes, so every transition is stamped.  */
static void
client_enter (struct socks5_client *c, enum socks5_client_state state)
{
  c->cl_state = state;
  if (c->cl_clock)
    {
      uint64_t now = c->cl_clock (c->cl_clock_arg);
      /* 0 means "never entered"; a clock starting at 0 must not say so.  */
      c->cl_entered[state] = now ? now : 1;
    }
  c->cl_in_len = 0;
  c->cl_in_need = 0;
}

static int
client_fail (struct socks5_client *c, int error)
{
  c->cl_error = error;
  /* Queued bytes (maybe credentials) are moot once the handshake failed. */
  client_wipe (c->cl_out, sizeof c->cl_out);
  c->cl_out_start = c->cl_out_end = 0;
  client_enter (c, SOCKS5_CLIENT_FAILED);
  return error;
}

void
socks5_client_init (struct socks5_client *c)
{
  memset (c, 0, sizeof *c);
  c->cl_state = SOCKS5_CLIENT_INIT;
  c->cl_command = SOCKS5_CMD_CONNECT;
  c->cl_method = -1;
  c->cl_auth_status = -1;
}

int
socks5_client_set_request (struct socks5_client *c, uint8_t command,
                           const struct socks6_addr *dst)
{
  if (c->cl_state != SOCKS5_CLIENT_INIT || dst == NULL)
    return SOCKS6_E_INVALID;
  c->cl_command = command;
  c->cl_dst = *dst;
  return SOCKS6_OK;
}

int
socks5_client_set_credentials (struct socks5_client *c,
                               const char *user, size_t user_len,
                               const char *pass, size_t pass_len)
{
  if (c->cl_state != SOCKS5_CLIENT_INIT || user == NULL || pass == NULL)
    return SOCKS6_E_INVALID;
  if (user_len == 0)
    return SOCKS6_E_USER_EMPTY;
  if (pass_len == 0)
    return SOCKS6_E_PASS_EMPTY;
  if (user_len > sizeof c->cl_user || pass_len > sizeof c->cl_pass)
    return SOCKS6_E_INVALID;
  memcpy (c->cl_user, user, user_len);
  memcpy (c->cl_pass, pass, pass_len);
  c->cl_user_len = user_len;
  c->cl_pass_len = pass_len;
  c->cl_has_credentials = true;
  return SOCKS6_OK;
}

void
socks5_client_set_pipelining (struct socks5_client *c, bool enable)
{
  if (c->cl_state == SOCKS5_CLIENT_INIT)
    c->cl_pipelining = enable;
}

void
socks5_client_set_clock (struct socks5_client *c,
                         socks5_client_clock *clock, void *arg)
{
  c->cl_clock = clock;
  c->cl_clock_arg = arg;
}

/* Append the RFC 1929 request to the output, then forget the secret.  */
static int
client_queue_userpass (struct socks5_client *c)
{
  ssize_t n = socks5_encode_userpass (c->cl_out + c->cl_out_end,
                                      sizeof c->cl_out - c->cl_out_end,
                                      c->cl_user, c->cl_user_len,
                                      c->cl_pass, c->cl_pass_len);
  client_wipe (c->cl_pass, sizeof c->cl_pass);
  c->cl_pass_len = 0;
  if (n < 0)
    return n;
  c->cl_out_end += n;
  return SOCKS6_OK;
}

static int
client_queue_request (struct socks5_client *c)
{
  ssize_t n = socks5_encode_request (c->cl_out + c->cl_out_end,
                                     sizeof c->cl_out - c->cl_out_end,
                                     c->cl_command, &c->cl_dst);
  if (n < 0)
    return n;
  c->cl_out_end += n;
  return SOCKS6_OK;
}

int
socks5_client_start (struct socks5_client *c)
{
  uint8_t methods[2];
  size_t nmethods = 0;
  ssize_t n;

  if (c->cl_state != SOCKS5_CLIENT_INIT)
    return SOCKS6_E_INVALID;
  /* Pipelined, one method only, so the server's choice is known in
     advance and the queued messages are the right ones.  */
  if (!c->cl_has_credentials || !c->cl_pipelining)
    methods[nmethods++] = SOCKS5_METHOD_NONE;
  if (c->cl_has_credentials)
    methods[nmethods++] = SOCKS5_METHOD_USERPASS;
  n = socks5_encode_greeting (c->cl_out, sizeof c->cl_out, methods, nmethods);
  if (n < 0)
    return client_fail (c, n);
  c->cl_out_start = 0;
  c->cl_out_end = n;
  if (c->cl_pipelining)
    {
      int rc = c->cl_has_credentials ? client_queue_userpass (c) : SOCKS6_OK;
      if (rc == SOCKS6_OK)
        rc = client_queue_request (c);
      if (rc != SOCKS6_OK)
        return client_fail (c, rc);
    }
  client_enter (c, SOCKS5_CLIENT_METHOD);
  return SOCKS6_OK;
}

const uint8_t *
socks5_client_output (const struct socks5_client *c, size_t *len)
{
  *len = c->cl_out_end - c->cl_out_start;
  return c->cl_out + c->cl_out_start;
}

void
socks5_client_output_done (struct socks5_client *c, size_t n)
{
  size_t pending = c->cl_out_end - c->cl_out_start;

  if (n > pending)
    n = pending;
  client_wipe (c->cl_out + c->cl_out_start, n);
  c->cl_out_start += n;
  if (c->cl_out_start == c->cl_out_end)
    c->cl_out_start = c->cl_out_end = 0;
}

/* Queue what follows the method choice (unless pipelining queued it
   already) and enter the state awaiting its answer.  */
static void
client_on_method (struct socks5_client *c, uint8_t method)
{
  bool auth = c->cl_has_credentials && method == SOCKS5_METHOD_USERPASS;
  bool none = method == SOCKS5_METHOD_NONE
    && !(c->cl_pipelining && c->cl_has_credentials);
  int rc = SOCKS6_OK;

  c->cl_method = method;
  if (method == SOCKS5_METHOD_UNACCEPTABLE)
    rc = SOCKS6_E_METHOD;
  else if (!auth && !none)
    /* A method we never offered: nothing we could say next is right.  */
    rc = SOCKS6_E_PROTOCOL;
  else if (!c->cl_pipelining)
    rc = auth ? client_queue_userpass (c) : client_queue_request (c);
  if (rc != SOCKS6_OK)
    client_fail (c, rc);
  else
    client_enter (c, auth ? SOCKS5_CLIENT_AUTH : SOCKS5_CLIENT_REPLY);
}

static void
client_on_auth (struct socks5_client *c, uint8_t status)
{
  int rc = SOCKS6_OK;

  c->cl_auth_status = status;
  client_wipe (c->cl_user, sizeof c->cl_user);
  if (status != 0)
    rc = SOCKS6_E_AUTH;
  else if (!c->cl_pipelining)
    rc = client_queue_request (c);
  if (rc != SOCKS6_OK)
    client_fail (c, rc);
  else
    client_enter (c, SOCKS5_CLIENT_REPLY);
}

/* Keep the reply; BIND's first success awaits the peer's.  */
static void
client_on_reply (struct socks5_client *c, const struct socks5_reply *reply)
{
  c->cl_reply[c->cl_replies++] = *reply;
  if (reply->reply != SOCKS5_REP_SUCCEEDED)
    client_fail (c, SOCKS6_E_REPLY);
  else if (c->cl_command == SOCKS5_CMD_BIND && c->cl_replies == 1)
    client_enter (c, SOCKS5_CLIENT_BIND_PEER);
  else
    client_enter (c, SOCKS5_CLIENT_DONE);
}

/* Decode the message expected in the current state from BUF (LEN) and,
   when it is whole, act on it.  Return the decoder's verdict: SOCKS6_OK
   (acted on; the engine may have settled), SOCKS6_AGAIN with *USED the
   least length, or its error.  */
static int
client_decode (struct socks5_client *c, const uint8_t *buf, size_t len,
               size_t *used)
{
  struct socks5_reply reply;
  uint8_t octet;
  int rc;

  switch (c->cl_state)
    {
    case SOCKS5_CLIENT_METHOD:
      rc = socks5_decode_method_reply (buf, len, &octet, used);
      if (rc == SOCKS6_OK)
        client_on_method (c, octet);
      return rc;
    case SOCKS5_CLIENT_AUTH:
      rc = socks5_decode_userpass_reply (buf, len, &octet, used);
      if (rc == SOCKS6_OK)
        client_on_auth (c, octet);
      return rc;
    case SOCKS5_CLIENT_REPLY:
    case SOCKS5_CLIENT_BIND_PEER:
      rc = socks5_decode_reply (buf, len, &reply, used);
      if (rc == SOCKS6_OK)
        client_on_reply (c, &reply);
      return rc;
    default:
      return SOCKS6_E_INVALID;
    }
}

/* The result a settled engine keeps giving.  */
static int
client_settled (const struct socks5_client *c)
{
  if (c->cl_state == SOCKS5_CLIENT_DONE)
    return SOCKS6_OK;
  if (c->cl_state == SOCKS5_CLIENT_FAILED)
    return c->cl_error;
  return SOCKS6_AGAIN;
}

/* Messages are gathered in cl_in, never more octets than the decoder
   says the message needs, so no byte of the stream after the last reply
   is taken.  The copy is at most one reply, 262 octets.  */
int
socks5_client_input (struct socks5_client *c, const uint8_t *buf, size_t len,
                     size_t *consumed)
{
  size_t taken = 0;

  *consumed = 0;
  if (c->cl_state == SOCKS5_CLIENT_INIT)
    return SOCKS6_E_INVALID;
  while (client_settled (c) == SOCKS6_AGAIN)
    {
      size_t need = c->cl_in_need > c->cl_in_len ? c->cl_in_need
        : c->cl_in_len + 1;
      size_t chunk = need - c->cl_in_len;
      size_t used;
      int rc;

      if (need > sizeof c->cl_in)
        return client_fail (c, SOCKS6_E_PROTOCOL);
      if (chunk > len - taken)
        chunk = len - taken;
      if (chunk == 0)
        break;
      memcpy (c->cl_in + c->cl_in_len, buf + taken, chunk);
      c->cl_in_len += chunk;
      taken += chunk;
      *consumed = taken;
      rc = client_decode (c, c->cl_in, c->cl_in_len, &used);
      if (rc == SOCKS6_AGAIN)
        c->cl_in_need = used > c->cl_in_len ? used : c->cl_in_len + 1;
      else if (rc < 0)
        return client_fail (c, rc);
      /* On SOCKS6_OK the handler entered a new state, which emptied
         cl_in.  */
    }
  return client_settled (c);
}

int
socks5_client_eof (struct socks5_client *c)
{
  int rc = client_settled (c);

  if (rc != SOCKS6_AGAIN)
    return rc;
  if (c->cl_state == SOCKS5_CLIENT_INIT)
    return SOCKS6_E_INVALID;
  {
    /* Keep what was buffered visible for "closed after N octets".  */
    size_t have = c->cl_in_len, need = c->cl_in_need;
    client_fail (c, SOCKS6_E_PROTOCOL);
    c->cl_in_len = have;
    c->cl_in_need = need;
  }
  return SOCKS6_E_PROTOCOL;
}

enum socks5_client_state
socks5_client_state (const struct socks5_client *c)
{
  return c->cl_state;
}

int
socks5_client_error (const struct socks5_client *c)
{
  return c->cl_state == SOCKS5_CLIENT_FAILED ? c->cl_error : SOCKS6_OK;
}

int
socks5_client_method (const struct socks5_client *c)
{
  return c->cl_method;
}

int
socks5_client_auth_status (const struct socks5_client *c)
{
  return c->cl_auth_status;
}

const struct socks5_reply *
socks5_client_reply (const struct socks5_client *c, unsigned int index)
{
  return index < c->cl_replies ? &c->cl_reply[index] : NULL;
}

int
socks5_client_reply_code (const struct socks5_client *c)
{
  return c->cl_replies ? c->cl_reply[c->cl_replies - 1].reply : -1;
}

size_t
socks5_client_buffered (const struct socks5_client *c)
{
  return c->cl_in_len;
}

size_t
socks5_client_expected (const struct socks5_client *c)
{
  if (c->cl_in_len == 0 && c->cl_in_need == 0)
    return 0;
  return c->cl_in_need > c->cl_in_len ? c->cl_in_need : c->cl_in_len + 1;
}

uint64_t
socks5_client_time (const struct socks5_client *c,
                    enum socks5_client_state state)
{
  return state < SOCKS5_CLIENT_STATE_COUNT ? c->cl_entered[state] : 0;
}

const char *
socks5_client_state_name (enum socks5_client_state state)
{
  static const char *const names[SOCKS5_CLIENT_STATE_COUNT] = {
    "init", "method", "auth", "reply", "bind-peer", "done", "failed"
  };
  return state < SOCKS5_CLIENT_STATE_COUNT ? names[state] : "unknown";
}
