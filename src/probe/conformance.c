/* socks6-probe --conformance: numbered checks of a server's RFC 1928 and
   RFC 1929 behaviour, each on its own connection, each ending in PASS,
   FAIL or SKIP with a reason, then a summary line.  Checks that need a
   destination use the probe's own echo peer, forked on loopback, so no
   traffic leaves the machine; names are chosen so that no server needs
   DNS to answer them (see doc/probe.texi).  Well-formed exchanges go
   through the client engine (lib/client.c), the code socksify and socks6d
   run; malformed ones are written byte by byte here.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "replycode.h"
#include "socks5.h"

enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

/* What every check needs to know.  */
struct conf
{
  union socks6_sockaddr server;
  socklen_t server_len;
  struct probe_peer peer;
  bool need_auth;               /* the server wants username/password */
  bool no_way_in;               /* ... and we have no credentials */
  char reason[512];
};

static enum check_result __attribute__ ((format (printf, 3, 4)))
verdict (struct conf *cf, enum check_result r, const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  vsnprintf (cf->reason, sizeof cf->reason, format, ap);
  va_end (ap);
  return r;
}

static uint64_t
deadline (void)
{
  return probe_deadline (probe_opt.timeout_ms);
}

static int
conf_connect (struct conf *cf)
{
  return probe_tcp_connect (&cf->server, cf->server_len, deadline ());
}

static bool
send_bytes (int fd, const void *buf, size_t len)
{
  probe_wire (true, buf, len);
  return probe_send_all (fd, buf, len, deadline ()) == PROBE_IO_OK;
}

/* Read one reply (request layout) byte-exactly.  *RC is the decoder's
   verdict when the I/O went well.  */
static enum probe_io
read_reply (int fd, struct socks5_reply *reply, int *rc)
{
  uint8_t buf[SOCKS5_REQUEST_MAX];
  size_t have = 0, need = 1, used, got;

  for (;;)
    {
      enum probe_io io = probe_recv_exact (fd, buf + have, need - have,
                                           &got, deadline ());
      probe_wire (false, buf + have, got);
      have += got;
      if (io != PROBE_IO_OK)
        return io;
      *rc = socks5_decode_reply (buf, have, reply, &used);
      if (*rc != SOCKS6_AGAIN)
        return PROBE_IO_OK;
      need = used > have && used <= sizeof buf ? used : have + 1;
      if (need > sizeof buf)
        {
          *rc = SOCKS6_E_PROTOCOL;
          return PROBE_IO_OK;
        }
    }
}

static const char *
io_text (enum probe_io io)
{
  switch (io)
    {
    case PROBE_IO_TIMEOUT:
      return _("no answer in time");
    case PROBE_IO_EOF:
      return _("the server closed the connection");
    case PROBE_IO_ERROR:
      return strerror (errno);
    default:
      return "";
    }
}

static struct socks6_addr loopback (bool v6, uint16_t port);

/* A connection through greeting and authentication, by the engine;
   COMMAND and DST are queued but not sent.  Return the socket or -1.  */
static int
session (struct conf *cf, struct socks5_client *c)
{
  size_t extra_len;
  int fd = conf_connect (cf);
  enum probe_io io;

  if (fd < 0)
    return -1;
  socks5_client_init (c);
  /* The engine queues a request once the greeting is done; this one is
     never sent, the caller writes its own.  */
  struct socks6_addr unused = loopback (false, 0);
  socks5_client_set_request (c, SOCKS5_CMD_CONNECT, &unused);
  if (cf->need_auth)
    socks5_client_set_credentials (c, probe_opt.user, strlen (probe_opt.user),
                                   probe_opt.password,
                                   strlen (probe_opt.password));
  socks5_client_start (c);
  io = probe_drive (fd, c, SOCKS5_CLIENT_REPLY, deadline (), NULL, 0,
                    &extra_len);
  if (io != PROBE_IO_OK || socks5_client_state (c) != SOCKS5_CLIENT_REPLY)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* Run the engine for COMMAND to DST on a new connection to the end.
   Return the socket (the caller closes it) or -1; *IO how it ended.  */
static int
engine_request (struct conf *cf, struct socks5_client *c, uint8_t command,
                const struct socks6_addr *dst, bool pipelined,
                enum probe_io *io)
{
  size_t extra_len;
  int fd = conf_connect (cf);

  *io = PROBE_IO_ERROR;
  if (fd < 0)
    return -1;
  socks5_client_init (c);
  socks5_client_set_request (c, command, dst);
  socks5_client_set_clock (c, probe_clock, NULL);
  socks5_client_set_pipelining (c, pipelined);
  if (cf->need_auth)
    socks5_client_set_credentials (c, probe_opt.user, strlen (probe_opt.user),
                                   probe_opt.password,
                                   strlen (probe_opt.password));
  socks5_client_start (c);
  *io = probe_drive (fd, c, command == SOCKS5_CMD_BIND
                     ? SOCKS5_CLIENT_BIND_PEER : SOCKS5_CLIENT_INIT,
                     deadline (), NULL, 0, &extra_len);
  return fd;
}

/* Why an engine exchange gave no reply, in words.  */
static const char *
engine_failure (struct socks5_client *c, enum probe_io io)
{
  if (io != PROBE_IO_OK)
    return io_text (io);
  return socks6_strerror (socks5_client_error (c));
}

/* Send TEXT through the relayed FD and check it comes back.  */
static bool
echo_works (int fd, const char *text)
{
  char buf[256];
  size_t len = strlen (text), got;

  return send_bytes (fd, text, len)
    && probe_recv_exact (fd, buf, len, &got, deadline ()) == PROBE_IO_OK
    && memcmp (buf, text, len) == 0;
}

static struct socks6_addr
loopback (bool v6, uint16_t port)
{
  struct socks6_addr a;

  socks6_addr_parse_literal (&a, v6 ? "::1" : "127.0.0.1", port);
  return a;
}

/* A new connection still gets a method choice: the server survived.  */
static bool
still_alive (struct conf *cf)
{
  static const uint8_t greeting[] = { 5, 2, 0, 2 };
  uint8_t answer[2];
  size_t got;
  int fd = conf_connect (cf);
  bool ok;

  if (fd < 0)
    return false;
  ok = send_bytes (fd, greeting, sizeof greeting)
    && probe_recv_exact (fd, answer, 2, &got, deadline ()) == PROBE_IO_OK
    && answer[0] == 5;
  close (fd);
  return ok;
}

/* Send BYTES raw on a new connection (after the greeting when
   AFTER_GREETING) and expect the server to close, with no success
   reply, within the timeout, then to serve the next client.  */
static enum check_result
expect_rejected (struct conf *cf, const uint8_t *bytes, size_t len,
                 bool after_greeting, bool half_close)
{
  struct socks5_client c;
  uint8_t buf[512];
  size_t got, total = 0;
  enum probe_io io;
  int fd;

  if (after_greeting && cf->no_way_in)
    return verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                      "give -U"));
  fd = after_greeting ? session (cf, &c) : conf_connect (cf);
  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  if (!send_bytes (fd, bytes, len))
    {
      close (fd);
      return verdict (cf, CHECK_PASS, _("the server closed the connection "
                                        "while the bytes were sent"));
    }
  if (half_close)
    shutdown (fd, SHUT_WR);
  while ((io = probe_recv_some (fd, buf + total, sizeof buf - total, &got,
                                deadline ())) == PROBE_IO_OK
         && total + got < sizeof buf)
    {
      probe_wire (false, buf + total, got);
      total += got;
    }
  close (fd);
  if (io == PROBE_IO_TIMEOUT)
    return verdict (cf, CHECK_FAIL, _("the connection was still open "
                                      "after %d ms"), probe_opt.timeout_ms);
  if (total >= 2 && buf[0] == 5 && buf[1] == 0 && after_greeting)
    return verdict (cf, CHECK_FAIL, _("the server sent a success reply"));
  if (!after_greeting && total >= 2 && buf[0] == 5 && buf[1] != 0xFF)
    return verdict (cf, CHECK_FAIL, _("the server chose method X'%02X'"),
                    buf[1]);
  if (!still_alive (cf))
    return verdict (cf, CHECK_FAIL, _("the server does not answer new "
                                      "clients any more"));
  return verdict (cf, CHECK_PASS, total
                  ? _("closed after %zu bytes of answer; still serving")
                  : _("closed without an answer; still serving"), total);
}

