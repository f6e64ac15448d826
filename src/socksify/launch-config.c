/* socksify's launcher: the settings from the environment and the
   configuration files, their check as a whole, and the summary printed
   when no program is given.  Every complaint names the setting and the
   place it came from, because with four sources a bad value is otherwise
   hard to find.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "i18n.h"
#include "xalloc.h"

#include "launch.h"
#include "settings.h"

#ifndef SYSCONFDIR
# define SYSCONFDIR "/etc"
#endif

#define LAUNCH_CONFIG_SUFFIX "/socks6/socksify.conf"
#define LAUNCH_LINE_MAX 8192

/* The file each configuration source was read from, for messages.  */
static char *launch_config_file[SOCKSIFY_SOURCE_COMMAND_LINE + 1];

/* Where KEY's value came from, as a phrase for messages.  */
static char *
launch_source_text (const struct socksify_settings *settings,
                    enum socksify_key key)
{
  char *text;
  switch (settings->source[key])
    {
    case SOCKSIFY_SOURCE_COMMAND_LINE:
      return launch_asprintf (_("option --%s"), socksify_key_name (key));
    case SOCKSIFY_SOURCE_ENVIRONMENT:
      return launch_asprintf (_("environment variable %s"),
                        socksify_key_env (key));
    case SOCKSIFY_SOURCE_SYSTEM_CONFIG:
    case SOCKSIFY_SOURCE_USER_CONFIG:
      text = launch_asprintf (_("'%s' in %s"), socksify_key_name (key),
                        launch_config_file[settings->source[key]]);
      return text;
    default:
      return xstrdup (_("default"));
    }
}

static const char *
launch_getenv (const char *name)
{
  return getenv (name);
}

void
launch_read_environment (struct socksify_settings *settings)
{
  enum socksify_key key;
  const char *problem;
  int rc = socksify_settings_from_env (settings, launch_getenv, &key,
                                       &problem);
  if (rc != SOCKS6_OK)
    error (LAUNCH_EXIT_SETTING, 0,
           _("invalid value '%s' in environment variable %s: %s"),
           getenv (socksify_key_env (key)), socksify_key_env (key),
           problem ? _(problem) : socks6_strerror (rc));
}

/* Split LINE into a key and a value: "key = value", "key value", or a
   bare "key" (a yes for the yes-or-no settings).  Return false for a
   blank or comment line.  */
static bool
launch_split_line (char *line, char **key, char **value)
{
  line[strcspn (line, "\r\n")] = '\0';
  char *hash = strchr (line, '#');
  if (hash)
    *hash = '\0';
  char *p = line + strspn (line, " \t");
  if (!*p)
    return false;
  *key = p;
  p += strcspn (p, " \t=");
  char *end_of_key = p;
  p += strspn (p, " \t");
  if (*p == '=')
    p++;
  p += strspn (p, " \t");
  *end_of_key = '\0';
  size_t len = strlen (p);
  while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
    p[--len] = '\0';
  *value = p;
  return true;
}

static void
launch_config_line (struct socksify_settings *settings, const char *file,
                    unsigned long lineno, char *line,
                    enum socksify_source source)
{
  char *name, *value;
  if (!launch_split_line (line, &name, &value))
    return;
  int key = socksify_key_lookup (name);
  if (key < 0)
    error_at_line (LAUNCH_EXIT_SETTING, 0, file, lineno,
                   _("unknown setting '%s'"), name);
  if (!*value && (key == SOCKSIFY_KEY_RESOLVE || key == SOCKSIFY_KEY_HOSTS
                  || key == SOCKSIFY_KEY_PIPELINING
                  || key == SOCKSIFY_KEY_CHAIN))
    value = (char *) "yes";
  const char *problem;
  int rc = socksify_settings_set (settings, key, value, source, &problem);
  if (rc != SOCKS6_OK)
    error_at_line (LAUNCH_EXIT_SETTING, 0, file, lineno,
                   _("invalid value '%s' for '%s': %s"), value, name,
                   problem ? _(problem) : socks6_strerror (rc));
}

/* Read FILE as SOURCE.  A missing file is fine unless MUST_EXIST.  */
static void
launch_read_config (struct socksify_settings *settings, const char *file,
                    enum socksify_source source, bool must_exist)
{
  FILE *stream = fopen (file, "r");
  if (!stream)
    {
      if (must_exist || errno != ENOENT)
        error (LAUNCH_EXIT_SETTING, errno, _("cannot read %s"), file);
      return;
    }
  launch_config_file[source] = xstrdup (file);
  char line[LAUNCH_LINE_MAX];
  unsigned long lineno = 0;
  while (fgets (line, sizeof line, stream))
    {
      lineno++;
      if (!strchr (line, '\n') && !feof (stream))
        error_at_line (LAUNCH_EXIT_SETTING, 0, file, lineno,
                       _("line too long"));
      launch_config_line (settings, file, lineno, line, source);
    }
  if (ferror (stream))
    error (LAUNCH_EXIT_SETTING, errno, _("cannot read %s"), file);
  fclose (stream);
}

void
launch_read_config_files (struct socksify_settings *settings,
                          const char *config)
{
  if (config)
    {
      launch_read_config (settings, config, SOCKSIFY_SOURCE_USER_CONFIG,
                          true);
      return;
    }
  launch_read_config (settings, SYSCONFDIR LAUNCH_CONFIG_SUFFIX,
                      SOCKSIFY_SOURCE_SYSTEM_CONFIG, false);
  const char *xdg = getenv ("XDG_CONFIG_HOME");
  const char *home = getenv ("HOME");
  char *user_file = NULL;
  if (xdg && *xdg == '/')
    user_file = launch_asprintf ("%s%s", xdg, LAUNCH_CONFIG_SUFFIX);
  else if (home && *home)
    user_file = launch_asprintf ("%s/.config%s", home, LAUNCH_CONFIG_SUFFIX);
  if (user_file)
    launch_read_config (settings, user_file, SOCKSIFY_SOURCE_USER_CONFIG,
                        false);
  free (user_file);
}

