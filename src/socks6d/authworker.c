/* Threads that run auth_check_userpass for the event loop.

   Only the check runs in a thread.  The config a job holds stays alive
   until its result is collected, so a reload cannot free it under the
   thread; its reference is taken and dropped through the gateway's lock,
   since config_ref and config_unref are not atomic.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "authworker.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "auth.h"
#include "gateway.h"

struct authworker_job
{
  struct authworker_job *next;
  struct config *config;
  authworker_fn fn;
  void *arg;
  bool cancelled;               /* under the mutex */
  bool ok;
  size_t user_len, pass_len;
  char user[AUTH_FIELD_MAX + 1];
  char pass[AUTH_FIELD_MAX + 1];
};

struct authworker
{
  struct loop *loop;
  struct gateway_shared *shared;        /* for configuration references */
  struct loop_watch watch;      /* the eventfd */
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  struct authworker_job *queue, **queue_tail;
  struct authworker_job *done;
  bool stopping;
  unsigned int n_threads;
  pthread_t *threads;
};

static struct authworker_job *
take_job (struct authworker *w)
{
  struct authworker_job *job;
  pthread_mutex_lock (&w->mutex);
  while (!w->queue && !w->stopping)
    pthread_cond_wait (&w->cond, &w->mutex);
  job = w->queue;
  if (job)
    {
      w->queue = job->next;
      if (!w->queue)
        w->queue_tail = &w->queue;
    }
  pthread_mutex_unlock (&w->mutex);
  return job;
}

static void *
thread_main (void *data)
{
  struct authworker *w = data;
  struct authworker_job *job;
  while ((job = take_job (w)))
    {
      bool cancelled;
      pthread_mutex_lock (&w->mutex);
      cancelled = job->cancelled;
      pthread_mutex_unlock (&w->mutex);
      job->ok = !cancelled && auth_check_userpass (job->config, job->user,
                                                   job->user_len, job->pass,
                                                   job->pass_len);
      explicit_bzero (job->pass, sizeof job->pass);
      pthread_mutex_lock (&w->mutex);
      job->next = w->done;
      w->done = job;
      pthread_mutex_unlock (&w->mutex);
      uint64_t one = 1;
      if (write (w->watch.fd, &one, sizeof one) < 0)
        {
          /* The counter cannot overflow in practice; nothing to do.  */
        }
    }
  return NULL;
}

static void
results_ready (struct loop_watch *watch, uint32_t events)
{
  struct authworker *w = watch->data;
  struct authworker_job *list;
  uint64_t count;
  (void) events;
  if (read (watch->fd, &count, sizeof count) < 0)
    return;
  pthread_mutex_lock (&w->mutex);
  list = w->done;
  w->done = NULL;
  pthread_mutex_unlock (&w->mutex);
  while (list)
    {
      struct authworker_job *job = list;
      list = job->next;
      /* No lock: CANCELLED is only written by the loop's thread.  */
      if (!job->cancelled)
        job->fn (job->arg, job->ok);
      gateway_config_unref (w->shared, job->config);
      free (job);
    }
}

struct authworker *
authworker_new (struct loop *loop, struct gateway_shared *shared,
                unsigned int threads)
{
  struct authworker *w = calloc (1, sizeof *w);
  if (!w)
    return NULL;
  w->loop = loop;
  w->shared = shared;
  w->watch.fd = -1;
  w->queue_tail = &w->queue;
  pthread_mutex_init (&w->mutex, NULL);
  pthread_cond_init (&w->cond, NULL);
  int fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  w->threads = calloc (threads, sizeof *w->threads);
  if (fd < 0 || !w->threads
      || loop_watch_add (loop, &w->watch, fd, EPOLLIN, results_ready, w) < 0)
    goto fail;
  for (; w->n_threads < threads; w->n_threads++)
    {
      int err = pthread_create (&w->threads[w->n_threads], NULL,
                                thread_main, w);
      if (err)
        {
          errno = err;
          goto fail;
        }
    }
  return w;
fail:
  {
    int saved = errno;
    if (fd >= 0)
      w->watch.fd = fd;
    authworker_free (w);
    errno = saved;
    return NULL;
  }
}

void
authworker_free (struct authworker *w)
{
  if (!w)
    return;
  pthread_mutex_lock (&w->mutex);
  w->stopping = true;
  pthread_cond_broadcast (&w->cond);
  pthread_mutex_unlock (&w->mutex);
  for (unsigned int i = 0; i < w->n_threads; i++)
    pthread_join (w->threads[i], NULL);
  /* Jobs left are dropped with their configs.  */
  for (struct authworker_job *list = w->queue; list;)
    {
      struct authworker_job *job = list;
      list = job->next;
      gateway_config_unref (w->shared, job->config);
      explicit_bzero (job->pass, sizeof job->pass);
      free (job);
    }
  for (struct authworker_job *list = w->done; list;)
    {
      struct authworker_job *job = list;
      list = job->next;
      gateway_config_unref (w->shared, job->config);
      free (job);
    }
  if (w->watch.fd >= 0)
    {
      int fd = w->watch.fd;
      loop_watch_remove (w->loop, &w->watch);
      close (fd);
    }
  free (w->threads);
  pthread_mutex_destroy (&w->mutex);
  pthread_cond_destroy (&w->cond);
  free (w);
}

struct authworker_job *
authworker_submit (struct authworker *w, struct config *config,
                   const char *user, size_t user_len, const char *pass,
                   size_t pass_len, authworker_fn fn, void *arg)
{
  struct authworker_job *job = calloc (1, sizeof *job);
  if (!job)
    return NULL;
  job->config = gateway_config_ref (w->shared, config);
  job->fn = fn;
  job->arg = arg;
  if (user_len > AUTH_FIELD_MAX || pass_len > AUTH_FIELD_MAX)
    user_len = pass_len = 0;    /* cannot come from RFC 1929; fails */
  memcpy (job->user, user, user_len);
  memcpy (job->pass, pass, pass_len);
  job->user_len = user_len;
  job->pass_len = pass_len;
  pthread_mutex_lock (&w->mutex);
  *w->queue_tail = job;
  w->queue_tail = &job->next;
  pthread_cond_signal (&w->cond);
  pthread_mutex_unlock (&w->mutex);
  return job;
}

void
authworker_cancel (struct authworker *w, struct authworker_job *job)
{
  if (!job)
    return;
  pthread_mutex_lock (&w->mutex);
  job->cancelled = true;
  pthread_mutex_unlock (&w->mutex);
}
