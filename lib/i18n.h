/* Message translation for the library and the programs.

   The library is also loaded into other programs (socksify's preload
   object), whose text domain is their own, so messages are looked up in
   socks6's domain explicitly rather than through gettext().

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_I18N_H
#define SOCKS6_I18N_H

#include "gettext.h"

#define _(msgid) dgettext (PACKAGE, msgid)
#define N_(msgid) msgid

#endif /* SOCKS6_I18N_H */
