/* UDP through the gateway, for libsocks6-preload.so: the association
   (RFC 1928 UDP ASSOCIATE) a UDP socket gets the first time it sends to
   an address that is not direct, and the encapsulation of its datagrams.

   The association is a TCP connection of our own to the gateway, kept
   for the socket's life and closed with it (close, close_range, the last
   dup); it is made inside the first sendto, sendmsg or connect, bounded
   by the timeout, also for a non-blocking socket, which stays
   non-blocking.  The datagrams leave from the program's own socket for
   the relay's address (BND.ADDR, BND.PORT), each with the RFC 1928
   header in front, which carries the name for a fake address (ATYP 3):
   the gateway resolves it, so a program on an IPv4-only host reaches an
   IPv6-only server by name (RFC 3089 section 5.1).

   Datagrams that come back from the relay lose their header, and the
   source the program sees is what it expects: the fake address it sent
   to when the source answers for a name it used (matched on the port,
   then on the address the first answer came from), otherwise the real
   source in the socket's family; an IPv6 source cannot be shown to an
   IPv4 socket, which gets a fake IPv4 address standing for it, so that
   it can answer (RFC 3089's spirit).  Datagrams from anyone else are
   passed on only when they come from a direct address; the rest are
   dropped, as the relay would drop theirs.

   Each socket is tracked in a table indexed by fd, read without a lock
   on the data path: the hooks of read, write, send and recv cost one
   load when the process has no association.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include "preload.h"
#include "socks5.h"

/* Names a socket sent to, remembered to show replies as coming from
   their fake addresses.  */
#define PRELOAD_UDP_DESTS 8
#define PRELOAD_UDP_FD_MAX (1 << 20)
/* The largest UDP payload over IPv4 and IPv6 (without jumbograms).  */
#define PRELOAD_UDP_MAX_V4 65507
#define PRELOAD_UDP_MAX_V6 65527
/* Datagrams at most this large are gathered on the stack.  */
#define PRELOAD_UDP_STACK 2048

struct preload_udp_dest
{
  bool used;
  bool learned;                 /* SOURCE is where its answers come from */
  int family;                   /* of the fake address */
  unsigned char fake[16];
  uint16_t port;
  struct socks6_addr source;
  uint64_t stamp;
};

struct preload_udp
{
  int refs;                     /* descriptors sharing it (dup) */
  int control;                  /* the TCP connection to the gateway */
  int family;                   /* the program's socket's */
  union socks6_sockaddr relay;  /* in the socket's family */
  socklen_t relay_len;
  bool connected;               /* connect() through the relay */
  struct socks6_addr peer_dst;  /* what its datagrams carry */
  union socks6_sockaddr peer;   /* what the program connected to */
  struct preload_udp_dest dests[PRELOAD_UDP_DESTS];
  uint64_t clock;
};

static struct preload_udp **preload_udps;
static size_t preload_udp_slots;
static int preload_udp_live;
static pthread_mutex_t preload_udp_lock = PTHREAD_MUTEX_INITIALIZER;

static void preload_udp_after_fork (void);

/* The table, mapped on the first association.  Call with the lock.  */
static bool
preload_udp_table (void)
{
  if (preload_udps)
    return true;
  struct rlimit limit;
  size_t count = 4096;
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      rlim_t most = limit.rlim_max != RLIM_INFINITY ? limit.rlim_max
        : PRELOAD_UDP_FD_MAX;
      if (most < limit.rlim_cur)
        most = limit.rlim_cur;
      count = most > PRELOAD_UDP_FD_MAX ? PRELOAD_UDP_FD_MAX : most;
    }
  void *table = mmap (NULL, count * sizeof *preload_udps,
                      PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (table == MAP_FAILED)
    return false;
  preload_udp_slots = count;
  __atomic_store_n (&preload_udps, table, __ATOMIC_RELEASE);
  pthread_atfork (NULL, NULL, preload_udp_after_fork);
  return true;
}

/* FD's association with a reference taken, or NULL.  Lock-free when the
   process has none, so that read and write stay cheap.  */
static struct preload_udp *
preload_udp_get (int fd)
{
  if (__atomic_load_n (&preload_udp_live, __ATOMIC_ACQUIRE) == 0
      || fd < 0 || (size_t) fd >= preload_udp_slots)
    return NULL;
  pthread_mutex_lock (&preload_udp_lock);
  struct preload_udp *a = preload_udps[fd];
  if (a)
    a->refs++;
  pthread_mutex_unlock (&preload_udp_lock);
  return a;
}

static void
preload_udp_hold_dest (const struct preload_udp_dest *d, bool hold)
{
  if (!d->used || !preload_state.fake)
    return;
  if (hold)
    fakeaddr_hold (preload_state.fake, d->family, d->fake, NULL, NULL);
  else
    fakeaddr_release (preload_state.fake, d->family, d->fake);
}

/* Drop a reference; the last one ends the association.  */
static void
preload_udp_put (struct preload_udp *a)
{
  pthread_mutex_lock (&preload_udp_lock);
  bool last = --a->refs == 0;
  pthread_mutex_unlock (&preload_udp_lock);
  if (!last)
    return;
  for (size_t i = 0; i < PRELOAD_UDP_DESTS; i++)
    preload_udp_hold_dest (&a->dests[i], false);
  preload_true.close (a->control);
  preload_log (SOCKSIFY_LOG_DEBUG, "UDP association closed");
  free (a);
}

