/* Unit tests of lib/clock.c: the monotonic clock goes forward, and its
   two units agree.  Run by testsuite/libsocks6.tests/clock.exp.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <time.h>

#include "clock.h"
#include "unit.h"

int
main (void)
{
  struct timespec nap = { 0, 20 * 1000 * 1000 };
  uint64_t ns0 = socks6_now_ns ();
  int64_t ms0 = socks6_now_ms ();
  uint64_t ns1;
  int64_t ms1;

  nanosleep (&nap, NULL);
  ns1 = socks6_now_ns ();
  ms1 = socks6_now_ms ();
  UNIT_CHECK (ns1 - ns0 >= 20000000u && ms1 - ms0 >= 19,
              "a 20 ms sleep shows on both clocks (%llu ns, %lld ms)",
              (unsigned long long) (ns1 - ns0), (long long) (ms1 - ms0));
  /* Read in that order, the clocks bracket one another.  */
  ns0 = socks6_now_ns ();
  ms0 = socks6_now_ms ();
  ns1 = socks6_now_ns ();
  UNIT_CHECK (ms0 >= 0 && (uint64_t) ms0 >= ns0 / 1000000u
              && (uint64_t) ms0 <= ns1 / 1000000u,
              "milliseconds are the nanoseconds divided");
  UNIT_EXIT ();
}
