/* The SOCKS 5 client engine: the one resumable state machine that speaks
   the client side of RFC 1928 and RFC 1929 for the whole suite (socksify's
   preload library, socks6-probe, and socks6d's chain connector, RFC 3089
   section 4).

   It does no I/O and no allocation.  The caller owns the socket: it asks
   the engine for the bytes to send (socks5_client_output), tells it how
   many were written (socks5_client_output_done), and feeds it whatever it
   received (socks5_client_input), in pieces of any size, down to one byte
   at a time.  The engine never consumes a byte past the last reply, so
   data the server sends right after it (the relayed stream) stays with
   the caller.

   A typical loop:

     socks5_client_init (&c);
     socks5_client_set_request (&c, SOCKS5_CMD_CONNECT, &dst);
     socks5_client_start (&c);
     for (;;)
       {
         out = socks5_client_output (&c, &n);   -- write N bytes if N > 0,
         socks5_client_output_done (&c, written);
         n = read (...);                        -- 0 means end of file:
         rc = n > 0 ? socks5_client_input (&c, buf, n, &used)
                    : socks5_client_eof (&c);
         if (rc != SOCKS6_AGAIN) break;         -- OK: relay; < 0: failed
       }

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_CLIENT_H
#define SOCKS6_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "errcode.h"
#include "socks5.h"

/* Where the engine stands.  Every transition goes through one function in
   client.c, which stamps the time the new state was entered.  */
enum socks5_client_state
{
  SOCKS5_CLIENT_INIT = 0,       /* configured, nothing produced yet */
  SOCKS5_CLIENT_METHOD,         /* greeting queued; awaiting the method */
  SOCKS5_CLIENT_AUTH,           /* RFC 1929 request queued; awaiting status */
  SOCKS5_CLIENT_REPLY,          /* request queued; awaiting the reply */
  SOCKS5_CLIENT_BIND_PEER,      /* BIND: first reply in; awaiting the second */
  SOCKS5_CLIENT_DONE,           /* succeeded; what follows is the stream */
  SOCKS5_CLIENT_FAILED,         /* see socks5_client_error */
  SOCKS5_CLIENT_STATE_COUNT
};

/* A monotonic clock in nanoseconds, chosen by the caller, so the library
   needs no clock of its own and tests can use a fake one.  */
typedef uint64_t socks5_client_clock (void *arg);

/* Largest output the engine queues at once: greeting, RFC 1929 request
   and request, when pipelined.  */
#define SOCKS5_CLIENT_OUTPUT_MAX \
  (SOCKS5_GREETING_MAX + SOCKS5_USERPASS_MAX + SOCKS5_REQUEST_MAX)

/* The engine's state.  Embed it (no allocation needed); the members are
   private: use the functions below.  */
struct socks5_client
{
  enum socks5_client_state cl_state;
  int cl_error;                 /* SOCKS6_E_* once FAILED, else 0 */
  uint8_t cl_command;
  bool cl_pipelining;
  bool cl_has_credentials;
  int cl_method;                /* the server's choice, -1 before */
  int cl_auth_status;           /* RFC 1929 STATUS, -1 before */
  unsigned int cl_replies;      /* replies received: 0, 1, 2 (BIND) */
  struct socks6_addr cl_dst;
  struct socks5_reply cl_reply[2];
  uint8_t cl_user_len, cl_pass_len;
  char cl_user[255];
  char cl_pass[255];
  uint8_t cl_out[SOCKS5_CLIENT_OUTPUT_MAX];
  size_t cl_out_start, cl_out_end;
  uint8_t cl_in[SOCKS5_REQUEST_MAX];    /* the message being received */
  size_t cl_in_len;
  size_t cl_in_need;            /* the decoder's "at least this long" */
  socks5_client_clock *cl_clock;
  void *cl_clock_arg;
  uint64_t cl_entered[SOCKS5_CLIENT_STATE_COUNT];
};

/* Reset CLIENT to INIT with no request, no credentials, no pipelining,
   no clock.  */
extern void socks5_client_init (struct socks5_client *client);

/* Set the command (any octet: CONNECT, BIND, UDP ASSOCIATE, RESOLVE, or a
   deliberate unknown one) and the destination, copied.  Only in INIT.
   Return SOCKS6_OK or SOCKS6_E_INVALID.  */
extern int socks5_client_set_request (struct socks5_client *client,
                                      uint8_t command,
                                      const struct socks6_addr *dst);

/* Offer username/password (RFC 1929) with these credentials, copied.
   Each must be 1..255 octets.  Only in INIT.  Return SOCKS6_OK,
   SOCKS6_E_USER_EMPTY, SOCKS6_E_PASS_EMPTY or SOCKS6_E_INVALID.  The
   engine wipes its copies once they are encoded, and the encoded bytes
   once they are sent.  */
