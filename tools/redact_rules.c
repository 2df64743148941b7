/* SPDX-License-Identifier: MIT */
/* record --redact[=RULES]: the redactor the recorder applies as it writes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "redact.h"

struct redactor *tool_redact__new(const char *cmd, const char *rules)
{
	struct redactor *r = redactor__new(NULL);
	char err[256];

	if (!r) {
		fprintf(stderr, "execrec %s: --redact: %s\n", cmd, strerror(errno));
		return NULL;
	}
	if (rules && redactor__keep_rules(r, rules, err, sizeof(err))) {
		fprintf(stderr, "execrec %s: --redact: %s\n", cmd, err);
		redactor__free(r);
		return NULL;
	}
	return r;
}
