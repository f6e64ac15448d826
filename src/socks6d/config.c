/* socks6d's configuration file: the parser behind config_load, the
   embedded defaults, reference counting for reloads, and config_print.

   The format (socks6d.conf(5)) is line oriented: a keyword and its
   values, separated by blanks, "#" starting a comment, double quotes
   around a value with blanks in it.  The parser reads the whole file and
   reports every error it finds as FILE:LINE: message, so that one run of
   "socks6d -t" shows everything to fix.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "i18n.h"
#include "name.h"
#include "prefix.h"

/* Longest line accepted, in bytes.  Longer lines are reported rather than
   read in pieces, so that nothing is silently cut.  */
#define CONFIG_LINE_MAX 8192

/* Longest user name (RFC 1929 allows 255 octets) and PAM service name.  */
#define CONFIG_USER_MAX 255

/* Most event loops "workers" may ask for.  */
#define CONFIG_WORKERS_MAX 1024

/* Longest busy poll, in microseconds: beyond a few milliseconds a
   worker had better sleep.  */
#define CONFIG_BUSY_POLL_MAX_US 10000

/* Longest duration, in milliseconds: what fits an unsigned int.  */
#define CONFIG_DURATION_MAX UINT_MAX

/* One word of a line, after quotes and escapes are removed.  A quoted
   word is never taken as a keyword.  */
struct config_token
{
  char *text;
  bool quoted;
};

/* Keywords that may be given only once; where each was seen.  */
enum config_once
{
  ONCE_RESOLVE,
  ONCE_HE_DELAY,
  ONCE_T_HANDSHAKE,
  ONCE_T_RESOLVE,
  ONCE_T_CONNECT,
  ONCE_T_IDLE,
  ONCE_T_DRAIN,
  ONCE_MAX_SESSIONS,
  ONCE_MAX_PER_CLIENT,
  ONCE_WORKERS,
  ONCE_CPU_AFFINITY,
  ONCE_BUSY_POLL,
  ONCE_USER,
  ONCE_PID_FILE,
  ONCE_LOG,
  ONCE_AUTH_NONE,
  ONCE_AUTH_FILE,
  ONCE_AUTH_PAM,
  ONCE_T_HOP,
  ONCE_CREDENTIALS,
  ONCE_BREAKER,
  ONCE_T_BIND,
  ONCE_T_UDP,
  ONCE_BIND_CHECK_PEER,
  ONCE_BIND_ADDRESS_V4,
  ONCE_BIND_ADDRESS_V6,
  ONCE_UDP_MAX_SIZE,
  ONCE_UDP_RATE,
  ONCE_COUNT
};

/* The state of one config_load.  */
struct config_parser
{
  const char *file;
  unsigned int line;
  struct config *config;
  struct config_error *errors;
  size_t n_errors;
  bool nomem;                   /* an allocation failed somewhere */
  unsigned int seen[ONCE_COUNT];        /* line, or 0 when not seen */
  unsigned int *listen_lines;   /* parallel to config->listen */
  unsigned int first_user_rule; /* line of a rule naming users, or 0 */
};

/* Record an error at the current line.  FMT is already translated.  */
static void config_error (struct config_parser *p, const char *fmt, ...)
  __attribute__ ((__format__ (__printf__, 2, 3)));

static void
config_error_at (struct config_parser *p, unsigned int line,
                 const char *fmt, va_list args)
{
  struct config_error *grown;
  char *message;

  if (vasprintf (&message, fmt, args) < 0)
    {
      p->nomem = true;
      return;
    }
  grown = reallocarray (p->errors, p->n_errors + 1, sizeof *grown);
  if (!grown)
    {
      free (message);
      p->nomem = true;
      return;
    }
  p->errors = grown;
  grown[p->n_errors].file = strdup (p->file);
  grown[p->n_errors].line = line;
  grown[p->n_errors].message = message;
  if (!grown[p->n_errors].file)
    p->nomem = true;
  p->n_errors++;
}

static void
config_error (struct config_parser *p, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  config_error_at (p, p->line, fmt, args);
  va_end (args);
}

static void config_error_line (struct config_parser *p, unsigned int line,
                               const char *fmt, ...)
  __attribute__ ((__format__ (__printf__, 3, 4)));

static void
config_error_line (struct config_parser *p, unsigned int line,
                   const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  config_error_at (p, line, fmt, args);
  va_end (args);
}

/* strdup that notes a failure in P instead of returning it.  */
static char *
config_strdup (struct config_parser *p, const char *s)
{
  char *copy = strdup (s);

  if (!copy)
    p->nomem = true;
  return copy;
}

/* Append ELEMENT (SIZE bytes) to the array *ARRAY of *N elements.  */
static bool
config_append (struct config_parser *p, void *array, size_t *n,
               const void *element, size_t size)
{
  void **slot = array;
  char *grown = reallocarray (*slot, *n + 1, size);

  if (!grown)
    {
      p->nomem = true;
      return false;
    }
  memcpy (grown + *n * size, element, size);
  *slot = grown;
  (*n)++;
  return true;
}

/* Report a value longer than MAX bytes; true if it fits.  */
static bool
config_check_length (struct config_parser *p, const char *what,
                     const char *value, size_t max)
{
  size_t len = strlen (value);

  if (len == 0)
    {
      config_error (p, _("%s must not be empty"), what);
      return false;
    }
  if (len > max)
    {
      config_error (p, _("%s is too long (%zu bytes; at most %zu)"),
                    what, len, max);
      return false;
    }
  return true;
}

/* Reject a single-valued keyword given twice.  */
static bool
config_once (struct config_parser *p, enum config_once which,
             const char *keyword)
{
  if (p->seen[which])
    {
      config_error (p, _("'%s' was already given at line %u"),
                    keyword, p->seen[which]);
      return false;
    }
  p->seen[which] = p->line;
  return true;
}

/* Tokenizing.  */

/* Split LINE (LEN bytes, without its newline) into *TOKENS.  Return false
   after reporting a syntax error.  */
static bool
config_tokenize (struct config_parser *p, char *line, size_t len,
                 struct config_token **tokens, size_t *n_tokens)
{
  char *in = line, *end = line + len, *out;

  if (memchr (line, '\0', len))
    {
      config_error (p, _("line contains a NUL byte"));
      return false;
    }
  while (in < end)
    {
      struct config_token token;

      while (in < end && (*in == ' ' || *in == '\t' || *in == '\r'))
        in++;
      if (in == end || *in == '#')
        break;
      token.text = out = in;
      token.quoted = false;
      while (in < end && *in != ' ' && *in != '\t' && *in != '\r'
             && *in != '#')
        {
          if (*in != '"')
            {
              *out++ = *in++;
              continue;
            }
          token.quoted = true;
          for (in++; in < end && *in != '"'; in++)
            {
              if (*in == '\\' && in + 1 < end
                  && (in[1] == '"' || in[1] == '\\'))
                in++;
              *out++ = *in;
            }
          if (in == end)
            {
              config_error (p, _("unterminated quoted string"));
              return false;
            }
          in++;
        }
      /* The separator is overwritten only after it was looked at, so a
         "#" right after a word still starts a comment.  */
      {
        bool comment = in < end && *in == '#';
        if (in < end)
          in++;
        *out = '\0';
        if (!config_append (p, tokens, n_tokens, &token, sizeof token))
          return false;
        if (comment)
          break;
      }
    }
  return true;
}

/* Numbers and durations.  */

/* Parse TEXT as a decimal number in 0..MAX.  */
static bool
config_parse_number (const char *text, unsigned long max,
                     unsigned long *value)
{
  unsigned long n = 0;

  if (!*text)
    return false;
  for (; *text; text++)
    {
      if (*text < '0' || *text > '9')
        return false;
      if (n > (max - (*text - '0')) / 10)
        return false;
      n = n * 10 + (*text - '0');
    }
  *value = n;
  return true;
}

/* A unit of a quantity: its name and how many of the smallest unit it
   is worth.  */
struct config_unit
{
  const char *name;
  unsigned long factor;
};

/* Parse TEXT as a number followed by one of the N UNITS, into *VALUE
   counted in the smallest unit, at most MAX.  */
static bool
config_parse_quantity (const char *text, const struct config_unit *units,
                       size_t n_units, unsigned long max,
                       unsigned long *value)
{
  char digits[21];
  size_t n = strspn (text, "0123456789");
  unsigned long number;

  if (n == 0 || n >= sizeof digits)
    return false;
  memcpy (digits, text, n);
  digits[n] = '\0';
  for (size_t i = 0; i < n_units; i++)
    if (strcmp (text + n, units[i].name) == 0)
      {
        if (!config_parse_number (digits, max / units[i].factor, &number))
          return false;
        *value = number * units[i].factor;
        return true;
      }
  return false;
}

