/* BIND in libsocks6-preload.so (--bind-mode=auto): the reverse
   connection of active-mode FTP and its kind.  A program connected to a
   server through the gateway opens a listening socket, tells the server
   its address (FTP PORT/EPRT, from getsockname) and accepts the server's
   connection.  Listening locally cannot work where the gateway is the
   only way between the two, so the listen becomes a SOCKS BIND on a new
   connection to the gateway the program's connection used: the
   listening descriptor becomes that connection, getsockname answers the
   gateway's BND.ADDR and BND.PORT from the first reply, and accept()
   waits for the second reply and returns the relayed connection (a
   duplicate of the descriptor), with the peer's address from it.  A
   BIND relays one connection (RFC 1928); after it, the listening
   descriptor is a real listening socket on loopback that nobody is told
   of, so a further accept() waits, or says EAGAIN, as with no client.

   When: only the pattern above, since a program's own servers must stay
   local.  The socket is TCP, bound to the wildcard address with port 0
   (or not bound at all), or to the local address of one of the
   program's socksified connections, and the program has a socksified
   connection open (the latest one gives DST.ADDR: the server the peer
   connection will come from, its name when it has one).  A socket bound
   to a fixed port of the wildcard address, to loopback (even when the
   gateway is there) or to another local address is an ordinary one.  The BIND starts at listen(), or at
   getsockname() when the program asks for the address it must announce
   between bind() and listen() (BSD ftp does); a connect() on such a
   socket then drops the BIND and puts the local binding back.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "preload.h"

/* Listening sockets turned into BINDs at once.  */
#define PRELOAD_BIND_MAX 16
/* Socksified connections remembered as BIND destinations.  */
#define PRELOAD_BIND_RECENT 8

enum preload_bind_stage
{
  PRELOAD_BIND_FREE = 0,
  PRELOAD_BIND_BOUND,           /* eligible bind(), BIND not started */
  PRELOAD_BIND_LISTENING,       /* first reply in: BND known */
  PRELOAD_BIND_FAILED,          /* error kept for listen or accept */
  PRELOAD_BIND_DONE             /* accepted, or failure reported */
};

struct preload_bind
{
  int fd;
  enum preload_bind_stage stage;
  int family;                   /* the program's socket */
  int err;
  union socks6_sockaddr local;  /* what the program bound to */
  socklen_t local_len;
  union socks6_sockaddr shown;  /* getsockname's answer: BND */
  struct preload_chain chain;
};

struct preload_bind_recent
{
  int fd;                       /* -1: empty */
  size_t gateway;
  struct socks6_addr dst;
};

static struct preload_bind preload_binds[PRELOAD_BIND_MAX];
static atomic_int preload_bind_count;
static struct preload_bind_recent preload_recent[PRELOAD_BIND_RECENT];
static size_t preload_recent_next;
static pthread_mutex_t preload_bind_lock = PTHREAD_MUTEX_INITIALIZER;

void
preload_bind_note_connect (int fd, const struct socks6_addr *dst,
                           size_t gateway)
{
  pthread_mutex_lock (&preload_bind_lock);
  struct preload_bind_recent *r =
    &preload_recent[preload_recent_next++ % PRELOAD_BIND_RECENT];
  r->fd = fd;
  r->gateway = gateway;
  r->dst = *dst;
  pthread_mutex_unlock (&preload_bind_lock);
}

/* The latest socksified connection still open, in *R.  Lock held.  */
static bool
preload_bind_latest (struct preload_bind_recent *r)
{
  for (size_t k = 1; k <= PRELOAD_BIND_RECENT && k <= preload_recent_next;
       k++)
    {
      const struct preload_bind_recent *c =
        &preload_recent[(preload_recent_next - k) % PRELOAD_BIND_RECENT];
      struct preload_fd entry;
      if (preload_fd_get (c->fd, &entry) && entry.socksified)
        {
          *r = *c;
          return true;
        }
    }
  return false;
}

static struct preload_bind *
preload_bind_find (int fd)
{
  for (size_t i = 0; i < PRELOAD_BIND_MAX; i++)
    if (preload_binds[i].stage != PRELOAD_BIND_FREE
        && preload_binds[i].fd == fd)
      return &preload_binds[i];
  return NULL;
}

static void
preload_bind_free (struct preload_bind *b)
{
  preload_chain_wipe (&b->chain);
  b->stage = PRELOAD_BIND_FREE;
  b->fd = -1;
  atomic_fetch_sub (&preload_bind_count, 1);
}

