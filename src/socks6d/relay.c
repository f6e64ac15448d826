/* The relay of a session: bytes from one socket to the other, through a
   pooled pipe with splice(2), or through a buffer where splice is refused.

   A direction reads only when everything read before has been written, so
   at most one pipe-full (or one buffer) is in flight per direction, order
   is kept, and a slow destination stops the reading from its source (the
   kernel's flow control then slows the sender).  Pipes and buffers are
   taken when a read starts and given back as soon as they are empty: an
   idle session costs no pipe, which matters when the fd limit is 20,000
   and 9,000 sessions are to be held.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The buffer path's buffer, allocated only while a read is in flight.  */
#define RELAY_BUFFER_SIZE (64 * 1024)
/* Idle pipes kept for reuse; more are closed when given back.  */
#define RELAY_POOL_IDLE_MAX 64

struct relay_pipe
{
  int fd[2];                    /* read end, write end */
  size_t size;                  /* its capacity: what one splice reads */
  struct relay_pipe *next;
};

struct relay_pool
{
  struct relay_pipe *idle;
  size_t n_idle;
  size_t n_used;
  size_t max;
  size_t pipe_size;             /* the capacity asked for new pipes */
};

struct relay_pool *
relay_pool_new (size_t max, size_t pipe_size)
{
  struct relay_pool *pool = calloc (1, sizeof *pool);
  if (!pool)
    return NULL;
  pool->max = max;
  pool->pipe_size = pipe_size ? pipe_size : 64 * 1024;
  return pool;
}

static void
pipe_close (struct relay_pipe *p)
{
  close (p->fd[0]);
  close (p->fd[1]);
  free (p);
}

void
relay_pool_free (struct relay_pool *pool)
{
  if (!pool)
    return;
  while (pool->idle)
    {
      struct relay_pipe *p = pool->idle;
      pool->idle = p->next;
      pipe_close (p);
    }
  free (pool);
}

void
relay_pool_counts (const struct relay_pool *pool, size_t *in_use,
                   size_t *idle)
{
  *in_use = pool->n_used;
  *idle = pool->n_idle;
}

/* A pipe, or NULL when the pool is exhausted or pipes cannot be made (the
   fd limit): the caller then uses its buffer.  */
static struct relay_pipe *
pool_get (struct relay_pool *pool)
{
  struct relay_pipe *p = pool->idle;
  if (p)
    {
      pool->idle = p->next;
      pool->n_idle--;
      pool->n_used++;
      return p;
    }
  if (pool->n_used >= pool->max)
    return NULL;
  p = malloc (sizeof *p);
  if (!p)
    return NULL;
  if (pipe2 (p->fd, O_NONBLOCK | O_CLOEXEC) < 0)
    {
      free (p);
      return NULL;
    }
  /* A large pipe means fewer, larger splices: less CPU per byte.  Past
     the user's pipe-user-pages-soft the kernel refuses, and the pipe
     keeps its default size.  */
  int size = fcntl (p->fd[1], F_SETPIPE_SZ, (int) pool->pipe_size);
  if (size < 0)
    size = fcntl (p->fd[1], F_GETPIPE_SZ);
  p->size = size > 0 ? (size_t) size : 4096;
  pool->n_used++;
  return p;
}

/* Give back P, which must be empty unless DIRTY (then it is closed).  */
static void
pool_put (struct relay_pool *pool, struct relay_pipe *p, bool dirty)
{
  pool->n_used--;
  if (dirty || pool->n_idle >= RELAY_POOL_IDLE_MAX)
    {
      pipe_close (p);
      return;
    }
  p->next = pool->idle;
  pool->idle = p;
  pool->n_idle++;
}

int
relay_direction_init (struct relay_direction *dir, const uint8_t *data,
                      size_t len)
{
  memset (dir, 0, sizeof *dir);
  if (len == 0)
    return 0;
  dir->buf = malloc (len);
  if (!dir->buf)
    return -1;
  memcpy (dir->buf, data, len);
  dir->buf_end = len;
  return 0;
}

void
relay_direction_release (struct relay_pool *pool,
                         struct relay_direction *dir)
{
  if (dir->pipe)
    pool_put (pool, dir->pipe, dir->in_pipe > 0);
  dir->pipe = NULL;
  dir->in_pipe = 0;
  free (dir->buf);
  dir->buf = NULL;
  dir->buf_start = dir->buf_end = 0;
}

