/* The asynchronous connect of libsocks6-preload.so (--connect-mode=async,
   level 3 of DESIGN.md's non-blocking connect): connect() on a
   non-blocking socket starts the TCP connection to the gateway and
   returns EINPROGRESS at once; the SOCKS handshake is then driven from
   the hooks the program waits in (poll, ppoll, select, pselect,
   epoll_wait, epoll_pwait, epoll_pwait2), which hide the socket's
   readiness until the gateway's reply has come, and getsockopt
   (SO_ERROR) gives the true outcome.

   A pending connection has a slot here.  While it is pending, poll asks
   the kernel for what the handshake needs (writable while the gateway's
   connection is being made, readable while its reply is awaited)
   instead of what the program asked for, and reports nothing for it.
   For epoll, the socket's registration is switched to the handshake's
   events with a tag in its data, so the hooked epoll_wait recognizes
   and swallows those events; when the handshake ends the program's own
   registration (events, edge-triggering, data) is put back with
   EPOLL_CTL_MOD, which makes the kernel report the socket's readiness
   afresh, also for edge-triggered registrations.  To put it back, every
   epoll_ctl of the program is recorded per descriptor; a socket
   registered in more than one epoll instance connects in blocking mode.

   A failed handshake leaves the socket shut down (poll reports POLLHUP,
   and POLLERR here) with the error kept for SO_ERROR, as the kernel
   does after a failed connect.  All steps are non-blocking and run under
   one mutex, so threads sharing a socket or an epoll instance may drive
   the same handshake in turn.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <time.h>

#include "client.h"
#include "preload.h"

/* Connections pending at once; past this, connect blocks (level 2).  */
#define PRELOAD_PENDING_MAX 128

/* Marks our own epoll registrations: high 32 bits of the data.  */
#define PRELOAD_TAG UINT64_C (0x536f636b00000000)
#define PRELOAD_TAG_MASK UINT64_C (0xffffffff00000000)

enum preload_stage
{
  PRELOAD_STAGE_FREE = 0,
  PRELOAD_STAGE_GATEWAY,        /* TCP connection to a gateway */
  PRELOAD_STAGE_HANDSHAKE,      /* request sent, reply awaited */
  PRELOAD_STAGE_FAILED          /* error kept for SO_ERROR */
};

struct preload_pending
{
  int fd;
  enum preload_stage stage;
  size_t gateway;
  int64_t deadline;
  int err;
  int flags;                    /* the program's file status flags */
  uint32_t armed;               /* epoll events we registered, 0: none */
  struct socks6_addr dst;
  struct preload_fd entry;      /* what the fd table gets on success */
  struct preload_chain chain;    /* the handshake, through each hop */
};

/* The program's epoll registration of a descriptor.  */
struct preload_epreg
{
  int epfd;                     /* 0: none (a zeroed entry) */
  bool multi;                   /* in several epoll instances */
  struct epoll_event event;
};

static struct preload_pending preload_pending[PRELOAD_PENDING_MAX];
static atomic_int preload_pending_count;
static pthread_mutex_t preload_async_lock = PTHREAD_MUTEX_INITIALIZER;

static struct preload_epreg *preload_epregs;
static size_t preload_epreg_count;

/* The registration table, mapped on first use; untouched pages cost
   nothing.  Call with the lock held.  */
