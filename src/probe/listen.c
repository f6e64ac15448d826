/* socks6-probe's echo peer: --listen serves TCP and UDP echo on one
   address and port and prints what arrives, so a test or an operator can
   see what a SOCKS server delivered; the conformance checks fork the same
   peer on loopback as their destination.  One poll() loop, non-blocking
   sockets, bounded by a count of exchanges and an idle time.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "probe.h"

#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include "i18n.h"

enum { SERVE_MAX = 64, DEFERRED_MAX = 65536 };

/* One accepted TCP connection.  */
struct serve_conn
{
  int fd;
  bool deferred;                /* echo only after the peer's half-close */
  uint8_t *held;                /* what a deferred connection keeps */
  size_t held_len;
  char peer[SOCKS6_ADDR_TEXT_MAX];
};

static void
serve_peer_text (const struct sockaddr *sa, socklen_t len, char *buf,
                 size_t size)
{
  struct socks6_addr a;

  if (socks6_addr_from_sockaddr (&a, sa, len) != SOCKS6_OK
      || socks6_addr_format (&a, true, buf, size) < 0)
    snprintf (buf, size, "?");
}

static void
serve_print (bool loud, const char *proto, const char *peer,
             const uint8_t *buf, size_t len)
{
  char text[4 * 256 + 1];

  if (!loud)
    return;
  socks6_escape (buf, len < 256 ? len : 256, SOCKS6_ESCAPE_C, text,
                 sizeof text);
  printf (_("%s from %s: %zu bytes: %s\n"), proto, peer, len, text);
  fflush (stdout);
}

