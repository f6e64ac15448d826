/* What every fuzz target checks of a decoder besides "does not crash":
   the return contract of socks5.h.  A broken contract aborts, which
   libFuzzer reports as a crash and saves the input that caused it.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_FUZZ_CONTRACT_H
#define SOCKS6_FUZZ_CONTRACT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* socks5.h brings lib/addr.h and lib/error.h from its own directory; a
   bare "error.h" here would find gnulib's first.  */
#include "socks5.h"

/* libFuzzer's entry point, declared for -Wmissing-prototypes.  */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                               \
  do                                                                    \
    {                                                                   \
      if (!(cond))                                                      \
        {                                                               \
          fprintf (stderr, "%s:%d: contract broken: %s\n", __FILE__,    \
                   __LINE__, #cond);                                    \
          abort ();                                                     \
        }                                                               \
    }                                                                   \
  while (0)

/* A decoder behind one signature; it decodes into the target's own
   output variable.  */
typedef int (*fuzz_decode_fn) (const uint8_t *buf, size_t len,
                               size_t *consumed);

/* Decode DATA with DECODE and check the contract.  Return the decoder's
   result, *CONSUMED set as it left it.
   - The result is SOCKS6_OK, SOCKS6_AGAIN or a known SOCKS6_E_* code.
   - OK: 0 < consumed <= size, and decoding exactly the consumed octets
     gives the same; every shorter prefix asks for more, for a total in
     (prefix, consumed]: a valid message is never refused for being
     incomplete, and the decoder never asks for more than it will use.
   - AGAIN: consumed > size.  */
static inline int
fuzz_check_decoder (fuzz_decode_fn decode, const uint8_t *data, size_t size,
                    size_t *consumed)
{
  size_t again;
  int rc = decode (data, size, consumed);

  FUZZ_ASSERT (rc == SOCKS6_OK || rc == SOCKS6_AGAIN
               || (rc < 0 && rc >= SOCKS6_E_INVALID));
  if (rc == SOCKS6_AGAIN)
    FUZZ_ASSERT (*consumed > size);
  if (rc != SOCKS6_OK)
    return rc;
  size_t whole = *consumed;
  FUZZ_ASSERT (whole > 0 && whole <= size);
  FUZZ_ASSERT (decode (data, whole, &again) == SOCKS6_OK && again == whole);
  for (size_t n = 0; n < whole; n++)
    {
      again = 0;
      FUZZ_ASSERT (decode (data, n, &again) == SOCKS6_AGAIN);
      FUZZ_ASSERT (again > n && again <= whole);
    }
  /* A copy of exactly the octets but one, so that the address sanitizer
     sees a read past the end of a prefix too.  */
  uint8_t *copy = malloc (whole - 1 > 0 ? whole - 1 : 1);
  FUZZ_ASSERT (copy != NULL);
  memcpy (copy, data, whole - 1);
  FUZZ_ASSERT (decode (copy, whole - 1, &again) == SOCKS6_AGAIN);
  free (copy);
  *consumed = whole;
  return rc;
}

/* Check that an encoder wrote exactly the CONSUMED octets of DATA.  */
static inline void
fuzz_check_reencoded (const uint8_t *encoded, ssize_t encoded_len,
                      const uint8_t *data, size_t consumed)
{
  FUZZ_ASSERT (encoded_len >= 0 && (size_t) encoded_len == consumed);
  FUZZ_ASSERT (memcmp (encoded, data, consumed) == 0);
}

/* Check a decoded address: a known type, and a name whose C string and
   length agree (the decoder refuses NUL octets for that).  */
static inline void
fuzz_check_address (const struct socks6_addr *addr)
{
  FUZZ_ASSERT (addr->type == SOCKS6_ADDR_IPV4 || addr->type == SOCKS6_ADDR_IPV6
               || addr->type == SOCKS6_ADDR_NAME);
  FUZZ_ASSERT (addr->scope_id == 0);
  if (addr->type == SOCKS6_ADDR_NAME)
    FUZZ_ASSERT (addr->u.name.len > 0
                 && strlen (addr->u.name.text) == addr->u.name.len);
}

#endif /* SOCKS6_FUZZ_CONTRACT_H */
