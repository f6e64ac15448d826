/* socks6d's username/password check: a cached copy of the password file,
   re-read when the file changes, hashes checked with libcrypt's crypt_rn,
   and PAM as a second source.  See auth.h.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef HAVE_PAM
# include <security/pam_appl.h>
#endif

#include "escape.h"
#include "i18n.h"
#include "log.h"

struct auth_entry
{
  char *user;
  char *hash;
};

/* The password file as last read, and what it looked like then, so that
   a change is noticed by one stat.  */
struct auth_table
{
  char *path;
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  struct timespec ctime;
  int error;                    /* errno of the last failed read, or 0 */
  struct auth_entry *entries;
  size_t n_entries;
  /* A hash of the file's kind, crypted for users not in the file so that
     they cost as much as real ones.  */
  char *dummy_hash;
};

static pthread_mutex_t auth_lock = PTHREAD_MUTEX_INITIALIZER;
static struct auth_table auth_table;

static void
auth_table_clear (struct auth_table *t)
{
  for (size_t i = 0; i < t->n_entries; i++)
    {
      free (t->entries[i].user);
      /* The hashes are not secret in the way passwords are, but there is
         no reason to leave them in freed memory either.  */
      explicit_bzero (t->entries[i].hash, strlen (t->entries[i].hash));
      free (t->entries[i].hash);
    }
  free (t->entries);
  free (t->dummy_hash);
  t->entries = NULL;
  t->n_entries = 0;
  t->dummy_hash = NULL;
}

void
auth_forget (void)
{
  pthread_mutex_lock (&auth_lock);
  auth_table_clear (&auth_table);
  free (auth_table.path);
  memset (&auth_table, 0, sizeof auth_table);
  pthread_mutex_unlock (&auth_lock);
}

/* Whether HASH is one libcrypt can check (not a locked "!..." or "*"
   entry, not an unknown or disabled method).  */
static bool
auth_hash_usable (const char *hash)
{
  return crypt_checksalt (hash) == CRYPT_SALT_OK
         || crypt_checksalt (hash) == CRYPT_SALT_METHOD_LEGACY;
}

/* Parse one "user:hash[:ignored...]" LINE (newline removed) of PATH.  */
static void
auth_table_add_line (struct auth_table *t, const char *path,
                     unsigned int lineno, char *line)
{
  char *colon = strchr (line, ':');
  char *end;
  struct auth_entry entry, *grown;

  if (line[0] == '#' || line[strspn (line, " \t\r")] == '\0')
    return;
  if (!colon || colon == line || colon[1] == '\0' || colon[1] == ':')
    {
      log_warnx (_("%s:%u: expected 'user:hash', line ignored"), path,
                 lineno);
      return;
    }
  *colon = '\0';
  end = strchr (colon + 1, ':');
  if (end)
    *end = '\0';
  if (strlen (line) > AUTH_FIELD_MAX)
    {
      log_warnx (_("%s:%u: user name longer than %d bytes, line ignored"),
                 path, lineno, AUTH_FIELD_MAX);
      return;
    }
  if (!auth_hash_usable (colon + 1) && colon[1] != '!' && colon[1] != '*')
    log_warnx (_("%s:%u: unsupported password hash for user %s: this user "
                 "cannot log in"), path, lineno, line);
  entry.user = strdup (line);
  entry.hash = strdup (colon + 1);
  grown = reallocarray (t->entries, t->n_entries + 1, sizeof *grown);
  if (!entry.user || !entry.hash || !grown)
    {
      free (entry.user);
      free (entry.hash);
      if (grown)
        t->entries = grown;
      log_warnx (_("%s:%u: memory exhausted, line ignored"), path, lineno);
      return;
    }
  t->entries = grown;
  t->entries[t->n_entries++] = entry;
}

/* Choose the hash crypted for unknown users: the first usable one of the
   file, so that its cost matches the real ones; or, for a file without
   any, a fresh yescrypt setting.  */
static void
auth_table_pick_dummy (struct auth_table *t)
{
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];

  for (size_t i = 0; i < t->n_entries; i++)
    if (auth_hash_usable (t->entries[i].hash))
      {
        t->dummy_hash = strdup (t->entries[i].hash);
        return;
      }
  if (crypt_gensalt_rn ("$y$", 0, NULL, 0, setting, sizeof setting))
    t->dummy_hash = strdup (setting);
}

