/* Username/password checks off the event loop.  A crypt(3) hash such as
   yescrypt takes tens of milliseconds by design, and PAM may take longer:
   run in the loop, one check would stall every session.  A few threads
   take checks from a queue and post results back through an eventfd the
   loop watches.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_AUTHWORKER_H
#define SOCKS6D_AUTHWORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "loop.h"

struct authworker;
struct authworker_job;

/* Called in the loop's thread with the verdict, unless cancelled.  */
typedef void (*authworker_fn) (void *arg, bool ok);

struct gateway_shared;

/* Start THREADS threads, posting results to LOOP.  Configuration
   references go through SHARED's lock.  NULL with errno set on failure.  */
extern struct authworker *authworker_new (struct loop *loop,
                                          struct gateway_shared *shared,
                                          unsigned int threads);
extern void authworker_free (struct authworker *worker);

/* Check USER (USER_LEN octets) and PASS (PASS_LEN octets) against
   CONFIG (which gets a reference for the job's life).  The password is copied and wiped after the check.
   Return the job, or NULL when out of memory.  */
extern struct authworker_job *authworker_submit (struct authworker *worker,
                                                 struct config *config,
                                                 const char *user,
                                                 size_t user_len,
                                                 const char *pass,
                                                 size_t pass_len,
                                                 authworker_fn fn,
                                                 void *arg);
/* FN will not be called for JOB.  */
extern void authworker_cancel (struct authworker *worker,
                               struct authworker_job *job);

#endif /* SOCKS6D_AUTHWORKER_H */
