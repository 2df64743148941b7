/* SPDX-License-Identifier: MIT */
/*
 * One probe as text or JSON (with its details for -v), and the counts of
 * -c: what 'execrec probes' writes to its output.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "replay.h"

/* Text output: names from a trace are not trusted to be printable. */
static void put_text(struct rp_out *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			rp_out__putc(o, (char)c);
		else if (c == '\\')
			rp_out__puts(o, "\\\\");
		else
			rp_out__printf(o, "\\x%02x", c);
	}
}

static void put_json(struct rp_out *o, const char *s)
{
	rp_out__json_str(o, s, strlen(s));
}

static void json_kv(struct rp_out *o, const char *key, const char *val)
{
	rp_out__printf(o, ",\"%s\":", key);
	put_json(o, val);
}

static const char *origin_str(enum probe_origin o)
{
	switch (o) {
	case PROBE_ORIGIN_TRACEFS:
		return "tracefs";
	case PROBE_ORIGIN_FILTER_FUNCTIONS:
		return "available_filter_functions";
	case PROBE_ORIGIN_BTF:
		return "btf";
	case PROBE_ORIGIN_KALLSYMS:
		return "kallsyms";
	case PROBE_ORIGIN_PERF:
		return "perf";
	case PROBE_ORIGIN_ELF:
		return "elf";
	case PROBE_ORIGIN_TRACE:
		return "trace";
	default:
		return "none";
	}
}

static void detail_text(struct rp_out *o, const struct probe *p, const struct probe_detail *d)
{
	switch (p->type) {
	case PROBE_SOFTWARE:
	case PROBE_HARDWARE:
		rp_out__printf(o, "    perf type %d, config %" PRIu64 "%s%s\n", d->perf_type,
			       d->perf_config, d->alias ? ", also called " : "",
			       d->alias ? d->alias : "");
		return;
	case PROBE_UPROBE:
		rp_out__printf(o, "    address 0x%" PRIx64 ", size %" PRIu64 "\n", d->addr,
			       d->size);
		return;
	case PROBE_USDT:
		rp_out__printf(o, "    address 0x%" PRIx64, d->addr);
		if (d->semaphore)
			rp_out__printf(o, ", semaphore 0x%" PRIx64 " (set it to enable the probe)",
				       d->semaphore);
		rp_out__putc(o, '\n');
		for (size_t i = 0; i < d->nr_args; i++) {
			rp_out__printf(o, "    %s: ", d->args[i].name);
			put_text(o, d->args[i].decl);
			rp_out__printf(o, " (%s)\n", d->args[i].type);
		}
		return;
	default:
		break;
	}
	if (d->why) {
		rp_out__printf(o, "    (%s)\n", d->why);
		return;
	}
	for (size_t i = 0; i < d->nr_args; i++) {
		/* common_* fields are the same in every event, and not arguments
		 * a tracer can read by name: bpftrace -lv leaves them out too */
		if (d->args[i].common)
			continue;
		rp_out__puts(o, "    ");
		put_text(o, d->args[i].decl);
		rp_out__putc(o, '\n');
	}
	if (d->ret_type && p->type != PROBE_RAWTRACEPOINT && strcmp(d->ret_type, "void")) {
		rp_out__puts(o, "    ");
		put_text(o, d->ret_type);
		rp_out__puts(o, d->ret_type[strlen(d->ret_type) - 1] == '*' ? "retval\n"
									    : " retval\n");
	}
}

/* USDT's "PROVIDER:NAME" after the file, split. */
static void json_usdt_name(struct rp_out *o, const char *prov)
{
	const char *colon = strchr(prov, ':');
	char buf[512];

	snprintf(buf, sizeof(buf), "%.*s", colon ? (int)(colon - prov) : 0, prov);
	json_kv(o, "provider", buf);
	json_kv(o, "event", colon ? colon + 1 : prov);
}

