/* libFuzzer target: socks6_addr_parse, what a user writes on a command
   line or in socks6d.conf.  Besides not crashing: a parsed address is
   well formed, prints within SOCKS6_ADDR_TEXT_MAX, parses back from its
   print to an equal address, survives the sockaddr round trip, and
   agrees with the literal checks of addr.h and name.h.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

/* name.h first: it brings lib/error.h, which a bare "error.h" from this
   directory would not find before gnulib's.  */
#include "name.h"
#include "fuzz-contract.h"

static void
check_parsed (const struct socks6_addr *addr, const char *text)
{
  char buf[SOCKS6_ADDR_TEXT_MAX];
  struct socks6_addr again;
  union socks6_sockaddr ss;
  socklen_t sslen;
  int n;

  FUZZ_ASSERT (addr->port != 0);
  if (addr->type == SOCKS6_ADDR_NAME)
    {
      FUZZ_ASSERT (addr->u.name.len > 0
                   && strlen (addr->u.name.text) == addr->u.name.len);
      FUZZ_ASSERT (strstr (text, addr->u.name.text) == text);
      FUZZ_ASSERT (socks6_addr_to_sockaddr (addr, &ss, &sslen)
                   == SOCKS6_E_FAMILY);
    }
  else
    {
      FUZZ_ASSERT (addr->type == SOCKS6_ADDR_IPV4
                   || addr->type == SOCKS6_ADDR_IPV6);
      FUZZ_ASSERT (socks6_addr_to_sockaddr (addr, &ss, &sslen) == SOCKS6_OK);
      FUZZ_ASSERT (socks6_addr_from_sockaddr (&again, &ss.sa, sslen)
                   == SOCKS6_OK);
      FUZZ_ASSERT (socks6_addr_equal (addr, &again));
    }

  n = socks6_addr_format (addr, true, buf, sizeof buf);
  FUZZ_ASSERT (n > 0 && (size_t) n == strlen (buf));
  FUZZ_ASSERT (socks6_addr_parse (&again, buf, 0) == SOCKS6_OK);
  FUZZ_ASSERT (socks6_addr_equal (addr, &again));
  n = socks6_addr_format (addr, false, buf, sizeof buf);
  FUZZ_ASSERT (n > 0 && (size_t) n == strlen (buf));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct socks6_addr addr, literal;
  char *text = malloc (size + 1);
  int rc;

  FUZZ_ASSERT (text != NULL);
  memcpy (text, data, size);
  text[size] = '\0';

  rc = socks6_addr_parse (&addr, text, 1080);
  FUZZ_ASSERT (rc == SOCKS6_OK || (rc < 0 && rc >= SOCKS6_E_INVALID));
  if (rc == SOCKS6_OK)
    check_parsed (&addr, text);
  rc = socks6_addr_parse (&addr, text, 0);
  if (rc == SOCKS6_OK)
    check_parsed (&addr, text);

  /* A literal by addr.h's standard (which also needs the scope's
     interface to exist) is one by name.h's.  */
  if (socks6_addr_parse_literal (&literal, text, 1))
    FUZZ_ASSERT (socks6_name_is_literal (text));
  free (text);
  return 0;
}
