/* Unit tests of the SOCKS 5 wire codec (lib/socks5.c) and of
   socks6_strerror (lib/error.c): every decoder on good, truncated and
   malformed input, every encoder on good input, bad input and short
   buffers, and round trips between the two.  Run by
   testsuite/libsocks6.tests/socks5.exp.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "socks5.h"
#include "unit.h"

/* A decoder seen through one signature, so that the truncation and
   contract checks are written once for all of them.  */
typedef int (*decode_fn) (const uint8_t *, size_t, size_t *);

static union
{
  struct socks5_greeting greeting;
  struct socks5_userpass userpass;
  struct socks5_request request;
  struct socks5_reply reply;
  struct socks5_udp_header udp;
  uint8_t octet;
} out;

static int
decode_greeting (const uint8_t *b, size_t n, size_t *c)
{
  return socks5_decode_greeting (b, n, &out.greeting, c);
}

static int
decode_method_reply (const uint8_t *b, size_t n, size_t *c)
{
  return socks5_decode_method_reply (b, n, &out.octet, c);
}

static int
decode_userpass (const uint8_t *b, size_t n, size_t *c)
{
  return socks5_decode_userpass (b, n, &out.userpass, c);
}

static int
decode_userpass_reply (const uint8_t *b, size_t n, size_t *c)
{
  return socks5_decode_userpass_reply (b, n, &out.octet, c);
}

static int
decode_request (const uint8_t *b, size_t n, size_t *c)
{
  return socks5_decode_request (b, n, &out.request, c);
}

static int
decode_reply (const uint8_t *b, size_t n, size_t *c)
{
  return socks5_decode_reply (b, n, &out.reply, c);
}

static int
decode_udp_header (const uint8_t *b, size_t n, size_t *c)
{
  return socks5_decode_udp_header (b, n, &out.udp, c);
}

/* Check that MSG (LEN octets, a whole valid message) decodes with
   consumed == LEN, and that every shorter prefix asks for more, for a
   total within (prefix, LEN].  The prefix is copied to a buffer of its
   exact size so that a read past it is caught by sanitizers.  */
static void
check_truncations (const char *what, decode_fn decode, const uint8_t *msg,
                   size_t len)
{
  size_t consumed = 0;
  int rc = decode (msg, len, &consumed);
  bool prefixes_ok = true;

  UNIT_CHECK (rc == SOCKS6_OK && consumed == len,
              "%s: whole message decodes, consumed %zu", what, len);
  for (size_t n = 0; n < len; n++)
    {
      uint8_t *copy = malloc (n ? n : 1);
      memcpy (copy, msg, n);
      consumed = 0;
      rc = decode (n ? copy : NULL, n, &consumed);
      if (rc != SOCKS6_AGAIN || consumed <= n || consumed > len)
        {
          prefixes_ok = false;
          printf ("  %s: prefix %zu: rc %d consumed %zu\n", what, n, rc,
                  consumed);
        }
      free (copy);
    }
  UNIT_CHECK (prefixes_ok, "%s: truncated at every offset asks for more",
              what);
}

/* Check that DECODE rejects MSG of LEN octets with WANT.  */
static void
check_error (const char *what, decode_fn decode, const uint8_t *msg,
             size_t len, int want)
{
  size_t consumed = 0;
  int rc = decode (msg, len, &consumed);

  UNIT_CHECK (rc == want, "%s: %s (got %d)", what, socks6_strerror (want),
              rc);
}

