/* socksify's settings: one table of keys, each with its configuration
   file name (also the long option) and its environment variable, and
   the parser of each value.  The launcher reads every source with it;
   the preload library reads the environment the launcher wrote, through
   the same parser, so the two never disagree on what a value means.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "settings.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

/* Only N_: the texts are translated by the launcher, which prints them.
   This file is also built into the preload library, without gnulib's
   headers, so it does not include i18n.h.  */
#define N_(msgid) msgid

struct settings_key
{
  const char *name;
  const char *env;
};

static const struct settings_key settings_keys[SOCKSIFY_KEY_COUNT] = {
  [SOCKSIFY_KEY_SERVER] = {"server", "SOCKS6_SERVER"},
  [SOCKSIFY_KEY_CHAIN] = {"chain", "SOCKS6_CHAIN"},
  [SOCKSIFY_KEY_USER] = {"user", "SOCKS6_USER"},
  [SOCKSIFY_KEY_PASSWORD_FILE] = {"password-file", "SOCKS6_PASSWORD_FILE"},
  [SOCKSIFY_KEY_DIRECT] = {"direct", "SOCKS6_DIRECT"},
  [SOCKSIFY_KEY_FAKE_IPV4] = {"fake-ipv4", FAKEADDR_ENV_IPV4},
  [SOCKSIFY_KEY_FAKE_IPV6] = {"fake-ipv6", FAKEADDR_ENV_IPV6},
  [SOCKSIFY_KEY_RESOLVE] = {"resolve-at-gateway", "SOCKS6_RESOLVE"},
  [SOCKSIFY_KEY_HOSTS] = {"hosts-file", "SOCKS6_HOSTS"},
  [SOCKSIFY_KEY_PIPELINING] = {"pipelining", "SOCKS6_PIPELINING"},
  [SOCKSIFY_KEY_CONNECT_MODE] = {"connect-mode", "SOCKS6_CONNECT_MODE"},
  [SOCKSIFY_KEY_BIND_MODE] = {"bind-mode", "SOCKS6_BIND_MODE"},
  [SOCKSIFY_KEY_UNSPEC_FAMILY] = {"unspec-family", "SOCKS6_UNSPEC_FAMILY"},
  [SOCKSIFY_KEY_TIMEOUT] = {"timeout", "SOCKS6_TIMEOUT"},
  [SOCKSIFY_KEY_LOG_LEVEL] = {"log-level", "SOCKS6_LOG_LEVEL"},
  [SOCKSIFY_KEY_LOG_FILE] = {"log-file", "SOCKS6_LOG_FILE"},
};

static const char *const settings_log_levels[] = {
  "none", "error", "warning", "info", "debug"
};

static const char *const settings_families[] = { "auto", "ipv4", "ipv6" };

static const char *const settings_connect_modes[] = { "blocking", "async" };

static const char *const settings_bind_modes[] = { "never", "auto" };

const char *
socksify_key_name (enum socksify_key key)
{
  return settings_keys[key].name;
}

const char *
socksify_key_env (enum socksify_key key)
{
  return settings_keys[key].env;
}

int
socksify_key_lookup (const char *name)
{
  for (int key = 0; key < SOCKSIFY_KEY_COUNT; key++)
    if (strcmp (settings_keys[key].name, name) == 0)
      return key;
  return -1;
}

void
socksify_settings_init (struct socksify_settings *settings)
{
  memset (settings, 0, sizeof *settings);
  socks6_addr_parse (&settings->servers[0], SOCKSIFY_DEFAULT_SERVER, 0);
  settings->nservers = 1;
  fakeaddr_prefix_parse (&settings->fake_ipv4, FAKEADDR_DEFAULT_IPV4, NULL);
  fakeaddr_prefix_parse (&settings->fake_ipv6, FAKEADDR_DEFAULT_IPV6, NULL);
  settings->hosts_file = true;
  settings->pipelining = true;
  settings->connect_mode = SOCKSIFY_DEFAULT_CONNECT_MODE;
  settings->bind_mode = SOCKSIFY_BIND_AUTO;
  settings->timeout = SOCKSIFY_DEFAULT_TIMEOUT;
}

/* Index of TEXT in the NWORDS words of WORDS, or -1.  */
static int
settings_word (const char *text, const char *const *words, size_t nwords)
{
  for (size_t i = 0; i < nwords; i++)
    if (strcmp (text, words[i]) == 0)
      return i;
  return -1;
}

