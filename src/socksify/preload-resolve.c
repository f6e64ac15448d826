/* The name-resolving hooks of libsocks6-preload.so (RFC 3089 section 3,
   "DNS name resolving delegation"): a name that is not local gets a fake
   address of the family the program asked for, recorded in the
   fake-address table, and nothing goes to any DNS server.  The gateway
   resolves the name when the program connects.

   Local means: a numeric address, a name listed in /etc/hosts (unless
   --no-hosts-file), or a name under a --direct domain; those go to the
   system's own functions.  Fake answers are built by the system's own
   getaddrinfo from the fake address as a numeric host, so service names,
   socket types, flags, error codes and freeaddrinfo are exactly glibc's.

   Reverse lookups (getnameinfo, gethostbyaddr) name a fake address by
   its name, and answer a real address numerically unless it is in
   /etc/hosts or a direct prefix, since a PTR query would leak too.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "preload.h"

/* Buffer of the non-reentrant forms, one per thread as in glibc.  */
#define PRELOAD_HOSTENT_BUFFER (SOCKS6_NAME_MAX + 128)

enum preload_name_kind
preload_classify_name (const char *name, char *wire, size_t *len)
{
  struct in_addr ipv4;
  if (!name || !*name || socks6_name_is_literal (name)
      || inet_aton (name, &ipv4))
    return PRELOAD_NAME_SYSTEM;
  const struct socksify_settings *s = &preload_state.settings;
  if (s->hosts_file && preload_hosts_has_name (name))
    return PRELOAD_NAME_SYSTEM;
  if (socks6_name_to_wire (name, 0, wire, len) != SOCKS6_OK)
    return PRELOAD_NAME_INVALID;
  /* "example.org." and "example.org" are one name to the gateway.  */
  if (*len > 1 && wire[*len - 1] == '.')
    wire[--*len] = '\0';
  if (socksify_settings_direct_name (s, wire, *len))
    return PRELOAD_NAME_SYSTEM;
  return PRELOAD_NAME_FAKE;
}

/* True if NODE is an IPv6 literal; WIRE and *LEN then get it as text.  */
static bool
preload_is_ipv6_literal (const char *node, char *wire, size_t *len)
{
  struct in6_addr addr;
  size_t n = strlen (node);
  if (n > SOCKS6_NAME_MAX || inet_pton (AF_INET6, node, &addr) != 1)
    return false;
  memcpy (wire, node, n + 1);
  *len = n;
  return true;
}

int
preload_fake_address (int family, const char *wire, size_t len,
                      unsigned char addr[16])
{
  int eai = preload_gateway_resolve (wire, len);
  if (eai)
    return eai;
  int rc = fakeaddr_assign (preload_state.fake, family, wire, len, addr);
  switch (rc)
    {
    case SOCKS6_OK:
      {
        char text[INET6_ADDRSTRLEN];
        inet_ntop (family, addr, text, sizeof text);
        preload_log (SOCKSIFY_LOG_DEBUG, "%s is %s", wire, text);
        return 0;
      }
    case SOCKS6_E_FAMILY:
      return EAI_ADDRFAMILY;
    case SOCKS6_E_FULL:
      preload_log (SOCKSIFY_LOG_ERROR, "fake-address table full");
      return EAI_MEMORY;
    default:
      return EAI_FAIL;
    }
}

