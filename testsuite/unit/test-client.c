/* Unit tests of the SOCKS 5 client engine (lib/client.c): the engine is
   run against scripted server answers, fed one byte at a time and in one
   chunk, and what it sends is compared with the expected wire bytes.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "client.h"
#include "replycode.h"
#include "unit.h"

/* What one scripted exchange produced.  */
struct run
{
  int rc;                       /* the engine's last result */
  size_t fed;                   /* octets of the script the engine took */
  uint8_t sent[4096];           /* everything the engine asked to send */
  size_t sent_len;
  size_t max_output;            /* largest single output */
};

static void
collect_output (struct socks5_client *c, struct run *r)
{
  size_t n;
  const uint8_t *out = socks5_client_output (c, &n);

  if (n > r->max_output)
    r->max_output = n;
  if (r->sent_len + n <= sizeof r->sent)
    {
      memcpy (r->sent + r->sent_len, out, n);
      r->sent_len += n;
    }
  socks5_client_output_done (c, n);
}

/* Feed SCRIPT (LEN octets) to C in pieces of CHUNK octets, sending
   whatever it queues in between, until it settles or the script ends;
   with AT_EOF, then report end of file.  */
static void
run_script (struct socks5_client *c, const uint8_t *script, size_t len,
            size_t chunk, bool at_eof, struct run *r)
{
  memset (r, 0, sizeof *r);
  r->rc = socks5_client_start (c);
  collect_output (c, r);
  if (r->rc == SOCKS6_OK)
    r->rc = SOCKS6_AGAIN;
  while (r->rc == SOCKS6_AGAIN && r->fed < len)
    {
      size_t n = len - r->fed < chunk ? len - r->fed : chunk;
      size_t used;

      r->rc = socks5_client_input (c, script + r->fed, n, &used);
      r->fed += used;
      collect_output (c, r);
      if (r->rc == SOCKS6_AGAIN && used < n)
        break;                  /* cannot happen: a bug the checks see */
    }
  if (r->rc == SOCKS6_AGAIN && at_eof)
    r->rc = socks5_client_eof (c);
}

static struct socks6_addr
ipv4 (uint8_t a, uint8_t b, uint8_t c3, uint8_t d, uint16_t port)
{
  struct socks6_addr addr;

  memset (&addr, 0, sizeof addr);
  addr.type = SOCKS6_ADDR_IPV4;
  addr.u.ipv4[0] = a;
  addr.u.ipv4[1] = b;
  addr.u.ipv4[2] = c3;
  addr.u.ipv4[3] = d;
  addr.port = port;
  return addr;
}

static struct socks6_addr
name (const char *text, uint16_t port)
{
  struct socks6_addr addr;

  memset (&addr, 0, sizeof addr);
  addr.type = SOCKS6_ADDR_NAME;
  addr.u.name.len = strlen (text);
  memcpy (addr.u.name.text, text, addr.u.name.len);
  addr.port = port;
  return addr;
}

static const uint8_t greeting_none[] = { 5, 1, 0 };
static const uint8_t greeting_both[] = { 5, 2, 0, 2 };
static const uint8_t greeting_userpass[] = { 5, 1, 2 };
static const uint8_t userpass_bob[] = { 1, 3, 'b', 'o', 'b', 2, 'p', 'w' };
/* CONNECT example.org:80 */
static const uint8_t request_example[] = {
  5, 1, 0, 3, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', 0, 80
};
static const uint8_t reply_ok_v4[] = { 5, 0, 0, 1, 192, 0, 2, 1, 0x12, 0x34 };

/* Concatenate up to four pieces into BUF; return the length.  */
static size_t
cat (uint8_t *buf, const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
     const uint8_t *c, size_t cn, const uint8_t *d, size_t dn)
{
  memcpy (buf, a, an);
  if (bn)
    memcpy (buf + an, b, bn);
  if (cn)
    memcpy (buf + an + bn, c, cn);
  if (dn)
    memcpy (buf + an + bn + cn, d, dn);
  return an + bn + cn + dn;
}

static void
setup (struct socks5_client *c, const struct socks6_addr *dst, bool creds,
       bool pipelined)
{
  socks5_client_init (c);
  socks5_client_set_request (c, SOCKS5_CMD_CONNECT, dst);
  if (creds)
    socks5_client_set_credentials (c, "bob", 3, "pw", 2);
  socks5_client_set_pipelining (c, pipelined);
}

