/* SPDX-License-Identifier: MIT */
#include <locale.h>
#include <stdlib.h>

#include "lsock/cli_modes.h"
#include "lsock/i18n.h"

void i18n_setup(void)
{
#ifdef LSOCK_ENABLE_NLS
	/* A test seam, as LSOCK_PROC_ROOT: the build tree's catalogues.
	 * secure_getenv: never from a user's environment under file
	 * capabilities. */
	const char *dir = secure_getenv("LSOCK_LOCALEDIR");

	setlocale(LC_ALL, "");
	/* setlocale(LC_ALL, "") sets LC_NUMERIC too: "%.3f" would print
	 * "0,046" under de_DE, which is no JSON number.  Only messages follow
	 * the locale. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(LSOCK_TEXTDOMAIN, dir && *dir ? dir : LSOCK_LOCALEDIR);
	textdomain(LSOCK_TEXTDOMAIN);
#endif
}
