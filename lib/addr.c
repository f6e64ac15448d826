/* The suite's address type: conversions to and from sockaddr, parsing
   and printing "host:port" text, equality.  What a user writes on a
   command line or in socks6d.conf, and what a SOCKS 5 request carries,
   both end up here.

   Text forms accepted by socks6_addr_parse:
     name  name:port  a.b.c.d  a.b.c.d:port
     v6  v6%scope  [v6]  [v6]:port  [v6%scope]  [v6%scope]:port
   A bare IPv6 literal never has a port: "::1:80" is the address ::1:80.
   A port is 1 to 65535 in plain decimal: no sign, no leading zero (some
   tools read "080" as octal, so it is refused rather than guessed), no
   service names.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "addr.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "errcode.h"
#include "i18n.h"

/* Longest scope we read: an interface name (IF_NAMESIZE - 1 octets) or
   a 32-bit index in decimal (10 digits).  */
#define ADDR_SCOPE_MAX 15

/* Longest label of a domain name, in octets.  */
#define ADDR_LABEL_MAX 63

static bool
addr_is_digit (unsigned char c)
{
  return c >= '0' && c <= '9';
}

static bool
addr_is_hex_digit (unsigned char c)
{
  return addr_is_digit (c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned char
addr_ascii_lower (unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
socks6_addr_from_sockaddr (struct socks6_addr *addr,
                           const struct sockaddr *sa, socklen_t salen)
{
  union socks6_sockaddr copy;

  /* The caller's buffer may be a plain struct sockaddr or a byte array:
     copy what it says it holds before looking at family members.  */
  if (sa == NULL || salen < sizeof copy.sin)
    return SOCKS6_E_FAMILY;
  memset (&copy, 0, sizeof copy);
  memcpy (&copy, sa, salen < sizeof copy ? salen : sizeof copy);

  if (copy.sa.sa_family == AF_INET)
    {
      *addr = (struct socks6_addr) { .type = SOCKS6_ADDR_IPV4,
                                     .port = ntohs (copy.sin.sin_port) };
      memcpy (addr->u.ipv4, &copy.sin.sin_addr, 4);
      return SOCKS6_OK;
    }
  if (copy.sa.sa_family == AF_INET6 && salen >= sizeof copy.sin6)
    {
      *addr = (struct socks6_addr) { .type = SOCKS6_ADDR_IPV6,
                                     .port = ntohs (copy.sin6.sin6_port),
                                     .scope_id = copy.sin6.sin6_scope_id };
      memcpy (addr->u.ipv6, &copy.sin6.sin6_addr, 16);
      return SOCKS6_OK;
    }
  return SOCKS6_E_FAMILY;
}

int
socks6_addr_to_sockaddr (const struct socks6_addr *addr,
                         union socks6_sockaddr *ss, socklen_t *sslen)
{
  memset (ss, 0, sizeof *ss);
  switch (addr->type)
    {
    case SOCKS6_ADDR_IPV4:
      ss->sin.sin_family = AF_INET;
      ss->sin.sin_port = htons (addr->port);
      memcpy (&ss->sin.sin_addr, addr->u.ipv4, 4);
      *sslen = sizeof ss->sin;
      return SOCKS6_OK;
    case SOCKS6_ADDR_IPV6:
      ss->sin6.sin6_family = AF_INET6;
      ss->sin6.sin6_port = htons (addr->port);
      ss->sin6.sin6_scope_id = addr->scope_id;
      memcpy (&ss->sin6.sin6_addr, addr->u.ipv6, 16);
      *sslen = sizeof ss->sin6;
      return SOCKS6_OK;
    default:
      return SOCKS6_E_FAMILY;
    }
}

int
socks6_addr_set_name (struct socks6_addr *addr, const char *name,
                      size_t len, uint16_t port)
{
  if (len == 0)
    return SOCKS6_E_NAME_EMPTY;
  if (name == NULL)
    return SOCKS6_E_INVALID;
  if (len > SOCKS6_NAME_MAX)
    return SOCKS6_E_NAME_TOO_LONG;
  if (memchr (name, '\0', len) != NULL)
    return SOCKS6_E_NAME_CHAR;

  addr->type = SOCKS6_ADDR_NAME;
  addr->port = port;
  addr->scope_id = 0;
  addr->u.name.len = len;
  memcpy (addr->u.name.text, name, len);
  addr->u.name.text[len] = '\0';
  return SOCKS6_OK;
}

/* Read a decimal port of 1..65535 from the NUL-terminated TEXT.  */
static int
addr_parse_port (const char *text, uint16_t *port)
{
  unsigned long value = 0;
  size_t i;

  /* Refuses "", "0", "080", "+80" and " 80" in one test.  */
  if (text[0] < '1' || text[0] > '9')
    return SOCKS6_E_PORT;
  for (i = 0; text[i] != '\0'; i++)
    {
      if (!addr_is_digit (text[i]) || i >= 5)
        return SOCKS6_E_PORT;
      value = value * 10 + (text[i] - '0');
    }
  if (value > 65535)
    return SOCKS6_E_PORT;
  *port = value;
  return SOCKS6_OK;
}

/* True if NAME (NUL-terminated) can be written after "%": ASCII
   without the characters Linux refuses in an interface name.  Checked
   before if_nametoindex, which would read "lo:junk" as the alias
   syntax and answer for "lo".  */
static bool
addr_is_scope_name (const char *name)
{
  size_t i;

  for (i = 0; name[i] != '\0'; i++)
    {
      unsigned char c = name[i];

      if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '%')
        return false;
    }
  return i > 0 && i <= ADDR_SCOPE_MAX;
}

/* Read the scope of "v6%SCOPE" (LEN octets): a decimal interface index,
   taken as is since the interface may appear later or live in another
   network namespace, or an interface name that must exist now.  */
static int
addr_parse_scope (const char *scope, size_t len, uint32_t *scope_id)
{
  char buf[ADDR_SCOPE_MAX + 1];
  unsigned long long value = 0;
  size_t i;

  if (len == 0 || len > ADDR_SCOPE_MAX)
    return SOCKS6_E_SYNTAX;
  memcpy (buf, scope, len);
  buf[len] = '\0';
  if (!addr_is_scope_name (buf))
    return SOCKS6_E_SYNTAX;

  for (i = 0; i < len && addr_is_digit (buf[i]); i++)
    value = value * 10 + (buf[i] - '0');
  if (i < len)
    value = if_nametoindex (buf);
  else if (value > UINT32_MAX)
    return SOCKS6_E_SYNTAX;
  if (value == 0)
    return SOCKS6_E_NOTFOUND;
  *scope_id = value;
  return SOCKS6_OK;
}

/* Fill ADDR (but its port) from the IPv6 literal TEXT of LEN octets,
   possibly followed by %scope.  */
static int
addr_parse_ipv6 (struct socks6_addr *addr, const char *text, size_t len)
{
  char buf[INET6_ADDRSTRLEN];
  const char *percent = memchr (text, '%', len);
  size_t address_len = percent ? (size_t) (percent - text) : len;
  uint32_t scope_id = 0;

  if (address_len == 0 || address_len >= sizeof buf)
    return SOCKS6_E_SYNTAX;
  memcpy (buf, text, address_len);
  buf[address_len] = '\0';
  if (inet_pton (AF_INET6, buf, addr->u.ipv6) != 1)
    return SOCKS6_E_SYNTAX;
  if (percent != NULL)
    {
      int rc = addr_parse_scope (percent + 1, len - address_len - 1,
                                 &scope_id);
      if (rc != SOCKS6_OK)
        return rc;
    }
  addr->type = SOCKS6_ADDR_IPV6;
  addr->scope_id = scope_id;
  return SOCKS6_OK;
}

/* True if LABEL (LEN octets) is a number as inet_aton would read it
   (decimal, octal, or 0x hexadecimal).  */
static bool
addr_label_is_numeric (const char *label, size_t len)
{
  bool hex = len >= 2 && label[0] == '0'
             && (label[1] == 'x' || label[1] == 'X');
  size_t i;

  if (len == 0)
    return false;
  for (i = hex ? 2 : 0; i < len; i++)
    if (hex ? !addr_is_hex_digit (label[i]) : !addr_is_digit (label[i]))
      return false;
  return true;
}

/* Check the name part of "name:port" as a user wrote it.  Labels with
   non-ASCII octets are left to IDN conversion (name.h) for their length,
   which only the encoded form decides.  A name whose last label is a
   number ("1.2.3.256", "127.1", "0x7f000001") is refused: it is a
   mistyped address, and getaddrinfo would read some of them as one.  */
static int
addr_check_name (const char *name, size_t len)
{
  size_t start = 0, last_start = 0, i;
  bool ascii = true;

  for (i = 0; i <= len; i++)
    {
      unsigned char c = i < len ? name[i] : '.';

      if (c < 0x20 || c == 0x7f)
        return SOCKS6_E_NAME_CHAR;
      if (c == ' ' || c == '[' || c == ']' || c == '%')
        return SOCKS6_E_SYNTAX;
      if (c >= 0x80)
        ascii = false;
      if (c != '.')
        continue;
      if (i == start && !(i == len && i > 0))
        return SOCKS6_E_LABEL_EMPTY;
      if (ascii && i - start > ADDR_LABEL_MAX)
        return SOCKS6_E_LABEL_TOO_LONG;
      if (i > start)
        last_start = start;
      start = i + 1;
      ascii = true;
    }
  if (addr_label_is_numeric (name + last_start,
                             strcspn (name + last_start, ".")))
    return SOCKS6_E_SYNTAX;
  return SOCKS6_OK;
}

/* Fill ADDR (but its port) from the host part of "host:port" (LEN
   octets, not an IPv6 literal): an IPv4 literal or a name.  */
static int
addr_parse_host (struct socks6_addr *addr, const char *host, size_t len)
{
  char buf[SOCKS6_NAME_MAX + 1];
  int rc;

  if (len == 0)
    return SOCKS6_E_SYNTAX;
  if (len > SOCKS6_NAME_MAX)
    return SOCKS6_E_NAME_TOO_LONG;
  memcpy (buf, host, len);
  buf[len] = '\0';
  if (inet_pton (AF_INET, buf, addr->u.ipv4) == 1)
    {
      addr->type = SOCKS6_ADDR_IPV4;
      addr->scope_id = 0;
      return SOCKS6_OK;
    }
  rc = addr_check_name (buf, len);
  if (rc != SOCKS6_OK)
    return rc;
  return socks6_addr_set_name (addr, buf, len, 0);
}

/* Split TEXT into its host, parsed into ADDR, and its port text, or
   NULL when it has none.  */
static int
addr_parse_parts (struct socks6_addr *addr, const char *text,
                  const char **port_text)
{
  const char *colon;

  *port_text = NULL;
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL)
        return SOCKS6_E_SYNTAX;
      if (close[1] == ':')
        *port_text = close + 2;
      else if (close[1] != '\0')
        return SOCKS6_E_SYNTAX;
      return addr_parse_ipv6 (addr, text + 1, close - text - 1);
    }

  colon = strchr (text, ':');
  if (colon != NULL && strchr (colon + 1, ':') != NULL)
    return addr_parse_ipv6 (addr, text, strlen (text));
  if (colon != NULL)
    *port_text = colon + 1;
  return addr_parse_host (addr, text,
                          colon ? (size_t) (colon - text) : strlen (text));
}

