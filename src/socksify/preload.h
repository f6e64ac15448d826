/* Internal interface of libsocks6-preload.so, the library socksify
   preloads into programs.  Its parts: the real functions it wraps
   (preload-sym.c), its settings and state (preload-init.c), the per-fd
   table (preload-fd.c), logging (preload-log.c), /etc/hosts
   (preload-hosts.c), the gateway connection (preload-gateway.c), the
   handshake through one gateway or a chain of them (preload-chain.c),
   BIND for listening sockets (preload-bind.c, with its hooks), and
   the asynchronous connect (preload-async.c), UDP through the gateway
   (preload-udp.c, also the hooks of the data path), and the hooks themselves
   (preload-connect.c, preload-socket.c, preload-resolve.c,
   preload-res.c, preload-wait.c).

   The library is built with hidden visibility and a list of exported
   symbols: only the hooks are visible, so neither libsocks6's functions
   nor these ever meet the host program's own symbols.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKSIFY_PRELOAD_H
#define SOCKSIFY_PRELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "addr.h"
#include "fakeaddr.h"
#include "settings.h"

/* Marks a hook: the only symbols the library exports.  */
#define PRELOAD_EXPORT __attribute__ ((visibility ("default")))

/* The real functions, found once with dlsym (RTLD_NEXT).  NULL when
   the next object defines none, or when it gave back our own hook.  */
struct preload_true
{
  int (*socket) (int, int, int);
  int (*connect) (int, const struct sockaddr *, socklen_t);
  int (*bind) (int, const struct sockaddr *, socklen_t);
  int (*listen) (int, int);
  int (*accept) (int, struct sockaddr *, socklen_t *);
  int (*accept4) (int, struct sockaddr *, socklen_t *, int);
  int (*close) (int);
  int (*close_range) (unsigned int, unsigned int, int);
  int (*dup) (int);
  int (*dup2) (int, int);
  int (*dup3) (int, int, int);
  int (*fcntl) (int, int, ...);
  int (*fcntl64) (int, int, ...);
  int (*getpeername) (int, struct sockaddr *, socklen_t *);
  int (*getsockname) (int, struct sockaddr *, socklen_t *);
  ssize_t (*sendto) (int, const void *, size_t, int,
                     const struct sockaddr *, socklen_t);
  ssize_t (*sendmsg) (int, const struct msghdr *, int);
  int (*sendmmsg) (int, struct mmsghdr *, unsigned int, int);
  ssize_t (*send) (int, const void *, size_t, int);
  ssize_t (*write) (int, const void *, size_t);
  ssize_t (*recvfrom) (int, void *, size_t, int, struct sockaddr *,
                       socklen_t *);
  ssize_t (*recvmsg) (int, struct msghdr *, int);
  int (*recvmmsg) (int, struct mmsghdr *, unsigned int, int,
                   struct timespec *);
  ssize_t (*recv) (int, void *, size_t, int);
  ssize_t (*read) (int, void *, size_t);
  int (*getaddrinfo) (const char *, const char *, const struct addrinfo *,
                      struct addrinfo **);
  void (*freeaddrinfo) (struct addrinfo *);
  int (*getnameinfo) (const struct sockaddr *, socklen_t, char *, socklen_t,
                      char *, socklen_t, int);
  struct hostent *(*gethostbyname) (const char *);
  struct hostent *(*gethostbyname2) (const char *, int);
  int (*gethostbyname_r) (const char *, struct hostent *, char *, size_t,
                          struct hostent **, int *);
  int (*gethostbyname2_r) (const char *, int, struct hostent *, char *,
                           size_t, struct hostent **, int *);
  int (*getsockopt) (int, int, int, void *, socklen_t *);
  int (*poll) (struct pollfd *, nfds_t, int);
  int (*ppoll) (struct pollfd *, nfds_t, const struct timespec *,
                const sigset_t *);
  int (*select) (int, fd_set *, fd_set *, fd_set *, struct timeval *);
  int (*pselect) (int, fd_set *, fd_set *, fd_set *,
                  const struct timespec *, const sigset_t *);
  int (*epoll_ctl) (int, int, int, struct epoll_event *);
  int (*epoll_wait) (int, struct epoll_event *, int, int);
  int (*epoll_pwait) (int, struct epoll_event *, int, int, const sigset_t *);
  int (*epoll_pwait2) (int, struct epoll_event *, int,
                       const struct timespec *, const sigset_t *);
  struct hostent *(*gethostbyaddr) (const void *, socklen_t, int);
  int (*gethostbyaddr_r) (const void *, socklen_t, int, struct hostent *,
                          char *, size_t, struct hostent **, int *);
};