/* --- The checks, in the order they run.  --- */

static enum check_result
check_method_none (struct conf *cf)
{
  static const uint8_t greeting[] = { 5, 1, 0 };
  uint8_t answer[2];
  size_t got;
  int fd = conf_connect (cf);
  enum probe_io io;

  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  send_bytes (fd, greeting, sizeof greeting);
  io = probe_recv_exact (fd, answer, 2, &got, deadline ());
  probe_wire (false, answer, got);
  close (fd);
  if (io != PROBE_IO_OK)
    return verdict (cf, CHECK_FAIL, "%s", io_text (io));
  if (answer[0] != 5)
    return verdict (cf, CHECK_FAIL, _("answer version X'%02X'"), answer[0]);
  if (answer[1] == SOCKS5_METHOD_UNACCEPTABLE)
    {
      cf->need_auth = true;
      cf->no_way_in = probe_opt.user == NULL;
      return verdict (cf, CHECK_PASS, _("X'FF': the server requires "
                                        "authentication"));
    }
  if (answer[1] != SOCKS5_METHOD_NONE)
    return verdict (cf, CHECK_FAIL, _("chose X'%02X', which was not "
                                      "offered"), answer[1]);
  return verdict (cf, CHECK_PASS, _("chose X'00'"));
}

static enum check_result
check_method_unacceptable (struct conf *cf)
{
  static const uint8_t greeting[] = { 5, 1, 0xFE };
  uint8_t answer[2];
  size_t got, discarded;
  int fd = conf_connect (cf);
  enum probe_io io;

  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  send_bytes (fd, greeting, sizeof greeting);
  io = probe_recv_exact (fd, answer, 2, &got, deadline ());
  probe_wire (false, answer, got);
  if (io != PROBE_IO_OK)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("no X'FF' answer: %s"),
                      io_text (io));
    }
  if (answer[0] != 5 || answer[1] != SOCKS5_METHOD_UNACCEPTABLE)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("answered %02X %02X instead of "
                                        "05 FF"), answer[0], answer[1]);
    }
  io = probe_wait_close (fd, deadline (), &discarded);
  close (fd);
  if (io != PROBE_IO_EOF)
    return verdict (cf, CHECK_FAIL, _("X'FF', but the connection stayed "
                                      "open"));
  return verdict (cf, CHECK_PASS, _("X'FF', then closed"));
}

static enum check_result
check_nmethods_zero (struct conf *cf)
{
  static const uint8_t greeting[] = { 5, 0 };
  return expect_rejected (cf, greeting, sizeof greeting, false, false);
}

static enum check_result
check_bad_version (struct conf *cf)
{
  static const uint8_t greeting[] = { 6, 1, 0 };
  return expect_rejected (cf, greeting, sizeof greeting, false, false);
}

static enum check_result
check_greeting_truncated (struct conf *cf)
{
  static const uint8_t greeting[] = { 5, 2, 0 };
  return expect_rejected (cf, greeting, sizeof greeting, false, true);
}

static enum check_result
check_greeting_255 (struct conf *cf)
{
  uint8_t greeting[2 + 255], answer[2];
  size_t got;
  int fd = conf_connect (cf), i;
  enum probe_io io;

  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  greeting[0] = 5;
  greeting[1] = 255;
  for (i = 0; i < 255; i++)
    greeting[2 + i] = 254 - i;  /* X'00' last: a server must look at all */
  send_bytes (fd, greeting, sizeof greeting);
  io = probe_recv_exact (fd, answer, 2, &got, deadline ());
  close (fd);
  if (io != PROBE_IO_OK)
    return verdict (cf, CHECK_FAIL, "%s", io_text (io));
  if (answer[0] != 5)
    return verdict (cf, CHECK_FAIL, _("answer version X'%02X'"), answer[0]);
  return verdict (cf, CHECK_PASS, _("chose X'%02X'"), answer[1]);
}

/* CONNECT to DST through the engine, then echo; the common body of the
   destination checks.  */
static enum check_result
connect_and_echo (struct conf *cf, const struct socks6_addr *dst,
                  bool pipelined, bool any_reply)
{
  struct socks5_client c;
  enum probe_io io;
  const struct socks5_reply *r;
  int fd;

  if (cf->no_way_in)
    return verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                      "give -U"));
  fd = engine_request (cf, &c, SOCKS5_CMD_CONNECT, dst, pipelined, &io);
  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  r = socks5_client_reply (&c, 0);
  if (r == NULL)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("no reply: %s"),
                      engine_failure (&c, io));
    }
  double ms = probe_ms (socks5_client_time (&c, SOCKS5_CLIENT_REPLY),
                        socks6_now_ns ());
  if (r->reply != SOCKS5_REP_SUCCEEDED)
    {
      close (fd);
      return verdict (cf, any_reply ? CHECK_PASS : CHECK_FAIL,
                      _("reply X'%02X' (%s)"), r->reply,
                      socks5_reply_description (r->reply));
    }
  if (r->reserved != 0)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("RSV of the reply is X'%02X', "
                                        "not X'00'"), r->reserved);
    }
  bool echoed = echo_works (fd, "socks6-probe echo\n");
  close (fd);
  if (!echoed)
    return verdict (cf, CHECK_FAIL, _("succeeded, but the data did not "
                                      "come back"));
  return verdict (cf, CHECK_PASS, _("succeeded in %.1f ms; data relayed "
                                    "both ways"), ms);
}

