/* socks6-probe's diagnostics, the default mode: reach the server step by
   step (name, TCP, greeting, authentication, then each command asked
   for), say in plain words what happened at each step and how long it
   took, and end with one verdict line.  Each command runs on its own
   connection, as SOCKS 5 allows one command per connection.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "probe.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "i18n.h"
#include "name.h"
#include "replycode.h"
#include "socks5.h"

/* Whether the session being driven is a later one, whose greeting and
   authentication are reported only when they fail, and never in the
   JSON object, which has one "greeting" and one "auth" member.  */
static bool diag_later_session;

/* The verdict so far: the worst exit status and the first reason.  */
static int diag_status = PROBE_EXIT_OK;
static const char *diag_kind = "ok";
static char diag_reason[512];

/* Record a failure of kind KIND ("refused", "misbehaved",
   "local-error") with the reason as a printf format.  */
static void __attribute__ ((format (printf, 3, 4)))
diag_fail (int status, const char *kind, const char *format, ...)
{
  if (status > diag_status || diag_reason[0] == '\0')
    {
      va_list ap;
      va_start (ap, format);
      vsnprintf (diag_reason, sizeof diag_reason, format, ap);
      va_end (ap);
      diag_kind = kind;
    }
  if (status > diag_status)
    diag_status = status;
}

/* Stable names for JSON.  */
static const char *
family_id (int family)
{
  return family == AF_INET6 ? "IPv6" : family == AF_INET ? "IPv4" : "name";
}

static const char *
method_id (int method)
{
  switch (method)
    {
    case SOCKS5_METHOD_NONE:
      return "no-authentication";
    case SOCKS5_METHOD_GSSAPI:
      return "gssapi";
    case SOCKS5_METHOD_USERPASS:
      return "username-password";
    case SOCKS5_METHOD_UNACCEPTABLE:
      return "no-acceptable-methods";
    default:
      return "other";
    }
}

static const char *
method_text (int method)
{
  const char *name = method >= 0 ? socks5_method_name (method) : NULL;
  return name ? name : _("an unknown method");
}

static void
format_addr (const struct socks6_addr *a, bool with_port, char *buf,
             size_t size)
{
  if (a->type == SOCKS6_ADDR_NAME)
    {
      socks6_name_to_display (a->u.name.text, a->u.name.len, buf, size);
      if (with_port && strlen (buf) + 7 < size)
        sprintf (buf + strlen (buf), ":%u", a->port);
    }
  else if (socks6_addr_format (a, with_port, buf, size) < 0)
    snprintf (buf, size, "?");
}

/* Resolve the server's name (or take its literal address) into RES.  */
static int
open_resolve (bool quiet, struct addrinfo **res, int *status, bool *is_name)
{
  struct socks6_addr server;
  struct addrinfo hints;
  char port[8], host[SOCKS6_ADDR_TEXT_MAX];
  uint64_t t0 = socks6_now_ns ();
  int rc = socks6_addr_parse (&server, probe_opt.server, 1080);

  if (rc != SOCKS6_OK)
    {
      diag_fail (PROBE_EXIT_LOCAL, "local-error",
                 _("invalid server address '%s': %s"), probe_opt.server,
                 socks6_strerror (rc));
      *status = PROBE_EXIT_LOCAL;
      return -1;
    }
  socks6_addr_format (&server, false, host, sizeof host);
  snprintf (port, sizeof port, "%u", server.port);
  memset (&hints, 0, sizeof hints);
  hints.ai_family = probe_opt.family;
  hints.ai_socktype = SOCK_STREAM;
  if (server.type != SOCKS6_ADDR_NAME)
    hints.ai_flags = AI_NUMERICHOST;
  rc = getaddrinfo (host, port, &hints, res);
  if (rc != 0)
    {
      if (!quiet)
        probe_say (_("resolve"), _("cannot resolve %s: %s"), host,
                   gai_strerror (rc));
      diag_fail (PROBE_EXIT_LOCAL, "local-error",
                 _("the server's name %s cannot be resolved"), host);
      *status = PROBE_EXIT_LOCAL;
      return -1;
    }
  *is_name = server.type == SOCKS6_ADDR_NAME;
  if (!quiet && *is_name)
    {
      int n = 0;
      for (struct addrinfo *ai = *res; ai; ai = ai->ai_next)
        n++;
      probe_say (_("resolve"), _("%s has %d address(es), in %.1f ms:"),
                 host, n, probe_ms (t0, socks6_now_ns ()));
      probe_json_ms ("resolve_ms", probe_ms (t0, socks6_now_ns ()));
    }
  return 0;
}

/* List the server's addresses (when it was given as a name).  */
static void
report_addresses (const struct addrinfo *res, bool is_name)
{
  probe_json_begin_array ("addresses");
  for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
    {
      struct socks6_addr a;
      char text[SOCKS6_ADDR_TEXT_MAX];
      socks6_addr_from_sockaddr (&a, ai->ai_addr, ai->ai_addrlen);
      format_addr (&a, false, text, sizeof text);
      if (is_name)
        probe_say (NULL, "  %s (%s)", text, family_id (ai->ai_family));
      probe_json_begin (NULL);
      probe_json_string ("address", text);
      probe_json_string ("family", family_id (ai->ai_family));
      probe_json_end ();
    }
  probe_json_end_array ();
}

