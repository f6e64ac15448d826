/* Octets from the network or a user, made safe to print in a log line
   or a message: printable ASCII stays, the rest is escaped, so that no
   peer can write control characters (or fake line ends) into a terminal
   or a log.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_ESCAPE_H
#define SOCKS6_ESCAPE_H

#include <stddef.h>

/* Flags for socks6_escape.  */
enum
{
  /* Carriage return, line feed, tab and backslash as \r \n \t \\, which
     reads better in text protocols (HTTP answers, banners).  */
  SOCKS6_ESCAPE_C = 1 << 0,
  /* The space as \x20 too, where a space would look like a separator
     (labels of a domain name).  */
  SOCKS6_ESCAPE_SPACE = 1 << 1,
  /* A text cut short ends with "..." so that the cut shows.  Room for
     it is kept while octets remain, so a text that would fit with fewer
     than 3 bytes to spare is cut too.  */
  SOCKS6_ESCAPE_ELLIPSIS = 1 << 2
};

/* Longest text socks6_escape writes for LEN octets, with its NUL.  */
#define SOCKS6_ESCAPE_SIZE(len) (4 * (len) + 1)

/* Write the LEN octets of BUF into OUT (SIZE bytes) as printable ASCII:
   0x20 to 0x7e as they are, except the backslash; every other octet as
   \xHH (lower-case hex); FLAGS as above.  An escape is written whole or
   not at all; what does not fit is left out.  OUT always ends with a NUL
   (when SIZE is not 0).  Return how many octets of BUF were written:
   LEN unless the text was cut.  */
extern size_t socks6_escape (const void *buf, size_t len, unsigned int flags,
                             char *out, size_t size);

#endif /* SOCKS6_ESCAPE_H */