static enum check_result
check_connect_ipv4 (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.tcp4_port);
  return connect_and_echo (cf, &dst, false, false);
}

static enum check_result
check_connect_ipv6 (struct conf *cf)
{
  struct socks6_addr dst = loopback (true, cf->peer.tcp6_port);

  if (!cf->peer.has_ipv6)
    return verdict (cf, CHECK_SKIP, _("no ::1 on this host"));
  return connect_and_echo (cf, &dst, false, false);
}

static enum check_result
check_connect_name (struct conf *cf)
{
  struct socks6_addr dst;

  socks6_addr_set_name (&dst, "localhost", 9, cf->peer.tcp4_port);
  return connect_and_echo (cf, &dst, false, false);
}

/* "0" is a name of one octet that getaddrinfo reads as 0.0.0.0, the
   local host, so no DNS query is needed; any well-formed reply passes:
   the point is that a 1-octet name is parsed.  */
static enum check_result
check_name_1 (struct conf *cf)
{
  struct socks6_addr dst;

  socks6_addr_set_name (&dst, "0", 1, cf->peer.tcp4_port);
  return connect_and_echo (cf, &dst, false, true);
}

/* Four labels of 63 zeros: 255 octets, valid label lengths, and again
   0.0.0.0 to inet_aton, so no DNS query.  */
static enum check_result
check_name_255 (struct conf *cf)
{
  struct socks6_addr dst;
  char name[256];

  memset (name, '0', 255);
  name[63] = name[127] = name[191] = '.';
  socks6_addr_set_name (&dst, name, 255, cf->peer.tcp4_port);
  return connect_and_echo (cf, &dst, false, true);
}

static enum check_result
check_pipelined (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.tcp4_port);
  return connect_and_echo (cf, &dst, true, false);
}

/* Greeting and request one octet at a time, 20 ms apart: a server must
   not take one read() for one message.  */
static enum check_result
check_fragmented (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.tcp4_port);
  uint8_t msg[64];
  struct socks5_reply reply;
  uint8_t answer[2];
  size_t got;
  ssize_t n;
  int fd, rc = 0;
  enum probe_io io;

  if (cf->need_auth)
    return verdict (cf, CHECK_SKIP, _("only run without authentication"));
  fd = conf_connect (cf);
  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  msg[0] = 5, msg[1] = 1, msg[2] = 0;
  n = socks5_encode_request (msg + 3, sizeof msg - 3, SOCKS5_CMD_CONNECT,
                             &dst);
  for (ssize_t i = 0; i < 3 + n; i++)
    {
      struct timespec gap = { 0, 20 * 1000 * 1000 };
      if (!send_bytes (fd, msg + i, 1))
        break;
      nanosleep (&gap, NULL);
      if (i == 2)
        {
          io = probe_recv_exact (fd, answer, 2, &got, deadline ());
          if (io != PROBE_IO_OK || answer[0] != 5 || answer[1] != 0)
            {
              close (fd);
              return verdict (cf, CHECK_FAIL, _("no method choice after a "
                                                "greeting sent octet by "
                                                "octet: %s"), io_text (io));
            }
        }
    }
  io = read_reply (fd, &reply, &rc);
  if (io == PROBE_IO_OK && rc == SOCKS6_OK && reply.reply == 0
      && echo_works (fd, "fragmented\n"))
    {
      close (fd);
      return verdict (cf, CHECK_PASS, _("greeting and request in 1-octet "
                                        "segments understood"));
    }
  close (fd);
  return verdict (cf, CHECK_FAIL, _("a request sent octet by octet got no "
                                    "success reply: %s"),
                  io != PROBE_IO_OK ? io_text (io) : socks6_strerror (rc));
}

/* Send a raw request after the greeting and expect reply CODE.  */
static enum check_result
expect_reply_code (struct conf *cf, const uint8_t *request, size_t len,
                   int code)
{
  struct socks5_client c;
  struct socks5_reply reply;
  int fd, rc = 0;
  enum probe_io io;

  if (cf->no_way_in)
    return verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                      "give -U"));
  fd = session (cf, &c);
  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not open a session"));
  send_bytes (fd, request, len);
  io = read_reply (fd, &reply, &rc);
  close (fd);
  if (io != PROBE_IO_OK)
    return verdict (cf, CHECK_FAIL, _("no reply X'%02X': %s"), code,
                    io_text (io));
  if (rc != SOCKS6_OK)
    return verdict (cf, CHECK_FAIL, _("malformed reply: %s"),
                    socks6_strerror (rc));
  if (reply.reply != code)
    return verdict (cf, CHECK_FAIL, _("reply X'%02X' (%s) instead of "
                                      "X'%02X'"), reply.reply,
                    socks5_reply_description (reply.reply), code);
  return verdict (cf, CHECK_PASS, _("reply X'%02X' (%s)"), code,
                  socks5_reply_description (code));
}

static enum check_result
check_unsupported_command (struct conf *cf)
{
  uint8_t req[] = { 5, 0x09, 0, 1, 127, 0, 0, 1, 0, 0 };

  req[8] = cf->peer.tcp4_port >> 8;
  req[9] = cf->peer.tcp4_port & 0xff;
  return expect_reply_code (cf, req, sizeof req,
                            SOCKS5_REP_COMMAND_NOT_SUPPORTED);
}

static enum check_result
check_unknown_atyp (struct conf *cf)
{
  static const uint8_t req[] = { 5, 1, 0, 2, 127, 0, 0, 1, 0, 80 };
  return expect_reply_code (cf, req, sizeof req,
                            SOCKS5_REP_ADDRESS_TYPE_NOT_SUPPORTED);
}

static enum check_result
check_request_bad_version (struct conf *cf)
{
  static const uint8_t req[] = { 4, 1, 0, 1, 127, 0, 0, 1, 0, 80 };
  return expect_rejected (cf, req, sizeof req, true, false);
}

static enum check_result
check_request_truncated (struct conf *cf)
{
  static const uint8_t req[] = { 5, 1, 0, 1, 127, 0 };
  return expect_rejected (cf, req, sizeof req, true, true);
}