static void
test_greeting (void)
{
  static const uint8_t msg[] = { 5, 2, 0, 2 };
  size_t consumed = 0;
  uint8_t all[2 + 255];

  check_truncations ("greeting", decode_greeting, msg, sizeof msg);
  decode_greeting (msg, sizeof msg, &consumed);
  UNIT_CHECK (out.greeting.nmethods == 2 && out.greeting.methods[0] == 0
              && out.greeting.methods[1] == 2, "greeting: methods 00 02");
  UNIT_CHECK (decode_greeting (msg, 1, &consumed) == SOCKS6_AGAIN
              && consumed == 3, "greeting: one octet asks for 3");
  UNIT_CHECK (decode_greeting (msg, 2, &consumed) == SOCKS6_AGAIN
              && consumed == 4, "greeting: NMETHODS known asks for 2+N");

  check_error ("greeting version 4", decode_greeting,
               (const uint8_t[]) { 4, 1, 0 }, 3, SOCKS6_E_VERSION);
  check_error ("greeting version 4, one octet", decode_greeting,
               (const uint8_t[]) { 4 }, 1, SOCKS6_E_VERSION);
  check_error ("greeting NMETHODS 0", decode_greeting,
               (const uint8_t[]) { 5, 0 }, 2, SOCKS6_E_NMETHODS);
  check_error ("greeting NMETHODS 0 with trailing octets", decode_greeting,
               (const uint8_t[]) { 5, 0, 0, 0 }, 4, SOCKS6_E_NMETHODS);

  all[0] = 5;
  all[1] = 255;
  for (int i = 0; i < 255; i++)
    all[2 + i] = (uint8_t) i;
  check_truncations ("greeting of 255 methods", decode_greeting, all,
                     sizeof all);
  UNIT_CHECK (decode_greeting (all, 100, &consumed) == SOCKS6_AGAIN
              && consumed == 257, "greeting: NMETHODS past the buffer");
}

static void
test_method_reply (void)
{
  size_t consumed;

  check_truncations ("method reply", decode_method_reply,
                     (const uint8_t[]) { 5, 2 }, 2);
  UNIT_CHECK (out.octet == 2, "method reply: method 02");
  socks5_decode_method_reply ((const uint8_t[]) { 5, 0xFF }, 2, &out.octet,
                              &consumed);
  UNIT_CHECK (out.octet == 0xFF, "method reply: FF is decoded, not refused");
  check_error ("method reply version 4", decode_method_reply,
               (const uint8_t[]) { 4, 0 }, 2, SOCKS6_E_VERSION);
  check_error ("method reply version 1, one octet", decode_method_reply,
               (const uint8_t[]) { 1 }, 1, SOCKS6_E_VERSION);
}

static void
test_userpass (void)
{
  static const uint8_t msg[] = { 1, 3, 'b', 'o', 'b', 2, 'p', 'w' };
  static const uint8_t with_nul[] = { 1, 3, 'a', 0, 'b', 1, 'x' };
  uint8_t big[3 + 255 + 255];
  size_t consumed;

  check_truncations ("userpass", decode_userpass, msg, sizeof msg);
  UNIT_CHECK (out.userpass.user_len == 3 && strcmp (out.userpass.user, "bob")
              == 0 && out.userpass.pass_len == 2
              && strcmp (out.userpass.pass, "pw") == 0,
              "userpass: bob/pw");
  UNIT_CHECK (decode_userpass (msg, 1, &consumed) == SOCKS6_AGAIN
              && consumed == 5, "userpass: one octet asks for 5");
  UNIT_CHECK (decode_userpass (msg, 2, &consumed) == SOCKS6_AGAIN
              && consumed == 7, "userpass: ULEN known asks for ULEN+4");

  check_error ("userpass version 5", decode_userpass,
               (const uint8_t[]) { 5, 1, 'a', 1, 'b' }, 5, SOCKS6_E_VERSION);
  check_error ("userpass ULEN 0", decode_userpass,
               (const uint8_t[]) { 1, 0, 1, 'b' }, 4, SOCKS6_E_USER_EMPTY);
  check_error ("userpass PLEN 0", decode_userpass,
               (const uint8_t[]) { 1, 1, 'a', 0 }, 4, SOCKS6_E_PASS_EMPTY);
  check_error ("userpass ULEN 0 seen from two octets", decode_userpass,
               (const uint8_t[]) { 1, 0 }, 2, SOCKS6_E_USER_EMPTY);

  socks5_decode_userpass (with_nul, sizeof with_nul, &out.userpass,
                          &consumed);
  UNIT_CHECK (out.userpass.user_len == 3 && out.userpass.user[1] == '\0'
              && out.userpass.user[2] == 'b',
              "userpass: a NUL octet is kept, with the true length");

  memset (big, 'u', sizeof big);
  big[0] = 1;
  big[1] = 255;
  big[2 + 255] = 255;
  check_truncations ("userpass 255/255", decode_userpass, big, sizeof big);
  UNIT_CHECK (out.userpass.user_len == 255 && out.userpass.pass_len == 255
              && strlen (out.userpass.user) == 255
              && strlen (out.userpass.pass) == 255,
              "userpass: 255-octet user and password, NUL-terminated");
}

