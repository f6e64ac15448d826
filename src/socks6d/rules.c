/* socks6d's access rules: which rule of the configuration decides a
   request, and the default when none does (allow loopback clients, deny
   the others).  The rules are parsed by config.c; see socks6d.conf(5) for
   their meaning.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "config.h"

#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "prefix.h"
#include "socks5.h"

/* How a rule's "to" clause relates to a destination.  */
enum rules_to_match
{
  TO_NO,
  TO_YES,
  TO_UNKNOWN                    /* a name not resolved yet, and prefixes */
};

static const unsigned char rules_v4mapped[12] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

bool
config_addr_is_loopback (const struct socks6_addr *addr)
{
  return socks6_addr_is_loopback (addr);
}

/* Whether ADDR falls in PREFIX.  An IPv4-mapped IPv6 address (a client of
   a dual-stack socket) also matches the IPv4 prefixes, since that is the
   address the administrator knows it by.  */
static bool
rules_prefix_match (const struct config_prefix *prefix,
                    const struct socks6_addr *addr)
{
  if (prefix->family == AF_UNSPEC)
    return true;
  if (addr->type == SOCKS6_ADDR_IPV4)
    return prefix->family == AF_INET
           && socks6_prefix_bits_equal (prefix->addr, addr->u.ipv4,
                                        prefix->bits);
  if (addr->type != SOCKS6_ADDR_IPV6)
    return false;
  if (prefix->family == AF_INET6)
    return socks6_prefix_bits_equal (prefix->addr, addr->u.ipv6,
                                     prefix->bits);
  return memcmp (addr->u.ipv6, rules_v4mapped, 12) == 0
         && socks6_prefix_bits_equal (prefix->addr, addr->u.ipv6 + 12,
                                      prefix->bits);
}

static bool
rules_any_prefix_match (const struct config_prefix *prefixes, size_t n,
                        const struct socks6_addr *addr)
{
  for (size_t i = 0; i < n; i++)
    if (rules_prefix_match (&prefixes[i], addr))
      return true;
  return false;
}

/* The address a connect() to DST really reaches, for matching "to"
   prefixes: 0.0.0.0, :: and ::ffff:0.0.0.0 reach the host itself, so
   they are matched as 127.0.0.1 and ::1.  Otherwise "deny to
   127.0.0.0/8 ::1" would let any client reach the gateway's own loopback
   services.  *COPY holds the substitute when one is needed.  */
static const struct socks6_addr *
rules_dst_as_reached (const struct socks6_addr *dst, struct socks6_addr *copy)
{
  if (!socks6_addr_is_unspecified (dst))
    return dst;
  *copy = *dst;
  if (copy->type == SOCKS6_ADDR_IPV4)
    {
      copy->u.ipv4[0] = 127;
      copy->u.ipv4[3] = 1;
      return copy;
    }
  if (copy->u.ipv6[10] == 0xff)
    copy->u.ipv6[12] = 127;
  copy->u.ipv6[15] = 1;
  return copy;
}

/* Whether the name NAME (LEN octets, trailing dot already removed)
   matches ENTRY: ".example.com" matches example.com and every name under
   it, "example.com" only itself; case does not matter.  */
static bool
rules_name_match (const char *entry, const char *name, size_t len)
{
  size_t entry_len;

  if (entry[0] != '.')
    return strlen (entry) == len && strncasecmp (entry, name, len) == 0;
  entry++;
  entry_len = strlen (entry);
  if (len == entry_len)
    return strncasecmp (entry, name, len) == 0;
  return len > entry_len && name[len - entry_len - 1] == '.'
         && strncasecmp (entry, name + len - entry_len, entry_len) == 0;
}

static bool
rules_any_name_match (const struct config_rule *rule,
                      const struct socks6_addr *dst)
{
  size_t len = dst->u.name.len;

  if (len > 0 && dst->u.name.text[len - 1] == '.')
    len--;
  for (size_t i = 0; i < rule->n_dst_suffixes; i++)
    if (rules_name_match (rule->dst_suffixes[i], dst->u.name.text, len))
      return true;
  return false;
}

/* Match RULE's "to" clause against NAME (or NULL) and ADDR (or NULL).  */
static enum rules_to_match
rules_match_to (const struct config_rule *rule,
                const struct socks6_addr *name,
                const struct socks6_addr *addr)
{
  bool any = false;

  if (rule->n_dst_prefixes == 0 && rule->n_dst_suffixes == 0)
    return TO_YES;
  for (size_t i = 0; i < rule->n_dst_prefixes; i++)
    any |= rule->dst_prefixes[i].family == AF_UNSPEC;
  if (any)
    return TO_YES;
  if (name && rules_any_name_match (rule, name))
    return TO_YES;
  if (addr)
    {
      struct socks6_addr copy;

      addr = rules_dst_as_reached (addr, &copy);
      return rules_any_prefix_match (rule->dst_prefixes,
                                     rule->n_dst_prefixes, addr)
             ? TO_YES : TO_NO;
    }
  return rule->n_dst_prefixes > 0 ? TO_UNKNOWN : TO_NO;
}

static unsigned int
rules_command_bit (uint8_t command)
{
  switch (command)
    {
    case SOCKS5_CMD_CONNECT:
      return RULE_CMD_CONNECT;
    case SOCKS5_CMD_BIND:
      return RULE_CMD_BIND;
    case SOCKS5_CMD_UDP_ASSOCIATE:
      return RULE_CMD_UDP;
    case SOCKS5_CMD_RESOLVE:
    case SOCKS5_CMD_RESOLVE_PTR:
      return RULE_CMD_RESOLVE;
    default:
      return 0;
    }
}