/* Parse a duration: a number with a unit (ms, s, m, h, d), seconds when
   the unit is omitted.  "none" is 0 when ALLOW_NONE.  */
static bool
config_parse_duration (const char *text, bool allow_none, unsigned int *ms)
{
  static const struct config_unit units[] = {
    { "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
    { "min", 60000 }, { "h", 3600000 }, { "d", 86400000 }
  };
  unsigned long value;

  if (allow_none && strcmp (text, "none") == 0)
    {
      *ms = 0;
      return true;
    }
  if (!config_parse_quantity (text, units, sizeof units / sizeof units[0],
                              CONFIG_DURATION_MAX, &value))
    return false;
  *ms = (unsigned int) value;
  return *ms > 0 || allow_none;
}

/* Addresses.  */

/* Parse TEXT as an IPv4 or IPv6 literal (IPv6 with an optional %scope)
   into ADDR, port left alone.  */
static bool
config_parse_ip (const char *text, struct socks6_addr *addr)
{
  char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  char *percent;
  size_t len = strlen (text);

  if (len >= sizeof host)
    return false;
  memcpy (host, text, len + 1);
  if (inet_pton (AF_INET, host, addr->u.ipv4) == 1)
    {
      addr->type = SOCKS6_ADDR_IPV4;
      addr->scope_id = 0;
      return true;
    }
  addr->scope_id = 0;
  percent = strchr (host, '%');
  if (percent)
    {
      *percent = '\0';
      if (!percent[1])
        return false;
      addr->scope_id = if_nametoindex (percent + 1);
      if (addr->scope_id == 0)
        {
          unsigned long index;
          if (!config_parse_number (percent + 1, UINT32_MAX, &index))
            return false;
          addr->scope_id = index;
        }
    }
  if (inet_pton (AF_INET6, host, addr->u.ipv6) != 1)
    return false;
  addr->type = SOCKS6_ADDR_IPV6;
  return true;
}

/* Parse a listen address: "1.2.3.4", "1.2.3.4:1080", "[::1]:1080", "::1"
   or "[fe80::1%eth0]:1080".  */
static bool
config_parse_listen (const char *text, struct socks6_addr *addr)
{
  char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  const char *colon, *port = NULL;
  size_t host_len;
  unsigned long n;
  bool bracketed = text[0] == '[';

  memset (addr, 0, sizeof *addr);
  if (bracketed)
    {
      const char *close = strchr (text, ']');
      if (!close || (close[1] && close[1] != ':'))
        return false;
      host_len = close - text - 1;
      text++;
      port = close[1] ? close + 2 : NULL;
    }
  else
    {
      colon = strchr (text, ':');
      if (colon && strchr (colon + 1, ':'))
        colon = NULL;           /* a bare IPv6 address: no port */
      host_len = colon ? (size_t) (colon - text) : strlen (text);
      port = colon ? colon + 1 : NULL;
    }
  if (host_len >= sizeof host)
    return false;
  memcpy (host, text, host_len);
  host[host_len] = '\0';
  if (!config_parse_ip (host, addr))
    return false;
  if (addr->type == SOCKS6_ADDR_IPV4 && bracketed)
    return false;
  addr->port = CONFIG_DEFAULT_PORT;
  if (port)
    {
      if (!config_parse_number (port, 65535, &n) || n == 0)
        return false;
      addr->port = n;
    }
  return true;
}

/* Parse TEXT as "any", an address, or "address/bits".  Return NULL on
   success or the (translated) reason.  */
static const char *
config_parse_prefix (const char *text, struct config_prefix *prefix)
{
  struct socks6_prefix parsed;
  enum socks6_prefix_problem why;

  memset (prefix, 0, sizeof *prefix);
  if (strcmp (text, "any") == 0)
    {
      prefix->family = AF_UNSPEC;
      return NULL;
    }
  if (socks6_prefix_parse (&parsed, text, &why) != SOCKS6_OK)
    switch (why)
      {
      case SOCKS6_PREFIX_PROBLEM_LENGTH:
        return _("bad prefix length");
      case SOCKS6_PREFIX_PROBLEM_HOST_BITS:
        return _("address has bits set beyond the prefix length");
      default:
        return _("not an address or prefix");
      }
  prefix->family = parsed.family;
  prefix->bits = parsed.length;
  memcpy (prefix->addr, parsed.addr, sizeof prefix->addr);
  return NULL;
}

/* Normalize a destination name or ".suffix" from the config: IDN to its
   A-label form, lower case, without a trailing dot.  Return NULL on
   success (*OUT allocated) or the reason.  */
static const char *
config_parse_dst_name (const char *text, char **out)
{
  char wire[SOCKS6_NAME_MAX + 1];
  bool suffix = text[0] == '.';
  size_t len;
  int rc;

  *out = NULL;
  if (suffix)
    text++;
  rc = socks6_name_to_wire (text, 0, wire, &len);
  if (rc != SOCKS6_OK)
    return socks6_strerror (rc);
  if (len > 0 && wire[len - 1] == '.')
    wire[--len] = '\0';
  if (len == 0)
    return _("empty name");
  for (size_t i = 0; i < len; i++)
    if (wire[i] >= 'A' && wire[i] <= 'Z')
      wire[i] += 'a' - 'A';
  if (asprintf (out, "%s%s", suffix ? "." : "", wire) < 0)
    {
      *out = NULL;
      return _("memory exhausted");
    }
  return NULL;
}

/* Keywords.  Each handler gets the words after the keyword.  */

/* Report a missing value for KEYWORD: true if N is at least MIN.  */
static bool
config_nargs (struct config_parser *p, const char *keyword, size_t n,
              size_t min)
{
  if (n >= min)
    return true;
  config_error (p, _("'%s' needs a value"), keyword);
  return false;
}

/* Report the first extra word, for a more useful message than a count.  */
static bool
config_no_extra (struct config_parser *p, const char *keyword,
                 const struct config_token *args, size_t n, size_t max)
{
  if (n > max)
    {
      config_error (p, _("'%s': unexpected '%s'"), keyword, args[max].text);
      return false;
    }
  return true;
}

static bool
config_absolute_path (struct config_parser *p, const char *what,
                      const char *path)
{
  if (!config_check_length (p, what, path, PATH_MAX - 1))
    return false;
  if (path[0] != '/')
    {
      config_error (p, _("%s must be an absolute file name: %s"), what, path);
      return false;
    }
  return true;
}

static bool
config_listen_equal (const struct socks6_addr *a, const struct socks6_addr *b)
{
  if (a->type != b->type || a->port != b->port || a->scope_id != b->scope_id)
    return false;
  if (a->type == SOCKS6_ADDR_IPV4)
    return memcmp (a->u.ipv4, b->u.ipv4, 4) == 0;
  return memcmp (a->u.ipv6, b->u.ipv6, 16) == 0;
}

static void
config_kw_listen (struct config_parser *p, struct config_token *args,
                  size_t n)
{
  struct config *c = p->config;
  struct socks6_addr addr;
  size_t n_lines = c->n_listen;

  if (!config_nargs (p, "listen", n, 1)
      || !config_no_extra (p, "listen", args, n, 1))
    return;
  if (!config_parse_listen (args[0].text, &addr))
    {
      config_error (p, _("'listen': bad address '%s' (expected ADDRESS, "
                         "ADDRESS:PORT or [IPV6-ADDRESS]:PORT)"),
                    args[0].text);
      return;
    }
  for (size_t i = 0; i < c->n_listen; i++)
    if (config_listen_equal (&c->listen[i], &addr))
      {
        config_error (p, _("'listen': %s is already listed at line %u"),
                      args[0].text, p->listen_lines[i]);
        return;
      }
  if (config_append (p, &c->listen, &c->n_listen, &addr, sizeof addr))
    config_append (p, &p->listen_lines, &n_lines, &p->line,
                   sizeof p->line);
}

static void
config_kw_auth (struct config_parser *p, struct config_token *args,
                size_t n)
{
  struct config *c = p->config;
  const char *method = n > 0 ? args[0].text : "";

  if (!config_nargs (p, "auth", n, 1))
    return;
  if (strcmp (method, "none") == 0)
    {
      if (config_no_extra (p, "auth none", args, n, 1)
          && config_once (p, ONCE_AUTH_NONE, "auth none"))
        c->auth_methods |= AUTH_NONE;
    }
  else if (strcmp (method, "username") == 0)
    {
      if (n < 3 || strcmp (args[1].text, "password-file") != 0)
        config_error (p, _("expected 'auth username password-file FILE'"));
      else if (config_no_extra (p, "auth username", args, n, 3)
               && config_absolute_path (p, _("password file"), args[2].text)
               && config_once (p, ONCE_AUTH_FILE, "auth username"))
        {
          FILE *fp = fopen (args[2].text, "re");
          if (fp)
            fclose (fp);
          else
            config_error (p, _("cannot read password file %s: %s"),
                          args[2].text, strerror (errno));
          c->auth_methods |= AUTH_USERPASS;
          c->password_file = config_strdup (p, args[2].text);
        }
    }
  else if (strcmp (method, "pam") == 0)
    {
#ifdef HAVE_PAM
      const char *service = n > 1 ? args[1].text : "socks6d";
      if (config_no_extra (p, "auth pam", args, n, 2)
          && config_check_length (p, _("PAM service name"), service,
                                  CONFIG_USER_MAX)
          && config_once (p, ONCE_AUTH_PAM, "auth pam"))
        {
          c->auth_methods |= AUTH_USERPASS;
          c->pam_service = config_strdup (p, service);
        }
#else
      config_error (p, _("'auth pam': this socks6d was built without PAM "
                         "support"));
#endif
    }
  else
    config_error (p, _("unknown authentication method '%s' (expected none, "
                       "username or pam)"), method);
}

static const char *const config_resolve_names[] = {
  [RESOLVE_HAPPY_EYEBALLS] = "happy-eyeballs",
  [RESOLVE_PREFER_IPV6] = "prefer-ipv6",
  [RESOLVE_PREFER_IPV4] = "prefer-ipv4",
  [RESOLVE_IPV4_ONLY] = "ipv4-only",
  [RESOLVE_IPV6_ONLY] = "ipv6-only"
};

static void
config_kw_resolve (struct config_parser *p, struct config_token *args,
                   size_t n)
{
  if (!config_nargs (p, "resolve", n, 1)
      || !config_no_extra (p, "resolve", args, n, 1))
    return;
  for (size_t i = 0; i < sizeof config_resolve_names
                         / sizeof config_resolve_names[0]; i++)
    if (strcmp (args[0].text, config_resolve_names[i]) == 0)
      {
        if (config_once (p, ONCE_RESOLVE, "resolve"))
          p->config->resolve_policy = i;
        return;
      }
  config_error (p, _("'resolve': unknown policy '%s' (expected "
                     "happy-eyeballs, prefer-ipv6, prefer-ipv4, ipv4-only "
                     "or ipv6-only)"), args[0].text);
}

/* Set *MS from the one duration in ARGS.  */
static void
config_duration_value (struct config_parser *p, const char *keyword,
                       struct config_token *args, size_t n,
                       enum config_once once, bool allow_none,
                       unsigned int *ms)
{
  unsigned int value;

  if (!config_nargs (p, keyword, n, 1)
      || !config_no_extra (p, keyword, args, n, 1))
    return;
  if (!config_parse_duration (args[0].text, allow_none, &value))
    {
      config_error (p, _("'%s': bad duration '%s' (expected a number with "
                         "a unit: ms, s, m, h or d)"), keyword, args[0].text);
      return;
    }
  if (config_once (p, once, keyword))
    *ms = value;
}

static void
config_kw_he_delay (struct config_parser *p, struct config_token *args,
                    size_t n)
{
  config_duration_value (p, "happy-eyeballs-delay", args, n, ONCE_HE_DELAY,
                         true, &p->config->happy_eyeballs_delay_ms);
}

static void
config_kw_timeout (struct config_parser *p, struct config_token *args,
                   size_t n)
{
  static const struct
  {
    const char *name;
    enum config_once once;
    bool allow_none;
    size_t offset;
  } kinds[] = {
    { "handshake", ONCE_T_HANDSHAKE, false,
      offsetof (struct config, handshake_timeout_ms) },
    { "resolve", ONCE_T_RESOLVE, false,
      offsetof (struct config, resolve_timeout_ms) },
    { "connect", ONCE_T_CONNECT, false,
      offsetof (struct config, connect_timeout_ms) },
    { "idle", ONCE_T_IDLE, true, offsetof (struct config, idle_timeout_ms) },
    { "drain", ONCE_T_DRAIN, true, offsetof (struct config, drain_timeout_ms) },
    { "hop", ONCE_T_HOP, false, offsetof (struct config, hop_timeout_ms) },
    { "bind", ONCE_T_BIND, false, offsetof (struct config, bind_timeout_ms) },
    { "udp", ONCE_T_UDP, true, offsetof (struct config, udp_timeout_ms) }
  };
  char keyword[32];

  if (n == 0)
    {
      config_error (p, _("'%s' needs a value"), "timeout");
      return;
    }
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp (args[0].text, kinds[i].name) == 0)
      {
        snprintf (keyword, sizeof keyword, "timeout %s", kinds[i].name);
        config_duration_value (p, keyword, args + 1, n - 1, kinds[i].once,
                               kinds[i].allow_none,
                               (unsigned int *) ((char *) p->config
                                                 + kinds[i].offset));
        return;
      }
  config_error (p, _("'timeout': unknown timeout '%s' (expected handshake, "
                     "resolve, connect, idle, drain, hop, bind or udp)"),
                args[0].text);
}

