/* Unit tests of socks6d's configuration: the parser (every keyword, every
   error with its line, several errors in one file, the open-relay
   refusal, overlong values), config_print, rule and route matching, and the
   username/password check against a password file made here.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <arpa/inet.h>
#include <crypt.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* auth.h brings socks6d's config.h: a "config.h" named here would be
   found in the build directory, autoconf's.  */
#include "auth.h"
#include "log.h"
#include "socks5.h"
#include "unit.h"

static char tmpdir[PATH_MAX];

/* Write CONTENT (LEN bytes) to NAME in the temporary directory; return its
   path (static buffer).  */
static const char *
write_file_len (const char *name, const char *content, size_t len)
{
  static char path[PATH_MAX + 64];
  FILE *fp;

  snprintf (path, sizeof path, "%s/%s", tmpdir, name);
  fp = fopen (path, "w");
  if (!fp || fwrite (content, 1, len, fp) != len || fclose (fp) != 0)
    {
      perror (path);
      exit (EXIT_FAILURE);
    }
  return path;
}

static const char *
write_file (const char *name, const char *content)
{
  return write_file_len (name, content, strlen (content));
}

/* The errors of the last load, kept for the checks that follow it.  */
static struct config_error *errors;
static size_t n_errors;

static struct config *
load (const char *content)
{
  config_errors_free (errors, n_errors);
  errors = NULL;
  n_errors = 0;
  return config_load (write_file ("test.conf", content), &errors, &n_errors);
}

/* Whether an error at LINE contains TEXT.  */
static bool
has_error (unsigned int line, const char *text)
{
  for (size_t i = 0; i < n_errors; i++)
    if (errors[i].line == line && strstr (errors[i].message, text))
      return true;
  return false;
}

/* Load CONTENT, expected to fail with exactly one error, at LINE and
   containing TEXT.  */
static void
check_error (const char *what, const char *content, unsigned int line,
             const char *text)
{
  struct config *c = load (content);

  UNIT_CHECK (!c && n_errors == 1 && has_error (line, text),
              "error: %s (line %u: %s)%s%s", what, line, text,
              n_errors ? " got: " : "", n_errors ? errors[0].message : "");
  config_unref (c);
}

static void
test_defaults (void)
{
  struct config *c = config_defaults ();
  char text[SOCKS6_ADDR_TEXT_MAX];

  UNIT_CHECK (c && c->n_listen == 2, "defaults: two listeners");
  config_format_listen (&c->listen[0], text, sizeof text);
  UNIT_CHECK (strcmp (text, "127.0.0.1:1080") == 0,
              "defaults: listen 127.0.0.1:1080");
  config_format_listen (&c->listen[1], text, sizeof text);
  UNIT_CHECK (strcmp (text, "[::1]:1080") == 0, "defaults: listen [::1]:1080");
  UNIT_CHECK (c->auth_methods == AUTH_NONE, "defaults: no authentication");
  UNIT_CHECK (c->resolve_policy == RESOLVE_HAPPY_EYEBALLS
              && c->happy_eyeballs_delay_ms == 250,
              "defaults: happy eyeballs, 250 ms");
  UNIT_CHECK (c->handshake_timeout_ms == 10000
              && c->resolve_timeout_ms == 10000
              && c->connect_timeout_ms == 10000 && c->idle_timeout_ms == 0
              && c->drain_timeout_ms == 10000, "defaults: timeouts");
  UNIT_CHECK (c->n_rules == 0 && c->max_sessions == 0 && c->workers == 0
              && !c->user && !c->pid_file && !c->log_target,
              "defaults: no rules, no limits, no user, pid file or log");
  UNIT_CHECK (c->cpu_affinity && c->busy_poll_us == 0,
              "defaults: workers bound to processors, no busy polling");
  struct config *ref = config_ref (c);
  UNIT_CHECK (ref == c && c->refcount == 2, "config_ref counts references");
  config_unref (c);
  UNIT_CHECK (c->refcount == 1, "config_unref counts down");
  config_unref (c);
}

static const char full_config[] =
  "# every keyword\n"
  "listen 127.0.0.1:1081\n"
  "listen [::1]:1082   # a comment after a value\n"
  "listen 127.0.0.2\n"
  "listen ::1\n"
  "\n"
  "auth none\n"
  "auth username password-file \"%s\"\n"
  "resolve prefer-ipv4\n"
  "happy-eyeballs-delay 100ms\n"
  "timeout handshake 5s\n"
  "timeout resolve 3\n"
  "timeout connect 2m\n"
  "timeout idle 1h\n"
  "timeout drain none\n"
  "max-sessions 10000\n"
  "max-sessions-per-client 256\n"
  "workers 4\n"
  "user root\n"
  "pid-file \"/run/socks6d dir/socks6d.pid\"\n"
  "log syslog\n"
  "\tallow from 10.0.0.0/8 192.168.1.1 fd00::/8 user alice \"to\" "
  "command connect resolve to .Example.COM. host.example.org "
  "198.51.100.0/24 2001:db8::/32 port 1000-2000\n"
  "deny from any\n"
  "allow to any port 443\n";