/* A loopback port nobody listens on: bind, note the port, close.  */
static uint16_t
closed_port (void)
{
  struct socks6_addr a = loopback (false, 0);
  union socks6_sockaddr sa;
  socklen_t len;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  uint16_t port = 9;

  socks6_addr_to_sockaddr (&a, &sa, &len);
  if (fd >= 0 && bind (fd, &sa.sa, len) == 0)
    {
      len = sizeof sa;
      getsockname (fd, &sa.sa, &len);
      port = ntohs (sa.sin.sin_port);
    }
  if (fd >= 0)
    close (fd);
  return port;
}

static enum check_result
check_refused (struct conf *cf)
{
  uint8_t req[10] = { 5, 1, 0, 1, 127, 0, 0, 1 };
  uint16_t port = closed_port ();

  req[8] = port >> 8;
  req[9] = port & 0xff;
  return expect_reply_code (cf, req, sizeof req,
                            SOCKS5_REP_CONNECTION_REFUSED);
}

static enum check_result
check_close_after_failure (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, closed_port ());
  struct socks5_client c;
  enum probe_io io;
  size_t discarded;
  int fd;

  if (cf->no_way_in)
    return verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                      "give -U"));
  fd = engine_request (cf, &c, SOCKS5_CMD_CONNECT, &dst, false, &io);
  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  if (socks5_client_reply_code (&c) <= 0)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("no failure reply to close after"));
    }
  uint64_t t0 = socks6_now_ns ();
  /* RFC 1928 section 6: within 10 seconds; one more for the network.  */
  io = probe_wait_close (fd, t0 + 11000000000u, &discarded);
  close (fd);
  if (io != PROBE_IO_EOF)
    return verdict (cf, CHECK_FAIL, _("still open 11 s after the failure "
                                      "reply"));
  return verdict (cf, CHECK_PASS, _("closed %.1f ms after the failure "
                                    "reply"), probe_ms (t0, socks6_now_ns ()));
}

static enum check_result
check_reply_time (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.tcp4_port);
  struct socks5_client c;
  enum probe_io io;
  int fd;

  if (cf->no_way_in)
    return verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                      "give -U"));
  fd = engine_request (cf, &c, SOCKS5_CMD_CONNECT, &dst, false, &io);
  if (fd >= 0)
    close (fd);
  if (socks5_client_reply (&c, 0) == NULL)
    return verdict (cf, CHECK_FAIL, _("no reply within %d ms"),
                    probe_opt.timeout_ms);
  uint64_t t0 = socks5_client_time (&c, SOCKS5_CLIENT_METHOD);
  uint64_t t1 = socks5_client_time (&c, socks5_client_state (&c));
  return verdict (cf, CHECK_PASS, _("whole handshake in %.1f ms (limit "
                                    "%d ms)"), probe_ms (t0, t1),
                  probe_opt.timeout_ms);
}

/* The peer's deferred port echoes only after our half-close: the data
   comes back only if the server kept the other direction open.  */
static enum check_result
check_half_close (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.deferred_port);
  static const char text[] = "half-close: sent before our FIN\n";
  struct socks5_client c;
  enum probe_io io;
  char buf[64];
  size_t got, discarded;
  int fd;

  if (cf->no_way_in)
    return verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                      "give -U"));
  fd = engine_request (cf, &c, SOCKS5_CMD_CONNECT, &dst, false, &io);
  if (fd < 0 || socks5_client_state (&c) != SOCKS5_CLIENT_DONE)
    {
      if (fd >= 0)
        close (fd);
      return verdict (cf, CHECK_FAIL, _("CONNECT failed: %s"),
                      engine_failure (&c, io));
    }
  send_bytes (fd, text, sizeof text - 1);
  shutdown (fd, SHUT_WR);
  io = probe_recv_exact (fd, buf, sizeof text - 1, &got, deadline ());
  if (io != PROBE_IO_OK || memcmp (buf, text, got) != 0)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("nothing came back after our "
                                        "half-close (%zu of %zu bytes): "
                                        "the server closed both "
                                        "directions"), got, sizeof text - 1);
    }
  io = probe_wait_close (fd, deadline (), &discarded);
  close (fd);
  if (io != PROBE_IO_EOF)
    return verdict (cf, CHECK_FAIL, _("data came back, but the peer's "
                                      "end of file did not"));
  return verdict (cf, CHECK_PASS, _("data and end of file relayed after "
                                    "our half-close"));
}

static enum check_result
check_userpass_failure (struct conf *cf)
{
  static const uint8_t greeting[] = { 5, 1, 2 };
  uint8_t buf[SOCKS5_USERPASS_MAX], answer[2];
  size_t got, discarded;
  ssize_t n;
  int fd = conf_connect (cf);
  enum probe_io io;

  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  send_bytes (fd, greeting, sizeof greeting);
  io = probe_recv_exact (fd, answer, 2, &got, deadline ());
  if (io != PROBE_IO_OK || answer[1] != SOCKS5_METHOD_USERPASS)
    {
      close (fd);
      return verdict (cf, io == PROBE_IO_OK ? CHECK_SKIP : CHECK_FAIL, "%s",
                      io == PROBE_IO_OK ? _("the server does not offer "
                                            "username/password")
                      : io_text (io));
    }
  n = socks5_encode_userpass (buf, sizeof buf, "socks6-probe-nobody", 19,
                              "not-a-password", 14);
  send_bytes (fd, buf, n);
  io = probe_recv_exact (fd, answer, 2, &got, deadline ());
  if (io != PROBE_IO_OK || answer[0] != 1)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("no RFC 1929 status: %s"),
                      io == PROBE_IO_OK ? _("bad version") : io_text (io));
    }
  if (answer[1] == 0)
    {
      close (fd);
      return verdict (cf, CHECK_FAIL, _("a made-up user was accepted"));
    }
  io = probe_wait_close (fd, deadline (), &discarded);
  close (fd);
  if (io != PROBE_IO_EOF)
    return verdict (cf, CHECK_FAIL, _("status X'%02X', but the connection "
                                      "stayed open (RFC 1929: MUST "
                                      "close)"), answer[1]);
  return verdict (cf, CHECK_PASS, _("status X'%02X', then closed"),
                  answer[1]);
}