extern int socks5_client_set_credentials (struct socks5_client *client,
                                          const char *user, size_t user_len,
                                          const char *pass, size_t pass_len);

/* Queue every message at once instead of waiting for each answer, so a
   CONNECT costs one round trip.  This is safe only because the greeting
   then offers exactly one method: "no authentication" without
   credentials, "username/password" with them (a server that does not
   offer that method answers X'FF' and the queued bytes are moot).  Without
   pipelining, a greeting with credentials offers both methods.  Some
   servers (those reading one message per recv) lose pipelined bytes; the
   caller decides.  Only in INIT.  */
extern void socks5_client_set_pipelining (struct socks5_client *client,
                                          bool enable);

/* Stamp each state transition with CLOCK (ARG).  Optional.  */
extern void socks5_client_set_clock (struct socks5_client *client,
                                     socks5_client_clock *clock, void *arg);

/* Leave INIT: queue the greeting (and, pipelined, the rest) and enter
   METHOD.  Return SOCKS6_OK, or an encoder error (the engine is FAILED).  */
extern int socks5_client_start (struct socks5_client *client);

/* The bytes waiting to be sent, *LEN of them (0 when none).  The pointer
   stays valid until the next call that changes CLIENT.  */
extern const uint8_t *socks5_client_output (const struct socks5_client
                                            *client, size_t *len);

/* N of the bytes socks5_client_output gave were written.  */
extern void socks5_client_output_done (struct socks5_client *client,
                                       size_t n);

/* Feed LEN received bytes.  *CONSUMED is set to how many the handshake
   used; the rest (only ever after SOCKS6_OK) is the relayed stream.
   Return SOCKS6_AGAIN (more input needed; check socks5_client_output:
   an answer may have queued a message), SOCKS6_OK (the handshake
   succeeded: state DONE), or a negative error, the same as
   socks5_client_error: SOCKS6_E_METHOD (no acceptable method),
   SOCKS6_E_AUTH (the credentials were refused), SOCKS6_E_REPLY (a failure
   reply: see socks5_client_reply_code), SOCKS6_E_VERSION, SOCKS6_E_ATYP,
   SOCKS6_E_PROTOCOL (a method that was not offered, a malformed or
   oversized message) or another decoder error.  Feeding a DONE or FAILED
   engine consumes nothing and returns the same result again.  */
extern int socks5_client_input (struct socks5_client *client,
                                const uint8_t *buf, size_t len,
                                size_t *consumed);

/* The server closed its side.  Before DONE this is a failure,
   SOCKS6_E_PROTOCOL (socks5_client_buffered tells whether it came in the
   middle of a message); after DONE or FAILED nothing changes.  Return
   the result socks5_client_input would now return.  */
extern int socks5_client_eof (struct socks5_client *client);

extern enum socks5_client_state socks5_client_state (const struct
                                                     socks5_client *client);

/* SOCKS6_E_* once FAILED, SOCKS6_OK otherwise.  */
extern int socks5_client_error (const struct socks5_client *client);

/* The method the server chose, or -1 before its answer.  */
extern int socks5_client_method (const struct socks5_client *client);

/* The RFC 1929 STATUS octet, or -1 before it (or when not used).  */
extern int socks5_client_auth_status (const struct socks5_client *client);

/* Reply number INDEX (0: the reply; 1: BIND's second reply), or NULL
   when it has not arrived.  */
extern const struct socks5_reply *socks5_client_reply (const struct
                                                       socks5_client *client,
                                                       unsigned int index);

/* REP of the last reply received, or -1 before any.  */
extern int socks5_client_reply_code (const struct socks5_client *client);

/* Octets of the message in progress received so far, and the least total
   it needs (0 when no message is in progress): for "the server closed
   after 4 of 10 octets of the reply".  */
extern size_t socks5_client_buffered (const struct socks5_client *client);
extern size_t socks5_client_expected (const struct socks5_client *client);

/* When STATE was entered, by the clock given, or 0 if it was not (or no
   clock).  The time of a step is the difference between the state that
   follows it and its own: the greeting's round trip is the entry in AUTH
   or REPLY minus the entry in METHOD.  */
extern uint64_t socks5_client_time (const struct socks5_client *client,
                                    enum socks5_client_state state);

/* Stable ASCII name of STATE for logs and JSON: "init", "method", "auth",
   "reply", "bind-peer", "done", "failed".  */
extern const char *socks5_client_state_name (enum socks5_client_state state);

#endif /* SOCKS6_CLIENT_H */
