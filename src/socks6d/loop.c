/* socks6d's event loop: epoll for file descriptors, a binary min-heap of
   timers.  The heap is 1-based so that a timer's index 0 can mean "not
   armed"; each timer knows its slot, so cancelling or re-arming one is
   O(log n) without a search.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"

/* Events handled per epoll_wait; more simply wait for the next turn.  */
#define LOOP_MAX_EVENTS 256

struct loop
{
  int epfd;
  uint64_t now_ms;
  bool stopping;
  struct loop_deferred *deferred;       /* LIFO; order does not matter */
  struct loop_deferred *graveyard;      /* run after DEFERRED */
  struct loop_timer **heap;     /* heap[1..heap_len] */
  size_t heap_len;
  size_t heap_size;
  loop_prepare_fn prepare;
  void *prepare_data;
  unsigned int busy_poll_us;    /* polled before sleeping; 0 = none */
};


struct loop *
loop_new (void)
{
  struct loop *loop = calloc (1, sizeof *loop);
  if (!loop)
    return NULL;
  loop->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (loop->epfd < 0)
    {
      int saved = errno;
      free (loop);
      errno = saved;
      return NULL;
    }
  loop->now_ms = (uint64_t) socks6_now_ms ();
  return loop;
}

void
loop_free (struct loop *loop)
{
  if (!loop)
    return;
  close (loop->epfd);
  free (loop->heap);
  free (loop);
}

uint64_t
loop_now (const struct loop *loop)
{
  return loop->now_ms;
}

void
loop_update_time (struct loop *loop)
{
  loop->now_ms = (uint64_t) socks6_now_ms ();
}