static void
test_userpass_reply (void)
{
  check_truncations ("userpass reply", decode_userpass_reply,
                     (const uint8_t[]) { 1, 0 }, 2);
  UNIT_CHECK (out.octet == 0, "userpass reply: status 00");
  check_error ("userpass reply version 5", decode_userpass_reply,
               (const uint8_t[]) { 5, 0 }, 2, SOCKS6_E_VERSION);
}

/* Build a request (or, with first octets 5 REP 0, a reply) for a name of
   NLEN octets of 'a' into BUF; return its length.  */
static size_t
make_name_message (uint8_t *buf, uint8_t b0, uint8_t b1, uint8_t b2,
                   size_t nlen)
{
  buf[0] = b0;
  buf[1] = b1;
  buf[2] = b2;
  buf[3] = SOCKS6_ADDR_NAME;
  buf[4] = (uint8_t) nlen;
  memset (buf + 5, 'a', nlen);
  buf[5 + nlen] = 0x01;
  buf[6 + nlen] = 0xBB;
  return 7 + nlen;
}

static const uint8_t request_v4[] = { 5, 1, 0, 1, 192, 0, 2, 1, 0, 80 };
static const uint8_t request_v6[] = {
  5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
  0x1F, 0x90
};
static const uint8_t request_name[] = {
  5, 1, 0, 3, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g',
  0, 80
};

static void
test_request_good (void)
{
  uint8_t big[SOCKS5_REQUEST_MAX];
  size_t consumed;

  check_truncations ("request IPv4", decode_request, request_v4,
                     sizeof request_v4);
  UNIT_CHECK (out.request.command == SOCKS5_CMD_CONNECT
              && out.request.dst.type == SOCKS6_ADDR_IPV4
              && memcmp (out.request.dst.u.ipv4, request_v4 + 4, 4) == 0
              && out.request.dst.port == 80, "request: CONNECT 192.0.2.1:80");
  check_truncations ("request IPv6", decode_request, request_v6,
                     sizeof request_v6);
  UNIT_CHECK (out.request.dst.type == SOCKS6_ADDR_IPV6
              && memcmp (out.request.dst.u.ipv6, request_v6 + 4, 16) == 0
              && out.request.dst.port == 8080
              && out.request.dst.scope_id == 0,
              "request: CONNECT [2001:db8::1]:8080");
  check_truncations ("request name", decode_request, request_name,
                     sizeof request_name);
  UNIT_CHECK (out.request.dst.type == SOCKS6_ADDR_NAME
              && out.request.dst.u.name.len == 11
              && strcmp (out.request.dst.u.name.text, "example.org") == 0
              && out.request.dst.port == 80,
              "request: CONNECT example.org:80");

  size_t n = make_name_message (big, 5, SOCKS5_CMD_RESOLVE, 0, 255);
  check_truncations ("request name of 255 octets", decode_request, big, n);
  UNIT_CHECK (out.request.command == SOCKS5_CMD_RESOLVE
              && out.request.dst.u.name.len == 255
              && strlen (out.request.dst.u.name.text) == 255
              && out.request.dst.port == 443,
              "request: RESOLVE of a 255-octet name");

  n = make_name_message (big, 5, 0x42, 7, 1);
  UNIT_CHECK (socks5_decode_request (big, n, &out.request, &consumed)
              == SOCKS6_OK && out.request.command == 0x42
              && out.request.reserved == 7,
              "request: unknown CMD and non-zero RSV are handed back");
  UNIT_CHECK (socks5_decode_request (big, 3, &out.request, &consumed)
              == SOCKS6_AGAIN && consumed == 8,
              "request: without ATYP asks for the shortest request, 8");
  UNIT_CHECK (socks5_decode_request (request_v6, 4, &out.request, &consumed)
              == SOCKS6_AGAIN && consumed == 22,
              "request: ATYP 4 asks for 22");
  UNIT_CHECK (socks5_decode_request (request_name, 6, &out.request,
                                    &consumed) == SOCKS6_AGAIN
              && consumed == sizeof request_name,
              "request: a name length past the buffer asks for all of it");
}

