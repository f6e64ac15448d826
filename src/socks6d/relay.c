/* The relay of a session: bytes from one socket to the other.  Small
   reads go through the worker's scratch buffer, recv then send at once,
   so that a short exchange costs two system calls per message and no
   pipe; a read that fills the scratch buffer marks the direction as bulk,
   and it goes on through a pooled pipe with splice(2), zero-copy, until a
   read comes back small again.

   A direction reads only when everything read before has been written, so
   at most one pipe-full (or one buffer) is in flight per direction, order
   is kept, and a slow destination stops the reading from its source (the
   kernel's flow control then slows the sender).  Pipes, and the buffer of
   what a send left unwritten, are taken when needed and given back as
   soon as they are empty: an idle session costs no pipe, which matters
   when the fd limit is 20,000 and 9,000 sessions are to be held.

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

/* The scratch buffer of a pool.  A direction that may splice reads
   RELAY_SMALL_READ at most by copy: a read that fills it is bulk data,
   cheaper through a pipe; one that cannot splice reads all of it.  */
#define RELAY_SCRATCH_SIZE (64 * 1024)
#define RELAY_SMALL_READ (16 * 1024)
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
  uint8_t scratch[RELAY_SCRATCH_SIZE];  /* the copy path's reads */
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
      bool buffered = dir->buf_end > dir->buf_start;
      if (!dst->writable)
        return RELAY_WAIT;
      if (buffered)
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
      if (buffered)
        {
          dir->buf_start += (uint32_t) n;
          /* A short send filled the socket buffer; EPOLLOUT says when
             there is room again.  */
          if (dir->buf_start < dir->buf_end)
            dst->writable = false;
        }
      else if ((dir->in_pipe -= (size_t) n) == 0)
        {
          pool_put (pool, dir->pipe, false);
          dir->pipe = NULL;
        }
    }
  return RELAY_DONE;
}

/* Send LEN bytes of DATA, just read into the scratch buffer, to DST; keep
   what could not be written in DIR's own buffer.  Return RELAY_MORE, or
   RELAY_ERROR.  */
static enum relay_status
pass_on (struct relay_direction *dir, struct relay_endpoint *dst,
         const uint8_t *data, size_t len, size_t *budget)
{
  size_t sent = 0;
  while (sent < len && dst->writable)
    {
      ssize_t n = send (dst->fd, data + sent, len - sent, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != EAGAIN)
            return RELAY_ERROR;
          dst->writable = false;
          break;
        }
      account (dir, (size_t) n, budget);
      sent += (size_t) n;
      if (sent < len)
        dst->writable = false;
    }
  if (sent < len)
    {
      if (!(dir->buf = malloc (len - sent)))
        return RELAY_ERROR;
      memcpy (dir->buf, data + sent, len - sent);
      dir->buf_start = 0;
      dir->buf_end = (uint32_t) (len - sent);
    }
  return RELAY_MORE;
}

/* Splice once from SRC into a pipe.  Return the splice's result, or -2
   when no pipe could be had (the caller copies instead).  */
static ssize_t
fill_pipe (struct relay_pool *pool, struct relay_direction *dir,
           struct relay_endpoint *src)
{
  struct relay_pipe *p = pool_get (pool);
  ssize_t n;
  if (!p)
    return -2;
  n = splice (src->fd, NULL, p->fd[1], NULL, p->size,
              SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n > 0)
    {
      dir->pipe = p;
      dir->in_pipe = (size_t) n;
      /* The burst is over: back to copying small reads.  */
      if (n < RELAY_SMALL_READ)
        dir->bulk = false;
      return n;
    }
  int saved = errno;
  pool_put (pool, p, false);
  errno = saved;
  return n;
}

/* Read once from SRC: into a pipe for bulk data, else into the scratch
   buffer and on to DST at once.  Return RELAY_MORE when something (data
   or EOF) was read, else RELAY_WAIT or RELAY_ERROR.  */
static enum relay_status
fill (struct relay_pool *pool, struct relay_direction *dir,
      struct relay_endpoint *src, struct relay_endpoint *dst,
      size_t *budget)
{
  ssize_t n = -2;
  if (dir->bulk && !dir->no_splice)
    {
      n = fill_pipe (pool, dir, src);
      if (n > 0)
        return RELAY_MORE;
      if (n == -1 && errno == EINVAL)
        {
          dir->no_splice = true;
          return RELAY_MORE;
        }
      /* At TCP urgent data splice stops, and says EAGAIN however
         much is queued behind it: recv steps over the urgent byte.
         EPOLLPRI (READ_ALL) tells when this may be the case.  */
      if (n == -1 && errno == EAGAIN && src->read_all)
        n = -2;
    }
  if (n == -2)
    {
      size_t want = dir->no_splice ? RELAY_SCRATCH_SIZE : RELAY_SMALL_READ;
      n = recv (src->fd, pool->scratch, want, 0);
      if (n > 0)
        {
          relay_endpoint_read (src, (size_t) n, want);
          if ((size_t) n == want)
            dir->bulk = true;
          return pass_on (dir, dst, pool->scratch, (size_t) n, budget);
        }
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
      /* Empty: the buffer goes back too.  */
      free (dir->buf);
      dir->buf = NULL;
      dir->buf_start = dir->buf_end = 0;
      if (dir->eof)
        {
          /* An error here (ENOTCONN: the destination already went away)
             is for the other direction to report.  When both sockets
             are about to be closed, close sends the FIN itself (all was
             read from DST, so it does not reset).  */
          if (!dir->close_follows)
            shutdown (dst->fd, SHUT_WR);
          dir->done = true;
          return RELAY_DONE;
        }
      if (!src->readable)
        return RELAY_WAIT;
      if (*budget == 0)
        return RELAY_MORE;
      status = fill (pool, dir, src, dst, budget);
      if (status != RELAY_MORE)
        return status;
    }
}