/* Connect to AI, and report the attempt (a failure even when QUIET).  */
static int
connect_one (const struct addrinfo *ai, bool quiet)
{
  struct socks6_addr a;
  char text[SOCKS6_ADDR_TEXT_MAX];
  union socks6_sockaddr sa;
  uint64_t t0 = socks6_now_ns ();
  int fd, err;

  memcpy (&sa, ai->ai_addr, ai->ai_addrlen);
  fd = probe_tcp_connect (&sa, ai->ai_addrlen,
                          probe_deadline (probe_opt.timeout_ms));
  err = errno;
  if (quiet && fd >= 0)
    return fd;
  socks6_addr_from_sockaddr (&a, ai->ai_addr, ai->ai_addrlen);
  socks6_addr_format (&a, true, text, sizeof text);
  if (fd >= 0)
    probe_say (_("tcp"), _("connected to %s (%s) in %.1f ms"), text,
               family_id (ai->ai_family), probe_ms (t0, socks6_now_ns ()));
  else
    probe_say (_("tcp"), _("%s (%s): %s, after %.1f ms"), text,
               family_id (ai->ai_family), strerror (err),
               probe_ms (t0, socks6_now_ns ()));
  if (quiet)
    return fd;
  probe_json_begin (NULL);
  probe_json_string ("address", text);
  probe_json_string ("family", family_id (ai->ai_family));
  probe_json_string ("result", fd >= 0 ? "connected" : "failed");
  if (fd < 0)
    probe_json_string ("error", strerror (err));
  probe_json_ms ("ms", probe_ms (t0, socks6_now_ns ()));
  probe_json_end ();
  return fd;
}

/* Report the addresses of the server, then try each until one
   connects.  */
int
probe_open_server (bool quiet, int *family, int *status)
{
  struct addrinfo *res, *ai;
  bool is_name;
  int fd = -1;

  if (open_resolve (quiet, &res, status, &is_name) < 0)
    return -1;
  if (!quiet)
    {
      report_addresses (res, is_name);
      probe_json_begin_array ("tcp");
    }
  for (ai = res; ai && fd < 0; ai = ai->ai_next)
    {
      fd = connect_one (ai, quiet);
      *family = ai->ai_family;
    }
  if (!quiet)
    probe_json_end_array ();
  freeaddrinfo (res);
  if (fd < 0)
    {
      diag_fail (PROBE_EXIT_SERVER, "refused",
                 _("no TCP connection to %s"), probe_opt.server);
      *status = PROBE_EXIT_SERVER;
    }
  return fd;
}

/* Show the first octets of an answer that is not SOCKS 5, and what it
   looks like: people point SOCKS clients at HTTP proxies and SOCKS 4
   servers more often than at anything else.  */
static void
report_foreign_answer (const char *step)
{
  char text[4 * sizeof probe_first_octets + 1], hex[3 * sizeof
                                                     probe_first_octets + 1];
  size_t i, n = probe_first_octets_len;

  if (n == 0)
    return;
  for (i = 0; i < n; i++)
    sprintf (hex + (i ? 3 * i - 1 : 0), "%s%02x", i ? " " : "",
             probe_first_octets[i]);
  socks6_escape (probe_first_octets, n, SOCKS6_ESCAPE_C, text,
                 sizeof text);
  probe_say (step, _("the answer starts with %s (\"%s\")"), hex, text);
  if (n >= 4 && memcmp (probe_first_octets, "HTTP", 4) == 0)
    probe_say (step, _("this looks like an HTTP server or proxy, not "
                       "SOCKS 5"));
  else if (n >= 2 && probe_first_octets[0] == 0
           && probe_first_octets[1] >= 0x5A && probe_first_octets[1] <= 0x5D)
    probe_say (step, _("this looks like a SOCKS 4 server"));
}

/* Say why the engine stopped before an answer to the message awaited
   in STATE, after the I/O ended with IO.  */
static void
report_no_answer (const char *step, struct socks5_client *c,
                  enum probe_io io)
{
  int err = socks5_client_error (c);

  if (io == PROBE_IO_TIMEOUT)
    {
      probe_say (step, _("no answer within %d ms"), probe_opt.timeout_ms);
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("%s: the server did not answer in time"), step);
    }
  else if (io == PROBE_IO_EOF && socks5_client_buffered (c) > 0)
    {
      probe_say (step, _("the server closed the connection after %zu of "
                         "at least %zu octets of its answer"),
                 socks5_client_buffered (c), socks5_client_expected (c));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("%s: truncated answer"), step);
    }
  else if (io == PROBE_IO_EOF)
    {
      probe_say (step, _("the server closed the connection without "
                         "answering"));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("%s: the server closed the connection"), step);
    }
  else if (io == PROBE_IO_ERROR)
    {
      probe_say (step, _("connection error: %s"), strerror (errno));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved", _("%s: %s"), step,
                 strerror (errno));
    }
  else
    {
      report_foreign_answer (step);
      probe_say (step, _("invalid answer: %s"), socks6_strerror (err));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("%s: the server's answer is not valid SOCKS 5 (%s)"),
                 step, socks6_strerror (err));
    }
  if (diag_later_session)
    return;
  probe_json_begin (step);
  probe_json_string ("error", io == PROBE_IO_TIMEOUT ? "timeout"
                     : io == PROBE_IO_EOF ? "closed"
                     : io == PROBE_IO_ERROR ? "io-error" : "protocol");
  probe_json_end ();
}

static bool report_greeting_choice (struct socks5_client *c);

/* Report the method choice and the authentication.  Return false when
   the handshake cannot go on.  */