static int
settings_parse_bool (const char *text, bool *value, const char **problem)
{
  static const char *const yes[] = { "yes", "true", "on", "1" };
  static const char *const no[] = { "no", "false", "off", "0" };
  if (settings_word (text, yes, 4) >= 0)
    *value = true;
  else if (settings_word (text, no, 4) >= 0)
    *value = false;
  else
    {
      *problem = N_("expected yes or no");
      return SOCKS6_E_SYNTAX;
    }
  return SOCKS6_OK;
}

static int
settings_parse_server (struct socksify_settings *settings, const char *text,
                       const char **problem)
{
  struct socks6_addr addr;
  int rc = socks6_addr_parse (&addr, text, SOCKSIFY_DEFAULT_PORT);
  if (rc != SOCKS6_OK)
    {
      *problem = N_("expected HOST:PORT");
      return rc;
    }
  if (settings->nservers == SOCKSIFY_SERVERS_MAX)
    {
      *problem = N_("too many servers");
      return SOCKS6_E_FULL;
    }
  settings->servers[settings->nservers++] = addr;
  return SOCKS6_OK;
}

/* A direct entry that is not an address prefix is a domain suffix:
   ".example.org" and "example.org" both cover example.org and every
   name under it.  */
static int
settings_parse_direct (struct socksify_settings *settings, const char *text,
                       const char **problem)
{
  struct socksify_direct entry;
  memset (&entry, 0, sizeof entry);
  enum fakeaddr_problem why;
  int rc = fakeaddr_prefix_parse (&entry.prefix, text, &why);
  if (rc != SOCKS6_OK)
    {
      if (strchr (text, '/') || strchr (text, ':')
          || socks6_name_is_literal (text))
        {
          *problem = N_("not an address prefix");
          return rc;
        }
      const char *name = text[0] == '.' ? text + 1 : text;
      size_t len;
      rc = socks6_name_to_wire (name, 0, entry.domain, &len);
      if (rc != SOCKS6_OK)
        {
          *problem = N_("neither an address prefix nor a domain name");
          return rc;
        }
      if (len > 0 && entry.domain[len - 1] == '.')
        entry.domain[--len] = '\0';
      for (size_t i = 0; i < len; i++)
        if (entry.domain[i] >= 'A' && entry.domain[i] <= 'Z')
          entry.domain[i] += 'a' - 'A';
      entry.is_domain = true;
    }
  if (settings->ndirect == SOCKSIFY_DIRECT_MAX)
    {
      *problem = N_("too many direct entries");
      return SOCKS6_E_FULL;
    }
  settings->direct[settings->ndirect++] = entry;
  return SOCKS6_OK;
}

static int
settings_parse_range (struct socks6_prefix *range, int family,
                      const char *text, const char **problem)
{
  enum fakeaddr_problem why;
  struct socks6_prefix prefix;
  if (fakeaddr_prefix_parse (&prefix, text, &why) != SOCKS6_OK)
    {
      *problem = N_("not an address range such as 198.18.0.0/15");
      return SOCKS6_E_RANGE;
    }
  if (prefix.family != family)
    {
      *problem = family == AF_INET ? N_("not an IPv4 range")
        : N_("not an IPv6 range");
      return SOCKS6_E_FAMILY;
    }
  *range = prefix;
  return SOCKS6_OK;
}

static int
settings_parse_timeout (unsigned int *timeout, const char *text,
                        const char **problem)
{
  char *end;
  errno = 0;
  unsigned long value = strtoul (text, &end, 10);
  if (errno || end == text || *end || text[0] == '-' || text[0] == '+'
      || value == 0 || value > SOCKSIFY_TIMEOUT_MAX)
    {
      *problem = N_("expected a number of seconds from 1 to 3600");
      return SOCKS6_E_SYNTAX;
    }
  *timeout = value;
  return SOCKS6_OK;
}

static int
settings_parse_word (int *value, const char *text, const char *const *words,
                     size_t nwords, const char *what, const char **problem)
{
  int i = settings_word (text, words, nwords);
  if (i < 0)
    {
      *problem = what;
      return SOCKS6_E_SYNTAX;
    }
  *value = i;
  return SOCKS6_OK;
}

static int
settings_copy_string (char *dst, size_t size, const char *text,
                      const char **problem)
{
  size_t len = strlen (text);
  if (len == 0 || len >= size)
    {
      *problem = len ? N_("too long") : N_("empty");
      return SOCKS6_E_SYNTAX;
    }
  memcpy (dst, text, len + 1);
  return SOCKS6_OK;
}

