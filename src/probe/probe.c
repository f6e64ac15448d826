/* socks6-probe: diagnose a SOCKS 5 server step by step, check it against
   RFC 1928 and RFC 1929 (--conformance), or serve as the echo peer that
   tests and operators point a server at (--listen).  This file holds the
   command line; the modes are in diagnose.c, conformance.c and listen.c.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <error.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "closeout.h"
#include "getpass.h"
#include "i18n.h"
#include "progname.h"
#include "version-etc.h"
#include "xalloc.h"

#include "probe.h"

#define AUTHORS "The socks6 authors"

struct probe_options probe_opt = {
  .timeout_ms = 5000
};

enum
{
  OPTION_PASSWORD_FILE = CHAR_MAX + 1,
  OPTION_SEND,
  OPTION_HTTP_HEAD,
  OPTION_RESOLVE,
  OPTION_BIND,
  OPTION_UDP,
  OPTION_CONFORMANCE,
  OPTION_LISTEN,
  OPTION_COUNT,
  OPTION_JSON,
  OPTION_PIPELINE,
  OPTION_HELP,
  OPTION_VERSION
};

static const struct option long_options[] = {
  {"user", required_argument, NULL, 'U'},
  {"password-file", required_argument, NULL, OPTION_PASSWORD_FILE},
  {"connect", required_argument, NULL, 'c'},
  {"send", required_argument, NULL, OPTION_SEND},
  {"http-head", no_argument, NULL, OPTION_HTTP_HEAD},
  {"resolve", required_argument, NULL, OPTION_RESOLVE},
  {"bind", optional_argument, NULL, OPTION_BIND},
  {"udp", required_argument, NULL, OPTION_UDP},
  {"conformance", no_argument, NULL, OPTION_CONFORMANCE},
  {"listen", required_argument, NULL, OPTION_LISTEN},
  {"count", required_argument, NULL, OPTION_COUNT},
  {"timeout", required_argument, NULL, 't'},
  {"json", no_argument, NULL, OPTION_JSON},
  {"pipeline", no_argument, NULL, OPTION_PIPELINE},
  {"verbose", no_argument, NULL, 'v'},
  {"ipv4", no_argument, NULL, '4'},
  {"ipv6", no_argument, NULL, '6'},
  {"help", no_argument, NULL, OPTION_HELP},
  {"version", no_argument, NULL, OPTION_VERSION},
  {NULL, 0, NULL, 0}
};

static void
usage (int status)
{
  if (status != EXIT_SUCCESS)
    {
      fprintf (stderr, _("Try '%s --help' for more information.\n"),
               program_name);
      exit (status);
    }
  printf (_("Usage: %s [OPTION]... HOST:PORT\n"
            "  or:  %s --listen=ADDR:PORT [--count=N] [--timeout=SECONDS]\n"),
          program_name, program_name);
  fputs (_("\
Diagnose the SOCKS 5 server at HOST:PORT step by step, or check it against\n\
RFC 1928 and RFC 1929 with --conformance.\n\
\n"), stdout);
  fputs (_("\
Mandatory arguments to long options are mandatory for short options too.\n"),
         stdout);
  /* TRANSLATORS: keep the option names; align the descriptions.  */
  fputs (_("\
  -U, --user=NAME          authenticate as NAME (RFC 1929); the password\n\
                             comes from --password-file, SOCKS6_PASSWORD,\n\
                             or a prompt, never from the command line\n\
      --password-file=FILE  read the password from the first line of FILE\n\
"), stdout);
  fputs (_("\
  -c, --connect=TARGET     CONNECT to TARGET (name:port, a.b.c.d:port or\n\
                             [v6]:port) and report the reply\n\
      --send=STRING        after CONNECT, send STRING (\\r \\n \\t \\xHH\n\
                             escapes) and show the first bytes back\n\
      --http-head          after CONNECT, send an HTTP HEAD request\n\
      --resolve=NAME       ask the server to resolve NAME (RESOLVE, X'F0')\n\
      --bind[=PEER]        BIND, then connect as the peer would, from PEER\n\
                             (ADDR:PORT; default 0.0.0.0:0, an IPv4 peer;\n\
                             [::]:0 for an IPv6 one), and relay data\n\
      --udp=TARGET         UDP ASSOCIATE, then a datagram to TARGET; self,\n\
                             self6 or self-name: the probe's own echo\n\
"), stdout);
  fputs (_("\
      --conformance        run the numbered RFC 1928/1929 checks\n\
      --listen=ADDR:PORT   be a TCP and UDP echo peer at ADDR:PORT\n\
      --count=N            with --listen, stop after N exchanges\n\
"), stdout);
  fputs (_("\
  -t, --timeout=SECONDS    bound every step (default 5; with --listen,\n\
                             stop after SECONDS without traffic)\n\
      --pipeline           send greeting and request in one segment\n\
  -4, --ipv4               reach the server over IPv4 only\n\
  -6, --ipv6               reach the server over IPv6 only\n\
      --json               print one JSON object instead of lines\n\
  -v, --verbose            show the bytes on the wire in hex\n\
"), stdout);
  fputs (_("\
      --help               display this help and exit\n\
      --version            output version information and exit\n\
"), stdout);
  fputs (_("\
\n\
Exit status: 0 if everything asked for succeeded, 1 if the server refused\n\
or misbehaved (or a conformance check failed), 2 for a usage or local\n\
error.\n"), stdout);
  /* socks6 has no web page of its own yet: gnulib's
     emit_bug_reporting_address would print an empty one.  */
  printf (_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
  printf (_("Full documentation: info socks6\n"));
  exit (status);
}