static void
test_every_keyword (void)
{
  char text[PATH_MAX + 4096], where[SOCKS6_ADDR_TEXT_MAX];
  char pwfile[PATH_MAX + 64];
  struct config *c;
  const struct config_rule *r;

  snprintf (pwfile, sizeof pwfile, "%s", write_file ("passwd", ""));
  snprintf (text, sizeof text, full_config, pwfile);
  c = load (text);
  UNIT_CHECK (c != NULL, "every keyword: file loads%s%s",
              n_errors ? ": " : "", n_errors ? errors[0].message : "");
  if (!c)
    return;
  UNIT_CHECK (c->n_listen == 4, "listen: four addresses");
  config_format_listen (&c->listen[1], where, sizeof where);
  UNIT_CHECK (strcmp (where, "[::1]:1082") == 0, "listen [::1]:1082");
  UNIT_CHECK (c->listen[2].port == 1080 && c->listen[3].port == 1080
              && c->listen[3].type == SOCKS6_ADDR_IPV6,
              "listen: port 1080 when omitted");
  UNIT_CHECK (c->auth_methods == (AUTH_NONE | AUTH_USERPASS)
              && strcmp (c->password_file, pwfile) == 0,
              "auth none + auth username password-file");
  UNIT_CHECK (c->resolve_policy == RESOLVE_PREFER_IPV4, "resolve");
  UNIT_CHECK (c->happy_eyeballs_delay_ms == 100, "happy-eyeballs-delay 100ms");
  UNIT_CHECK (c->handshake_timeout_ms == 5000 && c->resolve_timeout_ms == 3000
              && c->connect_timeout_ms == 120000
              && c->idle_timeout_ms == 3600000 && c->drain_timeout_ms == 0,
              "timeouts with units");
  UNIT_CHECK (c->max_sessions == 10000 && c->max_sessions_per_client == 256,
              "max-sessions, max-sessions-per-client");
  UNIT_CHECK (c->workers == 4, "workers");
  UNIT_CHECK (strcmp (c->user, "root") == 0, "user");
  UNIT_CHECK (strcmp (c->pid_file, "/run/socks6d dir/socks6d.pid") == 0,
              "pid-file with a quoted blank");
  UNIT_CHECK (strcmp (c->log_target, "syslog") == 0, "log");
  UNIT_CHECK (c->n_rules == 3, "three rules");
  r = &c->rules[0];
  UNIT_CHECK (r->action == RULE_ALLOW && r->line == 22 && r->n_clients == 3
              && r->clients[0].family == AF_INET && r->clients[0].bits == 8
              && r->clients[1].bits == 32 && r->clients[2].family == AF_INET6,
              "rule: from prefixes of both families");
  UNIT_CHECK (r->n_users == 2 && strcmp (r->users[1], "to") == 0,
              "rule: users, a quoted one named like a clause");
  UNIT_CHECK (r->commands == (RULE_CMD_CONNECT | RULE_CMD_RESOLVE),
              "rule: commands");
  UNIT_CHECK (r->n_dst_suffixes == 2
              && strcmp (r->dst_suffixes[0], ".example.com") == 0
              && strcmp (r->dst_suffixes[1], "host.example.org") == 0,
              "rule: names lower-cased, trailing dot removed");
  UNIT_CHECK (r->n_dst_prefixes == 2 && r->port_lo == 1000
              && r->port_hi == 2000, "rule: destination prefixes, ports");
  UNIT_CHECK (c->rules[1].action == RULE_DENY && c->rules[1].n_clients == 1
              && c->rules[1].clients[0].family == AF_UNSPEC,
              "rule: deny from any");
  config_unref (c);
}

/* cpu-affinity and busy-poll, which the full file leaves at their
   defaults.  */
static void
test_worker_keywords (void)
{
  struct config *c = load ("cpu-affinity no\nbusy-poll 50us\n");
  char *text = NULL;
  size_t len = 0;
  FILE *out;

  UNIT_CHECK (c && !c->cpu_affinity && c->busy_poll_us == 50,
              "cpu-affinity no, busy-poll 50us");
  if (c)
    {
      out = open_memstream (&text, &len);
      config_print (c, out);
      fclose (out);
      UNIT_CHECK (strstr (text, "cpu-affinity no\n")
                  && strstr (text, "busy-poll 50us\n"),
                  "config_print writes cpu-affinity and busy-poll");
      free (text);
    }
  config_unref (c);
  c = load ("busy-poll 2ms\n");
  UNIT_CHECK (c && c->busy_poll_us == 2000, "busy-poll 2ms is 2000 us");
  config_unref (c);
  c = load ("busy-poll none\ncpu-affinity yes\n");
  UNIT_CHECK (c && c->busy_poll_us == 0 && c->cpu_affinity,
              "busy-poll none, cpu-affinity yes");
  config_unref (c);
  check_error ("busy-poll: no unit", "busy-poll 50\n", 1, "bad duration");
  check_error ("busy-poll: over 10 ms", "busy-poll 11ms\n", 1,
               "up to 10000 us");
  check_error ("busy-poll: seconds", "busy-poll 1s\n", 1, "bad duration");
  check_error ("cpu-affinity: not yes or no", "cpu-affinity auto\n", 1,
               "expected yes or no, not 'auto'");
  check_error ("busy-poll given twice", "busy-poll 1ms\nbusy-poll 2ms\n", 2,
               "already given at line 1");
}