int
socks6_addr_parse (struct socks6_addr *addr, const char *text,
                   uint16_t default_port)
{
  struct socks6_addr result;
  const char *port_text;
  int rc;

  if (text == NULL || text[0] == '\0')
    return SOCKS6_E_SYNTAX;
  memset (&result, 0, sizeof result);
  rc = addr_parse_parts (&result, text, &port_text);
  if (rc != SOCKS6_OK)
    return rc;
  if (port_text != NULL)
    rc = addr_parse_port (port_text, &result.port);
  else if (default_port == 0)
    rc = SOCKS6_E_PORT;
  else
    result.port = default_port;
  if (rc != SOCKS6_OK)
    return rc;
  *addr = result;
  return SOCKS6_OK;
}

/* Write the host part of ADDR, without brackets, into BUF.  */
static int
addr_format_host (const struct socks6_addr *addr, char *buf, size_t size)
{
  char ifname[IF_NAMESIZE];
  size_t len;

  switch (addr->type)
    {
    case SOCKS6_ADDR_IPV4:
      return inet_ntop (AF_INET, addr->u.ipv4, buf, size)
             ? SOCKS6_OK : SOCKS6_E_SPACE;
    case SOCKS6_ADDR_IPV6:
      if (inet_ntop (AF_INET6, addr->u.ipv6, buf, size) == NULL)
        return SOCKS6_E_SPACE;
      if (addr->scope_id == 0)
        return SOCKS6_OK;
      len = strlen (buf);
      /* An interface that is gone still has a number worth showing; so
         does one whose name addr_parse could not read back.  */
      if (if_indextoname (addr->scope_id, ifname) != NULL
          && addr_is_scope_name (ifname))
        snprintf (buf + len, size - len, "%%%s", ifname);
      else
        snprintf (buf + len, size - len, "%%%lu",
                  (unsigned long) addr->scope_id);
      return SOCKS6_OK;
    case SOCKS6_ADDR_NAME:
      if (addr->u.name.len >= size)
        return SOCKS6_E_SPACE;
      memcpy (buf, addr->u.name.text, addr->u.name.len);
      buf[addr->u.name.len] = '\0';
      return SOCKS6_OK;
    default:
      return SOCKS6_E_FAMILY;
    }
}