static void
test_connect_no_auth (size_t chunk)
{
  struct socks6_addr dst = name ("example.org", 80);
  struct socks5_client c;
  struct run r;
  uint8_t script[64], expect[64];
  size_t len = cat (script, (const uint8_t[]) { 5, 0 }, 2,
                    reply_ok_v4, sizeof reply_ok_v4,
                    (const uint8_t *) "HTTP", 4, NULL, 0);
  size_t elen = cat (expect, greeting_none, sizeof greeting_none,
                     request_example, sizeof request_example, NULL, 0,
                     NULL, 0);

  setup (&c, &dst, false, false);
  run_script (&c, script, len, chunk, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_OK, "connect, chunk %zu: succeeds", chunk);
  UNIT_CHECK (r.fed == len - 4,
              "connect, chunk %zu: the stream after the reply is left", chunk);
  UNIT_CHECK (r.sent_len == elen && memcmp (r.sent, expect, elen) == 0,
              "connect, chunk %zu: greeting then request on the wire", chunk);
  UNIT_CHECK (r.max_output == sizeof greeting_none
              || r.max_output == sizeof request_example,
              "connect, chunk %zu: not pipelined by default", chunk);
  UNIT_CHECK (socks5_client_method (&c) == 0
              && socks5_client_reply_code (&c) == 0
              && socks5_client_reply (&c, 0)->bound.type == SOCKS6_ADDR_IPV4
              && socks5_client_reply (&c, 0)->bound.port == 0x1234
              && socks5_client_reply (&c, 1) == NULL,
              "connect, chunk %zu: method and bound address kept", chunk);
  UNIT_CHECK (socks5_client_state (&c) == SOCKS5_CLIENT_DONE,
              "connect, chunk %zu: state done", chunk);
}

static void
test_pipelined_no_auth (size_t chunk)
{
  struct socks6_addr dst = name ("example.org", 80);
  struct socks5_client c;
  struct run r;
  uint8_t script[64], expect[64];
  size_t len = cat (script, (const uint8_t[]) { 5, 0 }, 2,
                    reply_ok_v4, sizeof reply_ok_v4, NULL, 0, NULL, 0);
  size_t elen = cat (expect, greeting_none, sizeof greeting_none,
                     request_example, sizeof request_example, NULL, 0,
                     NULL, 0);

  setup (&c, &dst, false, true);
  run_script (&c, script, len, chunk, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_OK, "pipelined, chunk %zu: succeeds", chunk);
  UNIT_CHECK (r.max_output == elen && r.sent_len == elen
              && memcmp (r.sent, expect, elen) == 0,
              "pipelined, chunk %zu: greeting and request in one output",
              chunk);
}

static void
test_auth (size_t chunk, bool pipelined, uint8_t status)
{
  struct socks6_addr dst = name ("example.org", 80);
  struct socks5_client c;
  struct run r;
  uint8_t script[64], expect[64];
  size_t len = cat (script, (const uint8_t[]) { 5, 2 }, 2,
                    (const uint8_t[]) { 1, status }, 2,
                    reply_ok_v4, sizeof reply_ok_v4, NULL, 0);
  size_t elen = cat (expect,
                     pipelined ? greeting_userpass : greeting_both,
                     pipelined ? sizeof greeting_userpass
                     : sizeof greeting_both,
                     userpass_bob, sizeof userpass_bob,
                     request_example, status == 0 || pipelined
                     ? sizeof request_example : 0, NULL, 0);
  const char *how = pipelined ? "pipelined" : "stepwise";

  setup (&c, &dst, true, pipelined);
  run_script (&c, script, len, chunk, false, &r);
  if (status == 0)
    UNIT_CHECK (r.rc == SOCKS6_OK && socks5_client_auth_status (&c) == 0,
                "auth %s, chunk %zu: accepted", how, chunk);
  else
    UNIT_CHECK (r.rc == SOCKS6_E_AUTH
                && socks5_client_error (&c) == SOCKS6_E_AUTH
                && socks5_client_auth_status (&c) == status
                && r.fed == 4,
                "auth %s, chunk %zu: status %d refused", how, chunk, status);
  /* A refusal fed together with the method choice (chunk > 2) arrives
     before the queued credentials were taken, which no real server can
     do; the engine rightly drops them then.  */
  if (status == 0 || pipelined || chunk <= 2)
    UNIT_CHECK (r.sent_len == elen && memcmp (r.sent, expect, elen) == 0,
                "auth %s, chunk %zu: wire bytes", how, chunk);
  UNIT_CHECK (!pipelined || r.max_output == elen,
              "auth %s, chunk %zu: one output when pipelined", how, chunk);
  UNIT_CHECK (c.cl_pass[0] == 0 && c.cl_pass[1] == 0
              && memchr (c.cl_out, 'p', sizeof c.cl_out) == NULL,
              "auth %s, chunk %zu: password wiped", how, chunk);
}

