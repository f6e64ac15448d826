/* The connect() hook of libsocks6-preload.so, and the guard that keeps a
   program's own DNS traffic from leaving past the gateway.

   connect() on a TCP socket to
     a fake address   -> SOCKS CONNECT carrying the name (ATYP 3);
     a direct address -> the plain connect (loopback, -d prefixes);
     any other        -> SOCKS CONNECT carrying the address.
   UDP sockets (connect, sendto, sendmsg) to an address that is not
   direct go through a UDP ASSOCIATE (preload-udp.c).  Everything else
   (UNIX, raw, SCTP sockets) passes through, with one
   exception: UDP to port 53 of an address not listed as direct, or TCP
   to port 53 on loopback (a local stub resolver forwards upstream), fails
   with EACCES, so a program with its own DNS client (dig, Chromium)
   cannot leak a name.  TCP to port 53 of a remote address goes through
   the gateway like any connection.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "preload.h"
#include "socks5.h"

#define PRELOAD_DNS_PORT 53

/* The address octets of SA, IPv4-mapped IPv6 addresses seen as IPv4;
   *FAMILY gets their family.  NULL for other families.  */
const unsigned char *
preload_sockaddr_bytes (const struct sockaddr *sa, int *family)
{
  static const unsigned char mapped[12] = {[10] = 0xff,[11] = 0xff };
  if (sa->sa_family == AF_INET)
    {
      *family = AF_INET;
      return (const void *) &((const struct sockaddr_in *) sa)->sin_addr;
    }
  if (sa->sa_family != AF_INET6)
    return NULL;
  const unsigned char *a =
    (const void *) &((const struct sockaddr_in6 *) sa)->sin6_addr;
  if (memcmp (a, mapped, 12) == 0)
    {
      *family = AF_INET;
      return a + 12;
    }
  *family = AF_INET6;
  return a;
}

uint16_t
preload_sockaddr_port (const struct sockaddr *sa)
{
  return ntohs (sa->sa_family == AF_INET
                ? ((const struct sockaddr_in *) sa)->sin_port
                : ((const struct sockaddr_in6 *) sa)->sin6_port);
}

/* True if a packet or connection to SA is a DNS query that would leave
   past the gateway.  */
static bool
preload_is_dns_leak (const struct sockaddr *sa, socklen_t len)
{
  int family = AF_UNSPEC;
  const unsigned char *addr;
  if (!sa || len < sizeof (struct sockaddr_in)
      || !(addr = preload_sockaddr_bytes (sa, &family))
      || preload_sockaddr_port (sa) != PRELOAD_DNS_PORT)
    return false;
  if (socksify_settings_direct_prefix (&preload_state.settings, family,
                                       addr))
    return false;
  preload_log (SOCKSIFY_LOG_WARNING, "refused a DNS query to port 53 past "
               "the gateway (list the server with --direct to allow it)");
  return true;
}

static int
preload_socket_type (int fd, int *protocol)
{
  int type;
  socklen_t len = sizeof type;
  if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
    return -1;
  len = sizeof *protocol;
  if (getsockopt (fd, SOL_SOCKET, SO_PROTOCOL, protocol, &len) != 0)
    *protocol = 0;
  return type;
}

/* Where the SOCKS request for SA goes: the name behind a fake address
   (held for the socket's life), or the address itself.  Return 0, -1
   for a direct address, or an errno value.  */
