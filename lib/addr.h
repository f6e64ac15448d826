/* The one address type of the suite: IPv4, IPv6 (with scope) or a domain
   name, plus a port.  It is what a SOCKS 5 request or reply carries
   (DST.ADDR / BND.ADDR) and what every program prints and parses.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_ADDR_H
#define SOCKS6_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

enum socks6_addr_type
{
  SOCKS6_ADDR_NONE = 0,
  SOCKS6_ADDR_IPV4 = 1,         /* same values as the SOCKS 5 ATYP octet */
  SOCKS6_ADDR_NAME = 3,
  SOCKS6_ADDR_IPV6 = 4
};

/* Longest domain name the SOCKS 5 field can carry, in octets.  */
#define SOCKS6_NAME_MAX 255

struct socks6_addr
{
  enum socks6_addr_type type;
  uint16_t port;                /* host byte order */
  uint32_t scope_id;            /* IPv6 only; 0 when none */
  union
  {
    unsigned char ipv4[4];      /* network byte order */
    unsigned char ipv6[16];
    struct
    {
      uint8_t len;              /* 1..255, octets on the wire */
      char text[SOCKS6_NAME_MAX + 1];   /* NUL-terminated copy */
    } name;
  } u;
};

/* A sockaddr big enough and aligned for either family.  */
union socks6_sockaddr
{
  struct sockaddr sa;
  struct sockaddr_in sin;
  struct sockaddr_in6 sin6;
  struct sockaddr_storage ss;
};

/* Longest text socks6_addr_format can produce, with its NUL:
   "[" + name or v6%scope + "]:" + 5 digits.  */
#define SOCKS6_ADDR_TEXT_MAX (SOCKS6_NAME_MAX + 1 + 2 + 2 + 5 + 1)

/* Fill ADDR from SA (AF_INET or AF_INET6).  Return SOCKS6_OK or
   SOCKS6_E_FAMILY.  */
extern int socks6_addr_from_sockaddr (struct socks6_addr *addr,
                                      const struct sockaddr *sa,
                                      socklen_t salen);

/* Fill SS and *SSLEN from ADDR.  A name has no sockaddr: SOCKS6_E_FAMILY.  */
extern int socks6_addr_to_sockaddr (const struct socks6_addr *addr,
                                    union socks6_sockaddr *ss,
                                    socklen_t *sslen);

/* Set ADDR to the domain name NAME (LEN octets, already in wire form).
   Checks only the wire limits (1..255 octets, no NUL).  */
extern int socks6_addr_set_name (struct socks6_addr *addr,
                                 const char *name, size_t len,
                                 uint16_t port);

/* Parse TEXT as "host:port", "[v6]:port", "v6%scope" (then "[v6%scope]:port"
   for a port), "a.b.c.d", or "name".  A missing port becomes DEFAULT_PORT;
   if DEFAULT_PORT is 0 the port is required.  A host that is neither an
   IPv4 nor an IPv6 literal is stored as a name as written (no IDN
   processing: see name.h).  Return SOCKS6_OK, SOCKS6_E_SYNTAX,
   SOCKS6_E_PORT, or a name error.  */
extern int socks6_addr_parse (struct socks6_addr *addr, const char *text,
                              uint16_t default_port);

/* Write ADDR as "1.2.3.4:80", "[::1]:80", "[fe80::1%eth0]:80" or
   "name:80" into BUF of SIZE bytes (SOCKS6_ADDR_TEXT_MAX is always
   enough).  Return the length written without the NUL, or SOCKS6_E_SPACE.
   With WITH_PORT false, only the host is written, without brackets.  */
extern int socks6_addr_format (const struct socks6_addr *addr,
                               bool with_port, char *buf, size_t size);

/* True if both have the same type, address and port.  */
extern bool socks6_addr_equal (const struct socks6_addr *a,
                               const struct socks6_addr *b);

/* If TEXT (NUL-terminated) is an IPv4 or IPv6 literal (IPv6 possibly with
   %scope), fill ADDR with it and PORT and return true.  */
extern bool socks6_addr_parse_literal (struct socks6_addr *addr,
                                       const char *text, uint16_t port);

/* True if ADDR is on the loopback network: 127.0.0.0/8, ::1, or
   ::ffff:127.0.0.0/104 (what a dual-stack socket shows an IPv4 loopback
   peer as).  A name is never loopback here: it is not resolved.  */
extern bool socks6_addr_is_loopback (const struct socks6_addr *addr);

/* The same for the raw address RAW of FAMILY (AF_INET: 4 octets,
   AF_INET6: 16, network byte order), as a sockaddr holds it; false for
   any other family.  */
extern bool socks6_addr_raw_is_loopback (int family, const void *raw);

/* True if ADDR is the unspecified address: 0.0.0.0, :: or
   ::ffff:0.0.0.0.  */
extern bool socks6_addr_is_unspecified (const struct socks6_addr *addr);

/* Address family name for messages: "IPv4", "IPv6" or "name".  */
extern const char *socks6_addr_type_name (enum socks6_addr_type type);

#endif /* SOCKS6_ADDR_H */
