/* SOCKS 5 reply codes: names, descriptions, and the one table between
   system and resolver errors and replies (replycode.h).  socks6d picks the
   reply a client gets from here, and socksify turns that reply back into
   the errno the program sees, so the two directions are kept side by side
   and chosen so that a round trip gives the program the cause the gateway
   saw whenever RFC 1928 has a code for it.

   Policy, and why (the manual's reply-code table says the same):
   - The *_from_* functions are for failures only and never return 00,
     even for an argument of 0: a caller that passes a stale errno must not
     make the gateway announce a connection it does not have.
   - A timed-out connect is 06 "TTL expired", not 04: RFC 1928 has no
     timeout code, 06 is the one Tor and many other servers use for it,
     and it is the only choice that comes back as ETIMEDOUT at the client,
     so a program's own timeout handling still applies.
   - Every failure to turn a name into addresses is 04 "host unreachable":
     for the client the destination could not be reached, and RFC 3089
     section 3 expects a failed lookup to show up as a failed connect.
     Only the gateway's own troubles (memory, bad arguments, shutdown) are
     01 "general failure".

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "replycode.h"

#include <errno.h>
#include <netdb.h>
#include <stddef.h>

#ifdef HAVE_ARES_H
# include <ares.h>
#endif

#include "i18n.h"

struct reply_info
{
  const char *name;             /* stable, for scripts */
  const char *description;      /* N_() marked, RFC 1928's wording */
};

static const struct reply_info reply_table[] = {
  [SOCKS5_REP_SUCCEEDED] =
    { "succeeded", N_("succeeded") },
  [SOCKS5_REP_GENERAL_FAILURE] =
    { "general-failure", N_("general SOCKS server failure") },
  [SOCKS5_REP_NOT_ALLOWED] =
    { "not-allowed", N_("connection not allowed by ruleset") },
  [SOCKS5_REP_NETWORK_UNREACHABLE] =
    { "network-unreachable", N_("network unreachable") },
  [SOCKS5_REP_HOST_UNREACHABLE] =
    { "host-unreachable", N_("host unreachable") },
  [SOCKS5_REP_CONNECTION_REFUSED] =
    { "connection-refused", N_("connection refused") },
  [SOCKS5_REP_TTL_EXPIRED] =
    { "ttl-expired", N_("TTL expired") },
  [SOCKS5_REP_COMMAND_NOT_SUPPORTED] =
    { "command-not-supported", N_("command not supported") },
  [SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED] =
    { "address-type-not-supported", N_("address type not supported") },
};

static const struct reply_info *
reply_lookup (int reply)
{
  if (reply < 0
      || (size_t) reply >= sizeof reply_table / sizeof *reply_table)
    return NULL;
  return &reply_table[reply];
}

const char *
socks5_reply_name (int reply)
{
  const struct reply_info *info = reply_lookup (reply);

  return info != NULL ? info->name : "unassigned";
}

const char *
socks5_reply_description (int reply)
{
  const struct reply_info *info = reply_lookup (reply);

  if (info == NULL)
    /* TRANSLATORS: a SOCKS 5 reply code that RFC 1928 does not define.  */
    return _("unassigned reply code");
  return _(info->description);
}

int
socks5_reply_from_errno (int err)
{
  switch (err)
    {
    case ECONNREFUSED:
      return SOCKS5_REP_CONNECTION_REFUSED;
    case EHOSTUNREACH:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
      return SOCKS5_REP_HOST_UNREACHABLE;
    case ENETUNREACH:
    case ENETDOWN:
#ifdef ENONET
    case ENONET:
#endif
      return SOCKS5_REP_NETWORK_UNREACHABLE;
    case ETIMEDOUT:
      return SOCKS5_REP_TTL_EXPIRED;
    case EACCES:
    case EPERM:
      /* A local firewall (netfilter's REJECT, a seccomp or LSM policy)
         forbade it: the ruleset is the gateway's host's.  */
      return SOCKS5_REP_NOT_ALLOWED;
    case EAFNOSUPPORT:
#ifdef EPFNOSUPPORT
    case EPFNOSUPPORT:
#endif
      return SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED;
    case EOPNOTSUPP:
    case EPROTONOSUPPORT:
      return SOCKS5_REP_COMMAND_NOT_SUPPORTED;
    default:
      return SOCKS5_REP_GENERAL_FAILURE;
    }
}

int
socks5_reply_from_gai (int eai)
{
  switch (eai)
    {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
    case EAI_AGAIN:
    case EAI_FAIL:
#ifdef EAI_IDN_ENCODE
    case EAI_IDN_ENCODE:
#endif
      return SOCKS5_REP_HOST_UNREACHABLE;
    case EAI_FAMILY:
      return SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED;
    default:
      return SOCKS5_REP_GENERAL_FAILURE;
    }
}

#ifdef HAVE_ARES_H
int
socks5_reply_from_ares (int status)
{
  switch (status)
    {
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_ENONAME:
    case ARES_EBADNAME:
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_ENOTIMP:
    case ARES_EFORMERR:
    case ARES_EBADRESP:
    case ARES_EBADQUERY:
    case ARES_EOF:
      /* The name could not be resolved, whether it does not exist or the
         servers failed to say: to the client, an unreachable host.
         ARES_ECONNREFUSED is a DNS server refusing, never the
         destination, so it is not 05.  */
      return SOCKS5_REP_HOST_UNREACHABLE;
    case ARES_EBADFAMILY:
      return SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED;
    default:
      /* ARES_SUCCESS, ARES_ENOMEM, ARES_EDESTRUCTION, ARES_ECANCELLED,
         configuration and argument errors: the gateway's own trouble.  */
      return SOCKS5_REP_GENERAL_FAILURE;
    }
}
#else /* !HAVE_ARES_H */
/* Without c-ares's header the codes have no names here, and guessing
   their values would silently break with another c-ares.  A status other
   than success is a failed lookup, the common case by far.  */
int
socks5_reply_from_ares (int status)
{
  return status != 0
    ? SOCKS5_REP_HOST_UNREACHABLE : SOCKS5_REP_GENERAL_FAILURE;
}
#endif /* !HAVE_ARES_H */

/* The errors here are all among those POSIX documents for connect(), so a program
   that checks for them finds what it expects.  01 and unassigned codes
   become ECONNREFUSED: the one connect failure every program handles,
   usually by trying its next address.  */
int
socks5_reply_to_errno (int reply)
{
  switch (reply)
    {
    case SOCKS5_REP_SUCCEEDED:
      return 0;
    case SOCKS5_REP_NOT_ALLOWED:
      return EACCES;
    case SOCKS5_REP_NETWORK_UNREACHABLE:
      return ENETUNREACH;
    case SOCKS5_REP_HOST_UNREACHABLE:
      return EHOSTUNREACH;
    case SOCKS5_REP_TTL_EXPIRED:
      return ETIMEDOUT;
    case SOCKS5_REP_COMMAND_NOT_SUPPORTED:
      return EOPNOTSUPP;
    case SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED:
      return EAFNOSUPPORT;
    case SOCKS5_REP_CONNECTION_REFUSED:
    case SOCKS5_REP_GENERAL_FAILURE:
    default:
      return ECONNREFUSED;
    }
}
