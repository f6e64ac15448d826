/* The sentences for libsocks6's error codes (errcode.h).  The library only
   returns codes; a program turns one into words with socks6_strerror when
   it decides to tell the user, in the user's language.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "errcode.h"

#include <stddef.h>

#include "i18n.h"

/* Indexed by -CODE: the SOCKS6_E_* codes are dense from -1.  A code added
   to error.h without its sentence here comes out as "unknown error",
   which the unit test looks for.  */
static const char *const error_messages[] = {
  [-SOCKS6_E_VERSION] = N_("unsupported protocol version"),
  [-SOCKS6_E_NMETHODS] = N_("empty list of authentication methods"),
  [-SOCKS6_E_ATYP] = N_("unknown address type"),
  [-SOCKS6_E_NAME_EMPTY] = N_("empty domain name"),
  [-SOCKS6_E_NAME_TOO_LONG] = N_("domain name longer than 255 octets"),
  [-SOCKS6_E_LABEL_TOO_LONG] = N_("domain name label longer than 63 octets"),
  [-SOCKS6_E_LABEL_EMPTY] = N_("empty label in domain name"),
  [-SOCKS6_E_NAME_CHAR] = N_("invalid character in domain name"),
  [-SOCKS6_E_IDNA] = N_("domain name rejected by IDNA rules"),
  [-SOCKS6_E_SPACE] = N_("buffer too small"),
  [-SOCKS6_E_USER_EMPTY] = N_("empty user name"),
  [-SOCKS6_E_PASS_EMPTY] = N_("empty password"),
  [-SOCKS6_E_RESERVED] = N_("reserved field is not zero"),
  [-SOCKS6_E_SYNTAX] = N_("invalid address syntax"),
  [-SOCKS6_E_PORT] = N_("port missing or out of range"),
  [-SOCKS6_E_FAMILY] = N_("address family not usable here"),
  [-SOCKS6_E_RANGE] = N_("invalid or unusable address range"),
  [-SOCKS6_E_NOMEM] = N_("out of memory"),
  [-SOCKS6_E_FULL] = N_("table full"),
  [-SOCKS6_E_NOTFOUND] = N_("no such entry"),
  [-SOCKS6_E_CHARSET] = N_("invalid text in the input character set"),
  [-SOCKS6_E_PROTOCOL] = N_("protocol violation by the peer"),
  [-SOCKS6_E_METHOD] = N_("no acceptable authentication method"),
  [-SOCKS6_E_AUTH] = N_("authentication failed"),
  [-SOCKS6_E_REPLY] = N_("the SOCKS server reported a failure"),
  [-SOCKS6_E_INVALID] = N_("invalid argument"),
};

const char *
socks6_strerror (int code)
{
  switch (code)
    {
    case SOCKS6_OK:
      return _("success");
    case SOCKS6_AGAIN:
      return _("incomplete message, more input needed");
    default:
      break;
    }
  if (code < 0
      && (size_t) -(long) code < sizeof error_messages / sizeof *error_messages
      && error_messages[-code] != NULL)
    return _(error_messages[-code]);
  return _("unknown error");
}