extern struct preload_true preload_true;

/* Load the real functions (once, any thread).  */
extern void preload_sym_load (void);

/* The library's state once initialized.  */
struct preload_state
{
  bool ready;                   /* settings read, table made */
  bool broken;                  /* settings unusable: pass everything */
  struct socksify_settings settings;
  struct fakeaddr_table *fake;  /* NULL if it could not be made */
  int unspec_family;            /* AF_INET or AF_INET6 */
  char password[256];
  size_t password_len;
};

extern struct preload_state preload_state;

/* Initialize once; return true if the library socksifies (false: pass
   every call through, because the calling thread is inside the library,
   or the settings are unusable).  Every hook starts with it.  */
extern bool preload_enter (void);

/* The re-entrancy guard: while a thread is inside the library, its own
   calls that reach the hooks (through libc or NSS) pass through.  */
extern void preload_busy_begin (void);
extern void preload_busy_end (void);
extern bool preload_busy (void);

/* Logging, only when asked for (SOCKS6_LOG_LEVEL); never on the
   program's output otherwise.  Keeps errno.  */
extern void preload_log (enum socksify_log_level level, const char *format,
                         ...) __attribute__ ((format (printf, 2, 3)));

/* The per-fd table.  */
struct preload_fd
{
  bool socksified;              /* connected through the gateway */
  bool fake;                    /* PEER is a fake address we hold */
  int family;                   /* the family the program's socket had */
  union socks6_sockaddr peer;   /* what the program connected to */
};

extern void preload_fd_init (void);
/* Copy of FD's entry; false when FD is not socksified.  */
extern bool preload_fd_get (int fd, struct preload_fd *entry);
extern void preload_fd_set (int fd, const struct preload_fd *entry);
/* Forget FD, releasing its fake address.  */
extern void preload_fd_clear (int fd);
/* NEWFD becomes a copy of OLDFD (dup).  */
extern void preload_fd_copy (int oldfd, int newfd);
/* Drop the hold ENTRY (not in the table) has on its fake address.  */
extern void preload_fd_release_entry (const struct preload_fd *entry);
/* Called in the child after fork: take holds for inherited sockets.  */
extern void preload_fd_after_fork (void);

/* /etc/hosts: true if NAME is listed there (any case).  */
extern bool preload_hosts_has_name (const char *name);
/* True if the address ADDR of FAMILY is listed there.  */
extern bool preload_hosts_has_addr (int family, const void *addr);

/* The decision for a name the program looks up.  */
enum preload_name_kind
{
  PRELOAD_NAME_SYSTEM,          /* numeric, /etc/hosts or direct: libc */
  PRELOAD_NAME_FAKE,            /* answer with a fake address */
  PRELOAD_NAME_INVALID          /* cannot be a host name */
};

/* Classify NAME; for PRELOAD_NAME_FAKE, WIRE (SOCKS6_NAME_MAX + 1 bytes)
   gets its wire form and *LEN its length.  */
extern enum preload_name_kind preload_classify_name (const char *name,
                                                     char *wire,
                                                     size_t *len);

/* The fake address of FAMILY for WIRE (LEN octets) in ADDR, after the
   RESOLVE question to the gateway when configured.  Return 0 or an
   EAI_* code (EAI_NONAME: the gateway says the name does not exist).  */
extern int preload_fake_address (int family, const char *wire, size_t len,
                                 unsigned char addr[16]);

/* Lay a hostent for NAME and ADDR (of FAMILY) out in BUF, as the _r
   functions do: 0, or ERANGE when BUFLEN is too small.  */
extern int preload_fill_hostent (const char *name, int family,
                                 const void *addr, struct hostent *ret,
                                 char *buf, size_t buflen,
                                 struct hostent **result, int *h_errnop);

/* Check with the gateway (RESOLVE) that NAME exists, when configured.
   Return 0, or an EAI_* code (EAI_NONAME, EAI_AGAIN).  */
extern int preload_gateway_resolve (const char *wire, size_t len);

