/* The gateway side of libsocks6-preload.so: reaching a gateway (in the
   configured order, failing over on a gateway that cannot be reached),
   and running one SOCKS 5 request over the program's own socket with
   libsocks6's client engine, greeting, authentication and request
   pipelined so a CONNECT costs one round trip.

   This is level 2 of DESIGN.md's non-blocking connect, used for blocking
   sockets, for RESOLVE, and for non-blocking ones with
   --connect-mode=blocking: the handshake runs inside connect(), bounded
   by the timeout, and a non-blocking socket then reports success or the
   true errno at once (a non-blocking connect may legally complete
   immediately).  Level 3, the asynchronous connect, is in
   preload-async.c and runs the same steps from the waiting hooks.  The socket's
   file status flags are saved and restored exactly; only O_NONBLOCK is
   set while the handshake runs, so the timeout can be kept.

   Reply bytes are read with MSG_PEEK and only what the engine used is
   taken off the socket: a server that speaks first (SSH, SMTP) may send
   its banner in the same segment as the SOCKS reply, and that banner is
   the program's.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "clock.h"
#include "replycode.h"
#include "preload.h"

/* Addresses kept for each gateway, when its name has several.  */
#define PRELOAD_GATEWAY_ADDRS 2

static union socks6_sockaddr
  preload_gateways[SOCKSIFY_SERVERS_MAX * PRELOAD_GATEWAY_ADDRS];
static socklen_t
  preload_gateway_lens[SOCKSIFY_SERVERS_MAX * PRELOAD_GATEWAY_ADDRS];
static size_t preload_gateway_count;

/* The gateway this thread's last request went to.  */
static __thread size_t preload_gateway_last;

size_t
preload_gateway_used (void)
{
  return preload_gateway_last;
}

/* Resolve the gateways' names with the system resolver (a gateway is
   reached directly, so this is no leak).  */
static void
preload_gateway_resolve_names (void)
{
  const struct socksify_settings *s = &preload_state.settings;
  /* A chain's later gateways are reached through the earlier ones, and
     their names resolved there.  */
  size_t nservers = s->chain ? 1 : s->nservers;
  preload_busy_begin ();
  for (size_t i = 0; i < nservers; i++)
    {
      const struct socks6_addr *server = &s->servers[i];
      if (server->type != SOCKS6_ADDR_NAME)
        {
          size_t n = preload_gateway_count++;
          socks6_addr_to_sockaddr (server, &preload_gateways[n],
                                   &preload_gateway_lens[n]);
          continue;
        }
      struct addrinfo hints = {.ai_socktype = SOCK_STREAM };
      struct addrinfo *list;
      if (preload_true.getaddrinfo (server->u.name.text, NULL, &hints,
                                    &list) != 0)
        {
          preload_log (SOCKSIFY_LOG_ERROR, "cannot resolve gateway %s",
                       server->u.name.text);
          continue;
        }
      int kept = 0;
      for (struct addrinfo *a = list; a && kept < PRELOAD_GATEWAY_ADDRS;
           a = a->ai_next, kept++)
        {
          size_t n = preload_gateway_count++;
          memcpy (&preload_gateways[n], a->ai_addr, a->ai_addrlen);
          preload_gateway_lens[n] = a->ai_addrlen;
          preload_gateways[n].sin.sin_port = htons (server->port);
        }
      preload_true.freeaddrinfo (list);
    }
  preload_busy_end ();
}

static void
preload_gateway_ready (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, preload_gateway_resolve_names);
}

int
preload_gateway_family (void)
{
  preload_gateway_ready ();
  return preload_gateway_count ? preload_gateways[0].sa.sa_family : AF_INET;
}

int64_t
preload_now_ms (void)
{
  return socks6_now_ms ();
}

/* Wait for EVENTS on FD until DEADLINE.  Return 0, or ETIMEDOUT or the
   errno of poll.  A signal does not end the wait: the handshake is
   finished either way, as a blocking connect the kernel restarts.  */
static int
preload_wait (int fd, short events, int64_t deadline)
{
  for (;;)
    {
      int64_t left = deadline - preload_now_ms ();
      if (left <= 0)
        return ETIMEDOUT;
      struct pollfd p = {.fd = fd,.events = events };
      int n = preload_true.poll (&p, 1, left > 60000 ? 60000 : (int) left);
      if (n > 0)
        return 0;
      if (n < 0 && errno != EINTR)
        return errno;
    }
}

/* Make FD a fresh TCP socket of FAMILY, keeping its number, its
   descriptor flags and its common options, so the program never sees
   the change.  Needed when the program's socket is of the other family
   than the gateway (an IPv4 program on an IPv6-only host: RFC 3089's
   case C), and to give the program a clean socket after a failure.  */