/* Read PATH, whose stat is ST, into T.  */
static void
auth_table_read (struct auth_table *t, const char *path,
                 const struct stat *st)
{
  FILE *fp = fopen (path, "re");
  char *line = NULL;
  size_t size = 0;
  ssize_t len;
  unsigned int lineno = 0;

  auth_table_clear (t);
  if (!fp)
    {
      if (t->error != errno)
        log_warn (_("cannot read password file %s"), path);
      t->error = errno;
      auth_table_pick_dummy (t);
      return;
    }
  while ((len = getline (&line, &size, fp)) >= 0)
    {
      if (len > 0 && line[len - 1] == '\n')
        line[len - 1] = '\0';
      auth_table_add_line (t, path, ++lineno, line);
    }
  if (line)
    explicit_bzero (line, size);
  free (line);
  fclose (fp);
  t->error = 0;
  t->dev = st->st_dev;
  t->ino = st->st_ino;
  t->size = st->st_size;
  t->mtime = st->st_mtim;
  t->ctime = st->st_ctim;
  auth_table_pick_dummy (t);
  log_info (_("password file %s loaded (users: %zu)"), path, t->n_entries);
}

/* Make auth_table hold PATH as it is now.  Called with auth_lock held.  */
static void
auth_table_refresh (const char *path)
{
  struct auth_table *t = &auth_table;
  struct stat st;
  bool same_path = t->path && strcmp (t->path, path) == 0;

  if (stat (path, &st) != 0)
    memset (&st, 0, sizeof st);
  if (same_path && t->error == 0 && st.st_ino != 0
      && st.st_dev == t->dev && st.st_ino == t->ino
      && st.st_size == t->size
      && st.st_mtim.tv_sec == t->mtime.tv_sec
      && st.st_mtim.tv_nsec == t->mtime.tv_nsec
      && st.st_ctim.tv_sec == t->ctime.tv_sec
      && st.st_ctim.tv_nsec == t->ctime.tv_nsec)
    return;
  if (!same_path)
    {
      free (t->path);
      t->path = strdup (path);
      t->error = 0;
    }
  auth_table_read (t, path, &st);
}

/* Copy the hash for USER, or the dummy one (setting *FOUND to false);
   NULL when there is nothing at all to crypt.  */
static char *
auth_lookup (const char *path, const char *user, size_t user_len,
             bool *found)
{
  const struct auth_table *t = &auth_table;
  const char *hash = NULL;
  char *copy;

  pthread_mutex_lock (&auth_lock);
  auth_table_refresh (path);
  *found = false;
  for (size_t i = 0; i < t->n_entries && !*found; i++)
    if (strlen (t->entries[i].user) == user_len
        && memcmp (t->entries[i].user, user, user_len) == 0)
      {
        hash = t->entries[i].hash;
        *found = true;
      }
  if (!hash)
    hash = t->dummy_hash;
  copy = hash ? strdup (hash) : NULL;
  pthread_mutex_unlock (&auth_lock);
  return copy;
}

/* Compare the NUL-terminated A and B in a time that depends only on
   their lengths, so that a guess learns nothing from how far it got.  */
static bool
auth_equal (const char *a, const char *b)
{
  size_t len_a = strlen (a), len_b = strlen (b);
  unsigned char diff = len_a != len_b;

  for (size_t i = 0; i < len_a; i++)
    diff |= (unsigned char) a[i] ^ (unsigned char) (i < len_b ? b[i] : 0);
  return diff == 0;
}

/* Crypt PASS with HASH's setting and compare.  */
static bool
auth_crypt_matches (const char *pass, const char *hash)
{
  /* About 32 KiB: too big for a worker thread's stack.  calloc, because
     crypt_rn wants it zeroed before first use.  */
  struct crypt_data *data = calloc (1, sizeof *data);
  const char *out;
  bool ok;

  if (!data)
    return false;
  out = crypt_rn (pass, hash, data, sizeof *data);
  ok = out && out[0] != '*' && auth_equal (hash, out);
  explicit_bzero (data, sizeof *data);
  free (data);
  return ok;
}

/* Check against the password file PATH; *FOUND says whether the file knew
   the user.  */
