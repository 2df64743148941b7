/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

/* The long option "--NAME[=...]" names, as getopt_long() matches it:
 * exactly, or by a prefix of one option only. */
static const struct option *find_long(const struct option *lo, const char *arg, size_t len)
{
	const struct option *hit = NULL;

	for (; lo && lo->name; lo++) {
		if (strncmp(lo->name, arg, len))
			continue;
		if (strlen(lo->name) == len)
			return lo;
		if (hit)
			return NULL; /* ambiguous */
		hit = lo;
	}
	return hit;
}

void tool__option_error(const char *cmd, int opt, char **argv, const struct option *longopts)
{
	/* getopt has moved past a long option in error; a short one inside
	 * a cluster ("-xZ") it names only through optopt */
	const char *a = optind > 1 ? argv[optind - 1] : "";
	bool dashdash = !strncmp(a, "--", 2);
	size_t len = dashdash ? strcspn(a + 2, "=") : 0;
	const struct option *lo = dashdash ? find_long(longopts, a + 2, len) : NULL;

	if (dashdash && (!optopt || optopt >= 0x100 || (lo && lo->val == optopt))) {
		/* an abbreviation is named in full */
		const char *name = lo ? lo->name : a + 2;
		int n = lo ? (int)strlen(lo->name) : (int)len;

		if (opt == ':')
			fprintf(stderr, "execrec %s: option '--%.*s' needs a value", cmd, n, name);
		else if (lo && a[2 + len] == '=')
			fprintf(stderr, "execrec %s: option '--%.*s' takes no value", cmd, n, name);
		else
			fprintf(stderr, "execrec %s: unknown option '--%.*s'", cmd, n, name);
	} else if (optopt > 0 && optopt < 0x100) {
		fprintf(stderr, "execrec %s: %s '-%c'%s", cmd,
			opt == ':' ? "option" : "unknown option", optopt,
			opt == ':' ? " needs a value" : "");
	} else {
		fprintf(stderr, "execrec %s: bad option '%s'", cmd, a);
	}
	fprintf(stderr, " (see 'execrec %s --help')\n", cmd);
}
