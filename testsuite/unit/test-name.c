/* Unit tests of lib/name.c: IDN conversion to the SOCKS 5 field, the
   wire limits, literals, input in the locale's charset, and the display
   form of what a peer sent.  Run by testsuite/libsocks6.tests/name.exp.
   Non-ASCII text is written as UTF-8 octet escapes so that the file
   reads the same in any editor; each string says what it is.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <locale.h>
#include <string.h>

#include "name.h"
#include "unit.h"

/* 日本語 (Japanese, "Japanese language").  */
#define NIHONGO "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"
/* ü */
#define U_UMLAUT "\xc3\xbc"

static void
check_wire (const char *input, int flags, const char *expect)
{
  char out[SOCKS6_NAME_MAX + 1];
  size_t len = 0;
  int rc = socks6_name_to_wire (input, flags, out, &len);

  UNIT_CHECK (rc == SOCKS6_OK && len == strlen (expect)
              && strcmp (out, expect) == 0,
              "to_wire \"%s\" gives \"%s\" (rc %d, got \"%s\")", input,
              expect, rc, rc == SOCKS6_OK ? out : "");
}

/* The same, for INPUT in the locale's charset, named WHAT in the
   result since its octets may not be UTF-8.  */
static void
check_wire_locale (const char *what, const char *input, const char *expect)
{
  char out[SOCKS6_NAME_MAX + 1];
  size_t len = 0;
  int rc = socks6_name_to_wire (input, SOCKS6_NAME_LOCALE, out, &len);

  UNIT_CHECK (rc == SOCKS6_OK && len == strlen (expect)
              && strcmp (out, expect) == 0,
              "to_wire %s gives \"%s\" (rc %d)", what, expect, rc);
}

static void
check_wire_error (const char *input, int error, const char *why)
{
  char out[SOCKS6_NAME_MAX + 1];
  size_t len = 0;
  int rc = socks6_name_to_wire (input, 0, out, &len);

  UNIT_CHECK (rc == error, "to_wire refuses %s: rc %d, want %d", why, rc,
              error);
}

