/* socks6-probe: what the parts of the program share: the options, the
   output (lines for a person or one JSON object), the network helpers
   bounded by deadlines, and the three modes (diagnostics, conformance,
   listen).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_PROBE_H
#define SOCKS6_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "client.h"
#include "clock.h"
#include "escape.h"
#include "socks5.h"

/* Exit statuses, documented in doc/probe.texi.  */
enum
{
  PROBE_EXIT_OK = 0,            /* everything asked succeeded */
  PROBE_EXIT_SERVER = 1,        /* the server refused or misbehaved */
  PROBE_EXIT_LOCAL = 2          /* usage or local error */
};

struct probe_options
{
  const char *server;           /* HOST:PORT as given */
  const char *user;             /* -U; NULL: no credentials */
  char *password;               /* from a prompt, the environment, a file */
  const char *connect_target;   /* --connect */
  const char *send_text;        /* --send, escapes not yet decoded */
  bool http_head;               /* --http-head */
  const char *resolve_name;     /* --resolve */
  bool bind;                    /* --bind */
  const char *bind_peer;        /* --bind=PEER; NULL: 0.0.0.0:0 */
  const char *udp_target;       /* --udp */
  bool conformance;             /* --conformance */
  const char *listen;           /* --listen */
  long count;                   /* --count; 0: unbounded */
  bool json;
  int verbose;
  bool pipeline;                /* --pipeline */
  int family;                   /* -4 / -6: AF_INET, AF_INET6; 0 both */
  int timeout_ms;               /* --timeout, per step */
  bool timeout_given;
};

extern struct probe_options probe_opt;

/* socks6_now_ns for the engine's clock.  */
extern uint64_t probe_clock (void *arg);
/* Milliseconds between two socks6_now_ns values, for messages.  */
extern double probe_ms (uint64_t from, uint64_t to);

/* Output.  Lines for a person go through probe_say (nothing in JSON
   mode); the JSON object is written by the probe_json_* calls (nothing
   otherwise).  STEP is a short translated word such as "tcp".  */
extern void probe_say (const char *step, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));
extern void probe_json_begin (const char *key);        /* object */
extern void probe_json_begin_array (const char *key);
extern void probe_json_end (void);
extern void probe_json_end_array (void);
extern void probe_json_string (const char *key, const char *value);
extern void probe_json_bytes (const char *key, const uint8_t *buf,
                              size_t len);
extern void probe_json_int (const char *key, long value);
extern void probe_json_ms (const char *key, double ms);
extern void probe_json_bool (const char *key, bool value);
extern void probe_json_null (const char *key);
/* With -v, show LEN bytes of BUF sent (OUTGOING) or received.  */
extern void probe_wire (bool outgoing, const uint8_t *buf, size_t len);

/* The outcome of a bounded network operation.  */
enum probe_io
{
  PROBE_IO_OK = 0,
  PROBE_IO_TIMEOUT,             /* the deadline passed */
  PROBE_IO_EOF,                 /* the peer closed */
  PROBE_IO_ERROR                /* errno tells */
};

/* A deadline TIMEOUT_MS from now.  */
extern uint64_t probe_deadline (int timeout_ms);

/* Start a non-blocking TCP connection to SA and wait for it until
   DEADLINE.  Return the socket, or -1 with errno (ETIMEDOUT on the
   deadline).  */
extern int probe_tcp_connect (const union socks6_sockaddr *sa,
                              socklen_t salen, uint64_t deadline);

/* The same with FD, a non-blocking TCP socket the caller made (and
   perhaps bound); FD is closed on failure.  */
extern int probe_tcp_connect_fd (int fd, const union socks6_sockaddr *sa,
                                 socklen_t salen, uint64_t deadline);

/* Write all of BUF, or read what comes (at least one byte), before
   DEADLINE.  */
extern enum probe_io probe_send_all (int fd, const void *buf, size_t len,
                                     uint64_t deadline);
extern enum probe_io probe_recv_some (int fd, void *buf, size_t size,
                                      size_t *got, uint64_t deadline);
/* Read exactly SIZE bytes (less only on EOF, with *GOT telling).  */
extern enum probe_io probe_recv_exact (int fd, void *buf, size_t size,
                                       size_t *got, uint64_t deadline);
/* Wait for the peer to close, discarding data; *WAITED_MS how long.  */
extern enum probe_io probe_wait_close (int fd, uint64_t deadline,
                                       size_t *discarded);

