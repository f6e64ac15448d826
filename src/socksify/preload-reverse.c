/* The reverse-lookup hooks of libsocks6-preload.so: getnameinfo and
   gethostbyaddr give a fake address's name back, so a program that logs
   "connected to NAME" still shows the name.  A real address is named by
   the system only when that needs no DNS query or the query is allowed:
   listed in /etc/hosts, or in a --direct prefix.  Otherwise it is
   answered numerically (or "no name" with NI_NAMEREQD): a PTR query
   would tell a DNS server where the program goes.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <string.h>

#include "preload.h"

/* True if the system may name ADDR itself.  */
static bool
preload_reverse_local (int family, const void *addr)
{
  return preload_hosts_has_addr (family, addr)
         || socksify_settings_direct_prefix (&preload_state.settings, family,
                                             addr);
}

static const void *
preload_reverse_bytes (const struct sockaddr *sa, socklen_t len)
{
  if (sa->sa_family == AF_INET && len >= sizeof (struct sockaddr_in))
    return &((const struct sockaddr_in *) sa)->sin_addr;
  if (sa->sa_family == AF_INET6 && len >= sizeof (struct sockaddr_in6))
    return &((const struct sockaddr_in6 *) sa)->sin6_addr;
  return NULL;
}

/* The name of the fake address ADDR into NAME; false if not fake.  */
static bool
preload_reverse_fake (int family, const void *addr,
                      char name[SOCKS6_NAME_MAX + 1], size_t *len)
{
  struct fakeaddr_table *table = preload_state.fake;
  return fakeaddr_is_fake (table, family, addr)
    && fakeaddr_lookup_addr (table, family, addr, name, len) == SOCKS6_OK;
}

PRELOAD_EXPORT int
getnameinfo (const struct sockaddr *sa, socklen_t salen, char *host,
             socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
  const void *addr;
  if (!preload_enter () || !sa || !host || hostlen == 0
      || (flags & NI_NUMERICHOST)
      || !(addr = preload_reverse_bytes (sa, salen)))
    return preload_true.getnameinfo (sa, salen, host, hostlen, serv, servlen,
                                     flags);
  char name[SOCKS6_NAME_MAX + 1];
  size_t len;
  if (preload_reverse_fake (sa->sa_family, addr, name, &len))
    {
      if (len >= hostlen)
        return EAI_OVERFLOW;
      if (serv && servlen > 0)
        {
          int rc = preload_true.getnameinfo (sa, salen, NULL, 0, serv,
                                             servlen, flags);
          if (rc != 0)
            return rc;
        }
      memcpy (host, name, len + 1);
      return 0;
    }
  if (preload_reverse_local (sa->sa_family, addr))
    return preload_true.getnameinfo (sa, salen, host, hostlen, serv, servlen,
                                     flags);
  if (flags & NI_NAMEREQD)
    return EAI_NONAME;
  return preload_true.getnameinfo (sa, salen, host, hostlen, serv, servlen,
                                   flags | NI_NUMERICHOST);
}

/* The gethostbyaddr family's answer, or -1 for the system's own.  */
static int
preload_hostent_by_addr (const void *addr, socklen_t len, int family,
                         struct hostent *ret, char *buf, size_t buflen,
                         struct hostent **result, int *h_errnop)
{
  if (!preload_enter () || !addr
      || !((family == AF_INET && len == 4) || (family == AF_INET6
                                                && len == 16)))
    return -1;
  char name[SOCKS6_NAME_MAX + 1];
  size_t name_len;
  if (preload_reverse_fake (family, addr, name, &name_len))
    {
    return preload_fill_hostent (name, family, addr, ret, buf, buflen,
                                 result, h_errnop);
    }
  if (preload_reverse_local (family, addr))
    return -1;
  *result = NULL;
  *h_errnop = HOST_NOT_FOUND;
  return 0;
}

PRELOAD_EXPORT int
gethostbyaddr_r (const void *addr, socklen_t len, int family,
                 struct hostent *ret, char *buf, size_t buflen,
                 struct hostent **result, int *h_errnop)
{
  int rc = preload_hostent_by_addr (addr, len, family, ret, buf, buflen,
                                    result, h_errnop);
  return rc >= 0 ? rc : preload_true.gethostbyaddr_r (addr, len, family, ret,
                                                      buf, buflen, result,
                                                      h_errnop);
}

static __thread struct hostent preload_reverse_hostent;
static __thread char preload_reverse_buf[SOCKS6_NAME_MAX + 128];

PRELOAD_EXPORT struct hostent *
gethostbyaddr (const void *addr, socklen_t len, int family)
{
  struct hostent *result;
  int herr;
  if (preload_hostent_by_addr (addr, len, family, &preload_reverse_hostent,
                               preload_reverse_buf,
                               sizeof preload_reverse_buf, &result,
                               &herr) < 0)
    return preload_true.gethostbyaddr (addr, len, family);
  h_errno = herr;
  return result;
}
