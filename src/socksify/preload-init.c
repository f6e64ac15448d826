/* libsocks6-preload.so's start: its settings, read once from the
   SOCKS6_* variables the launcher wrote, the fake-address table, and
   the re-entrancy guard every hook passes first.

   Initialization happens on the first hooked call or in the
   constructor, whichever comes first, so a call from another library's
   constructor is handled too.  Settings the launcher did not check (the
   library preloaded by hand with a bad variable) make the library pass
   every call through and log why: a program must never die or change
   behaviour because of us.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

struct preload_state preload_state;

/* Per thread, so a thread inside the library does not stop another
   thread's calls from being socksified.  initial-exec: no allocation on
   first use, so a signal handler may touch it.  */
static __thread int preload_depth __attribute__ ((tls_model ("initial-exec")));

void
preload_busy_begin (void)
{
  preload_depth++;
}

void
preload_busy_end (void)
{
  preload_depth--;
}

bool
preload_busy (void)
{
  return preload_depth > 0;
}

static const char *
preload_getenv (const char *name)
{
  return getenv (name);
}

/* The password: SOCKS6_PASSWORD, else the first line of the password
   file.  */
static void
preload_read_password (void)
{
  struct preload_state *st = &preload_state;
  const char *env = getenv ("SOCKS6_PASSWORD");
  if (env)
    {
      size_t len = strlen (env);
      if (len <= 255)
        {
          memcpy (st->password, env, len);
          st->password_len = len;
        }
      return;
    }
  if (!st->settings.password_file[0])
    return;
  int fd = open (st->settings.password_file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      preload_log (SOCKSIFY_LOG_ERROR, "cannot read password file %s: %s",
                   st->settings.password_file, strerror (errno));
      return;
    }
  char buf[257];
  ssize_t n = read (fd, buf, sizeof buf - 1);
  preload_true.close (fd);
  if (n > 0)
    {
      buf[n] = '\0';
      size_t len = strcspn (buf, "\r\n");
      if (len <= 255)
        {
          memcpy (st->password, buf, len);
          st->password_len = len;
        }
    }
  explicit_bzero (buf, sizeof buf);
}

static void
preload_make_table (void)
{
  struct preload_state *st = &preload_state;
  int rc = fakeaddr_table_create (&st->fake, &st->settings.fake_ipv4,
                                  &st->settings.fake_ipv6, 0);
  if (rc != SOCKS6_OK)
    {
      preload_log (SOCKSIFY_LOG_ERROR, "cannot make the fake-address table:"
                   " %s; socksify does nothing", socks6_strerror (rc));
      st->broken = true;
    }
}

static void
preload_fork_child (void)
{
  preload_fd_after_fork ();
}

static void
preload_init_once (void)
{
  struct preload_state *st = &preload_state;
  preload_busy_begin ();
  socksify_settings_init (&st->settings);
  enum socksify_key key;
  const char *problem;
  if (socksify_settings_from_env (&st->settings, preload_getenv, &key,
                                  &problem) != SOCKS6_OK
      || socksify_settings_check (&st->settings, &key, &problem)
      != SOCKS6_OK)
    {
      /* The log level may be the bad one; say it on standard error only
         if logging was asked for at all.  */
      preload_log (SOCKSIFY_LOG_ERROR, "bad setting %s: %s; socksify does"
                   " nothing", socksify_key_env (key), problem);
      st->broken = true;
    }
  else
    {
      preload_read_password ();
      preload_fd_init ();
      preload_make_table ();
      st->unspec_family = socksify_settings_unspec_family (&st->settings);
      pthread_atfork (NULL, NULL, preload_fork_child);
    }
  st->ready = true;
  preload_busy_end ();
}

bool
preload_enter (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  preload_sym_load ();
  if (preload_depth > 0)
    return false;
  pthread_once (&once, preload_init_once);
  return !preload_state.broken;
}

static void preload_constructor (void) __attribute__ ((constructor));
static void
preload_constructor (void)
{
  preload_enter ();
}
