/* One SOCKS 5 session of socks6d: a client peer, a remote peer once
   connected, and the state machine between them.

   Every transition goes through session_enter_state, which logs it at
   debug level; every end goes through session_close, which sends what is
   still owed to the client before closing; the one log line per session
   is written when it is freed.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_SESSION_H
#define SOCKS6D_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "gateway.h"

enum session_state
{
  SESSION_GREETING,             /* waiting for the method list */
  SESSION_AUTH,                 /* method sub-negotiation (RFC 1929) */
  SESSION_REQUEST,              /* waiting for the request */
  SESSION_RESOLVING,            /* name lookup (or reverse lookup) */
  SESSION_CONNECTING,           /* the connector is at work */
  SESSION_RELAYING,             /* both peers connected, bytes flow */
  SESSION_ASSOCIATED,           /* UDP ASSOCIATE: datagrams flow, the
                                   TCP connection only says when to end */
  SESSION_CLOSING,              /* flushing to the client, then closing */
  SESSION_N_STATES
};

struct session;

/* Take over the accepted socket FD of a client at CLIENT.  The limits
   (max_sessions, per client) are applied here: over them, FD is closed at
   once.  */
extern void session_accept (struct gateway *gw, int fd,
                            const struct socks6_addr *client);

/* Close every live session at once (the end of a SIGTERM drain).  */
extern void session_close_all (struct gateway *gw, const char *outcome);

/* "greeting", "auth", ... for logs.  */
extern const char *session_state_name (enum session_state state);

/* The table of sessions per client address.  */
extern struct session_client_table *session_client_table_new (void);
extern void session_client_table_free (struct session_client_table *t);

#endif /* SOCKS6D_SESSION_H */
