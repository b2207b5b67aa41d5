/* SPDX-License-Identifier: MIT */
/*
 * Message translation with glibc's gettext.  _() marks and translates a
 * string for people, N_() only marks one (translated later, where it is
 * used).  Tokens that scripts read (states, protocols, service names,
 * exposure verdicts, every JSON key and value) are never wrapped.
 * Without LSOCK_ENABLE_NLS (cmake -DENABLE_NLS=OFF) both are the identity.
 */
#ifndef LSOCK_I18N_H
#define LSOCK_I18N_H

#define LSOCK_TEXTDOMAIN "lsock"

#ifdef LSOCK_ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#define P_(one, many, n) ngettext(one, many, n)
#else
#define _(s) ((const char *)(s))
#define P_(one, many, n) ((n) == 1 ? (one) : (many))
#endif
#define N_(s) s

#endif