static void
test_ascii (void)
{
  char name[2000];

  check_wire ("example.com", 0, "example.com");
  check_wire ("Example.COM", 0, "Example.COM");
  check_wire ("example.com.", 0, "example.com.");
  check_wire ("_sip._tcp.example", 0, "_sip._tcp.example");
  check_wire ("my_host.lan", 0, "my_host.lan");
  check_wire ("localhost", 0, "localhost");
  check_wire ("xn--wgv71a119e.jp", 0, "xn--wgv71a119e.jp");

  check_wire_error ("", SOCKS6_E_NAME_EMPTY, "an empty name");
  check_wire_error (".", SOCKS6_E_LABEL_EMPTY, "the root alone");
  check_wire_error ("a..b", SOCKS6_E_LABEL_EMPTY, "an empty label");
  check_wire_error (".a", SOCKS6_E_LABEL_EMPTY, "a leading dot");
  check_wire_error ("a.b..", SOCKS6_E_LABEL_EMPTY, "two trailing dots");
  check_wire_error ("a\x01" "b", SOCKS6_E_NAME_CHAR, "a control character");
  check_wire_error ("a\x7f" "b", SOCKS6_E_NAME_CHAR, "DEL");
  check_wire_error ("a\nb", SOCKS6_E_NAME_CHAR, "a newline");

  memset (name, 'a', 64);
  strcpy (name + 64, ".example");
  check_wire_error (name, SOCKS6_E_LABEL_TOO_LONG, "a label of 64 octets");
  memmove (name + 63, name + 64, strlen (name + 64) + 1);
  check_wire (name, 0, name);

  memset (name, 'a', 255);
  for (size_t i = 60; i < 255; i += 61)
    name[i] = '.';
  name[255] = '\0';
  check_wire (name, 0, name);
  name[255] = 'a';
  name[256] = '\0';
  check_wire_error (name, SOCKS6_E_NAME_TOO_LONG, "256 octets");
  memset (name, 'a', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  check_wire_error (name, SOCKS6_E_NAME_TOO_LONG, "1999 octets");
}

static void
test_literals (void)
{
  check_wire ("192.0.2.1", 0, "192.0.2.1");
  check_wire ("2001:db8::1", 0, "2001:db8::1");
  check_wire ("2001:DB8::1", 0, "2001:DB8::1");
  check_wire ("fe80::1%eth0", 0, "fe80::1%eth0");
  check_wire ("::ffff:192.0.2.1", 0, "::ffff:192.0.2.1");

  UNIT_CHECK (socks6_name_is_literal ("192.0.2.1"), "IPv4 is a literal");
  UNIT_CHECK (socks6_name_is_literal ("::1"), "::1 is a literal");
  UNIT_CHECK (socks6_name_is_literal ("fe80::1%eth0.100"),
              "IPv6 with a VLAN interface scope is a literal");
  UNIT_CHECK (socks6_name_is_literal ("fe80::1%7"),
              "IPv6 with a numeric scope is a literal");
  UNIT_CHECK (!socks6_name_is_literal ("fe80::1%"), "empty scope");
  UNIT_CHECK (!socks6_name_is_literal ("fe80::1%a/b"), "slash in scope");
  UNIT_CHECK (!socks6_name_is_literal ("fe80::1%abcdefghijklmnop"),
              "scope longer than an interface name");
  UNIT_CHECK (!socks6_name_is_literal ("1.2.3.4%eth0"), "scope on IPv4");
  UNIT_CHECK (!socks6_name_is_literal ("1.2.3"), "\"1.2.3\"");
  UNIT_CHECK (!socks6_name_is_literal ("[::1]"), "brackets");
  UNIT_CHECK (!socks6_name_is_literal ("example.com"), "a name");
  UNIT_CHECK (!socks6_name_is_literal (NULL), "NULL");
}

static void
test_idn (void)
{
  check_wire (NIHONGO ".jp", 0, "xn--wgv71a119e.jp");
  /* 日本語。jp: U+3002 IDEOGRAPHIC FULL STOP separates labels too.  */
  check_wire (NIHONGO "\xe3\x80\x82jp", 0, "xn--wgv71a119e.jp");
  /* straße.de: non-transitional keeps ß (transitional gives strasse).  */
  check_wire ("stra\xc3\x9f" "e.de", 0, "xn--strae-oqa.de");
  /* Bücher.DE: case folded by UTS#46 mapping.  */
  check_wire ("B" U_UMLAUT "cher.DE", 0, "xn--bcher-kva.de");
  check_wire ("b" U_UMLAUT "cher.de.", 0, "xn--bcher-kva.de.");
  check_wire ("_sip._tcp.b" U_UMLAUT "cher.de", 0,
              "_sip._tcp.xn--bcher-kva.de");
  /* ς (final sigma) stays itself in non-transitional processing.  */
  check_wire ("\xcf\x82.gr", 0, "xn--3xa.gr");
  /* Arabic, right to left, valid under the bidi rule.  */
  check_wire ("\xd9\x85\xd8\xb5\xd8\xb1.eg", 0, "xn--wgbh1c.eg");
  /* i♥.ws: U+2665 is valid only under IDNA 2003, so the transitional
     retry takes it.  */
  check_wire ("i\xe2\x99\xa5.ws", 0, "xn--i-n3p.ws");
  /* pаypal.com with U+0430 CYRILLIC SMALL LETTER A: IDNA itself does not
     refuse mixed Latin and Cyrillic; registries and browsers do.  */
  check_wire ("p\xd0\xb0ypal.com", 0, "xn--pypal-4ve.com");
}

static void
test_idn_errors (void)
{
  char name[1200];

  /* aא.com: Latin and Hebrew in one label breaks the bidi rule.  */
  check_wire_error ("a\xd7\x90.com", SOCKS6_E_IDNA,
                    "mixed Latin and Hebrew (bidi rule)");
  /* ١٢a.com: Arabic-Indic digits then Latin.  */
  check_wire_error ("\xd9\xa1\xd9\xa2" "a.com", SOCKS6_E_IDNA,
                    "Arabic digits before Latin (bidi rule)");
  check_wire_error ("\xee\x80\x80.de", SOCKS6_E_IDNA,
                    "a private use code point (U+E000)");
  check_wire_error ("\xcc\x81" "a.de", SOCKS6_E_IDNA,
                    "a leading combining mark");
  check_wire_error ("-b" U_UMLAUT "cher.de", SOCKS6_E_IDNA,
                    "a leading hyphen in an IDN");
  check_wire_error ("ab--b" U_UMLAUT "cher.de", SOCKS6_E_IDNA,
                    "hyphens in positions 3 and 4");
  check_wire_error ("xn--abc.b" U_UMLAUT "cher.de", SOCKS6_E_IDNA,
                    "an invalid A-label beside a U-label");
  check_wire_error ("evil.com\xef\xbc\x8f" "foo.b" U_UMLAUT "cher.de",
                    SOCKS6_E_IDNA, "U+FF0F mapped to a slash");
  check_wire_error ("a\xe3\x80\x80" "b.b" U_UMLAUT "cher.de",
                    SOCKS6_E_IDNA, "U+3000 mapped to a space");
  check_wire_error ("\xff\xfe.de", SOCKS6_E_CHARSET, "invalid UTF-8");
  check_wire_error ("a\xc3.de", SOCKS6_E_CHARSET, "truncated UTF-8");
  check_wire_error ("b" U_UMLAUT "\x01" "cher.de", SOCKS6_E_NAME_CHAR,
                    "a control character in an IDN");
  check_wire_error ("\xc2\xad.de", SOCKS6_E_LABEL_EMPTY,
                    "a label that mapping empties (soft hyphen)");
  check_wire_error ("b" U_UMLAUT "cher..de", SOCKS6_E_LABEL_EMPTY,
                    "an empty label in an IDN");

  /* Too long once encoded: 60 Japanese characters are 180 octets of
     UTF-8 but more than 63 once in Punycode.  */
  name[0] = '\0';
  for (int i = 0; i < 20; i++)
    strcat (name, NIHONGO);
  strcat (name, ".jp");
  check_wire_error (name, SOCKS6_E_LABEL_TOO_LONG,
                    "a label of 60 Japanese characters");

  /* Nine labels of 15 characters, 29 octets each once encoded: 269.  */
  name[0] = '\0';
  for (int i = 0; i < 9; i++)
    strcat (name, NIHONGO NIHONGO NIHONGO NIHONGO NIHONGO ".");
  strcat (name, "jp");
  check_wire_error (name, SOCKS6_E_NAME_TOO_LONG,
                    "a name of 269 octets once encoded");

  /* Mapping deletes soft hyphens, but the input is bounded first.  */
  strcpy (name, "b" U_UMLAUT "cher");
  for (int i = 0; i < 520; i++)
    strcat (name, "\xc2\xad");
  strcat (name, ".de");
  check_wire_error (name, SOCKS6_E_NAME_TOO_LONG, "1050 octets of input");
}

/* An IDN encodes to at most 253 octets (254 with a trailing dot), the
   limit of DNS that libidn2 applies.  */
static void
test_idn_length_limit (void)
{
  char name[300], expect[300], label[64];
  size_t len;

  strcpy (name, "b" U_UMLAUT "cher");
  strcpy (expect, "xn--bcher-kva");
  while ((len = strlen (expect)) < 253)
    {
      size_t n = 253 - len - 1 > 60 ? 60 : 253 - len - 1;

      memset (label, 'a', n);
      label[n] = '\0';
      strcat (strcat (name, "."), label);
      strcat (strcat (expect, "."), label);
    }
  check_wire (name, 0, expect);
  strcat (name, ".");
  strcat (expect, ".");
  check_wire (name, 0, expect);
  name[strlen (name) - 1] = 'a';
  check_wire_error (name, SOCKS6_E_NAME_TOO_LONG,
                    "an IDN of 254 octets without trailing dot");
}

static void
test_locale (void)
{
  /* 日本語 in EUC-JP.  */
  static const char euc_jp[] = "\xc6\xfc\xcb\xdc\xb8\xec.jp";
  static const char *euc_locales[] = { "ja_JP.EUC-JP", "ja_JP.eucJP",
                                       "ja_JP.eucjp", "ja_JP.ujis" };
  char out[SOCKS6_NAME_MAX + 1];
  size_t len;
  int rc;
  bool found = false;

  if (setlocale (LC_ALL, "C.UTF-8") == NULL
      && setlocale (LC_ALL, "C.utf8") == NULL)
    UNIT_UNSUPPORTED ("no C.UTF-8 locale: locale input in UTF-8");
  else
    check_wire_locale ("UTF-8 in C.UTF-8", NIHONGO ".jp",
                       "xn--wgv71a119e.jp");

  for (size_t i = 0; i < sizeof euc_locales / sizeof *euc_locales; i++)
    if (setlocale (LC_ALL, euc_locales[i]) != NULL)
      {
        check_wire_locale ("EUC-JP in ja_JP.EUC-JP", euc_jp,
                           "xn--wgv71a119e.jp");
        found = true;
        break;
      }
  if (!found)
    UNIT_UNSUPPORTED ("no ja_JP.EUC-JP locale: locale input in EUC-JP");

  setlocale (LC_ALL, "C");
  rc = socks6_name_to_wire (NIHONGO ".jp", SOCKS6_NAME_LOCALE, out, &len);
  UNIT_CHECK (rc == SOCKS6_E_CHARSET,
              "non-ASCII input in the C locale is a charset error (%d)", rc);
  check_wire_locale ("ASCII in the C locale", "Example.com", "Example.com");
}

static void
check_display (const char *wire, size_t len, const char *expect)
{
  char out[SOCKS6_NAME_DISPLAY_MAX];
  int rc = socks6_name_to_display (wire, len, out, sizeof out);

  UNIT_CHECK (rc == SOCKS6_OK && strcmp (out, expect) == 0,
              "display is \"%s\" (rc %d, got \"%s\")", expect, rc, out);
}

static void
test_display (void)
{
  char wire[SOCKS6_NAME_MAX], out[SOCKS6_NAME_DISPLAY_MAX];
  int rc;

  check_display ("xn--wgv71a119e.jp", 17, NIHONGO ".jp");
  check_display ("XN--WGV71A119E.JP", 17, NIHONGO ".JP");
  check_display ("xn--strae-oqa.de", 16, "stra\xc3\x9f" "e.de");
  check_display ("_sip._tcp.xn--bcher-kva.de", 26,
                 "_sip._tcp.b" U_UMLAUT "cher.de");
  check_display ("example.com.", 12, "example.com.");
  check_display ("", 0, "");
  /* Punycode that does not decode, and one that decodes to U+2488
     (shown as "1.", a fake dot): both shown as sent.  */
  check_display ("xn--zzzzzzzzzzz.com", 19, "xn--zzzzzzzzzzz.com");
  check_display ("xn--a-ecp.ru", 12, "xn--a-ecp.ru");
  check_display ("xn--.de", 7, "xn--.de");
  /* Garbage octets are escaped, and so is the backslash.  */
  check_display ("a\x01" "b\xff.c\\d e", 10, "a\\x01b\\xff.c\\x5cd\\x20e");
  check_display ("a\0b", 3, "a\\x00b");
  check_display ("\x1b[31mred", 8, "\\x1b[31mred");
  check_display (NIHONGO ".jp", 12,
                 "\\xe6\\x97\\xa5\\xe6\\x9c\\xac\\xe8\\xaa\\x9e.jp");

  memset (wire, 0xff, sizeof wire);
  rc = socks6_name_to_display (wire, sizeof wire, out, sizeof out);
  UNIT_CHECK (rc == SOCKS6_OK && strlen (out) == 4 * SOCKS6_NAME_MAX,
              "255 escaped octets fit SOCKS6_NAME_DISPLAY_MAX (rc %d)", rc);
  rc = socks6_name_to_display ("example.com", 11, out, 8);
  UNIT_CHECK (rc == SOCKS6_E_SPACE && strlen (out) < 8,
              "display into a short buffer is SOCKS6_E_SPACE (rc %d, \"%s\")",
              rc, out);
  rc = socks6_name_to_display ("example.com", 11, out, 12);
  UNIT_CHECK (rc == SOCKS6_OK && strcmp (out, "example.com") == 0,
              "display into an exact buffer (rc %d)", rc);
  rc = socks6_name_to_display ("example.com", 11, out, 0);
  UNIT_CHECK (rc == SOCKS6_E_SPACE, "display into no buffer (rc %d)", rc);
}

static void
test_check_wire (void)
{
  char name[300];
  int rc;

  UNIT_CHECK (socks6_name_check_wire ("example.com", 11) == SOCKS6_OK,
              "check_wire accepts a name");
  UNIT_CHECK (socks6_name_check_wire ("example.com.", 12) == SOCKS6_OK,
              "check_wire accepts a trailing dot");
  UNIT_CHECK (socks6_name_check_wire ("_a.b", 4) == SOCKS6_OK,
              "check_wire accepts an underscore");
  UNIT_CHECK (socks6_name_check_wire ("b\xc3\xbc" "cher.de", 10) == SOCKS6_OK,
              "check_wire leaves non-ASCII octets to the resolver");
  rc = socks6_name_check_wire ("", 0);
  UNIT_CHECK (rc == SOCKS6_E_NAME_EMPTY, "check_wire: empty (%d)", rc);
  rc = socks6_name_check_wire (".", 1);
  UNIT_CHECK (rc == SOCKS6_E_LABEL_EMPTY, "check_wire: root (%d)", rc);
  rc = socks6_name_check_wire ("a..b", 4);
  UNIT_CHECK (rc == SOCKS6_E_LABEL_EMPTY, "check_wire: a..b (%d)", rc);
  rc = socks6_name_check_wire ("a\0b", 3);
  UNIT_CHECK (rc == SOCKS6_E_NAME_CHAR, "check_wire: NUL (%d)", rc);
  rc = socks6_name_check_wire ("a\rb", 3);
  UNIT_CHECK (rc == SOCKS6_E_NAME_CHAR, "check_wire: CR (%d)", rc);
  memset (name, 'a', sizeof name);
  rc = socks6_name_check_wire (name, 64);
  UNIT_CHECK (rc == SOCKS6_E_LABEL_TOO_LONG, "check_wire: 64 (%d)", rc);
  rc = socks6_name_check_wire (name, 63);
  UNIT_CHECK (rc == SOCKS6_OK, "check_wire: label of 63 (%d)", rc);
  for (size_t i = 63; i < sizeof name; i += 64)
    name[i] = '.';
  rc = socks6_name_check_wire (name, 255);
  UNIT_CHECK (rc == SOCKS6_OK, "check_wire: 255 octets (%d)", rc);
  rc = socks6_name_check_wire (name, 256);
  UNIT_CHECK (rc == SOCKS6_E_NAME_TOO_LONG, "check_wire: 256 (%d)", rc);
}

static void
test_round_trip (void)
{
  char out[SOCKS6_NAME_MAX + 1], shown[SOCKS6_NAME_DISPLAY_MAX];
  size_t len;
  int ok = socks6_name_to_wire ("stra\xc3\x9f" "e." NIHONGO, 0, out, &len)
           == SOCKS6_OK
           && socks6_name_to_display (out, len, shown, sizeof shown)
              == SOCKS6_OK
           && strcmp (shown, "stra\xc3\x9f" "e." NIHONGO) == 0;

  UNIT_CHECK (ok, "to_wire then to_display gives the name back");
}

int
main (void)
{
  test_ascii ();
  test_literals ();
  test_idn ();
  test_idn_errors ();
  test_idn_length_limit ();
  test_check_wire ();
  test_display ();
  test_round_trip ();
  test_locale ();
  UNIT_EXIT ();
}
