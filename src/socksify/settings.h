/* socksify's settings: what the launcher reads from its command line,
   its configuration files and the SOCKS6_* environment variables, and
   what the preload library reads back from the environment the launcher
   prepared.  Both sides parse with the same code, so a value the
   launcher accepted is a value the library understands.

   This file is compiled into the launcher and into the preload library;
   it uses no gnulib module that needs linking, never prints and never
   exits.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKSIFY_SETTINGS_H
#define SOCKSIFY_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "fakeaddr.h"

#define SOCKSIFY_SERVERS_MAX 8
#define SOCKSIFY_DIRECT_MAX 32
#define SOCKSIFY_DEFAULT_SERVER "127.0.0.1:1080"
#define SOCKSIFY_DEFAULT_PORT 1080
#define SOCKSIFY_DEFAULT_TIMEOUT 30
#define SOCKSIFY_TIMEOUT_MAX 3600
#define SOCKSIFY_DEFAULT_CONNECT_MODE SOCKSIFY_CONNECT_ASYNC
#define SOCKSIFY_PATH_MAX 4096

/* The settings, in the order of the table in settings.c.  */
enum socksify_key
{
  SOCKSIFY_KEY_SERVER,
  SOCKSIFY_KEY_CHAIN,
  SOCKSIFY_KEY_USER,
  SOCKSIFY_KEY_PASSWORD_FILE,
  SOCKSIFY_KEY_DIRECT,
  SOCKSIFY_KEY_FAKE_IPV4,
  SOCKSIFY_KEY_FAKE_IPV6,
  SOCKSIFY_KEY_RESOLVE,
  SOCKSIFY_KEY_HOSTS,
  SOCKSIFY_KEY_PIPELINING,
  SOCKSIFY_KEY_CONNECT_MODE,
  SOCKSIFY_KEY_BIND_MODE,
  SOCKSIFY_KEY_UNSPEC_FAMILY,
  SOCKSIFY_KEY_TIMEOUT,
  SOCKSIFY_KEY_LOG_LEVEL,
  SOCKSIFY_KEY_LOG_FILE,
  SOCKSIFY_KEY_COUNT
};

/* Where a value came from, lowest precedence first: a value from a
   source replaces one from a lower source, and a list (servers, direct
   prefixes) given by a higher source replaces the whole lower list.  */
enum socksify_source
{
  SOCKSIFY_SOURCE_DEFAULT = 0,
  SOCKSIFY_SOURCE_SYSTEM_CONFIG,
  SOCKSIFY_SOURCE_USER_CONFIG,
  SOCKSIFY_SOURCE_ENVIRONMENT,
  SOCKSIFY_SOURCE_COMMAND_LINE
};

/* Which family an AF_UNSPEC lookup gets its fake address in.  */
enum socksify_family
{
  SOCKSIFY_FAMILY_AUTO = 0,     /* the one the host has addresses of */
  SOCKSIFY_FAMILY_IPV4,
  SOCKSIFY_FAMILY_IPV6
};

/* How connect() on a non-blocking socket runs the SOCKS handshake.  */
enum socksify_connect_mode
{
  SOCKSIFY_CONNECT_BLOCKING = 0,        /* inside connect() */
  SOCKSIFY_CONNECT_ASYNC                /* EINPROGRESS, driven by poll */
};

/* Whether listen() on a socket may become a SOCKS BIND.  */
enum socksify_bind_mode
{
  SOCKSIFY_BIND_NEVER = 0,      /* every listen is a real, local one */
  SOCKSIFY_BIND_AUTO            /* the active-FTP pattern: see preload-bind.c */
};

enum socksify_log_level
{
  SOCKSIFY_LOG_NONE = 0,
  SOCKSIFY_LOG_ERROR,
  SOCKSIFY_LOG_WARNING,
  SOCKSIFY_LOG_INFO,
  SOCKSIFY_LOG_DEBUG
};

/* A direct entry: an address prefix, or a domain suffix whose names
   are resolved by the system resolver and reached without the gateway.  */