/* config_print output reads back to the same configuration.  */
static void
test_print_round_trip (void)
{
  char text[PATH_MAX + 4096], *first = NULL, *second = NULL;
  size_t first_len = 0, second_len = 0;
  struct config *c, *again;
  FILE *out;

  snprintf (text, sizeof text, full_config, write_file ("passwd", ""));
  c = load (text);
  if (!c)
    {
      UNIT_CHECK (c != NULL, "config_print: source loads");
      return;
    }
  out = open_memstream (&first, &first_len);
  config_print (c, out);
  fclose (out);
  again = load (first);
  UNIT_CHECK (again != NULL, "config_print output loads again%s%s",
              n_errors ? ": " : "", n_errors ? errors[0].message : "");
  if (again)
    {
      out = open_memstream (&second, &second_len);
      config_print (again, out);
      fclose (out);
      UNIT_CHECK (strcmp (first, second) == 0,
                  "config_print output is stable across a round trip");
    }
  UNIT_CHECK (strstr (first, "user root\n")
              && strstr (first, "\"/run/socks6d dir/socks6d.pid\"")
              && strstr (first, "user alice \"to\" command connect resolve")
              && strstr (first, "timeout connect 2m\n")
              && strstr (first, "happy-eyeballs-delay 100ms\n"),
              "config_print writes values in config syntax");
  free (first);
  free (second);
  config_unref (c);
  config_unref (again);

  c = config_defaults ();
  out = open_memstream (&first, &first_len);
  config_print (c, out);
  fclose (out);
  config_unref (c);
  c = load (first);
  UNIT_CHECK (c && c->n_listen == 2 && c->auth_methods == AUTH_NONE,
              "config_print of the defaults loads again");
  config_unref (c);
  free (first);
}

static void
test_errors (void)
{
  char *long_line, *long_value, text[600];
  struct config *c;

  check_error ("unknown keyword named", "\nfrobnicate 1\n", 2,
               "unknown keyword 'frobnicate'");
  check_error ("listen: bad address", "listen 1.2.3:80\n", 1, "bad address");
  check_error ("listen: port 0", "listen 127.0.0.1:0\n", 1, "bad address");
  check_error ("listen: port 65536", "listen [::1]:65536\n", 1,
               "bad address");
  check_error ("listen: a name", "listen localhost:1080\n", 1, "bad address");
  check_error ("listen: given twice",
               "listen 127.0.0.1\nlisten 127.0.0.1:1080\n", 2,
               "already listed at line 1");
  check_error ("listen: no value", "listen\n", 1, "'listen' needs a value");
  check_error ("listen: extra word", "listen 127.0.0.1 ::1\n", 1,
               "unexpected '::1'");
  check_error ("auth: unknown method", "auth kerberos\n", 1,
               "unknown authentication method 'kerberos'");
  check_error ("auth username without a password file", "auth username\n",
               1, "auth username password-file FILE");
  check_error ("auth: relative password file",
               "auth username password-file passwd\n", 1,
               "absolute file name");
  check_error ("auth: missing password file",
               "auth username password-file /nonexistent/passwd\n", 1,
               "cannot read password file");
  check_error ("auth none twice", "auth none\nauth none\n", 2,
               "already given at line 1");
#ifndef HAVE_PAM
  check_error ("auth pam without PAM support", "auth pam\n", 1, "PAM");
#endif
  check_error ("resolve: unknown policy", "resolve fastest\n", 1,
               "unknown policy 'fastest'");
  check_error ("duration: unknown unit", "timeout connect 10x\n", 1,
               "bad duration '10x'");
  check_error ("duration: 0 for a timeout that needs one",
               "timeout handshake 0\n", 1, "bad duration");
  check_error ("duration: overflow", "timeout idle 50d\n", 1,
               "bad duration");
  check_error ("timeout: unknown kind", "timeout lunch 1h\n", 1,
               "unknown timeout 'lunch'");
  check_error ("timeout given twice", "timeout idle 1h\n\ntimeout idle 2h\n",
               3, "already given at line 1");
  check_error ("max-sessions: negative", "max-sessions -1\n", 1,
               "bad number '-1'");
  check_error ("max-sessions: overflow", "max-sessions 99999999999\n", 1,
               "bad number");
  check_error ("workers: too many", "workers 5000\n", 1, "bad number");
  check_error ("user: no such user", "user no-such-user-here\n", 1,
               "no such user");
  check_error ("pid-file: relative", "pid-file socks6d.pid\n", 1,
               "absolute file name");
  check_error ("log: relative file", "log socks6d.log\n", 1,
               "absolute file name");
  check_error ("unterminated quote", "pid-file \"/run/x.pid\n", 1,
               "unterminated quoted string");
  check_error ("rule: bad client prefix", "allow from 10.0.0.0/33\n", 1,
               "bad prefix length");
  check_error ("rule: host bits set", "allow from 10.1.0.0/8\n", 1,
               "bits set beyond the prefix length");
  check_error ("rule: unknown command", "allow command ping\n", 1,
               "unknown command 'ping'");
  check_error ("rule: reversed port range", "allow port 80-20\n", 1,
               "bad port or range '80-20'");
  check_error ("rule: two port values", "allow port 80 443\n", 1,
               "takes one port or range");
  check_error ("rule: clause twice", "deny port 80 port 81\n", 1,
               "'port' appears twice");
  check_error ("rule: clause without values", "deny from to .example\n", 1,
               "'from' needs at least one value");
  check_error ("rule: unknown word", "deny everything\n", 1,
               "expected from, user, command, to or port, not 'everything'");
  check_error ("rule: bad destination address", "deny to 10.0.0.300\n", 1,
               "'to 10.0.0.300'");
  check_error ("rule: bad destination name", "deny to a..b\n", 1,
               "'to a..b'");
  check_error ("rule: users without username authentication",
               "allow user alice\n", 1, "can never match");
  config_errors_free (errors, n_errors);
  c = config_load (write_file_len ("nul.conf", "listen 127.0.0.1\0:80\n", 20),
                   &errors, &n_errors);
  UNIT_CHECK (!c && n_errors == 1 && has_error (1, "NUL"),
              "error: NUL byte in a line");

  /* Overlong lines and values are reported, never cut.  */
  long_line = malloc (10000);
  memset (long_line, 'x', 9998);
  memcpy (long_line, "# ", 2);
  strcpy (long_line + 9998, "\n");
  check_error ("line too long", long_line, 1, "line is too long");
  free (long_line);

  memset (text, 'u', 256);
  text[256] = '\0';
  long_value = NULL;
  if (asprintf (&long_value, "auth none\nauth username password-file %s\n"
                "allow user %s\n", write_file ("passwd", ""), text) > 0)
    check_error ("rule: user name longer than 255 bytes", long_value, 3,
                 "too long (256 bytes; at most 255)");
  free (long_value);

  long_value = malloc (PATH_MAX + 32);
  strcpy (long_value, "pid-file /");
  memset (long_value + 10, 'p', PATH_MAX);
  strcpy (long_value + 10 + PATH_MAX, "\n");
  check_error ("pid-file longer than PATH_MAX", long_value, 1, "too long");
  free (long_value);

  config_errors_free (errors, n_errors);
  c = config_load ("/nonexistent/socks6d.conf", &errors, &n_errors);
  UNIT_CHECK (!c && n_errors == 1 && errors[0].line == 0
              && strstr (errors[0].message, "cannot open"),
              "error: a missing file is reported as FILE: message");
}

