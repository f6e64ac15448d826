/* socks6d's configuration: what the config file (socks6d.conf(5)) says,
   as one immutable value.  A reload parses a new one and swaps it in; live
   sessions keep a reference to the one they started with.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_CONFIG_H
#define SOCKS6D_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

/* Port of a "listen" address written without one, and of the defaults.  */
#define CONFIG_DEFAULT_PORT 1080

/* Where a parse error was found, for "FILE:LINE: message".  */
struct config_error
{
  char *file;
  unsigned int line;
  char *message;                /* translated */
};

/* An address prefix: 10.0.0.0/8, ::1/128, or "any".  */
struct config_prefix
{
  int family;                   /* AF_INET, AF_INET6, or AF_UNSPEC for any */
  unsigned char addr[16];
  unsigned int bits;
};

enum rule_action
{
  RULE_ALLOW,
  RULE_DENY
};

/* Bits for config_rule.commands.  */
enum
{
  RULE_CMD_CONNECT = 1 << 0,
  RULE_CMD_BIND = 1 << 1,
  RULE_CMD_UDP = 1 << 2,
  RULE_CMD_RESOLVE = 1 << 3,    /* RESOLVE and RESOLVE_PTR */
  RULE_CMD_ALL = 0xF
};

/* One "allow"/"deny" line.  A field left unset matches everything.  */
struct config_rule
{
  enum rule_action action;
  unsigned int line;            /* for logs: "rule at line N" */
  struct config_prefix *clients;        /* client prefixes, any one matches */
  size_t n_clients;
  char **users;                 /* user names; NULL = any (incl. none) */
  size_t n_users;
  unsigned int commands;        /* RULE_CMD_* mask; 0 = all */
  struct config_prefix *dst_prefixes;   /* destination address prefixes */
  size_t n_dst_prefixes;
  char **dst_suffixes;          /* destination names: ".example.com" (that
                                   domain and every name under it) or
                                   "host.example.com" (that name only);
                                   A-labels, lower case, no trailing dot */
  size_t n_dst_suffixes;
  uint16_t port_lo, port_hi;    /* 0,0 = any port */
};

/* A next hop (RFC 3089 section 4): a SOCKS 5 server this gateway speaks
   to as a client, through the client engine of libsocks6.  */
struct config_hop
{
  char *url;                    /* "socks5://[USER@]HOST:PORT" as written,
                                   for logs and config_print */
  struct socks6_addr addr;      /* HOST (a name or an address) and PORT */
  char *user;                   /* RFC 1929 user, or NULL for none */
  char *password;               /* from the credentials file, or NULL */
  /* The circuit breaker: the one part of a configuration that changes
     after it is loaded, shared by every worker through atomic access,
     and started afresh by a reload.  See chain.c.  */
  unsigned int failures;        /* consecutive failures */
  uint64_t open_until_ms;       /* skipped until then (loop clock) */
};

/* One "route" line: requests its clauses match (the same clauses as a
   rule; ACTION unused) go through the first hop of HOPS that works, or
   directly when N_HOPS is 0 ("direct").  */
struct config_route
{
  struct config_rule match;
  struct config_hop *hops;
  size_t n_hops;
};

enum resolve_policy
{
  RESOLVE_HAPPY_EYEBALLS,       /* RFC 8305, IPv6 first (the default) */
  RESOLVE_PREFER_IPV6,
  RESOLVE_PREFER_IPV4,
  RESOLVE_IPV4_ONLY,
  RESOLVE_IPV6_ONLY
};

/* Authentication methods accepted, in the server's preference order.  */
enum
{
  AUTH_NONE = 1 << 0,
  AUTH_USERPASS = 1 << 1
};

struct config
{
  unsigned int refcount;        /* config_ref / config_unref */
  char *file;                   /* path parsed, or NULL for the defaults */

  struct socks6_addr *listen;   /* addresses to listen on (type IPv4/IPv6) */
  size_t n_listen;

  unsigned int auth_methods;    /* AUTH_* mask */
  char *password_file;          /* "user:crypt-hash" lines, or NULL */
  char *pam_service;            /* PAM service name, or NULL for no PAM */

  struct config_rule *rules;    /* first match wins */
  size_t n_rules;

  struct config_route *routes;  /* first match wins; none: all direct */
  size_t n_routes;
  char *credentials_file;       /* next hops' passwords, or NULL */
  unsigned int hop_timeout_ms;  /* reaching one hop, up to its reply */
  unsigned int hop_failures;    /* circuit breaker threshold; 0 = off */
  unsigned int hop_cooldown_ms; /* how long an open breaker skips a hop */

  enum resolve_policy resolve_policy;
  unsigned int happy_eyeballs_delay_ms; /* 250 by default */

  unsigned int max_sessions;            /* 0 = unlimited */
  unsigned int max_sessions_per_client; /* 0 = unlimited */
  unsigned int handshake_timeout_ms;
  unsigned int resolve_timeout_ms;
  unsigned int connect_timeout_ms;
  unsigned int idle_timeout_ms;         /* relay idle; 0 = none */
  unsigned int drain_timeout_ms;        /* SIGTERM drain bound */

  /* BIND and UDP ASSOCIATE (bind.c, udp.c).  */
  struct socks6_addr bind_addresses[2]; /* "bind-address", IPv4 then
                                           IPv6; type NONE when unset */
  bool bind_check_peer;                 /* the peer must be DST.ADDR */
  unsigned int bind_timeout_ms;         /* BIND's wait for its peer */
  unsigned int udp_timeout_ms;          /* association idle; 0 = none */
  unsigned int udp_max_size;            /* payload octets; 0 = no limit */
  unsigned int udp_rate;                /* datagrams/s each way; 0 = none */

