/* The per-fd table of libsocks6-preload.so: for each socket connected
   through the gateway, the address the program asked for (a fake
   address, or a real one) and the family its socket had, so that
   getpeername and getsockname answer as the program expects, and
   close and dup keep the fake address held exactly as long as a socket
   uses it.

   A fixed array indexed by fd, sized from RLIMIT_NOFILE when the library
   starts and mapped lazily (untouched pages cost nothing); descriptors
   past its end are still socksified but not tracked.  One mutex guards
   it; it is taken only on connect, close, dup and the getters of
   socksified sockets' names, never on the data path.  A fork copies the
   table with the descriptors, which is right: the child inherits the
   sockets.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "preload.h"

static void preload_fd_release (const struct preload_fd *entry);

#define PRELOAD_FD_MAX (1 << 20)

static struct preload_fd *preload_fds;
static size_t preload_fd_count;
/* One past the highest fd ever set, so the fork handler's walk is short.  */
static size_t preload_fd_high;
static pthread_mutex_t preload_fd_lock = PTHREAD_MUTEX_INITIALIZER;

void
preload_fd_init (void)
{
  struct rlimit limit;
  size_t count = 4096;
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      rlim_t most = limit.rlim_max != RLIM_INFINITY ? limit.rlim_max
        : PRELOAD_FD_MAX;
      if (most < limit.rlim_cur)
        most = limit.rlim_cur;
      count = most > PRELOAD_FD_MAX ? PRELOAD_FD_MAX : most;
    }
  void *table = mmap (NULL, count * sizeof *preload_fds,
                      PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (table == MAP_FAILED)
    {
      preload_log (SOCKSIFY_LOG_WARNING, "no memory for the fd table: "
                   "getpeername will show the gateway");
      return;
    }
  preload_fds = table;
  preload_fd_count = count;
}

static bool
preload_fd_valid (int fd)
{
  return fd >= 0 && (size_t) fd < preload_fd_count;
}

bool
preload_fd_get (int fd, struct preload_fd *entry)
{
  if (!preload_fd_valid (fd))
    return false;
  pthread_mutex_lock (&preload_fd_lock);
  *entry = preload_fds[fd];
  pthread_mutex_unlock (&preload_fd_lock);
  return entry->socksified;
}

void
preload_fd_release_entry (const struct preload_fd *entry)
{
  preload_fd_release (entry);
}

/* Drop the hold ENTRY has on its fake address.  */
static void
preload_fd_release (const struct preload_fd *entry)
{
  if (!entry->fake || !preload_state.fake)
    return;
  const union socks6_sockaddr *p = &entry->peer;
  const void *addr = p->sa.sa_family == AF_INET
    ? (const void *) &p->sin.sin_addr : (const void *) &p->sin6.sin6_addr;
  fakeaddr_release (preload_state.fake, p->sa.sa_family, addr);
}

/* Replace FD's entry by ENTRY (NULL: clear it), releasing the old one's
   hold.  Call with the lock held.  */
static void
preload_fd_replace (int fd, const struct preload_fd *entry)
{
  struct preload_fd *slot = &preload_fds[fd];
  if (slot->socksified)
    preload_fd_release (slot);
  if (entry)
    *slot = *entry;
  else
    memset (slot, 0, sizeof *slot);
  if (entry && (size_t) fd >= preload_fd_high)
    preload_fd_high = fd + 1;
}

void
preload_fd_set (int fd, const struct preload_fd *entry)
{
  if (!preload_fd_valid (fd))
    {
      preload_fd_release (entry);
      return;
    }
  pthread_mutex_lock (&preload_fd_lock);
  preload_fd_replace (fd, entry);
  pthread_mutex_unlock (&preload_fd_lock);
}

void
preload_fd_clear (int fd)
{
  if (!preload_fd_valid (fd))
    return;
  pthread_mutex_lock (&preload_fd_lock);
  if (preload_fds[fd].socksified)
    preload_fd_replace (fd, NULL);
  pthread_mutex_unlock (&preload_fd_lock);
}

/* Take a new hold on ENTRY's fake address, for a second descriptor.  */
static void
preload_fd_hold (const struct preload_fd *entry)
{
  if (!entry->fake || !preload_state.fake)
    return;
  const union socks6_sockaddr *p = &entry->peer;
  const void *addr = p->sa.sa_family == AF_INET
    ? (const void *) &p->sin.sin_addr : (const void *) &p->sin6.sin6_addr;
  fakeaddr_hold (preload_state.fake, p->sa.sa_family, addr, NULL, NULL);
}

void
preload_fd_copy (int oldfd, int newfd)
{
  preload_udp_copy (oldfd, newfd);
  if (!preload_fd_valid (oldfd) || !preload_fd_valid (newfd)
      || oldfd == newfd)
    return;
  pthread_mutex_lock (&preload_fd_lock);
  struct preload_fd entry = preload_fds[oldfd];
  if (entry.socksified)
    {
      preload_fd_hold (&entry);
      preload_fd_replace (newfd, &entry);
    }
  else if (preload_fds[newfd].socksified)
    preload_fd_replace (newfd, NULL);
  pthread_mutex_unlock (&preload_fd_lock);
}

void
preload_fd_after_fork (void)
{
  /* Another thread may have held the lock at the fork; only this thread
     exists in the child.  */
  pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
  preload_fd_lock = fresh;
  for (size_t fd = 0; fd < preload_fd_high; fd++)
    if (preload_fds[fd].socksified)
      preload_fd_hold (&preload_fds[fd]);
}
