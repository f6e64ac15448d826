/* socks6-probe's network helpers: every socket is non-blocking and every
   wait is a poll() bounded by a deadline, so the probe never hangs on a
   silent server; and the loop that drives the client engine (lib/client.h)
   over a socket, showing the wire bytes with -v.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "name.h"

uint64_t
probe_clock (void *arg)
{
  (void) arg;
  return socks6_now_ns ();
}

double
probe_ms (uint64_t from, uint64_t to)
{
  return to >= from ? (double) (to - from) / 1e6 : 0.0;
}

uint64_t
probe_deadline (int timeout_ms)
{
  return socks6_now_ns () + (uint64_t) timeout_ms * 1000000u;
}

/* True for the errors that mean "try again after poll".  EAGAIN and
   EWOULDBLOCK are the same on most systems, but not on all.  */
static bool
probe_again (int err)
{
#if EAGAIN != EWOULDBLOCK
  if (err == EWOULDBLOCK)
    return true;
#endif
  return err == EAGAIN || err == EINTR;
}

/* Wait until FD has EVENTS or DEADLINE passes.  */
static enum probe_io
probe_wait (int fd, short events, uint64_t deadline)
{
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = events };
      uint64_t now = socks6_now_ns ();
      int ms, n;

      if (now >= deadline)
        return PROBE_IO_TIMEOUT;
      ms = (int) ((deadline - now + 999999) / 1000000);
      n = poll (&pfd, 1, ms);
      if (n > 0)
        return PROBE_IO_OK;
      if (n < 0 && errno != EINTR)
        return PROBE_IO_ERROR;
    }
}

int
probe_tcp_connect (const union socks6_sockaddr *sa, socklen_t salen,
                   uint64_t deadline)
{
  int fd = socket (sa->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK
                   | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  return probe_tcp_connect_fd (fd, sa, salen, deadline);
}

int
probe_tcp_connect_fd (int fd, const union socks6_sockaddr *sa,
                      socklen_t salen, uint64_t deadline)
{
  int err = 0;
  socklen_t errlen = sizeof err;

  if (connect (fd, &sa->sa, salen) == 0)
    return fd;
  if (errno != EINPROGRESS)
    goto fail;
  switch (probe_wait (fd, POLLOUT, deadline))
    {
    case PROBE_IO_OK:
      break;
    case PROBE_IO_TIMEOUT:
      errno = ETIMEDOUT;
      goto fail;
    default:
      goto fail;
    }
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
    goto fail;
  if (err == 0)
    return fd;
  errno = err;
fail:
  err = errno;
  close (fd);
  errno = err;
  return -1;
}

enum probe_io
probe_send_all (int fd, const void *buf, size_t len, uint64_t deadline)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);
      if (n > 0)
        {
          p += n;
          len -= n;
          continue;
        }
      if (n < 0 && !probe_again (errno))
        return PROBE_IO_ERROR;
      enum probe_io io = probe_wait (fd, POLLOUT, deadline);
      if (io != PROBE_IO_OK)
        return io;
    }
  return PROBE_IO_OK;
}

enum probe_io
probe_recv_some (int fd, void *buf, size_t size, size_t *got,
                 uint64_t deadline)
{
  *got = 0;
  for (;;)
    {
      ssize_t n = recv (fd, buf, size, 0);
      if (n > 0)
        {
          *got = n;
          return PROBE_IO_OK;
        }
      if (n == 0)
        return PROBE_IO_EOF;
      if (!probe_again (errno))
        return PROBE_IO_ERROR;
      enum probe_io io = probe_wait (fd, POLLIN, deadline);
      if (io != PROBE_IO_OK)
        return io;
    }
}

enum probe_io
probe_recv_exact (int fd, void *buf, size_t size, size_t *got,
                  uint64_t deadline)
{
  *got = 0;
  while (*got < size)
    {
      size_t n;
      enum probe_io io = probe_recv_some (fd, (char *) buf + *got,
                                          size - *got, &n, deadline);
      if (io != PROBE_IO_OK)
        return io;
      *got += n;
    }
  return PROBE_IO_OK;
}