static enum check_result
check_userpass_success (struct conf *cf)
{
  struct socks5_client c;
  size_t extra_len;
  int fd;

  if (probe_opt.user == NULL)
    return verdict (cf, CHECK_SKIP, _("no credentials given (-U)"));
  fd = conf_connect (cf);
  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  socks5_client_init (&c);
  struct socks6_addr unused = loopback (false, 0);
  socks5_client_set_request (&c, SOCKS5_CMD_CONNECT, &unused);
  socks5_client_set_credentials (&c, probe_opt.user, strlen (probe_opt.user),
                                 probe_opt.password,
                                 strlen (probe_opt.password));
  socks5_client_start (&c);
  probe_drive (fd, &c, SOCKS5_CLIENT_REPLY, deadline (), NULL, 0,
               &extra_len);
  close (fd);
  if (socks5_client_auth_status (&c) == 0)
    return verdict (cf, CHECK_PASS, _("credentials for \"%s\" accepted"),
                    probe_opt.user);
  if (socks5_client_method (&c) == SOCKS5_METHOD_UNACCEPTABLE)
    return verdict (cf, CHECK_SKIP, _("the server does not offer "
                                      "username/password"));
  if (socks5_client_method (&c) == SOCKS5_METHOD_NONE)
    return verdict (cf, CHECK_SKIP, _("the server chose no "
                                      "authentication"));
  return verdict (cf, CHECK_FAIL, _("credentials for \"%s\" refused"),
                  probe_opt.user);
}

/* A command the server may or may not support: any well-formed reply
   passes, and the reason says which.  */
static enum check_result
any_reply (struct conf *cf, uint8_t command, const struct socks6_addr *dst)
{
  struct socks5_client c;
  enum probe_io io;
  char bound[SOCKS6_ADDR_TEXT_MAX];
  int fd;

  if (cf->no_way_in)
    return verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                      "give -U"));
  fd = engine_request (cf, &c, command, dst, false, &io);
  if (fd >= 0)
    close (fd);
  const struct socks5_reply *r = socks5_client_reply (&c, 0);
  if (r == NULL)
    return verdict (cf, CHECK_FAIL, _("no reply: %s"),
                    engine_failure (&c, io));
  if (socks6_addr_format (&r->bound, true, bound, sizeof bound) < 0)
    snprintf (bound, sizeof bound, "%s", r->bound.u.name.text);
  return verdict (cf, CHECK_PASS, _("reply X'%02X' (%s), BND %s"), r->reply,
                  socks5_reply_description (r->reply), bound);
}

/* --- BIND and UDP ASSOCIATE.  A server that answers X'07' (or refuses
   the command by its rules) skips these checks: RFC 1928 does not make
   either command mandatory.  --- */

/* How long to listen for a datagram that should not come.  */
static int
quiet_ms (void)
{
  return probe_opt.timeout_ms < 1000 ? probe_opt.timeout_ms : 1000;
}

/* Run COMMAND to DST up to its (first) reply on a new connection.  Return
   the socket, the reply in *C, or -1 with the verdict in *RESULT.  */
static int
command_open (struct conf *cf, struct socks5_client *c, uint8_t command,
              const struct socks6_addr *dst, enum check_result *result)
{
  const struct socks5_reply *r;
  enum probe_io io;
  int fd;

  if (cf->no_way_in)
    {
      *result = verdict (cf, CHECK_SKIP, _("the server needs credentials: "
                                           "give -U"));
      return -1;
    }
  fd = engine_request (cf, c, command, dst, false, &io);
  if (fd < 0)
    {
      *result = verdict (cf, CHECK_FAIL, _("could not reach the server"));
      return -1;
    }
  r = socks5_client_reply (c, 0);
  if (r == NULL || r->reply != SOCKS5_REP_SUCCEEDED)
    {
      close (fd);
      if (r == NULL)
        *result = verdict (cf, CHECK_FAIL, _("no reply: %s"),
                           engine_failure (c, io));
      else if (r->reply == SOCKS5_REP_COMMAND_NOT_SUPPORTED)
        *result = verdict (cf, CHECK_SKIP, _("the server does not support "
                                             "%s (X'07')"),
                           socks5_command_name (command));
      else
        *result = verdict (cf, CHECK_SKIP, _("%s refused with X'%02X' "
                                             "(%s)"),
                           socks5_command_name (command), r->reply,
                           socks5_reply_description (r->reply));
      return -1;
    }
  return fd;
}

/* How far a BIND check goes.  */
enum bind_stage { BIND_FIRST, BIND_SECOND, BIND_DATA };

/* BIND, then connect as the peer from FROM (NULL: any address) and take
   the second reply.  Return the peer's socket (FD the client's), or -1
   with the verdict in *RESULT.  */
static int
bind_peer (struct conf *cf, int fd, struct socks5_client *c,
           const struct socks6_addr *from, struct socks6_addr *local,
           enum check_result *result)
{
  struct socks6_addr where;
  union socks6_sockaddr sa;
  socklen_t salen = sizeof sa;
  size_t extra_len;
  int peer;

  if (!probe_announced_where (fd, &socks5_client_reply (c, 0)->bound,
                              &where))
    {
      *result = verdict (cf, CHECK_FAIL, _("BND.ADDR gives no usable "
                                           "address"));
      return -1;
    }
  peer = probe_bind_peer_connect (&where, from, deadline ());
  if (peer < 0)
    {
      *result = verdict (cf, CHECK_FAIL, _("the peer cannot connect to "
                                           "BND: %s"), strerror (errno));
      return -1;
    }
  getsockname (peer, &sa.sa, &salen);
  socks6_addr_from_sockaddr (local, &sa.sa, salen);
  probe_drive (fd, c, SOCKS5_CLIENT_INIT, deadline (), NULL, 0, &extra_len);
  return peer;
}