/* The password for --user: from --password-file, else SOCKS6_PASSWORD,
   else a prompt on the terminal without echo.  Never from argv, which
   every user of the machine can read.  */
static char *
read_password (const char *file)
{
  const char *env = getenv ("SOCKS6_PASSWORD");
  char *line = NULL;
  size_t size = 0;

  if (file)
    {
      FILE *f = fopen (file, "r");
      ssize_t n;
      if (f == NULL)
        error (PROBE_EXIT_LOCAL, errno, _("cannot open password file %s"),
               file);
      n = getline (&line, &size, f);
      fclose (f);
      if (n <= 0)
        error (PROBE_EXIT_LOCAL, 0, _("password file %s is empty"), file);
      line[strcspn (line, "\r\n")] = '\0';
      return line;
    }
  if (env)
    return xstrdup (env);
  if (!isatty (STDIN_FILENO))
    error (PROBE_EXIT_LOCAL, 0,
           _("no password for %s: use --password-file or SOCKS6_PASSWORD"),
           probe_opt.user);
  char *typed = getpass (_("Password: "));
  if (typed == NULL)
    error (PROBE_EXIT_LOCAL, errno, _("cannot read the password"));
  return xstrdup (typed);
}

static int
parse_timeout (const char *text)
{
  char *end;
  double s;

  errno = 0;
  s = strtod (text, &end);
  if (errno || end == text || *end || !(s > 0) || s > 86400)
    error (PROBE_EXIT_LOCAL, 0, _("invalid timeout '%s': give seconds "
                                  "between 0.001 and 86400"), text);
  return (int) ceil (s * 1000);
}