static bool
serve_accept (int lfd, bool deferred, struct serve_conn *conns,
              size_t *nconns, bool loud)
{
  union socks6_sockaddr sa;
  socklen_t len = sizeof sa;
  int fd = accept4 (lfd, &sa.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

  if (fd < 0)
    return false;
  if (*nconns == SERVE_MAX)
    {
      close (fd);
      return false;
    }
  struct serve_conn *c = &conns[(*nconns)++];
  memset (c, 0, sizeof *c);
  c->fd = fd;
  c->deferred = deferred;
  serve_peer_text (&sa.sa, len, c->peer, sizeof c->peer);
  if (loud)
    {
      printf (_("tcp from %s: connected\n"), c->peer);
      fflush (stdout);
    }
  return true;
}

/* Read what is there; echo it (or keep it).  Return false once the
   connection is over.  */
static bool
serve_conn_read (struct serve_conn *c, bool loud)
{
  uint8_t buf[4096];
  ssize_t n = recv (c->fd, buf, sizeof buf, 0);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return true;
  if (n > 0)
    {
      serve_print (loud, "tcp", c->peer, buf, n);
      if (!c->deferred)
        return probe_send_all (c->fd, buf, n, probe_deadline (2000))
          == PROBE_IO_OK;
      if (c->held_len + n > DEFERRED_MAX)
        return false;
      uint8_t *held = realloc (c->held, c->held_len + n);
      if (held == NULL)
        return false;
      memcpy (held + c->held_len, buf, n);
      c->held = held;
      c->held_len += n;
      return true;
    }
  /* End of file (or an error): give back what was kept, then say
     end of file too, which is what a half-close check waits for.  */
  if (n == 0 && c->held_len)
    probe_send_all (c->fd, c->held, c->held_len, probe_deadline (2000));
  if (loud)
    {
      printf (_("tcp from %s: closed\n"), c->peer);
      fflush (stdout);
    }
  shutdown (c->fd, SHUT_WR);
  return false;
}

static void
serve_udp (int fd, bool loud)
{
  uint8_t buf[65536];
  union socks6_sockaddr sa;
  socklen_t len = sizeof sa;
  ssize_t n = recvfrom (fd, buf, sizeof buf, 0, &sa.sa, &len);
  char peer[SOCKS6_ADDR_TEXT_MAX];

  if (n < 0)
    return;
  serve_peer_text (&sa.sa, len, peer, sizeof peer);
  serve_print (loud, "udp", peer, buf, n);
  sendto (fd, buf, n, 0, &sa.sa, len);
}

static void
serve_drop (struct serve_conn *conns, size_t *nconns, size_t i)
{
  close (conns[i].fd);
  free (conns[i].held);
  conns[i] = conns[--*nconns];
}

int
probe_serve (const int *fds, const bool *deferred, size_t nfds, bool loud,
             long count, int idle_ms)
{
  struct serve_conn conns[SERVE_MAX];
  size_t nconns = 0;
  long done = 0;

  while (count == 0 || done < count || nconns > 0)
    {
      struct pollfd pfd[SERVE_MAX + 16];
      size_t n = 0, i;
      bool listening = count == 0 || done < count;

      for (i = 0; i < nfds && listening; i++)
        pfd[n++] = (struct pollfd) { .fd = fds[i], .events = POLLIN };
      for (i = 0; i < nconns; i++)
        pfd[n++] = (struct pollfd) { .fd = conns[i].fd, .events = POLLIN };
      int ready = poll (pfd, n, idle_ms);
      if (ready == 0)
        break;
      if (ready < 0 && errno != EINTR)
        return PROBE_EXIT_LOCAL;
      if (ready < 0)
        continue;
      size_t base = listening ? nfds : 0;
      /* Connections first, backwards so dropping one keeps the indexes
         of those not yet seen.  */
      for (i = nconns; i-- > 0;)
        if (pfd[base + i].revents && !serve_conn_read (&conns[i], loud))
          {
            serve_drop (conns, &nconns, i);
            done++;
          }
      for (i = 0; i < base; i++)
        {
          int type = 0;
          socklen_t tlen = sizeof type;
          if (!pfd[i].revents)
            continue;
          getsockopt (fds[i], SOL_SOCKET, SO_TYPE, &type, &tlen);
          if (type == SOCK_DGRAM)
            {
              serve_udp (fds[i], loud);
              done++;
            }
          else
            serve_accept (fds[i], deferred && deferred[i], conns, &nconns,
                          loud);
        }
    }
  while (nconns > 0)
    serve_drop (conns, &nconns, nconns - 1);
  return PROBE_EXIT_OK;
}

/* A socket of TYPE bound to ADDR (port 0: any); *PORT gets the port.  */
static int
bind_socket (const struct socks6_addr *addr, int type, uint16_t *port)
{
  union socks6_sockaddr sa;
  socklen_t len;
  int one = 1, fd;

  if (socks6_addr_to_sockaddr (addr, &sa, &len) != SOCKS6_OK)
    return -1;
  fd = socket (sa.sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sa.sa.sa_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind (fd, &sa.sa, len) < 0
      || (type == SOCK_STREAM && listen (fd, 64) < 0))
    {
      int err = errno;
      close (fd);
      errno = err;
      return -1;
    }
  len = sizeof sa;
  getsockname (fd, &sa.sa, &len);
  *port = ntohs (sa.sa.sa_family == AF_INET6 ? sa.sin6.sin6_port
                 : sa.sin.sin_port);
  return fd;
}

bool
probe_parse_endpoint (const char *text, struct socks6_addr *addr)
{
  const char *colon = strrchr (text, ':');
  char host[SOCKS6_ADDR_TEXT_MAX], *end;
  size_t len;
  long port;

  if (colon == NULL || colon == text)
    return false;
  errno = 0;
  port = strtol (colon + 1, &end, 10);
  if (errno || end == colon + 1 || *end || port < 0 || port > 65535)
    return false;
  len = colon - text;
  if (text[0] == '[' && text[len - 1] == ']')
    {
      text++;
      len -= 2;
    }
  if (len == 0 || len >= sizeof host)
    return false;
  memcpy (host, text, len);
  host[len] = '\0';
  return socks6_addr_parse_literal (addr, host, port);
}

int
probe_listen (void)
{
  struct socks6_addr addr;
  char text[SOCKS6_ADDR_TEXT_MAX];
  uint16_t port;
  int fds[2];

  if (!probe_parse_endpoint (probe_opt.listen, &addr))
    error (PROBE_EXIT_LOCAL, 0, _("invalid listening address '%s': give "
                                  "ADDR:PORT, ADDR an IPv4 or [IPv6] "
                                  "address, PORT 0 for any"),
           probe_opt.listen);
  fds[0] = bind_socket (&addr, SOCK_STREAM, &port);
  if (fds[0] < 0)
    error (PROBE_EXIT_LOCAL, errno, _("cannot listen on %s"),
           probe_opt.listen);
  addr.port = port;
  fds[1] = bind_socket (&addr, SOCK_DGRAM, &port);
  if (fds[1] < 0)
    error (PROBE_EXIT_LOCAL, errno, _("cannot bind UDP to %s"),
           probe_opt.listen);
  socks6_addr_format (&addr, true, text, sizeof text);
  printf (_("listening on %s (tcp and udp echo)\n"), text);
  fflush (stdout);
  return probe_serve (fds, NULL, 2, true, probe_opt.count,
                      probe_opt.timeout_given ? probe_opt.timeout_ms : -1);
}

static int
peer_socket (const char *literal, int type, uint16_t *port)
{
  struct socks6_addr a;

  if (!socks6_addr_parse_literal (&a, literal, 0))
    return -1;
  return bind_socket (&a, type, port);
}

int
probe_peer_start (struct probe_peer *peer, int lifetime_ms)
{
  int fds[5];
  bool deferred[5] = { false, false, true, false, false };
  size_t n = 3, i;

  memset (peer, 0, sizeof *peer);
  fds[0] = peer_socket ("127.0.0.1", SOCK_STREAM, &peer->tcp4_port);
  fds[1] = peer_socket ("127.0.0.1", SOCK_DGRAM, &peer->udp4_port);
  fds[2] = peer_socket ("127.0.0.1", SOCK_STREAM, &peer->deferred_port);
  /* The same port on ::1 when free, so "localhost" reaches the echo
     whichever of its addresses a server tries first.  */
  {
    struct socks6_addr a;
    socks6_addr_parse_literal (&a, "::1", peer->tcp4_port);
    fds[3] = bind_socket (&a, SOCK_STREAM, &peer->tcp6_port);
  }
  if (fds[3] < 0)
    fds[3] = peer_socket ("::1", SOCK_STREAM, &peer->tcp6_port);
  {
    struct socks6_addr a;
    socks6_addr_parse_literal (&a, "::1", peer->udp4_port);
    fds[4] = bind_socket (&a, SOCK_DGRAM, &peer->udp6_port);
  }
  if (fds[4] < 0)
    fds[4] = peer_socket ("::1", SOCK_DGRAM, &peer->udp6_port);
  if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
    return -1;
  peer->has_ipv6 = fds[3] >= 0 && fds[4] >= 0;
  if (peer->has_ipv6)
    n = 5;
  fflush (NULL);
  peer->pid = fork ();
  if (peer->pid == 0)
    {
#ifdef __linux__
      prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
      probe_serve (fds, deferred, n, probe_opt.verbose > 1, 0, lifetime_ms);
      _exit (0);
    }
  for (i = 0; i < 5; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return peer->pid < 0 ? -1 : 0;
}

void
probe_peer_stop (struct probe_peer *peer)
{
  if (peer->pid > 0)
    {
      kill (peer->pid, SIGTERM);
      waitpid (peer->pid, NULL, 0);
      peer->pid = 0;
    }
}
