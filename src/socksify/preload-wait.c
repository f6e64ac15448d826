/* The waiting hooks of libsocks6-preload.so: poll, ppoll, select,
   pselect, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2 (and the
   _FORTIFY_SOURCE entry points of poll and ppoll), and getsockopt for
   SO_ERROR.  They matter only while an asynchronous connect is pending
   (--connect-mode=async, preload-async.c); otherwise each passes
   straight to the C library after one atomic load, and epoll_ctl also
   records the registration it makes, so a later asynchronous connect
   can take the socket's registration over and give it back.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "preload.h"

/* glibc's entry points for poll and ppoll under _FORTIFY_SOURCE, which
   no header declares.  */
extern int __poll_chk (struct pollfd *, nfds_t, int, size_t);
extern int __ppoll_chk (struct pollfd *, nfds_t, const struct timespec *,
                        const sigset_t *, size_t);

/* True if the call must go through preload-async.c.  */
static bool
preload_wait_hooked (void)
{
  preload_sym_load ();
  return preload_async_count () > 0 && !preload_busy ();
}

/* For epoll_wait: true in async mode, where our own events may come
   even when nothing was pending at the call.  */
static bool
preload_wait_epoll_hooked (void)
{
  return preload_enter ()
    && preload_state.settings.connect_mode == SOCKSIFY_CONNECT_ASYNC;
}

static int64_t
preload_wait_ms_ts (const struct timespec *ts)
{
  if (!ts)
    return -1;
  if (ts->tv_sec > INT32_MAX / 1000)
    return INT32_MAX;
  return (int64_t) ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
}

static int64_t
preload_wait_ms_tv (const struct timeval *tv)
{
  if (!tv)
    return -1;
  if (tv->tv_sec > INT32_MAX / 1000)
    return INT32_MAX;
  return (int64_t) tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
}

PRELOAD_EXPORT int
poll (struct pollfd *fds, nfds_t nfds, int timeout)
{
  if (!preload_wait_hooked ())
    return preload_true.poll (fds, nfds, timeout);
  return preload_async_poll (fds, nfds, timeout < 0 ? -1 : timeout, NULL);
}

PRELOAD_EXPORT int
__poll_chk (struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen)
{
  (void) fdslen;
  return poll (fds, nfds, timeout);
}

PRELOAD_EXPORT int
ppoll (struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
       const sigset_t *mask)
{
  if (!preload_wait_hooked ())
    return preload_true.ppoll (fds, nfds, ts, mask);
  return preload_async_poll (fds, nfds, preload_wait_ms_ts (ts), mask);
}

PRELOAD_EXPORT int
__ppoll_chk (struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
             const sigset_t *mask, size_t fdslen)
{
  (void) fdslen;
  return ppoll (fds, nfds, ts, mask);
}

PRELOAD_EXPORT int
select (int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
  if (!preload_wait_hooked ())
    return preload_true.select (nfds, rd, wr, ex, tv);
  return preload_async_select (nfds, rd, wr, ex, preload_wait_ms_tv (tv),
                               NULL);
}

PRELOAD_EXPORT int
pselect (int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
         const struct timespec *ts, const sigset_t *mask)
{
  if (!preload_wait_hooked ())
    return preload_true.pselect (nfds, rd, wr, ex, ts, mask);
  return preload_async_select (nfds, rd, wr, ex, preload_wait_ms_ts (ts),
                               mask);
}

PRELOAD_EXPORT int
epoll_ctl (int epfd, int op, int fd, struct epoll_event *ev)
{
  if (!preload_enter ()
      || preload_state.settings.connect_mode != SOCKSIFY_CONNECT_ASYNC)
    return preload_true.epoll_ctl (epfd, op, fd, ev);
  return preload_async_epoll_ctl (epfd, op, fd, ev);
}

PRELOAD_EXPORT int
epoll_wait (int epfd, struct epoll_event *events, int maxevents,
            int timeout)
{
  if (!preload_wait_epoll_hooked ())
    return preload_true.epoll_wait (epfd, events, maxevents, timeout);
  return preload_async_epoll_wait (epfd, events, maxevents,
                                   timeout < 0 ? -1 : timeout, NULL);
}

PRELOAD_EXPORT int
epoll_pwait (int epfd, struct epoll_event *events, int maxevents,
             int timeout, const sigset_t *mask)
{
  if (!preload_wait_epoll_hooked ())
    return preload_true.epoll_pwait (epfd, events, maxevents, timeout, mask);
  return preload_async_epoll_wait (epfd, events, maxevents,
                                   timeout < 0 ? -1 : timeout, mask);
}

PRELOAD_EXPORT int
epoll_pwait2 (int epfd, struct epoll_event *events, int maxevents,
              const struct timespec *ts, const sigset_t *mask)
{
  if (!preload_wait_epoll_hooked ())
    {
      if (!preload_true.epoll_pwait2)
        {
          errno = ENOSYS;
          return -1;
        }
      return preload_true.epoll_pwait2 (epfd, events, maxevents, ts, mask);
    }
  return preload_async_epoll_wait (epfd, events, maxevents,
                                   preload_wait_ms_ts (ts), mask);
}

/* SO_ERROR tells the truth about a pending or failed asynchronous
   connect: 0 while pending, then its error once.  */
PRELOAD_EXPORT int
getsockopt (int fd, int level, int name, void *value, socklen_t *len)
{
  int err;
  preload_sym_load ();
  if (level == SOL_SOCKET && name == SO_ERROR && value && len
      && *len >= sizeof (int) && preload_wait_hooked ()
      && preload_async_so_error (fd, &err))
    {
      *(int *) value = err;
      *len = sizeof (int);
      return 0;
    }
  if (level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_RCVBUF)
      && preload_udp_tracked (fd) && preload_enter ())
    return preload_udp_getsockopt (fd, level, name, value, len);
  return preload_true.getsockopt (fd, level, name, value, len);
}