static bool
report_greeting (struct socks5_client *c, enum probe_io io)
{
  int method = socks5_client_method (c);
  uint64_t t0 = socks5_client_time (c, SOCKS5_CLIENT_METHOD);
  uint64_t t1 = socks5_client_time (c, SOCKS5_CLIENT_AUTH);
  bool creds = probe_opt.user != NULL;
  bool both = creds && !probe_opt.pipeline;

  if (method < 0)
    {
      report_no_answer ("greeting", c, io);
      return false;
    }
  if (!t1)
    t1 = socks5_client_time (c, SOCKS5_CLIENT_REPLY);
  if (!t1)
    t1 = socks5_client_time (c, SOCKS5_CLIENT_FAILED);
  if (diag_later_session && method != SOCKS5_METHOD_UNACCEPTABLE)
    return report_greeting_choice (c);
  probe_say (_("greeting"), _("offered %s%s%s; the server chose %s "
                              "(X'%02X') in %.1f ms"),
             both || !creds ? socks5_method_name (SOCKS5_METHOD_NONE) : "",
             both ? _(" and ") : "",
             creds ? socks5_method_name (SOCKS5_METHOD_USERPASS) : "",
             method_text (method), (unsigned) method, probe_ms (t0, t1));
  probe_json_begin ("greeting");
  probe_json_begin_array ("offered");
  if (both || !creds)
    probe_json_string (NULL, method_id (SOCKS5_METHOD_NONE));
  if (creds)
    probe_json_string (NULL, method_id (SOCKS5_METHOD_USERPASS));
  probe_json_end_array ();
  probe_json_string ("chosen", method_id (method));
  probe_json_int ("chosen_code", method);
  probe_json_ms ("ms", probe_ms (t0, t1));
  probe_json_end ();
  return report_greeting_choice (c);
}

/* The verdict on the method the server chose.  */
static bool
report_greeting_choice (struct socks5_client *c)
{
  int method = socks5_client_method (c);
  bool creds = probe_opt.user != NULL;

  if (method == SOCKS5_METHOD_UNACCEPTABLE)
    {
      probe_say (_("greeting"), creds
                 ? _("the server accepts none of the offered methods")
                 : _("the server accepts none of the offered methods; "
                     "it may want a username and password (-U USER)"));
      diag_fail (PROBE_EXIT_SERVER, "refused",
                 _("no acceptable authentication method"));
      return false;
    }
  if (socks5_client_error (c) == SOCKS6_E_PROTOCOL
      && socks5_client_state (c) == SOCKS5_CLIENT_FAILED
      && socks5_client_auth_status (c) < 0
      && socks5_client_time (c, SOCKS5_CLIENT_AUTH) == 0
      && socks5_client_time (c, SOCKS5_CLIENT_REPLY) == 0)
    {
      probe_say (_("greeting"), _("the server chose a method that was "
                                  "not offered"));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("the server chose a method that was not offered"));
      return false;
    }
  return true;
}

static bool
report_auth (struct socks5_client *c, enum probe_io io)
{
  int status = socks5_client_auth_status (c);
  uint64_t t0 = socks5_client_time (c, SOCKS5_CLIENT_AUTH);
  uint64_t t1 = socks5_client_time (c, SOCKS5_CLIENT_REPLY);

  if (socks5_client_method (c) != SOCKS5_METHOD_USERPASS)
    return true;
  if (status < 0)
    {
      report_no_answer ("auth", c, io);
      return false;
    }
  if (!t1)
    t1 = socks5_client_time (c, SOCKS5_CLIENT_FAILED);
  if (diag_later_session && status == 0)
    return true;
  if (status == 0)
    probe_say (_("auth"), _("username/password accepted for \"%s\" in "
                            "%.1f ms"), probe_opt.user, probe_ms (t0, t1));
  else
    probe_say (_("auth"), _("username/password refused for \"%s\" "
                            "(status X'%02X') in %.1f ms"), probe_opt.user,
               (unsigned) status, probe_ms (t0, t1));
  probe_json_begin ("auth");
  probe_json_string ("user", probe_opt.user);
  probe_json_int ("status", status);
  probe_json_bool ("accepted", status == 0);
  probe_json_ms ("ms", probe_ms (t0, t1));
  probe_json_end ();
  if (status != 0)
    diag_fail (PROBE_EXIT_SERVER, "refused",
               _("the server refused the username and password"));
  return status == 0;
}

/* Open a connection and run the engine for COMMAND to DST until it
   settles or reaches STOP_AT.  The first session reports the greeting
   and authentication; the others say only what goes wrong.  */
