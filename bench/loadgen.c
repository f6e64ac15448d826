/* loadgen: the load generator of the gateway benchmark (bench/gateway-bench).
   It plays both ends of the measured path, in separate processes so that
   neither needs more than the 20,000 descriptors a process may have here:
   "serve" is the destination, listening on [::1] only, and the client
   modes reach it through a SOCKS 5 gateway over 127.0.0.1 (or directly,
   for the baseline), so every session crosses families as RFC 3089's
   type B does.  Everything is non-blocking on one epoll loop per thread,
   and the handshake is built and parsed with libsocks6's wire codec, so
   the numbers measure the gateway, not the client.

   Results are printed as KEY=VALUE lines, one per line, for the driver.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "errcode.h"
#include "socks5.h"

/* One bulk write or read; large, so that syscalls are not what is
   measured.  */
#define CHUNK (256 * 1024)
/* Stored latency samples per thread; past this, reservoir sampling keeps
   the percentiles honest without unbounded memory.  */
#define SAMPLES_MAX (1 << 19)
/* Handshakes in flight at once while opening idle sessions.  */
#define IDLE_OPENING 128

enum mode { MODE_SERVE, MODE_BULK, MODE_SESSIONS, MODE_IDLE };

/* What the command line asked for.  */
static struct
{
  enum mode mode;
  bool direct;                  /* no proxy: straight to the destination */
  union socks6_sockaddr proxy;
  socklen_t proxy_len;
  struct socks6_addr dest;      /* what CONNECT asks for */
  union socks6_sockaddr dest_sa;
  socklen_t dest_sa_len;
  int streams, concurrency, threads, count;
  size_t size;                  /* echo message size */
  double seconds, hold;
  bool download;                /* bulk: read from a source instead */
  bool pipeline;                /* greeting and request in one segment */
  int echo_port, sink_port, source_port;
  const char *ports_file;
} opt = {
  .streams = 1, .concurrency = 1, .threads = 1, .count = 1000,
  .size = 64, .seconds = 5, .hold = 2, .pipeline = true
};

static uint8_t chunk[CHUNK];
static volatile sig_atomic_t hold_over;

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static _Noreturn void
die (const char *what)
{
  fprintf (stderr, "loadgen: %s: %s\n", what, strerror (errno));
  exit (1);
}

static _Noreturn void
usage_error (const char *msg)
{
  fprintf (stderr, "loadgen: %s\nTry 'loadgen --help'.\n", msg);
  exit (2);
}

static void
set_nodelay (int fd)
{
  int one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void
watch (int ep, int op, int fd, uint32_t events, void *ptr)
{
  struct epoll_event ev = { .events = events, .data.ptr = ptr };
  if (epoll_ctl (ep, op, fd, &ev) < 0)
    die ("epoll_ctl");
}

/* ------------------------------------------------------------------ */
/* The destination: echo, sink (discard) and source (endless data), on
   [::1] only.  Echo keeps what it could not send yet and stops reading
   until it is gone, so nothing is lost however slow the reader.  Echo
   closes its side once it has echoed a newline: the destination, not
   the gateway, then closes first and keeps the TIME_WAIT, on its
   listening port, so short sessions do not use up the gateway's
   ephemeral ports (Dante binds its outgoing port explicitly, which
   TIME_WAIT blocks).  */

enum serve_kind { SERVE_ECHO, SERVE_SINK, SERVE_SOURCE, SERVE_LISTENER };

struct serve_conn
{
  int fd;
  enum serve_kind kind;
  enum serve_kind listens_for;  /* for listeners */
  size_t pending_off, pending_len;
  uint8_t *pending;             /* echo data not yet sent back */
  bool closing;                 /* a newline was echoed: close when sent */
};

static int serve_ep;

static int
listen_v6 (int *port)
{
  union socks6_sockaddr a = { 0 };
  socklen_t len = sizeof a.sin6;
  int one = 1, fd = socket (AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0)
    die ("socket");
  a.sin6.sin6_family = AF_INET6;
  a.sin6.sin6_addr = in6addr_loopback;
  a.sin6.sin6_port = htons ((uint16_t) *port);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind (fd, &a.sa, len) < 0 || listen (fd, 4096) < 0)
    die ("bind [::1]");
  if (getsockname (fd, &a.sa, &len) < 0)
    die ("getsockname");
  *port = ntohs (a.sin6.sin6_port);
  return fd;
}

static void
serve_close (struct serve_conn *c)
{
  close (c->fd);
  free (c->pending);
  free (c);
}