int
socks6_addr_format (const struct socks6_addr *addr, bool with_port,
                    char *buf, size_t size)
{
  char host[SOCKS6_ADDR_TEXT_MAX];
  int rc = addr_format_host (addr, host, sizeof host);
  int n;

  if (rc != SOCKS6_OK)
    return rc;
  if (!with_port)
    n = snprintf (buf, size, "%s", host);
  else if (addr->type == SOCKS6_ADDR_IPV6)
    n = snprintf (buf, size, "[%s]:%u", host, (unsigned) addr->port);
  else
    n = snprintf (buf, size, "%s:%u", host, (unsigned) addr->port);
  if (n < 0 || (size_t) n >= size)
    {
      if (size > 0)
        buf[0] = '\0';
      return SOCKS6_E_SPACE;
    }
  return n;
}

/* Domain names compare without regard to ASCII case, as DNS does.  */
static bool
addr_name_equal (const struct socks6_addr *a, const struct socks6_addr *b)
{
  size_t i;

  if (a->u.name.len != b->u.name.len)
    return false;
  for (i = 0; i < a->u.name.len; i++)
    if (addr_ascii_lower (a->u.name.text[i])
        != addr_ascii_lower (b->u.name.text[i]))
      return false;
  return true;
}

bool
socks6_addr_equal (const struct socks6_addr *a, const struct socks6_addr *b)
{
  if (a->type != b->type || a->port != b->port)
    return false;
  switch (a->type)
    {
    case SOCKS6_ADDR_IPV4:
      return memcmp (a->u.ipv4, b->u.ipv4, 4) == 0;
    case SOCKS6_ADDR_IPV6:
      /* fe80::1%eth0 and fe80::1%eth1 are different hosts.  */
      return memcmp (a->u.ipv6, b->u.ipv6, 16) == 0
             && a->scope_id == b->scope_id;
    case SOCKS6_ADDR_NAME:
      return addr_name_equal (a, b);
    default:
      return true;
    }
}