/* Whether RULE's from, user, command and port clauses match.  */
static bool
rules_match_request (const struct config_rule *rule,
                     const struct socks6_addr *client, const char *user,
                     uint8_t command, uint16_t port)
{
  if (rule->n_clients > 0
      && !rules_any_prefix_match (rule->clients, rule->n_clients, client))
    return false;
  if (rule->n_users > 0)
    {
      size_t i;
      if (!user)
        return false;
      for (i = 0; i < rule->n_users; i++)
        if (strcmp (rule->users[i], user) == 0)
          break;
      if (i == rule->n_users)
        return false;
    }
  if (rule->commands && !(rule->commands & rules_command_bit (command)))
    return false;
  if ((rule->port_lo || rule->port_hi)
      && (port < rule->port_lo || port > rule->port_hi))
    return false;
  return true;
}

/* The first rule that matches, with NAME and ADDR either of which may be
   NULL.  With UNDECIDED non-null, an allow rule whose answer depends on an
   address not known yet stops the search and sets *UNDECIDED.  */
static const struct config_rule *
rules_first_match (const struct config *config,
                   const struct socks6_addr *client, const char *user,
                   uint8_t command, uint16_t port,
                   const struct socks6_addr *name,
                   const struct socks6_addr *addr, bool *undecided)
{
  for (size_t i = 0; i < config->n_rules; i++)
    {
      const struct config_rule *rule = &config->rules[i];
      enum rules_to_match to;

      if (!rules_match_request (rule, client, user, command, port))
        continue;
      to = rules_match_to (rule, name, addr);
      if (to == TO_YES)
        return rule;
      if (to == TO_UNKNOWN && undecided && rule->action == RULE_ALLOW)
        {
          *undecided = true;
          return NULL;
        }
    }
  return NULL;
}

/* Split DST into the name or the address it is.  */
static void
rules_split_dst (const struct socks6_addr *dst,
                 const struct socks6_addr **name,
                 const struct socks6_addr **addr)
{
  *name = dst->type == SOCKS6_ADDR_NAME ? dst : NULL;
  *addr = dst->type == SOCKS6_ADDR_NAME ? NULL : dst;
}

const struct config_rule *
config_match_rule (const struct config *config,
                   const struct socks6_addr *client, const char *user,
                   uint8_t command, const struct socks6_addr *dst)
{
  const struct socks6_addr *name, *addr;

  rules_split_dst (dst, &name, &addr);
  return rules_first_match (config, client, user, command, dst->port,
                            name, addr, NULL);
}

const struct config_rule *
config_match_rule_resolved (const struct config *config,
                            const struct socks6_addr *client,
                            const char *user, uint8_t command,
                            const struct socks6_addr *name,
                            const struct socks6_addr *addr)
{
  return rules_first_match (config, client, user, command, name->port,
                            name, addr, NULL);
}

/* The decision of RULE, or the default for CLIENT when RULE is NULL.  */
static bool
rules_verdict (const struct config_rule *rule,
               const struct socks6_addr *client)
{
  if (rule)
    return rule->action == RULE_ALLOW;
  return config_addr_is_loopback (client);
}

bool
config_request_allowed (const struct config *config,
                        const struct socks6_addr *client, const char *user,
                        uint8_t command, const struct socks6_addr *dst)
{
  const struct socks6_addr *name, *addr;
  const struct config_rule *rule;
  bool undecided = false;

  rules_split_dst (dst, &name, &addr);
  rule = rules_first_match (config, client, user, command, dst->port,
                            name, addr, &undecided);
  return undecided || rules_verdict (rule, client);
}

bool
config_request_allowed_resolved (const struct config *config,
                                 const struct socks6_addr *client,
                                 const char *user, uint8_t command,
                                 const struct socks6_addr *name,
                                 const struct socks6_addr *addr)
{
  return rules_verdict (config_match_rule_resolved (config, client, user,
                                                    command, name, addr),
                        client);
}

/* Routes are matched like rules, with one difference: a name is never
   resolved to decide a route (the hop that connects resolves it), so a
   "to" clause of prefixes alone does not match a name.  */
const struct config_route *
config_match_route (const struct config *config,
                    const struct socks6_addr *client, const char *user,
                    uint8_t command, const struct socks6_addr *dst)
{
  const struct socks6_addr *name, *addr;

  /* UDP ASSOCIATE names the client's own address, not a destination,
     and its datagrams are relayed here.  */
  if (command == SOCKS5_CMD_UDP_ASSOCIATE)
    return NULL;
  rules_split_dst (dst, &name, &addr);
  for (size_t i = 0; i < config->n_routes; i++)
    {
      const struct config_route *route = &config->routes[i];

      if (rules_match_request (&route->match, client, user, command,
                               dst->port)
          && rules_match_to (&route->match, name, addr) == TO_YES)
        return route;
    }
  return NULL;
}

bool
config_command_allowed (const struct config *config,
                        const struct socks6_addr *client, const char *user,
                        uint8_t command)
{
  for (size_t i = 0; i < config->n_rules; i++)
    {
      const struct config_rule *rule = &config->rules[i];
      bool any_dst = rules_match_to (rule, NULL, NULL) == TO_YES
                     && !rule->port_lo && !rule->port_hi;

      if (!rules_match_request (rule, client, user, command,
                                rule->port_lo))
        continue;
      /* A rule for some destinations only: an allow may apply to a
         destination to come, a deny leaves the others open.  */
      if (any_dst || rule->action == RULE_ALLOW)
        return rule->action == RULE_ALLOW;
    }
  return rules_verdict (NULL, client);
}
