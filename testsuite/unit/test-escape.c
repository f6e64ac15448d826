/* Unit tests of lib/escape.c: which octets socks6_escape writes as they
   are and which it escapes, under each flag, and how it cuts a text that
   does not fit.  Run by testsuite/libsocks6.tests/escape.exp.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <string.h>

#include "escape.h"
#include "unit.h"

/* Escape the LEN octets of IN under FLAGS into SIZE bytes; check the
   text is EXPECT and WRITTEN octets of IN were taken.  */
static void
check_escape (const char *what, const char *in, size_t len,
              unsigned int flags, size_t size, const char *expect,
              size_t written)
{
  char out[256];
  size_t n;

  memset (out, 'Z', sizeof out);
  n = socks6_escape (in, len, flags, out, size);
  UNIT_CHECK (n == written && strcmp (out, expect) == 0
              && strlen (out) < size,
              "%s: \"%s\" (took %zu octets)", what, out, n);
}

static void
test_classes (void)
{
  check_escape ("printable ASCII stays", "GET / HTTP/1.0", 14, 0, 64,
                "GET / HTTP/1.0", 14);
  check_escape ("controls, DEL and high octets are \\xHH",
                "a\x01\x1b[\x7f\x80\xff", 7, 0, 64,
                "a\\x01\\x1b[\\x7f\\x80\\xff", 7);
  check_escape ("NUL is \\x00, not the end", "a\0b", 3, 0, 64, "a\\x00b", 3);
  check_escape ("the backslash is escaped", "a\\b", 3, 0, 64, "a\\x5cb", 3);
  check_escape ("line ends are \\xHH by default", "al\nice\r\t", 8, 0, 64,
                "al\\x0aice\\x0d\\x09", 8);
  check_escape ("C escapes", "HTTP\r\n\tx\\y", 10, SOCKS6_ESCAPE_C, 64,
                "HTTP\\r\\n\\tx\\\\y", 10);
  check_escape ("C escapes keep \\xHH for the rest", "\x00\x0b", 2,
                SOCKS6_ESCAPE_C, 64, "\\x00\\x0b", 2);
  check_escape ("the space escaped on request", "d e", 3,
                SOCKS6_ESCAPE_SPACE, 64, "d\\x20e", 3);
  check_escape ("empty input", "", 0, 0, 1, "", 0);
}

static void
test_cuts (void)
{
  char out[4] = "xyz";

  check_escape ("a cut drops what does not fit", "abcdef", 6, 0, 4, "abc",
                3);
  check_escape ("an escape is written whole or not at all", "ab\x01", 3, 0,
                6, "ab", 2);
  check_escape ("exactly 4 * LEN + 1 bytes hold all", "\x01\x02", 2, 0,
                SOCKS6_ESCAPE_SIZE (2), "\\x01\\x02", 2);
  check_escape ("a cut with ellipsis ends in ...", "abcdefghijklmnop", 16,
                SOCKS6_ESCAPE_ELLIPSIS, 10, "abcdef...", 6);
  check_escape ("no ellipsis when all fits with room for one", "abcdefghi",
                9, SOCKS6_ESCAPE_ELLIPSIS, 12, "abcdefghi", 9);
  check_escape ("the room for the ellipsis is kept while octets remain",
                "abcdefghi", 9, SOCKS6_ESCAPE_ELLIPSIS, 10, "abcdef...", 6);
  check_escape ("an ellipsis leaves out an escape that would not fit",
                "abcd\x01xyz", 8, SOCKS6_ESCAPE_ELLIPSIS, 10, "abcd...", 4);
  check_escape ("a buffer of one byte holds the NUL only", "abc", 3, 0, 1,
                "", 0);

  UNIT_CHECK (socks6_escape ("abc", 3, 0, out, 0) == 0
              && strcmp (out, "xyz") == 0,
              "a buffer of no byte is left alone");
}

int
main (void)
{
  test_classes ();
  test_cuts ();
  UNIT_EXIT ();
}