static int
diag_session (bool first, struct socks5_client *c, uint8_t command,
              const struct socks6_addr *dst, enum socks5_client_state stop_at,
              int *family, enum probe_io *io, uint8_t *extra,
              size_t extra_size, size_t *extra_len)
{
  int status;
  int fd = probe_open_server (!first, family, &status);

  if (fd < 0)
    return -1;
  diag_later_session = !first;
  socks5_client_init (c);
  socks5_client_set_request (c, command, dst);
  socks5_client_set_clock (c, probe_clock, NULL);
  socks5_client_set_pipelining (c, probe_opt.pipeline);
  if (probe_opt.user)
    socks5_client_set_credentials (c, probe_opt.user,
                                   strlen (probe_opt.user),
                                   probe_opt.password,
                                   strlen (probe_opt.password));
  socks5_client_start (c);
  *io = probe_drive (fd, c, stop_at, probe_deadline (probe_opt.timeout_ms),
                     extra, extra_size, extra_len);
  if (!report_greeting (c, *io) || !report_auth (c, *io))
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* Say which way the session crossed the gateway, from the family of
   the client's connection and that of BND.ADDR (RFC 3089 types A-D).  */
static void
report_crossing (const char *step, int family, const struct socks6_addr *b)
{
  bool unspecified = socks6_addr_is_unspecified (b);
  bool in6 = family == AF_INET6, out6 = b->type == SOCKS6_ADDR_IPV6;
  const char *type = in6 ? (out6 ? "D" : "C") : (out6 ? "B" : "A");

  if (unspecified || b->type == SOCKS6_ADDR_NAME)
    {
      probe_say (step, _("the server did not tell which address it used "
                         "(BND.ADDR is %s)"),
                 b->type == SOCKS6_ADDR_NAME ? _("a name")
                 : _("unspecified"));
      probe_json_null ("crossing");
      return;
    }
  probe_say (step, _("your %s session left the gateway over %s "
                     "(RFC 3089 type %s)"),
             family_id (family), family_id (out6 ? AF_INET6 : AF_INET),
             type);
  probe_json_string ("crossing", type);
}

/* Report a reply: code, bound address, time.  STEP names it.  */
static void
report_reply (const char *step, const struct socks5_reply *r,
              uint64_t t0, uint64_t t1)
{
  char bound[SOCKS6_ADDR_TEXT_MAX];

  format_addr (&r->bound, false, bound, sizeof bound);
  probe_say (step, _("reply X'%02X' %s (%s) in %.1f ms"), r->reply,
             socks5_reply_name (r->reply),
             socks5_reply_description (r->reply), probe_ms (t0, t1));
  probe_say (step, _("BND.ADDR %s (%s), BND.PORT %u"), bound,
             family_id (r->bound.type == SOCKS6_ADDR_IPV6 ? AF_INET6
                        : r->bound.type == SOCKS6_ADDR_IPV4 ? AF_INET : 0),
             r->bound.port);
  probe_json_int ("reply", r->reply);
  probe_json_string ("reply_name", socks5_reply_name (r->reply));
  probe_json_string ("bound_address", bound);
  probe_json_int ("bound_port", r->bound.port);
  probe_json_string ("bound_family",
                     family_id (r->bound.type == SOCKS6_ADDR_IPV6 ? AF_INET6
                                : r->bound.type == SOCKS6_ADDR_IPV4
                                ? AF_INET : 0));
  probe_json_ms ("ms", probe_ms (t0, t1));
}

/* After a command's I/O: report the reply or why there is none.
   Return the first reply, or NULL.  */
static const struct socks5_reply *
report_command (const char *step, struct socks5_client *c, enum probe_io io)
{
  const struct socks5_reply *r = socks5_client_reply (c, 0);
  uint64_t t0 = socks5_client_time (c, SOCKS5_CLIENT_REPLY);
  uint64_t t1 = socks5_client_time (c, SOCKS5_CLIENT_DONE);

  if (r == NULL)
    {
      report_no_answer (step, c, io);
      return NULL;
    }
  if (!t1)
    t1 = socks5_client_time (c, SOCKS5_CLIENT_BIND_PEER);
  if (!t1)
    t1 = socks5_client_time (c, SOCKS5_CLIENT_FAILED);
  probe_json_begin (step);
  report_reply (step, r, t0, t1);
  probe_json_bool ("supported", r->reply != SOCKS5_REP_COMMAND_NOT_SUPPORTED);
  if (r->reply != SOCKS5_REP_SUCCEEDED)
    diag_fail (PROBE_EXIT_SERVER,
               r->reply == SOCKS5_REP_COMMAND_NOT_SUPPORTED ? "unsupported"
               : "refused", _("%s: %s"), step,
               socks5_reply_description (r->reply));
  return r;
}

/* Decode --send's escapes (\r \n \t \\ \xHH \0) into OUT.  */
static size_t
decode_escapes (const char *text, uint8_t *out, size_t size)
{
  size_t n = 0;

  while (*text && n < size)
    {
      unsigned int hex;
      if (*text != '\\' || text[1] == '\0')
        out[n++] = *text++;
      else if (text[1] == 'x' && sscanf (text + 2, "%2x", &hex) == 1)
        {
          out[n++] = hex;
          text += 2 + (text[3] && strchr ("0123456789abcdefABCDEF",
                                           text[3]) ? 2 : 1);
        }
      else
        {
          char e = text[1];
          out[n++] = e == 'r' ? '\r' : e == 'n' ? '\n' : e == 't' ? '\t'
            : e == '0' ? '\0' : e;
          text += 2;
        }
    }
  return n;
}

/* Send the bytes --send or --http-head ask for through FD and show the
   first bytes that come back.  EXTRA holds those already read.  */
static void
diag_data (int fd, const struct socks6_addr *dst, const uint8_t *extra,
           size_t extra_len)
{
  uint8_t out[4096], in[1024];
  char text[4 * sizeof in + 1];
  size_t len, got = extra_len;
  uint64_t t0 = socks6_now_ns ();
  enum probe_io io = PROBE_IO_OK;

  if (probe_opt.http_head)
    {
      char host[SOCKS6_ADDR_TEXT_MAX];
      format_addr (dst, false, host, sizeof host);
      len = snprintf ((char *) out, sizeof out,
                      "HEAD / HTTP/1.0\r\nHost: %s%s%s\r\nUser-Agent: "
                      "socks6-probe\r\n\r\n",
                      dst->type == SOCKS6_ADDR_IPV6 ? "[" : "", host,
                      dst->type == SOCKS6_ADDR_IPV6 ? "]" : "");
    }
  else
    len = decode_escapes (probe_opt.send_text, out, sizeof out);
  memcpy (in, extra, extra_len);
  probe_wire (true, out, len);
  io = probe_send_all (fd, out, len, probe_deadline (probe_opt.timeout_ms));
  if (io == PROBE_IO_OK && got == 0)
    io = probe_recv_some (fd, in, sizeof in, &got,
                          probe_deadline (probe_opt.timeout_ms));
  probe_wire (false, in + extra_len, got - extra_len);
  probe_json_begin ("data");
  probe_json_int ("sent", io == PROBE_IO_OK || got ? (long) len : 0);
  probe_json_int ("received", got);
  probe_json_bytes ("first_bytes", in, got);
  probe_json_ms ("ms", probe_ms (t0, socks6_now_ns ()));
  probe_json_end ();
  if (got == 0)
    {
      probe_say (_("data"), io == PROBE_IO_TIMEOUT
                 ? _("sent %zu bytes; no answer within %d ms")
                 : _("sent %zu bytes; the connection closed without an "
                     "answer (%d ms limit)"), len, probe_opt.timeout_ms);
      return;
    }
  probe_say (_("data"), _("sent %zu bytes; the first %zu bytes of the "
                          "answer came in %.1f ms:"), len, got,
             probe_ms (t0, socks6_now_ns ()));
  for (size_t start = 0; start < got;)
    {
      uint8_t *nl = memchr (in + start, '\n', got - start);
      size_t end = nl ? (size_t) (nl - in) + 1 : got;
      socks6_escape (in + start, end - start, SOCKS6_ESCAPE_C, text,
                     sizeof text);
      probe_say (NULL, "  | %s", text);
      start = end;
    }
}

static void
diag_connect (bool first)
{
  struct socks6_addr dst;
  struct socks5_client c;
  uint8_t extra[1024];
  size_t extra_len = 0;
  enum probe_io io;
  int family = 0, fd;
  int rc = probe_parse_target (probe_opt.connect_target, &dst);

  if (rc != SOCKS6_OK)
    {
      diag_fail (PROBE_EXIT_LOCAL, "local-error", _("invalid target '%s': %s"),
                 probe_opt.connect_target, socks6_strerror (rc));
      return;
    }
  fd = diag_session (first, &c, SOCKS5_CMD_CONNECT, &dst, SOCKS5_CLIENT_INIT,
                     &family, &io, extra, sizeof extra, &extra_len);
  if (fd < 0)
    return;
  probe_say (_("connect"), _("CONNECT %s"), probe_opt.connect_target);
  const struct socks5_reply *r = report_command ("connect", &c, io);
  if (r)
    probe_json_string ("target", probe_opt.connect_target);
  if (r && r->reply == SOCKS5_REP_SUCCEEDED)
    {
      probe_json_string ("session_family", family_id (family));
      report_crossing (_("connect"), family, &r->bound);
    }
  if (r)
    probe_json_end ();
  if (r && r->reply == SOCKS5_REP_SUCCEEDED
      && (probe_opt.send_text || probe_opt.http_head))
    diag_data (fd, &dst, extra, extra_len);
  close (fd);
}

static void
diag_resolve (bool first)
{
  struct socks6_addr dst;
  struct socks5_client c;
  char wire[SOCKS6_NAME_MAX + 1];
  size_t wire_len, extra_len;
  enum probe_io io;
  int family, fd;
  int rc = socks6_name_to_wire (probe_opt.resolve_name, SOCKS6_NAME_LOCALE,
                                wire, &wire_len);

  if (rc == SOCKS6_OK)
    rc = socks6_addr_set_name (&dst, wire, wire_len, 0);
  if (rc != SOCKS6_OK)
    {
      diag_fail (PROBE_EXIT_LOCAL, "local-error", _("invalid name '%s': %s"),
                 probe_opt.resolve_name, socks6_strerror (rc));
      return;
    }
  fd = diag_session (first, &c, SOCKS5_CMD_RESOLVE, &dst, SOCKS5_CLIENT_INIT,
                     &family, &io, NULL, 0, &extra_len);
  if (fd < 0)
    return;
  probe_say (_("resolve"), _("RESOLVE %s (Tor's extension, X'F0')"),
             probe_opt.resolve_name);
  const struct socks5_reply *r = report_command ("resolve", &c, io);
  if (r)
    {
      probe_json_string ("name", probe_opt.resolve_name);
      probe_json_end ();
      if (r->reply == SOCKS5_REP_COMMAND_NOT_SUPPORTED)
        probe_say (_("resolve"), _("note: the server does not support the "
                                   "RESOLVE extension"));
      else if (r->reply == SOCKS5_REP_SUCCEEDED)
        {
          char text[SOCKS6_ADDR_TEXT_MAX];
          format_addr (&r->bound, false, text, sizeof text);
          probe_say (_("resolve"), _("%s is %s"), probe_opt.resolve_name,
                     text);
        }
    }
  else
    probe_say (_("resolve"), _("note: a server that does not know the "
                               "RESOLVE extension should answer X'07'"));
  close (fd);
}

/* Bytes sent each way through a BIND connection.  */
static const char bind_to_peer[] = "socks6-probe bind: client to peer\n";
static const char bind_to_client[] = "socks6-probe bind: peer to client\n";

/* Send a line each way between the client's connection FD and the
   peer's PEER, and check both arrive whole.  EXTRA holds what the
   client's side read past the second reply.  */
static void
diag_bind_data (int fd, int peer, const uint8_t *extra, size_t extra_len)
{
  size_t n1 = sizeof bind_to_peer - 1, n2 = sizeof bind_to_client - 1;
  size_t got, have = extra_len < n2 ? extra_len : n2;
  char buf[64];
  uint64_t t0 = socks6_now_ns (), t1, t2;
  bool to_peer, to_client;

  probe_wire (true, (const uint8_t *) bind_to_peer, n1);
  to_peer = probe_send_all (fd, bind_to_peer, n1,
                            probe_deadline (probe_opt.timeout_ms))
    == PROBE_IO_OK
    && probe_recv_exact (peer, buf, n1, &got,
                         probe_deadline (probe_opt.timeout_ms)) == PROBE_IO_OK
    && memcmp (buf, bind_to_peer, n1) == 0;
  t1 = socks6_now_ns ();
  memcpy (buf, extra, have);
  to_client = probe_send_all (peer, bind_to_client, n2,
                              probe_deadline (probe_opt.timeout_ms))
    == PROBE_IO_OK
    && probe_recv_exact (fd, buf + have, n2 - have, &got,
                         probe_deadline (probe_opt.timeout_ms)) == PROBE_IO_OK
    && memcmp (buf, bind_to_client, n2) == 0;
  t2 = socks6_now_ns ();
  probe_wire (false, (const uint8_t *) buf, to_client ? n2 : have + got);
  probe_say (_("bind"), to_peer
             ? _("data: %zu bytes from the client reached the peer in "
                 "%.1f ms") : _("data: %zu bytes from the client did not "
                                "reach the peer (%.1f ms)"),
             n1, probe_ms (t0, t1));
  probe_say (_("bind"), to_client
             ? _("data: %zu bytes from the peer reached the client in "
                 "%.1f ms") : _("data: %zu bytes from the peer did not "
                                "reach the client (%.1f ms)"),
             n2, probe_ms (t1, t2));
  probe_json_begin ("bind_data");
  probe_json_bool ("to_peer", to_peer);
  probe_json_ms ("to_peer_ms", probe_ms (t0, t1));
  probe_json_bool ("to_client", to_client);
  probe_json_ms ("to_client_ms", probe_ms (t1, t2));
  probe_json_end ();
  if (!to_peer || !to_client)
    diag_fail (PROBE_EXIT_SERVER, "misbehaved",
               _("bind: data was not relayed both ways"));
}

/* Report BIND's second reply R, which should name the peer, LOCAL.  */
static void
report_bind_second (struct socks5_client *c, const struct socks5_reply *r,
                    const struct socks6_addr *local, uint64_t t0)
{
  char seen[SOCKS6_ADDR_TEXT_MAX], peer[SOCKS6_ADDR_TEXT_MAX];
  uint64_t t1 = socks5_client_time (c, SOCKS5_CLIENT_DONE);
  bool same = socks6_addr_equal (&r->bound, local);

  if (!t1)
    t1 = socks5_client_time (c, SOCKS5_CLIENT_FAILED);
  probe_json_begin ("bind_peer");
  report_reply (_("bind"), r, t0, t1 > t0 ? t1 : socks6_now_ns ());
  format_addr (&r->bound, true, seen, sizeof seen);
  format_addr (local, true, peer, sizeof peer);
  if (r->reply != SOCKS5_REP_SUCCEEDED)
    diag_fail (PROBE_EXIT_SERVER, "refused", _("bind: second reply %s"),
               socks5_reply_description (r->reply));
  else if (same)
    probe_say (_("bind"), _("the second reply names the peer, %s, as "
                            "the server saw it"), seen);
  else
    probe_say (_("bind"), _("note: the second reply names %s, but the "
                            "peer is %s (a translation on the way, or a "
                            "server that reports something else)"),
               seen, peer);
  probe_json_bool ("names_peer", same);
  probe_json_string ("peer", peer);
  probe_json_end ();
}

/* Connect where BIND's first reply says, as the peer ASKED (the
   request's DST) would, report the second reply and relay data.  */
static void
diag_bind_peer (int fd, struct socks5_client *c,
                const struct socks6_addr *asked)
{
  const struct socks5_reply *r = socks5_client_reply (c, 0);
  struct socks6_addr where, local;
  union socks6_sockaddr sa;
  socklen_t salen = sizeof sa;
  char text[SOCKS6_ADDR_TEXT_MAX], from[SOCKS6_ADDR_TEXT_MAX];
  uint8_t extra[64];
  size_t extra_len = 0;
  enum probe_io io;
  uint64_t t0 = socks6_now_ns ();
  int peer;

  if (!probe_announced_where (fd, &r->bound, &where))
    {
      probe_say (_("bind"), _("cannot tell where the peer should connect: "
                              "BND.ADDR is unspecified and of another "
                              "family than the server's address"));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("bind: no usable address for the peer"));
      return;
    }
  format_addr (&where, true, text, sizeof text);
  if (where.type != asked->type)
    probe_say (_("bind"), _("note: the peer was announced over %s, but "
                            "the server waits for it over %s"),
               socks6_addr_type_name (asked->type),
               socks6_addr_type_name (where.type));
  peer = probe_bind_peer_connect (&where, asked,
                                  probe_deadline (probe_opt.timeout_ms));
  if (peer < 0)
    {
      probe_say (_("peer"), _("connecting to %s as the peer failed: %s, "
                              "after %.1f ms"), text, strerror (errno),
                 probe_ms (t0, socks6_now_ns ()));
      diag_fail (PROBE_EXIT_SERVER, "refused",
                 _("bind: the announced address %s does not accept"), text);
      return;
    }
  getsockname (peer, &sa.sa, &salen);
  socks6_addr_from_sockaddr (&local, &sa.sa, salen);
  format_addr (&local, true, from, sizeof from);
  uint64_t t1 = socks6_now_ns ();
  probe_say (_("peer"), _("connected from %s to %s (%s) in %.1f ms"), from,
             text, socks6_addr_type_name (where.type), probe_ms (t0, t1));
  probe_json_begin ("bind_peer_connect");
  probe_json_string ("from", from);
  probe_json_string ("to", text);
  probe_json_string ("family", socks6_addr_type_name (where.type));
  probe_json_ms ("ms", probe_ms (t0, t1));
  probe_json_end ();
  io = probe_drive (fd, c, SOCKS5_CLIENT_INIT,
                    probe_deadline (probe_opt.timeout_ms), extra,
                    sizeof extra, &extra_len);
  r = socks5_client_reply (c, 1);
  if (r == NULL)
    report_no_answer ("bind_peer", c, io);
  else
    {
      report_bind_second (c, r, &local, t1);
      if (r->reply == SOCKS5_REP_SUCCEEDED)
        diag_bind_data (fd, peer, extra, extra_len);
    }
  close (peer);
}

