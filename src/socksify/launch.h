/* The parts of socksify's launcher below its option parsing: reading the
   environment and the configuration files, checking the settings as a
   whole, the summary printed when no program is given, and preparing the
   environment and running the program.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKSIFY_LAUNCH_H
#define SOCKSIFY_LAUNCH_H

#include "settings.h"

/* Exit statuses of the launcher itself, as env(1) and nice(1) use them,
   so they rarely collide with the program's own.  */
enum
{
  LAUNCH_EXIT_USAGE = 2,
  LAUNCH_EXIT_SETTING = 125,
  LAUNCH_EXIT_CANNOT_RUN = 126,
  LAUNCH_EXIT_NOT_FOUND = 127
};

/* asprintf that exits with xalloc_die's message when memory runs out.  */
extern char *launch_asprintf (const char *format, ...)
  __attribute__ ((format (printf, 1, 2), returns_nonnull));

/* The library path when SOCKS6_PRELOAD does not name another.  */
#ifndef PKGLIBDIR
# define PKGLIBDIR "/usr/local/lib/socks6"
#endif
#define LAUNCH_PRELOAD_NAME "libsocks6-preload.so"
#define LAUNCH_PRELOAD_ENV "SOCKS6_PRELOAD"
#define LAUNCH_PASSWORD_ENV "SOCKS6_PASSWORD"

/* Each of these exits with a message naming the setting and where it
   came from when something is wrong.  */
extern void launch_read_environment (struct socksify_settings *settings);
extern void launch_read_config_files (struct socksify_settings *settings,
                                      const char *config);
extern void launch_check_settings (struct socksify_settings *settings);
extern void launch_print_summary (const struct socksify_settings *settings);

/* Export SETTINGS, preload the library and exec ARGV; never returns.  */
extern _Noreturn void launch_exec (const struct socksify_settings *settings,
                                   char **argv);

/* The preload library's path.  */
extern const char *launch_preload_path (void);

#endif /* SOCKSIFY_LAUNCH_H */
