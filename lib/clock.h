/* The monotonic clock every timeout and deadline of the suite is
   measured on: it does not jump when the wall clock is set.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_CLOCK_H
#define SOCKS6_CLOCK_H

#include <stdint.h>

/* Nanoseconds on the monotonic clock (from an unspecified start).  */
extern uint64_t socks6_now_ns (void);

/* Milliseconds on the same clock.  Signed, so that "deadline - now" is
   the time left, negative once the deadline has passed.  */
extern int64_t socks6_now_ms (void);

#endif /* SOCKS6_CLOCK_H */