static void
diag_bind (bool first)
{
  struct socks6_addr dst;
  struct socks5_client c;
  char text[SOCKS6_ADDR_TEXT_MAX];
  size_t extra_len;
  enum probe_io io;
  int family, fd;

  /* Checked with the options already.  */
  probe_parse_endpoint (probe_opt.bind_peer ? probe_opt.bind_peer
                        : "0.0.0.0:0", &dst);
  fd = diag_session (first, &c, SOCKS5_CMD_BIND, &dst,
                     SOCKS5_CLIENT_BIND_PEER, &family, &io, NULL, 0,
                     &extra_len);
  if (fd < 0)
    return;
  format_addr (&dst, true, text, sizeof text);
  probe_say (_("bind"), _("BIND %s (the peer is expected over %s)"), text,
             socks6_addr_type_name (dst.type));
  const struct socks5_reply *r = report_command ("bind", &c, io);
  if (r)
    {
      probe_json_string ("peer_expected", text);
      probe_json_end ();
      if (r->reply == SOCKS5_REP_COMMAND_NOT_SUPPORTED)
        probe_say (_("bind"), _("note: the server does not support BIND"));
    }
  if (r && r->reply == SOCKS5_REP_SUCCEEDED)
    diag_bind_peer (fd, &c, &dst);
  close (fd);
}