/* Every error of a file is reported, in one pass, each at its line, and
   the printed form is FILE:LINE: message.  */
static void
test_all_errors_reported (void)
{
  char *printed = NULL;
  size_t printed_len = 0;
  FILE *out;
  struct config *c = load ("listen 127.0.0.1:99999\n"
                           "# fine\n"
                           "resolve sometimes\n"
                           "timeout connect soon\n"
                           "listen 127.0.0.1:1080\n"
                           "bogus\n"
                           "deny from nowhere\n");

  UNIT_CHECK (!c && n_errors == 5, "five errors in one file: all reported "
              "(got %zu)", n_errors);
  UNIT_CHECK (has_error (1, "bad address") && has_error (3, "sometimes")
              && has_error (4, "soon") && has_error (6, "bogus")
              && has_error (7, "nowhere"), "each error at its own line");
  out = open_memstream (&printed, &printed_len);
  config_errors_print (errors, n_errors, out);
  fclose (out);
  UNIT_CHECK (strstr (printed, "/test.conf:3: ") != NULL
              && strstr (printed, "/test.conf:6: unknown keyword 'bogus'\n"),
              "errors print as FILE:LINE: message");
  free (printed);
  config_unref (c);
}

/* No accidental open relay.  */
static void
test_open_relay (void)
{
  char *text = NULL;
  struct config *c;

  check_error ("open relay refused", "listen 127.0.0.1\nlisten 0.0.0.0:1080\n",
               2, "refusing to listen on 0.0.0.0:1080 without "
               "authentication or a client rule: this would be an open "
               "relay");
  check_error ("open relay refused (IPv6)", "listen [::]:1080\n", 1,
               "refusing to listen on [::]:1080");
  check_error ("open relay: an allow rule for every client",
               "listen 192.0.2.1\nallow from 192.0.2.0/24\n\nallow "
               "port 443\n", 1, "the rule at line 4 allows every client");
  check_error ("open relay: allow from any",
               "listen 192.0.2.1\nallow from any\n", 1,
               "the rule at line 2 allows every client");
  c = load ("listen 0.0.0.0\nallow from 192.168.0.0/16 fd00::/8\n");
  UNIT_CHECK (c != NULL, "a client rule makes a public listener acceptable");
  config_unref (c);
  c = load ("listen 127.0.0.2:1080\nlisten [::1]:2000\n");
  UNIT_CHECK (c != NULL, "loopback listeners need no rule");
  config_unref (c);
  if (asprintf (&text, "listen 0.0.0.0\nauth username password-file %s\n"
                "allow\n", write_file ("passwd", "")) > 0)
    {
      c = load (text);
      UNIT_CHECK (c != NULL, "authentication makes a public listener "
                  "acceptable");
      config_unref (c);
    }
  free (text);
  text = NULL;
  if (asprintf (&text, "listen 0.0.0.0\nauth none\nauth username "
                "password-file %s\n", write_file ("passwd", "")) > 0)
    check_error ("open relay: authentication optional", text, 1,
                 "open relay");
  free (text);
}

static struct socks6_addr
ip (const char *text, uint16_t port)
{
  struct socks6_addr addr;

  memset (&addr, 0, sizeof addr);
  addr.port = port;
  if (inet_pton (AF_INET, text, addr.u.ipv4) == 1)
    addr.type = SOCKS6_ADDR_IPV4;
  else if (inet_pton (AF_INET6, text, addr.u.ipv6) == 1)
    addr.type = SOCKS6_ADDR_IPV6;
  return addr;
}