/* Set one item (no separators) of KEY.  */
static int
settings_set_one (struct socksify_settings *s, enum socksify_key key,
                  const char *value, const char **problem)
{
  int word;
  int rc;
  switch (key)
    {
    case SOCKSIFY_KEY_SERVER:
      return settings_parse_server (s, value, problem);
    case SOCKSIFY_KEY_CHAIN:
      return settings_parse_bool (value, &s->chain, problem);
    case SOCKSIFY_KEY_USER:
      if (strlen (value) > 255)
        {
          *problem = N_("longer than 255 octets");
          return SOCKS6_E_SYNTAX;
        }
      return settings_copy_string (s->user, sizeof s->user, value, problem);
    case SOCKSIFY_KEY_PASSWORD_FILE:
      return settings_copy_string (s->password_file, sizeof s->password_file,
                                   value, problem);
    case SOCKSIFY_KEY_DIRECT:
      return settings_parse_direct (s, value, problem);
    case SOCKSIFY_KEY_FAKE_IPV4:
      return settings_parse_range (&s->fake_ipv4, AF_INET, value, problem);
    case SOCKSIFY_KEY_FAKE_IPV6:
      return settings_parse_range (&s->fake_ipv6, AF_INET6, value, problem);
    case SOCKSIFY_KEY_RESOLVE:
      return settings_parse_bool (value, &s->resolve_at_gateway, problem);
    case SOCKSIFY_KEY_HOSTS:
      return settings_parse_bool (value, &s->hosts_file, problem);
    case SOCKSIFY_KEY_PIPELINING:
      return settings_parse_bool (value, &s->pipelining, problem);
    case SOCKSIFY_KEY_CONNECT_MODE:
      rc = settings_parse_word (&word, value, settings_connect_modes, 2,
                                N_("expected blocking or async"), problem);
      if (rc == SOCKS6_OK)
        s->connect_mode = word;
      return rc;
    case SOCKSIFY_KEY_BIND_MODE:
      rc = settings_parse_word (&word, value, settings_bind_modes, 2,
                                N_("expected auto or never"), problem);
      if (rc == SOCKS6_OK)
        s->bind_mode = word;
      return rc;
    case SOCKSIFY_KEY_UNSPEC_FAMILY:
      rc = settings_parse_word (&word, value, settings_families, 3,
                                N_("expected auto, ipv4 or ipv6"), problem);
      if (rc == SOCKS6_OK)
        s->unspec_family = word;
      return rc;
    case SOCKSIFY_KEY_TIMEOUT:
      return settings_parse_timeout (&s->timeout, value, problem);
    case SOCKSIFY_KEY_LOG_LEVEL:
      rc = settings_parse_word (&word, value, settings_log_levels, 5,
                                N_("expected none, error, warning, info "
                                   "or debug"), problem);
      if (rc == SOCKS6_OK)
        s->log_level = word;
      return rc;
    case SOCKSIFY_KEY_LOG_FILE:
      return settings_copy_string (s->log_file, sizeof s->log_file, value,
                                   problem);
    default:
      *problem = N_("unknown setting");
      return SOCKS6_E_INVALID;
    }
}

static bool
settings_is_list (enum socksify_key key)
{
  return key == SOCKSIFY_KEY_SERVER || key == SOCKSIFY_KEY_DIRECT;
}

/* Split a list value at commas and white space and set each item.  */
static int
settings_set_list (struct socksify_settings *s, enum socksify_key key,
                   const char *value, const char **problem)
{
  char item[SOCKS6_ADDR_TEXT_MAX + 64];
  const char *p = value;
  bool any = false;
  while (*p)
    {
      size_t len = strcspn (p, ", \t\n");
      if (len >= sizeof item)
        {
          *problem = N_("item too long");
          return SOCKS6_E_SYNTAX;
        }
      if (len > 0)
        {
          memcpy (item, p, len);
          item[len] = '\0';
          int rc = settings_set_one (s, key, item, problem);
          if (rc != SOCKS6_OK)
            return rc;
          any = true;
        }
      p += len;
      p += strspn (p, ", \t\n");
    }
  if (!any && key == SOCKSIFY_KEY_SERVER)
    {
      *problem = N_("empty");
      return SOCKS6_E_SYNTAX;
    }
  return SOCKS6_OK;
}

