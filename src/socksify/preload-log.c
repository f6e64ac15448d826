/* Logging of libsocks6-preload.so: only when SOCKS6_LOG_LEVEL asks for
   it, on standard error or appended to SOCKS6_LOG_FILE.  The file is
   opened for each message and closed again, so the library never holds
   a descriptor the program could close or reuse under it.  Messages are
   for the person debugging, in English, one write each so lines of
   several threads do not mix.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "preload.h"

static const char *const preload_log_names[] = {
  "", "error", "warning", "info", "debug"
};

void
preload_log (enum socksify_log_level level, const char *format, ...)
{
  const struct socksify_settings *s = &preload_state.settings;
  if (level > s->log_level || level == SOCKSIFY_LOG_NONE)
    return;
  int saved_errno = errno;
  char line[1024];
  int len = snprintf (line, sizeof line, "socksify[%ld]: %s: ",
                      (long) getpid (), preload_log_names[level]);
  va_list args;
  va_start (args, format);
  int more = vsnprintf (line + len, sizeof line - len - 1, format, args);
  va_end (args);
  len = more < 0 ? len : len + more;
  if (len > (int) sizeof line - 2)
    len = sizeof line - 2;
  line[len++] = '\n';
  int fd = STDERR_FILENO;
  if (s->log_file[0])
    fd = open (s->log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      ssize_t n = write (fd, line, len);
      (void) n;
      if (fd != STDERR_FILENO && preload_true.close)
        preload_true.close (fd);
    }
  errno = saved_errno;
}
