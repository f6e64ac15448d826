/* socks6d's logging: warnings, information and debugging messages to
   stderr when running in the foreground, otherwise to syslog (facility
   LOG_DAEMON) or to a file, from any thread.

   Callers pass format strings already translated (log_warnx (_("..."),
   ...)); the log functions add only the program name, a time stamp for
   files, and strerror (errno) for log_warn and fatal.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_LOG_H
#define SOCKS6D_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#if defined __GNUC__ && !defined LOG_PRINTF
# define LOG_PRINTF(fmt, args) \
  __attribute__ ((__format__ (__printf__, fmt, args)))
#else
# define LOG_PRINTF(fmt, args)
#endif

/* Start logging as PROGNAME (kept, not copied): to stderr when
   FOREGROUND_STDERR, otherwise to syslog.  VERBOSITY 0 logs warnings and
   information; 1 or more adds debugging messages.  May be called again.  */
extern void log_init (const char *progname, bool foreground_stderr,
                      int verbosity);

/* Send messages to TARGET: "stderr", "syslog", or the absolute path of a
   file opened for appending.  Return 0, or an errno value when the file
   cannot be opened (the previous target is then kept).  */
extern int log_set_target (const char *target);

extern void log_set_verbosity (int verbosity);
extern int log_verbosity (void);

/* A warning followed by ": " and strerror (errno).  */
extern void log_warn (const char *fmt, ...) LOG_PRINTF (1, 2);
/* A warning as it is.  */
extern void log_warnx (const char *fmt, ...) LOG_PRINTF (1, 2);
/* Information: session ends, reloads, statistics.  */
extern void log_info (const char *fmt, ...) LOG_PRINTF (1, 2);
/* Debugging: only when the verbosity is 1 or more.  */
extern void log_debug (const char *fmt, ...) LOG_PRINTF (1, 2);

/* Log like log_warn / log_warnx, then exit with status EXIT_FAILURE.  */
extern _Noreturn void fatal (const char *fmt, ...) LOG_PRINTF (1, 2);
extern _Noreturn void fatalx (const char *fmt, ...) LOG_PRINTF (1, 2);

/* The va_list form behind the others; PRIORITY is a syslog priority
   (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG), ERRNUM 0 or an errno.  */
extern void log_vmessage (int priority, int errnum, const char *fmt,
                          va_list args) LOG_PRINTF (3, 0);

#endif /* SOCKS6D_LOG_H */