/* The probe's own echo, for --udp self, self6 and self-name.  */
static struct probe_peer udp_peer;

/* TARGET of --udp into DST; the "self" targets start the echo peer.  */
static bool
udp_target (const char *target, struct socks6_addr *dst)
{
  bool self4 = strcmp (target, "self") == 0;
  bool self6 = strcmp (target, "self6") == 0;
  bool self_name = strcmp (target, "self-name") == 0;
  int rc;

  if (self4 || self6 || self_name)
    {
      if (probe_peer_start (&udp_peer, 2 * probe_opt.timeout_ms + 10000) < 0
          || (self6 && !udp_peer.has_ipv6))
        {
          diag_fail (PROBE_EXIT_LOCAL, "local-error",
                     _("cannot start the UDP echo on %s"),
                     self6 ? "::1" : "127.0.0.1");
          return false;
        }
      if (self_name)
        socks6_addr_set_name (dst, "localhost", 9, udp_peer.udp4_port);
      else
        socks6_addr_parse_literal (dst, self6 ? "::1" : "127.0.0.1",
                                   self6 ? udp_peer.udp6_port
                                   : udp_peer.udp4_port);
      return true;
    }
  rc = probe_parse_target (target, dst);
  if (rc != SOCKS6_OK)
    diag_fail (PROBE_EXIT_LOCAL, "local-error", _("invalid target '%s': %s"),
               target, socks6_strerror (rc));
  return rc == SOCKS6_OK;
}