void
preload_udp_forget (int fd)
{
  if (__atomic_load_n (&preload_udp_live, __ATOMIC_ACQUIRE) == 0
      || fd < 0 || (size_t) fd >= preload_udp_slots)
    return;
  pthread_mutex_lock (&preload_udp_lock);
  struct preload_udp *a = preload_udps[fd];
  preload_udps[fd] = NULL;
  if (a)
    __atomic_sub_fetch (&preload_udp_live, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock (&preload_udp_lock);
  if (a)
    preload_udp_put (a);
}

void
preload_udp_copy (int oldfd, int newfd)
{
  if (oldfd == newfd)
    return;
  preload_udp_forget (newfd);
  struct preload_udp *a = preload_udp_get (oldfd);
  if (!a)
    return;
  if ((size_t) newfd >= preload_udp_slots)
    {
      preload_udp_put (a);
      return;
    }
  pthread_mutex_lock (&preload_udp_lock);
  preload_udps[newfd] = a;      /* the reference taken by the get */
  __atomic_add_fetch (&preload_udp_live, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock (&preload_udp_lock);
}

/* The child shares the parent's table of fake addresses: it takes its
   own holds for the names its inherited sockets remember.  */
static void
preload_udp_after_fork (void)
{
  pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
  preload_udp_lock = fresh;
  for (size_t fd = 0; fd < preload_udp_slots; fd++)
    if (preload_udps[fd] && preload_udps[fd]->refs > 0)
      {
        struct preload_udp *a = preload_udps[fd];
        for (size_t i = 0; i < PRELOAD_UDP_DESTS; i++)
          preload_udp_hold_dest (&a->dests[i], true);
        /* Holds are per association, not per descriptor: once.  */
        a->refs = -a->refs;
      }
  for (size_t fd = 0; fd < preload_udp_slots; fd++)
    if (preload_udps[fd] && preload_udps[fd]->refs < 0)
      preload_udps[fd]->refs = -preload_udps[fd]->refs;
}

/* True if FD is a UDP socket of IPv4 or IPv6; *FAMILY gets its family.  */
bool
preload_udp_socket (int fd, int *family)
{
  int type, protocol;
  socklen_t len = sizeof type;
  if (preload_true.getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0
      || type != SOCK_DGRAM)
    return false;
  len = sizeof protocol;
  if (preload_true.getsockopt (fd, SOL_SOCKET, SO_PROTOCOL, &protocol,
                               &len) != 0)
    protocol = 0;
  if (protocol != 0 && protocol != IPPROTO_UDP)
    return false;
  union socks6_sockaddr ss;
  len = sizeof ss;
  if (preload_true.getsockname (fd, &ss.sa, &len) != 0)
    return false;
  *family = ss.sa.sa_family;
  return *family == AF_INET || *family == AF_INET6;
}

/* Where a datagram to SA goes: -1 direct, 0 with *DST (a name for a
   fake address, whose family and octets go to *FAKE_FAMILY and FAKE), or
   an errno value.  */
static int
preload_udp_destination (const struct sockaddr *sa, socklen_t len,
                         struct socks6_addr *dst, int *fake_family,
                         unsigned char fake[16])
{
  int family = AF_UNSPEC;
  const unsigned char *addr;
  if (len < sizeof (struct sockaddr_in)
      || (sa->sa_family == AF_INET6 && len < sizeof (struct sockaddr_in6))
      || !(addr = preload_sockaddr_bytes (sa, &family)))
    return EAFNOSUPPORT;
  uint16_t port = preload_sockaddr_port (sa);
  struct preload_state *st = &preload_state;
  *fake_family = AF_UNSPEC;
  if (st->fake && fakeaddr_is_fake (st->fake, family, addr))
    {
      char name[SOCKS6_NAME_MAX + 1];
      size_t n;
      if (fakeaddr_lookup_addr (st->fake, family, addr, name, &n)
          != SOCKS6_OK)
        return EHOSTUNREACH;
      *fake_family = family;
      memcpy (fake, addr, family == AF_INET ? 4 : 16);
      /* An address literal looked up as a name ("::1" asked for as
         IPv4) travels as the address it is.  */
      if (!socks6_addr_parse_literal (dst, name, port))
        socks6_addr_set_name (dst, name, n, port);
      return 0;
    }
  if (socksify_settings_direct_addr (&st->settings, family, addr))
    return -1;
  memset (dst, 0, sizeof *dst);
  dst->type = family == AF_INET ? SOCKS6_ADDR_IPV4 : SOCKS6_ADDR_IPV6;
  dst->port = port;
  memcpy (family == AF_INET ? dst->u.ipv4 : dst->u.ipv6, addr,
          family == AF_INET ? 4 : 16);
  if (sa->sa_family == AF_INET6 && family == AF_INET6)
    dst->scope_id = ((const struct sockaddr_in6 *) sa)->sin6_scope_id;
  return 0;
}

/* Bind FD to the wildcard address if it is not bound yet, so that its
   port can go in the request.  Return the port (host order) or -1.  */
static int
preload_udp_bind (int fd, int family)
{
  union socks6_sockaddr ss;
  socklen_t len = sizeof ss;
  if (preload_true.getsockname (fd, &ss.sa, &len) != 0)
    return -1;
  in_port_t port = family == AF_INET ? ss.sin.sin_port : ss.sin6.sin6_port;
  if (port != 0)
    return ntohs (port);
  memset (&ss, 0, sizeof ss);
  ss.sa.sa_family = family;
  len = family == AF_INET ? sizeof ss.sin : sizeof ss.sin6;
  if (bind (fd, &ss.sa, len) != 0)
    return -1;
  len = sizeof ss;
  if (preload_true.getsockname (fd, &ss.sa, &len) != 0)
    return -1;
  return ntohs (family == AF_INET ? ss.sin.sin_port : ss.sin6.sin6_port);
}

/* The relay's address for a socket of FAMILY, from the reply's BND
   (the gateway's own address when BND.ADDR is unspecified).  */
static int
preload_udp_relay (struct preload_udp *a, const struct socks5_reply *reply)
{
  static const unsigned char zero[16];
  struct socks6_addr bnd = reply->bound;
  if (bnd.type == SOCKS6_ADDR_NAME)
    return EPROTO;
  if (memcmp (bnd.type == SOCKS6_ADDR_IPV4 ? bnd.u.ipv4 : bnd.u.ipv6, zero,
              bnd.type == SOCKS6_ADDR_IPV4 ? 4 : 16) == 0)
    {
      union socks6_sockaddr gw;
      socklen_t len = sizeof gw;
      uint16_t port = bnd.port;
      if (preload_true.getpeername (a->control, &gw.sa, &len) != 0
          || socks6_addr_from_sockaddr (&bnd, &gw.sa, len) != SOCKS6_OK)
        return errno ? errno : EPROTO;
      bnd.port = port;
    }
  if (bnd.type == SOCKS6_ADDR_IPV6 && a->family == AF_INET)
    return EAFNOSUPPORT;        /* an IPv4 socket cannot reach it */
  memset (&a->relay, 0, sizeof a->relay);
  if (bnd.type == SOCKS6_ADDR_IPV4 && a->family == AF_INET6)
    {
      a->relay.sin6.sin6_family = AF_INET6;
      a->relay.sin6.sin6_port = htons (bnd.port);
      a->relay.sin6.sin6_addr.s6_addr[10] = 0xff;
      a->relay.sin6.sin6_addr.s6_addr[11] = 0xff;
      memcpy (&a->relay.sin6.sin6_addr.s6_addr[12], bnd.u.ipv4, 4);
      a->relay_len = sizeof a->relay.sin6;
      return 0;
    }
  return socks6_addr_to_sockaddr (&bnd, &a->relay, &a->relay_len)
    == SOCKS6_OK ? 0 : EPROTO;
}

/* Open an association for FD, a UDP socket of FAMILY.  */
static int
preload_udp_open (int fd, int family, struct preload_udp **ap)
{
  struct preload_udp *a = calloc (1, sizeof *a);
  if (!a)
    return ENOMEM;
  a->refs = 1;
  a->family = family;
  int port = preload_udp_bind (fd, family);
  int gwfamily = preload_gateway_family ();
  a->control = preload_true.socket (gwfamily, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (port < 0 || a->control < 0)
    {
      int err = errno;
      if (a->control >= 0)
        preload_true.close (a->control);
      free (a);
      return err;
    }
  /* The address the datagrams will come from is not known before the
     first leaves: all zeros, with the port (RFC 1928 section 6).  */
  struct socks6_addr me;
  memset (&me, 0, sizeof me);
  me.type = gwfamily == AF_INET ? SOCKS6_ADDR_IPV4 : SOCKS6_ADDR_IPV6;
  me.port = port;
  struct socks5_reply reply;
  int err = preload_gateway_request (a->control, SOCKS5_CMD_UDP_ASSOCIATE,
                                     &me, &reply);
  if (!err)
    err = preload_udp_relay (a, &reply);
  if (err)
    {
      preload_true.close (a->control);
      free (a);
      return err;
    }
  preload_log (SOCKSIFY_LOG_DEBUG, "UDP association for fd %d, relay port "
               "%u", fd, (unsigned) reply.bound.port);
  *ap = a;
  return 0;
}

/* True if the gateway ended FD's association (its TCP connection is
   closed or broken); the association must then be made again.  */
static bool
preload_udp_ended (const struct preload_udp *a)
{
  struct pollfd p = {.fd = a->control,.events = POLLIN };
  return preload_true.poll (&p, 1, 0) > 0;
}

/* FD's association, opened now if needed: NULL with *ERR set.  */
static struct preload_udp *
preload_udp_ensure (int fd, int family, int *err)
{
  struct preload_udp *a = preload_udp_get (fd);
  if (a && !preload_udp_ended (a))
    return a;
  if (a)
    {
      preload_log (SOCKSIFY_LOG_INFO, "UDP association of fd %d ended by "
                   "the gateway; making a new one", fd);
      preload_udp_put (a);
      preload_udp_forget (fd);
    }
  pthread_mutex_lock (&preload_udp_lock);
  bool room = preload_udp_table () && (size_t) fd < preload_udp_slots;
  pthread_mutex_unlock (&preload_udp_lock);
  if (!room)
    {
      *err = ENOMEM;
      return NULL;
    }
  preload_busy_begin ();
  *err = preload_udp_open (fd, family, &a);
  preload_busy_end ();
  if (*err)
    return NULL;
  pthread_mutex_lock (&preload_udp_lock);
  struct preload_udp *other = preload_udps[fd];
  if (!other)
    {
      preload_udps[fd] = a;
      __atomic_add_fetch (&preload_udp_live, 1, __ATOMIC_RELEASE);
      a->refs++;                /* the caller's */
    }
  else
    other->refs++;
  pthread_mutex_unlock (&preload_udp_lock);
  if (other)
    {
      /* Another thread made one first: use it.  */
      preload_udp_put (a);
      return other;
    }
  return a;
}

/* Remember that A sent to the name behind the fake address FAKE.  */
static void
preload_udp_note_dest (struct preload_udp *a, int family,
                       const unsigned char *fake, uint16_t port)
{
  size_t n = family == AF_INET ? 4 : 16;
  pthread_mutex_lock (&preload_udp_lock);
  struct preload_udp_dest *slot = &a->dests[0];
  for (size_t i = 0; i < PRELOAD_UDP_DESTS; i++)
    {
      struct preload_udp_dest *d = &a->dests[i];
      if (d->used && d->family == family && d->port == port
          && memcmp (d->fake, fake, n) == 0)
        {
          d->stamp = ++a->clock;
          pthread_mutex_unlock (&preload_udp_lock);
          return;
        }
      if (!d->used || (slot->used && d->stamp < slot->stamp))
        slot = d;
    }
  struct preload_udp_dest old = *slot;
  memset (slot, 0, sizeof *slot);
  slot->used = true;
  slot->family = family;
  memcpy (slot->fake, fake, n);
  slot->port = port;
  slot->stamp = ++a->clock;
  struct preload_udp_dest fresh = *slot;
  pthread_mutex_unlock (&preload_udp_lock);
  preload_udp_hold_dest (&old, false);
  preload_udp_hold_dest (&fresh, true);
}

/* The largest payload A's relay can carry for a header of HLEN.  */
static size_t
preload_udp_room (const struct preload_udp *a, size_t hlen)
{
  bool v4 = a->relay.sa.sa_family == AF_INET
    || IN6_IS_ADDR_V4MAPPED (&a->relay.sin6.sin6_addr);
  return (v4 ? PRELOAD_UDP_MAX_V4 : PRELOAD_UDP_MAX_V6) - hlen;
}

/* Send MSG's data through A to DST: the header, then the program's
   buffers as they are, in one sendmsg (its control data kept).  */
static ssize_t
preload_udp_send_via (struct preload_udp *a, int fd, const struct msghdr *msg,
                      int flags, const struct socks6_addr *dst)
{
  uint8_t header[SOCKS5_UDP_HEADER_MAX];
  ssize_t hlen = socks5_encode_udp_header (header, sizeof header, 0, dst);
  if (hlen < 0)
    {
      errno = EINVAL;
      return -1;
    }
  size_t total = 0;
  for (size_t i = 0; i < msg->msg_iovlen; i++)
    total += msg->msg_iov[i].iov_len;
  if (total > preload_udp_room (a, hlen))
    {
      errno = EMSGSIZE;
      return -1;
    }
  struct iovec stack[9];
  struct iovec *iov = stack;
  if (msg->msg_iovlen + 1 > sizeof stack / sizeof stack[0]
      && !(iov = malloc ((msg->msg_iovlen + 1) * sizeof *iov)))
    {
      errno = ENOBUFS;
      return -1;
    }
  iov[0].iov_base = header;
  iov[0].iov_len = hlen;
  if (msg->msg_iovlen)
    memcpy (iov + 1, msg->msg_iov, msg->msg_iovlen * sizeof *iov);
  struct msghdr m = *msg;
  m.msg_name = &a->relay;
  m.msg_namelen = a->relay_len;
  m.msg_iov = iov;
  m.msg_iovlen = msg->msg_iovlen + 1;
  ssize_t n = preload_true.sendmsg (fd, &m, flags);
  int err = errno;
  if (iov != stack)
    free (iov);
  errno = err;
  return n < 0 ? -1 : n < hlen ? 0 : n - hlen;
}

/* Send on an associated socket with no address: its connected peer.
   An association the gateway ended is made again, and the socket
   connected to the new relay.  */
static bool
preload_udp_send_connected (int fd, const struct msghdr *msg, int flags,
                            ssize_t *result)
{
  struct preload_udp *a = preload_udp_get (fd);
  if (!a)
    return false;
  pthread_mutex_lock (&preload_udp_lock);
  bool connected = a->connected;
  struct socks6_addr dst = a->peer_dst;
  union socks6_sockaddr peer = a->peer;
  pthread_mutex_unlock (&preload_udp_lock);
  if (connected && preload_udp_ended (a))
    {
      preload_udp_put (a);
      a = NULL;
      socklen_t len = peer.sa.sa_family == AF_INET ? sizeof peer.sin
        : sizeof peer.sin6;
      if (preload_udp_connect (fd, &peer.sa, len) != 0
          || !(a = preload_udp_get (fd)))
        {
          *result = -1;
          return true;
        }
    }
  if (connected)
    *result = preload_udp_send_via (a, fd, msg, flags, &dst);
  preload_udp_put (a);
  return connected;
}

bool
preload_udp_send (int fd, const struct msghdr *msg, int flags,
                  ssize_t *result)
{
  if (!msg->msg_name)
    return preload_udp_send_connected (fd, msg, flags, result);
  int family;
  struct socks6_addr dst;
  int fake_family;
  unsigned char fake[16];
  /* A socket with an association is known to be UDP: no system call.  */
  struct preload_udp *known = preload_udp_get (fd);
  if (known)
    {
      family = known->family;
      preload_udp_put (known);
    }
  else if (!preload_udp_socket (fd, &family))
    return false;
  int err = preload_udp_destination (msg->msg_name, msg->msg_namelen, &dst,
                                     &fake_family, fake);
  if (err < 0 || err == EAFNOSUPPORT)
    return false;               /* direct, or not for us */
  struct preload_udp *a = err ? NULL : preload_udp_ensure (fd, family, &err);
  if (!a)
    {
      preload_log (SOCKSIFY_LOG_INFO, "UDP through the gateway: %s",
                   strerror (err));
      errno = err;
      *result = -1;
      return true;
    }
  if (fake_family != AF_UNSPEC)
    preload_udp_note_dest (a, fake_family, fake, dst.port);
  *result = preload_udp_send_via (a, fd, msg, flags, &dst);
  preload_udp_put (a);
  return true;
}

/* Write FAMILY's ADDR (4 or 16 octets) and PORT as a sockaddr of the
   socket's family SOCKFAMILY (IPv4 shown to IPv6 sockets mapped).  */
static socklen_t
preload_udp_sockaddr (int sockfamily, int family, const unsigned char *addr,
                      uint16_t port, union socks6_sockaddr *out)
{
  memset (out, 0, sizeof *out);
  if (sockfamily == AF_INET)
    {
      out->sin.sin_family = AF_INET;
      out->sin.sin_port = htons (port);
      memcpy (&out->sin.sin_addr, family == AF_INET ? addr : addr + 12, 4);
      return sizeof out->sin;
    }
  out->sin6.sin6_family = AF_INET6;
  out->sin6.sin6_port = htons (port);
  if (family == AF_INET6)
    memcpy (&out->sin6.sin6_addr, addr, 16);
  else
    {
      out->sin6.sin6_addr.s6_addr[10] = 0xff;
      out->sin6.sin6_addr.s6_addr[11] = 0xff;
      memcpy (&out->sin6.sin6_addr.s6_addr[12], addr, 4);
    }
  return sizeof out->sin6;
}

/* A name A sent to, answering from SRC: an exact match on the address
   its answers came from, else the most recent name sent to that port,
   which then learns SRC.  Call with the lock.  */
static struct preload_udp_dest *
preload_udp_match (struct preload_udp *a, const struct socks6_addr *src)
{
  struct preload_udp_dest *best = NULL;
  for (size_t i = 0; i < PRELOAD_UDP_DESTS; i++)
    {
      struct preload_udp_dest *d = &a->dests[i];
      if (!d->used || d->port != src->port)
        continue;
      if (d->learned && socks6_addr_equal (&d->source, src))
        return d;
      if (!d->learned && (!best || d->stamp > best->stamp))
        best = d;
    }
  if (best)
    {
      best->learned = true;
      best->source = *src;
    }
  return best;
}

/* A fake address of FAMILY standing for NAME (LEN octets).  */
static bool
preload_udp_fake_for (int family, const char *name, size_t len,
                      unsigned char addr[16])
{
  return preload_state.fake
    && fakeaddr_assign (preload_state.fake, family, name, len, addr)
    == SOCKS6_OK;
}

/* The source the program sees for a datagram the relay says came from
   SRC (see the top of this file).  */
static socklen_t
preload_udp_show (struct preload_udp *a, const struct socks6_addr *src,
                  union socks6_sockaddr *out)
{
  unsigned char addr[16];
  pthread_mutex_lock (&preload_udp_lock);
  if (a->connected)
    {
      *out = a->peer;
      pthread_mutex_unlock (&preload_udp_lock);
      return a->family == AF_INET ? sizeof out->sin : sizeof out->sin6;
    }
  struct preload_udp_dest *d = preload_udp_match (a, src);
  struct preload_udp_dest match;
  if (d)
    match = *d;
  pthread_mutex_unlock (&preload_udp_lock);
  if (d)
    return preload_udp_sockaddr (a->family, match.family, match.fake,
                                 match.port, out);
  int fam = src->type == SOCKS6_ADDR_IPV4 ? AF_INET : AF_INET6;
  const unsigned char *real = fam == AF_INET ? src->u.ipv4 : src->u.ipv6;
  if (src->type == SOCKS6_ADDR_NAME
      || (fam == AF_INET6 && a->family == AF_INET
          && !IN6_IS_ADDR_V4MAPPED ((const struct in6_addr *) real)))
    {
      /* No IPv6 address fits an IPv4 socket: a fake one stands for it,
         and the program's answer to it goes back to SRC.  */
      char text[SOCKS6_ADDR_TEXT_MAX];
      int n = src->type == SOCKS6_ADDR_NAME
        ? (int) src->u.name.len : socks6_addr_format (src, false, text,
                                                      sizeof text);
      const char *name = src->type == SOCKS6_ADDR_NAME ? src->u.name.text
        : text;
      if (n <= 0 || !preload_udp_fake_for (a->family, name, n, addr))
        memset (addr, 0, sizeof addr);
      return preload_udp_sockaddr (a->family, a->family, addr, src->port,
                                   out);
    }
  return preload_udp_sockaddr (a->family, fam, real, src->port, out);
}

/* Whether a datagram from FROM, BUF (GOT octets), is delivered: from the
   relay, with its header (*HLEN octets) and its source in *SRC; from a
   direct address, as it is.  */
static bool
preload_udp_accept (struct preload_udp *a, const union socks6_sockaddr *from,
                    socklen_t fromlen, const uint8_t *buf, size_t got,
                    size_t *hlen, struct socks6_addr *src)
{
  int family = AF_UNSPEC;
  const unsigned char *addr = fromlen >= sizeof from->sin
    ? preload_sockaddr_bytes (&from->sa, &family) : NULL;
  if (!addr)
    return false;
  if (fromlen == a->relay_len && memcmp (from, &a->relay, fromlen) == 0)
    {
      struct socks5_udp_header h;
      if (socks5_decode_udp_header (buf, got, &h, hlen) != SOCKS6_OK
          || h.frag != 0)
        return false;           /* fragments are not supported: dropped */
      *src = h.dst;
      pthread_mutex_lock (&preload_udp_lock);
      bool ok = !a->connected || a->peer_dst.type == SOCKS6_ADDR_NAME
        || socks6_addr_equal (&a->peer_dst, src);
      pthread_mutex_unlock (&preload_udp_lock);
      return ok;
    }
  *hlen = 0;
  socks6_addr_from_sockaddr (src, &from->sa, fromlen);
  return socksify_settings_direct_addr (&preload_state.settings, family,
                                        addr);
}

/* Copy LEN octets of DATA into MSG's buffers; return how many fit.  */
static size_t
preload_udp_scatter (const struct msghdr *msg, const uint8_t *data,
                     size_t len)
{
  size_t done = 0;
  for (size_t i = 0; i < msg->msg_iovlen && done < len; i++)
    {
      size_t n = msg->msg_iov[i].iov_len;
      if (n > len - done)
        n = len - done;
      memcpy (msg->msg_iov[i].iov_base, data + done, n);
      done += n;
    }
  return done;
}

/* Receive one datagram for A into MSG, as recvmsg would without the
   gateway.  BUF has SIZE octets, room for the program's buffers and a
   header.  */
static ssize_t
preload_udp_recv_into (struct preload_udp *a, int fd, struct msghdr *msg,
                       int flags, uint8_t *buf, size_t size)
{
  for (;;)
    {
      union socks6_sockaddr from;
      struct iovec iov = {.iov_base = buf,.iov_len = size };
      struct msghdr m = *msg;
      m.msg_name = &from;
      m.msg_namelen = sizeof from;
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      ssize_t n = preload_true.recvmsg (fd, &m, flags | MSG_TRUNC);
      if (n < 0)
        return -1;
      size_t got = (size_t) n < size ? (size_t) n : size;
      size_t hlen;
      struct socks6_addr src;
      if (!preload_udp_accept (a, &from, m.msg_namelen, buf, got, &hlen,
                               &src))
        {
          /* Dropped; a peeked one must still leave the queue.  */
          if (flags & MSG_PEEK)
            preload_true.recvmsg (fd, &(struct msghdr) {0},
                                  (flags & ~MSG_PEEK) | MSG_DONTWAIT);
          continue;
        }
      size_t real = n - hlen;
      size_t copied = preload_udp_scatter (msg, buf + hlen, got - hlen);
      msg->msg_controllen = m.msg_controllen;
      msg->msg_flags = (m.msg_flags & ~MSG_TRUNC)
        | (copied < real ? MSG_TRUNC : 0);
      if (msg->msg_name)
        {
          union socks6_sockaddr shown = from;
          socklen_t len = m.msg_namelen;
          if (hlen)
            len = preload_udp_show (a, &src, &shown);
          memcpy (msg->msg_name, &shown,
                  len < msg->msg_namelen ? len : msg->msg_namelen);
          msg->msg_namelen = len;
        }
      return flags & MSG_TRUNC ? (ssize_t) real : (ssize_t) copied;
    }
}

static ssize_t
preload_udp_recv_via (struct preload_udp *a, int fd, struct msghdr *msg,
                      int flags)
{
  size_t want = 0;
  for (size_t i = 0; i < msg->msg_iovlen; i++)
    want += msg->msg_iov[i].iov_len;
  if (want > PRELOAD_UDP_MAX_V6)
    want = PRELOAD_UDP_MAX_V6;
  size_t size = want + SOCKS5_UDP_HEADER_MAX;
  uint8_t stack[PRELOAD_UDP_STACK];
  uint8_t *buf = size <= sizeof stack ? stack : malloc (size);
  if (!buf)
    {
      errno = ENOBUFS;
      return -1;
    }
  ssize_t n = preload_udp_recv_into (a, fd, msg, flags, buf, size);
  int err = errno;
  if (buf != stack)
    free (buf);
  errno = err;
  return n;
}

bool
preload_udp_recv (int fd, struct msghdr *msg, int flags, ssize_t *result)
{
  struct preload_udp *a = preload_udp_get (fd);
  if (!a)
    return false;
  *result = preload_udp_recv_via (a, fd, msg, flags);
  preload_udp_put (a);
  return true;
}

/* Whether FD has an association: the read and write hooks' test.  */
bool
preload_udp_tracked (int fd)
{
  return __atomic_load_n (&preload_udp_live, __ATOMIC_ACQUIRE) > 0
    && fd >= 0 && (size_t) fd < preload_udp_slots
    && __atomic_load_n (&preload_udps[fd], __ATOMIC_ACQUIRE) != NULL;
}

/* FD leaves the relay's peer: connect(AF_UNSPEC), or a direct peer.  */
void
preload_udp_disconnect (int fd)
{
  struct preload_udp *a = preload_udp_get (fd);
  if (!a)
    return;
  pthread_mutex_lock (&preload_udp_lock);
  bool was = a->connected;
  a->connected = false;
  pthread_mutex_unlock (&preload_udp_lock);
  if (was)
    preload_fd_clear (fd);
  preload_udp_put (a);
}

/* Connect A's socket FD through the relay to DST, which the program
   knows as SA.  */
static int
preload_udp_connect_via (struct preload_udp *a, int fd,
                         const struct sockaddr *sa, socklen_t len,
                         const struct socks6_addr *dst, int fake_family)
{
  struct preload_fd entry;
  memset (&entry, 0, sizeof entry);
  entry.socksified = true;
  entry.family = a->family;
  memcpy (&entry.peer, sa, len < sizeof entry.peer ? len : sizeof entry.peer);
  if (fake_family != AF_UNSPEC)
    {
      int family;
      const unsigned char *addr = preload_sockaddr_bytes (sa, &family);
      if (fakeaddr_hold (preload_state.fake, family, addr, NULL, NULL)
          != SOCKS6_OK)
        return EHOSTUNREACH;
      entry.fake = true;
    }
  /* The kernel then takes datagrams from the relay only, as it takes
     them from the peer only without the gateway.  */
  if (preload_true.connect (fd, &a->relay.sa, a->relay_len) != 0)
    {
      int err = errno;
      preload_fd_release_entry (&entry);
      return err;
    }
  pthread_mutex_lock (&preload_udp_lock);
  a->connected = true;
  a->peer_dst = *dst;
  a->peer = entry.peer;
  pthread_mutex_unlock (&preload_udp_lock);
  preload_fd_set (fd, &entry);
  return 0;
}

int
preload_udp_connect (int fd, const struct sockaddr *sa, socklen_t len)
{
  int family;
  struct socks6_addr dst;
  int fake_family;
  unsigned char fake[16];
  if (!preload_udp_socket (fd, &family))
    return preload_true.connect (fd, sa, len);
  int err = preload_udp_destination (sa, len, &dst, &fake_family, fake);
  if (err < 0 || err == EAFNOSUPPORT)
    {
      preload_udp_disconnect (fd);
      return preload_true.connect (fd, sa, len);
    }
  struct preload_udp *a = err ? NULL : preload_udp_ensure (fd, family, &err);
  if (a)
    {
      err = preload_udp_connect_via (a, fd, sa, len, &dst, fake_family);
      preload_udp_put (a);
    }
  if (err)
    {
      preload_log (SOCKSIFY_LOG_INFO, "UDP connect through the gateway: %s",
                   strerror (err));
      errno = err;
      return -1;
    }
  return 0;
}

/* RFC 1928 section 7: the space a SOCKS-aware UDP interface reports is
   smaller than the system's by the header: 10 octets for an IPv4
   destination, 22 for IPv6, 262 for a name (any destination, on a
   socket not connected).  */
int
preload_udp_getsockopt (int fd, int level, int name, void *value,
                        socklen_t *len)
{
  int rc = preload_true.getsockopt (fd, level, name, value, len);
  struct preload_udp *a;
  if (rc != 0 || !value || *len < sizeof (int)
      || !(a = preload_udp_get (fd)))
    return rc;
  pthread_mutex_lock (&preload_udp_lock);
  int header = SOCKS5_UDP_HEADER_MAX;
  if (a->connected && a->peer_dst.type == SOCKS6_ADDR_IPV4)
    header = 10;
  else if (a->connected && a->peer_dst.type == SOCKS6_ADDR_IPV6)
    header = 22;
  pthread_mutex_unlock (&preload_udp_lock);
  preload_udp_put (a);
  int *v = value;
  *v = *v > header ? *v - header : 0;
  return 0;
}

/* The hooks.  Each first asks, without a lock, whether FD has an
   association at all; every other descriptor passes straight on.  */

PRELOAD_EXPORT ssize_t
recvfrom (int fd, void *buf, size_t size, int flags, struct sockaddr *sa,
          socklen_t *len)
{
  preload_sym_load ();
  if (preload_udp_tracked (fd) && preload_enter ())
    {
      struct iovec iov = {.iov_base = buf,.iov_len = size };
      struct msghdr m = {.msg_name = sa && len ? sa : NULL,
        .msg_namelen = sa && len ? *len : 0,.msg_iov = &iov,.msg_iovlen = 1
      };
      ssize_t n;
      if (preload_udp_recv (fd, &m, flags, &n))
        {
          if (n >= 0 && sa && len)
            *len = m.msg_namelen;
          return n;
        }
    }
  return preload_true.recvfrom (fd, buf, size, flags, sa, len);
}

PRELOAD_EXPORT ssize_t
recvmsg (int fd, struct msghdr *msg, int flags)
{
  ssize_t n;
  preload_sym_load ();
  if (msg && preload_udp_tracked (fd) && preload_enter ()
      && preload_udp_recv (fd, msg, flags, &n))
    return n;
  return preload_true.recvmsg (fd, msg, flags);
}

PRELOAD_EXPORT ssize_t
recv (int fd, void *buf, size_t size, int flags)
{
  preload_sym_load ();
  if (preload_udp_tracked (fd))
    return recvfrom (fd, buf, size, flags, NULL, NULL);
  return preload_true.recv (fd, buf, size, flags);
}

PRELOAD_EXPORT ssize_t
read (int fd, void *buf, size_t size)
{
  preload_sym_load ();
  if (preload_udp_tracked (fd))
    return recvfrom (fd, buf, size, 0, NULL, NULL);
  return preload_true.read (fd, buf, size);
}

PRELOAD_EXPORT ssize_t
send (int fd, const void *buf, size_t size, int flags)
{
  preload_sym_load ();
  if (preload_udp_tracked (fd) && preload_enter ())
    {
      struct iovec iov = {.iov_base = (void *) buf,.iov_len = size };
      struct msghdr m = {.msg_iov = &iov,.msg_iovlen = 1 };
      ssize_t n;
      if (preload_udp_send (fd, &m, flags, &n))
        return n;
    }
  return preload_true.send (fd, buf, size, flags);
}

PRELOAD_EXPORT ssize_t
write (int fd, const void *buf, size_t size)
{
  preload_sym_load ();
  if (preload_udp_tracked (fd))
    return send (fd, buf, size, 0);
  return preload_true.write (fd, buf, size);
}

/* Message by message; after the first, only what is already there is
   taken, as with MSG_WAITFORONE.  TIMEOUT is not applied.  */
PRELOAD_EXPORT int
recvmmsg (int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
          struct timespec *timeout)
{
  preload_sym_load ();
  if (!vec || !preload_udp_tracked (fd) || !preload_enter ())
    return preload_true.recvmmsg (fd, vec, vlen, flags, timeout);
  unsigned int i;
  for (i = 0; i < vlen; i++)
    {
      ssize_t n;
      int f = (flags & ~MSG_WAITFORONE) | (i > 0 ? MSG_DONTWAIT : 0);
      if (!preload_udp_recv (fd, &vec[i].msg_hdr, f, &n))
        return preload_true.recvmmsg (fd, vec + i, vlen - i, flags, timeout);
      if (n < 0)
        break;
      vec[i].msg_len = n;
    }
  return i > 0 ? (int) i : -1;
}

PRELOAD_EXPORT int
sendmmsg (int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
  preload_sym_load ();
  if (!vec || !preload_enter ())
    return preload_true.sendmmsg (fd, vec, vlen, flags);
  unsigned int i;
  for (i = 0; i < vlen; i++)
    {
      ssize_t n;
      if (!preload_udp_send (fd, &vec[i].msg_hdr, flags, &n))
        n = preload_true.sendmsg (fd, &vec[i].msg_hdr, flags);
      if (n < 0)
        break;
      vec[i].msg_len = n;
    }
  return i > 0 ? (int) i : -1;
}

/* glibc's entry points for recv, recvfrom and read under
   _FORTIFY_SOURCE, which distributions build most programs with.  A
   call whose SIZE exceeds the buffer goes to glibc's own, which ends
   the program as it would without us.  */
extern ssize_t __recv_chk (int, void *, size_t, size_t, int);
extern ssize_t __recvfrom_chk (int, void *, size_t, size_t, int,
                               struct sockaddr *, socklen_t *);
extern ssize_t __read_chk (int, void *, size_t, size_t);

/* The next definition of NAME (glibc's), looked up once into *SLOT.  */
static void *
preload_udp_next (void **slot, const char *name)
{
  void *f = __atomic_load_n (slot, __ATOMIC_ACQUIRE);
  if (!f)
    {
      f = dlsym (RTLD_NEXT, name);
      __atomic_store_n (slot, f, __ATOMIC_RELEASE);
    }
  return f;
}

PRELOAD_EXPORT ssize_t
__recv_chk (int fd, void *buf, size_t size, size_t buflen, int flags)
{
  static void *next;
  preload_sym_load ();
  if (size <= buflen && preload_udp_tracked (fd))
    return recvfrom (fd, buf, size, flags, NULL, NULL);
  ssize_t (*f) (int, void *, size_t, size_t, int) =
    preload_udp_next (&next, "__recv_chk");
  return f (fd, buf, size, buflen, flags);
}

PRELOAD_EXPORT ssize_t
__recvfrom_chk (int fd, void *buf, size_t size, size_t buflen, int flags,
                struct sockaddr *sa, socklen_t *len)
{
  static void *next;
  preload_sym_load ();
  if (size <= buflen && preload_udp_tracked (fd))
    return recvfrom (fd, buf, size, flags, sa, len);
  ssize_t (*f) (int, void *, size_t, size_t, int, struct sockaddr *,
                socklen_t *) = preload_udp_next (&next, "__recvfrom_chk");
  return f (fd, buf, size, buflen, flags, sa, len);
}

PRELOAD_EXPORT ssize_t
__read_chk (int fd, void *buf, size_t size, size_t buflen)
{
  static void *next;
  preload_sym_load ();
  if (size <= buflen && preload_udp_tracked (fd))
    return recvfrom (fd, buf, size, 0, NULL, NULL);
  ssize_t (*f) (int, void *, size_t, size_t) =
    preload_udp_next (&next, "__read_chk");
  return f (fd, buf, size, buflen);
}