static enum check_result
bind_check (struct conf *cf, enum bind_stage stage)
{
  struct socks6_addr dst = loopback (false, 0), local;
  struct socks5_client c;
  enum check_result result;
  char text[SOCKS6_ADDR_TEXT_MAX];
  int fd = command_open (cf, &c, SOCKS5_CMD_BIND, &dst, &result), peer;
  const struct socks5_reply *r;

  if (fd < 0)
    return result;
  r = socks5_client_reply (&c, 0);
  if (socks6_addr_format (&r->bound, true, text, sizeof text) < 0)
    snprintf (text, sizeof text, "?");
  if (stage == BIND_FIRST)
    {
      double ms = probe_ms (socks5_client_time (&c, SOCKS5_CLIENT_REPLY),
                            socks5_client_time (&c, SOCKS5_CLIENT_BIND_PEER));
      close (fd);
      if (r->bound.port == 0)
        return verdict (cf, CHECK_FAIL, _("BND.PORT is 0"));
      return verdict (cf, CHECK_PASS, _("first reply in %.1f ms: BND %s"),
                      ms, text);
    }
  peer = bind_peer (cf, fd, &c, NULL, &local, &result);
  if (peer < 0)
    {
      close (fd);
      return result;
    }
  r = socks5_client_reply (&c, 1);
  if (r == NULL || r->reply != SOCKS5_REP_SUCCEEDED)
    result = r ? verdict (cf, CHECK_FAIL, _("second reply X'%02X' (%s)"),
                          r->reply, socks5_reply_description (r->reply))
      : verdict (cf, CHECK_FAIL, _("no second reply after the peer "
                                   "connected: %s"),
                 engine_failure (&c, PROBE_IO_OK));
  else if (!socks6_addr_equal (&r->bound, &local))
    {
      char peer_text[SOCKS6_ADDR_TEXT_MAX];
      socks6_addr_format (&r->bound, true, text, sizeof text);
      socks6_addr_format (&local, true, peer_text, sizeof peer_text);
      result = verdict (cf, CHECK_FAIL, _("the second reply names %s, but "
                                          "the peer is %s"), text,
                        peer_text);
    }
  else if (stage == BIND_SECOND)
    result = verdict (cf, CHECK_PASS, _("the second reply names the peer, "
                                        "%s"), text);
  else
    {
      char buf[16];
      size_t got;
      bool to_peer = send_bytes (fd, "to the peer\n", 12)
        && probe_recv_exact (peer, buf, 12, &got, deadline ()) == PROBE_IO_OK
        && memcmp (buf, "to the peer\n", 12) == 0;
      bool to_client = to_peer && send_bytes (peer, "to the client\n", 14)
        && probe_recv_exact (fd, buf, 14, &got, deadline ()) == PROBE_IO_OK
        && memcmp (buf, "to the client\n", 14) == 0;
      result = to_client
        ? verdict (cf, CHECK_PASS, _("data relayed both ways"))
        : verdict (cf, CHECK_FAIL, to_peer
                   ? _("the peer's data did not reach the client")
                   : _("the client's data did not reach the peer"));
    }
  close (peer);
  close (fd);
  return result;
}

static enum check_result
check_bind_reply (struct conf *cf)
{
  return bind_check (cf, BIND_FIRST);
}

static enum check_result
check_bind_second (struct conf *cf)
{
  return bind_check (cf, BIND_SECOND);
}

static enum check_result
check_bind_data (struct conf *cf)
{
  return bind_check (cf, BIND_DATA);
}

/* BIND announcing the peer as 127.0.0.1, then a peer from 127.0.0.2.
   RFC 1928 lets a server use DST.ADDR "in evaluating the BIND request",
   not forces it to: accepting the stranger is a SKIP, not a FAIL.  */
static enum check_result
check_bind_wrong_peer (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, 0), from, local;
  struct socks5_client c;
  enum check_result result;
  int fd, peer;

  socks6_addr_parse_literal (&from, "127.0.0.2", 0);
  fd = command_open (cf, &c, SOCKS5_CMD_BIND, &dst, &result);
  if (fd < 0)
    return result;
  peer = bind_peer (cf, fd, &c, &from, &local, &result);
  close (fd);
  if (peer < 0)
    return errno == EADDRNOTAVAIL
      ? verdict (cf, CHECK_SKIP, _("no 127.0.0.2 on this host"))
      : verdict (cf, CHECK_PASS, _("the peer from 127.0.0.2 could not "
                                   "connect"));
  close (peer);
  const struct socks5_reply *r = socks5_client_reply (&c, 1);
  if (r && r->reply == SOCKS5_REP_SUCCEEDED)
    return verdict (cf, CHECK_SKIP, _("a peer from 127.0.0.2 was accepted "
                                      "for DST.ADDR 127.0.0.1: the server "
                                      "does not check (RFC 1928 allows "
                                      "that)"));
  return verdict (cf, CHECK_PASS, r ? _("rejected with X'%02X'")
                  : _("rejected: no second reply"), r ? r->reply : 0);
}

/* A UDP association: its TCP connection, and a socket to its relay.  */
struct assoc
{
  int fd, ufd;
  struct socks6_addr relay;
};

static bool
assoc_open (struct conf *cf, struct assoc *a, enum check_result *result)
{
  struct socks6_addr dst;
  struct socks5_client c;

  memset (&dst, 0, sizeof dst);
  dst.type = SOCKS6_ADDR_IPV4;
  a->ufd = -1;
  a->fd = command_open (cf, &c, SOCKS5_CMD_UDP_ASSOCIATE, &dst, result);
  if (a->fd < 0)
    return false;
  if (!probe_announced_where (a->fd, &socks5_client_reply (&c, 0)->bound,
                              &a->relay))
    *result = verdict (cf, CHECK_FAIL, _("BND.ADDR gives no usable relay "
                                         "address"));
  else if (a->relay.port == 0)
    *result = verdict (cf, CHECK_FAIL, _("BND.PORT is 0"));
  else if ((a->ufd = probe_udp_open (&a->relay, NULL)) < 0)
    *result = verdict (cf, CHECK_FAIL, _("cannot send to the relay: %s"),
                       strerror (errno));
  else
    return true;
  close (a->fd);
  return false;
}

static void
assoc_close (struct assoc *a)
{
  if (a->fd >= 0)
    close (a->fd);
  if (a->ufd >= 0)
    close (a->ufd);
}

/* One datagram for DST with FRAG through UFD, waiting WAIT_MS for the
   echo.  Return true when the echo came back with FRAG 0, DST as its
   source (its port, for a name) and the payload whole; else *WHY.  */
static bool
assoc_echo (int ufd, const struct socks6_addr *dst, uint8_t frag,
            int wait_ms, const char **why)
{
  static const char text[] = "socks6-probe udp check";
  struct socks5_udp_header h;
  uint8_t buf[256];
  size_t len;
  enum probe_io io;

  *why = NULL;
  if (!probe_udp_send (ufd, frag, dst, text, sizeof text - 1))
    {
      *why = strerror (errno);
      return false;
    }
  io = probe_udp_recv (ufd, &h, buf, sizeof buf, &len,
                       probe_deadline (wait_ms));
  if (io == PROBE_IO_TIMEOUT)
    *why = _("no datagram came back");
  else if (io != PROBE_IO_OK)
    *why = errno == EBADMSG ? _("the datagram back has no valid header")
      : strerror (errno);
  else if (h.frag != 0)
    *why = _("the datagram back has FRAG other than X'00'");
  else if (dst->type == SOCKS6_ADDR_NAME
           ? h.dst.port != dst->port || h.dst.type == SOCKS6_ADDR_NAME
           : !socks6_addr_equal (&h.dst, dst))
    *why = _("the header of the datagram back does not name the "
             "destination");
  else if (len != sizeof text - 1 || memcmp (buf, text, len) != 0)
    *why = _("the payload came back changed");
  return *why == NULL;
}

