/* SOCKS 5 wire codec: the decoders and encoders of every message of
   RFC 1928 and RFC 1929, as declared in socks5.h.  Everything a socks6
   program reads from or writes to a SOCKS peer passes through here, so
   the rules of the wire live in one place.

   Decoders check each octet as soon as it is present: a bad version, an
   empty method list or an unknown address type is reported from the first
   bytes, without waiting for the rest of a message that can never be
   valid.  They write to *OUT only when they return SOCKS6_OK.

   Names (ATYP=DOMAINNAME): the decoders reject a length of 0, which RFC
   1928 cannot mean, and a NUL octet, because struct socks6_addr carries
   the name as a C string too and a NUL inside it would let the length and
   the string disagree (a rule matching one while the resolver sees the
   other).  Any other octet is accepted here: the label syntax is checked
   by socks6_name_check_wire (name.h) where a program needs it, since a
   diagnostic tool must be able to see what a peer really sent.  The
   encoders refuse what the decoders refuse, so whatever socks6 writes it
   can read back.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "socks5.h"

#include <string.h>

#include "i18n.h"

/* Octets of ATYP ADDR PORT for each address type, without a name's
   length octet and text.  */
#define IPV4_FIELD_LEN (1 + 4 + 2)
#define IPV6_FIELD_LEN (1 + 16 + 2)
#define NAME_FIELD_LEN(n) (1 + 1 + (size_t) (n) + 2)
/* The shortest ATYP ADDR PORT there is: a name of one octet.  */
#define ADDR_FIELD_MIN NAME_FIELD_LEN (1)

static uint16_t
read_port (const uint8_t *p)
{
  return (uint16_t) ((p[0] << 8) | p[1]);
}

static uint8_t *
write_port (uint8_t *p, uint16_t port)
{
  p[0] = (uint8_t) (port >> 8);
  p[1] = (uint8_t) (port & 0xff);
  return p + 2;
}

/* Return the total message length once the address field starting at
   OFF (its ATYP octet) is complete, as far as BUF[0..LEN) tells: the
   least possible value while ATYP or a name's length is missing.  Return
   a SOCKS6_E_* code if what is there can never become valid.  */
static ssize_t
address_field_end (const uint8_t *buf, size_t len, size_t off)
{
  if (len <= off)
    return (ssize_t) (off + ADDR_FIELD_MIN);
  switch (buf[off])
    {
    case SOCKS6_ADDR_IPV4:
      return (ssize_t) (off + IPV4_FIELD_LEN);
    case SOCKS6_ADDR_IPV6:
      return (ssize_t) (off + IPV6_FIELD_LEN);
    case SOCKS6_ADDR_NAME:
      if (len <= off + 1)
        return (ssize_t) (off + ADDR_FIELD_MIN);
      if (buf[off + 1] == 0)
        return SOCKS6_E_NAME_EMPTY;
      return (ssize_t) (off + NAME_FIELD_LEN (buf[off + 1]));
    default:
      return SOCKS6_E_ATYP;
    }
}

/* Fill ADDR from the complete address field at P.  */
static int
read_address (const uint8_t *p, struct socks6_addr *addr)
{
  struct socks6_addr a;
  size_t addr_len;

  memset (&a, 0, sizeof a);
  a.type = (enum socks6_addr_type) p[0];
  switch (a.type)
    {
    case SOCKS6_ADDR_IPV4:
      memcpy (a.u.ipv4, p + 1, 4);
      addr_len = 4;
      break;
    case SOCKS6_ADDR_IPV6:
      memcpy (a.u.ipv6, p + 1, 16);
      addr_len = 16;
      break;
    default:                    /* SOCKS6_ADDR_NAME: checked by the caller */
      a.u.name.len = p[1];
      if (memchr (p + 2, '\0', a.u.name.len) != NULL)
        return SOCKS6_E_NAME_CHAR;
      memcpy (a.u.name.text, p + 2, a.u.name.len);
      addr_len = 1 + (size_t) a.u.name.len;
      break;
    }
  a.port = read_port (p + 1 + addr_len);
  *addr = a;
  return SOCKS6_OK;
}

/* Decode the address field at OFF of a message whose first OFF octets
   were already checked.  */
static int
decode_address (const uint8_t *buf, size_t len, size_t off,
                struct socks6_addr *addr, size_t *consumed)
{
  ssize_t end = address_field_end (buf, len, off);

