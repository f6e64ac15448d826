/* c-ares in socks6d's event loop.  c-ares tells which sockets it wants
   watched through its socket state callback; the loop watches them and
   hands readiness back with ares_process_fd, and one loop timer follows
   ares_timeout so retries happen with no thread and no blocking call.

   Answers are never delivered from inside resolver_lookup, even when
   c-ares answers at once from the hosts file: they are copied into the
   query and delivered by deferred work, so a session always has its query
   handle before its callback runs.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "resolver.h"

#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "c-strcase.h"
#include "errcode.h"
#include "replycode.h"

struct resolver_socket
{
  struct loop_watch watch;
  struct resolver *resolver;
  struct resolver_socket *next;
  struct loop_deferred free_later;
};

struct resolver
{
  struct loop *loop;
  ares_channel channel;
  struct resolver_socket *sockets;
  struct loop_timer timer;
  size_t pending;
  const char *hosts_file;       /* SOCKS6D_HOSTS_FILE, or NULL */
};

struct resolver_query
{
  struct resolver *resolver;
  resolver_addrs_fn addrs_fn;
  resolver_name_fn name_fn;
  void *arg;
  bool cancelled;
  int reply;
  size_t n;
  struct socks6_addr addrs[RESOLVER_MAX_ADDRS];
  char name[SOCKS6_NAME_MAX + 1];
  struct loop_deferred deliver;
};

static void resolver_schedule (struct resolver *resolver);

static void
socket_free (struct loop_deferred *d)
{
  free (d->data);
}

static void
socket_event (struct loop_watch *watch, uint32_t events)
{
  struct resolver_socket *s = watch->data;
  struct resolver *r = s->resolver;
  int fd = watch->fd;
  bool rd = events & (EPOLLIN | EPOLLERR | EPOLLHUP);
  bool wr = events & EPOLLOUT;
  /* S may be freed (later) by the state callback inside.  */
  ares_process_fd (r->channel, rd ? fd : ARES_SOCKET_BAD,
                   wr ? fd : ARES_SOCKET_BAD);
  resolver_schedule (r);
}

static void
socket_state (void *data, ares_socket_t fd, int readable, int writable)
{
  struct resolver *r = data;
  struct resolver_socket **p = &r->sockets;
  while (*p && (*p)->watch.fd != fd)
    p = &(*p)->next;
  struct resolver_socket *s = *p;
  uint32_t events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);

  if (!events)
    {
      if (s)
        {
          *p = s->next;
          loop_watch_remove (r->loop, &s->watch);
          loop_defer_free (r->loop, &s->free_later, socket_free, s);
        }
      return;
    }
  if (s)
    {
      loop_watch_modify (r->loop, &s->watch, events);
      return;
    }
  s = calloc (1, sizeof *s);
  if (!s)
    return;                     /* the query times out instead */
  s->resolver = r;
  if (loop_watch_add (r->loop, &s->watch, fd, events, socket_event, s) < 0)
    {
      free (s);
      return;
    }
  s->next = r->sockets;
  r->sockets = s;
}

