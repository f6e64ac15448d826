/* SOCKS 5 reply codes (RFC 1928 section 6): their names, their
   descriptions, and the one table that maps a system or resolver error to
   the reply a gateway sends, and a reply back to the errno a socksified
   program expects.  Every program uses this table, so a gateway and a
   client agree on what "host unreachable" means.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_REPLYCODE_H
#define SOCKS6_REPLYCODE_H

enum socks5_reply_code
{
  SOCKS5_REP_SUCCEEDED = 0x00,
  SOCKS5_REP_GENERAL_FAILURE = 0x01,
  SOCKS5_REP_NOT_ALLOWED = 0x02,
  SOCKS5_REP_NETWORK_UNREACHABLE = 0x03,
  SOCKS5_REP_HOST_UNREACHABLE = 0x04,
  SOCKS5_REP_CONNECTION_REFUSED = 0x05,
  SOCKS5_REP_TTL_EXPIRED = 0x06,
  SOCKS5_REP_COMMAND_NOT_SUPPORTED = 0x07,
  SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED = 0x08
};

/* Stable identifier for scripts and JSON, e.g. "connection-refused";
   "unassigned" for codes RFC 1928 does not define.  Never NULL.  */
extern const char *socks5_reply_name (int reply);

/* Translated sentence, e.g. "connection refused".  Never NULL.  */
extern const char *socks5_reply_description (int reply);

/* The reply for a failed connect(), getsockopt(SO_ERROR) or similar:
   ECONNREFUSED -> 05, EHOSTUNREACH -> 04, ENETUNREACH -> 03,
   ETIMEDOUT -> 06, EACCES/EPERM -> 02, ... anything else -> 01.  */
extern int socks5_reply_from_errno (int err);

/* The reply for a getaddrinfo() error (EAI_*): a name that does not exist
   or has no address -> 04, a temporary failure -> 04, others -> 01.  */
extern int socks5_reply_from_gai (int eai);

/* The reply for a c-ares status (ARES_*), same policy as for getaddrinfo.  */
extern int socks5_reply_from_ares (int status);

/* The errno a program expects for a failure reply: 05 -> ECONNREFUSED,
   04 -> EHOSTUNREACH, 03 -> ENETUNREACH, 06 -> ETIMEDOUT,
   02 -> EACCES, 07/08 -> EAFNOSUPPORT or EOPNOTSUPP, others -> ECONNREFUSED
   ... documented in replycode.c.  */
extern int socks5_reply_to_errno (int reply);

#endif /* SOCKS6_REPLYCODE_H */