/* Drive CLIENT over FD until it settles, or reaches STOP_AT (a state
   that ends this use of it, e.g. SOCKS5_CLIENT_REPLY when only the
   greeting is to be checked), or DEADLINE passes.  The engine keeps the
   result; the return tells how the I/O ended.  Bytes after the last
   reply go to EXTRA (up to EXTRA_SIZE, *EXTRA_LEN of them).  */
extern enum probe_io probe_drive (int fd, struct socks5_client *client,
                                  enum socks5_client_state stop_at,
                                  uint64_t deadline, uint8_t *extra,
                                  size_t extra_size, size_t *extra_len);

/* The first octets probe_drive received in its last run, for saying
   what a server that does not speak SOCKS 5 seems to speak.  */
extern uint8_t probe_first_octets[8];
extern size_t probe_first_octets_len;

/* Parse TARGET as name:port, v4:port or [v6]:port into ADDR (names in
   wire form through name.h).  Return a SOCKS6_E_* code.  */
extern int probe_parse_target (const char *target, struct socks6_addr *addr);

/* Parse "a.b.c.d:PORT" or "[v6]:PORT", PORT 0 to 65535 (0: any, which
   socks6_addr_parse rightly refuses for a destination).  */
extern bool probe_parse_endpoint (const char *text, struct socks6_addr *addr);

/* BIND and UDP ASSOCIATE (bindudp.c).  */
/* Where to reach BND, an address the server announced on the control
   connection FD: BND itself, or for an unspecified one the server's own
   address.  False when that cannot be told.  */
extern bool probe_announced_where (int fd, const struct socks6_addr *bnd,
                                   struct socks6_addr *where);
/* Connect to WHERE as BIND's peer, from FROM when it is an address (and
   from its port when not 0).  Return the socket or -1 with errno.  */
extern int probe_bind_peer_connect (const struct socks6_addr *where,
                                    const struct socks6_addr *from,
                                    uint64_t deadline);
/* A non-blocking UDP socket connected to RELAY, bound to FROM when it is
   an address.  Return it or -1 with errno.  */
extern int probe_udp_open (const struct socks6_addr *relay,
                           const struct socks6_addr *from);
/* Send PAYLOAD (LEN bytes) for DST with the RFC 1928 header, FRAG as
   given.  */
extern bool probe_udp_send (int fd, uint8_t frag,
                            const struct socks6_addr *dst,
                            const void *payload, size_t len);
/* Receive one datagram before DEADLINE, decode its header into H and
   copy the payload (up to SIZE bytes, *LEN of them).  A datagram without
   a valid header is PROBE_IO_ERROR with errno EBADMSG.  */
extern enum probe_io probe_udp_recv (int fd, struct socks5_udp_header *h,
                                     uint8_t *payload, size_t size,
                                     size_t *len, uint64_t deadline);
/* After the association's TCP connection closed: true once a datagram
   to DST goes unanswered within LIMIT_MS, *MS after the first try.  */
extern bool probe_udp_ended (int fd, const struct socks6_addr *dst,
                             int limit_ms, double *ms);

/* The modes.  Each returns an exit status.  */
extern int probe_diagnose (void);
extern int probe_conformance (void);
extern int probe_listen (void);

/* The internal echo peer the conformance checks use: TCP and UDP echo on
   127.0.0.1 and ::1 ephemeral ports, and a TCP port that echoes only
   after the client's half-close.  */
struct probe_peer
{
  pid_t pid;
  uint16_t tcp4_port, tcp6_port, udp4_port, udp6_port, deferred_port;
  bool has_ipv6;
};
extern int probe_peer_start (struct probe_peer *peer, int lifetime_ms);
extern void probe_peer_stop (struct probe_peer *peer);

/* The listening part shared by --listen and the internal peer: serve
   the sockets FDS (NFDS of them; DEFERRED marks the echo-after-EOF TCP
   ones), printing what arrives when LOUD, until COUNT exchanges (0: no
   bound) or IDLE_MS without traffic (-1: none).  */
extern int probe_serve (const int *fds, const bool *deferred, size_t nfds,
                        bool loud, long count, int idle_ms);

/* Connect to the server named in probe_opt.server, reporting each step
   (resolution, each address tried, TCP connect) unless QUIET.  Return
   the socket or -1; *FAMILY gets the family used.  On failure *STATUS
   gets the exit status to use.  */
extern int probe_open_server (bool quiet, int *family, int *status);

#endif /* SOCKS6_PROBE_H */