int
preload_socket_renew (int fd, int family)
{
  int fresh = preload_true.socket (family, SOCK_STREAM, 0);
  if (fresh < 0)
    return errno;
  static const int options[][2] = {
    {SOL_SOCKET, SO_KEEPALIVE}, {SOL_SOCKET, SO_RCVBUF},
    {SOL_SOCKET, SO_SNDBUF}, {SOL_SOCKET, SO_PRIORITY},
    {IPPROTO_TCP, TCP_NODELAY},
  };
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
    {
      int value;
      socklen_t len = sizeof value;
      if (getsockopt (fd, options[i][0], options[i][1], &value, &len) == 0)
        setsockopt (fresh, options[i][0], options[i][1], &value, len);
    }
  int fd_flags = preload_true.fcntl (fd, F_GETFD);
  int rc = preload_true.dup3 (fresh, fd, fd_flags & FD_CLOEXEC ? O_CLOEXEC
                              : 0);
  int err = errno;
  preload_true.close (fresh);
  return rc < 0 ? err : 0;
}

static int
preload_socket_family (int fd)
{
  union socks6_sockaddr ss;
  socklen_t len = sizeof ss;
  if (preload_true.getsockname (fd, &ss.sa, &len) != 0)
    return AF_UNSPEC;
  return ss.sa.sa_family;
}

size_t
preload_gateway_count_ready (void)
{
  preload_gateway_ready ();
  return preload_gateway_count;
}

/* Start connecting FD (already non-blocking) to gateway number I.  A
   socket whose connect failed cannot connect again (Linux says
   ECONNABORTED), so a later attempt (I > 0) always starts from a fresh
   socket; *RENEWED tells the caller it happened.  Return 0 (connected),
   EINPROGRESS, or an errno value.  */
int
preload_gateway_begin (int fd, size_t i, bool *renewed)
{
  int family = preload_gateways[i].sa.sa_family;
  *renewed = false;
  if (i > 0 || preload_socket_family (fd) != family)
    {
      int err = preload_socket_renew (fd, family);
      if (err)
        return err;
      *renewed = true;
      int flags = preload_true.fcntl (fd, F_GETFL);
      preload_true.fcntl (fd, F_SETFL, flags | O_NONBLOCK);
    }
  if (preload_true.connect (fd, &preload_gateways[i].sa,
                            preload_gateway_lens[i]) == 0)
    return 0;
  return errno == EINTR ? EINPROGRESS : errno;
}

/* Connect FD (already non-blocking) to gateway number I.  */
static int
preload_gateway_connect (int fd, size_t i, int64_t deadline)
{
  bool renewed;
  int err = preload_gateway_begin (fd, i, &renewed);
  if (err != EINPROGRESS)
    return err;
  err = preload_wait (fd, POLLOUT, deadline);
  if (err)
    return err;
  socklen_t len = sizeof err;
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return errno;
  return err;
}

/* The errno a failed handshake means to the program.  */
int
preload_handshake_errno (const struct socks5_client *client, int rc)
{
  switch (rc)
    {
    case SOCKS6_E_REPLY:
      return socks5_reply_to_errno (socks5_client_reply_code (client));
    case SOCKS6_E_METHOD:
    case SOCKS6_E_AUTH:
      return EACCES;
    default:
      return EPROTO;
    }
}

/* Run CHAIN over FD until it is done (or, with BIND_FIRST, until the
   BIND has its first reply), waiting until DEADLINE.  */
static int
preload_receive (int fd, struct preload_chain *chain, bool bind_first,
                 int64_t deadline)
{
  for (;;)
    {
      int err = preload_chain_pump (fd, chain);
      if (err != EINPROGRESS)
        return err;
      if (bind_first && preload_chain_bind_listening (chain))
        return 0;
      size_t len;
      preload_chain_output (chain, &len);
      err = preload_wait (fd, POLLIN | (len ? POLLOUT : 0), deadline);
      if (err)
        return err;
    }
}

int
preload_gateway_engine (struct socks5_client *client, uint8_t command,
                        const struct socks6_addr *dst)
{
  socks5_client_init (client);
  socks5_client_set_request (client, command, dst);
  const struct preload_state *st = &preload_state;
  if (st->settings.user[0] && st->password_len > 0)
    socks5_client_set_credentials (client, st->settings.user,
                                   strlen (st->settings.user), st->password,
                                   st->password_len);
  socks5_client_set_pipelining (client, st->settings.pipelining);
  return socks5_client_start (client) == SOCKS6_OK ? 0 : EINVAL;
}

/* The handshake for COMMAND and DST over FD, connected to a gateway
   (through each gateway in turn with --chain).  */
static int
preload_handshake (int fd, uint8_t command, const struct socks6_addr *dst,
                   struct socks5_reply *reply, int64_t deadline)
{
  struct preload_chain chain;
  int err = preload_chain_start (&chain, command, dst);
  if (err == 0)
    err = preload_receive (fd, &chain, false, deadline);
  if (err == 0 && reply)
    *reply = *socks5_client_reply (&chain.client, 0);
  preload_chain_log (&chain, err);
  preload_chain_wipe (&chain);
  return err;
}