bool
socks6_addr_parse_literal (struct socks6_addr *addr, const char *text,
                           uint16_t port)
{
  struct socks6_addr result;

  if (text == NULL)
    return false;
  memset (&result, 0, sizeof result);
  if (inet_pton (AF_INET, text, result.u.ipv4) == 1)
    result.type = SOCKS6_ADDR_IPV4;
  else if (addr_parse_ipv6 (&result, text, strlen (text)) != SOCKS6_OK)
    return false;
  result.port = port;
  *addr = result;
  return true;
}

/* ::ffff:0:0/96, where IPv6 sockets show IPv4 peers.  */
static const unsigned char addr_v4mapped[12] = {[10] = 0xff,[11] = 0xff };

/* The IPv4 address in the 16 octets V6 if they are IPv4-mapped, else
   NULL.  */
static const unsigned char *
addr_unmapped (const unsigned char *v6)
{
  return memcmp (v6, addr_v4mapped, sizeof addr_v4mapped) == 0
         ? v6 + sizeof addr_v4mapped : NULL;
}

bool
socks6_addr_raw_is_loopback (int family, const void *raw)
{
  static const unsigned char v6_loopback[16] = {[15] = 1 };
  const unsigned char *v4 = raw;

  if (family == AF_INET6)
    {
      if (memcmp (raw, v6_loopback, sizeof v6_loopback) == 0)
        return true;
      v4 = addr_unmapped (raw);
    }
  else if (family != AF_INET)
    return false;
  return v4 != NULL && v4[0] == 127;
}

bool
socks6_addr_is_loopback (const struct socks6_addr *addr)
{
  switch (addr->type)
    {
    case SOCKS6_ADDR_IPV4:
      return socks6_addr_raw_is_loopback (AF_INET, addr->u.ipv4);
    case SOCKS6_ADDR_IPV6:
      return socks6_addr_raw_is_loopback (AF_INET6, addr->u.ipv6);
    default:
      return false;
    }
}

bool
socks6_addr_is_unspecified (const struct socks6_addr *addr)
{
  static const unsigned char zero[16];
  const unsigned char *v4 = addr->u.ipv4;

  if (addr->type == SOCKS6_ADDR_IPV6)
    {
      if (memcmp (addr->u.ipv6, zero, sizeof zero) == 0)
        return true;
      v4 = addr_unmapped (addr->u.ipv6);
    }
  else if (addr->type != SOCKS6_ADDR_IPV4)
    return false;
  return v4 != NULL && memcmp (v4, zero, 4) == 0;
}

const char *
socks6_addr_type_name (enum socks6_addr_type type)
{
  switch (type)
    {
    case SOCKS6_ADDR_IPV4:
      return "IPv4";
    case SOCKS6_ADDR_IPV6:
      return "IPv6";
    case SOCKS6_ADDR_NAME:
      /* TRANSLATORS: the kind of a destination given as a domain name
         rather than as an IPv4 or IPv6 address.  */
      return _("name");
    default:
      /* TRANSLATORS: the kind of an address that is not set.  */
      return _("none");
    }
}
