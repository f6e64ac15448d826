/* libFuzzer target: socks5_decode_udp_header, read from every datagram a
   UDP relay receives, from anyone who can reach its port.  Checks the
   decoder contract, the decoded address, and the round trip through the
   encoder; the data after the header is left alone.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "socks5.h"
#include "fuzz-contract.h"

static struct socks5_udp_header header;

static int
decode (const uint8_t *buf, size_t len, size_t *consumed)
{
  return socks5_decode_udp_header (buf, len, &header, consumed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t buf[SOCKS5_UDP_HEADER_MAX];
  size_t consumed = 0;

  if (fuzz_check_decoder (decode, data, size, &consumed) != SOCKS6_OK)
    return 0;
  fuzz_check_address (&header.dst);
  FUZZ_ASSERT (header.frag == data[2]);
  fuzz_check_reencoded (buf, socks5_encode_udp_header (buf, sizeof buf,
                                                       header.frag,
                                                       &header.dst),
                        data, consumed);
  return 0;
}