/* Run a SOCKS request for DST over FD, a connected TCP socket of the
   family of one of the gateways: connect it to a gateway (fail-over in
   order), pipeline the handshake, wait for the reply (bounded by the
   timeout).  COMMAND is CONNECT or RESOLVE; the reply goes to *REPLY
   when not NULL.  Return 0 or an errno value.  */
struct socks5_reply;
extern int preload_gateway_request (int fd, uint8_t command,
                                    const struct socks6_addr *dst,
                                    struct socks5_reply *reply);

/* The pieces of preload_gateway_request that the asynchronous connect
   (preload-async.c) runs step by step: the number of gateways, starting
   the connection to gateway I, the engine for a request, the errno of
   a failed handshake, and the log line of a request's outcome.  */
struct socks5_client;
extern size_t preload_gateway_count_ready (void);
extern int preload_gateway_begin (int fd, size_t i, bool *renewed);
extern int preload_gateway_engine (struct socks5_client *client,
                                   uint8_t command,
                                   const struct socks6_addr *dst);
extern int preload_handshake_errno (const struct socks5_client *client,
                                    int rc);
extern void preload_log_request (int err, uint8_t command,
                                 const struct socks6_addr *dst,
                                 size_t gateway);
extern int64_t preload_now_ms (void);

/* Make FD a fresh, unconnected TCP socket of FAMILY under the same
   number and descriptor flags.  Return 0 or an errno value.  */
extern int preload_socket_renew (int fd, int family);

/* Family of the first gateway the library would try (AF_INET or
   AF_INET6), resolving its name once if it has one.  */
extern int preload_gateway_family (void);

/* UDP through the gateway (preload-udp.c): UDP ASSOCIATE on first use,
   the RFC 1928 header on each datagram.  */

/* The address octets of SA (IPv4-mapped IPv6 seen as IPv4, *FAMILY
   set), NULL for other families; its port in host order.  */
extern const unsigned char *preload_sockaddr_bytes (const struct sockaddr
                                                    *sa, int *family);
extern uint16_t preload_sockaddr_port (const struct sockaddr *sa);
/* True if FD is a UDP socket of IPv4 or IPv6, of family *FAMILY.  */
extern bool preload_udp_socket (int fd, int *family);
/* Send MSG (msg_name NULL on a connected socket) when it goes through
   the gateway: true, with the hook's return value in *RESULT (errno
   set); false when the hook passes it through.  */
extern bool preload_udp_send (int fd, const struct msghdr *msg, int flags,
                              ssize_t *result);
/* Receive on FD when it has an association, the same way.  */
extern bool preload_udp_recv (int fd, struct msghdr *msg, int flags,
                              ssize_t *result);
/* connect() on a UDP socket (the DNS guard passed): through the relay
   for a destination that is not direct.  */
extern int preload_udp_connect (int fd, const struct sockaddr *sa,
                                socklen_t len);
/* connect(AF_UNSPEC) on FD.  */
extern void preload_udp_disconnect (int fd);
/* FD has an association (no lock: the data path's first test).  */
extern bool preload_udp_tracked (int fd);
/* FD is closed or replaced; NEWFD becomes a copy of OLDFD.  */
extern void preload_udp_forget (int fd);
extern void preload_udp_copy (int oldfd, int newfd);
/* getsockopt SO_SNDBUF or SO_RCVBUF, less the header (RFC 1928
   section 7) on an associated socket.  */
extern int preload_udp_getsockopt (int fd, int level, int name, void *value,
                                   socklen_t *len);

/* The asynchronous connect (preload-async.c, --connect-mode=async).  */

/* Start connecting FD, a non-blocking socket, through the gateway to
   DST; ENTRY is what the fd table gets once connected.  Return 0 (the
   program sees EINPROGRESS), an errno value for a failure known at
   once, or -1 when FD must connect in blocking mode instead.  */
extern int preload_async_start (int fd, const struct socks6_addr *dst,
                                const struct preload_fd *entry);
/* connect() on FD again: -1 when FD is not pending, else EALREADY,
   EISCONN, or the error it failed with (once).  */
extern int preload_async_connect_again (int fd);
/* True if FD's connection is pending (or failed, unreported).  */
extern bool preload_async_pending (int fd);
/* FD is being closed.  */
extern void preload_async_forget (int fd);
/* Connections pending now; the waiting hooks pass straight through
   when there are none.  */