static int
preload_destination (const struct sockaddr *sa, struct socks6_addr *dst,
                     bool *fake)
{
  int family = AF_UNSPEC;
  const unsigned char *addr = preload_sockaddr_bytes (sa, &family);
  uint16_t port = preload_sockaddr_port (sa);
  struct preload_state *st = &preload_state;
  *fake = false;
  if (st->fake && fakeaddr_is_fake (st->fake, family, addr))
    {
      char name[SOCKS6_NAME_MAX + 1];
      size_t len;
      if (fakeaddr_hold (st->fake, family, addr, name, &len) != SOCKS6_OK)
        return EHOSTUNREACH;    /* a fake address no longer mapped */
      *fake = true;
      socks6_addr_set_name (dst, name, len, port);
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

static void
preload_release (const struct sockaddr *sa)
{
  int family = AF_UNSPEC;
  const unsigned char *addr = preload_sockaddr_bytes (sa, &family);
  fakeaddr_release (preload_state.fake, family, addr);
}

/* Connect FD through the gateway to SA.  */
static int
preload_connect_socks (int fd, const struct sockaddr *sa, socklen_t len)
{
  preload_bind_before_connect (fd);
  int again = preload_async_connect_again (fd);
  if (again >= 0)
    {
      errno = again;
      return -1;
    }
  struct socks6_addr dst;
  bool fake;
  int err = preload_destination (sa, &dst, &fake);
  if (err < 0)
    return preload_true.connect (fd, sa, len);
  if (err)
    {
      errno = err;
      return -1;
    }
  struct preload_fd entry;
  if (preload_fd_get (fd, &entry))
    {
      if (fake)
        preload_release (sa);
      errno = EISCONN;
      return -1;
    }
  int family = sa->sa_family;
  memset (&entry, 0, sizeof entry);
  entry.fake = fake;
  entry.family = family;
  memcpy (&entry.peer, sa, len < sizeof entry.peer ? len : sizeof entry.peer);
  preload_busy_begin ();
  err = -1;
  if (preload_state.settings.connect_mode == SOCKSIFY_CONNECT_ASYNC
      && (preload_true.fcntl (fd, F_GETFL) & O_NONBLOCK))
    {
      err = preload_async_start (fd, &dst, &entry);
      if (err == 0)
        {
          preload_busy_end ();
          errno = EINPROGRESS;
          return -1;
        }
    }
  if (err < 0)
    err = preload_gateway_request (fd, SOCKS5_CMD_CONNECT, &dst, NULL);
  if (err)
    {
      /* A clean, unconnected socket of the program's family, so a retry
         or a getsockopt sees what a failed connect leaves.  */
      preload_socket_renew (fd, family);
    }
  preload_busy_end ();
  if (err)
    {
      if (fake)
        preload_release (sa);
      errno = err;
      return -1;
    }
  entry.socksified = true;
  preload_fd_set (fd, &entry);
  preload_bind_note_connect (fd, &dst, preload_gateway_used ());
  return 0;
}

PRELOAD_EXPORT int
connect (int fd, const struct sockaddr *sa, socklen_t len)
{
  if (sa && sa->sa_family == AF_UNSPEC && preload_enter ())
    preload_udp_disconnect (fd);
  if (!preload_enter () || !sa || len < sizeof (struct sockaddr_in)
      || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
      || (sa->sa_family == AF_INET6 && len < sizeof (struct sockaddr_in6)))
    goto pass;
  int protocol;
  int type = preload_socket_type (fd, &protocol);
  if (type == SOCK_STREAM
      && (protocol == 0 || protocol == IPPROTO_TCP || protocol == 262))
    {
      /* TCP to a remote port 53 goes through the gateway like any
         connection; to a local stub resolver it would leave directly.  */
      int family = AF_UNSPEC;
      const unsigned char *addr = preload_sockaddr_bytes (sa, &family);
      if (addr && preload_sockaddr_port (sa) == PRELOAD_DNS_PORT
          && socks6_addr_raw_is_loopback (family, addr)
          && preload_is_dns_leak (sa, len))
        goto refuse;
      return preload_connect_socks (fd, sa, len);
    }
  if (type == SOCK_DGRAM && preload_is_dns_leak (sa, len))
    goto refuse;
  if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP))
    return preload_udp_connect (fd, sa, len);
pass:
  if (!preload_true.connect)
    {
      errno = ENOSYS;
      return -1;
    }
  return preload_true.connect (fd, sa, len);
refuse:
  errno = EACCES;
  return -1;
}

PRELOAD_EXPORT ssize_t
sendto (int fd, const void *buf, size_t size, int flags,
        const struct sockaddr *sa, socklen_t len)
{
  if (preload_enter () && sa && preload_is_dns_leak (sa, len))
    {
      errno = EACCES;
      return -1;
    }
  /* UDP to a destination that is not direct: through the relay.  */
  struct iovec iov = {.iov_base = (void *) buf,.iov_len = size };
  struct msghdr msg = {.msg_name = (void *) sa,.msg_namelen = sa ? len : 0,
    .msg_iov = &iov,.msg_iovlen = 1
  };
  ssize_t n;
  if (preload_enter () && preload_udp_send (fd, &msg, flags, &n))
    return n;
  return preload_true.sendto (fd, buf, size, flags, sa, len);
}

PRELOAD_EXPORT ssize_t
sendmsg (int fd, const struct msghdr *msg, int flags)
{
  if (preload_enter () && msg
      && preload_is_dns_leak (msg->msg_name, msg->msg_namelen))
    {
      errno = EACCES;
      return -1;
    }
  ssize_t n;
  if (msg && preload_enter () && preload_udp_send (fd, msg, flags, &n))
    return n;
  return preload_true.sendmsg (fd, msg, flags);
}
