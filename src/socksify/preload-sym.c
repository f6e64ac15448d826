/* The real functions behind the hooks of libsocks6-preload.so, found
   once with dlsym (RTLD_NEXT): the next definition after ours in the
   lookup order, normally libc's.

   A lookup that gives back our own hook (the library loaded twice, or
   an odd link order) would make the hook call itself forever; such a
   pointer is dropped, and the hook then fails with ENOSYS rather than
   recursing or aborting the program.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include "preload.h"

struct preload_true preload_true;

static void *
preload_sym_find (const char *name)
{
  void *next = dlsym (RTLD_NEXT, name);
  Dl_info info_next, info_self;
  if (next && dladdr (next, &info_next)
      && dladdr ((void *) preload_sym_find, &info_self)
      && info_next.dli_fbase == info_self.dli_fbase)
    return NULL;
  return next;
}

#define PRELOAD_SYM(name) \
  (*(void **) &preload_true.name = preload_sym_find (#name))

static void
preload_sym_load_once (void)
{
  PRELOAD_SYM (socket);
  PRELOAD_SYM (connect);
  PRELOAD_SYM (bind);
  PRELOAD_SYM (listen);
  PRELOAD_SYM (accept);
  PRELOAD_SYM (accept4);
  PRELOAD_SYM (close);
  PRELOAD_SYM (close_range);
  PRELOAD_SYM (dup);
  PRELOAD_SYM (dup2);
  PRELOAD_SYM (dup3);
  PRELOAD_SYM (fcntl);
  PRELOAD_SYM (fcntl64);
  PRELOAD_SYM (getpeername);
  PRELOAD_SYM (getsockname);
  PRELOAD_SYM (sendto);
  PRELOAD_SYM (sendmsg);
  PRELOAD_SYM (sendmmsg);
  PRELOAD_SYM (send);
  PRELOAD_SYM (write);
  PRELOAD_SYM (recvfrom);
  PRELOAD_SYM (recvmsg);
  PRELOAD_SYM (recvmmsg);
  PRELOAD_SYM (recv);
  PRELOAD_SYM (read);
  PRELOAD_SYM (getaddrinfo);
  PRELOAD_SYM (freeaddrinfo);
  PRELOAD_SYM (getnameinfo);
  PRELOAD_SYM (gethostbyname);
  PRELOAD_SYM (gethostbyname2);
  PRELOAD_SYM (gethostbyname_r);
  PRELOAD_SYM (gethostbyname2_r);
  PRELOAD_SYM (getsockopt);
  PRELOAD_SYM (poll);
  PRELOAD_SYM (ppoll);
  PRELOAD_SYM (select);
  PRELOAD_SYM (pselect);
  PRELOAD_SYM (epoll_ctl);
  PRELOAD_SYM (epoll_wait);
  PRELOAD_SYM (epoll_pwait);
  PRELOAD_SYM (epoll_pwait2);
  PRELOAD_SYM (gethostbyaddr);
  PRELOAD_SYM (gethostbyaddr_r);
  if (!preload_true.fcntl64)
    preload_true.fcntl64 = preload_true.fcntl;
}

void
preload_sym_load (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, preload_sym_load_once);
}