/* Set *VALUE from a count in 0..MAX, or ZERO_WORD meaning 0.  */
static void
config_count_value (struct config_parser *p, const char *keyword,
                    struct config_token *args, size_t n,
                    enum config_once once, const char *zero_word,
                    unsigned long max, unsigned int *value)
{
  unsigned long count;

  if (!config_nargs (p, keyword, n, 1)
      || !config_no_extra (p, keyword, args, n, 1))
    return;
  if (strcmp (args[0].text, zero_word) == 0)
    count = 0;
  else if (!config_parse_number (args[0].text, max, &count))
    {
      config_error (p, _("'%s': bad number '%s' (expected 0 to %lu or %s)"),
                    keyword, args[0].text, max, zero_word);
      return;
    }
  if (config_once (p, once, keyword))
    *value = count;
}

/* "bind-address ADDR": where BIND listens and UDP ASSOCIATE sends from,
   for ADDR's family.  */
static void
config_kw_bind_address (struct config_parser *p, struct config_token *args,
                        size_t n)
{
  struct socks6_addr addr;

  if (!config_nargs (p, "bind-address", n, 1)
      || !config_no_extra (p, "bind-address", args, n, 1))
    return;
  memset (&addr, 0, sizeof addr);
  if (!config_parse_ip (args[0].text, &addr))
    {
      config_error (p, _("'%s': bad address '%s' (expected an IPv4 or "
                         "IPv6 address)"), "bind-address", args[0].text);
      return;
    }
  if (config_once (p, addr.type == SOCKS6_ADDR_IPV4 ? ONCE_BIND_ADDRESS_V4
                   : ONCE_BIND_ADDRESS_V6, "bind-address"))
    p->config->bind_addresses[addr.type == SOCKS6_ADDR_IPV4 ? 0 : 1] = addr;
}

/* KEYWORD yes|no, into *VALUE.  */
static void
config_yes_no_value (struct config_parser *p, const char *keyword,
                     struct config_token *args, size_t n,
                     enum config_once once, bool *value)
{
  if (!config_nargs (p, keyword, n, 1)
      || !config_no_extra (p, keyword, args, n, 1))
    return;
  if (strcmp (args[0].text, "yes") != 0 && strcmp (args[0].text, "no") != 0)
    {
      config_error (p, _("'%s': expected yes or no, not '%s'"),
                    keyword, args[0].text);
      return;
    }
  if (config_once (p, once, keyword))
    *value = strcmp (args[0].text, "yes") == 0;
}

static void
config_kw_bind_check_peer (struct config_parser *p,
                           struct config_token *args, size_t n)
{
  config_yes_no_value (p, "bind-check-peer", args, n, ONCE_BIND_CHECK_PEER,
                       &p->config->bind_check_peer);
}

static void
config_kw_udp_max_size (struct config_parser *p, struct config_token *args,
                        size_t n)
{
  config_count_value (p, "udp-max-size", args, n, ONCE_UDP_MAX_SIZE,
                      "unlimited", 65535, &p->config->udp_max_size);
}

static void
config_kw_udp_rate (struct config_parser *p, struct config_token *args,
                    size_t n)
{
  config_count_value (p, "udp-rate", args, n, ONCE_UDP_RATE, "unlimited",
                      1000000, &p->config->udp_rate);
}

static void
config_kw_max_sessions (struct config_parser *p, struct config_token *args,
                        size_t n)
{
  config_count_value (p, "max-sessions", args, n, ONCE_MAX_SESSIONS,
                      "unlimited", UINT_MAX, &p->config->max_sessions);
}

static void
config_kw_max_per_client (struct config_parser *p,
                          struct config_token *args, size_t n)
{
  config_count_value (p, "max-sessions-per-client", args, n,
                      ONCE_MAX_PER_CLIENT, "unlimited", UINT_MAX,
                      &p->config->max_sessions_per_client);
}

static void
config_kw_workers (struct config_parser *p, struct config_token *args,
                   size_t n)
{
  config_count_value (p, "workers", args, n, ONCE_WORKERS, "auto",
                      CONFIG_WORKERS_MAX, &p->config->workers);
}

