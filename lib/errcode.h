/* libsocks6 error codes, shared by every module of the library.

   The library never prints and never exits: every function that can fail
   returns one of these values (or a negative one of them), and the
   program's main decides what to say.  socks6_strerror gives the
   translated sentence for a code.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_ERRCODE_H
#define SOCKS6_ERRCODE_H

/* Decoders return SOCKS6_OK when a whole message was decoded,
   SOCKS6_AGAIN when more input is needed, or a negative SOCKS6_E_* code.  */
enum socks6_error
{
  SOCKS6_AGAIN = 1,             /* need more input */
  SOCKS6_OK = 0,
  SOCKS6_E_VERSION = -1,        /* wrong protocol version octet */
  SOCKS6_E_NMETHODS = -2,       /* method list is empty */
  SOCKS6_E_ATYP = -3,           /* unknown address type */
  SOCKS6_E_NAME_EMPTY = -4,     /* domain name of length 0 */
  SOCKS6_E_NAME_TOO_LONG = -5,  /* more than 255 octets once encoded */
  SOCKS6_E_LABEL_TOO_LONG = -6, /* a label of more than 63 octets */
  SOCKS6_E_LABEL_EMPTY = -7,    /* "a..b", ".a" */
  SOCKS6_E_NAME_CHAR = -8,      /* NUL, control character, bad octet */
  SOCKS6_E_IDNA = -9,           /* rejected by IDNA 2008 / UTS#46 */
  SOCKS6_E_SPACE = -10,         /* output buffer too small */
  SOCKS6_E_USER_EMPTY = -11,    /* RFC 1929 ULEN of 0 */
  SOCKS6_E_PASS_EMPTY = -12,    /* RFC 1929 PLEN of 0 */
  SOCKS6_E_RESERVED = -13,      /* reserved octet not zero */
  SOCKS6_E_SYNTAX = -14,        /* bad "host:port" text */
  SOCKS6_E_PORT = -15,          /* port missing or out of range */
  SOCKS6_E_FAMILY = -16,        /* address family not usable here */
  SOCKS6_E_RANGE = -17,         /* bad or unusable address range */
  SOCKS6_E_NOMEM = -18,         /* out of memory */
  SOCKS6_E_FULL = -19,          /* table full, nothing can be recycled */
  SOCKS6_E_NOTFOUND = -20,      /* no such entry */
  SOCKS6_E_CHARSET = -21,       /* input not valid in its character set */
  SOCKS6_E_PROTOCOL = -22,      /* peer broke the protocol otherwise */
  SOCKS6_E_METHOD = -23,        /* no acceptable authentication method */
  SOCKS6_E_AUTH = -24,          /* authentication failed */
  SOCKS6_E_REPLY = -25,         /* server answered with a failure reply */
  SOCKS6_E_INVALID = -26        /* invalid argument */
};

/* Return the translated description of CODE, never NULL.  */
extern const char *socks6_strerror (int code);

#endif /* SOCKS6_ERRCODE_H */
