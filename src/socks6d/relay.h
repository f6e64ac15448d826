/* Moving bytes between the two peers of a relaying session, one direction
   at a time: zero-copy through a pipe with splice(2) while data flows, a
   plain buffer where splice cannot be used.  Pipes come from a pool and go
   back to it as soon as they are empty, so an idle session holds no pipe
   and no buffer, only its two sockets.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_RELAY_H
#define SOCKS6D_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct relay_pool;
struct relay_pipe;

/* One socket as the relay sees it.  READABLE and WRITABLE follow
   edge-triggered epoll: set by an event, cleared when the kernel says
   EAGAIN.  */
struct relay_endpoint
{
  int fd;
  bool readable;
  bool writable;
};

/* One direction, from a source endpoint to a destination endpoint.  */
struct relay_direction
{
  struct relay_pipe *pipe;      /* held only while it has data in it */
  size_t in_pipe;               /* bytes waiting in PIPE */
  uint8_t *buf;                 /* buffer path, or data left from the
                                   handshake; freed once flushed */
  uint32_t buf_start, buf_end;
  bool no_splice;               /* splice refused these fds: buffer only */
  bool eof;                     /* the source said end of file */
  bool done;                    /* EOF seen, all flushed, SHUT_WR sent */
  uint64_t bytes;               /* written to the destination */
};

enum relay_status
{
  RELAY_WAIT,                   /* nothing more until a new event */
  RELAY_MORE,                   /* budget used up: call again soon */
  RELAY_DONE,                   /* this direction is finished */
  RELAY_ERROR                   /* errno tells why */
};

/* A pool of at most MAX pipes of PIPE_SIZE bytes each (0: the kernel's
   default).  NULL when out of memory.  */
extern struct relay_pool *relay_pool_new (size_t max, size_t pipe_size);
extern void relay_pool_free (struct relay_pool *pool);
/* Pipes in use and pipes idle in the pool, for statistics.  */
extern void relay_pool_counts (const struct relay_pool *pool,
                               size_t *in_use, size_t *idle);

/* Start DIR, with LEN bytes of DATA (possibly 0) to be written before
   anything read from the source.  Return 0, or -1 when out of memory.  */
extern int relay_direction_init (struct relay_direction *dir,
                                 const uint8_t *data, size_t len);
/* Give back what DIR holds (its pipe, its buffer).  */
extern void relay_direction_release (struct relay_pool *pool,
                                     struct relay_direction *dir);

/* Move what can be moved from SRC to DST without blocking, at most about
   *BUDGET bytes (decreased by what was moved).  At end of file, once all
   is flushed, shut down DST for writing (the half-close reaches the other
   side) and report RELAY_DONE.  */
extern enum relay_status relay_move (struct relay_pool *pool,
                                     struct relay_direction *dir,
                                     struct relay_endpoint *src,
                                     struct relay_endpoint *dst,
                                     size_t *budget);

/* True if DIR still holds data not yet written.  */
extern bool relay_direction_pending (const struct relay_direction *dir);

#endif /* SOCKS6D_RELAY_H */