enum probe_io
probe_wait_close (int fd, uint64_t deadline, size_t *discarded)
{
  char buf[512];

  *discarded = 0;
  for (;;)
    {
      size_t n;
      enum probe_io io = probe_recv_some (fd, buf, sizeof buf, &n, deadline);
      /* A reset is a close too, only a ruder one.  */
      if (io == PROBE_IO_ERROR && (errno == ECONNRESET || errno == EPIPE))
        return PROBE_IO_EOF;
      if (io != PROBE_IO_OK)
        return io;
      *discarded += n;
    }
}

uint8_t probe_first_octets[8];
size_t probe_first_octets_len;

/* Send what the engine queued.  */
static enum probe_io
probe_drive_output (int fd, struct socks5_client *client, uint64_t deadline)
{
  size_t len;
  const uint8_t *out = socks5_client_output (client, &len);
  enum probe_io io;

  if (len == 0)
    return PROBE_IO_OK;
  probe_wire (true, out, len);
  io = probe_send_all (fd, out, len, deadline);
  if (io == PROBE_IO_OK)
    socks5_client_output_done (client, len);
  return io;
}

static bool
probe_drive_stops (struct socks5_client *client,
                   enum socks5_client_state stop_at)
{
  enum socks5_client_state s = socks5_client_state (client);

  return s == SOCKS5_CLIENT_DONE || s == SOCKS5_CLIENT_FAILED
    || (stop_at != SOCKS5_CLIENT_INIT && s >= stop_at);
}

/* Read only a little at a time before the handshake is over, so bytes
   of the stream after it are rarely read here at all; those that are go
   to EXTRA.  */
enum probe_io
probe_drive (int fd, struct socks5_client *client,
             enum socks5_client_state stop_at, uint64_t deadline,
             uint8_t *extra, size_t extra_size, size_t *extra_len)
{
  uint8_t buf[SOCKS5_REQUEST_MAX];

  *extra_len = 0;
  probe_first_octets_len = 0;
  while (!probe_drive_stops (client, stop_at))
    {
      size_t got, used;
      enum probe_io io = probe_drive_output (fd, client, deadline);

      if (io != PROBE_IO_OK)
        return io;
      io = probe_recv_some (fd, buf, sizeof buf, &got, deadline);
      if (io == PROBE_IO_EOF
          || (io == PROBE_IO_ERROR && errno == ECONNRESET))
        {
          socks5_client_eof (client);
          return PROBE_IO_EOF;
        }
      if (io != PROBE_IO_OK)
        return io;
      probe_wire (false, buf, got);
      while (probe_first_octets_len < sizeof probe_first_octets
             && probe_first_octets_len < got)
        {
          probe_first_octets[probe_first_octets_len] =
            buf[probe_first_octets_len];
          probe_first_octets_len++;
        }
      socks5_client_input (client, buf, got, &used);
      if (got > used && extra)
        {
          size_t n = got - used < extra_size ? got - used : extra_size;
          memcpy (extra, buf + used, n);
          *extra_len = n;
        }
    }
  /* What a stop state queued (the request after the greeting) is not
     sent: the caller asked to go no further.  */
  return PROBE_IO_OK;
}

int
probe_parse_target (const char *target, struct socks6_addr *addr)
{
  char wire[SOCKS6_NAME_MAX + 1];
  size_t wire_len;
  int rc = socks6_addr_parse (addr, target, 0);

  if (rc != SOCKS6_OK || addr->type != SOCKS6_ADDR_NAME)
    return rc;
  rc = socks6_name_to_wire (addr->u.name.text, SOCKS6_NAME_LOCALE, wire,
                            &wire_len);
  if (rc != SOCKS6_OK)
    return rc;
  return socks6_addr_set_name (addr, wire, wire_len, addr->port);
}
