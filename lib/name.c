/* Domain names between people and the SOCKS 5 field: IDN conversion
   with libidn2 on the way in, a readable and log-safe form on the way
   out, and the checks a gateway applies to what clients send.

   Policy, also described in the manual (node "Names and addresses"):
   - A name written only in ASCII is sent as written, case kept, checked
     only for the wire limits and control characters.  IDNA would refuse
     or silently rewrite real host names such as "_sip._tcp.example" or
     "my_host.lan", which DNS itself allows.
   - A name with non-ASCII characters goes through IDNA 2008 with UTS#46
     processing, non-transitional first, and the result must be made of
     letters, digits, "-", "_" and ".".
   - An IPv4 or IPv6 literal is passed through as text (RFC 3089
     section 3).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "name.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>

#include <idn2.h>

#include "escape.h"

/* Longest label of a domain name, in octets.  */
#define NAME_LABEL_MAX 63

/* Longest input we hand to libidn2.  UTS#46 mapping deletes some code
   points (soft hyphens, variation selectors), so a long input can still
   give a short name; four octets per octet of the field bounds the work
   without refusing any plausible name.  */
#define NAME_INPUT_MAX ((size_t) 4 * SOCKS6_NAME_MAX)

/* Longest scope after "%" in an IPv6 literal: an interface name.  */
#define NAME_SCOPE_MAX (IF_NAMESIZE - 1)

static bool
name_is_control (unsigned char c)
{
  return c < 0x20 || c == 0x7f;
}