static bool
preload_is_tcp (int fd, int *family)
{
  int type = 0, domain = 0;
  socklen_t len = sizeof type;
  if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0
      || type != SOCK_STREAM)
    return false;
  len = sizeof domain;
  if (getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0
      || (domain != AF_INET && domain != AF_INET6))
    return false;
  *family = domain;
  return true;
}

/* The address octets of SA, IPv4-mapped seen as IPv4.  */
static const unsigned char *
preload_bind_bytes (const union socks6_sockaddr *sa, int *family)
{
  if (sa->sa.sa_family == AF_INET)
    {
      *family = AF_INET;
      return (const void *) &sa->sin.sin_addr;
    }
  const unsigned char *a = (const void *) &sa->sin6.sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED (&sa->sin6.sin6_addr))
    {
      *family = AF_INET;
      return a + 12;
    }
  *family = AF_INET6;
  return a;
}

static bool
preload_bind_is_wildcard (const union socks6_sockaddr *sa)
{
  static const unsigned char zero[16];
  int family;
  const unsigned char *a = preload_bind_bytes (sa, &family);
  return memcmp (a, zero, family == AF_INET ? 4 : 16) == 0;
}

/* True if SA is the local address of the socksified connection FD.  */
static bool
preload_bind_is_local_of (const union socks6_sockaddr *sa, int fd)
{
  union socks6_sockaddr mine;
  socklen_t len = sizeof mine;
  if (preload_true.getsockname (fd, &mine.sa, &len) != 0)
    return false;
  int f1, f2;
  const unsigned char *a = preload_bind_bytes (sa, &f1);
  const unsigned char *b = preload_bind_bytes (&mine, &f2);
  return f1 == f2 && memcmp (a, b, f1 == AF_INET ? 4 : 16) == 0;
}

static uint16_t
preload_bind_port (const union socks6_sockaddr *sa)
{
  return ntohs (sa->sa.sa_family == AF_INET ? sa->sin.sin_port
                : sa->sin6.sin6_port);
}

/* Whether a bind to SA is the reverse-connection pattern.  Never on
   loopback: programs listen there for their own local peers (and a
   gateway on loopback would otherwise make every such listen a BIND).
   Lock held.  */
static bool
preload_bind_eligible (const union socks6_sockaddr *sa)
{
  struct preload_bind_recent r;
  int family;
  const unsigned char *a = preload_bind_bytes (sa, &family);
  if (socks6_addr_raw_is_loopback (family, a) || !preload_bind_latest (&r))
    return false;
  if (preload_bind_is_wildcard (sa))
    return preload_bind_port (sa) == 0;
  return preload_bind_is_local_of (sa, r.fd);
}

static struct preload_bind *
preload_bind_new (int fd, int family)
{
  for (size_t i = 0; i < PRELOAD_BIND_MAX; i++)
    if (preload_binds[i].stage == PRELOAD_BIND_FREE)
      {
        struct preload_bind *b = &preload_binds[i];
        memset (b, 0, sizeof *b);
        b->fd = fd;
        b->family = family;
        b->stage = PRELOAD_BIND_BOUND;
        atomic_fetch_add (&preload_bind_count, 1);
        return b;
      }
  return NULL;
}

/* Put FD back as a fresh socket of B's family with the program's
   binding, as if the BIND had never been.  Lock held: the C library's
   bind, since our hook would take the lock again (from connect, no
   busy mark keeps it out).  */
