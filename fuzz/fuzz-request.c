/* libFuzzer target: socks5_decode_request, what a gateway reads from a
   client to learn where to connect.  Checks the decoder contract, the
   decoded address, and the round trip through the encoder (which always
   writes RSV as zero, so a request with another RSV compares equal once
   that octet is set aside).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "socks5.h"
#include "fuzz-contract.h"

static struct socks5_request request;

static int
decode (const uint8_t *buf, size_t len, size_t *consumed)
{
  return socks5_decode_request (buf, len, &request, consumed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t buf[SOCKS5_REQUEST_MAX];
  size_t consumed = 0;

  if (fuzz_check_decoder (decode, data, size, &consumed) != SOCKS6_OK)
    return 0;
  fuzz_check_address (&request.dst);
  FUZZ_ASSERT (request.reserved == data[2]);
  ssize_t n = socks5_encode_request (buf, sizeof buf, request.command,
                                     &request.dst);
  FUZZ_ASSERT (n >= 3 && buf[2] == 0);
  buf[2] = request.reserved;
  fuzz_check_reencoded (buf, n, data, consumed);
  return 0;
}