static struct preload_epreg *
preload_epreg (int fd)
{
  if (!preload_epregs)
    {
      size_t count = 1 << 20;
      void *table = mmap (NULL, count * sizeof *preload_epregs,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (table == MAP_FAILED)
        return NULL;
      preload_epregs = table;
      preload_epreg_count = count;
    }
  if (fd < 0 || (size_t) fd >= preload_epreg_count)
    return NULL;
  return &preload_epregs[fd];
}

static bool
preload_epreg_has (const struct preload_epreg *reg)
{
  return reg && reg->epfd > 0;
}

static struct preload_pending *
preload_pending_find (int fd)
{
  if (fd < 0)
    return NULL;
  for (size_t i = 0; i < PRELOAD_PENDING_MAX; i++)
    if (preload_pending[i].stage != PRELOAD_STAGE_FREE
        && preload_pending[i].fd == fd)
      return &preload_pending[i];
  return NULL;
}

static void
preload_pending_free (struct preload_pending *p)
{
  preload_chain_wipe (&p->chain);
  p->stage = PRELOAD_STAGE_FREE;
  p->fd = -1;
  atomic_fetch_sub (&preload_pending_count, 1);
}

/* The events the handshake waits for.  */
static uint32_t
preload_pending_wanted (const struct preload_pending *p)
{
  size_t len = 0;
  switch (p->stage)
    {
    case PRELOAD_STAGE_GATEWAY:
      return POLLOUT;
    case PRELOAD_STAGE_HANDSHAKE:
      preload_chain_output (&p->chain, &len);
      return POLLIN | (len ? POLLOUT : 0);
    default:
      return 0;
    }
}

/* Give the socket's epoll registration back to the program: the
   kernel then reports its readiness afresh.  */
static void
preload_pending_restore (struct preload_pending *p)
{
  struct preload_epreg *reg = preload_epreg (p->fd);
  if (!p->armed || !preload_epreg_has (reg))
    return;
  preload_true.epoll_ctl (reg->epfd, EPOLL_CTL_MOD, p->fd, &reg->event);
  p->armed = 0;
}

/* Point the socket's epoll registration at what the handshake waits
   for, or give it back when it waits for nothing more.  */
static void
preload_pending_arm (struct preload_pending *p)
{
  struct preload_epreg *reg = preload_epreg (p->fd);
  uint32_t wanted = preload_pending_wanted (p);
  if (!preload_epreg_has (reg) || wanted == p->armed)
    return;
  if (!wanted)
    {
      preload_pending_restore (p);
      return;
    }
  struct epoll_event ev = {.events = wanted,
    .data.u64 = PRELOAD_TAG | (uint32_t) p->fd };
  if (preload_true.epoll_ctl (reg->epfd, EPOLL_CTL_MOD, p->fd, &ev) != 0
      && errno == ENOENT)
    preload_true.epoll_ctl (reg->epfd, EPOLL_CTL_ADD, p->fd, &ev);
  p->armed = wanted;
}

/* The socket was replaced by a fresh one (another gateway, another
   family): its epoll registration went with the old one.  */
static void
preload_pending_renewed (struct preload_pending *p)
{
  struct preload_epreg *reg = preload_epreg (p->fd);
  if (!preload_epreg_has (reg))
    return;
  struct epoll_event ev = {.events = preload_pending_wanted (p),
    .data.u64 = PRELOAD_TAG | (uint32_t) p->fd };
  preload_true.epoll_ctl (reg->epfd, EPOLL_CTL_ADD, p->fd, &ev);
  p->armed = ev.events;
}

static void
preload_pending_fail (struct preload_pending *p, int err)
{
  if (p->stage == PRELOAD_STAGE_HANDSHAKE)
    preload_chain_log (&p->chain, err);
  preload_log_request (err, SOCKS5_CMD_CONNECT, &p->dst, p->gateway);
  p->err = err;
  p->stage = PRELOAD_STAGE_FAILED;
  shutdown (p->fd, SHUT_RDWR);
  if (p->entry.fake)
    preload_fd_release_entry (&p->entry);
  p->entry.fake = false;
  preload_pending_arm (p);
}

static void
preload_pending_succeed (struct preload_pending *p)
{
  preload_chain_log (&p->chain, 0);
  preload_log_request (0, SOCKS5_CMD_CONNECT, &p->dst, p->gateway);
  preload_bind_note_connect (p->fd, &p->dst, p->gateway);
  preload_pending_restore (p);
  p->entry.socksified = true;
  preload_fd_set (p->fd, &p->entry);
  preload_pending_free (p);
}

/* The program has seen the failure (SO_ERROR, or connect again): give
   it a fresh, unconnected socket under the same number, as after a
   failed connect, still in its epoll instance, and forget P.  */
static void
preload_pending_close_failed (struct preload_pending *p)
{
  int flags = preload_true.fcntl (p->fd, F_GETFL);
  if (preload_socket_renew (p->fd, p->entry.family) == 0)
    {
      preload_true.fcntl (p->fd, F_SETFL, flags);
      struct preload_epreg *reg = preload_epreg (p->fd);
      if (preload_epreg_has (reg))
        preload_true.epoll_ctl (reg->epfd, EPOLL_CTL_ADD, p->fd,
                                &reg->event);
    }
  preload_pending_free (p);
}

/* Start the handshake on a socket connected to the gateway.  */
static int
preload_pending_request (struct preload_pending *p)
{
  int err = preload_chain_start (&p->chain, SOCKS5_CMD_CONNECT, &p->dst);
  if (err)
    return err;
  p->stage = PRELOAD_STAGE_HANDSHAKE;
  p->deadline = preload_now_ms ()
    + (int64_t) preload_state.settings.timeout * 1000;
  return 0;
}

/* Connect to the next gateway after one that could not be reached.
   Return 0 (in progress or connected), or the last error.  */
static int
preload_pending_next_gateway (struct preload_pending *p, int err)
{
  size_t count = preload_gateway_count_ready ();
  while (err && err != EINPROGRESS && p->gateway + 1 < count)
    {
      preload_log (SOCKSIFY_LOG_WARNING, "gateway %zu unreachable: %s",
                   p->gateway + 1, strerror (err));
      bool renewed;
      err = preload_gateway_begin (p->fd, ++p->gateway, &renewed);
      if (renewed)
        {
          preload_true.fcntl (p->fd, F_SETFL, p->flags);
          p->armed = 0;
          preload_pending_renewed (p);
        }
    }
  if (err == EINPROGRESS)
    {
      p->stage = PRELOAD_STAGE_GATEWAY;
      p->deadline = preload_now_ms ()
        + (int64_t) preload_state.settings.timeout * 1000;
      return 0;
    }
  return err ? err : preload_pending_request (p);
}

/* Read what the gateway answered, taking only the reply's bytes off the
   socket.  Return 0 when done, EINPROGRESS to wait, or an errno.  */
static int
preload_pending_receive (struct preload_pending *p)
{
  return preload_chain_pump (p->fd, &p->chain);
}

/* Move P on as far as it goes without waiting.  Lock held.  */
static void
preload_pending_step (struct preload_pending *p)
{
  if (p->stage == PRELOAD_STAGE_FAILED)
    return;
  if (preload_now_ms () >= p->deadline)
    {
      preload_pending_fail (p, ETIMEDOUT);
      return;
    }
  if (p->stage == PRELOAD_STAGE_GATEWAY)
    {
      struct pollfd pf = {.fd = p->fd,.events = POLLOUT };
      if (preload_true.poll (&pf, 1, 0) <= 0)
        return;
      int err = 0;
      socklen_t len = sizeof err;
      if (preload_true.getsockopt (p->fd, SOL_SOCKET, SO_ERROR, &err,
                                   &len) != 0)
        err = errno;
      err = err ? preload_pending_next_gateway (p, err)
        : preload_pending_request (p);
      if (err)
        {
          preload_pending_fail (p, err);
          return;
        }
      if (p->stage == PRELOAD_STAGE_GATEWAY)
        {
          preload_pending_arm (p);
          return;
        }
    }
  int err = preload_pending_receive (p);
  if (err == 0)
    preload_pending_succeed (p);
  else if (err == EINPROGRESS)
    preload_pending_arm (p);
  else
    preload_pending_fail (p, err);
}

/* Step every pending connection whose time is up.  Lock held.  */
static void
preload_pending_expire (void)
{
  int64_t now = preload_now_ms ();
  for (size_t i = 0; i < PRELOAD_PENDING_MAX; i++)
    if (preload_pending[i].stage != PRELOAD_STAGE_FREE
        && preload_pending[i].stage != PRELOAD_STAGE_FAILED
        && now >= preload_pending[i].deadline)
      preload_pending_step (&preload_pending[i]);
}

/* Milliseconds until the first pending deadline, or -1.  Lock held.  */
static int
preload_pending_next_deadline (void)
{
  int64_t now = preload_now_ms (), first = -1;
  for (size_t i = 0; i < PRELOAD_PENDING_MAX; i++)
    {
      const struct preload_pending *p = &preload_pending[i];
      if (p->stage != PRELOAD_STAGE_FREE && p->stage != PRELOAD_STAGE_FAILED
          && (first < 0 || p->deadline - now < first))
        first = p->deadline - now < 0 ? 0 : p->deadline - now;
    }
  return first > 60000 ? 60000 : (int) first;
}

int
preload_async_start (int fd, const struct socks6_addr *dst,
                     const struct preload_fd *entry)
{
  pthread_mutex_lock (&preload_async_lock);
  struct preload_epreg *reg = preload_epreg (fd);
  struct preload_pending *p = NULL;
  for (size_t i = 0; i < PRELOAD_PENDING_MAX && !p; i++)
    if (preload_pending[i].stage == PRELOAD_STAGE_FREE)
      p = &preload_pending[i];
  if (!p || (reg && reg->multi) || preload_gateway_count_ready () == 0)
    {
      pthread_mutex_unlock (&preload_async_lock);
      return -1;
    }
  memset (p, 0, sizeof *p);
  p->fd = fd;
  p->dst = *dst;
  p->entry = *entry;
  p->stage = PRELOAD_STAGE_GATEWAY;
  atomic_fetch_add (&preload_pending_count, 1);
  p->flags = preload_true.fcntl (fd, F_GETFL);
  bool renewed;
  int err = preload_gateway_begin (fd, 0, &renewed);
  if (renewed)
    {
      /* A socket of the gateway's family: the program's flags on it.  */
      preload_true.fcntl (fd, F_SETFL, p->flags);
      preload_pending_renewed (p);
    }
  err = preload_pending_next_gateway (p, err);
  if (err)
    {
      preload_log_request (err, SOCKS5_CMD_CONNECT, dst, p->gateway);
      preload_pending_free (p);
    }
  else
    {
      preload_log (SOCKSIFY_LOG_DEBUG, "connect on fd %d: in progress", fd);
      preload_pending_step (p);
    }
  pthread_mutex_unlock (&preload_async_lock);
  return err;
}

int
preload_async_connect_again (int fd)
{
  if (atomic_load (&preload_pending_count) == 0)
    return -1;
  pthread_mutex_lock (&preload_async_lock);
  struct preload_pending *p = preload_pending_find (fd);
  int err = -1;
  if (p)
    {
      preload_pending_step (p);
      p = preload_pending_find (fd);
      if (!p)
        err = EISCONN;
      else if (p->stage != PRELOAD_STAGE_FAILED)
        err = EALREADY;
      else
        {
          /* Once, the failure; then a fresh socket to try again.  */
          err = p->err ? p->err : ECONNABORTED;
          preload_pending_close_failed (p);
        }
    }
  pthread_mutex_unlock (&preload_async_lock);
  return err;
}

bool
preload_async_pending (int fd)
{
  if (atomic_load (&preload_pending_count) == 0)
    return false;
  pthread_mutex_lock (&preload_async_lock);
  bool found = preload_pending_find (fd) != NULL;
  pthread_mutex_unlock (&preload_async_lock);
  return found;
}

void
preload_async_forget (int fd)
{
  pthread_mutex_lock (&preload_async_lock);
  if (atomic_load (&preload_pending_count) > 0)
    {
      struct preload_pending *p = preload_pending_find (fd);
      if (p && p->entry.fake)
        preload_fd_release_entry (&p->entry);
      if (p)
        preload_pending_free (p);
    }
  struct preload_epreg *reg = preload_epregs ? preload_epreg (fd) : NULL;
  if (reg)
    memset (reg, 0, sizeof *reg);
  pthread_mutex_unlock (&preload_async_lock);
}

/* SO_ERROR of FD while or after a pending connect: 1 and *ERR, or 0
   when FD is not ours.  */
int
preload_async_so_error (int fd, int *err)
{
  if (atomic_load (&preload_pending_count) == 0)
    return 0;
  pthread_mutex_lock (&preload_async_lock);
  struct preload_pending *p = preload_pending_find (fd);
  int ours = 0;
  if (p)
    {
      preload_pending_step (p);
      p = preload_pending_find (fd);
    }
  if (p)
    {
      ours = 1;
      *err = p->stage == PRELOAD_STAGE_FAILED ? p->err : 0;
      /* Read once, as the kernel clears it.  */
      if (p->stage == PRELOAD_STAGE_FAILED)
        preload_pending_close_failed (p);
    }
  pthread_mutex_unlock (&preload_async_lock);
  return ours;
}

/* The program's epoll_ctl: recorded, and applied to the kernel as is
   unless FD is pending, whose registration stays on the handshake.  */
int
preload_async_epoll_ctl (int epfd, int op, int fd, struct epoll_event *ev)
{
  pthread_mutex_lock (&preload_async_lock);
  struct preload_epreg *reg = preload_epreg (fd);
  struct preload_pending *p = atomic_load (&preload_pending_count)
    ? preload_pending_find (fd) : NULL;
  int rc;
  if (p && p->stage != PRELOAD_STAGE_FAILED && ev
      && (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD)
      && (!preload_epreg_has (reg) || reg->epfd == epfd))
    {
      struct epoll_event ours = {.events = preload_pending_wanted (p),
        .data.u64 = PRELOAD_TAG | (uint32_t) fd };
      rc = preload_true.epoll_ctl (epfd, op, fd, &ours);
      if (rc == 0)
        p->armed = ours.events;
    }
  else
    rc = preload_true.epoll_ctl (epfd, op, fd, ev);
  if (rc == 0 && reg && (ev || op == EPOLL_CTL_DEL))
    {
      if (op == EPOLL_CTL_DEL)
        {
          if (reg->epfd == epfd)
            memset (reg, 0, sizeof *reg);
          if (p)
            p->armed = 0;
        }
      else if (!preload_epreg_has (reg) || reg->epfd == epfd)
        {
          reg->epfd = epfd;
          reg->event = *ev;
        }
      else
        reg->multi = true;
    }
  pthread_mutex_unlock (&preload_async_lock);
  return rc;
}

/* The time to wait: WAIT (ms, -1 for none, the first pending deadline)
   bounded by the program's END (-1 for none).  */
static int64_t
preload_async_wait (int64_t wait, int64_t end)
{
  if (end < 0)
    return wait;
  int64_t left = end - preload_now_ms ();
  left = left < 0 ? 0 : left;
  return wait < 0 || left < wait ? left : wait;
}

/* A pollfd of the program's whose events poll replaced.  */
struct preload_poll_saved
{
  nfds_t index;
  short events;
};

/* Ask the kernel, for each pending socket in FDS, what its handshake
   waits for, keeping the program's events in SAVED; *FAILED tells that
   some failed socket is in FDS.  Return how many were replaced.  Lock
   held.  */
static size_t
preload_async_poll_arm (struct pollfd *fds, nfds_t nfds,
                        struct preload_poll_saved *saved, bool *failed)
{
  size_t nsaved = 0;
  *failed = false;
  for (nfds_t i = 0; i < nfds && nsaved < PRELOAD_PENDING_MAX; i++)
    {
      struct preload_pending *p = preload_pending_find (fds[i].fd);
      if (!p || p->stage == PRELOAD_STAGE_FAILED)
        {
          *failed |= p != NULL;
          continue;
        }
      saved[nsaved].index = i;
      saved[nsaved++].events = fds[i].events;
      fds[i].events = preload_pending_wanted (p);
    }
  return nsaved;
}

/* Put the program's events back, drive the handshakes that can move,
   and report nothing for them yet; failed sockets get POLLERR.  Lock
   held.  */
static void
preload_async_poll_settle (struct pollfd *fds, nfds_t nfds,
                           const struct preload_poll_saved *saved,
                           size_t nsaved, bool failed)
{
  for (size_t k = 0; k < nsaved; k++)
    {
      struct pollfd *f = &fds[saved[k].index];
      f->events = saved[k].events;
      struct preload_pending *p = preload_pending_find (f->fd);
      if (f->revents && p)
        preload_pending_step (p);
      f->revents = 0;
    }
  for (nfds_t i = 0; failed && i < nfds; i++)
    {
      struct preload_pending *p = preload_pending_find (fds[i].fd);
      if (p && p->stage == PRELOAD_STAGE_FAILED)
        fds[i].revents |= POLLERR;
    }
}

/* poll and ppoll while connections are pending.  TIMEOUT in ms (-1:
   none).  */
int
preload_async_poll (struct pollfd *fds, nfds_t nfds, int64_t timeout,
                    const sigset_t *mask)
{
  int64_t end = timeout < 0 ? -1 : preload_now_ms () + timeout;
  struct preload_poll_saved saved[PRELOAD_PENDING_MAX];
  for (;;)
    {
      bool failed;
      pthread_mutex_lock (&preload_async_lock);
      preload_pending_expire ();
      size_t nsaved = preload_async_poll_arm (fds, nfds, saved, &failed);
      int64_t wait = preload_async_wait (preload_pending_next_deadline (),
                                         end);
      pthread_mutex_unlock (&preload_async_lock);
      struct timespec ts = {.tv_sec = wait / 1000,
        .tv_nsec = wait % 1000 * 1000000 };
      int rc = preload_true.ppoll (fds, nfds, wait < 0 ? NULL : &ts, mask);
      int err = errno;
      pthread_mutex_lock (&preload_async_lock);
      if (rc < 0)
        for (size_t k = 0; k < nsaved; k++)
          fds[saved[k].index].events = saved[k].events;
      else
        preload_async_poll_settle (fds, nfds, saved, nsaved, failed);
      pthread_mutex_unlock (&preload_async_lock);
      if (rc < 0)
        {
          errno = err;
          return rc;
        }
      int ready = 0;
      for (nfds_t i = 0; i < nfds; i++)
        ready += fds[i].revents != 0;
      /* Otherwise a handshake that just ended: its socket's own state
         is asked for next time round.  */
      if (ready > 0 || (end >= 0 && preload_now_ms () >= end))
        return ready;
    }
}

/* Remove our own events from the N in EVENTS, driving their
   handshakes; return how many are left.  */
static int
preload_async_epoll_filter (struct epoll_event *events, int n)
{
  int i = 0;
  while (i < n && (events[i].data.u64 & PRELOAD_TAG_MASK) != PRELOAD_TAG)
    i++;
  if (i == n)
    return n;
  int kept = i;
  pthread_mutex_lock (&preload_async_lock);
  for (; i < n; i++)
    {
      if ((events[i].data.u64 & PRELOAD_TAG_MASK) != PRELOAD_TAG)
        {
          events[kept++] = events[i];
          continue;
        }
      /* Ours: drive the handshake; once over, the program's own
         registration is back and the kernel reports it next.  */
      struct preload_pending *p =
        preload_pending_find ((int) (uint32_t) events[i].data.u64);
      if (p)
        preload_pending_step (p);
    }
  pthread_mutex_unlock (&preload_async_lock);
  return kept;
}

/* epoll_wait and its kin in async mode.  Also when nothing is pending
   at the call: a thread may wait on an epoll instance in which another
   thread then registers a connecting socket.  */
int
preload_async_epoll_wait (int epfd, struct epoll_event *events,
                          int maxevents, int64_t timeout,
                          const sigset_t *mask)
{
  int64_t end = timeout < 0 ? -1 : preload_now_ms () + timeout;
  for (;;)
    {
      int64_t wait = -1;
      if (atomic_load (&preload_pending_count) > 0)
        {
          pthread_mutex_lock (&preload_async_lock);
          preload_pending_expire ();
          wait = preload_pending_next_deadline ();
          pthread_mutex_unlock (&preload_async_lock);
        }
      wait = preload_async_wait (wait, end);
      int rc = preload_true.epoll_pwait (epfd, events, maxevents,
                                         (int) wait, mask);
      if (rc > 0)
        rc = preload_async_epoll_filter (events, rc);
      if (rc != 0 || (end >= 0 && preload_now_ms () >= end))
        return rc;
    }
}

int
preload_async_count (void)
{
  return atomic_load (&preload_pending_count);
}

/* select and pselect while connections are pending, through poll.  */
int
preload_async_select (int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
                      int64_t timeout, const sigset_t *mask)
{
  struct pollfd fds[FD_SETSIZE];
  nfds_t n = 0;
  if (nfds < 0 || nfds > FD_SETSIZE)
    {
      errno = EINVAL;
      return -1;
    }
  for (int fd = 0; fd < nfds; fd++)
    {
      short events = (rd && FD_ISSET (fd, rd) ? POLLIN : 0)
        | (wr && FD_ISSET (fd, wr) ? POLLOUT : 0)
        | (ex && FD_ISSET (fd, ex) ? POLLPRI : 0);
      if (events)
        fds[n++] = (struct pollfd) {.fd = fd,.events = events };
    }
  int rc = preload_async_poll (fds, n, timeout, mask);
  if (rc < 0)
    return rc;
  int count = 0;
  for (nfds_t i = 0; i < n; i++)
    {
      int fd = fds[i].fd;
      short r = fds[i].revents;
      if (r & POLLNVAL)
        {
          errno = EBADF;
          return -1;
        }
      if (rd && FD_ISSET (fd, rd) && !(r & (POLLIN | POLLHUP | POLLERR)))
        FD_CLR (fd, rd);
      if (wr && FD_ISSET (fd, wr) && !(r & (POLLOUT | POLLERR)))
        FD_CLR (fd, wr);
      if (ex && FD_ISSET (fd, ex) && !(r & POLLPRI))
        FD_CLR (fd, ex);
      count += (rd && FD_ISSET (fd, rd)) + (wr && FD_ISSET (fd, wr))
        + (ex && FD_ISSET (fd, ex));
    }
  return count;
}
