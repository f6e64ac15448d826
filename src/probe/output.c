/* socks6-probe's output: readable lines for a person, or, with --json,
   one JSON object written as the steps happen (so a probe cut short by a
   timeout still leaves everything it learnt), and the hex dump of the
   wire bytes that -v asks for.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "probe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

/* JSON nesting: whether the current container has a member yet.  */
static bool json_has_member[32];
static int json_depth = -1;

void
probe_say (const char *step, const char *format, ...)
{
  va_list ap;

  if (probe_opt.json)
    return;
  if (step)
    printf ("%s: ", step);
  va_start (ap, format);
  vprintf (format, ap);
  va_end (ap);
  putchar ('\n');
}

/* Write S as a JSON string: quotes, escapes, and octets that are not
   printable ASCII as \u00XX, so the output is valid whatever a server
   sent.  */
static void
json_quote (const char *s, size_t len)
{
  size_t i;

  putchar ('"');
  for (i = 0; i < len; i++)
    {
      unsigned char c = s[i];
      if (c == '"' || c == '\\')
        printf ("\\%c", c);
      else if (c == '\n')
        fputs ("\\n", stdout);
      else if (c == '\r')
        fputs ("\\r", stdout);
      else if (c == '\t')
        fputs ("\\t", stdout);
      else if (c < 0x20 || c >= 0x7f)
        printf ("\\u%04x", c);
      else
        putchar (c);
    }
  putchar ('"');
}

/* Start a member named KEY (NULL inside an array).  */
static bool
json_member (const char *key)
{
  if (!probe_opt.json)
    return false;
  if (json_depth >= 0)
    {
      if (json_has_member[json_depth])
        putchar (',');
      json_has_member[json_depth] = true;
    }
  if (key && json_depth >= 0)
    {
      json_quote (key, strlen (key));
      putchar (':');
    }
  return true;
}

static void
json_open (const char *key, char bracket)
{
  if (!json_member (key))
    return;
  putchar (bracket);
  if (json_depth + 1 < (int) (sizeof json_has_member
                              / sizeof json_has_member[0]))
    json_has_member[++json_depth] = false;
}

static void
json_close (char bracket)
{
  if (!probe_opt.json)
    return;
  putchar (bracket);
  json_depth--;
  if (json_depth < 0)
    putchar ('\n');
}

void
probe_json_begin (const char *key)
{
  json_open (key, '{');
}

void
probe_json_begin_array (const char *key)
{
  json_open (key, '[');
}

void
probe_json_end (void)
{
  json_close ('}');
}

void
probe_json_end_array (void)
{
  json_close (']');
}

void
probe_json_string (const char *key, const char *value)
{
  if (!json_member (key))
    return;
  if (value)
    json_quote (value, strlen (value));
  else
    fputs ("null", stdout);
}

void
probe_json_bytes (const char *key, const uint8_t *buf, size_t len)
{
  if (json_member (key))
    json_quote ((const char *) buf, len);
}

void
probe_json_int (const char *key, long value)
{
  if (json_member (key))
    printf ("%ld", value);
}

void
probe_json_ms (const char *key, double ms)
{
  if (json_member (key))
    printf ("%.3f", ms);
}

void
probe_json_bool (const char *key, bool value)
{
  if (json_member (key))
    fputs (value ? "true" : "false", stdout);
}

void
probe_json_null (const char *key)
{
  if (json_member (key))
    fputs ("null", stdout);
}

/* In JSON mode the dump goes to stderr, so stdout stays one object.  */
void
probe_wire (bool outgoing, const uint8_t *buf, size_t len)
{
  FILE *out = probe_opt.json ? stderr : stdout;
  size_t i;

  if (probe_opt.verbose < 1 || len == 0)
    return;
  for (i = 0; i < len; i++)
    {
      if (i % 16 == 0)
        fprintf (out, "%s  %s", i ? "\n" : "", outgoing ? ">" : "<");
      fprintf (out, " %02x", buf[i]);
    }
  fputc ('\n', out);
}