/* The method choices that must end the handshake.  */
static void
test_bad_methods (void)
{
  struct socks6_addr dst = name ("example.org", 80);
  struct socks5_client c;
  struct run r;

  setup (&c, &dst, false, false);
  run_script (&c, (const uint8_t[]) { 5, 0xFF }, 2, 1, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_METHOD && socks5_client_method (&c) == 0xFF,
              "method X'FF': no acceptable method");
  UNIT_CHECK (r.sent_len == sizeof greeting_none,
              "method X'FF': nothing sent after the greeting");

  setup (&c, &dst, false, false);
  run_script (&c, (const uint8_t[]) { 5, 2 }, 2, 2, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_PROTOCOL,
              "method X'02' chosen though not offered: protocol error");

  setup (&c, &dst, true, true);
  run_script (&c, (const uint8_t[]) { 5, 0 }, 2, 2, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_PROTOCOL,
              "pipelined with credentials, X'00' chosen: protocol error");

  setup (&c, &dst, false, false);
  run_script (&c, (const uint8_t[]) { 5, 1 }, 2, 2, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_PROTOCOL, "method GSS-API not offered");
}

static void
test_failure_replies (void)
{
  struct socks6_addr dst = ipv4 (127, 0, 0, 1, 9);
  int code;

  for (code = 1; code <= 0x09; code++)
    {
      struct socks5_client c;
      struct run r;
      uint8_t script[16] = { 5, 0, 5, code, 0, 1, 0, 0, 0, 0, 0, 0 };

      setup (&c, &dst, false, code % 2);
      run_script (&c, script, 12, code % 3 ? 1 : 12, false, &r);
      UNIT_CHECK (r.rc == SOCKS6_E_REPLY
                  && socks5_client_reply_code (&c) == code
                  && socks5_client_state (&c) == SOCKS5_CLIENT_FAILED
                  && r.fed == 12,
                  "failure reply %02X (%s): SOCKS6_E_REPLY with its code",
                  code, socks5_reply_name (code));
    }
}

static void
test_truncated_and_garbage (void)
{
  struct socks6_addr dst = ipv4 (127, 0, 0, 1, 9);
  struct socks5_client c;
  struct run r;
  static const uint8_t truncated[] = { 5, 0, 5, 0, 0, 1, 127 };
  static const uint8_t bad_version[] = { 4, 0 };
  static const uint8_t bad_reply_version[] = { 5, 0, 4, 0, 0, 1 };
  static const uint8_t bad_atyp[] = { 5, 0, 5, 0, 0, 2, 1, 2, 3 };
  static const uint8_t empty_name[] = { 5, 0, 5, 0, 0, 3, 0, 0, 0 };
  static const uint8_t http[] = "HTTP/1.0 400 Bad Request\r\n";

  setup (&c, &dst, false, false);
  run_script (&c, truncated, sizeof truncated, 1, true, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_PROTOCOL
              && socks5_client_buffered (&c) == 5
              && socks5_client_expected (&c) == 10,
              "end of file in a reply: 5 of 10 octets reported");

  setup (&c, &dst, false, false);
  run_script (&c, truncated, 0, 1, true, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_PROTOCOL && socks5_client_buffered (&c) == 0,
              "end of file before the method reply");

  setup (&c, &dst, false, false);
  run_script (&c, bad_version, sizeof bad_version, 1, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_VERSION && r.fed == 1,
              "method reply version 4: SOCKS6_E_VERSION at the first octet");

  setup (&c, &dst, false, false);
  run_script (&c, bad_reply_version, sizeof bad_reply_version, 64, false,
              &r);
  UNIT_CHECK (r.rc == SOCKS6_E_VERSION, "reply version 4: SOCKS6_E_VERSION");

  setup (&c, &dst, false, false);
  run_script (&c, bad_atyp, sizeof bad_atyp, 1, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_ATYP, "reply ATYP 2: SOCKS6_E_ATYP");

  setup (&c, &dst, false, false);
  run_script (&c, empty_name, sizeof empty_name, 1, false, &r);
  UNIT_CHECK (r.rc < 0, "reply with a name of 0 octets: an error");

  setup (&c, &dst, false, true);
  run_script (&c, http, sizeof http - 1, 64, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_VERSION,
              "an HTTP server answering: SOCKS6_E_VERSION");

  setup (&c, &dst, false, false);
  run_script (&c, bad_version, 2, 1, false, &r);
  {
    size_t used = 99;
    int rc = socks5_client_input (&c, bad_version, 2, &used);
    UNIT_CHECK (rc == SOCKS6_E_VERSION && used == 0,
                "a failed engine takes nothing more and keeps its error");
  }
}