/* Send what echo still owes; when it is all gone, read again.  Return
   false if the connection broke.  */
static bool
serve_flush (struct serve_conn *c)
{
  while (c->pending_off < c->pending_len)
    {
      ssize_t n = send (c->fd, c->pending + c->pending_off,
                        c->pending_len - c->pending_off, MSG_NOSIGNAL);
      if (n < 0)
        return errno == EAGAIN;
      c->pending_off += (size_t) n;
    }
  c->pending_off = c->pending_len = 0;
  if (c->closing)
    return false;
  watch (serve_ep, EPOLL_CTL_MOD, c->fd, EPOLLIN, c);
  return true;
}

/* Keep what echo could not send, and wait until the client reads before
   reading more from it.  */
static void
serve_backlog (struct serve_conn *c, const uint8_t *data, size_t len)
{
  uint8_t *p = realloc (c->pending, len);
  if (!p)
    die ("realloc");
  memcpy (p, data, len);
  c->pending = p;
  c->pending_off = 0;
  c->pending_len = len;
  watch (serve_ep, EPOLL_CTL_MOD, c->fd, EPOLLOUT, c);
}

/* Level-triggered: a few reads per event, so one fast stream cannot
   starve the others.  Echo what came, or drop it.  Return false when
   the connection is over.  */
static bool
serve_read (struct serve_conn *c)
{
  static uint8_t buf[CHUNK];
  for (int i = 0; i < 8; i++)
    {
      ssize_t n = recv (c->fd, buf, sizeof buf, 0);
      if (n == 0)
        return false;
      if (n < 0)
        return errno == EAGAIN || errno == EINTR;
      if (c->kind != SERVE_ECHO)
        continue;
      c->closing = memchr (buf, '\n', (size_t) n) != NULL;
      ssize_t sent = send (c->fd, buf, (size_t) n, MSG_NOSIGNAL);
      if (sent < 0 && errno != EAGAIN)
        return false;
      if (sent < 0)
        sent = 0;
      if (sent < n)
        {
          serve_backlog (c, buf + sent, (size_t) (n - sent));
          return true;
        }
      if (c->closing)
        return false;
    }
  return true;
}

static bool
serve_write (struct serve_conn *c)
{
  if (c->kind == SERVE_ECHO)
    return serve_flush (c);
  for (int i = 0; i < 8; i++)
    {
      ssize_t n = send (c->fd, chunk, sizeof chunk, MSG_NOSIGNAL);
      if (n < 0)
        return errno == EAGAIN;
    }
  return true;
}

