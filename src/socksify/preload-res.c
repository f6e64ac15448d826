/* The resolver-library hooks of libsocks6-preload.so: res_query,
   res_search, res_querydomain and their res_n* and __res_* forms, and
   res_send.  Programs use them for records getaddrinfo does not give
   (Firefox asks for HTTPS records this way); each call would send the
   name to a DNS server, so each answers "no data" (h_errno NO_DATA, as
   for a name with no record of the type), except for names under a
   --direct domain, which go to the real function.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>

#include "preload.h"

/* resolv.h renames these to __res_*; the hooks need both spellings.  */
#undef res_query
#undef res_search
#undef res_querydomain
#undef res_send
#undef res_nquery
#undef res_nsearch
#undef res_nquerydomain
#undef res_nsend

/* The old names, which binaries linked before glibc 2.34 still call.  */
extern int __res_query (const char *, int, int, unsigned char *, int);
extern int __res_search (const char *, int, int, unsigned char *, int);
extern int __res_nquery (res_state, const char *, int, int, unsigned char *,
                         int);
extern int __res_nsearch (res_state, const char *, int, int, unsigned char *,
                          int);
extern int __res_querydomain (const char *, const char *, int, int,
                              unsigned char *, int);
extern int __res_send (const unsigned char *, int, unsigned char *, int);

typedef int query_fn (const char *, int, int, unsigned char *, int);
typedef int nquery_fn (res_state, const char *, int, int, unsigned char *,
                       int);

/* True if NAME may be asked of a DNS server: it is under a --direct
   domain.  */
static bool
preload_res_direct (const char *name)
{
  if (!preload_enter () || !name)
    return true;
  size_t len = strlen (name);
  return socksify_settings_direct_name (&preload_state.settings, name, len);
}

static int
preload_res_no_data (res_state state, const char *name)
{
  preload_log (SOCKSIFY_LOG_INFO, "resolver query for %s answered "
               "\"no data\"", name ? name : "(null)");
  h_errno = NO_DATA;
  if (state)
    state->res_h_errno = NO_DATA;
  return -1;
}

static void *
preload_res_next (const char *symbol)
{
  return dlsym (RTLD_NEXT, symbol);
}

#define PRELOAD_RES_QUERY(hook, symbol) \
  PRELOAD_EXPORT int \
  hook (const char *name, int class, int type, unsigned char *answer, \
        int size) \
  { \
    if (!preload_res_direct (name)) \
      return preload_res_no_data (NULL, name); \
    query_fn *next = (query_fn *) preload_res_next (symbol); \
    return next ? next (name, class, type, answer, size) \
      : preload_res_no_data (NULL, name); \
  }

#define PRELOAD_RES_NQUERY(hook, symbol) \
  PRELOAD_EXPORT int \
  hook (res_state state, const char *name, int class, int type, \
        unsigned char *answer, int size) \
  { \
    if (!preload_res_direct (name)) \
      return preload_res_no_data (state, name); \
    nquery_fn *next = (nquery_fn *) preload_res_next (symbol); \
    return next ? next (state, name, class, type, answer, size) \
      : preload_res_no_data (state, name); \
  }

PRELOAD_RES_QUERY (res_query, "res_query")
PRELOAD_RES_QUERY (__res_query, "__res_query")
PRELOAD_RES_QUERY (res_search, "res_search")
PRELOAD_RES_QUERY (__res_search, "__res_search")
PRELOAD_RES_NQUERY (res_nquery, "res_nquery")
PRELOAD_RES_NQUERY (__res_nquery, "__res_nquery")
PRELOAD_RES_NQUERY (res_nsearch, "res_nsearch")
PRELOAD_RES_NQUERY (__res_nsearch, "__res_nsearch")

/* res_querydomain joins NAME and DOMAIN: judge and ask the joined
   name, so a --direct domain gets its real answer.  */
static const char *
preload_res_join (char *buf, size_t size, const char *name,
                  const char *domain)
{
  if (!domain || !*domain)
    return name;
  int n = snprintf (buf, size, "%s.%s", name, domain);
  return n > 0 && (size_t) n < size ? buf : name;
}

PRELOAD_EXPORT int
res_querydomain (const char *name, const char *domain, int class, int type,
                 unsigned char *answer, int size)
{
  char joined[2 * SOCKS6_NAME_MAX + 2];
  return res_query (preload_res_join (joined, sizeof joined, name, domain),
                    class, type, answer, size);
}

PRELOAD_EXPORT int
__res_querydomain (const char *name, const char *domain, int class, int type,
                   unsigned char *answer, int size)
{
  return res_querydomain (name, domain, class, type, answer, size);
}

PRELOAD_EXPORT int
res_nquerydomain (res_state state, const char *name, const char *domain,
                  int class, int type, unsigned char *answer, int size)
{
  char joined[2 * SOCKS6_NAME_MAX + 2];
  return res_nquery (state,
                     preload_res_join (joined, sizeof joined, name, domain),
                     class, type, answer, size);
}

/* A message built by the program itself: its name is not looked at;
   it is not sent.  */
PRELOAD_EXPORT int
res_send (const unsigned char *message, int length, unsigned char *answer,
          int size)
{
  if (!preload_enter ())
    {
      int (*next) (const unsigned char *, int, unsigned char *, int)
        = preload_res_next ("res_send");
      return next ? next (message, length, answer, size) : -1;
    }
  return preload_res_no_data (NULL, "(res_send)");
}

PRELOAD_EXPORT int
__res_send (const unsigned char *message, int length, unsigned char *answer,
            int size)
{
  return res_send (message, length, answer, size);
}

PRELOAD_EXPORT int
res_nsend (res_state state, const unsigned char *message, int length,
           unsigned char *answer, int size)
{
  if (!preload_enter ())
    {
      int (*next) (res_state, const unsigned char *, int, unsigned char *,
                   int) = preload_res_next ("res_nsend");
      return next ? next (state, message, length, answer, size) : -1;
    }
  return preload_res_no_data (state, "(res_nsend)");
}
