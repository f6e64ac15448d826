/* socks6d's logging: one formatted line per message, written whole to
   stderr, a file or syslog, so that lines from several worker threads
   never interleave.  See log.h.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

enum log_sink
{
  LOG_SINK_STDERR,
  LOG_SINK_SYSLOG,
  LOG_SINK_FILE
};

/* Everything below is guarded by log_lock: a reload may change the
   target while workers log.  */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *log_progname = "socks6d";
static enum log_sink log_sink = LOG_SINK_STDERR;
static int log_fd = -1;
static int log_level;
static bool log_syslog_open;

void
log_init (const char *progname, bool foreground_stderr, int verbosity)
{
  pthread_mutex_lock (&log_lock);
  if (progname)
    {
      const char *slash = strrchr (progname, '/');
      log_progname = slash ? slash + 1 : progname;
    }
  log_level = verbosity;
  if (log_fd >= 0)
    {
      close (log_fd);
      log_fd = -1;
    }
  if (foreground_stderr)
    log_sink = LOG_SINK_STDERR;
  else
    {
      if (!log_syslog_open)
        openlog (log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
      log_syslog_open = true;
      log_sink = LOG_SINK_SYSLOG;
    }
  pthread_mutex_unlock (&log_lock);
}

int
log_set_target (const char *target)
{
  int fd = -1;
  enum log_sink sink;

  if (strcmp (target, "stderr") == 0)
    sink = LOG_SINK_STDERR;
  else if (strcmp (target, "syslog") == 0)
    sink = LOG_SINK_SYSLOG;
  else
    {
      /* Opened before taking the lock: opening may be slow, and a failure
         must leave the current target in place.  */
      fd = open (target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
                 0640);
      if (fd < 0)
        return errno;
      sink = LOG_SINK_FILE;
    }

  pthread_mutex_lock (&log_lock);
  if (log_fd >= 0)
    close (log_fd);
  log_fd = fd;
  log_sink = sink;
  if (sink == LOG_SINK_SYSLOG && !log_syslog_open)
    {
      openlog (log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
      log_syslog_open = true;
    }
  pthread_mutex_unlock (&log_lock);
  return 0;
}

void
log_set_verbosity (int verbosity)
{
  __atomic_store_n (&log_level, verbosity, __ATOMIC_RELAXED);
}

int
log_verbosity (void)
{
  return __atomic_load_n (&log_level, __ATOMIC_RELAXED);
}

/* Write all of BUF to FD, retrying after signals and short writes.  */
static void
log_write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      buf += n;
      len -= n;
    }
}

/* Send the finished MESSAGE (no newline) to the current sink; called with
   log_lock held.  */
static void
log_emit (int priority, const char *message)
{
  char *line;
  int len;

  if (log_sink == LOG_SINK_SYSLOG)
    {
      syslog (priority, "%s", message);
      return;
    }
  if (log_sink == LOG_SINK_FILE)
    {
      char stamp[64];
      struct tm tm;
      time_t now = time (NULL);

      if (!localtime_r (&now, &tm)
          || strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
        stamp[0] = '\0';
      len = asprintf (&line, "%s %s[%ld]: %s\n", stamp, log_progname,
                      (long) getpid (), message);
    }
  else
    len = asprintf (&line, "%s: %s\n", log_progname, message);
  if (len < 0)
    return;
  log_write_all (log_sink == LOG_SINK_FILE ? log_fd : STDERR_FILENO,
                 line, len);
  free (line);
}

void
log_vmessage (int priority, int errnum, const char *fmt, va_list args)
{
  char *text;
  char *full = NULL;

  /* Checked before formatting: debug calls sit on hot paths.  A relaxed
     load is enough, a change of verbosity may take effect a line late.  */
  if (priority == LOG_DEBUG && __atomic_load_n (&log_level, __ATOMIC_RELAXED) < 1)
    return;
  if (vasprintf (&text, fmt, args) < 0)
    return;
  pthread_mutex_lock (&log_lock);
  /* strerror is called under the lock: its buffer for unknown codes is
     not ours to share.  */
  if (errnum != 0 && asprintf (&full, "%s: %s", text, strerror (errnum)) < 0)
    full = NULL;
  log_emit (priority, full ? full : text);
  pthread_mutex_unlock (&log_lock);
  free (full);
  free (text);
}

#define LOG_FORWARD(priority, errnum)           \
  do                                            \
    {                                           \
      va_list args;                             \
      va_start (args, fmt);                     \
      log_vmessage (priority, errnum, fmt, args);       \
      va_end (args);                            \
    }                                           \
  while (0)

void
log_warn (const char *fmt, ...)
{
  int saved_errno = errno;

  LOG_FORWARD (LOG_WARNING, saved_errno);
  errno = saved_errno;
}

void
log_warnx (const char *fmt, ...)
{
  LOG_FORWARD (LOG_WARNING, 0);
}

void
log_info (const char *fmt, ...)
{
  LOG_FORWARD (LOG_INFO, 0);
}

void
log_debug (const char *fmt, ...)
{
  int saved_errno = errno;

  LOG_FORWARD (LOG_DEBUG, 0);
  errno = saved_errno;
}

void
fatal (const char *fmt, ...)
{
  int saved_errno = errno;

  LOG_FORWARD (LOG_CRIT, saved_errno);
  exit (EXIT_FAILURE);
}

void
fatalx (const char *fmt, ...)
{
  LOG_FORWARD (LOG_CRIT, 0);
  exit (EXIT_FAILURE);
}