static struct socks6_addr
name (const char *text, uint16_t port)
{
  struct socks6_addr addr;

  memset (&addr, 0, sizeof addr);
  addr.type = SOCKS6_ADDR_NAME;
  addr.port = port;
  addr.u.name.len = strlen (text);
  strcpy (addr.u.name.text, text);
  return addr;
}

/* The line of the rule that decides, or 0 for none.  */
static unsigned int
rule_line (const struct config *c, const char *client, const char *user,
           uint8_t command, struct socks6_addr dst)
{
  struct socks6_addr from = ip (client, 40000);
  const struct config_rule *rule = config_match_rule (c, &from, user,
                                                      command, &dst);
  return rule ? rule->line : 0;
}

static bool
allowed (const struct config *c, const char *client, const char *user,
         uint8_t command, struct socks6_addr dst)
{
  struct socks6_addr from = ip (client, 40000);

  return config_request_allowed (c, &from, user, command, &dst);
}

static bool
allowed_resolved (const struct config *c, const char *client,
                  struct socks6_addr dst, const char *resolved)
{
  struct socks6_addr from = ip (client, 40000);
  struct socks6_addr addr = ip (resolved, dst.port);

  return config_request_allowed_resolved (c, &from, NULL,
                                          SOCKS5_CMD_CONNECT, &dst, &addr);
}

static void
test_rules (void)
{
  const uint8_t CONNECT = SOCKS5_CMD_CONNECT;
  char *text = NULL;
  struct config *c;

  if (asprintf (&text,
                "auth none\n"
                "auth username password-file %s\n"
                "deny from 10.9.0.0/16\n"
                "allow from 10.0.0.0/8 ::ffff:10.0.0.0/104 command connect "
                "to .example.com port 443\n"
                "allow from 10.0.0.0/8 user alice\n"
                "deny to 192.0.2.0/24 2001:db8:bad::/48\n"
                "allow from 10.0.0.0/8 2001:db8::/32 command resolve\n"
                "allow from 10.0.0.0/8 to host.example.org 198.51.100.0/24 "
                "port 80-81\n",
                write_file ("passwd", "")) < 0)
    return;
  c = load (text);
  free (text);
  UNIT_CHECK (c != NULL, "rules: file loads");
  if (!c)
    return;
  UNIT_CHECK (rule_line (c, "10.9.1.1", NULL, CONNECT,
                         name ("www.example.com", 443)) == 3,
              "rules: first match wins");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         name ("www.example.com", 443)) == 4,
              "rules: suffix matches a name under it");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         name ("example.com", 443)) == 4,
              "rules: .example.com matches example.com itself");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         name ("WWW.Example.COM.", 443)) == 4,
              "rules: names match without case, trailing dot ignored");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         name ("badexample.com", 443)) == 0,
              "rules: a suffix matches whole labels only");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         name ("www.example.com", 80)) == 0,
              "rules: port outside the rule's range");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, SOCKS5_CMD_BIND,
                         name ("www.example.com", 443)) == 0,
              "rules: command not in the rule");
  UNIT_CHECK (rule_line (c, "::ffff:10.9.1.1", NULL, CONNECT,
                         name ("www.example.com", 443)) == 3,
              "rules: IPv4-mapped client matches an IPv4 prefix");
  UNIT_CHECK (rule_line (c, "10.1.1.1", "alice", CONNECT,
                         name ("anything.test", 25)) == 5,
              "rules: user matches");
  UNIT_CHECK (rule_line (c, "10.1.1.1", "bob", CONNECT,
                         name ("anything.test", 25)) == 0
              && rule_line (c, "10.1.1.1", "Alice", CONNECT,
                            name ("anything.test", 25)) == 0,
              "rules: other users (user names are case-sensitive)");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         ip ("192.0.2.5", 80)) == 6
              && rule_line (c, "10.1.1.1", NULL, CONNECT,
                            ip ("2001:db8:bad:1::5", 80)) == 6,
              "rules: destination prefixes of both families");
  UNIT_CHECK (rule_line (c, "2001:db8::7", NULL, SOCKS5_CMD_RESOLVE,
                         name ("www.example.net", 0)) == 7
              && rule_line (c, "2001:db8::7", NULL, SOCKS5_CMD_RESOLVE_PTR,
                            ip ("198.51.100.1", 0)) == 7,
              "rules: IPv6 client prefix, resolve commands");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         name ("host.example.org", 80)) == 8
              && rule_line (c, "10.1.1.1", NULL, CONNECT,
                            ip ("198.51.100.7", 81)) == 8,
              "rules: exact name and prefix in one 'to'");
  UNIT_CHECK (rule_line (c, "10.1.1.1", NULL, CONNECT,
                         name ("a.host.example.org", 80)) == 0,
              "rules: a name without a leading dot matches only itself");
  UNIT_CHECK (allowed (c, "127.0.0.1", NULL, CONNECT, name ("x.test", 80))
              && allowed (c, "::1", NULL, CONNECT, name ("x.test", 80))
              && allowed (c, "127.8.9.10", NULL, CONNECT, ip ("::1", 22)),
              "rules: loopback clients allowed when no rule matches");
  UNIT_CHECK (!allowed (c, "192.0.2.77", NULL, CONNECT, ip ("10.0.0.1", 80))
              && !allowed (c, "2001:db9::1", NULL, CONNECT,
                           name ("x.test", 80)),
              "rules: other clients denied when no rule matches");
  UNIT_CHECK (!allowed (c, "10.9.0.1", NULL, CONNECT,
                        name ("www.example.com", 443))
              && allowed (c, "10.1.1.1", NULL, CONNECT,
                          name ("www.example.com", 443)),
              "rules: config_request_allowed follows the matching rule");
  /* A name is decided again once resolved: by its name or its address.  */
  UNIT_CHECK (allowed_resolved (c, "10.1.1.1", name ("www.example.com", 443),
                                "203.0.113.5"),
              "rules: resolved name still allowed by its suffix");
  UNIT_CHECK (allowed (c, "10.1.1.1", NULL, CONNECT,
                       name ("internal.test", 80))
              && !allowed_resolved (c, "10.1.1.1",
                                    name ("internal.test", 80),
                                    "192.0.2.9")
              && allowed_resolved (c, "10.1.1.1",
                                   name ("internal.test", 80),
                                   "198.51.100.9"),
              "rules: resolved name decided by its address");
  config_unref (c);
}