int
socksify_settings_set (struct socksify_settings *s, enum socksify_key key,
                       const char *value, enum socksify_source source,
                       const char **problem)
{
  const char *unused;
  if (!problem)
    problem = &unused;
  *problem = NULL;
  if ((unsigned) key >= SOCKSIFY_KEY_COUNT)
    {
      *problem = N_("unknown setting");
      return SOCKS6_E_INVALID;
    }
  if (source < s->source[key])
    return SOCKS6_OK;
  if (!settings_is_list (key))
    {
      s->source[key] = source;
      return settings_set_one (s, key, value, problem);
    }
  if (source > s->source[key])
    {
      if (key == SOCKSIFY_KEY_SERVER)
        s->nservers = 0;
      else
        s->ndirect = 0;
      s->source[key] = source;
    }
  return settings_set_list (s, key, value, problem);
}

int
socksify_settings_from_env (struct socksify_settings *s,
                            const char *(*getenv_fn) (const char *),
                            enum socksify_key *bad_key, const char **problem)
{
  for (int key = 0; key < SOCKSIFY_KEY_COUNT; key++)
    {
      const char *value = getenv_fn (settings_keys[key].env);
      if (!value)
        continue;
      int rc = socksify_settings_set (s, key, value,
                                      SOCKSIFY_SOURCE_ENVIRONMENT, problem);
      if (rc != SOCKS6_OK)
        {
          *bad_key = key;
          return rc;
        }
    }
  return SOCKS6_OK;
}

int
socksify_settings_check (const struct socksify_settings *s,
                         enum socksify_key *bad_key, const char **problem)
{
  struct socks6_prefix direct[SOCKSIFY_DIRECT_MAX];
  size_t ndirect = 0;
  for (size_t i = 0; i < s->ndirect; i++)
    if (!s->direct[i].is_domain)
      direct[ndirect++] = s->direct[i].prefix;

  const struct socks6_prefix *ranges[2] = { &s->fake_ipv4, &s->fake_ipv6 };
  const enum socksify_key keys[2] = { SOCKSIFY_KEY_FAKE_IPV4,
    SOCKSIFY_KEY_FAKE_IPV6
  };
  for (int i = 0; i < 2; i++)
    {
      enum fakeaddr_problem why;
      if (fakeaddr_range_check (ranges[i], direct, ndirect, &why, NULL)
          != SOCKS6_OK)
        {
          *bad_key = keys[i];
          *problem = fakeaddr_problem_text (why);
          return SOCKS6_E_RANGE;
        }
    }
  return SOCKS6_OK;
}

/* Append the text of one list item of KEY, number I.  */
static int
settings_format_item (const struct socksify_settings *s,
                      enum socksify_key key, size_t i, char *buf,
                      size_t size)
{
  if (key == SOCKSIFY_KEY_SERVER)
    return socks6_addr_format (&s->servers[i], true, buf, size);
  if (s->direct[i].is_domain)
    return snprintf (buf, size, ".%s", s->direct[i].domain);
  return socks6_prefix_format (&s->direct[i].prefix, buf, size);
}

static int
settings_format_list (const struct socksify_settings *s,
                      enum socksify_key key, char *buf, size_t size)
{
  size_t n = key == SOCKSIFY_KEY_SERVER ? s->nservers : s->ndirect;
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0)
        {
          if (used + 2 > size)
            return -1;
          buf[used++] = ',';
          buf[used] = '\0';
        }
      int len = settings_format_item (s, key, i, buf + used, size - used);
      if (len < 0 || (size_t) len >= size - used)
        return -1;
      used += len;
    }
  return used;
}