static enum check_result
check_udp_reply (struct conf *cf)
{
  struct assoc a;
  enum check_result result;
  char text[SOCKS6_ADDR_TEXT_MAX];

  if (!assoc_open (cf, &a, &result))
    return result;
  socks6_addr_format (&a.relay, true, text, sizeof text);
  assoc_close (&a);
  return verdict (cf, CHECK_PASS, _("relay endpoint %s"), text);
}

static enum check_result
udp_echo_check (struct conf *cf, const struct socks6_addr *dst)
{
  struct assoc a;
  enum check_result result;
  const char *why;
  uint64_t t0;

  if (!assoc_open (cf, &a, &result))
    return result;
  t0 = socks6_now_ns ();
  bool ok = assoc_echo (a.ufd, dst, 0, probe_opt.timeout_ms, &why);
  double ms = probe_ms (t0, socks6_now_ns ());
  assoc_close (&a);
  return ok ? verdict (cf, CHECK_PASS, _("echo back in %.1f ms with the "
                                         "right header"), ms)
    : verdict (cf, CHECK_FAIL, "%s", why);
}

static enum check_result
check_udp_ipv4 (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.udp4_port);
  return udp_echo_check (cf, &dst);
}

static enum check_result
check_udp_ipv6 (struct conf *cf)
{
  struct socks6_addr dst = loopback (true, cf->peer.udp6_port);

  if (!cf->peer.has_ipv6)
    return verdict (cf, CHECK_SKIP, _("no ::1 on this host"));
  return udp_echo_check (cf, &dst);
}

static enum check_result
check_udp_name (struct conf *cf)
{
  struct socks6_addr dst;

  socks6_addr_set_name (&dst, "localhost", 9, cf->peer.udp4_port);
  if (cf->peer.has_ipv6 && cf->peer.udp6_port != cf->peer.udp4_port)
    return verdict (cf, CHECK_SKIP, _("no common UDP port on 127.0.0.1 "
                                      "and ::1 for \"localhost\""));
  return udp_echo_check (cf, &dst);
}

/* Open an association and prove it works, for the checks that then
   expect silence.  */
static bool
assoc_ready (struct conf *cf, struct assoc *a, const struct socks6_addr *dst,
             enum check_result *result)
{
  const char *why;

  if (!assoc_open (cf, a, result))
    return false;
  if (assoc_echo (a->ufd, dst, 0, probe_opt.timeout_ms, &why))
    return true;
  *result = verdict (cf, CHECK_FAIL, _("the relay does not work: %s"), why);
  assoc_close (a);
  return false;
}

static enum check_result
check_udp_frag (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.udp4_port);
  struct assoc a;
  enum check_result result;
  const char *why;

  if (!assoc_ready (cf, &a, &dst, &result))
    return result;
  /* FRAG 1 alone: a server without reassembly must drop it, and one
     with it waits for the rest; either way nothing comes back.  */
  if (assoc_echo (a.ufd, &dst, 1, quiet_ms (), &why))
    result = verdict (cf, CHECK_FAIL, _("a datagram with FRAG X'01' was "
                                        "relayed as a whole one"));
  else if (!assoc_echo (a.ufd, &dst, 0, probe_opt.timeout_ms, &why))
    result = verdict (cf, CHECK_FAIL, _("after FRAG X'01', the relay "
                                        "stopped working: %s"), why);
  else
    result = verdict (cf, CHECK_PASS, _("dropped; the relay still works"));
  assoc_close (&a);
  return result;
}

static enum check_result
check_udp_stranger (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.udp4_port);
  struct assoc a;
  enum check_result result;
  const char *why;
  int stranger;

  if (!assoc_ready (cf, &a, &dst, &result))
    return result;
  /* Another socket, so another source port, same host: what RFC 1928
     section 7 means by a datagram "from any source IP address other
     than the one recorded for the particular association".  */
  stranger = probe_udp_open (&a.relay, NULL);
  if (stranger < 0)
    result = verdict (cf, CHECK_FAIL, _("cannot open a second socket: %s"),
                      strerror (errno));
  else if (assoc_echo (stranger, &dst, 0, quiet_ms (), &why))
    result = verdict (cf, CHECK_FAIL, _("a datagram from another port of "
                                        "the client's host was relayed"));
  else if (!assoc_echo (a.ufd, &dst, 0, probe_opt.timeout_ms, &why))
    result = verdict (cf, CHECK_FAIL, _("after the stranger's datagram, "
                                        "the relay stopped working: %s"),
                      why);
  else
    result = verdict (cf, CHECK_PASS, _("dropped; the client's datagrams "
                                        "still relayed"));
  if (stranger >= 0)
    close (stranger);
  assoc_close (&a);
  return result;
}

static enum check_result
check_udp_teardown (struct conf *cf)
{
  struct socks6_addr dst = loopback (false, cf->peer.udp4_port);
  struct assoc a;
  enum check_result result;
  double ms;
  int limit = probe_opt.timeout_ms < 2000 ? 2000 : probe_opt.timeout_ms;

  if (!assoc_ready (cf, &a, &dst, &result))
    return result;
  close (a.fd);
  a.fd = -1;
  bool ended = probe_udp_ended (a.ufd, &dst, limit, &ms);
  assoc_close (&a);
  return ended
    ? verdict (cf, CHECK_PASS, _("no datagram relayed after the close "
                                 "(checked in %.1f ms)"), ms)
    : verdict (cf, CHECK_FAIL, _("still relaying %d ms after the TCP "
                                 "connection closed"), limit);
}


static enum check_result
check_resolve (struct conf *cf)
{
  struct socks6_addr dst;

  socks6_addr_set_name (&dst, "localhost", 9, 0);
  return any_reply (cf, SOCKS5_CMD_RESOLVE, &dst);
}

static enum check_result
check_empty_connection (struct conf *cf)
{
  int fd = conf_connect (cf);

  if (fd < 0)
    return verdict (cf, CHECK_FAIL, _("could not reach the server"));
  close (fd);
  if (!still_alive (cf))
    return verdict (cf, CHECK_FAIL, _("the server does not answer new "
                                      "clients any more"));
  return verdict (cf, CHECK_PASS, _("still serving"));
}

static enum check_result
check_still_alive (struct conf *cf)
{
  return still_alive (cf)
    ? verdict (cf, CHECK_PASS, _("the server still answers a greeting"))
    : verdict (cf, CHECK_FAIL, _("the server no longer answers"));
}

