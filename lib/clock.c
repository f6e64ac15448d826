/* The monotonic clock (see clock.h).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "clock.h"

#include <time.h>

uint64_t
socks6_now_ns (void)
{
  struct timespec ts;

  /* CLOCK_MONOTONIC cannot fail on the systems we build for.  */
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

int64_t
socks6_now_ms (void)
{
  return (int64_t) (socks6_now_ns () / 1000000u);
}