  if (end < 0)
    return (int) end;
  if (len < (size_t) end)
    {
      *consumed = (size_t) end;
      return SOCKS6_AGAIN;
    }
  int rc = read_address (buf + off, addr);
  if (rc == SOCKS6_OK)
    *consumed = (size_t) end;
  return rc;
}

/* The checks every decoder starts with.  */
static int
check_args (const uint8_t *buf, size_t len, const void *out,
            const size_t *consumed)
{
  return (buf == NULL && len > 0) || out == NULL || consumed == NULL
    ? SOCKS6_E_INVALID : SOCKS6_OK;
}

/* A two-octet message, VER and one value: the method selection reply and
   the RFC 1929 status.  */
static int
decode_pair (const uint8_t *buf, size_t len, uint8_t version,
             uint8_t *value, size_t *consumed)
{
  int rc = check_args (buf, len, value, consumed);

  if (rc != SOCKS6_OK)
    return rc;
  if (len >= 1 && buf[0] != version)
    return SOCKS6_E_VERSION;
  *consumed = 2;
  if (len < 2)
    return SOCKS6_AGAIN;
  *value = buf[1];
  return SOCKS6_OK;
}

int
socks5_decode_greeting (const uint8_t *buf, size_t len,
                        struct socks5_greeting *out, size_t *consumed)
{
  int rc = check_args (buf, len, out, consumed);

  if (rc != SOCKS6_OK)
    return rc;
  if (len >= 1 && buf[0] != SOCKS5_VERSION)
    return SOCKS6_E_VERSION;
  if (len < 2)
    {
      *consumed = 2 + 1;
      return SOCKS6_AGAIN;
    }
  if (buf[1] == 0)
    return SOCKS6_E_NMETHODS;
  *consumed = 2 + (size_t) buf[1];
  if (len < *consumed)
    return SOCKS6_AGAIN;
  out->nmethods = buf[1];
  memcpy (out->methods, buf + 2, buf[1]);
  return SOCKS6_OK;
}

int
socks5_decode_method_reply (const uint8_t *buf, size_t len,
                            uint8_t *method, size_t *consumed)
{
  return decode_pair (buf, len, SOCKS5_VERSION, method, consumed);
}

/* RFC 1929 says ULEN and PLEN are 1 to 255; an empty user name or
   password is refused rather than checked against the password file, so
   that no configuration can be tricked into accepting one.  */
int
socks5_decode_userpass (const uint8_t *buf, size_t len,
                        struct socks5_userpass *out, size_t *consumed)
{
  int rc = check_args (buf, len, out, consumed);

  if (rc != SOCKS6_OK)
    return rc;
  if (len >= 1 && buf[0] != SOCKS5_USERPASS_VERSION)
    return SOCKS6_E_VERSION;
  if (len < 2)
    {
      *consumed = 3 + 1 + 1;
      return SOCKS6_AGAIN;
    }
  size_t ulen = buf[1];
  if (ulen == 0)
    return SOCKS6_E_USER_EMPTY;
  if (len < 2 + ulen + 1)
    {
      *consumed = 3 + ulen + 1;
      return SOCKS6_AGAIN;
    }
  size_t plen = buf[2 + ulen];
  if (plen == 0)
    return SOCKS6_E_PASS_EMPTY;
  *consumed = 3 + ulen + plen;
  if (len < *consumed)
    return SOCKS6_AGAIN;
  out->user_len = (uint8_t) ulen;
  out->pass_len = (uint8_t) plen;
  memcpy (out->user, buf + 2, ulen);
  out->user[ulen] = '\0';
  memcpy (out->pass, buf + 3 + ulen, plen);
  out->pass[plen] = '\0';
  return SOCKS6_OK;
}

int
socks5_decode_userpass_reply (const uint8_t *buf, size_t len,
                              uint8_t *status, size_t *consumed)
{
  return decode_pair (buf, len, SOCKS5_USERPASS_VERSION, status, consumed);
}

/* The request and the reply share one layout: VER, a code, RSV, then the
   address field.  RSV is handed back rather than refused, so that a
   server can be lenient and a conformance checker can complain.  */
static int
decode_request_layout (const uint8_t *buf, size_t len, uint8_t *code,
                       uint8_t *reserved, struct socks6_addr *addr,
                       size_t *consumed)
{
  struct socks6_addr a;
  size_t end = 0;

  if (len >= 1 && buf[0] != SOCKS5_VERSION)
    return SOCKS6_E_VERSION;
  int rc = decode_address (buf, len, 3, &a, &end);
  if (rc < 0)
    return rc;
  *consumed = end;
  if (rc == SOCKS6_AGAIN)
    return rc;
  *code = buf[1];
  *reserved = buf[2];
  *addr = a;
  return SOCKS6_OK;
}

