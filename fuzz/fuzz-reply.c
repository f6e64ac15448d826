/* libFuzzer target: socks5_decode_reply, what a client (socksify's
   library, socks6-probe, a chaining gateway) reads from a server it may
   not trust.  Checks the decoder contract, the decoded address, and the
   round trip through the encoder, RSV set aside as for the request.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "socks5.h"
#include "fuzz-contract.h"

static struct socks5_reply reply;

static int
decode (const uint8_t *buf, size_t len, size_t *consumed)
{
  return socks5_decode_reply (buf, len, &reply, consumed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t buf[SOCKS5_REQUEST_MAX];
  size_t consumed = 0;

  if (fuzz_check_decoder (decode, data, size, &consumed) != SOCKS6_OK)
    return 0;
  fuzz_check_address (&reply.bound);
  FUZZ_ASSERT (reply.reserved == data[2]);
  ssize_t n = socks5_encode_reply (buf, sizeof buf, reply.reply,
                                   &reply.bound);
  FUZZ_ASSERT (n >= 3 && buf[2] == 0);
  buf[2] = reply.reserved;
  fuzz_check_reencoded (buf, n, data, consumed);
  return 0;
}
