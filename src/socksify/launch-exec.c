/* socksify's launcher: checking that PROGRAM can be socksified at all,
   writing the settings into the environment, adding the preload library
   to LD_PRELOAD and running PROGRAM.

   The dynamic loader silently ignores LD_PRELOAD for a statically linked
   program (it has no loader), for a setuid or setgid one (secure mode
   drops it), and for one of the other ELF class; such a program would
   then connect and resolve names directly, past the gateway, which is
   worse than not running it.  So those are refused, with the reason.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <elf.h>
#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "xalloc.h"

#include "launch.h"
#include "settings.h"

char *
launch_asprintf (const char *format, ...)
{
  va_list args;
  char *text;
  va_start (args, format);
  int len = vasprintf (&text, format, args);
  va_end (args);
  if (len < 0)
    xalloc_die ();
  return text;
}

const char *
launch_preload_path (void)
{
  const char *path = getenv (LAUNCH_PRELOAD_ENV);
  return path && *path ? path : PKGLIBDIR "/" LAUNCH_PRELOAD_NAME;
}

/* The file execvp would run for NAME, or NULL when none is found.  */
static char *
launch_find_program (const char *name)
{
  if (strchr (name, '/'))
    return xstrdup (name);
  const char *path = getenv ("PATH");
  if (!path)
    path = "/usr/local/bin:/usr/bin:/bin";
  while (*path)
    {
      size_t len = strcspn (path, ":");
      char *file = len ? launch_asprintf ("%.*s/%s", (int) len, path, name)
        : launch_asprintf ("./%s", name);
      if (access (file, X_OK) == 0)
        return file;
      free (file);
      path += len;
      if (*path == ':')
        path++;
    }
  return NULL;
}

/* Whether the program headers of the ELF file FD (class ELFCLASS, header
   EHDR) have a PT_INTERP: a program without one has no dynamic loader
   to honour LD_PRELOAD (static, or static-pie).  */
static bool
launch_elf_has_interp (int fd, const unsigned char *ehdr)
{
  uint64_t phoff;
  unsigned int phentsize, phnum;
  if (ehdr[EI_CLASS] == ELFCLASS64)
    {
      const Elf64_Ehdr *h = (const void *) ehdr;
      phoff = h->e_phoff;
      phentsize = h->e_phentsize;
      phnum = h->e_phnum;
    }
  else
    {
      const Elf32_Ehdr *h = (const void *) ehdr;
      phoff = h->e_phoff;
      phentsize = h->e_phentsize;
      phnum = h->e_phnum;
    }
  if (phentsize < sizeof (Elf32_Phdr) || phnum > 4096)
    return true;                /* odd; let the loader judge */
  for (unsigned int i = 0; i < phnum; i++)
    {
      /* p_type is the first 4 octets in both classes.  */
      uint32_t type;
      if (pread (fd, &type, sizeof type, phoff + (uint64_t) i * phentsize)
          != sizeof type)
        return true;
      if (type == PT_INTERP)
        return true;
    }
  return false;
}

/* Refuse FILE (found for NAME) when preloading cannot work for it.
   Scripts and other formats are left to the kernel: their interpreter
   is what runs, and is checked by nothing here.  */