/* A user needs a password and a password needs a user; the password
   file must give 1 to 255 octets on its first line.  */
static void
launch_check_credentials (const struct socksify_settings *settings)
{
  bool from_env = getenv (LAUNCH_PASSWORD_ENV) != NULL;
  if (!settings->user[0])
    {
      if (settings->password_file[0])
        error (LAUNCH_EXIT_SETTING, 0,
               _("a password file (%s) needs a user name (--user)"),
               settings->password_file);
      return;
    }
  if (from_env)
    {
      size_t len = strlen (getenv (LAUNCH_PASSWORD_ENV));
      if (len == 0 || len > 255)
        error (LAUNCH_EXIT_SETTING, 0,
               _("environment variable %s: a password must have 1 to 255 "
                 "octets"), LAUNCH_PASSWORD_ENV);
      return;
    }
  if (!settings->password_file[0])
    error (LAUNCH_EXIT_SETTING, 0,
           _("user '%s' needs a password: set %s or use --password-file"),
           settings->user, LAUNCH_PASSWORD_ENV);
  FILE *stream = fopen (settings->password_file, "r");
  if (!stream)
    error (LAUNCH_EXIT_SETTING, errno, _("cannot read password file %s"),
           settings->password_file);
  char line[512];
  size_t len = 0;
  if (fgets (line, sizeof line, stream))
    len = strcspn (line, "\r\n");
  explicit_bzero (line, sizeof line);
  fclose (stream);
  if (len == 0 || len > 255)
    error (LAUNCH_EXIT_SETTING, 0,
           _("password file %s: the first line must have 1 to 255 octets"),
           settings->password_file);
}

void
launch_check_settings (struct socksify_settings *settings)
{
  enum socksify_key key;
  const char *problem;
  if (socksify_settings_check (settings, &key, &problem) != SOCKS6_OK)
    {
      char value[256];
      socksify_settings_format (settings, key, value, sizeof value);
      char *where = launch_source_text (settings, key);
      error (LAUNCH_EXIT_SETTING, 0, _("invalid value '%s' (%s): %s"),
             value, where, problem);
    }
  launch_check_credentials (settings);
}

static void
launch_print_setting (const struct socksify_settings *settings,
                      enum socksify_key key, const char *label)
{
  char value[SOCKSIFY_PATH_MAX + 64];
  if (socksify_settings_format (settings, key, value, sizeof value) < 0)
    value[0] = '\0';
  char *where = launch_source_text (settings, key);
  printf ("  %-28s %s  [%s]\n", label, value[0] ? value : "-", where);
  free (where);
}

void
launch_print_summary (const struct socksify_settings *settings)
{
  int family = socksify_settings_unspec_family (settings);
  printf (_("Programs run by socksify would use:\n"));
  launch_print_setting (settings, SOCKSIFY_KEY_SERVER,
                        _("gateways, in order:"));
  launch_print_setting (settings, SOCKSIFY_KEY_CHAIN,
                        _("chained (not fail-over):"));
  launch_print_setting (settings, SOCKSIFY_KEY_USER, _("user:"));
  if (settings->user[0] && getenv (LAUNCH_PASSWORD_ENV))
    printf ("  %-28s %s\n", _("password:"), _("from SOCKS6_PASSWORD"));
  else
    launch_print_setting (settings, SOCKSIFY_KEY_PASSWORD_FILE,
                          _("password file:"));
  launch_print_setting (settings, SOCKSIFY_KEY_FAKE_IPV4,
                        _("fake IPv4 range:"));
  launch_print_setting (settings, SOCKSIFY_KEY_FAKE_IPV6,
                        _("fake IPv6 range:"));
  launch_print_setting (settings, SOCKSIFY_KEY_DIRECT,
                        _("direct (and loopback):"));
  launch_print_setting (settings, SOCKSIFY_KEY_HOSTS,
                        _("/etc/hosts names local:"));
  launch_print_setting (settings, SOCKSIFY_KEY_PIPELINING,
                        _("pipelined handshake:"));
  launch_print_setting (settings, SOCKSIFY_KEY_CONNECT_MODE,
                        _("non-blocking connect:"));
  launch_print_setting (settings, SOCKSIFY_KEY_BIND_MODE,
                        _("listen for the peer (BIND):"));
  launch_print_setting (settings, SOCKSIFY_KEY_RESOLVE,
                        _("RESOLVE at lookup time:"));
  launch_print_setting (settings, SOCKSIFY_KEY_UNSPEC_FAMILY,
                        _("family for AF_UNSPEC:"));
  printf ("  %-28s %s\n", "", family == AF_INET6
          ? _("(now: IPv6)") : _("(now: IPv4)"));
  launch_print_setting (settings, SOCKSIFY_KEY_TIMEOUT,
                        _("timeout (seconds):"));
  launch_print_setting (settings, SOCKSIFY_KEY_LOG_LEVEL, _("log level:"));
  launch_print_setting (settings, SOCKSIFY_KEY_LOG_FILE, _("log file:"));
  printf ("  %-28s %s\n", _("preload library:"), launch_preload_path ());
}