static void detail_json(struct rp_out *o, const struct probe *p, const struct probe_detail *d,
			const struct probe_src *src)
{
	const char *path = probe_src__file_path(src, p->file);

	switch (p->type) {
	case PROBE_SOFTWARE:
	case PROBE_HARDWARE:
		rp_out__printf(o, ",\"perf_type\":%d,\"perf_config\":%" PRIu64, d->perf_type,
			       d->perf_config);
		if (d->alias)
			json_kv(o, "alias", d->alias);
		return;
	case PROBE_UPROBE:
	case PROBE_USDT:
		if (path && p->type == PROBE_UPROBE) {
			json_kv(o, "file", path);
			json_kv(o, "symbol", p->name + strlen(path) + 1);
		} else if (path) {
			json_kv(o, "file", path);
			json_usdt_name(o, p->name + strlen(path) + 1);
		}
		rp_out__printf(o, ",\"address\":%" PRIu64, d->addr);
		if (p->type == PROBE_UPROBE)
			rp_out__printf(o, ",\"size\":%" PRIu64, d->size);
		else
			rp_out__printf(o, ",\"semaphore\":%" PRIu64, d->semaphore);
		break;
	default:
		break;
	}
	if (d->why)
		json_kv(o, "missing", d->why);
	if (d->ret_type)
		json_kv(o, "return", d->ret_type);
	if (!d->nr_args && (d->why || p->type == PROBE_UPROBE))
		return;
	rp_out__puts(o, ",\"args\":[");
	for (size_t i = 0; i < d->nr_args; i++) {
		const struct probe_arg *a = &d->args[i];

		rp_out__puts(o, i ? ",{\"name\":" : "{\"name\":");
		put_json(o, a->name);
		json_kv(o, "type", a->type);
		json_kv(o, p->type == PROBE_USDT ? "spec" : "decl", a->decl);
		if (a->offset >= 0)
			rp_out__printf(o, ",\"offset\":%d", a->offset);
		if (a->size >= 0)
			rp_out__printf(o, ",\"size\":%d", a->size);
		if (a->is_signed >= 0)
			rp_out__printf(o, ",\"signed\":%s", a->is_signed ? "true" : "false");
		if (p->type == PROBE_TRACEPOINT)
			rp_out__printf(o, ",\"common\":%s", a->common ? "true" : "false");
		rp_out__putc(o, '}');
	}
	rp_out__putc(o, ']');
}

int probe_print(struct rp_out *o, struct probe_src *src, const struct probe *p, bool verbose,
		bool json, bool unsupported)
{
	struct probe_detail *d = NULL;
	const char *type = probe_type__str(p->type);
	int err;

	if (verbose) {
		err = probe_src__detail(src, p, &d);
		if (err)
			return err;
	}
	if (json) {
		char full[1024];

		snprintf(full, sizeof(full), "%s:%s", type, p->name);
		rp_out__puts(o, "{\"probe\":");
		put_json(o, full);
		json_kv(o, "type", type);
		json_kv(o, "name", p->name);
		if (d)
			detail_json(o, p, d, src);
		if (unsupported)
			rp_out__puts(o, ",\"supported\":false");
		rp_out__puts(o, "}\n");
	} else {
		rp_out__printf(o, "%s:", type);
		put_text(o, p->name);
		if (unsupported)
			rp_out__puts(o, "  (not supported by this kernel)");
		rp_out__putc(o, '\n');
		if (d)
			detail_text(o, p, d);
	}
	probe_detail__free(d);
	return 0;
}

/* A list that could not be read is no count at all, not 0. @supported:
 * 1, 0, or -errno when the kernel could not be asked. */
void probe_print_count(struct rp_out *o, const struct probe_src *src, enum probe_type t,
		       size_t count, int supported, bool all, bool json)
{
	const struct probe_status *st = probe_src__status(src, t);
	bool hidden = supported == 0 && !all;

	if (json) {
		rp_out__printf(o, "{\"type\":\"%s\",", probe_type__str(t));
		if (hidden)
			rp_out__puts(o,
				     "\"count\":null,\"error\":\"not supported by this kernel\"");
		else if (st->err)
			rp_out__printf(o, "\"count\":null,\"error\":\"%s\"", strerror(-st->err));
		else
			rp_out__printf(o, "\"count\":%zu", count);
		rp_out__printf(o, ",\"origin\":\"%s\",\"partial\":%s", origin_str(st->origin),
			       st->partial ? "true" : "false");
		if (supported >= 0)
			rp_out__printf(o, ",\"supported\":%s", supported ? "true" : "false");
		rp_out__puts(o, "}\n");
	} else if (hidden) {
		rp_out__printf(o, "%-14s %8s  not supported by this kernel\n", probe_type__str(t),
			       "-");
	} else if (supported == 0) {
		rp_out__printf(o, "%-14s %8zu  not supported by this kernel\n", probe_type__str(t),
			       count);
	} else if (st->err) {
		rp_out__printf(o, "%-14s %8s\n", probe_type__str(t), "-");
	} else {
		rp_out__printf(o, "%-14s %8zu\n", probe_type__str(t), count);
	}
}
