/* libFuzzer target: socks5_decode_userpass, the RFC 1929 credentials a
   gateway reads before it has authenticated anyone.  Checks the decoder
   contract, the NUL-terminated copies, and the round trip through the
   encoder.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "socks5.h"
#include "fuzz-contract.h"

static struct socks5_userpass userpass;

static int
decode (const uint8_t *buf, size_t len, size_t *consumed)
{
  return socks5_decode_userpass (buf, len, &userpass, consumed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t buf[SOCKS5_USERPASS_MAX];
  size_t consumed = 0;

  if (fuzz_check_decoder (decode, data, size, &consumed) != SOCKS6_OK)
    return 0;
  FUZZ_ASSERT (userpass.user_len > 0 && userpass.pass_len > 0);
  FUZZ_ASSERT (userpass.user[userpass.user_len] == '\0'
               && userpass.pass[userpass.pass_len] == '\0');
  fuzz_check_reencoded (buf,
                        socks5_encode_userpass (buf, sizeof buf,
                                                userpass.user,
                                                userpass.user_len,
                                                userpass.pass,
                                                userpass.pass_len),
                        data, consumed);
  return 0;
}
