/* libFuzzer target: lib/name.c, both directions.  The input is taken
   as what a user types (socks6_name_to_wire, UTF-8 and locale) and as
   what a client sends in a request (socks6_name_check_wire and
   socks6_name_to_display).  Besides not crashing: what to_wire accepts
   passes the gateway's check and converts to itself; the display form
   always fits SOCKS6_NAME_DISPLAY_MAX and holds no control character,
   so it is safe in a log line.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

/* name.h first: it brings lib/error.h, which a bare "error.h" from this
   directory would not find before gnulib's.  */
#include "name.h"
#include "fuzz-contract.h"

static void
check_to_wire (const char *text, int flags)
{
  char out[SOCKS6_NAME_MAX + 1], again[SOCKS6_NAME_MAX + 1];
  size_t len, again_len;
  int rc = socks6_name_to_wire (text, flags, out, &len);

  FUZZ_ASSERT (rc == SOCKS6_OK || (rc < 0 && rc >= SOCKS6_E_INVALID));
  if (rc != SOCKS6_OK)
    return;
  FUZZ_ASSERT (len > 0 && len <= SOCKS6_NAME_MAX && strlen (out) == len);
  FUZZ_ASSERT (socks6_name_check_wire (out, len) == SOCKS6_OK);
  FUZZ_ASSERT (socks6_name_to_wire (out, 0, again, &again_len) == SOCKS6_OK);
  FUZZ_ASSERT (again_len == len && memcmp (again, out, len) == 0);
}

static void
check_display (const uint8_t *data, size_t size)
{
  char out[SOCKS6_NAME_DISPLAY_MAX], small[16];
  size_t len = size > SOCKS6_NAME_MAX ? SOCKS6_NAME_MAX : size;
  int rc = socks6_name_to_display ((const char *) data, len, out, sizeof out);

  FUZZ_ASSERT (rc == SOCKS6_OK);
  FUZZ_ASSERT (strlen (out) < sizeof out);
  for (const char *p = out; *p != '\0'; p++)
    FUZZ_ASSERT ((unsigned char) *p >= 0x20 && *p != 0x7f);
  rc = socks6_name_to_display ((const char *) data, len, small, sizeof small);
  FUZZ_ASSERT (rc == SOCKS6_OK || rc == SOCKS6_E_SPACE);
  FUZZ_ASSERT (strlen (small) < sizeof small);
  if (rc == SOCKS6_OK)
    FUZZ_ASSERT (strcmp (small, out) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = malloc (size + 1);
  int rc;

  FUZZ_ASSERT (text != NULL);
  memcpy (text, data, size);
  text[size] = '\0';

  check_to_wire (text, 0);
  check_to_wire (text, SOCKS6_NAME_LOCALE);
  (void) socks6_name_is_literal (text);

  rc = socks6_name_check_wire (text, size);
  FUZZ_ASSERT (rc == SOCKS6_OK || (rc < 0 && rc >= SOCKS6_E_INVALID));
  if (rc == SOCKS6_OK)
    FUZZ_ASSERT (size > 0 && size <= SOCKS6_NAME_MAX);
  check_display (data, size);
  free (text);
  return 0;
}
