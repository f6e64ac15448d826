/* socks6-probe's BIND and UDP ASSOCIATE helpers, shared by the
   diagnostics (--bind, --udp) and the conformance checks: where to reach
   an address a server announced, connecting as BIND's expected peer, and
   datagrams through a UDP relay with the RFC 1928 section 7 header.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "probe.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "socks5.h"

/* An unspecified BND.ADDR means "where you reached me" (many servers
   send 0.0.0.0): the address of the control connection FD when the
   family is the same.  A gateway may also answer with the other family's
   unspecified address; then only a server on loopback tells where: the
   loopback of that family.  */
bool
probe_announced_where (int fd, const struct socks6_addr *bnd,
                       struct socks6_addr *where)
{
  union socks6_sockaddr sa;
  socklen_t salen = sizeof sa;
  struct socks6_addr server;

  *where = *bnd;
  if (bnd->type == SOCKS6_ADDR_NAME)
    return false;
  if (!socks6_addr_is_unspecified (bnd))
    return true;
  if (getpeername (fd, &sa.sa, &salen) < 0
      || socks6_addr_from_sockaddr (&server, &sa.sa, salen) != SOCKS6_OK)
    return false;
  if (server.type == bnd->type)
    *where = server;
  else if (socks6_addr_is_loopback (&server))
    socks6_addr_parse_literal (where, bnd->type == SOCKS6_ADDR_IPV6
                               ? "::1" : "127.0.0.1", 0);
  else
    return false;
  where->port = bnd->port;
  return true;
}

/* Bind FD to FROM when FROM names an address, so that a server which
   checks the peer against DST.ADDR (and DST.PORT when not 0) sees the
   one announced.  */
static int
bind_from (int fd, const struct socks6_addr *from, int family)
{
  union socks6_sockaddr sa;
  socklen_t salen;
  int one = 1;

  if (from == NULL || socks6_addr_is_unspecified (from)
      || socks6_addr_to_sockaddr (from, &sa, &salen) != SOCKS6_OK
      || sa.sa.sa_family != family)
    return 0;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  return bind (fd, &sa.sa, salen);
}

int
probe_bind_peer_connect (const struct socks6_addr *where,
                         const struct socks6_addr *from, uint64_t deadline)
{
  union socks6_sockaddr sa;
  socklen_t salen;
  int fd, err;

  if (socks6_addr_to_sockaddr (where, &sa, &salen) != SOCKS6_OK)
    {
      errno = EAFNOSUPPORT;
      return -1;
    }
  fd = socket (sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
               0);
  if (fd < 0)
    return -1;
  if (bind_from (fd, from, sa.sa.sa_family) < 0)
    {
      err = errno;
      close (fd);
      errno = err;
      return -1;
    }
  return probe_tcp_connect_fd (fd, &sa, salen, deadline);
}

int
probe_udp_open (const struct socks6_addr *relay, const struct socks6_addr
                *from)
{
  union socks6_sockaddr sa;
  socklen_t salen;
  int fd, err;

  if (socks6_addr_to_sockaddr (relay, &sa, &salen) != SOCKS6_OK)
    {
      errno = EAFNOSUPPORT;
      return -1;
    }
  fd = socket (sa.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  /* Connected, so the kernel hands us only what the relay sends.  */
  if (bind_from (fd, from, sa.sa.sa_family) < 0
      || connect (fd, &sa.sa, salen) < 0)
    {
      err = errno;
      close (fd);
      errno = err;
      return -1;
    }
  return fd;
}

bool
probe_udp_send (int fd, uint8_t frag, const struct socks6_addr *dst,
                const void *payload, size_t len)
{
  uint8_t buf[SOCKS5_REQUEST_MAX + 2048];
  ssize_t n = socks5_encode_udp_header (buf, sizeof buf, frag, dst);

  if (n < 0 || len > sizeof buf - n)
    {
      errno = EMSGSIZE;
      return false;
    }
  memcpy (buf + n, payload, len);
  probe_wire (true, buf, n + len);
  return send (fd, buf, n + len, 0) == (ssize_t) (n + len);
}

enum probe_io
probe_udp_recv (int fd, struct socks5_udp_header *h, uint8_t *payload,
                size_t size, size_t *len, uint64_t deadline)
{
  uint8_t buf[65536];
  size_t hlen;
  ssize_t n;

  *len = 0;
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      uint64_t now = socks6_now_ns ();
      if (now >= deadline)
        return PROBE_IO_TIMEOUT;
      int ready = poll (&pfd, 1, (int) ((deadline - now + 999999) / 1000000));
      if (ready < 0 && errno != EINTR)
        return PROBE_IO_ERROR;
      if (ready <= 0)
        continue;
      n = recv (fd, buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n < 0)
        return PROBE_IO_ERROR;   /* ECONNREFUSED: the relay port is gone */
      break;
    }
  probe_wire (false, buf, n);
  if (socks5_decode_udp_header (buf, n, h, &hlen) != SOCKS6_OK)
    {
      errno = EBADMSG;
      return PROBE_IO_ERROR;
    }
  *len = (size_t) n - hlen < size ? (size_t) n - hlen : size;
  memcpy (payload, buf + hlen, *len);
  return PROBE_IO_OK;
}

/* After the association's TCP connection was closed, the relay may take
   a moment to notice: ask again every 250 ms until a datagram goes
   unanswered, or LIMIT_MS passes.  */
bool
probe_udp_ended (int fd, const struct socks6_addr *dst, int limit_ms,
                 double *ms)
{
  static const char text[] = "socks6-probe: after the TCP close";
  uint64_t t0 = socks6_now_ns ();
  uint64_t end = t0 + (uint64_t) limit_ms * 1000000u;
  bool ended = false;

  while (!ended && socks6_now_ns () < end)
    {
      struct socks5_udp_header h;
      uint8_t buf[256];
      size_t len;
      enum probe_io io = PROBE_IO_ERROR;

      if (probe_udp_send (fd, 0, dst, text, sizeof text - 1))
        io = probe_udp_recv (fd, &h, buf, sizeof buf, &len,
                             probe_deadline (250));
      else if (errno != ECONNREFUSED)
        break;
      /* Refused (ICMP port unreachable) is ended too, only louder.  */
      ended = io == PROBE_IO_TIMEOUT
        || (io == PROBE_IO_ERROR && errno == ECONNREFUSED);
      if (io == PROBE_IO_OK)
        poll (NULL, 0, 100);
    }
  *ms = probe_ms (t0, socks6_now_ns ());
  return ended;
}