struct socksify_direct
{
  bool is_domain;
  struct socks6_prefix prefix;
  char domain[SOCKS6_NAME_MAX + 1];     /* lower case, no leading dot */
};

struct socksify_settings
{
  struct socks6_addr servers[SOCKSIFY_SERVERS_MAX];
  size_t nservers;
  bool chain;                   /* tunnel through every server in turn */
  char user[256];
  char password_file[SOCKSIFY_PATH_MAX];
  struct socksify_direct direct[SOCKSIFY_DIRECT_MAX];
  size_t ndirect;
  struct socks6_prefix fake_ipv4;
  struct socks6_prefix fake_ipv6;
  bool resolve_at_gateway;
  bool hosts_file;
  bool pipelining;              /* greeting and request in one write */
  enum socksify_connect_mode connect_mode;
  enum socksify_bind_mode bind_mode;
  enum socksify_family unspec_family;
  unsigned int timeout;         /* seconds, for each step of a connect */
  enum socksify_log_level log_level;
  char log_file[SOCKSIFY_PATH_MAX];
  enum socksify_source source[SOCKSIFY_KEY_COUNT];
};

/* The configuration file key ("server"), which is also the long option
   without its dashes, and the environment variable ("SOCKS6_SERVER") of
   KEY.  */
extern const char *socksify_key_name (enum socksify_key key);
extern const char *socksify_key_env (enum socksify_key key);

/* KEY for the configuration file key NAME, or -1.  */
extern int socksify_key_lookup (const char *name);

/* Fill SETTINGS with the defaults.  */
extern void socksify_settings_init (struct socksify_settings *settings);

/* Set KEY to the text VALUE coming from SOURCE.  A list key adds one
   item, or several separated by commas or white space; an item of a
   higher source than the current list's first replaces the list.
   Values of a lower source than the current one are ignored.  Return
   SOCKS6_OK or a SOCKS6_E_* code; *PROBLEM (may be NULL) then gets an
   untranslated, N_()-marked description of what is wrong.  */
extern int socksify_settings_set (struct socksify_settings *settings,
                                  enum socksify_key key, const char *value,
                                  enum socksify_source source,
                                  const char **problem);

/* Read every SOCKS6_* variable GETENV gives (getenv, or the library's
   own copy).  On failure, *BAD_KEY gets the key at fault.  */
extern int socksify_settings_from_env (struct socksify_settings *settings,
                                       const char *(*getenv_fn) (const char *),
                                       enum socksify_key *bad_key,
                                       const char **problem);

/* Check the settings as a whole: each fake range against the direct
   prefixes and the reserved space.  Return SOCKS6_OK or SOCKS6_E_RANGE
   with *BAD_KEY and *PROBLEM set.  */
extern int socksify_settings_check (const struct socksify_settings *settings,
                                    enum socksify_key *bad_key,
                                    const char **problem);

/* Write the canonical text of KEY's value into BUF of SIZE bytes, as the
   environment variable carries it.  Return the length, or -1 when BUF is
   too small.  */
extern int socksify_settings_format (const struct socksify_settings *settings,
                                     enum socksify_key key,
                                     char *buf, size_t size);

/* True if NAME (wire form, LEN octets) is in one of the direct domains.  */
extern bool socksify_settings_direct_name (const struct socksify_settings
                                           *settings,
                                           const char *name, size_t len);

/* True if ADDR (of FAMILY, network byte order) is in a direct prefix or
   in loopback space.  */
extern bool socksify_settings_direct_addr (const struct socksify_settings
                                           *settings,
                                           int family, const void *addr);

/* True if ADDR (of FAMILY, network byte order) is in a direct prefix,
   loopback space aside.  */
extern bool socksify_settings_direct_prefix (const struct socksify_settings
                                             *settings,
                                             int family, const void *addr);

/* The family an AF_UNSPEC lookup gets: the configured one, or for
   "auto" IPv4 when the host has a non-loopback IPv4 address, else IPv6
   when it has a global IPv6 address, else IPv4.  */
extern int socksify_settings_unspec_family (const struct socksify_settings
                                            *settings);

#endif /* SOCKSIFY_SETTINGS_H */
