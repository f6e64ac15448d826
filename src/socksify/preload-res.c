/* The resolver-library hooks of libsocks6-preload.so: res_query,
   res_search, res_querydomain and their res_n* and __res_* forms, and
   res_send.  Programs use them for records getaddrinfo does not give
   (Firefox asks for HTTPS records this way); each call would send the
   name to a DNS server, so none is sent.  An A or AAAA question (class
   IN) for a name that is not local is answered with the name's fake
   address, in a DNS message built in the caller's buffer as a server
   would have sent it; every other question gets "no data" (a NOERROR
   answer with no record, h_errno NO_DATA, as glibc gives for a name
   with no record of the type).  Names under a --direct domain go to the
   real functions.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <arpa/nameser.h>
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

/* The time to live of a fake answer: short, since a fake address may
   be recycled once no socket holds it.  */
#define PRELOAD_RES_TTL 60

/* A DNS message being written into the caller's buffer.  */
struct preload_res_msg
{
  unsigned char *buf;
  int size;
  int len;                      /* -1 once it did not fit */
};

static void
preload_res_put (struct preload_res_msg *m, const void *data, int n)
{
  if (m->len < 0 || n > m->size - m->len)
    {
      m->len = -1;
      return;
    }
  memcpy (m->buf + m->len, data, n);
  m->len += n;
}

static void
preload_res_put16 (struct preload_res_msg *m, unsigned int value)
{
  unsigned char b[2] = { value >> 8, value & 0xff };
  preload_res_put (m, b, 2);
}

/* NAME (dotted text) as DNS labels; false if it cannot be one.  */
static bool
preload_res_put_name (struct preload_res_msg *m, const char *name)
{
  size_t total = 1;
  while (*name)
    {
      size_t label = strcspn (name, ".");
      if (label == 0 || label > 63 || (total += label + 1) > NS_MAXCDNAME)
        return false;
      unsigned char n = label;
      preload_res_put (m, &n, 1);
      preload_res_put (m, name, label);
      name += label;
      if (*name == '.')
        name++;
    }
  preload_res_put (m, "", 1);
  return true;
}

/* Header and question of the answer to NAME's CLASS and TYPE question,
   with RCODE and ANCOUNT answers to follow.  */
static bool
preload_res_put_question (struct preload_res_msg *m, unsigned int id,
                          const char *name, int class, int type, int rcode,
                          int ancount)
{
  preload_res_put16 (m, id);
  /* QR, RD, RA: what a recursive server answers.  */
  preload_res_put16 (m, 0x8180 | rcode);
  preload_res_put16 (m, 1);
  preload_res_put16 (m, ancount);
  preload_res_put16 (m, 0);
  preload_res_put16 (m, 0);
  if (!preload_res_put_name (m, name))
    return false;
  preload_res_put16 (m, type);
  preload_res_put16 (m, class);
  return m->len > 0;
}

/* Fail with HERR, as glibc's resolver does: -1, h_errno (and the
   state's copy) set.  */
static int
preload_res_fail (res_state state, int herr)
{
  h_errno = herr;
  if (state)
    state->res_h_errno = herr;
  return -1;
}

/* The fake address of FAMILY for NAME in ADDR; 0, or the rcode to
   answer (NXDOMAIN when the gateway says the name does not exist), or
   -1 for "no data" (a local or invalid name, no range for FAMILY).  */
static int
preload_res_fake (int family, const char *name, char *wire,
                  unsigned char addr[16])
{
  size_t len;
  if (preload_classify_name (name, wire, &len) != PRELOAD_NAME_FAKE)
    return -1;
  switch (preload_fake_address (family, wire, len, addr))
    {
    case 0:
      return 0;
    case EAI_NONAME:
      return ns_r_nxdomain;
    default:
      return -1;
    }
}

/* Answer the CLASS and TYPE question for NAME into ANSWER (SIZE octets)
   with message id ID.  Return the answer's length, or -1 with h_errno
   set (NO_DATA, HOST_NOT_FOUND, or NO_RECOVERY when it does not fit or
   NAME cannot be a DNS name); the message is written in both cases, as
   glibc's res_query does.  */
