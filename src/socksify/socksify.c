/* socksify: run a program with its TCP connections and name lookups
   going through a SOCKS 5 gateway (RFC 3089's "Socks Lib").

   The launcher gathers the settings (command line, SOCKS6_* environment
   variables, the user's and the system's configuration files), checks
   all of them before anything runs, writes them into the environment
   for the preload library, adds that library to LD_PRELOAD and execs the
   program.  It refuses programs the dynamic loader would not preload
   into (static, setuid), since running them unsocksified would silently
   send their traffic and lookups past the gateway.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <error.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "closeout.h"
#include "i18n.h"
#include "progname.h"
#include "version-etc.h"

#include "launch.h"
#include "settings.h"

#ifndef SYSCONFDIR
# define SYSCONFDIR "/etc"
#endif

#define AUTHORS "The socks6 authors"

enum
{
  OPTION_FAKE_IPV4 = CHAR_MAX + 1,
  OPTION_FAKE_IPV6,
  OPTION_PASSWORD_FILE,
  OPTION_RESOLVE,
  OPTION_NO_RESOLVE,
  OPTION_HOSTS_FILE,
  OPTION_NO_HOSTS_FILE,
  OPTION_PIPELINING,
  OPTION_NO_PIPELINING,
  OPTION_UNSPEC_FAMILY,
  OPTION_CONNECT_MODE,
  OPTION_CHAIN,
  OPTION_NO_CHAIN,
  OPTION_BIND_MODE,
  OPTION_TIMEOUT,
  OPTION_LOG_LEVEL,
  OPTION_LOG_FILE,
  OPTION_HELP,
  OPTION_VERSION
};

static const struct option long_options[] = {
  {"server", required_argument, NULL, 's'},
  {"user", required_argument, NULL, 'U'},
  {"password-file", required_argument, NULL, OPTION_PASSWORD_FILE},
  {"direct", required_argument, NULL, 'd'},
  {"fake-ipv4", required_argument, NULL, OPTION_FAKE_IPV4},
  {"fake-ipv6", required_argument, NULL, OPTION_FAKE_IPV6},
  {"resolve-at-gateway", no_argument, NULL, OPTION_RESOLVE},
  {"no-resolve-at-gateway", no_argument, NULL, OPTION_NO_RESOLVE},
  {"hosts-file", no_argument, NULL, OPTION_HOSTS_FILE},
  {"no-hosts-file", no_argument, NULL, OPTION_NO_HOSTS_FILE},
  {"pipelining", no_argument, NULL, OPTION_PIPELINING},
  {"no-pipelining", no_argument, NULL, OPTION_NO_PIPELINING},
  {"unspec-family", required_argument, NULL, OPTION_UNSPEC_FAMILY},
  {"connect-mode", required_argument, NULL, OPTION_CONNECT_MODE},
  {"chain", no_argument, NULL, OPTION_CHAIN},
  {"no-chain", no_argument, NULL, OPTION_NO_CHAIN},
  {"bind-mode", required_argument, NULL, OPTION_BIND_MODE},
  {"timeout", required_argument, NULL, OPTION_TIMEOUT},
  {"log-level", required_argument, NULL, OPTION_LOG_LEVEL},
  {"log-file", required_argument, NULL, OPTION_LOG_FILE},
  {"config", required_argument, NULL, 'c'},
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
  printf (_("Usage: %s [OPTION]... [PROGRAM [ARG]...]\n"), program_name);
  fputs (_("\
Run PROGRAM with its TCP connections and name lookups going through a\n\
SOCKS 5 gateway.  With no PROGRAM, print what would be done.\n\
\n"), stdout);
  fputs (_("\
Mandatory arguments to long options are mandatory for short options too.\n"),
         stdout);
  /* TRANSLATORS: keep the option names; align the descriptions.  */
  fputs (_("\
  -s, --server=HOST:PORT      use this gateway; repeat for fail-over, tried\n\
                                in order (default 127.0.0.1:1080)\n\
  -U, --user=NAME             authenticate as NAME (RFC 1929); the password\n\
                                comes from SOCKS6_PASSWORD or --password-file\n\
      --password-file=FILE    read the password from the first line of FILE\n\
      --chain                 with several -s, tunnel through each gateway\n\
                                in turn instead of failing over\n\
      --no-chain              fail over between the gateways (the default)\n\
"), stdout);
  fputs (_("\
  -d, --direct=PREFIX         reach addresses in PREFIX (or names under the\n\
                                domain PREFIX) without the gateway; repeatable;\n\
                                loopback is always direct\n\
      --fake-ipv4=RANGE       hand out fake IPv4 addresses from RANGE\n\
                                (default 198.18.0.0/15)\n\
      --fake-ipv6=RANGE       hand out fake IPv6 addresses from RANGE\n\
                                (default 100::/64)\n\
"), stdout);
  fputs (_("\
      --resolve-at-gateway    ask the gateway (RESOLVE) at lookup time, so a\n\
                                name that does not exist fails there\n\
      --no-resolve-at-gateway  hand out fake addresses without asking\n\
                                (the default)\n\
      --hosts-file            resolve names listed in /etc/hosts locally\n\
                                (the default)\n\
      --no-hosts-file         send those names to the gateway too\n\
      --no-pipelining         wait for each answer of the handshake, for\n\
                                servers that lose pipelined bytes\n\
                                (microsocks); --pipelining is the default\n\
      --unspec-family=FAMILY  family of the fake address a lookup of either\n\
                                family gets: auto, ipv4 or ipv6 (default auto)\n\
      --connect-mode=MODE     on a non-blocking socket, return EINPROGRESS\n\
                                and finish the handshake while the program\n\
                                waits in poll or epoll (async, the default),\n\
                                or run it inside connect (blocking)\n\
      --bind-mode=MODE        auto (the default): a program connected through\n\
                                the gateway that listens for the reverse\n\
                                connection (active FTP) gets a SOCKS BIND;\n\
                                never: every listen stays local\n\
"), stdout);
  fputs (_("\
      --timeout=SECONDS       bound each step of a connect (default 30)\n\
      --log-level=LEVEL       none, error, warning, info or debug\n\
                                (default none)\n\
      --log-file=FILE         log there instead of on standard error\n\
  -c, --config=FILE           read FILE instead of the configuration files\n\
"), stdout);
  fputs (_("\
      --help                  display this help and exit\n\
      --version               output version information and exit\n\
"), stdout);
  printf (_("\
\n\
Settings come from the command line, then the SOCKS6_* environment\n\
variables, then $XDG_CONFIG_HOME/socks6/socksify.conf, then\n\
%s/socks6/socksify.conf, the first one found winning.  SOCKS6_PRELOAD\n\
names another preload library (for tests in a build tree).\n\
"), SYSCONFDIR);
  fputs (_("\
\n\
Exit status: PROGRAM's status; 125 if a setting is bad; 126 if PROGRAM\n\
cannot be run or socksified (static or setuid); 127 if it is not found;\n\
2 for a command line error.\n"), stdout);
  /* socks6 has no web page of its own yet: gnulib's
     emit_bug_reporting_address would print an empty one.  */
  printf (_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
  printf (_("Full documentation: info socks6\n"));
  exit (status);
}