static void
test_request_bad (void)
{
  uint8_t buf[SOCKS5_REQUEST_MAX];
  size_t n;

  check_error ("request version 4", decode_request,
               (const uint8_t[]) { 4, 1, 0, 1, 1, 2, 3, 4, 0, 80 }, 10,
               SOCKS6_E_VERSION);
  check_error ("request version 4, one octet", decode_request,
               (const uint8_t[]) { 4 }, 1, SOCKS6_E_VERSION);
  static const uint8_t bad_types[] = { 0, 2, 5, 0xFF };
  for (size_t i = 0; i < sizeof bad_types; i++)
    {
      uint8_t m[] = { 5, 1, 0, bad_types[i], 1, 2, 3, 4, 0, 80 };
      char what[64];
      snprintf (what, sizeof what, "request ATYP %u", bad_types[i]);
      check_error (what, decode_request, m, sizeof m, SOCKS6_E_ATYP);
      snprintf (what, sizeof what, "request ATYP %u, header only",
                bad_types[i]);
      check_error (what, decode_request, m, 4, SOCKS6_E_ATYP);
    }
  check_error ("request name length 0", decode_request,
               (const uint8_t[]) { 5, 1, 0, 3, 0, 0, 80 }, 7,
               SOCKS6_E_NAME_EMPTY);
  check_error ("request name length 0, no port yet", decode_request,
               (const uint8_t[]) { 5, 1, 0, 3, 0 }, 5, SOCKS6_E_NAME_EMPTY);
  n = make_name_message (buf, 5, 1, 0, 5);
  buf[7] = '\0';
  check_error ("request name with a NUL octet", decode_request, buf, n,
               SOCKS6_E_NAME_CHAR);
}