static void
config_kw_cpu_affinity (struct config_parser *p, struct config_token *args,
                        size_t n)
{
  config_yes_no_value (p, "cpu-affinity", args, n, ONCE_CPU_AFFINITY,
                       &p->config->cpu_affinity);
}

/* The units of busy-poll, in microseconds, the largest first.  */
static const struct config_unit busy_poll_units[] = {
  { "ms", 1000 }, { "us", 1 }
};

/* busy-poll none | N us | N ms: how long a worker with nothing to do
   keeps polling before it sleeps.  */
static void
config_kw_busy_poll (struct config_parser *p, struct config_token *args,
                     size_t n)
{
  unsigned long value = 0;

  if (!config_nargs (p, "busy-poll", n, 1)
      || !config_no_extra (p, "busy-poll", args, n, 1))
    return;
  if (strcmp (args[0].text, "none") != 0
      && !config_parse_quantity (args[0].text, busy_poll_units,
                                 sizeof busy_poll_units
                                 / sizeof busy_poll_units[0],
                                 CONFIG_BUSY_POLL_MAX_US, &value))
    {
      config_error (p, _("'%s': bad duration '%s' (expected none, or a "
                         "number with a unit, us or ms, up to %u us)"),
                    "busy-poll", args[0].text,
                    (unsigned int) CONFIG_BUSY_POLL_MAX_US);
      return;
    }
  if (config_once (p, ONCE_BUSY_POLL, "busy-poll"))
    p->config->busy_poll_us = (unsigned int) value;
}

static void
config_kw_user (struct config_parser *p, struct config_token *args,
                size_t n)
{
  if (!config_nargs (p, "user", n, 1)
      || !config_no_extra (p, "user", args, n, 1)
      || !config_check_length (p, _("user name"), args[0].text,
                               CONFIG_USER_MAX))
    return;
  if (!getpwnam (args[0].text))
    {
      config_error (p, _("'user': no such user '%s'"), args[0].text);
      return;
    }
  if (config_once (p, ONCE_USER, "user"))
    p->config->user = config_strdup (p, args[0].text);
}

static void
config_kw_pid_file (struct config_parser *p, struct config_token *args,
                    size_t n)
{
  if (config_nargs (p, "pid-file", n, 1)
      && config_no_extra (p, "pid-file", args, n, 1)
      && config_absolute_path (p, _("pid file"), args[0].text)
      && config_once (p, ONCE_PID_FILE, "pid-file"))
    p->config->pid_file = config_strdup (p, args[0].text);
}

static void
config_kw_log (struct config_parser *p, struct config_token *args, size_t n)
{
  const char *target = n > 0 ? args[0].text : "";

  if (!config_nargs (p, "log", n, 1)
      || !config_no_extra (p, "log", args, n, 1))
    return;
  if (strcmp (target, "stderr") != 0 && strcmp (target, "syslog") != 0
      && !config_absolute_path (p, _("log file"), target))
    return;
  if (config_once (p, ONCE_LOG, "log"))
    p->config->log_target = config_strdup (p, target);
}

/* Rules.  */

static const char *const config_clause_names[] = {
  "from", "user", "command", "to", "port"
};

enum config_clause
{
  CLAUSE_FROM,
  CLAUSE_USER,
  CLAUSE_COMMAND,
  CLAUSE_TO,
  CLAUSE_PORT,
  CLAUSE_COUNT
};

/* The clause TOKEN starts, or CLAUSE_COUNT when it starts none.  */
static enum config_clause
config_clause (const struct config_token *token)
{
  if (!token->quoted)
    for (int i = 0; i < CLAUSE_COUNT; i++)
      if (strcmp (token->text, config_clause_names[i]) == 0)
        return i;
  return CLAUSE_COUNT;
}

static void
config_rule_free (struct config_rule *rule)
{
  for (size_t i = 0; i < rule->n_users; i++)
    free (rule->users[i]);
  for (size_t i = 0; i < rule->n_dst_suffixes; i++)
    free (rule->dst_suffixes[i]);
  free (rule->users);
  free (rule->dst_suffixes);
  free (rule->clients);
  free (rule->dst_prefixes);
}

static bool
config_rule_from (struct config_parser *p, struct config_rule *rule,
                  const char *value)
{
  struct config_prefix prefix;
  const char *why = config_parse_prefix (value, &prefix);

  if (why)
    {
      config_error (p, _("'from %s': %s"), value, why);
      return false;
    }
  return config_append (p, &rule->clients, &rule->n_clients, &prefix,
                        sizeof prefix);
}

static bool
config_rule_user (struct config_parser *p, struct config_rule *rule,
                  const char *value)
{
  char *copy;

  if (!config_check_length (p, _("user name"), value, CONFIG_USER_MAX))
    return false;
  copy = config_strdup (p, value);
  if (copy && config_append (p, &rule->users, &rule->n_users, &copy,
                             sizeof copy))
    return true;
  free (copy);
  return false;
}

static bool
config_rule_command (struct config_parser *p, struct config_rule *rule,
                     const char *value)
{
  static const struct
  {
    const char *name;
    unsigned int bit;
  } commands[] = {
    { "connect", RULE_CMD_CONNECT }, { "bind", RULE_CMD_BIND },
    { "udp", RULE_CMD_UDP }, { "udp-associate", RULE_CMD_UDP },
    { "resolve", RULE_CMD_RESOLVE }, { "any", RULE_CMD_ALL }
  };

  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (value, commands[i].name) == 0)
      {
        rule->commands |= commands[i].bit;
        return true;
      }
  config_error (p, _("'command': unknown command '%s' (expected connect, "
                     "bind, udp or resolve)"), value);
  return false;
}

static bool
config_rule_to (struct config_parser *p, struct config_rule *rule,
                const char *value)
{
  struct config_prefix prefix;
  const char *why = config_parse_prefix (value, &prefix);
  char *name;

  /* Anything with a slash or a colon, or made of digits and dots, was
     meant as an address: say what is wrong with it as one.  */
  if (why && !strpbrk (value, "/:") && value[strspn (value, "0123456789.")])
    {
      why = config_parse_dst_name (value, &name);
      if (!why)
        {
          if (config_append (p, &rule->dst_suffixes, &rule->n_dst_suffixes,
                             &name, sizeof name))
            return true;
          free (name);
          return false;
        }
    }
  if (why)
    {
      config_error (p, _("'to %s': %s"), value, why);
      return false;
    }
  return config_append (p, &rule->dst_prefixes, &rule->n_dst_prefixes,
                        &prefix, sizeof prefix);
}

static bool
config_rule_port (struct config_parser *p, struct config_rule *rule,
                  const char *value)
{
  char first[8];
  const char *dash = strchr (value, '-');
  size_t len = dash ? (size_t) (dash - value) : strlen (value);
  unsigned long lo, hi;

  if (len < sizeof first)
    {
      memcpy (first, value, len);
      first[len] = '\0';
      if (config_parse_number (first, 65535, &lo)
          && config_parse_number (dash ? dash + 1 : first, 65535, &hi)
          && lo > 0 && lo <= hi)
        {
          rule->port_lo = lo;
          rule->port_hi = hi;
          return true;
        }
    }
  config_error (p, _("'port': bad port or range '%s' (expected N or N-M, "
                     "1 to 65535)"), value);
  return false;
}

/* Parse the values of CLAUSE into RULE; false after an error.  */
static bool
config_rule_clause (struct config_parser *p, struct config_rule *rule,
                    enum config_clause clause, struct config_token *values,
                    size_t n)
{
  bool ok = true;

  if (clause == CLAUSE_PORT && n > 1)
    {
      config_error (p, _("'port' takes one port or range, not %zu"), n);
      return false;
    }
  for (size_t i = 0; i < n; i++)
    switch (clause)
      {
      case CLAUSE_FROM:
        ok &= config_rule_from (p, rule, values[i].text);
        break;
      case CLAUSE_USER:
        ok &= config_rule_user (p, rule, values[i].text);
        break;
      case CLAUSE_COMMAND:
        ok &= config_rule_command (p, rule, values[i].text);
        break;
      case CLAUSE_TO:
        ok &= config_rule_to (p, rule, values[i].text);
        break;
      default:
        ok &= config_rule_port (p, rule, values[i].text);
        break;
      }
  return ok;
}

/* Parse the clauses of a rule or route line (ARGS, N words) into RULE;
   false after an error.  */