static void
preload_bind_restore (struct preload_bind *b)
{
  int flags = preload_true.fcntl (b->fd, F_GETFL);
  if (preload_socket_renew (b->fd, b->family) != 0)
    return;
  preload_true.fcntl (b->fd, F_SETFL, flags);
  if (b->local_len > 0 && preload_true.bind)
    {
      int one = 1;
      setsockopt (b->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      preload_true.bind (b->fd, &b->local.sa, b->local_len);
    }
}

/* BND as the program's family sees it, in B->shown.  An unspecified
   BND.ADDR means the gateway's own address (RFC 1928 leaves it open;
   Dante and others answer so).  */
static int
preload_bind_shown (struct preload_bind *b)
{
  const struct socks5_reply *first = socks5_client_reply (&b->chain.client,
                                                          0);
  union socks6_sockaddr bnd;
  socklen_t len;
  if (!first || socks6_addr_to_sockaddr (&first->bound, &bnd, &len) != 0)
    return EPROTO;
  if (preload_bind_is_wildcard (&bnd) && b->chain.hops == 1)
    {
      uint16_t port = preload_bind_port (&bnd);
      len = sizeof bnd;
      if (preload_true.getpeername (b->fd, &bnd.sa, &len) != 0)
        return errno;
      if (bnd.sa.sa_family == AF_INET)
        bnd.sin.sin_port = htons (port);
      else
        bnd.sin6.sin6_port = htons (port);
    }
  int family;
  const unsigned char *a = preload_bind_bytes (&bnd, &family);
  memset (&b->shown, 0, sizeof b->shown);
  b->shown.sa.sa_family = b->family;
  if (b->family == AF_INET && family == AF_INET)
    {
      memcpy (&b->shown.sin.sin_addr, a, 4);
      b->shown.sin.sin_port = htons (preload_bind_port (&bnd));
      return 0;
    }
  if (b->family == AF_INET)
    {
      /* An IPv4 program cannot announce an IPv6 address.  */
      preload_log (SOCKSIFY_LOG_WARNING, "BIND: the gateway listens on "
                   "IPv6, which an IPv4 socket cannot show");
      return EAFNOSUPPORT;
    }
  if (family == AF_INET)
    {
      b->shown.sin6.sin6_addr.s6_addr[10] = 0xff;
      b->shown.sin6.sin6_addr.s6_addr[11] = 0xff;
      memcpy (&b->shown.sin6.sin6_addr.s6_addr[12], a, 4);
    }
  else
    memcpy (&b->shown.sin6.sin6_addr, a, 16);
  b->shown.sin6.sin6_port = htons (preload_bind_port (&bnd));
  return 0;
}

/* Start the BIND for B: FD becomes the connection to the gateway, with
   the first reply in.  Lock held (a listen takes one round trip).  */
static int
preload_bind_start (struct preload_bind *b)
{
  struct preload_bind_recent r;
  if (!preload_bind_latest (&r))
    return ENOTCONN;
  struct socks6_addr dst = r.dst;
  dst.port = 0;                 /* the peer's port is not known */
  preload_busy_begin ();
  int flags = preload_true.fcntl (b->fd, F_GETFL);
  int err = preload_socket_renew (b->fd, b->family);
  if (!err)
    err = preload_gateway_bind (b->fd, r.gateway, &dst, &b->chain);
  if (!err)
    err = preload_bind_shown (b);
  preload_true.fcntl (b->fd, F_SETFL, flags);
  if (err)
    {
      preload_bind_restore (b);
      b->stage = PRELOAD_BIND_FAILED;
      b->err = err;
    }
  else
    b->stage = PRELOAD_BIND_LISTENING;
  preload_busy_end ();
  return err;
}

PRELOAD_EXPORT int
bind (int fd, const struct sockaddr *sa, socklen_t len)
{
  preload_sym_load ();
  if (!preload_true.bind)
    {
      errno = ENOSYS;
      return -1;
    }
  int rc = preload_true.bind (fd, sa, len);
  int family;
  if (rc != 0 || !preload_enter () || !sa
      || preload_state.settings.bind_mode != SOCKSIFY_BIND_AUTO
      || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
      || len < (sa->sa_family == AF_INET ? sizeof (struct sockaddr_in)
                : sizeof (struct sockaddr_in6))
      || !preload_is_tcp (fd, &family))
    return rc;
  union socks6_sockaddr local;
  memset (&local, 0, sizeof local);
  memcpy (&local, sa, len < sizeof local ? len : sizeof local);
  pthread_mutex_lock (&preload_bind_lock);
  struct preload_bind *b;
  if (!preload_bind_find (fd) && preload_bind_eligible (&local)
      && (b = preload_bind_new (fd, family)))
    {
      b->local = local;
      b->local_len = len < sizeof local ? len : sizeof local;
    }
  pthread_mutex_unlock (&preload_bind_lock);
  return rc;
}

/* An unbound TCP socket (listen binds it to the wildcard address and
   an ephemeral port) that may become a BIND: its entry.  Lock held.  */
static struct preload_bind *
preload_bind_unbound (int fd)
{
  int family;
  union socks6_sockaddr sa;
  socklen_t len = sizeof sa;
  if (!preload_is_tcp (fd, &family)
      || preload_true.getsockname (fd, &sa.sa, &len) != 0
      || preload_bind_port (&sa) != 0 || !preload_bind_eligible (&sa))
    return NULL;
  return preload_bind_new (fd, family);
}

PRELOAD_EXPORT int
listen (int fd, int backlog)
{
  preload_sym_load ();
  if (!preload_enter ()
      || preload_state.settings.bind_mode != SOCKSIFY_BIND_AUTO)
    return preload_true.listen (fd, backlog);
  pthread_mutex_lock (&preload_bind_lock);
  struct preload_bind *b = preload_bind_find (fd);
  if (!b)
    b = preload_bind_unbound (fd);
  int err = -1;
  if (b && b->stage == PRELOAD_BIND_BOUND)
    err = preload_bind_start (b);
  else if (b && b->stage == PRELOAD_BIND_FAILED)
    err = b->err;
  else if (b)
    err = 0;
  pthread_mutex_unlock (&preload_bind_lock);
  if (err < 0)
    return preload_true.listen (fd, backlog);
  if (err)
    {
      errno = err;
      return -1;
    }
  return 0;
}

bool
preload_bind_getsockname (int fd, struct sockaddr *sa, socklen_t *len,
                          int *rc)
{
  if (atomic_load (&preload_bind_count) == 0)
    return false;
  pthread_mutex_lock (&preload_bind_lock);
  struct preload_bind *b = preload_bind_find (fd);
  bool ours = b != NULL;
  *rc = 0;
  if (b && b->stage == PRELOAD_BIND_BOUND)
    preload_bind_start (b);
  if (b && (b->stage == PRELOAD_BIND_LISTENING
            || b->stage == PRELOAD_BIND_DONE))
    {
      socklen_t size = b->family == AF_INET ? sizeof (struct sockaddr_in)
        : sizeof (struct sockaddr_in6);
      memcpy (sa, &b->shown, size < *len ? size : *len);
      *len = size;
    }
  else
    ours = false;               /* the local socket answers */
  pthread_mutex_unlock (&preload_bind_lock);
  return ours;
}

void
preload_bind_before_connect (int fd)
{
  if (atomic_load (&preload_bind_count) == 0)
    return;
  pthread_mutex_lock (&preload_bind_lock);
  struct preload_bind *b = preload_bind_find (fd);
  if (b && b->stage != PRELOAD_BIND_BOUND)
    preload_bind_restore (b);
  if (b)
    preload_bind_free (b);
  pthread_mutex_unlock (&preload_bind_lock);
}

void
preload_bind_forget (int fd)
{
  if (atomic_load (&preload_bind_count) == 0)
    return;
  pthread_mutex_lock (&preload_bind_lock);
  struct preload_bind *b = preload_bind_find (fd);
  if (b)
    preload_bind_free (b);
  pthread_mutex_unlock (&preload_bind_lock);
}

/* After its one relayed connection, the listening descriptor listens on
   loopback, where nobody was told to connect.  */
static void
preload_bind_retire (struct preload_bind *b, int flags)
{
  b->stage = PRELOAD_BIND_DONE;
  if (preload_socket_renew (b->fd, b->family) != 0)
    return;
  preload_true.fcntl (b->fd, F_SETFL, flags);
  union socks6_sockaddr lo;
  memset (&lo, 0, sizeof lo);
  lo.sa.sa_family = b->family;
  if (b->family == AF_INET)
    lo.sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  else
    lo.sin6.sin6_addr = in6addr_loopback;
  if (preload_true.bind (b->fd, &lo.sa, b->family == AF_INET
                         ? sizeof lo.sin : sizeof lo.sin6) == 0)
    preload_true.listen (b->fd, 1);
}

/* The peer of the second reply as the program's family shows it.  */
static void
preload_bind_peer (const struct preload_bind *b, union socks6_sockaddr *out)
{
  const struct socks5_reply *second = socks5_client_reply (&b->chain.client,
                                                           1);
  union socks6_sockaddr peer;
  socklen_t len;
  memset (out, 0, sizeof *out);
  out->sa.sa_family = b->family;
  if (!second || socks6_addr_to_sockaddr (&second->bound, &peer, &len) != 0)
    return;
  int family;
  const unsigned char *a = preload_bind_bytes (&peer, &family);
  in_port_t port = htons (preload_bind_port (&peer));
  if (b->family == AF_INET)
    {
      /* An IPv6 peer of an IPv4 program: only its port can show.  */
      if (family == AF_INET)
        memcpy (&out->sin.sin_addr, a, 4);
      out->sin.sin_port = port;
      return;
    }
  if (family == AF_INET)
    {
      out->sin6.sin6_addr.s6_addr[10] = 0xff;
      out->sin6.sin6_addr.s6_addr[11] = 0xff;
      memcpy (&out->sin6.sin6_addr.s6_addr[12], a, 4);
    }
  else
    memcpy (&out->sin6.sin6_addr, a, 16);
  out->sin6.sin6_port = port;
}

/* The relayed connection, a duplicate of B's descriptor, which then
   retires.  Lock held.  */
static int
preload_bind_take (struct preload_bind *b, struct sockaddr *sa,
                   socklen_t *len, int flags)
{
  int listen_flags = preload_true.fcntl (b->fd, F_GETFL);
  int fd = preload_true.fcntl (b->fd, flags & SOCK_CLOEXEC
                               ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
  if (fd < 0)
    return -1;
  /* Accepted sockets start blocking unless asked otherwise.  */
  preload_true.fcntl (fd, F_SETFL, flags & SOCK_NONBLOCK
                      ? listen_flags | O_NONBLOCK
                      : listen_flags & ~O_NONBLOCK);
  struct preload_fd entry;
  memset (&entry, 0, sizeof entry);
  entry.socksified = true;
  entry.family = b->family;
  preload_bind_peer (b, &entry.peer);
  preload_fd_set (fd, &entry);
  if (sa && len)
    {
      socklen_t size = b->family == AF_INET ? sizeof (struct sockaddr_in)
        : sizeof (struct sockaddr_in6);
      memcpy (sa, &entry.peer, size < *len ? size : *len);
      *len = size;
    }
  preload_chain_log (&b->chain, 0);
  preload_bind_retire (b, listen_flags);
  return fd;
}

/* accept on a BIND's listener: *OURS false when FD is not one.  */
static int
preload_bind_accept (int fd, struct sockaddr *sa, socklen_t *len, int flags,
                     bool *ours)
{
  *ours = false;
  for (;;)
    {
      pthread_mutex_lock (&preload_bind_lock);
      struct preload_bind *b = preload_bind_find (fd);
      if (!b || b->stage == PRELOAD_BIND_BOUND
          || b->stage == PRELOAD_BIND_DONE)
        {
          pthread_mutex_unlock (&preload_bind_lock);
          return -1;
        }
      *ours = true;
      int listen_flags = preload_true.fcntl (fd, F_GETFL);
      int err = b->stage == PRELOAD_BIND_FAILED ? b->err
        : preload_chain_pump (fd, &b->chain);
      if (err == 0)
        {
          int newfd = preload_bind_take (b, sa, len, flags);
          pthread_mutex_unlock (&preload_bind_lock);
          return newfd;
        }
      if (err != EINPROGRESS)
        {
          preload_chain_log (&b->chain, err);
          preload_log (SOCKSIFY_LOG_INFO, "BIND on fd %d: %s", fd,
                       strerror (err));
          preload_bind_retire (b, listen_flags);
        }
      pthread_mutex_unlock (&preload_bind_lock);
      if (err == EINPROGRESS && (listen_flags & O_NONBLOCK))
        err = EAGAIN;
      if (err != EINPROGRESS)
        {
          errno = err;
          return -1;
        }
      struct pollfd p = {.fd = fd,.events = POLLIN };
      if (preload_true.poll (&p, 1, -1) < 0 && errno == EINTR)
        return -1;
    }
}

PRELOAD_EXPORT int
accept4 (int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
  preload_sym_load ();
  if (preload_enter () && atomic_load (&preload_bind_count) > 0)
    {
      bool ours;
      int rc = preload_bind_accept (fd, sa, len, flags, &ours);
      if (ours)
        return rc;
    }
  if (!preload_true.accept4)
    {
      errno = ENOSYS;
      return -1;
    }
  return preload_true.accept4 (fd, sa, len, flags);
}

PRELOAD_EXPORT int
accept (int fd, struct sockaddr *sa, socklen_t *len)
{
  preload_sym_load ();
  if (preload_enter () && atomic_load (&preload_bind_count) > 0)
    {
      bool ours;
      int rc = preload_bind_accept (fd, sa, len, 0, &ours);
      if (ours)
        return rc;
    }
  if (!preload_true.accept)
    {
      errno = ENOSYS;
      return -1;
    }
  return preload_true.accept (fd, sa, len);
}
