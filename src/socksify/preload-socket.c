/* The descriptor hooks of libsocks6-preload.so: they keep the per-fd
   table right as the program creates, duplicates and closes descriptors,
   and answer getpeername/getsockname for socksified sockets with what
   the program expects rather than the gateway's address (RFC 3089
   section 5.1).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

/* Copy SRC (of SRCLEN) to the caller's buffer as the kernel does:
   truncated to *LEN, *LEN set to the full length.  */
static void
preload_copy_sockaddr (const void *src, socklen_t srclen,
                       struct sockaddr *sa, socklen_t *len)
{
  memcpy (sa, src, srclen < *len ? srclen : *len);
  *len = srclen;
}

static socklen_t
preload_sockaddr_len (int family)
{
  return family == AF_INET ? sizeof (struct sockaddr_in)
    : sizeof (struct sockaddr_in6);
}

/* FD is closed, or replaced by dup2: its pending connect and epoll
   registration go with it.  */
static void
preload_socket_gone (int fd)
{
  preload_fd_clear (fd);
  preload_udp_forget (fd);
  preload_bind_forget (fd);
  if (preload_state.settings.connect_mode == SOCKSIFY_CONNECT_ASYNC)
    preload_async_forget (fd);
}

PRELOAD_EXPORT int
socket (int domain, int type, int protocol)
{
  preload_sym_load ();
  int fd = preload_true.socket ? preload_true.socket (domain, type, protocol)
    : (errno = ENOSYS, -1);
  /* A descriptor closed behind our back (close_range, a raw syscall)
     may come back as this number: its old entry is not this socket's.  */
  if (fd >= 0 && preload_enter ())
    preload_socket_gone (fd);
  return fd;
}

PRELOAD_EXPORT int
close (int fd)
{
  if (preload_enter ())
    preload_socket_gone (fd);
  return preload_true.close (fd);
}

PRELOAD_EXPORT int
close_range (unsigned int first, unsigned int last, int flags)
{
  preload_sym_load ();
  int rc = preload_true.close_range ? preload_true.close_range (first, last,
                                                                flags)
    : (errno = ENOSYS, -1);
  /* CLOSE_RANGE_CLOEXEC only marks them; they stay open.  */
  if (rc == 0 && !(flags & 4) && preload_enter ())
    for (unsigned int fd = first; fd <= last && fd < (1u << 20); fd++)
      {
        preload_fd_clear (fd);
        preload_udp_forget (fd);
      }
  return rc;
}

PRELOAD_EXPORT int
dup (int oldfd)
{
  preload_sym_load ();
  int fd = preload_true.dup (oldfd);
  if (fd >= 0 && preload_enter ())
    preload_fd_copy (oldfd, fd);
  return fd;
}

PRELOAD_EXPORT int
dup2 (int oldfd, int newfd)
{
  preload_sym_load ();
  int fd = preload_true.dup2 (oldfd, newfd);
  if (fd >= 0 && fd != oldfd && preload_enter ())
    {
      preload_socket_gone (fd);
      preload_fd_copy (oldfd, fd);
    }
  return fd;
}

PRELOAD_EXPORT int
dup3 (int oldfd, int newfd, int flags)
{
  preload_sym_load ();
  int fd = preload_true.dup3 (oldfd, newfd, flags);
  if (fd >= 0 && preload_enter ())
    {
      preload_socket_gone (fd);
      preload_fd_copy (oldfd, fd);
    }
  return fd;
}

/* fcntl's third argument is an int or a pointer; like libc, take it as
   a pointer-sized value and pass it on unchanged.  */
static int
preload_fcntl (int (*real) (int, int, ...), int fd, int cmd, void *arg)
{
  int rc = real (fd, cmd, arg);
  if (rc >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
      && preload_enter ())
    preload_fd_copy (fd, rc);
  return rc;
}

PRELOAD_EXPORT int
fcntl (int fd, int cmd, ...)
{
  va_list args;
  va_start (args, cmd);
  void *arg = va_arg (args, void *);
  va_end (args);
  preload_sym_load ();
  return preload_fcntl (preload_true.fcntl, fd, cmd, arg);
}

PRELOAD_EXPORT int
fcntl64 (int fd, int cmd, ...)
{
  va_list args;
  va_start (args, cmd);
  void *arg = va_arg (args, void *);
  va_end (args);
  preload_sym_load ();
  return preload_fcntl (preload_true.fcntl64, fd, cmd, arg);
}

PRELOAD_EXPORT int
getpeername (int fd, struct sockaddr *sa, socklen_t *len)
{
  struct preload_fd entry;
  if (!preload_enter () || !sa || !len)
    return preload_true.getpeername (fd, sa, len);
  if (preload_async_count () > 0 && preload_async_pending (fd))
    {
      errno = ENOTCONN;       /* as while a connect is in progress */
      return -1;
    }
  if (!preload_fd_get (fd, &entry))
    return preload_true.getpeername (fd, sa, len);
  preload_copy_sockaddr (&entry.peer, preload_sockaddr_len
                         (entry.peer.sa.sa_family), sa, len);
  return 0;
}

/* When the socket had to change family to reach the gateway, its real
   local address is of the wrong family: answer the unspecified address
   of the program's family, with the real local port.  */
PRELOAD_EXPORT int
getsockname (int fd, struct sockaddr *sa, socklen_t *len)
{
  struct preload_fd entry;
  int rc;
  if (preload_enter () && sa && len
      && preload_bind_getsockname (fd, sa, len, &rc))
    return rc;
  if (!preload_enter () || !sa || !len || !preload_fd_get (fd, &entry))
    return preload_true.getsockname (fd, sa, len);
  union socks6_sockaddr real;
  socklen_t real_len = sizeof real;
  if (preload_true.getsockname (fd, &real.sa, &real_len) != 0)
    return -1;
  if (real.sa.sa_family == entry.family)
    {
      preload_copy_sockaddr (&real, real_len, sa, len);
      return 0;
    }
  union socks6_sockaddr shown;
  memset (&shown, 0, sizeof shown);
  shown.sa.sa_family = entry.family;
  in_port_t port = real.sa.sa_family == AF_INET ? real.sin.sin_port
    : real.sin6.sin6_port;
  if (entry.family == AF_INET)
    shown.sin.sin_port = port;
  else
    shown.sin6.sin6_port = port;
  preload_copy_sockaddr (&shown, preload_sockaddr_len (entry.family), sa,
                         len);
  return 0;
}