/* Check the datagram that came back for DST: header H, PAYLOAD of LEN
   bytes, which should be SENT.  */
static void
report_udp_answer (const struct socks6_addr *dst,
                   const struct socks5_udp_header *h, const uint8_t *payload,
                   size_t len, const char *sent, double ms)
{
  char from[SOCKS6_ADDR_TEXT_MAX], text[256];
  bool source_ok = dst->type == SOCKS6_ADDR_NAME
    ? h->dst.port == dst->port && h->dst.type != SOCKS6_ADDR_NAME
    : socks6_addr_equal (&h->dst, dst);
  bool payload_ok = len == strlen (sent) && memcmp (payload, sent, len) == 0;

  format_addr (&h->dst, true, from, sizeof from);
  socks6_escape (payload, len < 60 ? len : 60, SOCKS6_ESCAPE_C, text,
                 sizeof text);
  probe_say (_("udp"), _("datagram back from %s (%s) in %.1f ms: %s"),
             from, socks6_addr_type_name (h->dst.type), ms, text);
  if (h->frag != 0)
    probe_say (_("udp"), _("the reply's FRAG is X'%02X', not X'00'"),
               h->frag);
  if (!source_ok)
    probe_say (_("udp"), _("the reply's header does not name the "
                           "destination as its source"));
  if (!payload_ok)
    probe_say (_("udp"), _("the payload differs from what was sent"));
  probe_json_string ("source", from);
  probe_json_string ("source_family", socks6_addr_type_name (h->dst.type));
  probe_json_int ("frag", h->frag);
  probe_json_bool ("source_ok", source_ok);
  probe_json_bool ("payload_ok", payload_ok);
  probe_json_ms ("ms", ms);
  if (h->frag != 0 || !source_ok || !payload_ok)
    diag_fail (PROBE_EXIT_SERVER, "misbehaved",
               _("udp: the datagram that came back is not the echo of the "
                 "one sent"));
}

/* Send one datagram through UFD for DST and check the answer.  */
static bool
diag_udp_datagram (int ufd, const struct socks6_addr *dst)
{
  struct socks5_udp_header h;
  uint8_t buf[2048];
  char sent[64];
  size_t len = 0;
  uint64_t t0 = socks6_now_ns ();
  enum probe_io io = PROBE_IO_ERROR;

  snprintf (sent, sizeof sent, "socks6-probe udp %ld-%llu", (long) getpid (),
            (unsigned long long) (t0 % 1000000));
  if (probe_udp_send (ufd, 0, dst, sent, strlen (sent)))
    io = probe_udp_recv (ufd, &h, buf, sizeof buf, &len,
                         probe_deadline (probe_opt.timeout_ms));
  probe_json_begin ("udp_datagram");
  probe_json_int ("sent", strlen (sent));
  probe_json_bool ("answered", io == PROBE_IO_OK);
  if (io == PROBE_IO_OK)
    report_udp_answer (dst, &h, buf, len, sent, probe_ms (t0, socks6_now_ns ()));
  else if (io == PROBE_IO_TIMEOUT)
    {
      probe_say (_("udp"), _("no datagram came back within %d ms (is the "
                             "target a UDP echo?)"), probe_opt.timeout_ms);
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("udp: no datagram came back"));
    }
  else
    {
      probe_say (_("udp"), errno == EBADMSG
                 ? _("the datagram that came back has no valid SOCKS 5 "
                     "header") : _("the relay cannot be used: %s"),
                 strerror (errno));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved", _("udp: %s"),
                 errno == EBADMSG ? _("bad header") : strerror (errno));
    }
  probe_json_end ();
  return io == PROBE_IO_OK;
}

/* Close the association's TCP connection *FD and check that the relay
   stops relaying (RFC 1928 section 7).  */