static bool
config_parse_clauses (struct config_parser *p, const char *keyword,
                      struct config_rule *rule, struct config_token *args,
                      size_t n)
{
  bool seen[CLAUSE_COUNT] = { false };
  bool ok = true;
  size_t i = 0;

  while (i < n)
    {
      enum config_clause clause = config_clause (&args[i]);
      size_t j = i + 1;

      if (clause == CLAUSE_COUNT)
        {
          config_error (p, _("'%s': expected from, user, command, to or "
                             "port, not '%s'"), keyword, args[i].text);
          ok = false;
          break;
        }
      while (j < n && config_clause (&args[j]) == CLAUSE_COUNT)
        j++;
      if (j == i + 1)
        {
          config_error (p, _("'%s' needs at least one value"),
                        config_clause_names[clause]);
          ok = false;
        }
      else if (seen[clause])
        {
          config_error (p, _("'%s' appears twice in one rule"),
                        config_clause_names[clause]);
          ok = false;
        }
      else
        ok &= config_rule_clause (p, rule, clause, args + i + 1, j - i - 1);
      seen[clause] = true;
      i = j;
    }
  if (rule->commands == RULE_CMD_ALL)
    rule->commands = 0;
  return ok;
}

static void
config_kw_rule (struct config_parser *p, const char *keyword,
                enum rule_action action, struct config_token *args, size_t n)
{
  struct config_rule rule;
  bool ok;

  memset (&rule, 0, sizeof rule);
  rule.action = action;
  rule.line = p->line;
  ok = config_parse_clauses (p, keyword, &rule, args, n);
  if (ok && rule.n_users > 0 && !p->first_user_rule)
    p->first_user_rule = p->line;
  if (!ok || !config_append (p, &p->config->rules, &p->config->n_rules,
                             &rule, sizeof rule))
    config_rule_free (&rule);
}

static void
config_kw_allow (struct config_parser *p, struct config_token *args,
                 size_t n)
{
  config_kw_rule (p, "allow", RULE_ALLOW, args, n);
}

static void
config_kw_deny (struct config_parser *p, struct config_token *args, size_t n)
{
  config_kw_rule (p, "deny", RULE_DENY, args, n);
}

/* Routes and next hops (RFC 3089 section 4, see chain.c).  */

static void
config_hop_free (struct config_hop *hop)
{
  free (hop->url);
  free (hop->user);
  if (hop->password)
    explicit_bzero (hop->password, strlen (hop->password));
  free (hop->password);
}

static void
config_route_free (struct config_route *route)
{
  config_rule_free (&route->match);
  for (size_t i = 0; i < route->n_hops; i++)
    config_hop_free (&route->hops[i]);
  free (route->hops);
}

/* Parse "HOST[:PORT]" or "[IPV6]:PORT" of a next hop into ADDR: an
   address, or a name in its A-label form, lower case.  Return NULL or
   the reason.  */
static const char *
config_parse_hop_address (const char *text, struct socks6_addr *addr)
{
  char wire[SOCKS6_NAME_MAX + 1];
  size_t len;
  int rc = socks6_addr_parse (addr, text, CONFIG_DEFAULT_PORT);

  if (rc != SOCKS6_OK)
    return socks6_strerror (rc);
  if (addr->port == 0)
    return _("port 0");
  if (addr->type != SOCKS6_ADDR_NAME)
    return NULL;
  rc = socks6_name_to_wire (addr->u.name.text, 0, wire, &len);
  if (rc != SOCKS6_OK)
    return socks6_strerror (rc);
  if (len > 1 && wire[len - 1] == '.')
    wire[--len] = '\0';
  for (size_t i = 0; i < len; i++)
    if (wire[i] >= 'A' && wire[i] <= 'Z')
      wire[i] += 'a' - 'A';
  rc = socks6_addr_set_name (addr, wire, len, addr->port);
  return rc == SOCKS6_OK ? NULL : socks6_strerror (rc);
}

/* Parse the next hop URL "socks5://[USER@]HOST[:PORT]" (or socks5h://,
   the same here: names always travel unresolved) into HOP.  */
static bool
config_parse_hop (struct config_parser *p, const char *url,
                  struct config_hop *hop)
{
  const char *rest, *at, *why;

  memset (hop, 0, sizeof *hop);
  if (strncmp (url, "socks5://", 9) == 0)
    rest = url + 9;
  else if (strncmp (url, "socks5h://", 10) == 0)
    rest = url + 10;
  else
    {
      config_error (p, _("'via %s': a next hop is written "
                         "socks5://[USER@]HOST:PORT"), url);
      return false;
    }
  at = strrchr (rest, '@');
  if (at && memchr (rest, ':', at - rest))
    {
      config_error (p, _("'via %s': no password in a next hop: put it in "
                         "the credentials file"), url);
      return false;
    }
  if (at && (at == rest || at - rest > CONFIG_USER_MAX))
    {
      config_error (p, _("'via %s': bad user name"), url);
      return false;
    }
  why = config_parse_hop_address (at ? at + 1 : rest, &hop->addr);
  if (!why && strchr (at ? at + 1 : rest, '/'))
    why = _("a path is not allowed");
  if (why)
    {
      config_error (p, _("'via %s': %s"), url, why);
      return false;
    }
  hop->url = config_strdup (p, url);
  if (at)
    hop->user = strndup (rest, at - rest);
  if (!hop->url || (at && !hop->user))
    {
      p->nomem = true;
      config_hop_free (hop);
      return false;
    }
  return true;
}

/* route CLAUSES... via URL... | route CLAUSES... direct  */
static void
config_kw_route (struct config_parser *p, struct config_token *args,
                 size_t n)
{
  struct config_route route;
  size_t k = 0;
  bool ok, direct;

  while (k < n && (args[k].quoted || (strcmp (args[k].text, "via") != 0
                                      && strcmp (args[k].text, "direct")
                                      != 0)))
    k++;
  if (k == n)
    {
      config_error (p, _("'route' needs 'via socks5://HOST:PORT...' or "
                         "'direct'"));
      return;
    }
  direct = strcmp (args[k].text, "direct") == 0;
  memset (&route, 0, sizeof route);
  route.match.line = p->line;
  ok = config_parse_clauses (p, "route", &route.match, args, k);
  if (ok && (route.match.commands & RULE_CMD_UDP))
    {
      config_error (p, _("'route': UDP ASSOCIATE cannot be routed through "
                         "a next hop (its datagrams are always relayed "
                         "directly)"));
      ok = false;
    }
  if (ok && route.match.n_users > 0 && !p->first_user_rule)
    p->first_user_rule = p->line;
  if (direct && n > k + 1)
    ok = config_no_extra (p, "direct", args, n, k + 1);
  else if (!direct && n == k + 1)
    {
      config_error (p, _("'via' needs at least one next hop"));
      ok = false;
    }
  for (size_t i = k + 1; ok && !direct && i < n; i++)
    {
      struct config_hop hop;
      ok = config_parse_hop (p, args[i].text, &hop);
      if (ok && !config_append (p, &route.hops, &route.n_hops, &hop,
                                sizeof hop))
        {
          config_hop_free (&hop);
          ok = false;
        }
    }
  if (!ok || !config_append (p, &p->config->routes, &p->config->n_routes,
                             &route, sizeof route))
    config_route_free (&route);
}

static void
config_kw_credentials_file (struct config_parser *p,
                            struct config_token *args, size_t n)
{
  if (config_nargs (p, "credentials-file", n, 1)
      && config_no_extra (p, "credentials-file", args, n, 1)
      && config_absolute_path (p, _("credentials file"), args[0].text)
      && config_once (p, ONCE_CREDENTIALS, "credentials-file"))
    p->config->credentials_file = config_strdup (p, args[0].text);
}

/* circuit-breaker FAILURES COOLDOWN | circuit-breaker off  */
static void
config_kw_circuit_breaker (struct config_parser *p,
                           struct config_token *args, size_t n)
{
  struct config *c = p->config;
  unsigned long failures;
  unsigned int cooldown;

  if (!config_nargs (p, "circuit-breaker", n, 1))
    return;
  if (strcmp (args[0].text, "off") == 0)
    {
      if (config_no_extra (p, "circuit-breaker", args, n, 1)
          && config_once (p, ONCE_BREAKER, "circuit-breaker"))
        c->hop_failures = 0;
      return;
    }
  if (!config_no_extra (p, "circuit-breaker", args, n, 2))
    return;
  if (n < 2 || !config_parse_number (args[0].text, 1000, &failures)
      || failures == 0
      || !config_parse_duration (args[1].text, false, &cooldown))
    {
      config_error (p, _("expected 'circuit-breaker FAILURES COOLDOWN' "
                         "(1 to 1000 failures, a duration) or "
                         "'circuit-breaker off'"));
      return;
    }
  if (config_once (p, ONCE_BREAKER, "circuit-breaker"))
    {
      c->hop_failures = failures;
      c->hop_cooldown_ms = cooldown;
    }
}

/* Give HOP the user and password of the first line of the credentials
   file that names its address (and its user, when the URL has one).  */
static bool
config_hop_credentials (struct config_hop *hop,
                        const struct socks6_addr *addr, const char *user,
                        const char *password)
{
  if (hop->password || !socks6_addr_equal (&hop->addr, addr)
      || (hop->user && strcmp (hop->user, user) != 0))
    return true;
  if (!hop->user && !(hop->user = strdup (user)))
    return false;
  return (hop->password = strdup (password)) != NULL;
}