PRELOAD_EXPORT int
getaddrinfo (const char *node, const char *service,
             const struct addrinfo *hints, struct addrinfo **res)
{
  char wire[SOCKS6_NAME_MAX + 1];
  size_t len;
  int flags = hints ? hints->ai_flags : AI_V4MAPPED | AI_ADDRCONFIG;
  int family = hints ? hints->ai_family : AF_UNSPEC;
  if (!preload_enter () || !node || (flags & AI_NUMERICHOST)
      || (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
    return preload_true.getaddrinfo (node, service, hints, res);
  enum preload_name_kind kind = preload_classify_name (node, wire, &len);
  /* RFC 3089 section 3: an IPv6 literal asked for as IPv4 is a name for
     the gateway, which reaches it over IPv6.  */
  if (kind == PRELOAD_NAME_SYSTEM && family == AF_INET
      && preload_is_ipv6_literal (node, wire, &len))
    kind = PRELOAD_NAME_FAKE;
  switch (kind)
    {
    case PRELOAD_NAME_SYSTEM:
      return preload_true.getaddrinfo (node, service, hints, res);
    case PRELOAD_NAME_INVALID:
      return EAI_NONAME;
    default:
      break;
    }
  if (family == AF_UNSPEC)
    family = preload_state.unspec_family;
  unsigned char addr[16];
  int eai = preload_fake_address (family, wire, len, addr);
  if (eai)
    return eai;
  char text[INET6_ADDRSTRLEN];
  inet_ntop (family, addr, text, sizeof text);
  struct addrinfo fake_hints = {.ai_family = family };
  if (hints)
    {
      fake_hints.ai_socktype = hints->ai_socktype;
      fake_hints.ai_protocol = hints->ai_protocol;
    }
  /* Keep the flags about services; the host is now numeric, and the
     address-configuration test does not apply to a fake address.  */
  fake_hints.ai_flags = (flags & ~(AI_CANONNAME | AI_ADDRCONFIG | AI_V4MAPPED
                                   | AI_ALL)) | AI_NUMERICHOST;
  eai = preload_true.getaddrinfo (text, service, &fake_hints, res);
  if (eai == 0 && (flags & AI_CANONNAME))
    {
      /* glibc frees ai_canonname with free(), so a strdup copy is
         released by the real freeaddrinfo.  */
      (*res)->ai_canonname = strdup (wire);
      if (!(*res)->ai_canonname)
        {
          preload_true.freeaddrinfo (*res);
          return EAI_MEMORY;
        }
    }
  return eai;
}

PRELOAD_EXPORT void
freeaddrinfo (struct addrinfo *list)
{
  preload_sym_load ();
  preload_true.freeaddrinfo (list);
}

int
preload_fill_hostent (const char *name, int family, const void *addr,
                      struct hostent *ret, char *buf, size_t buflen,
                      struct hostent **result, int *h_errnop)
{
  size_t alen = family == AF_INET ? 4 : 16;
  size_t nlen = strlen (name) + 1;
  size_t pad = (alignof (char *) - (uintptr_t) buf % alignof (char *))
    % alignof (char *);
  if (buflen < pad + 3 * sizeof (char *) + alen + nlen)
    {
      *result = NULL;
      *h_errnop = NETDB_INTERNAL;
      errno = ERANGE;
      return ERANGE;
    }
  char **pointers = (char **) (buf + pad);
  char *abuf = (char *) (pointers + 3);
  char *nbuf = abuf + alen;
  memcpy (abuf, addr, alen);
  memcpy (nbuf, name, nlen);
  pointers[0] = NULL;           /* no alias */
  pointers[1] = abuf;
  pointers[2] = NULL;
  ret->h_name = nbuf;
  ret->h_aliases = pointers;
  ret->h_addrtype = family;
  ret->h_length = alen;
  ret->h_addr_list = pointers + 1;
  *result = ret;
  *h_errnop = NETDB_SUCCESS;
  return 0;
}

static int
preload_fail_hostent (struct hostent **result, int *h_errnop, int herr)
{
  *result = NULL;
  *h_errnop = herr;
  return 0;
}

/* The gethostbyname family's answer for NAME, or -1 when the system's
   own function should answer.  */
static int
preload_hostent_by_name (const char *name, int family, struct hostent *ret,
                         char *buf, size_t buflen, struct hostent **result,
                         int *h_errnop)
{
  char wire[SOCKS6_NAME_MAX + 1];
  size_t len;
  if (!preload_enter ()
      || (family != AF_INET && family != AF_INET6))
    return -1;
  switch (preload_classify_name (name, wire, &len))
    {
    case PRELOAD_NAME_SYSTEM:
      return -1;
    case PRELOAD_NAME_INVALID:
      return preload_fail_hostent (result, h_errnop, HOST_NOT_FOUND);
    default:
      break;
    }
  unsigned char addr[16];
  int eai = preload_fake_address (family, wire, len, addr);
  if (eai)
    return preload_fail_hostent (result, h_errnop, eai == EAI_NONAME
                                 ? HOST_NOT_FOUND : eai == EAI_AGAIN
                                 ? TRY_AGAIN : NO_RECOVERY);
  return preload_fill_hostent (wire, family, addr, ret, buf, buflen, result,
                               h_errnop);
}

PRELOAD_EXPORT int
gethostbyname2_r (const char *name, int family, struct hostent *ret,
                  char *buf, size_t buflen, struct hostent **result,
                  int *h_errnop)
{
  int rc = preload_hostent_by_name (name, family, ret, buf, buflen, result,
                                    h_errnop);
  return rc >= 0 ? rc : preload_true.gethostbyname2_r (name, family, ret, buf,
                                                       buflen, result,
                                                       h_errnop);
}

PRELOAD_EXPORT int
gethostbyname_r (const char *name, struct hostent *ret, char *buf,
                 size_t buflen, struct hostent **result, int *h_errnop)
{
  int rc = preload_hostent_by_name (name, AF_INET, ret, buf, buflen, result,
                                    h_errnop);
  return rc >= 0 ? rc : preload_true.gethostbyname_r (name, ret, buf, buflen,
                                                      result, h_errnop);
}

static __thread struct hostent preload_hostent;
static __thread char preload_hostent_buf[PRELOAD_HOSTENT_BUFFER];

PRELOAD_EXPORT struct hostent *
gethostbyname2 (const char *name, int family)
{
  struct hostent *result;
  int herr;
  if (preload_hostent_by_name (name, family, &preload_hostent,
                               preload_hostent_buf,
                               sizeof preload_hostent_buf, &result,
                               &herr) < 0)
    return preload_true.gethostbyname2 (name, family);
  h_errno = herr;
  return result;
}

PRELOAD_EXPORT struct hostent *
gethostbyname (const char *name)
{
  struct hostent *result;
  int herr;
  if (preload_hostent_by_name (name, AF_INET, &preload_hostent,
                               preload_hostent_buf,
                               sizeof preload_hostent_buf, &result,
                               &herr) < 0)
    return preload_true.gethostbyname (name);
  h_errno = herr;
  return result;
}
