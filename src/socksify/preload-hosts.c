/* /etc/hosts as libsocks6-preload.so sees it: names listed there are
   resolved by the system (they are local knowledge: "localhost", the
   host's own name, names an administrator pinned), and their addresses
   may be named back by the system.  Read once, on first use; a program
   running for days does not see later edits, as with nscd.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "preload.h"

#define PRELOAD_HOSTS_FILE "/etc/hosts"
/* Enough for any hand-written file; a longer one is read in part.  */
#define PRELOAD_HOSTS_MAX 4096

struct preload_hosts_entry
{
  int family;
  unsigned char addr[16];
  char *name;
};

static struct preload_hosts_entry *preload_hosts;
static size_t preload_hosts_count;

static void
preload_hosts_add (int family, const unsigned char *addr, const char *name)
{
  if (preload_hosts_count == PRELOAD_HOSTS_MAX)
    return;
  char *copy = strdup (name);
  if (!copy)
    return;
  struct preload_hosts_entry *e = &preload_hosts[preload_hosts_count++];
  e->family = family;
  memcpy (e->addr, addr, family == AF_INET ? 4 : 16);
  e->name = copy;
}

static void
preload_hosts_line (char *line)
{
  line[strcspn (line, "#\n")] = '\0';
  char *save;
  char *text = strtok_r (line, " \t", &save);
  if (!text)
    return;
  unsigned char addr[16];
  int family = AF_INET;
  if (inet_pton (AF_INET, text, addr) != 1)
    {
      family = AF_INET6;
      if (inet_pton (AF_INET6, text, addr) != 1)
        return;
    }
  for (char *name; (name = strtok_r (NULL, " \t", &save));)
    preload_hosts_add (family, addr, name);
}

static void
preload_hosts_load (void)
{
  preload_hosts = calloc (PRELOAD_HOSTS_MAX, sizeof *preload_hosts);
  if (!preload_hosts)
    return;
  FILE *stream = fopen (PRELOAD_HOSTS_FILE, "re");
  if (!stream)
    return;
  char line[1024];
  while (fgets (line, sizeof line, stream))
    preload_hosts_line (line);
  fclose (stream);
}

static void
preload_hosts_ready (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, preload_hosts_load);
}

bool
preload_hosts_has_name (const char *name)
{
  preload_hosts_ready ();
  size_t len = strlen (name);
  if (len > 0 && name[len - 1] == '.')
    len--;
  for (size_t i = 0; i < preload_hosts_count; i++)
    if (strncasecmp (preload_hosts[i].name, name, len) == 0
        && preload_hosts[i].name[len] == '\0')
      return true;
  return false;
}

bool
preload_hosts_has_addr (int family, const void *addr)
{
  preload_hosts_ready ();
  for (size_t i = 0; i < preload_hosts_count; i++)
    if (preload_hosts[i].family == family
        && memcmp (preload_hosts[i].addr, addr,
                   family == AF_INET ? 4 : 16) == 0)
      return true;
  return false;
}