static void
timer_fired (struct loop_timer *timer)
{
  struct resolver *r = timer->data;
  ares_process_fd (r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  resolver_schedule (r);
}

/* Keep the loop timer on c-ares's next deadline while queries run.  */
static void
resolver_schedule (struct resolver *r)
{
  struct timeval tv, *t;
  if (r->pending == 0)
    {
      loop_timer_cancel (r->loop, &r->timer);
      return;
    }
  t = ares_timeout (r->channel, NULL, &tv);
  if (!t)
    return;
  uint64_t ms = (uint64_t) t->tv_sec * 1000 + (uint64_t) t->tv_usec / 1000;
  loop_timer_arm (r->loop, &r->timer, ms ? ms : 1);
}

/* SOCKS6D_HOSTS_FILE, read once by resolver_library_init.  */
static const char *hosts_file;

int
resolver_library_init (const char **error)
{
  int status = ares_library_init (ARES_LIB_INIT_ALL);
  if (status != ARES_SUCCESS)
    {
      *error = ares_strerror (status);
      return -1;
    }
  hosts_file = getenv ("SOCKS6D_HOSTS_FILE");
  if (hosts_file && !*hosts_file)
    hosts_file = NULL;
  /* c-ares reads the hosts file named by CARES_HOSTS when asked with
     ARES_AI_ENVHOSTS.  Set here, before any thread exists: c-ares calls
     getenv during lookups.  */
  if (hosts_file && setenv ("CARES_HOSTS", hosts_file, 1) < 0)
    {
      *error = strerror (errno);
      return -1;
    }
  return 0;
}

void
resolver_library_cleanup (void)
{
  ares_library_cleanup ();
}

struct resolver *
resolver_new (struct loop *loop, unsigned int timeout_ms, const char **error)
{
  struct ares_options options;
  int optmask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS
    | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
  int status;
  struct resolver *r = calloc (1, sizeof *r);
  if (!r)
    {
      *error = strerror (ENOMEM);
      return NULL;
    }
  r->loop = loop;
  /* "f" alone keeps tests away from any DNS server.  */
  r->hosts_file = hosts_file;
  memset (&options, 0, sizeof options);
  options.sock_state_cb = socket_state;
  options.sock_state_cb_data = r;
  /* Each of two tries gets half the budget, so the total stays within the
     configured resolve timeout, which the session enforces anyway.  */
  options.timeout = timeout_ms > 200 ? (int) (timeout_ms / 2) : 100;
  options.tries = 2;
  options.lookups = (char *) (r->hosts_file ? "f" : "fb");
  status = ares_init_options (&r->channel, &options, optmask);
  if (status != ARES_SUCCESS)
    {
      *error = ares_strerror (status);
      free (r);
      return NULL;
    }
  loop_timer_init (&r->timer, timer_fired, r);
  return r;
}

void
resolver_free (struct resolver *r)
{
  if (!r)
    return;
  loop_timer_cancel (r->loop, &r->timer);
  ares_destroy (r->channel);
  while (r->sockets)
    {
      struct resolver_socket *s = r->sockets;
      r->sockets = s->next;
      loop_watch_remove (r->loop, &s->watch);
      free (s);
    }
  free (r);
}

size_t
resolver_pending (const struct resolver *r)
{
  return r->pending;
}

static void
deliver (struct loop_deferred *d)
{
  struct resolver_query *q = d->data;
  if (!q->cancelled)
    {
      if (q->addrs_fn)
        q->addrs_fn (q->arg, q->reply, q->n ? q->addrs : NULL, q->n);
      else
        q->name_fn (q->arg, q->reply, q->reply == 0 ? q->name : NULL);
    }
  free (q);
}

static void
finish (struct resolver_query *q, int reply)
{
  q->reply = reply;
  loop_defer (q->resolver->loop, &q->deliver, deliver, q);
}

static bool
already_have (const struct resolver_query *q, const struct socks6_addr *a)
{
  for (size_t i = 0; i < q->n; i++)
    if (socks6_addr_equal (&q->addrs[i], a))
      return true;
  return false;
}

static void
addrinfo_done (void *arg, int status, int timeouts,
               struct ares_addrinfo *result)
{
  struct resolver_query *q = arg;
  (void) timeouts;
  q->resolver->pending--;
  if (status == ARES_SUCCESS && result)
    for (struct ares_addrinfo_node *node = result->nodes;
         node && q->n < RESOLVER_MAX_ADDRS; node = node->ai_next)
      {
        struct socks6_addr a;
        if (socks6_addr_from_sockaddr (&a, node->ai_addr,
                                       node->ai_addrlen) == SOCKS6_OK
            && !already_have (q, &a))
          {
            a.port = 0;
            q->addrs[q->n++] = a;
          }
      }
  if (result)
    ares_freeaddrinfo (result);
  if (status == ARES_SUCCESS && q->n == 0)
    status = ARES_ENODATA;
  finish (q, status == ARES_SUCCESS ? 0 : socks5_reply_from_ares (status));
}

static struct resolver_query *
query_new (struct resolver *r, void *arg)
{
  struct resolver_query *q = calloc (1, sizeof *q);
  if (q)
    {
      q->resolver = r;
      q->arg = arg;
    }
  return q;
}

/* Whether NAME is "localhost" or a name under it (RFC 6761 section
   6.3), with or without the final dot, in any case.  */
static bool
is_localhost (const char *name)
{
  size_t len = strlen (name);
  if (len > 0 && name[len - 1] == '.')
    len--;
  return (len == 9 && c_strncasecmp (name, "localhost", 9) == 0)
    || (len > 10 && c_strncasecmp (name + len - 10, ".localhost", 10) == 0);
}

/* RFC 6761 says such names are the loopback, whatever a hosts file or
   DNS server says: answered here, with ::1 and 127.0.0.1 as FAMILY
   allows, never by c-ares (whose version 1.18 also leaks memory on each
   lookup of "localhost" when the hosts file does not name it, c-ares
   issue 439).  */
static void
answer_localhost (struct resolver_query *q, int family)
{
  struct socks6_addr a;

  memset (&a, 0, sizeof a);
  if (family != AF_INET)
    {
      a.type = SOCKS6_ADDR_IPV6;
      a.u.ipv6[15] = 1;
      q->addrs[q->n++] = a;
    }
  if (family != AF_INET6)
    {
      memset (&a.u, 0, sizeof a.u);
      a.type = SOCKS6_ADDR_IPV4;
      a.u.ipv4[0] = 127;
      a.u.ipv4[3] = 1;
      q->addrs[q->n++] = a;
    }
  finish (q, 0);
}

struct resolver_query *
resolver_lookup (struct resolver *r, const char *name, int family,
                 resolver_addrs_fn fn, void *arg)
{
  struct ares_addrinfo_hints hints;
  struct resolver_query *q = query_new (r, arg);
  if (!q)
    return NULL;
  q->addrs_fn = fn;
  if (is_localhost (name))
    {
      answer_localhost (q, family);
      return q;
    }
  memset (&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = r->hosts_file ? ARES_AI_ENVHOSTS : 0;
  r->pending++;
  ares_getaddrinfo (r->channel, name, NULL, &hints, addrinfo_done, q);
  resolver_schedule (r);
  return q;
}

static void
hostent_done (void *arg, int status, int timeouts, struct hostent *host)
{
  struct resolver_query *q = arg;
  (void) timeouts;
  q->resolver->pending--;
  if (status == ARES_SUCCESS && host && host->h_name
      && strlen (host->h_name) <= SOCKS6_NAME_MAX)
    {
      strcpy (q->name, host->h_name);
      finish (q, 0);
    }
  else
    finish (q, socks5_reply_from_ares (status == ARES_SUCCESS
                                       ? ARES_ENOTFOUND : status));
}

/* The hosts file of SOCKS6D_HOSTS_FILE, searched for ADDR; c-ares's own
   reverse lookup only knows /etc/hosts.  A small local file, read once
   per query: acceptable for a testing and operator override.  */
static bool
hosts_file_reverse (const char *file, const struct socks6_addr *addr,
                    char name[SOCKS6_NAME_MAX + 1])
{
  char line[1024];
  bool found = false;
  FILE *f = fopen (file, "re");
  if (!f)
    return false;
  while (!found && fgets (line, sizeof line, f))
    {
      char *save, *text = strtok_r (line, " \t\r\n", &save);
      char *host = text ? strtok_r (NULL, " \t\r\n", &save) : NULL;
      struct socks6_addr a;
      if (host && *text != '#'
          && socks6_addr_parse_literal (&a, text, addr->port)
          && socks6_addr_equal (&a, addr)
          && strlen (host) <= SOCKS6_NAME_MAX)
        {
          strcpy (name, host);
          found = true;
        }
    }
  fclose (f);
  return found;
}

struct resolver_query *
resolver_reverse (struct resolver *r, const struct socks6_addr *addr,
                  resolver_name_fn fn, void *arg)
{
  struct resolver_query *q = query_new (r, arg);
  if (!q)
    return NULL;
  q->name_fn = fn;
  if (r->hosts_file)
    {
      bool found = hosts_file_reverse (r->hosts_file, addr, q->name);
      finish (q, found ? 0 : socks5_reply_from_ares (ARES_ENOTFOUND));
      return q;
    }
  r->pending++;
  if (addr->type == SOCKS6_ADDR_IPV4)
    ares_gethostbyaddr (r->channel, addr->u.ipv4, 4, AF_INET,
                        hostent_done, q);
  else
    ares_gethostbyaddr (r->channel, addr->u.ipv6, 16, AF_INET6,
                        hostent_done, q);
  resolver_schedule (r);
  return q;
}

void
resolver_cancel (struct resolver_query *q)
{
  if (q)
    q->cancelled = true;
}