int
socks5_decode_request (const uint8_t *buf, size_t len,
                       struct socks5_request *out, size_t *consumed)
{
  int rc = check_args (buf, len, out, consumed);

  if (rc != SOCKS6_OK)
    return rc;
  return decode_request_layout (buf, len, &out->command, &out->reserved,
                                &out->dst, consumed);
}

int
socks5_decode_reply (const uint8_t *buf, size_t len,
                     struct socks5_reply *out, size_t *consumed)
{
  int rc = check_args (buf, len, out, consumed);

  if (rc != SOCKS6_OK)
    return rc;
  return decode_request_layout (buf, len, &out->reply, &out->reserved,
                                &out->bound, consumed);
}

/* A datagram has no room for a lenient reading: its two RSV octets must
   be zero (RFC 1928 section 7), and there is no field to report them in.
   FRAG is handed back; a gateway that does not reassemble drops the
   datagram when it is not zero, as the RFC allows.  */
int
socks5_decode_udp_header (const uint8_t *buf, size_t len,
                          struct socks5_udp_header *out, size_t *consumed)
{
  struct socks6_addr a;
  size_t end = 0;
  int rc = check_args (buf, len, out, consumed);

  if (rc != SOCKS6_OK)
    return rc;
  if ((len >= 1 && buf[0] != 0) || (len >= 2 && buf[1] != 0))
    return SOCKS6_E_RESERVED;
  rc = decode_address (buf, len, 3, &a, &end);
  if (rc < 0)
    return rc;
  *consumed = end;
  if (rc == SOCKS6_AGAIN)
    return rc;
  out->frag = buf[2];
  out->dst = a;
  return SOCKS6_OK;
}

/* Encoders.  Each checks everything, including the room it needs, before
   it writes its first octet, so a failed call leaves BUF as it was.  */

/* Return the length of ADDR's field (ATYP ADDR PORT), or a SOCKS6_E_*
   code if ADDR cannot be written.  */
static ssize_t
address_field_len (const struct socks6_addr *addr)
{
  if (addr == NULL)
    return SOCKS6_E_INVALID;
  switch (addr->type)
    {
    case SOCKS6_ADDR_IPV4:
      return IPV4_FIELD_LEN;
    case SOCKS6_ADDR_IPV6:
      return IPV6_FIELD_LEN;
    case SOCKS6_ADDR_NAME:
      if (addr->u.name.len == 0)
        return SOCKS6_E_NAME_EMPTY;
      if (memchr (addr->u.name.text, '\0', addr->u.name.len) != NULL)
        return SOCKS6_E_NAME_CHAR;
      return (ssize_t) NAME_FIELD_LEN (addr->u.name.len);
    default:
      return SOCKS6_E_ATYP;
    }
}

/* Write ADDR's field at P, which has room for it.  The IPv6 scope does
   not travel: the wire has no place for it.  */
static uint8_t *
write_address (uint8_t *p, const struct socks6_addr *addr)
{
  *p++ = (uint8_t) addr->type;
  switch (addr->type)
    {
    case SOCKS6_ADDR_IPV4:
      memcpy (p, addr->u.ipv4, 4);
      p += 4;
      break;
    case SOCKS6_ADDR_IPV6:
      memcpy (p, addr->u.ipv6, 16);
      p += 16;
      break;
    default:
      *p++ = addr->u.name.len;
      memcpy (p, addr->u.name.text, addr->u.name.len);
      p += addr->u.name.len;
      break;
    }
  return write_port (p, addr->port);
}

/* Check that BUF of SIZE octets can take NEED octets.  */
static int
check_room (const uint8_t *buf, size_t size, size_t need)
{
  return buf == NULL || size < need ? SOCKS6_E_SPACE : SOCKS6_OK;
}

ssize_t
socks5_encode_greeting (uint8_t *buf, size_t size, const uint8_t *methods,
                        size_t nmethods)
{
  if (nmethods == 0)
    return SOCKS6_E_NMETHODS;
  if (nmethods > 255 || methods == NULL)
    return SOCKS6_E_INVALID;
  if (check_room (buf, size, 2 + nmethods) != SOCKS6_OK)
    return SOCKS6_E_SPACE;
  buf[0] = SOCKS5_VERSION;
  buf[1] = (uint8_t) nmethods;
  memcpy (buf + 2, methods, nmethods);
  return (ssize_t) (2 + nmethods);
}