int
socksify_settings_format (const struct socksify_settings *s,
                          enum socksify_key key, char *buf, size_t size)
{
  int len;
  switch (key)
    {
    case SOCKSIFY_KEY_SERVER:
    case SOCKSIFY_KEY_DIRECT:
      return settings_format_list (s, key, buf, size);
    case SOCKSIFY_KEY_FAKE_IPV4:
      return socks6_prefix_format (&s->fake_ipv4, buf, size);
    case SOCKSIFY_KEY_FAKE_IPV6:
      return socks6_prefix_format (&s->fake_ipv6, buf, size);
    case SOCKSIFY_KEY_USER:
      len = snprintf (buf, size, "%s", s->user);
      break;
    case SOCKSIFY_KEY_PASSWORD_FILE:
      len = snprintf (buf, size, "%s", s->password_file);
      break;
    case SOCKSIFY_KEY_CHAIN:
      len = snprintf (buf, size, "%s", s->chain ? "yes" : "no");
      break;
    case SOCKSIFY_KEY_BIND_MODE:
      len = snprintf (buf, size, "%s", settings_bind_modes[s->bind_mode]);
      break;
    case SOCKSIFY_KEY_RESOLVE:
      len = snprintf (buf, size, "%s", s->resolve_at_gateway ? "yes" : "no");
      break;
    case SOCKSIFY_KEY_HOSTS:
      len = snprintf (buf, size, "%s", s->hosts_file ? "yes" : "no");
      break;
    case SOCKSIFY_KEY_PIPELINING:
      len = snprintf (buf, size, "%s", s->pipelining ? "yes" : "no");
      break;
    case SOCKSIFY_KEY_CONNECT_MODE:
      len = snprintf (buf, size, "%s",
                      settings_connect_modes[s->connect_mode]);
      break;
    case SOCKSIFY_KEY_UNSPEC_FAMILY:
      len = snprintf (buf, size, "%s", settings_families[s->unspec_family]);
      break;
    case SOCKSIFY_KEY_TIMEOUT:
      len = snprintf (buf, size, "%u", s->timeout);
      break;
    case SOCKSIFY_KEY_LOG_LEVEL:
      len = snprintf (buf, size, "%s", settings_log_levels[s->log_level]);
      break;
    case SOCKSIFY_KEY_LOG_FILE:
      len = snprintf (buf, size, "%s", s->log_file);
      break;
    default:
      return -1;
    }
  return len < 0 || (size_t) len >= size ? -1 : len;
}

/* True if NAME (LEN octets, lower or upper case) is DOMAIN or ends in
   ".DOMAIN".  */
static bool
settings_name_under (const char *name, size_t len, const char *domain)
{
  size_t dlen = strlen (domain);
  if (len > 0 && name[len - 1] == '.')
    len--;
  if (len < dlen || strncasecmp (name + len - dlen, domain, dlen) != 0)
    return false;
  return len == dlen || name[len - dlen - 1] == '.';
}

bool
socksify_settings_direct_name (const struct socksify_settings *s,
                               const char *name, size_t len)
{
  for (size_t i = 0; i < s->ndirect; i++)
    if (s->direct[i].is_domain
        && settings_name_under (name, len, s->direct[i].domain))
      return true;
  return false;
}

bool
socksify_settings_direct_prefix (const struct socksify_settings *s,
                                 int family, const void *addr)
{
  for (size_t i = 0; i < s->ndirect; i++)
    if (!s->direct[i].is_domain
        && socks6_prefix_contains (&s->direct[i].prefix, family, addr))
      return true;
  return false;
}

bool
socksify_settings_direct_addr (const struct socksify_settings *s,
                               int family, const void *addr)
{
  return socks6_addr_raw_is_loopback (family, addr)
         || socksify_settings_direct_prefix (s, family, addr);
}

/* Whether the host has an address of each family that can reach past
   itself: not loopback, and for IPv6 not link-local either.  */
static void
settings_host_families (bool *has_ipv4, bool *has_ipv6)
{
  struct ifaddrs *list;
  *has_ipv4 = *has_ipv6 = false;
  if (getifaddrs (&list) != 0)
    {
      *has_ipv4 = true;
      return;
    }
  for (struct ifaddrs *i = list; i; i = i->ifa_next)
    {
      if (!i->ifa_addr)
        continue;
      if (i->ifa_addr->sa_family == AF_INET)
        {
          const struct sockaddr_in *sin = (void *) i->ifa_addr;
          const unsigned char *a = (const void *) &sin->sin_addr;
          if (a[0] != 127)
            *has_ipv4 = true;
        }
      else if (i->ifa_addr->sa_family == AF_INET6)
        {
          const struct sockaddr_in6 *sin6 = (void *) i->ifa_addr;
          if (!IN6_IS_ADDR_LOOPBACK (&sin6->sin6_addr)
              && !IN6_IS_ADDR_LINKLOCAL (&sin6->sin6_addr))
            *has_ipv6 = true;
        }
    }
  freeifaddrs (list);
}

int
socksify_settings_unspec_family (const struct socksify_settings *s)
{
  if (s->unspec_family == SOCKSIFY_FAMILY_IPV4)
    return AF_INET;
  if (s->unspec_family == SOCKSIFY_FAMILY_IPV6)
    return AF_INET6;
  bool has_ipv4, has_ipv6;
  settings_host_families (&has_ipv4, &has_ipv6);
  return !has_ipv4 && has_ipv6 ? AF_INET6 : AF_INET;
}