static void
parse_options (int argc, char **argv, const char **password_file)
{
  int c;

  while ((c = getopt_long (argc, argv, "U:c:t:v46", long_options, NULL))
         != -1)
    switch (c)
      {
      case 'U': probe_opt.user = optarg; break;
      case OPTION_PASSWORD_FILE: *password_file = optarg; break;
      case 'c': probe_opt.connect_target = optarg; break;
      case OPTION_SEND: probe_opt.send_text = optarg; break;
      case OPTION_HTTP_HEAD: probe_opt.http_head = true; break;
      case OPTION_RESOLVE: probe_opt.resolve_name = optarg; break;
      case OPTION_BIND:
        probe_opt.bind = true;
        probe_opt.bind_peer = optarg;
        break;
      case OPTION_UDP: probe_opt.udp_target = optarg; break;
      case OPTION_CONFORMANCE: probe_opt.conformance = true; break;
      case OPTION_LISTEN: probe_opt.listen = optarg; break;
      case OPTION_JSON: probe_opt.json = true; break;
      case OPTION_PIPELINE: probe_opt.pipeline = true; break;
      case 'v': probe_opt.verbose++; break;
      case '4': probe_opt.family = AF_INET; break;
      case '6': probe_opt.family = AF_INET6; break;
      case 't':
        probe_opt.timeout_ms = parse_timeout (optarg);
        probe_opt.timeout_given = true;
        break;
      case OPTION_COUNT:
        {
          char *end;
          errno = 0;
          probe_opt.count = strtol (optarg, &end, 10);
          if (errno || end == optarg || *end || probe_opt.count < 1)
            error (PROBE_EXIT_LOCAL, 0, _("invalid count '%s'"), optarg);
        }
        break;
      case OPTION_HELP:
        usage (EXIT_SUCCESS);
        break;
      case OPTION_VERSION:
        version_etc (stdout, "socks6-probe", PACKAGE_NAME, VERSION, AUTHORS,
                     (char *) NULL);
        exit (EXIT_SUCCESS);
      default:
        usage (PROBE_EXIT_LOCAL);
      }
}

/* Refuse combinations that cannot mean anything.  */
static void
check_options (int argc, char **argv)
{
  if (probe_opt.listen)
    {
      if (optind != argc)
        error (0, 0, _("--listen takes no HOST:PORT"));
      else
        return;
      usage (PROBE_EXIT_LOCAL);
    }
  if (optind == argc)
    {
      error (0, 0, _("missing HOST:PORT of the server"));
      usage (PROBE_EXIT_LOCAL);
    }
  if (optind + 1 < argc)
    {
      error (0, 0, _("extra operand '%s'"), argv[optind + 1]);
      usage (PROBE_EXIT_LOCAL);
    }
  if ((probe_opt.send_text || probe_opt.http_head)
      && !probe_opt.connect_target)
    {
      error (0, 0, _("--send and --http-head need --connect"));
      usage (PROBE_EXIT_LOCAL);
    }
  if (probe_opt.send_text && probe_opt.http_head)
    {
      error (0, 0, _("--send and --http-head cannot be used together"));
      usage (PROBE_EXIT_LOCAL);
    }
  if (probe_opt.bind_peer)
    {
      struct socks6_addr peer;
      if (!probe_parse_endpoint (probe_opt.bind_peer, &peer))
        error (PROBE_EXIT_LOCAL, 0, _("invalid BIND peer '%s': give "
                                      "ADDR:PORT, ADDR an IPv4 or [IPv6] "
                                      "address, 0.0.0.0 or [::] for any, "
                                      "PORT 0 for any"),
               probe_opt.bind_peer);
    }
  if (probe_opt.user && strlen (probe_opt.user) > 255)
    error (PROBE_EXIT_LOCAL, 0, _("user name longer than 255 octets"));
  probe_opt.server = argv[optind];
}

int
main (int argc, char **argv)
{
  const char *password_file = NULL;
  int status;

  set_program_name (argv[0]);
  setlocale (LC_ALL, "");
  bindtextdomain (PACKAGE, LOCALEDIR);
  textdomain (PACKAGE);
  atexit (close_stdout);

  parse_options (argc, argv, &password_file);
  check_options (argc, argv);
  if (probe_opt.listen)
    return probe_listen ();
  if (probe_opt.user)
    {
      probe_opt.password = read_password (password_file);
      if (probe_opt.password[0] == '\0' || strlen (probe_opt.password) > 255)
        error (PROBE_EXIT_LOCAL, 0,
               _("the password must have 1 to 255 octets"));
    }
  status = probe_opt.conformance ? probe_conformance () : probe_diagnose ();
  if (probe_opt.password)
    {
      explicit_bzero (probe_opt.password, strlen (probe_opt.password));
      free (probe_opt.password);
    }
  return status;
}