static void
test_bind (size_t chunk)
{
  struct socks6_addr dst = ipv4 (0, 0, 0, 0, 0);
  struct socks5_client c;
  struct run r;
  uint8_t script[96];
  static const uint8_t first_v6[] = {
    5, 0, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    0x04, 0x00
  };
  static const uint8_t second_v4[] = { 5, 0, 0, 1, 192, 0, 2, 7, 0xC0, 0x01 };
  size_t len = cat (script, (const uint8_t[]) { 5, 0 }, 2, first_v6,
                    sizeof first_v6, second_v4, sizeof second_v4,
                    (const uint8_t *) "220 ", 4);

  socks5_client_init (&c);
  socks5_client_set_request (&c, SOCKS5_CMD_BIND, &dst);
  run_script (&c, script, 2 + sizeof first_v6, chunk, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_AGAIN
              && socks5_client_state (&c) == SOCKS5_CLIENT_BIND_PEER
              && socks5_client_reply (&c, 0)->bound.type == SOCKS6_ADDR_IPV6
              && socks5_client_reply (&c, 0)->bound.port == 1024,
              "bind, chunk %zu: first reply, waiting for the peer", chunk);

  socks5_client_init (&c);
  socks5_client_set_request (&c, SOCKS5_CMD_BIND, &dst);
  run_script (&c, script, len, chunk, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_OK && r.fed == len - 4
              && socks5_client_reply (&c, 1) != NULL
              && socks5_client_reply (&c, 1)->bound.type == SOCKS6_ADDR_IPV4
              && socks5_client_reply (&c, 1)->bound.port == 0xC001
              && socks5_client_reply (&c, 0)->bound.type == SOCKS6_ADDR_IPV6,
              "bind, chunk %zu: both replies kept, the stream left", chunk);

  script[2 + sizeof first_v6 + 1] = SOCKS5_REP_NOT_ALLOWED;
  socks5_client_init (&c);
  socks5_client_set_request (&c, SOCKS5_CMD_BIND, &dst);
  run_script (&c, script, len, chunk, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_REPLY && socks5_client_reply_code (&c) == 2
              && socks5_client_reply (&c, 1) != NULL,
              "bind, chunk %zu: second reply refused", chunk);
}

static void
test_resolve_and_udp (void)
{
  struct socks6_addr dst = name ("localhost", 0);
  struct socks5_client c;
  struct run r;
  static const uint8_t answer[] = { 5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 };
  static const uint8_t unsupported[] = { 5, 0, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0 };

  socks5_client_init (&c);
  socks5_client_set_request (&c, SOCKS5_CMD_RESOLVE, &dst);
  run_script (&c, answer, sizeof answer, 3, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_OK && r.sent[4] == SOCKS5_CMD_RESOLVE
              && socks5_client_reply (&c, 0)->bound.u.ipv4[0] == 127,
              "resolve: command F0 sent, address in BND.ADDR");

  socks5_client_init (&c);
  socks5_client_set_request (&c, SOCKS5_CMD_RESOLVE, &dst);
  run_script (&c, unsupported, sizeof unsupported, 1, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_E_REPLY && socks5_client_reply_code (&c) == 7,
              "resolve: 07 from a server without the extension");

  dst = ipv4 (0, 0, 0, 0, 0);
  socks5_client_init (&c);
  socks5_client_set_request (&c, SOCKS5_CMD_UDP_ASSOCIATE, &dst);
  run_script (&c, answer, sizeof answer, 1, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_OK && r.sent[4] == SOCKS5_CMD_UDP_ASSOCIATE,
              "udp associate: one reply is the whole handshake");
}

/* The longest reply there is: BND.ADDR a name of 255 octets.  */
static void
test_longest_reply (void)
{
  struct socks6_addr dst = ipv4 (127, 0, 0, 1, 9);
  struct socks5_client c;
  struct run r;
  uint8_t script[2 + 4 + 1 + 255 + 2 + 3];

  memset (script, 'a', sizeof script);
  memcpy (script, (const uint8_t[]) { 5, 0, 5, 0, 0, 3, 255 }, 7);
  script[7 + 255] = 0x01;
  script[7 + 256] = 0xBB;
  setup (&c, &dst, false, false);
  run_script (&c, script, sizeof script, 1, false, &r);
  UNIT_CHECK (r.rc == SOCKS6_OK && r.fed == sizeof script - 3
              && socks5_client_reply (&c, 0)->bound.u.name.len == 255
              && socks5_client_reply (&c, 0)->bound.port == 0x01BB,
              "reply with a 255-octet name, byte by byte: whole, stream "
              "left");
}

