/* A few macros for the C unit test programs that the DejaGnu .exp files
   run.  Each check prints one line, "PASS: what" or "FAIL: what (why)", which
   testsuite/lib/socks6.exp turns into a DejaGnu result; the program's exit
   status is 1 when any check failed.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_UNIT_H
#define SOCKS6_UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int unit_failures;

/* Record one check named by the printf-style arguments.  */
#define UNIT_CHECK(cond, ...)                                   \
  do                                                            \
    {                                                           \
      /* Evaluated once: a check may have side effects.  */     \
      int unit_ok_ = !!(cond);                                  \
      if (unit_ok_)                                             \
        fputs ("PASS: ", stdout);                               \
      else                                                      \
        {                                                       \
          fputs ("FAIL: ", stdout);                             \
          unit_failures++;                                      \
        }                                                       \
      printf (__VA_ARGS__);                                     \
      printf ("%s\n", unit_ok_ ? "" : " [" #cond "]");          \
      fflush (stdout);                                          \
    }                                                           \
  while (0)

/* A check that cannot be run here, with the reason.  */
#define UNIT_UNSUPPORTED(...)                                   \
  do                                                            \
    {                                                           \
      fputs ("UNSUPPORTED: ", stdout);                          \
      printf (__VA_ARGS__);                                     \
      putchar ('\n');                                           \
      fflush (stdout);                                          \
    }                                                           \
  while (0)

#define UNIT_EXIT() return unit_failures ? EXIT_FAILURE : EXIT_SUCCESS

#endif /* SOCKS6_UNIT_H */
