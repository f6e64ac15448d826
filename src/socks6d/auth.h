/* socks6d's username/password check (RFC 1929): a password file of
   crypt(3) hashes, and PAM when socks6d is built with it and the
   configuration asks for it.

   The check is slow on purpose (yescrypt, bcrypt and SHA-crypt cost
   milliseconds of CPU), and PAM may wait on the network: auth_check_userpass
   blocks, so the event loop must run it on another thread.  It is
   thread-safe; each call has its own crypt workspace.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6D_AUTH_H
#define SOCKS6D_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Longest user name or password RFC 1929 can carry.  */
#define AUTH_FIELD_MAX 255

/* Whether USER (USER_LEN octets) with password PASS (PASS_LEN octets) may
   log in under CONFIG.  The password file (config->password_file, lines of
   "user:hash") is read again whenever it changes.  A user found in the file
   is decided by the file; any other user, when config->pam_service is set,
   by PAM.  A failure costs the same time whether or not the user exists:
   an unknown user still pays one crypt of a hash of the file's kind.
   Neither the password nor anything derived from it is ever logged; the
   caller logs the failure, with the client's address.  Blocks: see
   above.  */
extern bool auth_check_userpass (const struct config *config,
                                 const char *user, size_t user_len,
                                 const char *pass, size_t pass_len);

/* Write USER (LEN octets, as a client sent it) into BUF of SIZE bytes for
   a log line: printable ASCII as it is, any other octet as \xHH, cut with
   "..." when it does not fit.  4 * AUTH_FIELD_MAX + 4 is always enough.  */
extern void auth_user_for_log (const char *user, size_t len, char *buf,
                               size_t size);

/* Forget the cached password file (at exit, so that leak checkers see
   nothing left).  */
extern void auth_forget (void);

#endif /* SOCKS6D_AUTH_H */