bool
relay_direction_pending (const struct relay_direction *dir)
{
  return dir->in_pipe > 0 || dir->buf_end > dir->buf_start;
}

static void
account (struct relay_direction *dir, size_t n, size_t *budget)
{
  dir->bytes += n;
  *budget = n < *budget ? *budget - n : 0;
}

/* Write what DIR holds to DST.  Return RELAY_DONE when all is written
   (the caller goes on reading), else RELAY_WAIT or RELAY_ERROR.  */
static enum relay_status
flush (struct relay_pool *pool, struct relay_direction *dir,
       struct relay_endpoint *dst, size_t *budget)
{
  while (relay_direction_pending (dir))
    {
      ssize_t n;
      if (!dst->writable)
        return RELAY_WAIT;
      if (dir->buf_end > dir->buf_start)
        n = send (dst->fd, dir->buf + dir->buf_start,
                  dir->buf_end - dir->buf_start, MSG_NOSIGNAL);
      else
        n = splice (dir->pipe->fd[0], NULL, dst->fd, NULL, dir->in_pipe,
                    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != EAGAIN)
            return RELAY_ERROR;
          dst->writable = false;
          return RELAY_WAIT;
        }
      account (dir, (size_t) n, budget);
      if (dir->buf_end > dir->buf_start)
        dir->buf_start += (uint32_t) n;
      else if ((dir->in_pipe -= (size_t) n) == 0)
        {
          pool_put (pool, dir->pipe, false);
          dir->pipe = NULL;
        }
    }
  return RELAY_DONE;
}

/* Read once from SRC into a pipe or the buffer.  Return RELAY_MORE when
   something (data or EOF) was read, else RELAY_WAIT or RELAY_ERROR.  */
static enum relay_status
fill (struct relay_pool *pool, struct relay_direction *dir,
      struct relay_endpoint *src)
{
  ssize_t n;
  struct relay_pipe *p = dir->no_splice ? NULL : pool_get (pool);
  if (p)
    {
      n = splice (src->fd, NULL, p->fd[1], NULL, p->size,
                  SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0)
        {
          dir->pipe = p;
          dir->in_pipe = (size_t) n;
          return RELAY_MORE;
        }
      int saved = errno;
      pool_put (pool, p, false);
      errno = saved;
      if (n < 0 && errno == EINVAL)
        {
          dir->no_splice = true;
          return RELAY_MORE;
        }
    }
  else
    {
      if (!(dir->buf = malloc (RELAY_BUFFER_SIZE)))
        return RELAY_ERROR;
      dir->buf_start = dir->buf_end = 0;
      n = recv (src->fd, dir->buf, RELAY_BUFFER_SIZE, 0);
      if (n > 0)
        {
          dir->buf_end = (uint32_t) n;
          return RELAY_MORE;
        }
      int saved = errno;
      free (dir->buf);
      dir->buf = NULL;
      errno = saved;
    }
  if (n == 0)
    {
      dir->eof = true;
      return RELAY_MORE;
    }
  if (errno == EINTR)
    return RELAY_MORE;
  if (errno != EAGAIN)
    return RELAY_ERROR;
  src->readable = false;
  return RELAY_WAIT;
}

enum relay_status
relay_move (struct relay_pool *pool, struct relay_direction *dir,
            struct relay_endpoint *src, struct relay_endpoint *dst,
            size_t *budget)
{
  if (dir->done)
    return RELAY_DONE;
  for (;;)
    {
      enum relay_status status = flush (pool, dir, dst, budget);
      if (status != RELAY_DONE)
        return status;
      /* Empty: the buffer goes back too (it may be the handshake's
         leftover, of another size).  */
      free (dir->buf);
      dir->buf = NULL;
      if (dir->eof)
        {
          /* An error here (ENOTCONN: the destination already went away)
             is for the other direction to report.  */
          shutdown (dst->fd, SHUT_WR);
          dir->done = true;
          return RELAY_DONE;
        }
      if (!src->readable)
        return RELAY_WAIT;
      if (*budget == 0)
        return RELAY_MORE;
      status = fill (pool, dir, src);
      if (status != RELAY_MORE)
        return status;
    }
}