static bool
name_is_host_char (unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static unsigned char
name_ascii_lower (unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool
name_ascii_prefix (const char *s, size_t len, const char *prefix)
{
  size_t i;

  for (i = 0; prefix[i] != '\0'; i++)
    if (i >= len || name_ascii_lower (s[i]) != (unsigned char) prefix[i])
      return false;
  return true;
}

int
socks6_name_check_wire (const char *wire, size_t len)
{
  size_t start = 0, i;

  if (len == 0)
    return SOCKS6_E_NAME_EMPTY;
  if (wire == NULL)
    return SOCKS6_E_INVALID;
  if (len > SOCKS6_NAME_MAX)
    return SOCKS6_E_NAME_TOO_LONG;
  for (i = 0; i < len; i++)
    {
      unsigned char c = wire[i];

      if (name_is_control (c))
        return SOCKS6_E_NAME_CHAR;
      if (c != '.')
        continue;
      if (i == start)
        return SOCKS6_E_LABEL_EMPTY;
      if (i - start > NAME_LABEL_MAX)
        return SOCKS6_E_LABEL_TOO_LONG;
      start = i + 1;
    }
  /* The last label; empty only after a trailing dot, which is allowed.  */
  if (len - start > NAME_LABEL_MAX)
    return SOCKS6_E_LABEL_TOO_LONG;
  return SOCKS6_OK;
}

/* True if SCOPE (NUL-terminated) could follow "%" in an IPv6 literal:
   an interface name in ASCII without the characters Linux refuses in
   one (the same rule as lib/addr.c), or an index.  The
   interface need not exist here: the gateway may be on another host.  */
static bool
name_is_scope (const char *scope)
{
  size_t len = strlen (scope), i;

  if (len == 0 || len > NAME_SCOPE_MAX)
    return false;
  for (i = 0; i < len; i++)
    if ((unsigned char) scope[i] <= ' ' || (unsigned char) scope[i] >= 0x7f
        || strchr ("/:%", scope[i]) != NULL)
      return false;
  return true;
}

bool
socks6_name_is_literal (const char *text)
{
  unsigned char binary[16];
  char address[INET6_ADDRSTRLEN];
  const char *percent;
  size_t len;

  if (text == NULL)
    return false;
  if (inet_pton (AF_INET, text, binary) == 1)
    return true;
  percent = strchr (text, '%');
  if (percent == NULL)
    return inet_pton (AF_INET6, text, binary) == 1;
  len = percent - text;
  if (len == 0 || len >= sizeof address || !name_is_scope (percent + 1))
    return false;
  memcpy (address, text, len);
  address[len] = '\0';
  return inet_pton (AF_INET6, address, binary) == 1;
}

/* Run libidn2's lookup conversion on INPUT with IDN2_FLAGS.  */
static int
name_idn2_lookup (const char *input, int flags, int idn2_flags,
                  char **result)
{
  if (flags & SOCKS6_NAME_LOCALE)
    return idn2_lookup_ul (input, result, idn2_flags);
  return idn2_lookup_u8 ((const uint8_t *) input, (uint8_t **) result,
                         idn2_flags);
}

/* Convert INPUT to its A-label form in *RESULT (to be freed with
   idn2_free), returning libidn2's code.  */
static int
name_idna_encode (const char *input, int flags, char **result)
{
  int rc;

  *result = NULL;
  rc = name_idn2_lookup (input, flags, IDN2_NONTRANSITIONAL, result);
  /* Some names registered under IDNA 2003 are invalid under IDNA 2008:
     symbols such as U+2665 in "i\u2665.ws", or a joiner (U+200C, U+200D)
     that 2003 deleted and 2008 allows only in context.  Browsers and
     wget2 still reach them, through UTS#46 transitional processing, so we
     retry that way for these errors only.  libidn2's transitional mode
     skips the bidi rule, which UTS#46 applies in both modes, so a bidi
     violation (or any other error) is final.  */
  if (rc == IDN2_DISALLOWED || rc == IDN2_CONTEXTJ)
    {
      int first = rc;

      rc = name_idn2_lookup (input, flags, IDN2_TRANSITIONAL, result);
      if (rc != IDN2_OK)
        rc = first;
    }
  return rc;
}

/* Map a libidn2 error to ours.  */
static int
name_idn2_error (int rc)
{
  switch (rc)
    {
    case IDN2_MALLOC:
      return SOCKS6_E_NOMEM;
    case IDN2_NO_CODESET:
    case IDN2_ICONV_FAIL:
    case IDN2_ENCODING_ERROR:
    case IDN2_NFC:
      return SOCKS6_E_CHARSET;
    case IDN2_PUNYCODE_BIG_OUTPUT:
    case IDN2_TOO_BIG_LABEL:
      return SOCKS6_E_LABEL_TOO_LONG;
    case IDN2_TOO_BIG_DOMAIN:
      return SOCKS6_E_NAME_TOO_LONG;
    default:
      return SOCKS6_E_IDNA;
    }
}

/* Convert the non-ASCII name INPUT and copy the result to OUT.  */
static int
name_to_wire_idna (const char *input, int flags,
                   char out[SOCKS6_NAME_MAX + 1], size_t *out_len)
{
  char *encoded;
  size_t len, i;
  int rc = name_idna_encode (input, flags, &encoded);

  if (rc != IDN2_OK)
    return name_idn2_error (rc);
  len = strlen (encoded);
  rc = socks6_name_check_wire (encoded, len);
  /* Without STD3 rules (which would drop "_" silently) UTS#46 maps
     look-alikes such as U+FF0F FULLWIDTH SOLIDUS to "/": refuse what is
     not a host name once encoded.  */
  for (i = 0; rc == SOCKS6_OK && i < len; i++)
    if (!name_is_host_char (encoded[i]))
      rc = SOCKS6_E_IDNA;
  if (rc == SOCKS6_OK)
    {
      memcpy (out, encoded, len + 1);
      *out_len = len;
    }
  idn2_free (encoded);
  return rc;
}

int
socks6_name_to_wire (const char *input, int flags,
                     char out[SOCKS6_NAME_MAX + 1], size_t *out_len)
{
  size_t len, i;
  bool ascii = true;
  int rc;

  if (input == NULL || out == NULL || out_len == NULL)
    return SOCKS6_E_INVALID;
  len = strnlen (input, NAME_INPUT_MAX + 1);
  if (len == 0)
    return SOCKS6_E_NAME_EMPTY;
  if (len > NAME_INPUT_MAX)
    return SOCKS6_E_NAME_TOO_LONG;
  for (i = 0; i < len; i++)
    {
      if (name_is_control (input[i]))
        return SOCKS6_E_NAME_CHAR;
      if ((unsigned char) input[i] >= 0x80)
        ascii = false;
    }
  if (!ascii)
    return name_to_wire_idna (input, flags, out, out_len);

  /* ASCII (literals included): as written.  Every charset a locale may
     use agrees with ASCII on these octets.  */
  rc = socks6_name_check_wire (input, len);
  if (rc != SOCKS6_OK)
    return rc;
  memcpy (out, input, len + 1);
  *out_len = len;
  return SOCKS6_OK;
}

/* Output of socks6_name_to_display: writes what fits, remembers what
   did not.  */
struct name_display
{
  char *out;
  size_t size;
  size_t used;
  bool overflow;
};

static void
name_display_put (struct name_display *d, const char *s, size_t len)
{
  if (d->overflow || len >= d->size - d->used)
    {
      d->overflow = true;
      return;
    }
  memcpy (d->out + d->used, s, len);
  d->used += len;
}

/* Put LABEL (LEN octets) with every octet outside printable ASCII, the
   space, and the backslash that introduces escapes, written as \xHH.  */
static void
name_display_escaped (struct name_display *d, const char *label, size_t len)
{
  char *at = d->out + d->used;

  if (d->overflow)
    return;
  if (socks6_escape (label, len, SOCKS6_ESCAPE_SPACE, at,
                     d->size - d->used) < len)
    d->overflow = true;
  d->used += strlen (at);
}

/* If the A-label LABEL (LEN octets) is valid, return its U-label, to be
   freed with idn2_free, else NULL.  Decoding alone accepts A-labels that
   no registry could issue (one that decodes to U+2488 DIGIT ONE FULL
   STOP shows as "1." and fakes a dot), so the U-label must encode back
   to the same A-label under our own rules.  */
static char *
name_decode_alabel (const char *label, size_t len)
{
  char alabel[NAME_LABEL_MAX + 1];
  char *ulabel = NULL, *again = NULL;
  size_t i;
  bool same;

  if (len > NAME_LABEL_MAX || !name_ascii_prefix (label, len, "xn--"))
    return NULL;
  for (i = 0; i < len; i++)
    if (!name_is_host_char (label[i]) || label[i] == '.')
      return NULL;
  memcpy (alabel, label, len);
  alabel[len] = '\0';
  if (idn2_to_unicode_8z8z (alabel, &ulabel, 0) != IDN2_OK)
    return NULL;
  same = name_idna_encode (ulabel, 0, &again) == IDN2_OK
         && strlen (again) == len;
  for (i = 0; same && i < len; i++)
    same = name_ascii_lower (again[i]) == name_ascii_lower (alabel[i]);
  idn2_free (again);
  if (same)
    return ulabel;
  idn2_free (ulabel);
  return NULL;
}

static void
name_display_label (struct name_display *d, const char *label, size_t len)
{
  char *ulabel = name_decode_alabel (label, len);

  if (ulabel != NULL)
    {
      name_display_put (d, ulabel, strlen (ulabel));
      idn2_free (ulabel);
    }
  else
    name_display_escaped (d, label, len);
}

int
socks6_name_to_display (const char *wire, size_t len, char *out,
                        size_t size)
{
  struct name_display d = { out, size, 0, false };
  size_t start = 0, i;

  if (out == NULL || size == 0)
    return SOCKS6_E_SPACE;
  for (i = 0; wire != NULL && i <= len; i++)
    if (i == len || wire[i] == '.')
      {
        name_display_label (&d, wire + start, i - start);
        if (i < len)
          name_display_put (&d, ".", 1);
        start = i + 1;
      }
  out[d.used] = '\0';
  return d.overflow ? SOCKS6_E_SPACE : SOCKS6_OK;
}
