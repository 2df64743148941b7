/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

/* The long option "--NAME[=...]" names, as getopt_long() matches it:
 * exactly, or by a prefix of one option only; *ret_many when it is the
 * prefix of several. */
static const struct option *find_long(const struct option *lo, const char *arg, size_t len,
				      bool *ret_many)
{
	const struct option *hit = NULL;

	*ret_many = false;
	for (; lo && lo->name; lo++) {
		if (strncmp(lo->name, arg, len))
			continue;
		if (strlen(lo->name) == len) {
			*ret_many = false;
			return lo;
		}
		/* several entries of one option (same flag and value) count once */
		if (hit && (hit->flag != lo->flag || hit->val != lo->val))
			*ret_many = true;
		if (!hit)
			hit = lo;
	}
	return *ret_many ? NULL : hit;
}

/* "--a, --b" for the options @arg is a prefix of. */
static void print_matches(const struct option *lo, const char *arg, size_t len)
{
	const char *sep = "";

	for (; lo && lo->name; lo++)
		if (!strncmp(lo->name, arg, len)) {
			fprintf(stderr, "%s--%s", sep, lo->name);
			sep = ", ";
		}
}

void tool__option_error(const char *cmd, int opt, char **argv, const struct option *longopts)
{
	/* getopt has moved past a long option in error; a short one inside
	 * a cluster ("-xZ") it names only through optopt */
	const char *a = optind > 1 ? argv[optind - 1] : "";
	bool dashdash = !strncmp(a, "--", 2);
	size_t len = dashdash ? strcspn(a + 2, "=") : 0;
	bool many = false;
	const struct option *lo = dashdash ? find_long(longopts, a + 2, len, &many) : NULL;

	if (dashdash && many) {
		fprintf(stderr, "execrec %s: option '--%.*s' is ambiguous (", cmd, (int)len, a + 2);
		print_matches(longopts, a + 2, len);
		fputc(')', stderr);
	} else if (dashdash && (!optopt || optopt >= 0x100 || (lo && lo->val == optopt))) {
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

struct rp_trace *tool__open_trace(const char *cmd, const struct rp_cli *cli, int argc, char **argv,
				  const struct rp_trace_opts *opts, const char **ret_path,
				  int *ret_status)
{
	char err[512];
	struct rp_trace *t;

	*ret_path = rp_cli__trace_path(argc, argv, optind, cmd, err, sizeof(err));
	if (!*ret_path) {
		fprintf(stderr, "execrec %s: %s\n", cmd, err);
		*ret_status = 2;
		return NULL;
	}
	t = rp_cli__open(cli, *ret_path, opts, err, sizeof(err));
	if (!t) {
		fprintf(stderr, "execrec %s: %s\n", cmd, err);
		*ret_status = 1;
	}
	return t;
}

int tool__end_trace(const char *cmd, int err, const char *path, const struct rp_trace *t)
{
	char why[512];

	if (err < 0) {
		if (err != -EINVAL)
			fprintf(stderr, "execrec %s: %s: %s\n", cmd, path, strerror(-err));
		return 1;
	}
	if (t && rp_trace__damage_str(t, why, sizeof(why)))
		fprintf(stderr, "execrec %s: warning: %s: %s\n", cmd, path, why);
	return 0;
}
