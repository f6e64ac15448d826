/* Unit tests of the reply-code table (lib/replycode.c): names and
   descriptions, errno, getaddrinfo and c-ares errors to replies, replies
   back to errno, and the round trips a gateway and a socksified program
   make between the two.  Run by testsuite/libsocks6.tests/replycode.exp.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <string.h>

#ifdef HAVE_ARES_H
# include <ares.h>
#endif

#include "replycode.h"
#include "unit.h"

static void
test_names (void)
{
  static const char *const names[] = {
    "succeeded", "general-failure", "not-allowed", "network-unreachable",
    "host-unreachable", "connection-refused", "ttl-expired",
    "command-not-supported", "address-type-not-supported"
  };

  for (int r = 0; r <= 8; r++)
    UNIT_CHECK (strcmp (socks5_reply_name (r), names[r]) == 0,
                "reply %02X is named %s", r, names[r]);
  UNIT_CHECK (strcmp (socks5_reply_name (9), "unassigned") == 0
              && strcmp (socks5_reply_name (0xFF), "unassigned") == 0
              && strcmp (socks5_reply_name (-1), "unassigned") == 0
              && strcmp (socks5_reply_name (100000), "unassigned") == 0,
              "codes RFC 1928 does not define are unassigned");
}

static void
test_descriptions (void)
{
  bool all = true;

  for (int r = 0; r <= 8; r++)
    if (socks5_reply_description (r) == NULL
        || strcmp (socks5_reply_description (r),
                   socks5_reply_description (9)) == 0)
      all = false;
  UNIT_CHECK (all, "every defined reply has its own description");
  UNIT_CHECK (strcmp (socks5_reply_description (5), "connection refused")
              == 0, "reply 05 is described as \"connection refused\"");
  UNIT_CHECK (strcmp (socks5_reply_description (1),
                      "general SOCKS server failure") == 0,
              "reply 01 uses RFC 1928's wording");
  UNIT_CHECK (socks5_reply_description (0x42) != NULL
              && socks5_reply_description (-7) != NULL,
              "unassigned replies have a description too");
}

struct errno_case
{
  const char *name;
  int err;
  int reply;
};

#define E(err, reply) { #err, err, reply }

static void
test_from_errno (void)
{
  static const struct errno_case cases[] = {
    E (ECONNREFUSED, 5), E (EHOSTUNREACH, 4), E (EHOSTDOWN, 4),
    E (ENETUNREACH, 3), E (ENETDOWN, 3), E (ETIMEDOUT, 6), E (EACCES, 2),
    E (EPERM, 2), E (EAFNOSUPPORT, 8), E (EOPNOTSUPP, 7), E (ENOMEM, 1),
    E (EMFILE, 1), E (EADDRNOTAVAIL, 1), E (ECONNRESET, 1), E (0, 1),
    E (-1, 1), E (99999, 1),
  };

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    UNIT_CHECK (socks5_reply_from_errno (cases[i].err) == cases[i].reply,
                "errno %s gives reply %02X", cases[i].name, cases[i].reply);
}

static void
test_from_gai (void)
{
  static const struct errno_case cases[] = {
    E (EAI_NONAME, 4), E (EAI_AGAIN, 4), E (EAI_FAIL, 4),
#ifdef EAI_NODATA
    E (EAI_NODATA, 4),
#endif
#ifdef EAI_ADDRFAMILY
    E (EAI_ADDRFAMILY, 4),
#endif
    E (EAI_FAMILY, 8), E (EAI_MEMORY, 1), E (EAI_SYSTEM, 1),
    E (EAI_BADFLAGS, 1), E (EAI_SERVICE, 1), E (0, 1),
  };

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    UNIT_CHECK (socks5_reply_from_gai (cases[i].err) == cases[i].reply,
                "getaddrinfo %s gives reply %02X", cases[i].name,
                cases[i].reply);
}

static void
test_from_ares (void)
{
#ifdef HAVE_ARES_H
  static const struct errno_case cases[] = {
    E (ARES_ENOTFOUND, 4), E (ARES_ENODATA, 4), E (ARES_ETIMEOUT, 4),
    E (ARES_ESERVFAIL, 4), E (ARES_EREFUSED, 4), E (ARES_ECONNREFUSED, 4),
    E (ARES_EBADNAME, 4), E (ARES_EBADFAMILY, 8), E (ARES_ENOMEM, 1),
    E (ARES_EDESTRUCTION, 1), E (ARES_ECANCELLED, 1), E (ARES_SUCCESS, 1),
  };

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    UNIT_CHECK (socks5_reply_from_ares (cases[i].err) == cases[i].reply,
                "c-ares %s gives reply %02X", cases[i].name,
                cases[i].reply);
#else
  UNIT_UNSUPPORTED ("c-ares statuses: built without <ares.h>");
  UNIT_CHECK (socks5_reply_from_ares (0) == 1
              && socks5_reply_from_ares (4) == 4,
              "without <ares.h>, a failed lookup gives reply 04");
#endif
}

static void
test_to_errno (void)
{
  static const struct errno_case cases[] = {
    E (0, 0), E (ECONNREFUSED, 1), E (EACCES, 2), E (ENETUNREACH, 3),
    E (EHOSTUNREACH, 4), E (ECONNREFUSED, 5), E (ETIMEDOUT, 6),
    E (EOPNOTSUPP, 7), E (EAFNOSUPPORT, 8), E (ECONNREFUSED, 9),
    E (ECONNREFUSED, 0xFF),
  };

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    UNIT_CHECK (socks5_reply_to_errno (cases[i].reply) == cases[i].err,
                "reply %02X gives errno %s", cases[i].reply, cases[i].name);
}

/* What a socksified program sees is what the gateway's connect got, for
   every cause RFC 1928 has a code for.  */
static void
test_round_trip (void)
{
  static const int faithful[] = {
    ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT, EACCES,
    EAFNOSUPPORT, EOPNOTSUPP
  };
  bool all = true;

  for (size_t i = 0; i < sizeof faithful / sizeof *faithful; i++)
    if (socks5_reply_to_errno (socks5_reply_from_errno (faithful[i]))
        != faithful[i])
      {
        all = false;
        printf ("  %s does not come back\n", strerror (faithful[i]));
      }
  UNIT_CHECK (all, "errno -> reply -> errno keeps the cause");
  UNIT_CHECK (socks5_reply_from_errno (socks5_reply_to_errno (4)) == 4
              && socks5_reply_from_errno (socks5_reply_to_errno (6)) == 6,
              "reply -> errno -> reply keeps 04 and 06 (chained gateways)");
}

int
main (void)
{
  test_names ();
  test_descriptions ();
  test_from_errno ();
  test_from_gai ();
  test_from_ares ();
  test_to_errno ();
  test_round_trip ();
  UNIT_EXIT ();
}