/* One line of the credentials file: HOST:PORT USER PASSWORD.  */
static void
config_credentials_line (struct config_parser *p, char *line, size_t len)
{
  struct config *c = p->config;
  struct config_token *tokens = NULL;
  struct socks6_addr addr;
  const char *why;
  size_t n = 0;

  if (config_tokenize (p, line, len, &tokens, &n) && n > 0)
    {
      if (n != 3)
        config_error (p, _("expected HOST:PORT USER PASSWORD"));
      else if ((why = config_parse_hop_address (tokens[0].text, &addr)))
        config_error (p, _("'%s': %s"), tokens[0].text, why);
      else if (config_check_length (p, _("user name"), tokens[1].text,
                                    CONFIG_USER_MAX)
               && config_check_length (p, _("password"), tokens[2].text,
                                       CONFIG_USER_MAX))
        for (size_t r = 0; r < c->n_routes; r++)
          for (size_t h = 0; h < c->routes[r].n_hops; h++)
            if (!config_hop_credentials (&c->routes[r].hops[h], &addr,
                                         tokens[1].text, tokens[2].text))
              p->nomem = true;
      if (n > 2)
        explicit_bzero (tokens[2].text, strlen (tokens[2].text));
    }
  free (tokens);
}

/* Read the credentials file, which must not be readable by every user,
   and hand its passwords to the hops.  Its errors are FILE:LINE of the
   credentials file itself.  */
static void
config_read_credentials (struct config_parser *p)
{
  const char *file = p->config->credentials_file;
  const char *config_file = p->file;
  unsigned int config_line = p->line;
  char *line = NULL;
  size_t size = 0;
  ssize_t len;
  struct stat st;
  FILE *fp = fopen (file, "re");

  if (!fp || fstat (fileno (fp), &st) < 0)
    {
      config_error_line (p, p->seen[ONCE_CREDENTIALS],
                         _("cannot read credentials file %s: %s"), file,
                         strerror (errno));
      if (fp)
        fclose (fp);
      return;
    }
  if (!S_ISREG (st.st_mode) || (st.st_mode & (S_IROTH | S_IWOTH)))
    {
      config_error_line (p, p->seen[ONCE_CREDENTIALS],
                         _("credentials file %s is not a regular file "
                           "private to its owner and group (mode %04o): "
                           "refusing to read passwords from it"),
                         file, (unsigned int) (st.st_mode & 07777));
      fclose (fp);
      return;
    }
  p->file = file;
  p->line = 0;
  while ((len = getline (&line, &size, fp)) >= 0)
    {
      p->line++;
      if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
      config_credentials_line (p, line, len);
      explicit_bzero (line, len);
    }
  free (line);
  fclose (fp);
  p->file = config_file;
  p->line = config_line;
}

/* Whether ADDR (an IPv4 or IPv6 address) is one of this host's own:
   loopback, or the address of an interface.  */
static bool
config_addr_is_local (const struct socks6_addr *addr,
                      const struct ifaddrs *ifs)
{
  struct socks6_addr own;

  if (config_addr_is_loopback (addr))
    return true;
  for (const struct ifaddrs *i = ifs; i; i = i->ifa_next)
    if (i->ifa_addr && (i->ifa_addr->sa_family == AF_INET
                        || i->ifa_addr->sa_family == AF_INET6)
        && socks6_addr_from_sockaddr (&own, i->ifa_addr,
                                      i->ifa_addr->sa_family == AF_INET
                                      ? sizeof (struct sockaddr_in)
                                      : sizeof (struct sockaddr_in6))
        == SOCKS6_OK && own.type == addr->type
        && memcmp (own.u.ipv6, addr->u.ipv6,
                   own.type == SOCKS6_ADDR_IPV4 ? 4 : 16) == 0)
      return true;
  return false;
}

static bool
config_addr_is_any (const struct socks6_addr *addr)
{
  static const unsigned char zero[16];

  return memcmp (addr->u.ipv6, zero,
                 addr->type == SOCKS6_ADDR_IPV4 ? 4 : 16) == 0;
}

/* Whether a connection to the address TO (with its port) reaches the
   listener LISTEN: the same address, or a wildcard listener and one of
   this host's addresses.  */
static bool
config_reaches_listener (const struct socks6_addr *to,
                         const struct socks6_addr *listen,
                         const struct ifaddrs *ifs)
{
  static const unsigned char v4mapped[12] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
  };
  struct socks6_addr v4;

  /* ::ffff:127.0.0.1 is 127.0.0.1 on the wire.  */
  if (to->type == SOCKS6_ADDR_IPV6 && memcmp (to->u.ipv6, v4mapped, 12) == 0)
    {
      v4 = *to;
      v4.type = SOCKS6_ADDR_IPV4;
      memmove (v4.u.ipv4, to->u.ipv6 + 12, 4);
      to = &v4;
    }
  if (to->port != listen->port)
    return false;
  if (config_addr_is_any (listen))
    return config_addr_is_local (to, ifs)
           && (listen->type == to->type || listen->type == SOCKS6_ADDR_IPV6);
  return to->type == listen->type
         && memcmp (to->u.ipv6, listen->u.ipv6,
                    to->type == SOCKS6_ADDR_IPV4 ? 4 : 16) == 0;
}

/* The addresses a hop's host stands for, as far as can be known without
   asking DNS: its literal address, or 127.0.0.1 and ::1 for "localhost"
   and the names under it (RFC 6761).  Return how many (0..2).  */
static size_t
config_hop_known_addresses (const struct config_hop *hop,
                            struct socks6_addr out[2])
{
  const char *name = hop->addr.u.name.text;
  size_t len = hop->addr.u.name.len;

  if (hop->addr.type != SOCKS6_ADDR_NAME)
    {
      out[0] = hop->addr;
      return 1;
    }
  if (!(strcmp (name, "localhost") == 0
        || (len > 10 && strcmp (name + len - 10, ".localhost") == 0)))
    return 0;
  memset (out, 0, 2 * sizeof *out);
  out[0].type = SOCKS6_ADDR_IPV4;
  out[0].u.ipv4[0] = 127;
  out[0].u.ipv4[3] = 1;
  out[1].type = SOCKS6_ADDR_IPV6;
  out[1].u.ipv6[15] = 1;
  out[0].port = out[1].port = hop->addr.port;
  return 2;
}

/* Refuse a hop that is this very gateway, and a hop with a user but no
   password.  */
static void
config_check_hops (struct config_parser *p)
{
  const struct config *c = p->config;
  struct ifaddrs *ifs = NULL;
  char where[SOCKS6_ADDR_TEXT_MAX];

  if (getifaddrs (&ifs) < 0)
    ifs = NULL;
  for (size_t r = 0; r < c->n_routes; r++)
    for (size_t h = 0; h < c->routes[r].n_hops; h++)
      {
        const struct config_hop *hop = &c->routes[r].hops[h];
        unsigned int line = c->routes[r].match.line;
        struct socks6_addr to[2];
        size_t n_to = config_hop_known_addresses (hop, to);
        bool loop = false;

        for (size_t l = 0; l < c->n_listen && !loop; l++)
          for (size_t t = 0; t < n_to && !loop; t++)
            if (config_reaches_listener (&to[t], &c->listen[l], ifs))
              {
                loop = true;
                if (config_format_listen (&c->listen[l], where,
                                          sizeof where) < 0)
                  strcpy (where, "?");
                config_error_line (p, line,
                                   _("route via %s leads back to this "
                                     "gateway, which listens on %s"),
                                   hop->url, where);
              }
        if (hop->user && !hop->password)
          config_error_line (p, line,
                             _("route via %s: no password for this user "
                               "and host in %s"), hop->url,
                             c->credentials_file ? c->credentials_file
                             : _("the credentials file (no "
                                 "'credentials-file' is given)"));
      }
  if (ifs)
    freeifaddrs (ifs);
}

/* The whole file.  */

static const struct
{
  const char *keyword;
  void (*handler) (struct config_parser *, struct config_token *, size_t);
} config_keywords[] = {
  { "allow", config_kw_allow },
  { "auth", config_kw_auth },
  { "bind-address", config_kw_bind_address },
  { "bind-check-peer", config_kw_bind_check_peer },
  { "busy-poll", config_kw_busy_poll },
  { "circuit-breaker", config_kw_circuit_breaker },
  { "cpu-affinity", config_kw_cpu_affinity },
  { "credentials-file", config_kw_credentials_file },
  { "deny", config_kw_deny },
  { "happy-eyeballs-delay", config_kw_he_delay },
  { "listen", config_kw_listen },
  { "log", config_kw_log },
  { "max-sessions", config_kw_max_sessions },
  { "max-sessions-per-client", config_kw_max_per_client },
  { "pid-file", config_kw_pid_file },
  { "resolve", config_kw_resolve },
  { "route", config_kw_route },
  { "timeout", config_kw_timeout },
  { "udp-max-size", config_kw_udp_max_size },
  { "udp-rate", config_kw_udp_rate },
  { "user", config_kw_user },
  { "workers", config_kw_workers }
};