int
loop_watch_add (struct loop *loop, struct loop_watch *watch, int fd,
                uint32_t events, loop_watch_fn fn, void *data)
{
  struct epoll_event ev = { .events = events, .data.ptr = watch };
  watch->fd = fd;
  watch->events = events;
  watch->fn = fn;
  watch->data = data;
  return epoll_ctl (loop->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int
loop_watch_modify (struct loop *loop, struct loop_watch *watch,
                   uint32_t events)
{
  struct epoll_event ev = { .events = events, .data.ptr = watch };
  if (watch->events == events)
    return 0;
  watch->events = events;
  return epoll_ctl (loop->epfd, EPOLL_CTL_MOD, watch->fd, &ev);
}

void
loop_watch_remove (struct loop *loop, struct loop_watch *watch)
{
  if (watch->fd < 0)
    return;
  epoll_ctl (loop->epfd, EPOLL_CTL_DEL, watch->fd, NULL);
  watch->fd = -1;
}

void
loop_watch_close (struct loop_watch *watch)
{
  if (watch->fd < 0)
    return;
  close (watch->fd);
  watch->fd = -1;
}

void
loop_timer_init (struct loop_timer *timer, loop_timer_fn fn, void *data)
{
  timer->when_ms = 0;
  timer->heap_index = 0;
  timer->fn = fn;
  timer->data = data;
}

static void
heap_place (struct loop *loop, size_t i, struct loop_timer *t)
{
  loop->heap[i] = t;
  t->heap_index = i;
}

static void
heap_sift_up (struct loop *loop, size_t i)
{
  struct loop_timer *t = loop->heap[i];
  while (i > 1 && loop->heap[i / 2]->when_ms > t->when_ms)
    {
      heap_place (loop, i, loop->heap[i / 2]);
      i /= 2;
    }
  heap_place (loop, i, t);
}

static void
heap_sift_down (struct loop *loop, size_t i)
{
  struct loop_timer *t = loop->heap[i];
  for (;;)
    {
      size_t child = 2 * i;
      if (child > loop->heap_len)
        break;
      if (child < loop->heap_len
          && loop->heap[child + 1]->when_ms < loop->heap[child]->when_ms)
        child++;
      if (loop->heap[child]->when_ms >= t->when_ms)
        break;
      heap_place (loop, i, loop->heap[child]);
      i = child;
    }
  heap_place (loop, i, t);
}

void
loop_timer_cancel (struct loop *loop, struct loop_timer *timer)
{
  size_t i = timer->heap_index;
  if (i == 0)
    return;
  struct loop_timer *last = loop->heap[loop->heap_len--];
  timer->heap_index = 0;
  if (last == timer)
    return;
  heap_place (loop, i, last);
  heap_sift_down (loop, i);
  heap_sift_up (loop, last->heap_index);
}

int
loop_timer_arm (struct loop *loop, struct loop_timer *timer,
                uint64_t delay_ms)
{
  loop_timer_cancel (loop, timer);
  if (loop->heap_len + 1 >= loop->heap_size)
    {
      size_t size = loop->heap_size ? 2 * loop->heap_size : 64;
      struct loop_timer **heap = realloc (loop->heap, size * sizeof *heap);
      if (!heap)
        return -1;
      loop->heap = heap;
      loop->heap_size = size;
    }
  timer->when_ms = loop->now_ms + delay_ms;
  loop->heap_len++;
  heap_place (loop, loop->heap_len, timer);
  heap_sift_up (loop, loop->heap_len);
  return 0;
}

void
loop_set_prepare (struct loop *loop, loop_prepare_fn fn, void *data)
{
  loop->prepare = fn;
  loop->prepare_data = data;
}

static void
run_timers (struct loop *loop)
{
  while (loop->heap_len > 0 && loop->heap[1]->when_ms <= loop->now_ms)
    {
      struct loop_timer *t = loop->heap[1];
      loop_timer_cancel (loop, t);
      t->fn (t);
    }
}

/* Run what was deferred so far; what those functions defer in turn waits
   for the next iteration, so a busy transfer cannot starve the loop.  */
static void
run_list (struct loop_deferred *list)
{
  while (list)
    {
      struct loop_deferred *d = list;
      list = d->next;
      d->queued = false;
      d->fn (d);
    }
}

static void
run_deferred (struct loop *loop)
{
  struct loop_deferred *list = loop->deferred;
  loop->deferred = NULL;
  run_list (list);
  list = loop->graveyard;
  loop->graveyard = NULL;
  run_list (list);
}

void
loop_flush (struct loop *loop)
{
  while (loop->deferred || loop->graveyard)
    run_deferred (loop);
}

/* How long epoll_wait may sleep: until the first timer, bounded by what
   the prepare hook accepts.  */
static int
wait_timeout (struct loop *loop)
{
  int timeout = -1;
  if (loop->deferred || loop->graveyard)
    return 0;
  if (loop->heap_len > 0)
    {
      uint64_t when = loop->heap[1]->when_ms;
      uint64_t delta = when > loop->now_ms ? when - loop->now_ms : 0;
      timeout = delta > 60000 ? 60000 : (int) delta;
    }
  if (loop->prepare)
    {
      int limit = loop->prepare (loop->prepare_data);
      if (limit >= 0 && (timeout < 0 || limit < timeout))
        timeout = limit;
    }
  return timeout;
}

void
loop_set_busy_poll (struct loop *loop, unsigned int us)
{
  loop->busy_poll_us = us;
}

/* epoll_wait for at most TIMEOUT ms (-1: no limit), but first poll
   without sleeping for up to the loop's busy-poll time.  A sleeping
   thread is woken by an interrupt to its CPU, which in a virtual machine
   costs tens of microseconds of latency, paid by every event; a thread
   still polling is not asleep and sees the event at once.  */
static int
wait_events (struct loop *loop, struct epoll_event *events, int timeout)
{
  uint64_t start, spin, spent;
  int n;

  if (loop->busy_poll_us == 0 || timeout == 0)
    return epoll_wait (loop->epfd, events, LOOP_MAX_EVENTS, timeout);
  spin = (uint64_t) loop->busy_poll_us * 1000;
  if (timeout > 0 && (uint64_t) timeout * 1000000 < spin)
    spin = (uint64_t) timeout * 1000000;
  start = socks6_now_ns ();
  do
    {
      n = epoll_wait (loop->epfd, events, LOOP_MAX_EVENTS, 0);
      if (n != 0)
        return n;
      spent = socks6_now_ns () - start;
    }
  while (spent < spin);
  if (timeout > 0)
    {
      timeout -= (int) (spent / 1000000);
      if (timeout <= 0)
        return 0;
    }
  return epoll_wait (loop->epfd, events, LOOP_MAX_EVENTS, timeout);
}

int
loop_run (struct loop *loop)
{
  struct epoll_event events[LOOP_MAX_EVENTS];
  loop->stopping = false;
  while (!loop->stopping)
    {
      int timeout = wait_timeout (loop);
      int n = wait_events (loop, events, timeout);
      if (n < 0 && errno != EINTR)
        return -1;
      loop_update_time (loop);
      for (int i = 0; i < n; i++)
        {
          struct loop_watch *w = events[i].data.ptr;
          /* Removed by an earlier event of this batch; its owner is
             freed only in run_deferred, so W is still readable.  */
          if (w->fd >= 0)
            w->fn (w, events[i].events);
        }
      run_timers (loop);
      run_deferred (loop);
    }
  return 0;
}

void
loop_stop (struct loop *loop)
{
  loop->stopping = true;
}

static void
push (struct loop_deferred **list, struct loop_deferred *deferred,
      void (*fn) (struct loop_deferred *), void *data)
{
  if (deferred->queued)
    return;
  deferred->fn = fn;
  deferred->data = data;
  deferred->queued = true;
  deferred->next = *list;
  *list = deferred;
}

void
loop_defer (struct loop *loop, struct loop_deferred *deferred,
            void (*fn) (struct loop_deferred *), void *data)
{
  push (&loop->deferred, deferred, fn, data);
}

void
loop_defer_free (struct loop *loop, struct loop_deferred *deferred,
                 void (*fn) (struct loop_deferred *), void *data)
{
  push (&loop->graveyard, deferred, fn, data);
}