static ssize_t
encode_pair (uint8_t *buf, size_t size, uint8_t version, uint8_t value)
{
  if (check_room (buf, size, 2) != SOCKS6_OK)
    return SOCKS6_E_SPACE;
  buf[0] = version;
  buf[1] = value;
  return 2;
}

ssize_t
socks5_encode_method_reply (uint8_t *buf, size_t size, uint8_t method)
{
  return encode_pair (buf, size, SOCKS5_VERSION, method);
}

ssize_t
socks5_encode_userpass (uint8_t *buf, size_t size, const char *user,
                        size_t user_len, const char *pass, size_t pass_len)
{
  if (user_len == 0)
    return SOCKS6_E_USER_EMPTY;
  if (pass_len == 0)
    return SOCKS6_E_PASS_EMPTY;
  if (user == NULL || pass == NULL || user_len > 255 || pass_len > 255)
    return SOCKS6_E_INVALID;
  size_t need = 3 + user_len + pass_len;
  if (check_room (buf, size, need) != SOCKS6_OK)
    return SOCKS6_E_SPACE;
  buf[0] = SOCKS5_USERPASS_VERSION;
  buf[1] = (uint8_t) user_len;
  memcpy (buf + 2, user, user_len);
  buf[2 + user_len] = (uint8_t) pass_len;
  memcpy (buf + 3 + user_len, pass, pass_len);
  return (ssize_t) need;
}

ssize_t
socks5_encode_userpass_reply (uint8_t *buf, size_t size, uint8_t status)
{
  return encode_pair (buf, size, SOCKS5_USERPASS_VERSION, status);
}

/* Write the three octets FIRST SECOND THIRD then ADDR's field: the layout
   of the request, the reply and the UDP header.  */
static ssize_t
encode_with_address (uint8_t *buf, size_t size, uint8_t first,
                     uint8_t second, uint8_t third,
                     const struct socks6_addr *addr)
{
  ssize_t field = address_field_len (addr);

  if (field < 0)
    return field;
  if (check_room (buf, size, 3 + (size_t) field) != SOCKS6_OK)
    return SOCKS6_E_SPACE;
  buf[0] = first;
  buf[1] = second;
  buf[2] = third;
  return write_address (buf + 3, addr) - buf;
}

ssize_t
socks5_encode_request (uint8_t *buf, size_t size, uint8_t command,
                       const struct socks6_addr *dst)
{
  return encode_with_address (buf, size, SOCKS5_VERSION, command, 0, dst);
}

ssize_t
socks5_encode_reply (uint8_t *buf, size_t size, uint8_t reply,
                     const struct socks6_addr *bound)
{
  return encode_with_address (buf, size, SOCKS5_VERSION, reply, 0, bound);
}

ssize_t
socks5_encode_udp_header (uint8_t *buf, size_t size, uint8_t frag,
                          const struct socks6_addr *dst)
{
  return encode_with_address (buf, size, 0, 0, frag, dst);
}

/* Protocol keywords, as the RFCs and Tor spell them: not translated,
   since a user looks them up as they are.  */
const char *
socks5_command_name (uint8_t command)
{
  switch (command)
    {
    case SOCKS5_CMD_CONNECT:
      return "CONNECT";
    case SOCKS5_CMD_BIND:
      return "BIND";
    case SOCKS5_CMD_UDP_ASSOCIATE:
      return "UDP ASSOCIATE";
    case SOCKS5_CMD_RESOLVE:
      return "RESOLVE";
    case SOCKS5_CMD_RESOLVE_PTR:
      return "RESOLVE_PTR";
    default:
      return NULL;
    }
}

const char *
socks5_method_name (uint8_t method)
{
  switch (method)
    {
    case SOCKS5_METHOD_NONE:
      /* TRANSLATORS: a SOCKS 5 authentication method.  */
      return _("no authentication");
    case SOCKS5_METHOD_GSSAPI:
      return _("GSS-API");
    case SOCKS5_METHOD_USERPASS:
      /* TRANSLATORS: a SOCKS 5 authentication method (RFC 1929).  */
      return _("username/password");
    case SOCKS5_METHOD_UNACCEPTABLE:
      /* TRANSLATORS: the server's answer when it accepts none of the
         authentication methods the client offered.  */
      return _("no acceptable methods");
    default:
      return NULL;
    }
}