static void
serve_accept (struct serve_conn *l)
{
  int fd;
  while ((fd = accept4 (l->fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
    {
      struct serve_conn *c = calloc (1, sizeof *c);
      if (!c)
        die ("calloc");
      c->fd = fd;
      c->kind = l->listens_for;
      set_nodelay (fd);
      watch (serve_ep, EPOLL_CTL_ADD, fd,
             c->kind == SERVE_SOURCE ? EPOLLOUT : EPOLLIN, c);
    }
  if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
    {
      /* Out of descriptors: say so once a second rather than spin.  */
      perror ("loadgen: accept");
      sleep (1);
    }
}

static void
serve_add_listener (enum serve_kind kind, int *port)
{
  struct serve_conn *l = calloc (1, sizeof *l);
  if (!l)
    die ("calloc");
  l->fd = listen_v6 (port);
  l->kind = SERVE_LISTENER;
  l->listens_for = kind;
  watch (serve_ep, EPOLL_CTL_ADD, l->fd, EPOLLIN, l);
}

static _Noreturn void
serve (void)
{
  struct epoll_event events[512];
  serve_ep = epoll_create1 (EPOLL_CLOEXEC);
  if (serve_ep < 0)
    die ("epoll_create1");
  serve_add_listener (SERVE_ECHO, &opt.echo_port);
  serve_add_listener (SERVE_SINK, &opt.sink_port);
  serve_add_listener (SERVE_SOURCE, &opt.source_port);

  /* The ports go to a file, written whole and renamed, so the driver
     never reads half of it.  */
  FILE *out = stdout;
  char tmp[4096];
  if (opt.ports_file)
    {
      snprintf (tmp, sizeof tmp, "%s.tmp", opt.ports_file);
      if (!(out = fopen (tmp, "w")))
        die (tmp);
    }
  fprintf (out, "echo_port=%d\nsink_port=%d\nsource_port=%d\n",
           opt.echo_port, opt.sink_port, opt.source_port);
  if (opt.ports_file
      && (fclose (out) != 0 || rename (tmp, opt.ports_file) < 0))
    die (opt.ports_file);
  fflush (stdout);

  for (;;)
    {
      int n = epoll_wait (serve_ep, events, 512, -1);
      if (n < 0 && errno != EINTR)
        die ("epoll_wait");
      for (int i = 0; i < n; i++)
        {
          struct serve_conn *c = events[i].data.ptr;
          uint32_t e = events[i].events;
          if (c->kind == SERVE_LISTENER)
            serve_accept (c);
          else if (((e & EPOLLIN) && !serve_read (c))
                   || ((e & EPOLLOUT) && !serve_write (c))
                   || ((e & (EPOLLERR | EPOLLHUP)) && !(e & EPOLLIN)))
            serve_close (c);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Client connections: TCP connect, then (through a proxy) the greeting
   and CONNECT request sent together, as a pipelining client does, then
   the method reply and the reply read back, then the mode's own work.  */

enum conn_state
{
  CONN_CONNECTING,
  CONN_HANDSHAKE,
  CONN_ECHO,                    /* message sent, waiting for it back */
  CONN_BULK,
  CONN_IDLE,
  CONN_CHECK                    /* idle: probe sent, waiting for it */
};

struct conn
{
  int fd;
  enum conn_state state;
  bool method_done;
  double started, handshake_done;
  size_t in_len;
  uint8_t in[SOCKS5_REQUEST_MAX + 2];
};

/* Per-thread results, merged by the main thread.  */
struct stats
{
  uint64_t bytes, sessions, errors, seen;
  uint64_t rng;
  size_t nsamples;
  float *total_us, *handshake_us;
};

struct worker
{
  pthread_t thread;
  int ep;
  int slots;                    /* connections this thread keeps going */
  struct conn *conns;
  double measure_from, deadline;
  struct stats st;
};

static void
record (struct stats *st, double total, double handshake)
{
  size_t i = st->nsamples;
  st->seen++;
  if (i >= SAMPLES_MAX)
    {
      /* Reservoir sampling: sample k of n is kept with probability
         SAMPLES_MAX / n (xorshift64 is plenty for that).  */
      st->rng ^= st->rng << 13;
      st->rng ^= st->rng >> 7;
      st->rng ^= st->rng << 17;
      i = (size_t) (st->rng % st->seen);
      if (i >= SAMPLES_MAX)
        return;
    }
  else
    st->nsamples++;
  st->total_us[i] = (float) (total * 1e6);
  st->handshake_us[i] = (float) (handshake * 1e6);
}

/* Write all of BUF (small messages always fit an empty socket buffer).  */
static bool
send_all (int fd, const void *buf, size_t len)
{
  return send (fd, buf, len, MSG_NOSIGNAL) == (ssize_t) len;
}

/* The greeting (method "none") and, unless the gateway must see them
   apart, the CONNECT request right behind it.  */
static size_t
encode_greeting (uint8_t *buf, size_t size)
{
  static const uint8_t methods[] = { SOCKS5_METHOD_NONE };
  ssize_t g = socks5_encode_greeting (buf, size, methods, sizeof methods);
  if (g < 0)
    return 0;
  if (!opt.pipeline)
    return (size_t) g;
  ssize_t r = socks5_encode_request (buf + g, size - (size_t) g,
                                     SOCKS5_CMD_CONNECT, &opt.dest);
  return r < 0 ? 0 : (size_t) (g + r);
}

/* The CONNECT request alone, once the method reply is in: for gateways
   that take each read for one whole message (microsocks).  */
static bool
send_request (struct conn *c)
{
  uint8_t buf[SOCKS5_REQUEST_MAX];
  ssize_t n = socks5_encode_request (buf, sizeof buf, SOCKS5_CMD_CONNECT,
                                     &opt.dest);
  return n > 0 && send_all (c->fd, buf, (size_t) n);
}

/* Start a connection in C.  Return false if even socket() failed.  */
static bool
conn_start (struct worker *w, struct conn *c)
{
  const union socks6_sockaddr *to = opt.direct ? &opt.dest_sa : &opt.proxy;
  socklen_t len = opt.direct ? opt.dest_sa_len : opt.proxy_len;
  memset (c, 0, sizeof *c);
  c->started = now ();
  c->fd = socket (to->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0)
    return false;
  set_nodelay (c->fd);
  if (connect (c->fd, &to->sa, len) < 0 && errno != EINPROGRESS)
    {
      close (c->fd);
      c->fd = -1;
      return false;
    }
  c->state = CONN_CONNECTING;
  watch (w->ep, EPOLL_CTL_ADD, c->fd,
         EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, c);
  return true;
}

static void
conn_end (struct conn *c)
{
  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
}

/* Read into C->in until WANT octets are there.  Return 1 when they are,
   0 to wait for more, -1 on EOF or error.  */
static int
fill (struct conn *c, size_t want)
{
  while (c->in_len < want)
    {
      ssize_t n = recv (c->fd, c->in + c->in_len, want - c->in_len, 0);
      if (n == 0)
        return -1;
      if (n < 0)
        return errno == EAGAIN ? 0 : -1;
      c->in_len += (size_t) n;
    }
  return 1;
}

/* Decode the method reply and the reply as they arrive.  Return 1 when
   the session is established, 0 to wait, -1 on any failure.  */
static int
read_handshake (struct conn *c)
{
  size_t want = 2;
  for (;;)
    {
      int r = fill (c, want);
      if (r <= 0)
        return r;
      size_t used;
      if (!c->method_done)
        {
          uint8_t method;
          int d = socks5_decode_method_reply (c->in, c->in_len, &method,
                                              &used);
          if (d == SOCKS6_AGAIN)
            {
              want = used;
              continue;
            }
          if (d != SOCKS6_OK || method != SOCKS5_METHOD_NONE)
            return -1;
          memmove (c->in, c->in + used, c->in_len - used);
          c->in_len -= used;
          c->method_done = true;
          if (!opt.pipeline && !send_request (c))
            return -1;
          want = 4;
          continue;
        }
      struct socks5_reply reply;
      int d = socks5_decode_reply (c->in, c->in_len, &reply, &used);
      if (d == SOCKS6_AGAIN)
        {
          want = used;
          continue;
        }
      if (d != SOCKS6_OK || reply.reply != 0)
        return -1;
      c->in_len = 0;
      return 1;
    }
}

/* The TCP connection is up: send the handshake, or, direct, be done.
   Return 1 when established, 0 to wait, -1 on failure.  */
static int
on_connected (struct conn *c)
{
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt (c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
    return -1;
  if (opt.direct)
    return 1;
  uint8_t buf[SOCKS5_GREETING_MAX + SOCKS5_REQUEST_MAX];
  size_t n = encode_greeting (buf, sizeof buf);
  if (n == 0 || !send_all (c->fd, buf, n))
    return -1;
  c->state = CONN_HANDSHAKE;
  return read_handshake (c);
}

/* Drive C's connect and handshake for event E.  Return 1 once the
   session is established (C->handshake_done set), 0 to wait, -1 on
   failure.  */
static int
advance_handshake (struct conn *c, uint32_t e)
{
  int r;
  if (c->state == CONN_CONNECTING)
    {
      if (!(e & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
        return 0;
      r = on_connected (c);
    }
  else
    r = read_handshake (c);
  if (r == 1)
    c->handshake_done = now ();
  return r;
}

/* ------------------------------------------------------------------ */
/* Bulk: STREAMS connections writing (or reading) as fast as they can.  */

static bool
bulk_pump (struct worker *w, struct conn *c)
{
  double t = now ();
  bool counting = t >= w->measure_from && t < w->deadline;
  for (int i = 0; i < 64; i++)
    {
      ssize_t n = opt.download
        ? recv (c->fd, chunk, sizeof chunk, 0)
        : send (c->fd, chunk, sizeof chunk, MSG_NOSIGNAL);
      if (n == 0 && opt.download)
        return false;
      if (n < 0)
        return errno == EAGAIN;
      if (counting)
        w->st.bytes += (uint64_t) n;
    }
  /* Still writable after 64 chunks: come back after other streams had
     their turn, through a level-triggered re-arm.  */
  watch (w->ep, EPOLL_CTL_MOD, c->fd,
         (opt.download ? EPOLLIN : EPOLLOUT) | EPOLLRDHUP, c);
  return true;
}

static void *
bulk_thread (void *arg)
{
  struct worker *w = arg;
  struct epoll_event events[256];
  int established = 0;
  for (int i = 0; i < w->slots; i++)
    if (!conn_start (w, &w->conns[i]))
      die ("connect");
  while (now () < w->deadline)
    {
      int n = epoll_wait (w->ep, events, 256, 100);
      for (int i = 0; i < n; i++)
        {
          struct conn *c = events[i].data.ptr;
          uint32_t e = events[i].events;
          if (c->fd < 0)
            continue;
          if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE)
            {
              int r = advance_handshake (c, e);
              if (r < 0)
                {
                  w->st.errors++;
                  conn_end (c);
                }
              if (r <= 0)
                continue;
              c->state = CONN_BULK;
              established++;
            }
          if (!bulk_pump (w, c))
            {
              w->st.errors++;
              conn_end (c);
            }
        }
    }
  for (int i = 0; i < w->slots; i++)
    conn_end (&w->conns[i]);
  w->st.sessions = (uint64_t) established;
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Short sessions: handshake, SIZE octets echoed, close; again.  */

static void
session_next (struct worker *w, struct conn *c)
{
  conn_end (c);
  while (now () < w->deadline)
    {
      if (conn_start (w, c))
        return;
      w->st.errors++;
    }
}

static void
session_event (struct worker *w, struct conn *c, uint32_t e)
{
  static uint8_t msg[65536];
  if (msg[0] == 0)
    {
      memset (msg, 'x', opt.size - 1);
      msg[opt.size - 1] = '\n';
    }
  if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE)
    {
      int r = advance_handshake (c, e);
      if (r == 0)
        return;
      if (r < 0 || !send_all (c->fd, msg, opt.size))
        goto fail;
      c->state = CONN_ECHO;
      c->in_len = 0;
    }
  /* The echo is counted, not kept: only its length matters.  Then the
     destination closes, and the gateway must pass that on.  */
  for (;;)
    {
      uint8_t buf[4096];
      ssize_t n = recv (c->fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0 || c->in_len + (size_t) n > opt.size)
        goto fail;
      if (n == 0)
        break;
      c->in_len += (size_t) n;
    }
  if (c->in_len != opt.size)
    goto fail;
  double t = now ();
  if (c->started >= w->measure_from && t < w->deadline)
    {
      w->st.sessions++;
      record (&w->st, t - c->started, c->handshake_done - c->started);
    }
  session_next (w, c);
  return;
fail:
  if (now () < w->deadline)
    w->st.errors++;
  session_next (w, c);
}

static void *
sessions_thread (void *arg)
{
  struct worker *w = arg;
  struct epoll_event events[256];
  for (int i = 0; i < w->slots; i++)
    if (!conn_start (w, &w->conns[i]))
      die ("connect");
  while (now () < w->deadline)
    {
      int n = epoll_wait (w->ep, events, 256, 100);
      for (int i = 0; i < n; i++)
        {
          struct conn *c = events[i].data.ptr;
          if (c->fd >= 0)
            session_event (w, c, events[i].events);
        }
    }
  for (int i = 0; i < w->slots; i++)
    conn_end (&w->conns[i]);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Idle: open COUNT sessions, prove each with one echoed octet, hold them
   for HOLD seconds (or until SIGUSR1) noting any that the gateway drops,
   then prove each again.  */

struct idle_run
{
  struct worker w;
  int started;                  /* connections begun so far */
  int opening;                  /* of those, handshakes in flight */
  int proven;                   /* idle, their first octet echoed */
  int checking;                 /* check octet sent, not yet back */
  int failed, lost, alive;
};

/* One echoed octet on an idle session came back, or it broke.  */
static void
idle_event (struct idle_run *r, struct conn *c, uint32_t e)
{
  if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE)
    {
      int h = advance_handshake (c, e);
      if (h == 0)
        return;
      r->opening--;
      if (h < 0 || !send_all (c->fd, "i", 1))
        {
          r->failed++;
          conn_end (c);
          return;
        }
      c->state = CONN_ECHO;
      c->in_len = 0;
      return;
    }
  uint8_t b[64];
  ssize_t n = recv (c->fd, b, sizeof b, 0);
  if (n < 0 && errno == EAGAIN && !(e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
    return;
  if (c->state == CONN_CHECK && c->method_done)
    {
      /* Echoed already; this is the destination closing.  */
      if (n < 0 && errno == EAGAIN)
        return;
      r->checking--;
      conn_end (c);
      return;
    }
  if (n <= 0 || c->state == CONN_IDLE)
    {
      /* EOF, an error, or data nobody asked for: the session is gone.  */
      if (c->state == CONN_ECHO)
        r->failed++;
      else
        r->lost++;
      r->checking -= c->state == CONN_CHECK;
      r->proven -= c->state == CONN_IDLE;
      conn_end (c);
      return;
    }
  if (c->state == CONN_CHECK)
    {
      /* Alive; the newline makes the destination close, which is
         awaited so that the TIME_WAIT stays on its side.  */
      r->alive++;
      c->method_done = true;
      n = recv (c->fd, b, sizeof b, 0);
      if (n >= 0 || errno != EAGAIN)
        {
          r->checking--;
          conn_end (c);
        }
      return;
    }
  r->proven++;
  c->state = CONN_IDLE;
}

static void
on_sigusr1 (int sig)
{
  (void) sig;
  hold_over = 1;
}

/* Run epoll until DONE says so or UNTIL passes.  */
static void
idle_loop (struct idle_run *r, double until,
           bool (*done) (struct idle_run *))
{
  struct epoll_event events[256];
  while (!done (r) && now () < until)
    {
      int n = epoll_wait (r->w.ep, events, 256, 50);
      for (int i = 0; i < n; i++)
        {
          struct conn *c = events[i].data.ptr;
          if (c->fd >= 0)
            idle_event (r, c, events[i].events);
        }
    }
}

static bool
idle_opened (struct idle_run *r)
{
  /* Keep IDLE_OPENING handshakes in flight until all are started.  */
  while (r->started < opt.count && r->opening < IDLE_OPENING)
    {
      if (conn_start (&r->w, &r->w.conns[r->started]))
        r->opening++;
      else
        r->failed++;
      r->started++;
    }
  return r->started == opt.count
    && r->proven + r->failed + r->lost >= opt.count;
}

static bool
idle_never (struct idle_run *r)
{
  (void) r;
  return hold_over;
}

static bool
idle_checked (struct idle_run *r)
{
  return r->checking == 0;
}

static void
idle (void)
{
  struct idle_run r = { 0 };
  r.w.ep = epoll_create1 (EPOLL_CLOEXEC);
  r.w.conns = calloc ((size_t) opt.count, sizeof *r.w.conns);
  if (r.w.ep < 0 || !r.w.conns)
    die ("idle setup");
  for (int i = 0; i < opt.count; i++)
    r.w.conns[i].fd = -1;
  signal (SIGUSR1, on_sigusr1);

  double t0 = now ();
  /* A gateway that stalls a handshake must not stall the benchmark.  */
  idle_loop (&r, t0 + 30, idle_opened);
  printf ("established=%d\nfailed=%d\nopen_seconds=%.3f\n", r.proven,
          opt.count - r.proven, now () - t0);
  fflush (stdout);

  idle_loop (&r, now () + opt.hold, idle_never);
  for (int i = 0; i < opt.count; i++)
    {
      struct conn *c = &r.w.conns[i];
      if (c->fd < 0)
        continue;
      if (c->state == CONN_IDLE && send_all (c->fd, "\n", 1))
        {
          c->state = CONN_CHECK;
          c->method_done = false;   /* now: "the check came back" */
          r.checking++;
        }
      else
        {
          r.lost++;
          conn_end (c);
        }
    }
  idle_loop (&r, now () + 10, idle_checked);
  printf ("alive=%d\nlost=%d\n", r.alive, opt.count - r.alive);
  for (int i = 0; i < opt.count; i++)
    conn_end (&r.w.conns[i]);
}

/* ------------------------------------------------------------------ */
/* Running workers and reporting.  */

static struct worker *
run_threads (int total_slots, void *(*fn) (void *), double warmup)
{
  struct worker *w = calloc ((size_t) opt.threads, sizeof *w);
  if (!w)
    die ("calloc");
  double start = now ();
  for (int t = 0; t < opt.threads; t++)
    {
      w[t].slots = total_slots / opt.threads
        + (t < total_slots % opt.threads);
      w[t].conns = calloc ((size_t) w[t].slots + 1, sizeof *w[t].conns);
      w[t].st.total_us = malloc (SAMPLES_MAX * sizeof (float));
      w[t].st.handshake_us = malloc (SAMPLES_MAX * sizeof (float));
      w[t].ep = epoll_create1 (EPOLL_CLOEXEC);
      w[t].st.rng = 0x9e3779b97f4a7c15ULL + (uint64_t) t;
      w[t].measure_from = start + warmup;
      w[t].deadline = start + warmup + opt.seconds;
      if (!w[t].conns || !w[t].st.total_us || !w[t].st.handshake_us
          || w[t].ep < 0)
        die ("worker setup");
    }
  for (int t = 0; t < opt.threads; t++)
    if (pthread_create (&w[t].thread, NULL, fn, &w[t]) != 0)
      die ("pthread_create");
  for (int t = 0; t < opt.threads; t++)
    pthread_join (w[t].thread, NULL);
  return w;
}

static int
compare_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return x < y ? -1 : x > y;
}

/* The P quantile of the N sorted values V, by nearest rank.  */
static double
quantile (const float *v, size_t n, double p)
{
  if (n == 0)
    return 0;
  size_t i = (size_t) ceil (p * (double) n);
  return v[i == 0 ? 0 : i - 1];
}

static void
report_latency (const char *key, struct worker *w, bool handshake)
{
  size_t n = 0;
  for (int t = 0; t < opt.threads; t++)
    n += w[t].st.nsamples;
  float *all = malloc ((n + 1) * sizeof *all);
  if (!all)
    die ("malloc");
  n = 0;
  for (int t = 0; t < opt.threads; t++)
    {
      memcpy (all + n, handshake ? w[t].st.handshake_us : w[t].st.total_us,
              w[t].st.nsamples * sizeof *all);
      n += w[t].st.nsamples;
    }
  qsort (all, n, sizeof *all, compare_float);
  printf ("%s_p50_us=%.1f\n%s_p99_us=%.1f\n", key, quantile (all, n, 0.5),
          key, quantile (all, n, 0.99));
  free (all);
}

static void
bulk (void)
{
  /* A quarter second to connect and fill the pipes before counting.  */
  struct worker *w = run_threads (opt.streams, bulk_thread, 0.25);
  uint64_t bytes = 0, errors = 0, established = 0;
  for (int t = 0; t < opt.threads; t++)
    {
      bytes += w[t].st.bytes;
      errors += w[t].st.errors;
      established += w[t].st.sessions;
    }
  printf ("streams=%llu\nbytes=%llu\nseconds=%.3f\nbytes_per_s=%.0f\n"
          "gib_per_s=%.3f\nerrors=%llu\n",
          (unsigned long long) established, (unsigned long long) bytes,
          opt.seconds, (double) bytes / opt.seconds,
          (double) bytes / opt.seconds / (1 << 30),
          (unsigned long long) errors);
}

static void
sessions (void)
{
  struct worker *w = run_threads (opt.concurrency, sessions_thread, 0.1);
  uint64_t n = 0, errors = 0;
  for (int t = 0; t < opt.threads; t++)
    {
      n += w[t].st.sessions;
      errors += w[t].st.errors;
    }
  printf ("sessions=%llu\nseconds=%.3f\nsessions_per_s=%.0f\nerrors=%llu\n",
          (unsigned long long) n, opt.seconds, (double) n / opt.seconds,
          (unsigned long long) errors);
  report_latency ("session", w, false);
  report_latency ("handshake", w, true);
}

/* ------------------------------------------------------------------ */
/* The command line.  */

static void
usage (void)
{
  printf ("\
Usage: loadgen serve [--ports-file FILE] [--echo-port P] [--sink-port P]\n\
                     [--source-port P]\n\
       loadgen bulk [--proxy HOST:PORT] --port P [--streams N] [--download]\n\
       loadgen sessions [--proxy HOST:PORT] --port P [--concurrency C]\n\
                        [--size BYTES]\n\
       loadgen idle [--proxy HOST:PORT] --port P [--count K] [--hold S]\n\
Common: [--dest ADDRESS] (default ::1) [--seconds T] [--threads N]\n\
        [--no-pipeline] (wait for the method reply before CONNECT)\n\
\n\
serve listens on [::1] only (ports 0: any free one, written to FILE or\n\
stdout as KEY=VALUE lines): echo, sink (discard) and source (endless).\n\
Without --proxy the clients connect to [DEST]:P directly; with it they\n\
speak SOCKS 5 (greeting and CONNECT pipelined) to the gateway at HOST:PORT.\n\
bulk writes to a sink (reads from a source with --download) for T\n\
seconds; sessions runs handshake, echo of BYTES, close, at concurrency C\n\
for T seconds; idle opens K sessions and holds them for S seconds or\n\
until SIGUSR1, then checks each.  Results are KEY=VALUE lines.\n");
}

static void
parse_address (const char *text, union socks6_sockaddr *sa, socklen_t *len,
               struct socks6_addr *addr, uint16_t default_port)
{
  struct socks6_addr a;
  if (socks6_addr_parse (&a, text, default_port) != SOCKS6_OK
      || a.type == SOCKS6_ADDR_NAME)
    usage_error ("expected a numeric address");
  if (socks6_addr_to_sockaddr (&a, sa, len) != SOCKS6_OK)
    usage_error ("bad address");
  if (addr)
    *addr = a;
}

static void
parse_args (int argc, char **argv)
{
  static const struct option longopts[] = {
    {"proxy", required_argument, NULL, 'x'},
    {"port", required_argument, NULL, 'p'},
    {"dest", required_argument, NULL, 'd'},
    {"streams", required_argument, NULL, 'n'},
    {"concurrency", required_argument, NULL, 'c'},
    {"count", required_argument, NULL, 'k'},
    {"threads", required_argument, NULL, 'j'},
    {"seconds", required_argument, NULL, 't'},
    {"hold", required_argument, NULL, 'H'},
    {"size", required_argument, NULL, 's'},
    {"download", no_argument, NULL, 'D'},
    {"no-pipeline", no_argument, NULL, 'P'},
    {"ports-file", required_argument, NULL, 'f'},
    {"echo-port", required_argument, NULL, 'E'},
    {"sink-port", required_argument, NULL, 'S'},
    {"source-port", required_argument, NULL, 'O'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  const char *dest = "::1";
  int port = 0, c;
  if (argc < 2)
    usage_error ("a mode is required");
  if (strcmp (argv[1], "--help") == 0)
    {
      usage ();
      exit (0);
    }
  static const char *const modes[] = { "serve", "bulk", "sessions", "idle" };
  int mode = -1;
  for (int i = 0; i < 4; i++)
    if (strcmp (argv[1], modes[i]) == 0)
      mode = i;
  if (mode < 0)
    usage_error ("unknown mode");
  opt.mode = (enum mode) mode;
  opt.direct = true;
  while ((c = getopt_long (argc - 1, argv + 1, "", longopts, NULL)) != -1)
    switch (c)
      {
      case 'x':
        parse_address (optarg, &opt.proxy, &opt.proxy_len, NULL, 1080);
        opt.direct = false;
        break;
      case 'p': port = atoi (optarg); break;
      case 'd': dest = optarg; break;
      case 'n': opt.streams = atoi (optarg); break;
      case 'c': opt.concurrency = atoi (optarg); break;
      case 'k': opt.count = atoi (optarg); break;
      case 'j': opt.threads = atoi (optarg); break;
      case 't': opt.seconds = atof (optarg); break;
      case 'H': opt.hold = atof (optarg); break;
      case 's': opt.size = (size_t) atol (optarg); break;
      case 'D': opt.download = true; break;
      case 'P': opt.pipeline = false; break;
      case 'f': opt.ports_file = optarg; break;
      case 'E': opt.echo_port = atoi (optarg); break;
      case 'S': opt.sink_port = atoi (optarg); break;
      case 'O': opt.source_port = atoi (optarg); break;
      case 'h': usage (); exit (0);
      default: usage_error ("bad option");
      }
  if (optind + 1 != argc)
    usage_error ("unexpected argument");
  if (opt.mode == MODE_SERVE)
    return;
  if (port <= 0 || port > 65535)
    usage_error ("--port is required (1-65535)");
  if (opt.streams < 1 || opt.concurrency < 1 || opt.count < 1
      || opt.threads < 1 || opt.seconds <= 0 || opt.size < 1
      || opt.size > 65536)
    usage_error ("a count, duration or size is out of range");
  if (opt.threads > opt.streams && opt.mode == MODE_BULK)
    opt.threads = opt.streams;
  if (opt.threads > opt.concurrency && opt.mode == MODE_SESSIONS)
    opt.threads = opt.concurrency;
  /* DEST is what the request names and, direct, where to connect.  */
  char text[128];
  snprintf (text, sizeof text, strchr (dest, ':') ? "[%s]:%d" : "%s:%d",
            dest, port);
  parse_address (text, &opt.dest_sa, &opt.dest_sa_len, &opt.dest, 0);
}

int
main (int argc, char **argv)
{
  struct rlimit rl;
  /* Idle sessions need thousands of descriptors: take the hard limit.  */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
  signal (SIGPIPE, SIG_IGN);
  memset (chunk, 'x', sizeof chunk);
  parse_args (argc, argv);
  switch (opt.mode)
    {
    case MODE_SERVE: serve ();
    case MODE_BULK: bulk (); break;
    case MODE_SESSIONS: sessions (); break;
    case MODE_IDLE: idle (); break;
    }
  return fflush (stdout) == 0 ? 0 : 1;
}