static void
test_reply (void)
{
  static const uint8_t v6[] = {
    5, 0, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
    0xC0, 0x01
  };
  uint8_t buf[SOCKS5_REQUEST_MAX];

  check_truncations ("reply IPv4", decode_reply,
                     (const uint8_t[]) { 5, 5, 0, 1, 0, 0, 0, 0, 0, 0 }, 10);
  UNIT_CHECK (out.reply.reply == 5 && out.reply.bound.type
              == SOCKS6_ADDR_IPV4, "reply: 05 with 0.0.0.0:0");
  check_truncations ("reply IPv6", decode_reply, v6, sizeof v6);
  UNIT_CHECK (out.reply.reply == 0 && out.reply.bound.port == 0xC001,
              "reply: succeeded with [2001:db8::2]:49153");
  size_t n = make_name_message (buf, 5, 0, 0, 255);
  check_truncations ("reply name of 255 octets", decode_reply, buf, n);
  check_error ("reply version 1", decode_reply,
               (const uint8_t[]) { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, 10,
               SOCKS6_E_VERSION);
  check_error ("reply ATYP 2", decode_reply,
               (const uint8_t[]) { 5, 0, 0, 2 }, 4, SOCKS6_E_ATYP);
  check_error ("reply name length 0", decode_reply,
               (const uint8_t[]) { 5, 0, 0, 3, 0, 0, 0 }, 7,
               SOCKS6_E_NAME_EMPTY);
}

static void
test_udp_header (void)
{
  static const uint8_t dgram[] = {
    0, 0, 0, 1, 127, 0, 0, 1, 0, 53, 'd', 'a', 't', 'a'
  };
  uint8_t buf[SOCKS5_UDP_HEADER_MAX];
  size_t consumed;

  check_truncations ("UDP header IPv4", decode_udp_header, dgram, 10);
  UNIT_CHECK (socks5_decode_udp_header (dgram, sizeof dgram, &out.udp,
                                        &consumed) == SOCKS6_OK
              && consumed == 10 && out.udp.frag == 0
              && out.udp.dst.port == 53,
              "UDP header: consumed is the header, the data follows");
  size_t n = make_name_message (buf, 0, 0, 3, 9);
  check_truncations ("UDP header with FRAG 3", decode_udp_header, buf, n);
  UNIT_CHECK (out.udp.frag == 3 && out.udp.dst.u.name.len == 9,
              "UDP header: FRAG is handed back");
  check_error ("UDP header RSV 01 00", decode_udp_header,
               (const uint8_t[]) { 1, 0, 0, 1, 1, 2, 3, 4, 0, 1 }, 10,
               SOCKS6_E_RESERVED);
  check_error ("UDP header RSV 00 01, two octets", decode_udp_header,
               (const uint8_t[]) { 0, 1 }, 2, SOCKS6_E_RESERVED);
  check_error ("UDP header ATYP 0", decode_udp_header,
               (const uint8_t[]) { 0, 0, 0, 0 }, 4, SOCKS6_E_ATYP);
  check_error ("UDP header name length 0", decode_udp_header,
               (const uint8_t[]) { 0, 0, 0, 3, 0, 0, 1 }, 7,
               SOCKS6_E_NAME_EMPTY);
}

/* A client that does not wait for the method reply sends greeting,
   sub-negotiation and request in one segment; each decoder must stop at
   its own message.  */
static void
test_pipelined (void)
{
  static const uint8_t seg[] = {
    5, 1, 2,                                    /* greeting */
    1, 1, 'u', 1, 'p',                          /* RFC 1929 */
    5, 1, 0, 1, 10, 0, 0, 1, 0x01, 0xBB,        /* CONNECT 10.0.0.1:443 */
  };
  size_t off = 0, consumed = 0;
  bool ok = true;

  ok &= socks5_decode_greeting (seg, sizeof seg, &out.greeting, &consumed)
    == SOCKS6_OK && consumed == 3;
  off += consumed;
  ok &= socks5_decode_userpass (seg + off, sizeof seg - off, &out.userpass,
                                &consumed) == SOCKS6_OK && consumed == 5;
  off += consumed;
  ok &= socks5_decode_request (seg + off, sizeof seg - off, &out.request,
                               &consumed) == SOCKS6_OK && consumed == 10;
  off += consumed;
  UNIT_CHECK (ok && off == sizeof seg && out.request.dst.port == 443,
              "pipelined greeting, userpass and request in one buffer");
  UNIT_CHECK (socks5_decode_greeting (seg, 5, &out.greeting, &consumed)
              == SOCKS6_OK && consumed == 3,
              "pipelined: greeting stops at its own end");
}

/* Check that ENCODE fails with SOCKS6_E_SPACE for every buffer shorter
   than WANT, writing nothing, and writes WANT octets when it fits.  */
#define CHECK_ENCODE_SPACE(what, want, call_with_buf_size)              \
  do                                                                    \
    {                                                                   \
      uint8_t buf[600];                                                 \
      bool space_ok = true;                                             \
      for (size_t size = 0; size < (size_t) (want); size++)             \
        {                                                               \
          memset (buf, 0xAA, sizeof buf);                               \
          ssize_t r = call_with_buf_size (buf, size);                   \
          if (r != SOCKS6_E_SPACE || buf[0] != 0xAA)                    \
            space_ok = false;                                           \
        }                                                               \
      UNIT_CHECK (space_ok, "%s: every buffer too small is refused",    \
                  what);                                                \
      UNIT_CHECK (call_with_buf_size (NULL, 0) == SOCKS6_E_SPACE,       \
                  "%s: NULL buffer is refused", what);                  \
      UNIT_CHECK (call_with_buf_size (buf, sizeof buf) == (want),       \
                  "%s: writes %d octets", what, (int) (want));          \
    }                                                                   \
  while (0)

static const uint8_t two_methods[] = { 0, 2 };
static struct socks6_addr addr_v4, addr_v6, addr_name;

#define ENC_GREETING(b, s) socks5_encode_greeting (b, s, two_methods, 2)
#define ENC_METHOD(b, s) socks5_encode_method_reply (b, s, 2)
#define ENC_USERPASS(b, s) socks5_encode_userpass (b, s, "bob", 3, "pw", 2)
#define ENC_USERPASS_REPLY(b, s) socks5_encode_userpass_reply (b, s, 0)
#define ENC_REQUEST(b, s) socks5_encode_request (b, s, 1, &addr_name)
#define ENC_REPLY(b, s) socks5_encode_reply (b, s, 0, &addr_v6)
#define ENC_UDP(b, s) socks5_encode_udp_header (b, s, 0, &addr_v4)

static void
make_addresses (void)
{
  memset (&addr_v4, 0, sizeof addr_v4);
  addr_v4.type = SOCKS6_ADDR_IPV4;
  memcpy (addr_v4.u.ipv4, "\xc0\x00\x02\x01", 4);
  addr_v4.port = 80;
  memset (&addr_v6, 0, sizeof addr_v6);
  addr_v6.type = SOCKS6_ADDR_IPV6;
  addr_v6.u.ipv6[15] = 1;
  addr_v6.port = 1080;
  addr_v6.scope_id = 3;
  memset (&addr_name, 0, sizeof addr_name);
  addr_name.type = SOCKS6_ADDR_NAME;
  strcpy (addr_name.u.name.text, "example.org");
  addr_name.u.name.len = 11;
  addr_name.port = 443;
}

static void
test_encode_space (void)
{
  CHECK_ENCODE_SPACE ("encode greeting", 4, ENC_GREETING);
  CHECK_ENCODE_SPACE ("encode method reply", 2, ENC_METHOD);
  CHECK_ENCODE_SPACE ("encode userpass", 8, ENC_USERPASS);
  CHECK_ENCODE_SPACE ("encode userpass reply", 2, ENC_USERPASS_REPLY);
  CHECK_ENCODE_SPACE ("encode request", 18, ENC_REQUEST);
  CHECK_ENCODE_SPACE ("encode reply", 22, ENC_REPLY);
  CHECK_ENCODE_SPACE ("encode UDP header", 10, ENC_UDP);
}

static void
test_encode_bad (void)
{
  uint8_t buf[600], many[256] = { 0 };
  struct socks6_addr a = addr_name;

  UNIT_CHECK (socks5_encode_greeting (buf, sizeof buf, many, 0)
              == SOCKS6_E_NMETHODS, "encode greeting: no method");
  UNIT_CHECK (socks5_encode_greeting (buf, sizeof buf, many, 256)
              == SOCKS6_E_INVALID, "encode greeting: 256 methods");
  UNIT_CHECK (socks5_encode_greeting (buf, sizeof buf, many, 255) == 257,
              "encode greeting: 255 methods");
  UNIT_CHECK (socks5_encode_userpass (buf, sizeof buf, "", 0, "p", 1)
              == SOCKS6_E_USER_EMPTY, "encode userpass: empty user");
  UNIT_CHECK (socks5_encode_userpass (buf, sizeof buf, "u", 1, "", 0)
              == SOCKS6_E_PASS_EMPTY, "encode userpass: empty password");
  UNIT_CHECK (socks5_encode_userpass (buf, sizeof buf, (char *) many, 256,
                                      "p", 1) == SOCKS6_E_INVALID,
              "encode userpass: 256-octet user");
  a.u.name.len = 0;
  UNIT_CHECK (socks5_encode_request (buf, sizeof buf, 1, &a)
              == SOCKS6_E_NAME_EMPTY, "encode request: empty name");
  a.u.name.len = 11;
  a.u.name.text[3] = '\0';
  UNIT_CHECK (socks5_encode_request (buf, sizeof buf, 1, &a)
              == SOCKS6_E_NAME_CHAR, "encode request: name with a NUL");
  a.type = SOCKS6_ADDR_NONE;
  UNIT_CHECK (socks5_encode_request (buf, sizeof buf, 1, &a)
              == SOCKS6_E_ATYP, "encode request: address of no type");
  UNIT_CHECK (socks5_encode_reply (buf, sizeof buf, 0, NULL)
              == SOCKS6_E_INVALID, "encode reply: no address");
}

static void
test_round_trips (void)
{
  uint8_t buf[600];
  size_t consumed = 0;
  ssize_t n;

  n = ENC_GREETING (buf, sizeof buf);
  UNIT_CHECK (socks5_decode_greeting (buf, (size_t) n, &out.greeting,
                                      &consumed) == SOCKS6_OK
              && consumed == (size_t) n && out.greeting.nmethods == 2
              && out.greeting.methods[1] == 2, "round trip: greeting");
  n = ENC_USERPASS (buf, sizeof buf);
  UNIT_CHECK (socks5_decode_userpass (buf, (size_t) n, &out.userpass,
                                      &consumed) == SOCKS6_OK
              && strcmp (out.userpass.user, "bob") == 0
              && strcmp (out.userpass.pass, "pw") == 0,
              "round trip: userpass");
  n = ENC_REQUEST (buf, sizeof buf);
  UNIT_CHECK (socks5_decode_request (buf, (size_t) n, &out.request,
                                     &consumed) == SOCKS6_OK
              && out.request.command == 1 && out.request.reserved == 0
              && out.request.dst.type == SOCKS6_ADDR_NAME
              && strcmp (out.request.dst.u.name.text, "example.org") == 0
              && out.request.dst.port == 443, "round trip: request (name)");
  n = ENC_REPLY (buf, sizeof buf);
  UNIT_CHECK (socks5_decode_reply (buf, (size_t) n, &out.reply, &consumed)
              == SOCKS6_OK && out.reply.bound.type == SOCKS6_ADDR_IPV6
              && memcmp (out.reply.bound.u.ipv6, addr_v6.u.ipv6, 16) == 0
              && out.reply.bound.port == 1080
              && out.reply.bound.scope_id == 0,
              "round trip: reply (IPv6, the scope does not travel)");
  n = socks5_encode_udp_header (buf, sizeof buf, 7, &addr_v4);
  UNIT_CHECK (socks5_decode_udp_header (buf, (size_t) n, &out.udp, &consumed)
              == SOCKS6_OK && out.udp.frag == 7
              && memcmp (out.udp.dst.u.ipv4, addr_v4.u.ipv4, 4) == 0
              && out.udp.dst.port == 80, "round trip: UDP header");
  n = ENC_METHOD (buf, sizeof buf);
  UNIT_CHECK (socks5_decode_method_reply (buf, (size_t) n, &out.octet,
                                          &consumed) == SOCKS6_OK
              && out.octet == 2, "round trip: method reply");
  n = socks5_encode_userpass_reply (buf, sizeof buf, 1);
  UNIT_CHECK (socks5_decode_userpass_reply (buf, (size_t) n, &out.octet,
                                            &consumed) == SOCKS6_OK
              && out.octet == 1, "round trip: userpass reply");
}

static void
test_bad_arguments (void)
{
  size_t consumed;

  UNIT_CHECK (socks5_decode_request (NULL, 4, &out.request, &consumed)
              == SOCKS6_E_INVALID, "decode: NULL buffer with a length");
  UNIT_CHECK (socks5_decode_greeting (request_v4, 4, NULL, &consumed)
              == SOCKS6_E_INVALID, "decode: NULL output");
  UNIT_CHECK (socks5_decode_reply (request_v4, 4, &out.reply, NULL)
              == SOCKS6_E_INVALID, "decode: NULL consumed");
}

static void
test_names (void)
{
  UNIT_CHECK (strcmp (socks5_command_name (1), "CONNECT") == 0
              && strcmp (socks5_command_name (2), "BIND") == 0
              && strcmp (socks5_command_name (3), "UDP ASSOCIATE") == 0
              && strcmp (socks5_command_name (0xF0), "RESOLVE") == 0
              && strcmp (socks5_command_name (0xF1), "RESOLVE_PTR") == 0,
              "command names");
  UNIT_CHECK (socks5_command_name (0) == NULL
              && socks5_command_name (4) == NULL
              && socks5_command_name (0xF2) == NULL,
              "unknown commands have no name");
  UNIT_CHECK (strcmp (socks5_method_name (0), "no authentication") == 0
              && strcmp (socks5_method_name (1), "GSS-API") == 0
              && strcmp (socks5_method_name (2), "username/password") == 0
              && strcmp (socks5_method_name (0xFF), "no acceptable methods")
              == 0, "method names");
  UNIT_CHECK (socks5_method_name (3) == NULL
              && socks5_method_name (0x80) == NULL,
              "unknown methods have no name");
}

static void
test_strerror (void)
{
  const char *unknown = socks6_strerror (12345);
  bool all = true;

  UNIT_CHECK (unknown != NULL && strcmp (unknown, "unknown error") == 0,
              "strerror: an unknown code");
  if (unknown == NULL)
    return;
  UNIT_CHECK (strcmp (socks6_strerror (-12345), unknown) == 0
              && strcmp (socks6_strerror (-2147483647 - 1), unknown) == 0,
              "strerror: large negative codes");
  for (int code = SOCKS6_AGAIN; code >= SOCKS6_E_INVALID; code--)
    if (socks6_strerror (code) == NULL
        || strcmp (socks6_strerror (code), unknown) == 0)
      {
        all = false;
        printf ("  code %d has no sentence\n", code);
      }
  UNIT_CHECK (all, "strerror: every code from SOCKS6_AGAIN to "
              "SOCKS6_E_INVALID has its sentence");
  UNIT_CHECK (strcmp (socks6_strerror (SOCKS6_E_ATYP),
                      "unknown address type") == 0,
              "strerror: SOCKS6_E_ATYP");
}

int
main (void)
{
  make_addresses ();
  test_greeting ();
  test_method_reply ();
  test_userpass ();
  test_userpass_reply ();
  test_request_good ();
  test_request_bad ();
  test_reply ();
  test_udp_header ();
  test_pipelined ();
  test_encode_space ();
  test_encode_bad ();
  test_round_trips ();
  test_bad_arguments ();
  test_names ();
  test_strerror ();
  UNIT_EXIT ();
}