static void
diag_udp_teardown (int *fd, int ufd, const struct socks6_addr *dst)
{
  double ms;
  int limit = probe_opt.timeout_ms < 2000 ? 2000 : probe_opt.timeout_ms;

  close (*fd);
  *fd = -1;
  bool ended = probe_udp_ended (ufd, dst, limit, &ms);
  if (ended)
    probe_say (_("udp"), _("after the TCP connection closed, the "
                           "association ended: a datagram went unanswered "
                           "(checked in %.1f ms)"), ms);
  else
    {
      probe_say (_("udp"), _("the relay still answered %d ms after the TCP "
                             "connection closed; RFC 1928 ends the "
                             "association with it"), limit);
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("udp: the association outlived its TCP connection"));
    }
  probe_json_begin ("udp_teardown");
  probe_json_bool ("ended", ended);
  probe_json_ms ("ms", ms);
  probe_json_end ();
}

/* Use the relay the reply BND announced on *FD.  */
static void
diag_udp_relay (int *fd, const struct socks6_addr *bnd,
                const struct socks6_addr *dst)
{
  struct socks6_addr relay;
  char text[SOCKS6_ADDR_TEXT_MAX];
  int ufd;

  if (!probe_announced_where (*fd, bnd, &relay))
    {
      probe_say (_("udp"), _("cannot tell where the relay is: BND.ADDR is "
                             "unspecified and of another family than the "
                             "server's address"));
      diag_fail (PROBE_EXIT_SERVER, "misbehaved",
                 _("udp: no usable relay address"));
      return;
    }
  format_addr (&relay, true, text, sizeof text);
  probe_say (_("udp"), socks6_addr_is_unspecified (bnd)
             ? _("relay endpoint %s (%s; BND.ADDR was unspecified, so the "
                 "server's address)") : _("relay endpoint %s (%s)"), text,
             socks6_addr_type_name (relay.type));
  ufd = probe_udp_open (&relay, NULL);
  if (ufd < 0)
    {
      probe_say (_("udp"), _("cannot reach the relay: %s"), strerror (errno));
      diag_fail (PROBE_EXIT_LOCAL, "local-error",
                 _("udp: cannot send to the relay %s"), text);
      return;
    }
  if (diag_udp_datagram (ufd, dst))
    diag_udp_teardown (fd, ufd, dst);
  else
    probe_say (_("udp"), _("the end of the association with its TCP "
                           "connection was not checked"));
  close (ufd);
}

static void
diag_udp (bool first)
{
  struct socks6_addr dst, target;
  struct socks5_client c;
  char text[SOCKS6_ADDR_TEXT_MAX];
  size_t extra_len;
  enum probe_io io;
  int family, fd;

  if (!udp_target (probe_opt.udp_target, &target))
    return;
  memset (&dst, 0, sizeof dst);
  dst.type = SOCKS6_ADDR_IPV4;
  fd = diag_session (first, &c, SOCKS5_CMD_UDP_ASSOCIATE, &dst,
                     SOCKS5_CLIENT_INIT, &family, &io, NULL, 0, &extra_len);
  if (fd >= 0)
    {
      format_addr (&target, true, text, sizeof text);
      probe_say (_("udp"), _("UDP ASSOCIATE, then a datagram to %s%s"), text,
                 udp_peer.pid ? _(" (the probe's own echo)") : "");
      const struct socks5_reply *r = report_command ("udp", &c, io);
      if (r)
        {
          probe_json_string ("target", text);
          probe_json_end ();
          if (r->reply == SOCKS5_REP_COMMAND_NOT_SUPPORTED)
            probe_say (_("udp"), _("note: the server does not support UDP "
                                   "ASSOCIATE"));
        }
      if (r && r->reply == SOCKS5_REP_SUCCEEDED)
        diag_udp_relay (&fd, &r->bound, &target);
      if (fd >= 0)
        close (fd);
    }
  probe_peer_stop (&udp_peer);
}

/* Only the greeting (and authentication) when no command is asked.  */
static void
diag_greeting_only (void)
{
  struct socks6_addr dst;
  struct socks5_client c;
  size_t extra_len;
  enum probe_io io;
  int family;

  memset (&dst, 0, sizeof dst);
  dst.type = SOCKS6_ADDR_IPV4;
  int fd = diag_session (true, &c, SOCKS5_CMD_CONNECT, &dst,
                         SOCKS5_CLIENT_REPLY, &family, &io, NULL, 0,
                         &extra_len);
  if (fd >= 0)
    close (fd);
}

int
probe_diagnose (void)
{
  bool first = true;

  probe_json_begin (NULL);
  probe_json_string ("program", "socks6-probe");
  probe_json_string ("version", VERSION);
  probe_json_string ("server", probe_opt.server);
  probe_say (_("server"), "%s", probe_opt.server);
  if (probe_opt.connect_target)
    {
      diag_connect (first);
      first = false;
    }
  if (probe_opt.resolve_name && diag_status != PROBE_EXIT_LOCAL)
    {
      diag_resolve (first);
      first = false;
    }
  if (probe_opt.bind && diag_status != PROBE_EXIT_LOCAL)
    {
      diag_bind (first);
      first = false;
    }
  if (probe_opt.udp_target && diag_status != PROBE_EXIT_LOCAL)
    {
      diag_udp (first);
      first = false;
    }
  if (first)
    diag_greeting_only ();
  if (diag_status == PROBE_EXIT_OK)
    probe_say (_("verdict"), _("OK: everything asked for succeeded"));
  else
    probe_say (_("verdict"), _("FAILED (%s): %s"), diag_kind, diag_reason);
  probe_json_string ("verdict", diag_kind);
  probe_json_string ("message", diag_status ? diag_reason : "");
  probe_json_int ("exit_status", diag_status);
  probe_json_end ();
  return diag_status;
}