struct check
{
  const char *id;               /* stable, for scripts and JSON */
  const char *title;            /* N_(), translated when printed */
  enum check_result (*run) (struct conf *);
};

static const struct check checks[] = {
  {"method-none", N_("greeting offering X'00' gets a method choice"),
   check_method_none},
  {"method-unacceptable", N_("no acceptable method gives X'FF' and a close"),
   check_method_unacceptable},
  {"nmethods-zero", N_("greeting with no method is refused"),
   check_nmethods_zero},
  {"greeting-bad-version", N_("greeting of version 6 is closed"),
   check_bad_version},
  {"greeting-truncated", N_("truncated greeting is closed"),
   check_greeting_truncated},
  {"greeting-255-methods", N_("greeting of 255 methods is read whole"),
   check_greeting_255},
  {"connect-ipv4", N_("CONNECT to an IPv4 destination"), check_connect_ipv4},
  {"connect-ipv6", N_("CONNECT to an IPv6 destination"), check_connect_ipv6},
  {"connect-name", N_("CONNECT to a name"), check_connect_name},
  {"name-1-octet", N_("a name of 1 octet gets a reply"), check_name_1},
  {"name-255-octets", N_("a name of 255 octets gets a reply"),
   check_name_255},
  {"pipelined", N_("greeting and request in one segment"), check_pipelined},
  {"fragmented", N_("greeting and request one octet at a time"),
   check_fragmented},
  {"unsupported-command", N_("unknown command gives X'07'"),
   check_unsupported_command},
  {"unknown-atyp", N_("unknown address type gives X'08'"),
   check_unknown_atyp},
  {"request-bad-version", N_("request of version 4 is refused"),
   check_request_bad_version},
  {"request-truncated", N_("truncated request is closed"),
   check_request_truncated},
  {"refused-destination", N_("refused destination gives X'05'"),
   check_refused},
  {"close-after-failure", N_("connection closed within 10 s of a failure "
                             "reply"), check_close_after_failure},
  {"reply-time", N_("reply within the time limit"), check_reply_time},
  {"half-close", N_("half-close is relayed through CONNECT"),
   check_half_close},
  {"userpass-failure", N_("wrong username/password refused, then closed"),
   check_userpass_failure},
  {"userpass-success", N_("given username/password accepted"),
   check_userpass_success},
  {"bind-reply", N_("BIND's first reply in time, with a usable BND"),
   check_bind_reply},
  {"bind-second-reply", N_("BIND's second reply names the peer once it "
                           "connects"), check_bind_second},
  {"bind-data", N_("BIND relays data both ways"), check_bind_data},
  {"bind-wrong-peer", N_("BIND rejects a peer from another address than "
                         "DST.ADDR"), check_bind_wrong_peer},
  {"udp-associate-reply", N_("UDP ASSOCIATE gives a usable relay endpoint"),
   check_udp_reply},
  {"udp-ipv4", N_("UDP datagram to an IPv4 destination and back"),
   check_udp_ipv4},
  {"udp-ipv6", N_("UDP datagram to an IPv6 destination and back"),
   check_udp_ipv6},
  {"udp-name", N_("UDP datagram to a name and back"), check_udp_name},
  {"udp-frag-dropped", N_("UDP datagram with FRAG other than X'00' is "
                          "dropped"), check_udp_frag},
  {"udp-stranger-dropped", N_("UDP datagram from another source port is "
                              "dropped"), check_udp_stranger},
  {"udp-ends-with-tcp", N_("UDP association ends with its TCP "
                           "connection"), check_udp_teardown},
  {"resolve-reply", N_("RESOLVE (X'F0') gets a well-formed reply"),
   check_resolve},
  {"empty-connection", N_("a connection closed at once does no harm"),
   check_empty_connection},
  {"still-alive", N_("the server still serves after all the above"),
   check_still_alive},
};

/* The server's first address that accepts a TCP connection.  */
static bool
conf_find_server (struct conf *cf, int *status)
{
  union socks6_sockaddr sa;
  socklen_t len = sizeof sa;
  int family;
  int fd = probe_open_server (true, &family, status);

  if (fd < 0)
    return false;
  getpeername (fd, &sa.sa, &len);
  close (fd);
  cf->server = sa;
  cf->server_len = len;
  return true;
}

int
probe_conformance (void)
{
  static const char *const names[] = { "PASS", "FAIL", "SKIP" };
  struct conf cf;
  int counts[3] = { 0, 0, 0 };
  int status = PROBE_EXIT_OK;
  size_t i;

  memset (&cf, 0, sizeof cf);
  probe_json_begin (NULL);
  probe_json_string ("program", "socks6-probe");
  probe_json_string ("version", VERSION);
  probe_json_string ("server", probe_opt.server);
  if (!conf_find_server (&cf, &status))
    {
      probe_say (_("verdict"), _("cannot reach the server %s"),
                 probe_opt.server);
      probe_json_string ("verdict", "unreachable");
      probe_json_int ("exit_status", status);
      probe_json_end ();
      return status;
    }
  if (probe_peer_start (&cf.peer, 120000) < 0)
    {
      probe_json_string ("verdict", "local-error");
      probe_json_int ("exit_status", PROBE_EXIT_LOCAL);
      probe_json_end ();
      probe_say (_("verdict"), _("cannot start the echo peer on loopback"));
      return PROBE_EXIT_LOCAL;
    }
  probe_json_begin_array ("checks");
  for (i = 0; i < sizeof checks / sizeof checks[0]; i++)
    {
      enum check_result r;
      cf.reason[0] = '\0';
      r = checks[i].run (&cf);
      counts[r]++;
      probe_say (NULL, "%2zu %s %s: %s (%s)", i + 1, names[r], checks[i].id,
                 _(checks[i].title), cf.reason);
      fflush (stdout);
      probe_json_begin (NULL);
      probe_json_int ("number", i + 1);
      probe_json_string ("id", checks[i].id);
      probe_json_string ("result", names[r]);
      probe_json_string ("reason", cf.reason);
      probe_json_end ();
    }
  probe_json_end_array ();
  probe_peer_stop (&cf.peer);
  probe_say (NULL, _("%d passed, %d failed, %d skipped"), counts[0],
             counts[1], counts[2]);
  probe_json_int ("passed", counts[0]);
  probe_json_int ("failed", counts[1]);
  probe_json_int ("skipped", counts[2]);
  probe_json_int ("exit_status", counts[1] ? PROBE_EXIT_SERVER : 0);
  probe_json_end ();
  return counts[1] ? PROBE_EXIT_SERVER : PROBE_EXIT_OK;
}
