/* libFuzzer target: socks5_decode_method_reply, the server's choice of
   authentication method as a client reads it.  Checks the decoder
   contract and the round trip through the encoder.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "socks5.h"
#include "fuzz-contract.h"

static uint8_t method;

static int
decode (const uint8_t *buf, size_t len, size_t *consumed)
{
  return socks5_decode_method_reply (buf, len, &method, consumed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t buf[2];
  size_t consumed = 0;

  if (fuzz_check_decoder (decode, data, size, &consumed) != SOCKS6_OK)
    return 0;
  fuzz_check_reencoded (buf, socks5_encode_method_reply (buf, sizeof buf,
                                                         method),
                        data, consumed);
  return 0;
}