/* Set KEY from the command line, or exit naming the option.  */
static void
set_option (struct socksify_settings *settings, enum socksify_key key,
            const char *value)
{
  const char *problem;
  int rc = socksify_settings_set (settings, key, value,
                                  SOCKSIFY_SOURCE_COMMAND_LINE, &problem);
  if (rc != SOCKS6_OK)
    error (LAUNCH_EXIT_SETTING, 0, _("invalid value '%s' for --%s: %s"),
           value, socksify_key_name (key),
           problem ? _(problem) : socks6_strerror (rc));
}

static const char *
parse_options (int argc, char **argv, struct socksify_settings *settings)
{
  const char *config = NULL;
  int c;
  /* "+": stop at PROGRAM, whose own options are not ours.  */
  while ((c = getopt_long (argc, argv, "+s:U:d:c:", long_options, NULL))
         != -1)
    switch (c)
      {
      case 's': set_option (settings, SOCKSIFY_KEY_SERVER, optarg); break;
      case 'U': set_option (settings, SOCKSIFY_KEY_USER, optarg); break;
      case 'd': set_option (settings, SOCKSIFY_KEY_DIRECT, optarg); break;
      case 'c': config = optarg; break;
      case OPTION_PASSWORD_FILE:
        set_option (settings, SOCKSIFY_KEY_PASSWORD_FILE, optarg); break;
      case OPTION_FAKE_IPV4:
        set_option (settings, SOCKSIFY_KEY_FAKE_IPV4, optarg); break;
      case OPTION_FAKE_IPV6:
        set_option (settings, SOCKSIFY_KEY_FAKE_IPV6, optarg); break;
      case OPTION_RESOLVE:
      case OPTION_NO_RESOLVE:
        set_option (settings, SOCKSIFY_KEY_RESOLVE,
                    c == OPTION_RESOLVE ? "yes" : "no");
        break;
      case OPTION_HOSTS_FILE:
      case OPTION_NO_HOSTS_FILE:
        set_option (settings, SOCKSIFY_KEY_HOSTS,
                    c == OPTION_HOSTS_FILE ? "yes" : "no");
        break;
      case OPTION_PIPELINING:
      case OPTION_NO_PIPELINING:
        set_option (settings, SOCKSIFY_KEY_PIPELINING,
                    c == OPTION_PIPELINING ? "yes" : "no");
        break;
      case OPTION_UNSPEC_FAMILY:
        set_option (settings, SOCKSIFY_KEY_UNSPEC_FAMILY, optarg); break;
      case OPTION_CONNECT_MODE:
        set_option (settings, SOCKSIFY_KEY_CONNECT_MODE, optarg); break;
      case OPTION_CHAIN:
      case OPTION_NO_CHAIN:
        set_option (settings, SOCKSIFY_KEY_CHAIN,
                    c == OPTION_CHAIN ? "yes" : "no");
        break;
      case OPTION_BIND_MODE:
        set_option (settings, SOCKSIFY_KEY_BIND_MODE, optarg); break;
      case OPTION_TIMEOUT:
        set_option (settings, SOCKSIFY_KEY_TIMEOUT, optarg); break;
      case OPTION_LOG_LEVEL:
        set_option (settings, SOCKSIFY_KEY_LOG_LEVEL, optarg); break;
      case OPTION_LOG_FILE:
        set_option (settings, SOCKSIFY_KEY_LOG_FILE, optarg); break;
      case OPTION_HELP:
        usage (EXIT_SUCCESS);
        break;
      case OPTION_VERSION:
        version_etc (stdout, "socksify", PACKAGE_NAME, VERSION, AUTHORS,
                     (char *) NULL);
        exit (EXIT_SUCCESS);
      default:
        usage (LAUNCH_EXIT_USAGE);
      }
  return config;
}

int
main (int argc, char **argv)
{
  set_program_name (argv[0]);
  setlocale (LC_ALL, "");
  bindtextdomain (PACKAGE, LOCALEDIR);
  textdomain (PACKAGE);
  atexit (close_stdout);

  struct socksify_settings settings;
  socksify_settings_init (&settings);
  const char *config = parse_options (argc, argv, &settings);
  launch_read_environment (&settings);
  launch_read_config_files (&settings, config);
  launch_check_settings (&settings);

  if (optind == argc)
    {
      launch_print_summary (&settings);
      return EXIT_SUCCESS;
    }
  launch_exec (&settings, argv + optind);
}
