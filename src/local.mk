## src/local.mk: the programs.
## Copyright (C) 2026 The socks6 authors.
## This file is part of socks6, free software under the GNU GPL v3 or
## later; see COPYING.

include $(srcdir)/src/socks6d/local.mk
include $(srcdir)/src/probe/local.mk
include $(srcdir)/src/socksify/local.mk