static uint64_t
fake_clock (void *arg)
{
  uint64_t *now = arg;
  return *now += 1000;
}

static void
test_clock (void)
{
  struct socks6_addr dst = name ("example.org", 80);
  struct socks5_client c;
  struct run r;
  uint64_t now = 0;
  uint8_t script[64];
  size_t len = cat (script, (const uint8_t[]) { 5, 2 }, 2,
                    (const uint8_t[]) { 1, 0 }, 2,
                    reply_ok_v4, sizeof reply_ok_v4, NULL, 0);

  setup (&c, &dst, true, false);
  socks5_client_set_clock (&c, fake_clock, &now);
  run_script (&c, script, len, 1, false, &r);
  UNIT_CHECK (socks5_client_time (&c, SOCKS5_CLIENT_METHOD) == 1000
              && socks5_client_time (&c, SOCKS5_CLIENT_AUTH) == 2000
              && socks5_client_time (&c, SOCKS5_CLIENT_REPLY) == 3000
              && socks5_client_time (&c, SOCKS5_CLIENT_DONE) == 4000
              && socks5_client_time (&c, SOCKS5_CLIENT_FAILED) == 0,
              "clock: each transition stamped once");

  setup (&c, &dst, false, false);
  run_script (&c, script, 0, 1, false, &r);
  UNIT_CHECK (socks5_client_time (&c, SOCKS5_CLIENT_METHOD) == 0,
              "no clock: no stamps");
}

static void
test_misuse (void)
{
  struct socks6_addr dst = name ("example.org", 80);
  struct socks5_client c;
  size_t used;
  char long_user[300];

  memset (long_user, 'u', sizeof long_user);
  socks5_client_init (&c);
  UNIT_CHECK (socks5_client_set_credentials (&c, "", 0, "pw", 2)
              == SOCKS6_E_USER_EMPTY, "empty user name refused");
  UNIT_CHECK (socks5_client_set_credentials (&c, "u", 1, "", 0)
              == SOCKS6_E_PASS_EMPTY, "empty password refused");
  UNIT_CHECK (socks5_client_set_credentials (&c, long_user, 256, "p", 1)
              == SOCKS6_E_INVALID, "user name of 256 octets refused");
  UNIT_CHECK (socks5_client_input (&c, (const uint8_t *) "x", 1, &used)
              == SOCKS6_E_INVALID && used == 0, "input before start refused");
  socks5_client_set_request (&c, SOCKS5_CMD_CONNECT, &dst);
  socks5_client_start (&c);
  UNIT_CHECK (socks5_client_set_request (&c, SOCKS5_CMD_BIND, &dst)
              == SOCKS6_E_INVALID, "request cannot change after start");
  UNIT_CHECK (socks5_client_start (&c) == SOCKS6_E_INVALID,
              "start twice refused");
  {
    struct socks6_addr none;
    memset (&none, 0, sizeof none);
    socks5_client_init (&c);
    socks5_client_set_request (&c, SOCKS5_CMD_CONNECT, &none);
    socks5_client_set_pipelining (&c, true);
    UNIT_CHECK (socks5_client_start (&c) < 0
                && socks5_client_state (&c) == SOCKS5_CLIENT_FAILED,
                "a destination without a type fails at start");
  }
  UNIT_CHECK (strcmp (socks5_client_state_name (SOCKS5_CLIENT_BIND_PEER),
                      "bind-peer") == 0, "state names");
}

int
main (void)
{
  static const size_t chunks[] = { 1, 2, 3, 7, 4096 };
  size_t i;

  for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++)
    {
      test_connect_no_auth (chunks[i]);
      test_pipelined_no_auth (chunks[i]);
      test_auth (chunks[i], false, 0);
      test_auth (chunks[i], true, 0);
      test_auth (chunks[i], false, 1);
      test_auth (chunks[i], true, 0xFF);
      test_bind (chunks[i]);
    }
  test_bad_methods ();
  test_failure_replies ();
  test_truncated_and_garbage ();
  test_resolve_and_udp ();
  test_longest_reply ();
  test_clock ();
  test_misuse ();
  UNIT_EXIT ();
}
