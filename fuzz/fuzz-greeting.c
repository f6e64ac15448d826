/* libFuzzer target: socks5_decode_greeting, the first thing a gateway
   reads from any client.  Checks the decoder contract and that what
   decodes encodes back to the same octets.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "socks5.h"
#include "fuzz-contract.h"

static struct socks5_greeting greeting;

static int
decode (const uint8_t *buf, size_t len, size_t *consumed)
{
  return socks5_decode_greeting (buf, len, &greeting, consumed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t buf[SOCKS5_GREETING_MAX];
  size_t consumed = 0;

  if (fuzz_check_decoder (decode, data, size, &consumed) != SOCKS6_OK)
    return 0;
  fuzz_check_reencoded (buf, socks5_encode_greeting (buf, sizeof buf,
                                                     greeting.methods,
                                                     greeting.nmethods),
                        data, consumed);
  return 0;
}
