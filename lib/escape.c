/* Escaping octets for logs and messages (see escape.h).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "escape.h"

#include <stdbool.h>
#include <string.h>

/* Write the escape of C under FLAGS into UNIT; return its length.  */
static size_t
escape_octet (unsigned char c, unsigned int flags, char unit[4])
{
  static const char hex[] = "0123456789abcdef";
  static const char c_octets[] = "\r\n\t\\", c_letters[] = "rnt\\";
  const char *c_escape = c != '\0' ? strchr (c_octets, c) : NULL;

  if ((flags & SOCKS6_ESCAPE_C) && c_escape)
    {
      unit[0] = '\\';
      unit[1] = c_letters[c_escape - c_octets];
      return 2;
    }
  if ((c > ' ' && c < 0x7f && c != '\\')
      || (c == ' ' && !(flags & SOCKS6_ESCAPE_SPACE)))
    {
      unit[0] = c;
      return 1;
    }
  unit[0] = '\\';
  unit[1] = 'x';
  unit[2] = hex[c >> 4];
  unit[3] = hex[c & 0xf];
  return 4;
}

size_t
socks6_escape (const void *buf, size_t len, unsigned int flags, char *out,
               size_t size)
{
  const unsigned char *in = buf;
  size_t used = 0, i;

  if (size == 0)
    return 0;
  for (i = 0; i < len; i++)
    {
      char unit[4];
      size_t n = escape_octet (in[i], flags, unit);
      /* Room for "..." after this octet, unless it is the last.  */
      bool ellipsis = (flags & SOCKS6_ESCAPE_ELLIPSIS) && i + 1 < len;

      if (used + n + (ellipsis ? 3 : 0) >= size)
        {
          if (ellipsis && used + 3 < size)
            {
              memcpy (out + used, "...", 3);
              used += 3;
            }
          break;
        }
      memcpy (out + used, unit, n);
      used += n;
    }
  out[used] = '\0';
  return i;
}