/* Everything but the listeners, which a file replaces as a whole.  */
static void
config_set_defaults (struct config *c)
{
  c->refcount = 1;
  c->auth_methods = AUTH_NONE;
  c->resolve_policy = RESOLVE_HAPPY_EYEBALLS;
  c->happy_eyeballs_delay_ms = 250;
  c->handshake_timeout_ms = 10 * 1000;
  c->resolve_timeout_ms = 10 * 1000;
  c->connect_timeout_ms = 10 * 1000;
  c->idle_timeout_ms = 0;
  c->drain_timeout_ms = 10 * 1000;
  c->bind_check_peer = true;
  c->cpu_affinity = true;
  c->bind_timeout_ms = 60 * 1000;
  c->udp_timeout_ms = 2 * 60 * 1000;
  c->udp_max_size = 0;
  c->udp_rate = 10000;
  c->hop_timeout_ms = 5 * 1000;
  c->hop_failures = 3;
  c->hop_cooldown_ms = 30 * 1000;
}

/* Add 127.0.0.1:1080 and [::1]:1080.  */
static bool
config_default_listeners (struct config *c)
{
  c->listen = calloc (2, sizeof *c->listen);
  if (!c->listen)
    return false;
  c->n_listen = 2;
  c->listen[0].type = SOCKS6_ADDR_IPV4;
  c->listen[0].port = CONFIG_DEFAULT_PORT;
  c->listen[0].u.ipv4[0] = 127;
  c->listen[0].u.ipv4[3] = 1;
  c->listen[1].type = SOCKS6_ADDR_IPV6;
  c->listen[1].port = CONFIG_DEFAULT_PORT;
  c->listen[1].u.ipv6[15] = 1;
  return true;
}

static void
config_free (struct config *c)
{
  if (!c)
    return;
  for (size_t i = 0; i < c->n_rules; i++)
    config_rule_free (&c->rules[i]);
  free (c->rules);
  for (size_t i = 0; i < c->n_routes; i++)
    config_route_free (&c->routes[i]);
  free (c->routes);
  free (c->credentials_file);
  free (c->file);
  free (c->listen);
  free (c->password_file);
  free (c->pam_service);
  free (c->user);
  free (c->pid_file);
  free (c->log_target);
  free (c);
}

struct config *
config_defaults (void)
{
  struct config *c = calloc (1, sizeof *c);

  if (!c)
    return NULL;
  config_set_defaults (c);
  if (!config_default_listeners (c))
    {
      config_free (c);
      return NULL;
    }
  return c;
}

struct config *
config_ref (struct config *config)
{
  if (config)
    __atomic_add_fetch (&config->refcount, 1, __ATOMIC_RELAXED);
  return config;
}

void
config_unref (struct config *config)
{
  if (config && __atomic_sub_fetch (&config->refcount, 1, __ATOMIC_ACQ_REL)
                == 0)
    config_free (config);
}

void
config_errors_free (struct config_error *errors, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (errors[i].file);
      free (errors[i].message);
    }
  free (errors);
}

void
config_errors_print (const struct config_error *errors, size_t n, FILE *out)
{
  for (size_t i = 0; i < n; i++)
    if (errors[i].line > 0)
      fprintf (out, "%s:%u: %s\n", errors[i].file, errors[i].line,
               errors[i].message);
    else
      fprintf (out, "%s: %s\n", errors[i].file, errors[i].message);
}

int
config_format_listen (const struct socks6_addr *addr, char *buf, size_t size)
{
  char host[INET6_ADDRSTRLEN];
  char scope[IF_NAMESIZE + 1] = "";
  int len;

  if (addr->type == SOCKS6_ADDR_IPV4)
    {
      inet_ntop (AF_INET, addr->u.ipv4, host, sizeof host);
      len = snprintf (buf, size, "%s:%u", host, (unsigned int) addr->port);
    }
  else
    {
      inet_ntop (AF_INET6, addr->u.ipv6, host, sizeof host);
      if (addr->scope_id
          && !if_indextoname (addr->scope_id, scope + 1))
        snprintf (scope + 1, sizeof scope - 1, "%u",
                  (unsigned int) addr->scope_id);
      if (addr->scope_id)
        scope[0] = '%';
      len = snprintf (buf, size, "[%s%s]:%u", host, scope,
                      (unsigned int) addr->port);
    }
  return len >= 0 && (size_t) len < size ? len : -1;
}

/* Split and dispatch one line.  */
static void
config_parse_line (struct config_parser *p, char *line, size_t len)
{
  struct config_token *tokens = NULL;
  size_t n = 0;

  if (len > CONFIG_LINE_MAX)
    {
      config_error (p, _("line is too long (%zu bytes; at most %d)"),
                    len, CONFIG_LINE_MAX);
      return;
    }
  if (config_tokenize (p, line, len, &tokens, &n) && n > 0)
    {
      size_t i;

      for (i = 0; i < sizeof config_keywords / sizeof config_keywords[0]; i++)
        if (!tokens[0].quoted
            && strcmp (tokens[0].text, config_keywords[i].keyword) == 0)
          break;
      if (i < sizeof config_keywords / sizeof config_keywords[0])
        config_keywords[i].handler (p, tokens + 1, n - 1);
      else if (tokens[0].quoted)
        config_error (p, _("a keyword cannot be quoted: \"%s\""),
                      tokens[0].text);
      else
        config_error (p, _("unknown keyword '%s'"), tokens[0].text);
    }
  free (tokens);
}

/* Whether RULE admits only some client addresses.  */
static bool
config_rule_restricts_clients (const struct config_rule *rule)
{
  if (rule->n_clients == 0)
    return false;
  for (size_t i = 0; i < rule->n_clients; i++)
    if (rule->clients[i].family == AF_UNSPEC || rule->clients[i].bits == 0)
      return false;
  return true;
}

/* No accidental open relay: a listener reachable from other hosts needs
   authentication, or rules that limit who may use it without.  */
static void
config_check_open_relay (struct config_parser *p)
{
  const struct config *c = p->config;
  const struct config_rule *open = NULL;
  bool restricted = false;
  char where[SOCKS6_ADDR_TEXT_MAX];

  if (!(c->auth_methods & AUTH_NONE))
    return;
  for (size_t i = 0; i < c->n_rules; i++)
    {
      const struct config_rule *rule = &c->rules[i];
      /* A rule naming users cannot match a client that did not log in.  */
      if (rule->action != RULE_ALLOW || rule->n_users > 0)
        continue;
      if (config_rule_restricts_clients (rule))
        restricted = true;
      else if (!open)
        open = rule;
    }
  for (size_t i = 0; i < c->n_listen; i++)
    {
      if (config_addr_is_loopback (&c->listen[i]))
        continue;
      if (config_format_listen (&c->listen[i], where, sizeof where) < 0)
        snprintf (where, sizeof where, "?");
      if (open)
        config_error_line (p, p->listen_lines[i],
                           _("refusing to listen on %s without "
                             "authentication: the rule at line %u allows "
                             "every client, this would be an open relay"),
                           where, open->line);
      else if (!restricted)
        config_error_line (p, p->listen_lines[i],
                           _("refusing to listen on %s without "
                             "authentication or a client rule: this would "
                             "be an open relay"), where);
    }
}

/* Checks that need the whole file.  */
static void
config_check (struct config_parser *p)
{
  struct config *c = p->config;

  if (c->auth_methods == 0)
    c->auth_methods = AUTH_NONE;
  if (p->first_user_rule && !(c->auth_methods & AUTH_USERPASS))
    config_error_line (p, p->first_user_rule,
                       _("this rule names users, but neither 'auth "
                         "username' nor 'auth pam' is configured: it can "
                         "never match"));
  if (c->n_listen == 0)
    {
      if (!config_default_listeners (c))
        p->nomem = true;
    }
  else
    config_check_open_relay (p);
  if (c->credentials_file)
    config_read_credentials (p);
  config_check_hops (p);
}

/* Read FP line by line into P.  */
static void
config_read (struct config_parser *p, FILE *fp)
{
  char *line = NULL;
  size_t size = 0;
  ssize_t len;

  while ((len = getline (&line, &size, fp)) >= 0)
    {
      p->line++;
      if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
      config_parse_line (p, line, len);
    }
  if (ferror (fp))
    config_error_line (p, 0, _("read error: %s"), strerror (errno));
  free (line);
}

