/* socks6d's event loop: one epoll instance, file descriptor watches, and
   timers kept in a binary min-heap, so that thousands of sessions can each
   own a timeout without a scan.  Nothing here ever blocks except
   epoll_wait itself.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_LOOP_H
#define SOCKS6D_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct loop_watch;
struct loop_timer;

/* EVENTS is the epoll event mask that fired (EPOLLIN, EPOLLOUT, ...).  */
typedef void (*loop_watch_fn) (struct loop_watch *watch, uint32_t events);
typedef void (*loop_timer_fn) (struct loop_timer *timer);

/* A watch is embedded in its owner (a session peer, a listener) and found
   back with its DATA pointer, so the loop allocates nothing per fd.  */
struct loop_watch
{
  int fd;
  uint32_t events;              /* as registered */
  loop_watch_fn fn;
  void *data;
};

/* A timer is embedded in its owner too; HEAP_INDEX is 0 when not armed.  */
struct loop_timer
{
  uint64_t when_ms;
  size_t heap_index;
  loop_timer_fn fn;
  void *data;
};

/* Create a loop, or NULL with errno set.  */
extern struct loop *loop_new (void);
extern void loop_free (struct loop *loop);

/* Monotonic time in milliseconds, cached once per loop iteration.  */
extern uint64_t loop_now (const struct loop *loop);
/* Refresh the cached time (after a long piece of work).  */
extern void loop_update_time (struct loop *loop);
/* Before sleeping, poll for events for up to US microseconds (0, the
   default: sleep at once).  */
extern void loop_set_busy_poll (struct loop *loop, unsigned int us);

/* Watch WATCH->fd for EVENTS (epoll flags; add EPOLLET for edge
   triggered).  Return 0, or -1 with errno set.  */
extern int loop_watch_add (struct loop *loop, struct loop_watch *watch,
                           int fd, uint32_t events, loop_watch_fn fn,
                           void *data);
extern int loop_watch_modify (struct loop *loop, struct loop_watch *watch,
                              uint32_t events);
/* Stop watching; the fd is not closed.  Safe on a watch whose fd is -1.  */
extern void loop_watch_remove (struct loop *loop, struct loop_watch *watch);
/* Close the watched fd, which also takes it out of epoll (the kernel
   does so on the last close, and the loop never duplicates an fd): one
   system call instead of two, for every socket of every session.  */
extern void loop_watch_close (struct loop_watch *watch);

/* Set TIMER up once; it starts disarmed.  */
extern void loop_timer_init (struct loop_timer *timer, loop_timer_fn fn,
                             void *data);
/* Arm (or re-arm) TIMER to fire once, DELAY_MS from now.  Return 0, or -1
   when out of memory.  */
extern int loop_timer_arm (struct loop *loop, struct loop_timer *timer,
                           uint64_t delay_ms);
extern void loop_timer_cancel (struct loop *loop, struct loop_timer *timer);
static inline bool
loop_timer_armed (const struct loop_timer *timer)
{
  return timer->heap_index != 0;
}

/* Hook run once before every wait, to let a library (c-ares) compute its
   own next timeout; it returns the largest wait it accepts, in
   milliseconds, or -1 for none.  */
typedef int (*loop_prepare_fn) (void *data);
extern void loop_set_prepare (struct loop *loop, loop_prepare_fn fn,
                              void *data);

/* Run what is deferred, and what that defers, until nothing is left: at
   the end, so that what waits to be freed is freed.  */
extern void loop_flush (struct loop *loop);

/* Run until loop_stop.  Return 0, or -1 with errno set if epoll failed.  */
extern int loop_run (struct loop *loop);
extern void loop_stop (struct loop *loop);

/* Work run once after the current batch of events and timers: freeing a
   session whose other fd may still have an event pending in this batch,
   or continuing a transfer cut short to stay fair to other sessions.  */
struct loop_deferred
{
  struct loop_deferred *next;
  void (*fn) (struct loop_deferred *deferred);
  void *data;
  bool queued;
};

/* Queue DEFERRED (once; queuing it again before it ran does nothing).  */
extern void loop_defer (struct loop *loop, struct loop_deferred *deferred,
                        void (*fn) (struct loop_deferred *), void *data);
/* The same, run after every other deferred work of this iteration: the
   place to free an owner, once nothing queued can refer to it.  */
extern void loop_defer_free (struct loop *loop,
                             struct loop_deferred *deferred,
                             void (*fn) (struct loop_deferred *),
                             void *data);

#endif /* SOCKS6D_LOOP_H */
