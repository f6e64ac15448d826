/* Domain names as SOCKS 5 carries them (ATYP=DOMAINNAME): from what a user
   or a program gives (UTF-8, or the locale's charset) to the octets on the
   wire, with IDNA 2008 and UTS#46 processing (libidn2), and back to a
   readable form for logs and diagnostics.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_NAME_H
#define SOCKS6_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "errcode.h"

/* Flags for socks6_name_to_wire.  */
enum
{
  SOCKS6_NAME_LOCALE = 1 << 0   /* INPUT is in the locale's charset, not UTF-8 */
};

/* Convert the NUL-terminated INPUT to the ASCII (A-label) form carried in
   the SOCKS 5 field, into OUT (SOCKS6_NAME_MAX + 1 bytes), NUL-terminated,
   its length in *OUT_LEN.  A literal IPv4 or IPv6 address is passed through
   as text, unchanged (RFC 3089 section 3).  A trailing dot is kept.
   Enforces: 1..255 octets, labels of 1..63 octets, no NUL or control
   characters.  Return SOCKS6_OK or SOCKS6_E_NAME_*, SOCKS6_E_LABEL_*,
   SOCKS6_E_IDNA, SOCKS6_E_CHARSET.  */
extern int socks6_name_to_wire (const char *input, int flags,
                                char out[SOCKS6_NAME_MAX + 1],
                                size_t *out_len);

/* Longest text socks6_name_to_display can produce, with its NUL: every
   octet escaped as \xHH (a U-label is never longer than that).  */
#define SOCKS6_NAME_DISPLAY_MAX (4 * SOCKS6_NAME_MAX + 1)

/* Convert WIRE (LEN octets, as received) to a readable UTF-8 form for
   display (U-labels where the A-labels are valid, otherwise the octets with
   unprintable ones escaped as \xHH) into OUT of SIZE bytes.  Never fails
   on bad input; returns SOCKS6_OK or SOCKS6_E_SPACE (OUT then holds
   what fitted, NUL-terminated).  SOCKS6_NAME_DISPLAY_MAX is always
   enough.  */
extern int socks6_name_to_display (const char *wire, size_t len,
                                   char *out, size_t size);

/* Check that WIRE (LEN octets) is acceptable in a request as a name:
   1..255 octets, no NUL or control octet, labels of 1..63 octets (a
   trailing dot allowed).  Return SOCKS6_OK or the error.  Used by the
   gateway on what clients send.  */
extern int socks6_name_check_wire (const char *wire, size_t len);

/* True if TEXT is an IPv4 or IPv6 literal (IPv6 possibly with %scope).  */
extern bool socks6_name_is_literal (const char *text);

#endif /* SOCKS6_NAME_H */