extern int preload_async_count (void);
/* SO_ERROR of FD: 1 with *ERR set when FD is pending, 0 otherwise.  */
extern int preload_async_so_error (int fd, int *err);
/* The waiting hooks' work while connections are pending; TIMEOUT in
   milliseconds, -1 for none.  */
extern int preload_async_epoll_ctl (int epfd, int op, int fd,
                                    struct epoll_event *ev);
extern int preload_async_poll (struct pollfd *fds, nfds_t nfds,
                               int64_t timeout, const sigset_t *mask);
extern int preload_async_epoll_wait (int epfd, struct epoll_event *events,
                                     int maxevents, int64_t timeout,
                                     const sigset_t *mask);
extern int preload_async_select (int nfds, fd_set *rd, fd_set *wr,
                                 fd_set *ex, int64_t timeout,
                                 const sigset_t *mask);

/* Client-side chains (preload-chain.c): the handshake over one socket
   with each gateway in turn when --chain is set, else with one
   gateway.  The same interface as libsocks6's client engine.  */
#include "client.h"

#define PRELOAD_CHAIN_AHEAD_MAX \
  (SOCKSIFY_SERVERS_MAX * (SOCKS5_GREETING_MAX + SOCKS5_REQUEST_MAX))

struct preload_chain
{
  struct socks5_client client;  /* the engine of the current hop */
  uint8_t command;              /* the program's request, last hop */
  struct socks6_addr dst;
  size_t hop, hops;
  bool ahead;                   /* later hops' messages sent up front */
  uint8_t ahead_buf[PRELOAD_CHAIN_AHEAD_MAX];
  size_t ahead_len, ahead_sent;
};

/* Start the handshake for COMMAND and DST.  Return 0 or an errno.  */
extern int preload_chain_start (struct preload_chain *chain,
                                uint8_t command,
                                const struct socks6_addr *dst);
extern const uint8_t *preload_chain_output (const struct preload_chain
                                            *chain, size_t *len);
extern void preload_chain_output_done (struct preload_chain *chain,
                                       size_t n);
/* As socks5_client_input: SOCKS6_OK only when the last hop is done.  */
extern int preload_chain_input (struct preload_chain *chain,
                                const uint8_t *buf, size_t len,
                                size_t *consumed);
extern int preload_chain_eof (struct preload_chain *chain);
/* The errno a failed result RC means to the program.  */
extern int preload_chain_errno (const struct preload_chain *chain, int rc);
/* Log which hop failed (ERR) or that the chain is through (0).  */
extern void preload_chain_log (const struct preload_chain *chain, int err);
extern void preload_chain_wipe (struct preload_chain *chain);
/* Move the handshake on FD as far as it goes without waiting: send what
   is queued, take the replies that came (only their bytes).  Return 0
   when done, EINPROGRESS to wait (for POLLIN, and POLLOUT when output
   is left), or an errno.  */
extern int preload_chain_pump (int fd, struct preload_chain *chain);
/* True once the last hop's BIND has its first reply.  */
extern bool preload_chain_bind_listening (const struct preload_chain
                                          *chain);

/* BIND (preload-bind.c, --bind-mode): the program's listen for a
   reverse connection made at the gateway.  */

/* FD connected through gateway number GATEWAY to DST: BIND's
   destination, should the program listen next.  */
extern void preload_bind_note_connect (int fd, const struct socks6_addr *dst,
                                       size_t gateway);
/* getsockname of FD when it is a BIND's listener: true, with the
   answer filled in (or -1 and errno in *RC).  */
extern bool preload_bind_getsockname (int fd, struct sockaddr *sa,
                                      socklen_t *len, int *rc);
/* FD is being connected: a BIND started for it is abandoned, and its
   local address put back.  */
extern void preload_bind_before_connect (int fd);
/* FD is closed or replaced.  */
extern void preload_bind_forget (int fd);

/* Run the BIND handshake for DST on FD through gateway GATEWAY (the one
   the program's connection used) until its first reply, within the
   timeout; CHAIN keeps the state for the second.  Return 0 or an
   errno.  */
extern int preload_gateway_bind (int fd, size_t gateway,
                                 const struct socks6_addr *dst,
                                 struct preload_chain *chain);
/* The gateway (index for preload_log_request) that this thread's last
   preload_gateway_request reached.  */
extern size_t preload_gateway_used (void);

#endif /* SOCKSIFY_PRELOAD_H */
