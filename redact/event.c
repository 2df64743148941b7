// SPDX-License-Identifier: MIT
/* The strings of decoded records, redacted field by field. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* An argument or environment block that was cut keeps its original length
 * as the recorder saw it, moved by what redaction added or took away. */
static uint32_t moved(uint32_t orig, uint32_t old_len, uint32_t new_len)
{
	int64_t v = (int64_t)orig + (int64_t)new_len - (int64_t)old_len;

	return orig < old_len ? new_len : v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int field(struct redactor *r, struct etr_str *s)
{
	return s->len ? redactor__str(r, s->ptr, s->len, s) : 0;
}

int redactor__event(struct redactor *r, struct etr_event *ev)
{
	struct etr_str out;
	int n = 0, rc;

	redactor__reset(r);
	if ((rc = field(r, &ev->comm)) < 0)
		return rc;
	n += rc;
	if (ev->type != ETR_EV_EXEC && ev->type != ETR_EV_EXEC_FAIL)
		return n;
	if ((rc = field(r, &ev->filename)) < 0)
		return rc;
	n += rc;
	if ((rc = field(r, &ev->cwd)) < 0)
		return rc;
	n += rc;
	if (ev->argv.len) {
		if ((rc = redactor__argv(r, &ev->argv, &out)) < 0)
			return rc;
		if (rc) {
			ev->argv_orig_len = moved(ev->argv_orig_len, ev->argv.len, out.len);
			ev->argv = out;
		}
		n += rc;
	}
	if (ev->env.len) {
		if ((rc = redactor__env(r, &ev->env, &out)) < 0)
			return rc;
		if (rc) {
			ev->env_orig_len = moved(ev->env_orig_len, ev->env.len, out.len);
			ev->env = out;
		}
		n += rc;
	}
	return n;
}

int redactor__proc(struct redactor *r, struct etr_proc *p)
{
	struct etr_str out;
	int n = 0, rc;

	redactor__reset(r);
	if ((rc = field(r, &p->comm)) < 0)
		return rc;
	n += rc;
	if ((rc = field(r, &p->exe)) < 0)
		return rc;
	n += rc;
	if ((rc = field(r, &p->cwd)) < 0)
		return rc;
	n += rc;
	if (p->argv.len) {
		if ((rc = redactor__argv(r, &p->argv, &out)) < 0)
			return rc;
		if (rc)
			p->argv = out;
		n += rc;
	}
	return n;
}

/* The recorder's "target": a command line joined with spaces, split again
 * so that the rules that look at the argument before see it. */
static int words(struct redactor *r, struct etr_str *value)
{
	struct etr_str block, out;
	char *b = malloc(value->len + 1);
	int rc;

	if (!b)
		return -ENOMEM;
	for (uint32_t i = 0; i < value->len; i++)
		b[i] = value->ptr[i] == ' ' ? 0 : value->ptr[i];
	b[value->len] = 0;
	block = (struct etr_str){b, value->len + 1};
	rc = redactor__argv(r, &block, &out);
	if (rc > 0) {
		char *o = (char *)out.ptr; /* the redactor's own copy */

		for (uint32_t i = 0; i + 1 < out.len; i++)
			if (!o[i])
				o[i] = ' ';
		value->ptr = o;
		value->len = out.len - 1;
	}
	free(b);
	return rc;
}

/* A value holding NULs is an argument list (the recorder's cmdline). */
int redactor__meta(struct redactor *r, const char *key, size_t key_len, struct etr_str *value)
{
	struct etr_str out;
	int rc;

	if (!value->len)
		return 0;
	if (r->dirty)
		rd_prefilter_build(r);
	if (r->host_rule >= 0 && key_len == 8 && !memcmp(key, "hostname", 8)) {
		if ((rc = redactor__set_host(r, value->ptr, value->len)) < 0)
			return rc;
		return rd_whole(r, r->host_rule, value->ptr, value->len, value);
	}
	if (r->boot_rule >= 0 && key_len == 7 && !memcmp(key, "boot_id", 7))
		return rd_whole(r, r->boot_rule, value->ptr, value->len, value);
	if (key_len == 6 && !memcmp(key, "target", 6) && !memchr(value->ptr, 0, value->len))
		return words(r, value);
	if (memchr(value->ptr, 0, value->len) && value->ptr[value->len - 1] == 0)
		rc = redactor__argv(r, value, &out);
	else
		rc = redactor__str(r, value->ptr, value->len, &out);
	if (rc > 0)
		*value = out;
	return rc;
}