void
preload_log_request (int err, uint8_t command, const struct socks6_addr *dst,
                     size_t gateway)
{
  char dst_text[SOCKS6_ADDR_TEXT_MAX];
  char gw_text[SOCKS6_ADDR_TEXT_MAX];
  struct socks6_addr gw;
  socks6_addr_format (dst, true, dst_text, sizeof dst_text);
  gw_text[0] = '\0';
  if (socks6_addr_from_sockaddr (&gw, &preload_gateways[gateway].sa,
                                 preload_gateway_lens[gateway]) == 0)
    socks6_addr_format (&gw, true, gw_text, sizeof gw_text);
  if (err)
    preload_log (SOCKSIFY_LOG_INFO, "%s %s via %s: %s",
                 socks5_command_name (command), dst_text, gw_text,
                 strerror (err));
  else
    preload_log (SOCKSIFY_LOG_DEBUG, "%s %s via %s: done",
                 socks5_command_name (command), dst_text, gw_text);
}

/* Try each gateway in order; fail over only when a gateway cannot be
   reached or breaks the protocol, not when it answered for the
   destination.  */
static int
preload_gateway_try_all (int fd, uint8_t command,
                         const struct socks6_addr *dst,
                         struct socks5_reply *reply)
{
  int64_t step = (int64_t) preload_state.settings.timeout * 1000;
  int err = ENETUNREACH;
  for (size_t i = 0; i < preload_gateway_count; i++)
    {
      preload_gateway_last = i;
      int64_t deadline = preload_now_ms () + step;
      err = preload_gateway_connect (fd, i, deadline);
      if (err)
        {
          preload_log (SOCKSIFY_LOG_WARNING, "gateway %zu unreachable: %s",
                       i + 1, strerror (err));
          continue;
        }
      err = preload_handshake (fd, command, dst, reply,
                               preload_now_ms () + step);
      preload_log_request (err, command, dst, i);
      if (err != EPROTO || i + 1 == preload_gateway_count)
        return err;
    }
  return err;
}

int
preload_gateway_request (int fd, uint8_t command,
                         const struct socks6_addr *dst,
                         struct socks5_reply *reply)
{
  preload_gateway_ready ();
  int flags = preload_true.fcntl (fd, F_GETFL);
  if (flags < 0)
    return errno;
  if (!(flags & O_NONBLOCK)
      && preload_true.fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return errno;
  int err = preload_gateway_try_all (fd, command, dst, reply);
  /* Exactly as they were, whatever socket FD now is.  */
  preload_true.fcntl (fd, F_SETFL, flags);
  return err;
}

int
preload_gateway_bind (int fd, size_t gateway, const struct socks6_addr *dst,
                      struct preload_chain *chain)
{
  preload_gateway_ready ();
  if (gateway >= preload_gateway_count)
    return ENETUNREACH;
  int flags = preload_true.fcntl (fd, F_GETFL);
  if (flags < 0)
    return errno;
  preload_true.fcntl (fd, F_SETFL, flags | O_NONBLOCK);
  int64_t step = (int64_t) preload_state.settings.timeout * 1000;
  int err = preload_gateway_connect (fd, gateway, preload_now_ms () + step);
  if (!err)
    err = preload_chain_start (chain, SOCKS5_CMD_BIND, dst);
  if (!err)
    err = preload_receive (fd, chain, true, preload_now_ms () + step);
  if (err)
    preload_chain_log (chain, err);
  preload_log_request (err, SOCKS5_CMD_BIND, dst, gateway);
  preload_true.fcntl (fd, F_SETFL, flags);
  return err;
}

/* RESOLVE (X'F0') at lookup time, on a socket of our own.  */
int
preload_gateway_resolve (const char *wire, size_t len)
{
  if (!preload_state.settings.resolve_at_gateway)
    return 0;
  struct socks6_addr dst;
  if (socks6_addr_set_name (&dst, wire, len, 0) != SOCKS6_OK)
    return EAI_NONAME;
  preload_busy_begin ();
  int fd = preload_true.socket (preload_gateway_family (),
                                SOCK_STREAM | SOCK_CLOEXEC, 0);
  int err = fd < 0 ? errno
    : preload_gateway_request (fd, SOCKS5_CMD_RESOLVE, &dst, NULL);
  if (fd >= 0)
    preload_true.close (fd);
  preload_busy_end ();
  switch (err)
    {
    case 0:
      return 0;
    case EHOSTUNREACH:
    case ENETUNREACH:
      return EAI_NONAME;
    case EOPNOTSUPP:
      /* The gateway does not know RESOLVE: the name goes on as a fake
         address, as without this setting.  */
      return 0;
    default:
      return EAI_AGAIN;
    }
}