static void
launch_check_program (const char *name, const char *file)
{
  struct stat st;
  if (stat (file, &st) != 0)
    error (errno == ENOENT ? LAUNCH_EXIT_NOT_FOUND : LAUNCH_EXIT_CANNOT_RUN,
           errno, "%s", name);
  if (st.st_mode & (S_ISUID | S_ISGID))
    error (LAUNCH_EXIT_CANNOT_RUN, 0,
           _("%s is set-user-ID or set-group-ID: the dynamic loader ignores "
             "LD_PRELOAD for it, so it cannot be socksified"), file);
  int fd = open (file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;                     /* execute-only: let exec decide */
  unsigned char ehdr[sizeof (Elf64_Ehdr)];
  ssize_t n = read (fd, ehdr, sizeof ehdr);
  if (n >= (ssize_t) sizeof (Elf32_Ehdr) && memcmp (ehdr, ELFMAG, SELFMAG) == 0)
    {
      int class = sizeof (void *) == 8 ? ELFCLASS64 : ELFCLASS32;
      if (ehdr[EI_CLASS] != class)
        error (LAUNCH_EXIT_CANNOT_RUN, 0,
               _("%s is a %d-bit program and the preload library is "
                 "%d-bit: it cannot be socksified"), file,
               ehdr[EI_CLASS] == ELFCLASS64 ? 64 : 32,
               class == ELFCLASS64 ? 64 : 32);
      if (n == sizeof ehdr && !launch_elf_has_interp (fd, ehdr))
        error (LAUNCH_EXIT_CANNOT_RUN, 0,
               _("%s is statically linked: it has no dynamic loader to "
                 "preload the library into, so it cannot be socksified"),
               file);
    }
  close (fd);
}

/* Put the preload library in LD_PRELOAD, after what is there (those
   libraries keep their place) unless it is already listed.  */
static void
launch_set_preload (void)
{
  const char *library = launch_preload_path ();
  if (access (library, R_OK) != 0)
    error (LAUNCH_EXIT_SETTING, errno,
           _("cannot use the preload library %s (set %s to another)"),
           library, LAUNCH_PRELOAD_ENV);
  const char *old = getenv ("LD_PRELOAD");
  if (!old || !*old)
    {
      setenv ("LD_PRELOAD", library, 1);
      return;
    }
  size_t len = strlen (library);
  for (const char *p = old; *p;)
    {
      size_t item = strcspn (p, ": ");
      if (item == len && strncmp (p, library, len) == 0)
        return;
      p += item;
      p += strspn (p, ": ");
    }
  char *value = launch_asprintf ("%s:%s", old, library);
  setenv ("LD_PRELOAD", value, 1);
  free (value);
}

/* Chromium resolves names in its browser process (getaddrinfo, since
   its network-service process may be sandboxed) and connects from its
   network service, a separate process it starts with exec: the fake
   address the one hands out is unknown to the other's fake-address
   table (a table lives for one exec, RFC 3089 section 5), so the
   connect would fail.  The feature NetworkServiceInProcess2 runs the
   network service in the browser process, with one table.  */
static const char *const launch_chromium_names[] = {
  "chromium", "chromium-browser", "chrome", "google-chrome",
  "google-chrome-stable", "google-chrome-beta", "google-chrome-unstable",
  "chrome-headless-shell",
};

#define LAUNCH_CHROMIUM_FEATURE "NetworkServiceInProcess2"
#define LAUNCH_FEATURES_SWITCH "--enable-features="

static bool
launch_is_chromium (const char *file)
{
  const char *base = strrchr (file, '/');
  base = base ? base + 1 : file;
  for (size_t i = 0; i < sizeof launch_chromium_names
       / sizeof launch_chromium_names[0]; i++)
    if (strcmp (base, launch_chromium_names[i]) == 0)
      return true;
  return false;
}

/* ARGV for Chromium with LAUNCH_CHROMIUM_FEATURE enabled: added to the
   program's own --enable-features (Chromium obeys only the last one),
   or as a switch of its own right after the program name.  */
static char **
launch_chromium_argv (char **argv)
{
  size_t argc = 1;
  size_t last = 0;              /* none */
  bool switches = true;         /* until "--" */
  for (; argv[argc]; argc++)
    if (strcmp (argv[argc], "--") == 0)
      switches = false;
    else if (switches && strncmp (argv[argc], LAUNCH_FEATURES_SWITCH,
                                  sizeof LAUNCH_FEATURES_SWITCH - 1) == 0)
      last = argc;
  char **copy = xnmalloc (argc + 2, sizeof *copy);
  size_t n = 0;
  copy[n++] = argv[0];
  if (!last)
    copy[n++] = xstrdup (LAUNCH_FEATURES_SWITCH LAUNCH_CHROMIUM_FEATURE);
  for (size_t i = 1; i <= argc; i++)
    copy[n++] = i == last
      ? launch_asprintf ("%s%s" LAUNCH_CHROMIUM_FEATURE, argv[i],
                         argv[i][sizeof LAUNCH_FEATURES_SWITCH - 1]
                         ? "," : "")
      : argv[i];
  return copy;
}

/* Write every setting into its SOCKS6_* variable, in canonical form,
   so the library reads exactly what was checked here.  */
static void
launch_export_settings (const struct socksify_settings *settings)
{
  for (int key = 0; key < SOCKSIFY_KEY_COUNT; key++)
    {
      char value[SOCKSIFY_PATH_MAX + 64];
      const char *env = socksify_key_env (key);
      int len = socksify_settings_format (settings, key, value, sizeof value);
      if (len > 0)
        setenv (env, value, 1);
      else
        unsetenv (env);
    }
}

void
launch_exec (const struct socksify_settings *settings, char **argv)
{
  char *file = launch_find_program (argv[0]);
  if (!file)
    error (LAUNCH_EXIT_NOT_FOUND, 0, _("%s: command not found"), argv[0]);
  launch_check_program (argv[0], file);
  launch_export_settings (settings);
  launch_set_preload ();
  if (launch_is_chromium (argv[0]) || launch_is_chromium (file))
    argv = launch_chromium_argv (argv);
  /* Flush now: after exec, close_stdout would never run.  */
  fflush (stdout);
  execv (file, argv);
  int err = errno;
  error (err == ENOENT ? LAUNCH_EXIT_NOT_FOUND : LAUNCH_EXIT_CANNOT_RUN, err,
         _("cannot run %s"), argv[0]);
  abort ();
}