  unsigned int workers;         /* event loops; 0 = one per core */
  bool cpu_affinity;            /* pin worker I to the I-th allowed CPU */
  unsigned int busy_poll_us;    /* spin before sleeping; 0 = never */
  char *user;                   /* drop privileges to this user, or NULL */
  char *pid_file;               /* or NULL */
  char *log_target;             /* "stderr", "syslog", or a file path */
};

/* Return the embedded defaults (no file): listen on 127.0.0.1:1080 and
   [::1]:1080, no authentication, allow loopback clients, deny others.
   NULL only when out of memory.  */
extern struct config *config_defaults (void);

/* Parse FILE.  On success return the config.  On failure return NULL and
   set *ERRORS to an array of *N_ERRORS errors, every one found in one pass
   (free with config_errors_free).  Checks beyond syntax: a non-loopback
   listener needs authentication or a client rule that restricts who may
   use it ("no accidental open relay").  */
extern struct config *config_load (const char *file,
                                   struct config_error **errors,
                                   size_t *n_errors);

extern void config_errors_free (struct config_error *errors, size_t n);

/* Write each error as "FILE:LINE: message" (or "FILE: message" when the
   error is about the whole file, LINE 0) on its own line to OUT.  */
extern void config_errors_print (const struct config_error *errors,
                                 size_t n, FILE *out);

/* Write the listen address ADDR as "1.2.3.4:1080" or "[::1]:1080" into BUF
   of SIZE bytes (SOCKS6_ADDR_TEXT_MAX is enough).  Return the length, or
   -1 if it did not fit.  */
extern int config_format_listen (const struct socks6_addr *addr, char *buf,
                                 size_t size);

/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: the clients that
   the default rule allows, and the listeners that need no rule.  */
extern bool config_addr_is_loopback (const struct socks6_addr *addr);
extern struct config *config_ref (struct config *config);
extern void config_unref (struct config *config);

/* Print CONFIG in config file syntax (for "socks6d -t -v" and tests).  */
extern void config_print (const struct config *config, FILE *out);

/* Decide a request.  CLIENT is the client's address, USER the
   authenticated user name or NULL, COMMAND the SOCKS 5 command octet, DST
   the destination as requested.  A rule's "to" entries are matched by
   kind: a name DST against its names and suffixes, an address DST against
   its prefixes ("to any" matches both).  Return the first matching rule,
   or NULL when no rule matched; the caller applies the default (deny for
   non-loopback clients, allow for loopback ones).

   For a name, this is the check before resolving: a rule whose "to"
   clause lists only prefixes does not match yet.  Once the name is
   resolved, decide again with config_match_rule_resolved, which sees both
   the name and the address, so that "allow to .example.com" still allows
   the addresses example.com resolves to and "deny to 10.0.0.0/8" still
   denies a name that resolves into 10/8.  */
extern const struct config_rule *config_match_rule (const struct config *config,
                                                    const struct socks6_addr *client,
                                                    const char *user,
                                                    uint8_t command,
                                                    const struct socks6_addr *dst);

/* Whether the request is allowed, applying the default when no rule
   matches.  For a name DST, this is the check before resolving, and it is
   false only when the request is denied whatever the name resolves to: a
   rule that would allow some of its addresses ("allow to 10.0.0.0/8")
   leaves the decision to config_request_allowed_resolved.  */
extern bool config_request_allowed (const struct config *config,
                                    const struct socks6_addr *client,
                                    const char *user, uint8_t command,
                                    const struct socks6_addr *dst);

/* Decide a request for the name NAME (type SOCKS6_ADDR_NAME, its port the
   requested one) once it resolved to ADDR (an IPv4 or IPv6 address): a
   "to" clause matches when NAME matches one of its names or suffixes or
   ADDR falls in one of its prefixes.  Call it for each address before
   connecting to it.  Return the first matching rule, or NULL.  */
extern const struct config_rule *
config_match_rule_resolved (const struct config *config,
                            const struct socks6_addr *client,
                            const char *user, uint8_t command,
                            const struct socks6_addr *name,
                            const struct socks6_addr *addr);

/* Whether COMMAND may be used at all by CLIENT and USER, before any
   destination is known (BIND for any peer, UDP ASSOCIATE, whose
   destinations come later, each decided then): false only when a rule
   with no "to" or "port" clause denies it before any rule that could
   allow it, or when no rule could allow it and the default denies.  */
extern bool config_command_allowed (const struct config *config,
                                    const struct socks6_addr *client,
                                    const char *user, uint8_t command);

/* config_request_allowed for a resolved name, with the default applied.  */
extern bool config_request_allowed_resolved (const struct config *config,
                                             const struct socks6_addr *client,
                                             const char *user,
                                             uint8_t command,
                                             const struct socks6_addr *name,
                                             const struct socks6_addr *addr);

/* The route for a request, or NULL for "directly" (no route matched).
   Arguments as for config_match_rule.  A route whose "to" clause lists
   only address prefixes never matches a name: a routed name is not
   resolved here, the last hop resolves it.  */
extern const struct config_route *config_match_route (const struct config
                                                      *config,
                                                      const struct socks6_addr
                                                      *client,
                                                      const char *user,
                                                      uint8_t command,
                                                      const struct socks6_addr
                                                      *dst);

#endif /* SOCKS6D_CONFIG_H */