struct config *
config_load (const char *file, struct config_error **errors,
             size_t *n_errors)
{
  struct config_parser parser;
  struct config_parser *p = &parser;
  FILE *fp;

  memset (p, 0, sizeof *p);
  p->file = file;
  p->config = calloc (1, sizeof *p->config);
  if (p->config)
    {
      config_set_defaults (p->config);
      p->config->auth_methods = 0;
      p->config->file = config_strdup (p, file);
      fp = fopen (file, "re");
      if (!fp)
        config_error_line (p, 0, _("cannot open: %s"), strerror (errno));
      else
        {
          config_read (p, fp);
          fclose (fp);
          config_check (p);
        }
    }
  else
    p->nomem = true;
  free (p->listen_lines);
  if (p->nomem)
    config_error_line (p, 0, _("memory exhausted"));
  if (p->n_errors > 0 || p->nomem)
    {
      config_free (p->config);
      p->config = NULL;
    }
  *errors = p->errors;
  *n_errors = p->n_errors;
  return p->config;
}

/* Printing.  */

/* Write WORD, quoted when it would not read back as itself.  */
static void
config_print_word (FILE *out, const char *word)
{
  struct config_token token = { (char *) word, false };

  if (*word && !word[strcspn (word, " \t\r\"\\#")]
      && config_clause (&token) == CLAUSE_COUNT)
    {
      fputs (word, out);
      return;
    }
  putc ('"', out);
  for (; *word; word++)
    {
      if (*word == '"' || *word == '\\')
        putc ('\\', out);
      putc (*word, out);
    }
  putc ('"', out);
}

/* Write "KEYWORD VALUE" with the largest of the N UNITS (the largest
   first) that divides VALUE, or "KEYWORD none" for 0.  */
static void
config_print_quantity (FILE *out, const char *keyword, unsigned long value,
                       const struct config_unit *units, size_t n_units)
{
  fprintf (out, "%s ", keyword);
  if (value == 0)
    {
      fputs ("none\n", out);
      return;
    }
  for (size_t i = 0; i < n_units; i++)
    if (value % units[i].factor == 0)
      {
        fprintf (out, "%lu%s\n", value / units[i].factor, units[i].name);
        return;
      }
}

static void
config_print_duration (FILE *out, const char *keyword, unsigned int ms)
{
  static const struct config_unit units[] = {
    { "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
    { "ms", 1 }
  };
  config_print_quantity (out, keyword, ms, units,
                         sizeof units / sizeof units[0]);
}

static void
config_print_prefix (FILE *out, const struct config_prefix *prefix)
{
  char text[INET6_ADDRSTRLEN];

  if (prefix->family == AF_UNSPEC)
    {
      fputs (" any", out);
      return;
    }
  inet_ntop (prefix->family, prefix->addr, text, sizeof text);
  fprintf (out, " %s", text);
  if (prefix->bits != (prefix->family == AF_INET ? 32u : 128u))
    fprintf (out, "/%u", prefix->bits);
}

/* The clauses of a rule or route, each with a leading blank.  */
static void
config_print_clauses (FILE *out, const struct config_rule *rule)
{
  static const char *const commands[] = {
    "connect", "bind", "udp", "resolve"
  };

  if (rule->n_clients)
    fputs (" from", out);
  for (size_t i = 0; i < rule->n_clients; i++)
    config_print_prefix (out, &rule->clients[i]);
  if (rule->n_users)
    fputs (" user", out);
  for (size_t i = 0; i < rule->n_users; i++)
    {
      putc (' ', out);
      config_print_word (out, rule->users[i]);
    }
  if (rule->commands)
    fputs (" command", out);
  for (size_t i = 0; i < 4; i++)
    if (rule->commands & (1u << i))
      fprintf (out, " %s", commands[i]);
  if (rule->n_dst_prefixes || rule->n_dst_suffixes)
    fputs (" to", out);
  for (size_t i = 0; i < rule->n_dst_prefixes; i++)
    config_print_prefix (out, &rule->dst_prefixes[i]);
  for (size_t i = 0; i < rule->n_dst_suffixes; i++)
    fprintf (out, " %s", rule->dst_suffixes[i]);
  if (rule->port_lo == rule->port_hi && rule->port_lo)
    fprintf (out, " port %u", (unsigned int) rule->port_lo);
  else if (rule->port_lo || rule->port_hi)
    fprintf (out, " port %u-%u", (unsigned int) rule->port_lo,
             (unsigned int) rule->port_hi);
}

static void
config_print_rule (FILE *out, const struct config_rule *rule)
{
  fputs (rule->action == RULE_ALLOW ? "allow" : "deny", out);
  config_print_clauses (out, rule);
  putc ('\n', out);
}

static void
config_print_auth (FILE *out, const struct config *c)
{
  if (c->auth_methods & AUTH_NONE)
    fputs ("auth none\n", out);
  if (c->password_file)
    {
      fputs ("auth username password-file ", out);
      config_print_word (out, c->password_file);
      putc ('\n', out);
    }
  if (c->pam_service)
    {
      fputs ("auth pam ", out);
      config_print_word (out, c->pam_service);
      putc ('\n', out);
    }
}

static void
config_print_count (FILE *out, const char *keyword, unsigned int n,
                    const char *zero_word)
{
  if (n)
    fprintf (out, "%s %u\n", keyword, n);
  else
    fprintf (out, "%s %s\n", keyword, zero_word);
}

/* Write "KEYWORD VALUE" when VALUE is set.  */
static void
config_print_string (FILE *out, const char *keyword, const char *value)
{
  if (!value)
    return;
  fprintf (out, "%s ", keyword);
  config_print_word (out, value);
  putc ('\n', out);
}

static void
config_print_routes (FILE *out, const struct config *c)
{
  config_print_duration (out, "timeout hop", c->hop_timeout_ms);
  if (c->hop_failures)
    {
      char keyword[32];
      snprintf (keyword, sizeof keyword, "circuit-breaker %u",
                c->hop_failures);
      config_print_duration (out, keyword, c->hop_cooldown_ms);
    }
  else
    fputs ("circuit-breaker off\n", out);
  config_print_string (out, "credentials-file", c->credentials_file);
  for (size_t i = 0; i < c->n_routes; i++)
    {
      const struct config_route *route = &c->routes[i];
      fputs ("route", out);
      config_print_clauses (out, &route->match);
      fputs (route->n_hops ? " via" : " direct", out);
      for (size_t h = 0; h < route->n_hops; h++)
        {
          putc (' ', out);
          config_print_word (out, route->hops[h].url);
        }
      putc ('\n', out);
    }
}

void
config_print (const struct config *c, FILE *out)
{
  char where[SOCKS6_ADDR_TEXT_MAX];

  for (size_t i = 0; i < c->n_listen; i++)
    if (config_format_listen (&c->listen[i], where, sizeof where) >= 0)
      fprintf (out, "listen %s\n", where);
  config_print_auth (out, c);
  fprintf (out, "resolve %s\n", config_resolve_names[c->resolve_policy]);
  config_print_duration (out, "happy-eyeballs-delay",
                         c->happy_eyeballs_delay_ms);
  config_print_duration (out, "timeout handshake", c->handshake_timeout_ms);
  config_print_duration (out, "timeout resolve", c->resolve_timeout_ms);
  config_print_duration (out, "timeout connect", c->connect_timeout_ms);
  config_print_duration (out, "timeout idle", c->idle_timeout_ms);
  config_print_duration (out, "timeout drain", c->drain_timeout_ms);
  config_print_duration (out, "timeout bind", c->bind_timeout_ms);
  config_print_duration (out, "timeout udp", c->udp_timeout_ms);
  for (size_t i = 0; i < 2; i++)
    if (c->bind_addresses[i].type != SOCKS6_ADDR_NONE
        && socks6_addr_format (&c->bind_addresses[i], false, where,
                               sizeof where) >= 0)
      fprintf (out, "bind-address %s\n", where);
  fprintf (out, "bind-check-peer %s\n", c->bind_check_peer ? "yes" : "no");
  config_print_count (out, "udp-max-size", c->udp_max_size, "unlimited");
  config_print_count (out, "udp-rate", c->udp_rate, "unlimited");
  config_print_count (out, "max-sessions", c->max_sessions, "unlimited");
  config_print_count (out, "max-sessions-per-client",
                      c->max_sessions_per_client, "unlimited");
  config_print_count (out, "workers", c->workers, "auto");
  fprintf (out, "cpu-affinity %s\n", c->cpu_affinity ? "yes" : "no");
  config_print_quantity (out, "busy-poll", c->busy_poll_us, busy_poll_units,
                         sizeof busy_poll_units / sizeof busy_poll_units[0]);
  config_print_string (out, "user", c->user);
  config_print_string (out, "pid-file", c->pid_file);
  config_print_string (out, "log", c->log_target);
  for (size_t i = 0; i < c->n_rules; i++)
    config_print_rule (out, &c->rules[i]);
  config_print_routes (out, c);
}