static bool
auth_check_file (const char *path, const char *user, size_t user_len,
                 const char *pass, bool *found)
{
  char *hash = auth_lookup (path, user, user_len, found);
  bool ok;

  if (!hash)
    return false;
  ok = auth_crypt_matches (pass, hash);
  free (hash);
  return ok && *found;
}

#ifdef HAVE_PAM
/* What the conversation function answers with.  */
struct auth_pam_answers
{
  const char *user;
  const char *pass;
};

/* PAM's questions, answered without a terminal: the password to a hidden
   prompt, the user name to a visible one; messages are dropped.  */
static int
auth_pam_conversation (int n, const struct pam_message **messages,
                       struct pam_response **responses, void *data)
{
  const struct auth_pam_answers *answers = data;
  struct pam_response *r;

  if (n <= 0 || n > PAM_MAX_NUM_MSG)
    return PAM_CONV_ERR;
  r = calloc (n, sizeof *r);
  if (!r)
    return PAM_BUF_ERR;
  for (int i = 0; i < n; i++)
    {
      const char *answer = NULL;

      switch (messages[i]->msg_style)
        {
        case PAM_PROMPT_ECHO_OFF:
          answer = answers->pass;
          break;
        case PAM_PROMPT_ECHO_ON:
          answer = answers->user;
          break;
        case PAM_ERROR_MSG:
        case PAM_TEXT_INFO:
          continue;
        default:
          answer = NULL;
          break;
        }
      if (!answer || !(r[i].resp = strdup (answer)))
        {
          for (int j = 0; j < i; j++)
            if (r[j].resp)
              {
                explicit_bzero (r[j].resp, strlen (r[j].resp));
                free (r[j].resp);
              }
          free (r);
          return PAM_CONV_ERR;
        }
    }
  *responses = r;
  return PAM_SUCCESS;
}

static bool
auth_check_pam (const char *service, const char *user, const char *pass)
{
  struct auth_pam_answers answers = { user, pass };
  struct pam_conv conversation = { auth_pam_conversation, &answers };
  pam_handle_t *pamh = NULL;
  int rc;

  rc = pam_start (service, user, &conversation, &pamh);
  if (rc != PAM_SUCCESS)
    {
      log_warnx (_("PAM service %s: %s"), service, pam_strerror (pamh, rc));
      return false;
    }
  rc = pam_authenticate (pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
  if (rc == PAM_SUCCESS)
    rc = pam_acct_mgmt (pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
  if (rc != PAM_SUCCESS)
    log_debug ("PAM service %s: %s", service, pam_strerror (pamh, rc));
  pam_end (pamh, rc);
  return rc == PAM_SUCCESS;
}
#endif /* HAVE_PAM */

bool
auth_check_userpass (const struct config *config, const char *user,
                     size_t user_len, const char *pass, size_t pass_len)
{
  char user_text[AUTH_FIELD_MAX + 1], pass_text[AUTH_FIELD_MAX + 1];
  bool found = false, ok = false;
  /* Names with a NUL cannot be in the file nor given to PAM; passwords
     with one cannot be crypted.  They still pay the crypt below.  */
  bool usable = user_len > 0 && user_len <= AUTH_FIELD_MAX
                && pass_len <= AUTH_FIELD_MAX
                && !memchr (user, '\0', user_len)
                && !memchr (pass, '\0', pass_len);

  if (!(config->auth_methods & AUTH_USERPASS))
    return false;
  if (usable)
    {
      memcpy (user_text, user, user_len);
      user_text[user_len] = '\0';
      memcpy (pass_text, pass, pass_len);
      pass_text[pass_len] = '\0';
    }
  else
    {
      /* Something to crypt that matches nothing.  */
      user_text[0] = '\0';
      pass_text[0] = '\0';
      user_len = 0;
    }
  if (config->password_file)
    ok = auth_check_file (config->password_file, user_text, user_len,
                          pass_text, &found) && usable;
#ifdef HAVE_PAM
  if (!found && usable && config->pam_service)
    ok = auth_check_pam (config->pam_service, user_text, pass_text);
#endif
  explicit_bzero (pass_text, sizeof pass_text);
  return ok;
}

void
auth_user_for_log (const char *user, size_t len, char *buf, size_t size)
{
  socks6_escape (user, len, SOCKS6_ESCAPE_ELLIPSIS, buf, size);
}