/* connect() to 0.0.0.0 or :: reaches the host itself, so a rule
   denying the loopback addresses must also deny the unspecified ones,
   however they are written.  */
static void
test_rules_unspecified (void)
{
  const uint8_t CONNECT = SOCKS5_CMD_CONNECT;
  struct config *c = load ("deny to 127.0.0.0/8 ::1\n"
                           "allow from 127.0.0.0/8 ::1\n");

  UNIT_CHECK (c != NULL, "rules: unspecified: file loads");
  if (!c)
    return;
  UNIT_CHECK (!allowed (c, "127.0.0.1", NULL, CONNECT, ip ("0.0.0.0", 80))
              && !allowed (c, "127.0.0.1", NULL, CONNECT, ip ("::", 80))
              && !allowed (c, "127.0.0.1", NULL, CONNECT,
                           ip ("::ffff:0.0.0.0", 80)),
              "rules: 0.0.0.0 and :: match a rule denying loopback");
  UNIT_CHECK (!allowed_resolved (c, "127.0.0.1", name ("zero.test", 80),
                                 "0.0.0.0")
              && !allowed_resolved (c, "127.0.0.1", name ("zero.test", 80),
                                    "::"),
              "rules: a name resolving to 0.0.0.0 or :: is denied too");
  UNIT_CHECK (allowed (c, "127.0.0.1", NULL, CONNECT, ip ("0.0.0.1", 80))
              && allowed (c, "127.0.0.1", NULL, CONNECT, ip ("::2", 80)),
              "rules: only the unspecified addresses stand for loopback");
  config_unref (c);
}

/* Hash PASSWORD with a fresh setting of the method PREFIX ("$y$", "$6$",
   "$2b$"); NULL when libcrypt lacks the method.  */
static char *
make_hash (const char *prefix, unsigned long count, const char *password)
{
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  struct crypt_data *data = calloc (1, sizeof *data);
  const char *hash = NULL;
  char *copy = NULL;

  if (data && crypt_gensalt_rn (prefix, count, NULL, 0, setting,
                                sizeof setting))
    hash = crypt_rn (password, setting, data, sizeof *data);
  if (hash && hash[0] != '*')
    copy = strdup (hash);
  free (data);
  return copy;
}

static bool
check_pass (const struct config *c, const char *user, const char *pass)
{
  return auth_check_userpass (c, user, strlen (user), pass, strlen (pass));
}

