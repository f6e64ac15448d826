/* Moving bytes between the two peers of a relaying session, one direction
   at a time: small reads through the worker's scratch buffer with
   recv/send, zero-copy through a pipe with splice(2) once a direction
   carries bulk data.  Pipes come from a pool and go back to it as soon as
   they are empty, so an idle session holds no pipe and no buffer, only
   its two sockets.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_RELAY_H
#define SOCKS6D_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

struct relay_pool;
struct relay_pipe;

/* One socket as the relay sees it.  READABLE and WRITABLE follow
   edge-triggered epoll: set by an event (relay_endpoint_event), cleared
   when the kernel says EAGAIN, or when a read returned less than asked
   (relay_endpoint_read), which saves the read that would only fail.  */
struct relay_endpoint
{
  int fd;
  bool readable;
  bool writable;
  bool read_all;                /* end of file, an error or urgent data
                                   reported: a short read proves nothing,
                                   read on until recv says EAGAIN or EOF */
};

/* The events to watch a relayed socket for, edge-triggered, once for its
   whole life.  EPOLLPRI because a read stops short at TCP urgent data
   with more queued behind it.  */
#define RELAY_EPOLL_EVENTS \
  (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDHUP | EPOLLET)

/* Record in EP the readiness that an edge-triggered epoll reported in
   EVENTS.  Every event of a socket the relay reads must come through
   here, and the socket be watched for RELAY_EPOLL_EVENTS: a short read
   clears READABLE only while READ_ALL is not set.  */
static inline void
relay_endpoint_event (struct relay_endpoint *ep, uint32_t events)
{
  if (events & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
    ep->readable = true;
  if (events & (EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
    ep->read_all = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
    ep->writable = true;
}

/* A recv of ASKED bytes from the stream socket EP returned GOT > 0.  A
   short read took everything queued (TCP copies the whole receive queue
   and backlog before it returns less), and anything arriving later is a
   new edge, so EP is drained: unless an end of file is pending, which
   arrived with the data and will not be reported again, or urgent data
   cut the read short.  */
static inline void
relay_endpoint_read (struct relay_endpoint *ep, size_t got, size_t asked)
{
  if (got < asked && !ep->read_all)
    ep->readable = false;
}

/* One direction, from a source endpoint to a destination endpoint.  */
struct relay_direction
{
  struct relay_pipe *pipe;      /* held only while it has data in it */
  size_t in_pipe;               /* bytes waiting in PIPE */
  uint8_t *buf;                 /* what a send left unwritten, or data
                                   left from the handshake; freed once
                                   flushed */
  uint32_t buf_start, buf_end;
  bool bulk;                    /* reads fill the scratch buffer: splice */
  bool no_splice;               /* splice refused these fds: copy only */
  bool eof;                     /* the source said end of file */
  bool close_follows;           /* set by the caller: both sockets are
                                   closed once this direction is done, so
                                   its SHUT_WR is left to close */
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
   default), with the scratch buffer of the copy path: one pool per event
   loop, never shared between threads.  NULL when out of memory.  */
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
   side; not when DIR->close_follows) and report RELAY_DONE.  */
extern enum relay_status relay_move (struct relay_pool *pool,
                                     struct relay_direction *dir,
                                     struct relay_endpoint *src,
                                     struct relay_endpoint *dst,
                                     size_t *budget);

/* True if DIR still holds data not yet written.  */
extern bool relay_direction_pending (const struct relay_direction *dir);

#endif /* SOCKS6D_RELAY_H */