static int
preload_res_answer (res_state state, unsigned int id, const char *name,
                    int class, int type, unsigned char *answer, int size)
{
  struct preload_res_msg m = {.buf = answer,.size = size < 0 ? 0 : size };
  char wire[SOCKS6_NAME_MAX + 1];
  unsigned char addr[16];
  int family = type == ns_t_a ? AF_INET : AF_INET6;
  int rcode = -1;
  if (class == ns_c_in && (type == ns_t_a || type == ns_t_aaaa) && name)
    rcode = preload_res_fake (family, name, wire, addr);
  if (rcode != 0)
    {
      preload_log (SOCKSIFY_LOG_INFO, "resolver query for %s (type %d) "
                   "answered \"%s\"", name ? name : "(null)", type,
                   rcode > 0 ? "no such name" : "no data");
      if (!name || !preload_res_put_question (&m, id, name, class, type,
                                              rcode > 0 ? rcode : 0, 0))
        return preload_res_fail (state, NO_RECOVERY);
      return preload_res_fail (state, rcode > 0 ? HOST_NOT_FOUND : NO_DATA);
    }
  int alen = family == AF_INET ? 4 : 16;
  if (!preload_res_put_question (&m, id, wire, class, type, 0, 1))
    return preload_res_fail (state, NO_RECOVERY);
  preload_res_put16 (&m, 0xc000 | NS_HFIXEDSZ);  /* the question's name */
  preload_res_put16 (&m, type);
  preload_res_put16 (&m, class);
  preload_res_put16 (&m, PRELOAD_RES_TTL >> 16);
  preload_res_put16 (&m, PRELOAD_RES_TTL & 0xffff);
  preload_res_put16 (&m, alen);
  preload_res_put (&m, addr, alen);
  if (m.len < 0)
    return preload_res_fail (state, NO_RECOVERY);
  preload_log (SOCKSIFY_LOG_DEBUG, "resolver query for %s answered with "
               "its fake address", wire);
  return m.len;
}

/* A message id, as the resolver would choose one.  */
static unsigned int
preload_res_id (res_state state)
{
  return state ? state->id & 0xffff : 0;
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
      return preload_res_answer (NULL, 0, name, class, type, answer, size); \
    query_fn *next = (query_fn *) preload_res_next (symbol); \
    return next ? next (name, class, type, answer, size) \
      : preload_res_fail (NULL, NO_RECOVERY); \
  }

#define PRELOAD_RES_NQUERY(hook, symbol) \
  PRELOAD_EXPORT int \
  hook (res_state state, const char *name, int class, int type, \
        unsigned char *answer, int size) \
  { \
    if (!preload_res_direct (name)) \
      return preload_res_answer (state, preload_res_id (state), name, \
                                 class, type, answer, size); \
    nquery_fn *next = (nquery_fn *) preload_res_next (symbol); \
    return next ? next (state, name, class, type, answer, size) \
      : preload_res_fail (state, NO_RECOVERY); \
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

/* The question of MESSAGE, a query the program built itself: its name
   as dotted text in NAME, *CLASS and *TYPE; false if MESSAGE is not a
   standard query with one question.  */
static bool
preload_res_question (const unsigned char *message, int length,
                      char name[NS_MAXDNAME], int *class, int *type)
{
  if (length < NS_HFIXEDSZ || (message[2] & 0xf8) != 0
      || message[4] != 0 || message[5] != 1)
    return false;
  int i = NS_HFIXEDSZ;
  size_t out = 0;
  while (i < length && message[i])
    {
      int label = message[i++];
      if (label > 63 || label > length - i || out + label + 2 > NS_MAXDNAME)
        return false;
      if (memchr (message + i, '.', label) || memchr (message + i, 0, label))
        return false;
      if (out)
        name[out++] = '.';
      memcpy (name + out, message + i, label);
      out += label;
      i += label;
    }
  if (i + 5 > length || out == 0)
    return false;
  name[out] = '\0';
  *type = message[i + 1] << 8 | message[i + 2];
  *class = message[i + 3] << 8 | message[i + 4];
  return true;
}

/* res_send and res_nsend: a message built by the program itself.  Its
   question is answered as res_query's would be, with the message's id;
   it goes to the real function only for a name under a --direct
   domain.  Return the answer's length or -1 (errno set).  */
static int
preload_res_send (res_state state, const unsigned char *message, int length,
                  unsigned char *answer, int size, const char *symbol)
{
  char name[NS_MAXDNAME];
  int class, type;
  bool parsed = message && preload_res_question (message, length, name,
                                                 &class, &type);
  if (!preload_enter () || (parsed && preload_res_direct (name)))
    {
      void *next = preload_res_next (symbol);
      if (!next)
        return errno = ENOSYS, -1;
      if (state)
        return ((int (*) (res_state, const unsigned char *, int,
                          unsigned char *, int)) next) (state, message,
                                                        length, answer,
                                                        size);
      return ((int (*) (const unsigned char *, int, unsigned char *, int))
              next) (message, length, answer, size);
    }
  if (!parsed)
    {
      preload_log (SOCKSIFY_LOG_INFO, "resolver message not sent: not a "
                   "query with one question");
      return errno = EINVAL, -1;
    }
  int id = message[0] << 8 | message[1];
  int n = preload_res_answer (state, id, name, class, type, answer, size);
  if (n >= 0)
    return n;
  /* res_send hands back "no data" and "no such name" answers as
     answers; only a message that does not fit is an error.  */
  if (h_errno == NO_RECOVERY)
    return errno = EMSGSIZE, -1;
  return NS_HFIXEDSZ + (int) strlen (name) + 2 + 4;
}

PRELOAD_EXPORT int
res_send (const unsigned char *message, int length, unsigned char *answer,
          int size)
{
  return preload_res_send (NULL, message, length, answer, size, "res_send");
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
  return preload_res_send (state, message, length, answer, size,
                           "res_nsend");
}