static double
seconds_for (const struct config *c, const char *user, const char *pass)
{
  struct timespec start, end;

  clock_gettime (CLOCK_MONOTONIC, &start);
  check_pass (c, user, pass);
  clock_gettime (CLOCK_MONOTONIC, &end);
  return (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
}

/* Rewrite the password file at PATH with CONTENT, and make sure its
   time stamp moves even on a file system with coarse times.  */
static void
rewrite_passwd (const char *path, const char *content)
{
  struct timespec times[2];
  struct stat st;

  stat (path, &st);
  write_file ("passwd-auth", content);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  times[1].tv_sec += 2;
  utimensat (AT_FDCWD, path, times, 0);
}

static void
test_auth (void)
{
  char *yescrypt = make_hash ("$y$", 0, "right-y");
  char *sha512 = make_hash ("$6$", 5000, "right-6");
  char *bcrypt = make_hash ("$2b$", 4, "right-2b");
  char *changed = make_hash ("$y$", 0, "changed");
  char *content = NULL, *text = NULL, logged[64];
  const char *path;
  struct config *c = NULL;
  double known, unknown;

  UNIT_CHECK (yescrypt && sha512 && changed,
              "auth: yescrypt and sha512 hashes made with crypt_gensalt");
  if (!yescrypt || !sha512 || !changed)
    goto out;
  if (asprintf (&content, "# users\nalice:%s\nbob:%s:1000:1000\n"
                "mallory:!%s\ncarol:%s\n", yescrypt, sha512, yescrypt,
                bcrypt ? bcrypt : "*") < 0)
    goto out;
  path = write_file ("passwd-auth", content);
  if (asprintf (&text, "auth username password-file %s\n", path) < 0)
    goto out;
  c = load (text);
  UNIT_CHECK (c != NULL, "auth: config loads");
  if (!c)
    goto out;
  UNIT_CHECK (check_pass (c, "alice", "right-y"),
              "auth: right password, yescrypt");
  UNIT_CHECK (!check_pass (c, "alice", "wrong"),
              "auth: wrong password fails, yescrypt");
  UNIT_CHECK (check_pass (c, "bob", "right-6"),
              "auth: right password, sha512 (extra fields ignored)");
  UNIT_CHECK (!check_pass (c, "bob", "right-y") && !check_pass (c, "bob", ""),
              "auth: wrong or empty password fails, sha512");
  if (bcrypt)
    UNIT_CHECK (check_pass (c, "carol", "right-2b")
                && !check_pass (c, "carol", "right-2"),
                "auth: bcrypt right and wrong password");
  else
    UNIT_UNSUPPORTED ("auth: bcrypt not available in this libcrypt");
  UNIT_CHECK (!check_pass (c, "nobody-here", "right-y")
              && !check_pass (c, "Alice", "right-y"),
              "auth: unknown user fails");
  UNIT_CHECK (!check_pass (c, "mallory", "right-y"),
              "auth: locked entry fails");
  UNIT_CHECK (!auth_check_userpass (c, "alice\0x", 7, "right-y", 7)
              && !auth_check_userpass (c, "alice", 5, "right-y\0", 8),
              "auth: NUL in a user name or password fails");

  /* An unknown user costs a crypt too: at least half the time of a known
     one, the best of three to keep noise out.  */
  known = unknown = 1e9;
  for (int i = 0; i < 3; i++)
    {
      double k = seconds_for (c, "alice", "wrong");
      double u = seconds_for (c, "nobody-here", "wrong");
      known = k < known ? k : known;
      unknown = u < unknown ? u : unknown;
    }
  UNIT_CHECK (unknown > known / 2, "auth: an unknown user costs as much as "
              "a wrong password (%.1f ms vs %.1f ms)", unknown * 1e3,
              known * 1e3);

  free (content);
  content = NULL;
  if (asprintf (&content, "alice:%s\n", changed) > 0)
    rewrite_passwd (path, content);
  UNIT_CHECK (check_pass (c, "alice", "changed")
              && !check_pass (c, "alice", "right-y")
              && !check_pass (c, "bob", "right-6"),
              "auth: the password file is read again when it changes");

  auth_user_for_log ("al\nice\\", 7, logged, sizeof logged);
  UNIT_CHECK (strcmp (logged, "al\\x0aice\\x5c") == 0,
              "auth: user names are escaped for logs (%s)", logged);
  auth_user_for_log ("abcdefghijklmnop", 16, logged, 10);
  UNIT_CHECK (strcmp (logged, "abcdef...") == 0,
              "auth: long user names are cut for logs (%s)", logged);

 out:
  config_unref (c);
  free (text);
  free (content);
  free (yescrypt);
  free (sha512);
  free (bcrypt);
  free (changed);
}

#ifdef HAVE_PAM
static void
test_pam_config (void)
{
  struct config *c = load ("auth pam socks6d-test\n");

  UNIT_CHECK (c && c->auth_methods == AUTH_USERPASS
              && strcmp (c->pam_service, "socks6d-test") == 0,
              "auth pam SERVICE");
  config_unref (c);
  c = load ("auth pam\n");
  UNIT_CHECK (c && strcmp (c->pam_service, "socks6d") == 0,
              "auth pam: service socks6d by default");
  config_unref (c);
}
#endif

/* Routes and next hops (chaining, RFC 3089 section 4).  */

/* The line of the route that matches, or 0 for none.  */
static unsigned int
route_line (const struct config *c, uint8_t command, struct socks6_addr dst)
{
  struct socks6_addr from = ip ("127.0.0.1", 40000);
  const struct config_route *route = config_match_route (c, &from, NULL,
                                                         command, &dst);
  return route ? route->match.line : 0;
}

static void
test_routes (void)
{
  const uint8_t CONNECT = SOCKS5_CMD_CONNECT, BIND = SOCKS5_CMD_BIND;
  const char *cred = write_file ("hops.cred",
                                 "# next hops\n"
                                 "gw2.example.org:1080 alice s3cret\n"
                                 "\"[::1]:1081\" bob \"pass word\"\n");
  char *text = NULL;
  struct config *c;
  FILE *out;
  char *printed = NULL;
  size_t printed_len = 0;

  chmod (cred, 0600);
  if (asprintf (&text,
                "listen 127.0.0.1:1080\n"
                "credentials-file %s\n"
                "timeout hop 3s\n"
                "circuit-breaker 2 10s\n"
                "route to .example.net port 1-1024 via "
                "socks5://GW2.example.org:1080 socks5://bob@[::1]:1081\n"
                "route to 10.0.0.0/8 direct\n"
                "route command bind via socks5h://127.0.0.2\n"
                "route to any via socks5://192.0.2.1:1080\n", cred) < 0)
    abort ();
  c = load (text);
  UNIT_CHECK (c && c->n_routes == 4, "routes: four parsed (%zu errors%s%s)",
              n_errors, n_errors ? ": " : "",
              n_errors ? errors[0].message : "");
  if (!c)
    {
      free (text);
      return;
    }
  UNIT_CHECK (c->hop_timeout_ms == 3000 && c->hop_failures == 2
              && c->hop_cooldown_ms == 10000,
              "routes: timeout hop and circuit-breaker are read");
  UNIT_CHECK (c->routes[0].n_hops == 2
              && c->routes[0].hops[0].addr.type == SOCKS6_ADDR_NAME
              && strcmp (c->routes[0].hops[0].addr.u.name.text,
                         "gw2.example.org") == 0
              && c->routes[0].hops[0].addr.port == 1080,
              "routes: a hop's name is kept unresolved, in lower case");
  UNIT_CHECK (c->routes[0].hops[0].user
              && strcmp (c->routes[0].hops[0].user, "alice") == 0
              && strcmp (c->routes[0].hops[0].password, "s3cret") == 0,
              "routes: a hop without a user takes its line's credentials");
  UNIT_CHECK (c->routes[0].hops[1].password
              && strcmp (c->routes[0].hops[1].password, "pass word") == 0,
              "routes: a hop with a user takes that user's password");
  UNIT_CHECK (c->routes[2].n_hops == 1 && !c->routes[2].hops[0].user
              && c->routes[2].hops[0].addr.port == 1080,
              "routes: the port defaults to 1080, no credentials needed");
  UNIT_CHECK (c->routes[1].n_hops == 0, "routes: 'direct' has no hop");

  UNIT_CHECK (route_line (c, CONNECT, name ("www.example.net", 80)) == 5,
              "routes: a name under the suffix matches");
  UNIT_CHECK (route_line (c, CONNECT, name ("www.example.net", 8080)) == 8,
              "routes: outside the port range, the next route matches");
  UNIT_CHECK (route_line (c, CONNECT, ip ("10.1.2.3", 80)) == 6,
              "routes: an address in the prefix matches 'direct'");
  UNIT_CHECK (route_line (c, CONNECT, name ("ten.example", 80)) == 8,
              "routes: a prefix never matches a name (it is not resolved)");
  UNIT_CHECK (route_line (c, BIND, name ("ten.example", 80)) == 7,
              "routes: a route by command matches");
  UNIT_CHECK (route_line (c, SOCKS5_CMD_UDP_ASSOCIATE,
                          ip ("192.0.2.9", 53)) == 0,
              "routes: UDP ASSOCIATE is never routed");

  out = open_memstream (&printed, &printed_len);
  config_print (c, out);
  fclose (out);
  UNIT_CHECK (printed
              && strstr (printed, "route to .example.net port 1-1024 via "
                         "socks5://GW2.example.org:1080 "
                         "socks5://bob@[::1]:1081\n")
              && strstr (printed, "route to 10.0.0.0/8 direct\n")
              && strstr (printed, "circuit-breaker 2 10s\n")
              && strstr (printed, "timeout hop 3s\n"),
              "routes: config_print writes them back");
  free (printed);
  config_unref (c);
  free (text);

  check_error ("a route to this gateway's own listener",
               "listen 127.0.0.1:1090\nallow from 127.0.0.0/8\n"
               "route via socks5://127.0.0.1:1090\n", 3, "leads back");
  check_error ("a route to localhost on a wildcard listener",
               "listen 0.0.0.0:1090\nallow from 127.0.0.0/8\n"
               "route via socks5://localhost:1090\n", 3, "leads back");
  check_error ("a hop with a user and no password",
               "route via socks5://carol@gw.example:1080\n", 1,
               "no password");
  check_error ("a password in a hop URL",
               "route via socks5://carol:secret@gw.example:1080\n", 1,
               "credentials file");
  check_error ("a hop that is not socks5://",
               "route via http://gw.example:8080\n", 1, "socks5://");
  check_error ("a route without via or direct", "route to .example.net\n",
               1, "needs");
  check_error ("a routed UDP ASSOCIATE",
               "route command udp via socks5://gw.example\n", 1, "UDP");
  check_error ("circuit-breaker without a cooldown",
               "circuit-breaker 3\n", 1, "circuit-breaker");

  chmod (cred, 0644);
  if (asprintf (&text, "credentials-file %s\n"
                "route via socks5://gw2.example.org\n", cred) < 0)
    abort ();
  check_error ("a credentials file readable by every user", text, 1,
               "mode 0644");
  free (text);
}

int
main (void)
{
  const char *base = getenv ("TMPDIR");
  char cleanup[PATH_MAX + 16];

  snprintf (tmpdir, sizeof tmpdir, "%s/test-config.XXXXXX",
            base && *base ? base : "/tmp");
  if (!mkdtemp (tmpdir))
    {
      perror (tmpdir);
      return EXIT_FAILURE;
    }
  log_init ("test-config", true, 0);

  test_defaults ();
  test_every_keyword ();
  test_print_round_trip ();
  test_worker_keywords ();
  test_errors ();
  test_all_errors_reported ();
  test_open_relay ();
  test_rules ();
  test_rules_unspecified ();
  test_routes ();
  test_auth ();
#ifdef HAVE_PAM
  test_pam_config ();
#endif

  config_errors_free (errors, n_errors);
  auth_forget ();
  snprintf (cleanup, sizeof cleanup, "rm -rf '%s'", tmpdir);
  if (system (cleanup) != 0)
    fprintf (stderr, "could not remove %s\n", tmpdir);
  UNIT_EXIT ();
}
