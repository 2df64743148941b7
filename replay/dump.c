/* SPDX-License-Identifier: MIT */
/*
 * rp_dump: every record of a trace as it is stored, in file order, one walk
 * (etr_walk) with each chunk's header, its records with all their fields,
 * and each problem printed where it was found.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/opts.h"
#include "dump.h"
#include "replay.h"

struct rp_dump {
	struct etr_walk *w;
	struct rp_filter *filter;
	bool raw;
	bool tp_full;
	bool json;
	/* the last clock anchor read: "time" of the events after it */
	bool have_clock;
	struct etr_clock clock;
	FILE *out;
	struct etr_problem first; /* the first problem, for the warning */
	uint64_t nproblems;
};

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct rp_dump *d = ctx;

	if (!d->nproblems++)
		d->first = *p;
	if (d->json) {
		fprintf(d->out,
			"{\"problem\":\"%s\",\"offset\":%" PRIu64 ",\"seq\":%" PRIu64
			",\"length\":%" PRIu64 "}\n",
			etr_problem__str(p->kind), p->offset, p->seq, p->length);
		return;
	}
	fprintf(d->out, "!! byte %" PRIu64 ": %s", p->offset, etr_problem__str(p->kind));
	if (p->length)
		fprintf(d->out, " (%" PRIu64 " bytes skipped)", p->length);
	fputc('\n', d->out);
}

/* An event in the event schema, with the chunk and offset keys added, and
 * its "time" through the clock anchor read last (records come in file
 * order here, not through rp_trace, which knows the anchors itself). */
static void event_json(const struct rp_dump *d, FILE *f, const struct etr_event *ev, uint64_t seq,
		       size_t off)
{
	static const char no_time[] = "\"time\":null";
	char *buf = NULL, *t;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	rp_print_event_json(m, NULL, ev);
	fclose(m);
	/* the key comes second, after ts_ns: its first occurrence is it (a
	 * quote inside a string value is escaped) */
	t = buf ? strstr(buf, no_time) : NULL;
	if (t && d->have_clock) {
		char iso[48];
		uint64_t rt =
		    d->clock.realtime_ns + (uint64_t)((int64_t)(ev->ts_ns - d->clock.boottime_ns));

		rp_fmt_iso(iso, sizeof(iso), rt);
		fwrite(buf, 1, (size_t)(t - buf), f);
		fprintf(f, "\"time\":\"%s\"", iso);
		fwrite(t + sizeof(no_time) - 1, 1,
		       len - 2 - (size_t)(t + sizeof(no_time) - 1 - buf), f);
		fprintf(f, ",\"chunk\":%" PRIu64 ",\"offset\":%zu}\n", seq, off);
	} else if (len >= 2 && buf[len - 2] == '}') {
		fwrite(buf, 1, len - 2, f);
		fprintf(f, ",\"chunk\":%" PRIu64 ",\"offset\":%zu}\n", seq, off);
	}
	free(buf);
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%02x", i && !(i % 32) ? "\n        " : i ? " " : "", p[i]);
	fputc('\n', f);
}

static void text_str(FILE *f, const char *key, const struct etr_str *s)
{
	fprintf(f, " %s=", key);
	rp_fput_json_str(f, s->ptr, s->len);
}

static void dump_event_text(struct rp_dump *d, const struct etr_event *ev)
{
	FILE *f = d->out;

	fprintf(f,
		" %s flags=0x%x ts=%" PRIu64 " pid=%" PRIu32 " tid=%" PRIu32 " ppid=%" PRIu32
		" uid=%" PRIu32 " gid=%" PRIu32 " start=%" PRIu64 " cgroup=%" PRIu64,
		rp_event_name(ev), ev->flags, ev->ts_ns, ev->pid, ev->tid, ev->ppid, ev->uid,
		ev->gid, ev->start_ns, ev->cgroup_id);
	text_str(f, "comm", &ev->comm);
	switch (ev->type) {
	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
		fprintf(f, " ret=%d", ev->ret);
		if (ev->ret < 0 && rp_errno_name(ev->ret))
			fprintf(f, "(%s)", rp_errno_name(ev->ret));
		text_str(f, "filename", &ev->filename);
		text_str(f, "cwd", &ev->cwd);
		fprintf(f, " argc=%" PRIu32 " argv_len=%" PRIu32 "/%" PRIu32 " argv=", ev->argc,
			ev->argv.len, ev->argv_orig_len);
		rp_fput_json_argv(f, &ev->argv);
		fprintf(f, " old_tid=%" PRIu32, ev->old_tid);
		if (ev->flags & ETR_EVF_ENV) {
			fprintf(f,
				" envc=%" PRIu32 " env_len=%" PRIu32 "/%" PRIu32 " env=", ev->envc,
				ev->env.len, ev->env_orig_len);
			rp_fput_json_argv(f, &ev->env);
		}
		break;
	case ETR_EV_FORK:
		fprintf(f, " parent_tid=%" PRIu32, ev->parent_tid);
		break;
	case ETR_EV_EXIT:
		fprintf(f, " exit_code=%d signal=%d", ev->exit_code, ev->signal);
		break;
	case ETR_EV_LOST:
		fprintf(f, " lost_type=%u lost_count=%" PRIu64, ev->lost_type, ev->lost_count);
		break;
	default:
		fprintf(f, " (type %u: fields beyond the prefix not known to this reader)",
			ev->type);
		break;
	}
	fputc('\n', f);
}

static void dump_cgroup(struct rp_dump *d, const struct etr_cgroup *cg)
{
	if (d->json) {
		fprintf(d->out,
			",\"ts_ns\":%" PRIu64 ",\"op\":%" PRIu32 ",\"id\":%" PRIu64 ",\"path\":",
			cg->ts_ns, cg->op, cg->id);
		rp_fput_json_str(d->out, cg->path.ptr, cg->path.len);
	} else {
		fprintf(d->out, " ts=%" PRIu64 " op=%" PRIu32 " id=%" PRIu64, cg->ts_ns, cg->op,
			cg->id);
		text_str(d->out, "path", &cg->path);
	}
}

static void dump_proc(struct rp_dump *d, const struct etr_chunk *c, const struct etr_record *rec,
		      const struct etr_proc *p)
{
	FILE *f = d->out;

	if (d->json) {
		struct etr_event ev = {
		    .type = RP_EV_PROC,
		    .flags = p->flags,
		    .ts_ns = p->ts_ns,
		    .pid = p->pid,
		    .tid = p->pid,
		    .ppid = p->ppid,
		    .uid = p->uid,
		    .gid = p->gid,
		    .start_ns = p->start_ns,
		    .cgroup_id = p->cgroup_id,
		    .comm = p->comm,
		    .filename = p->exe,
		    .cwd = p->cwd,
		    .argc = p->argc,
		    .argv = p->argv,
		};

		event_json(d, f, &ev, c->seq, (size_t)rec->offset);
		return;
	}
	fprintf(f,
		" flags=0x%x ts=%" PRIu64 " pid=%" PRIu32 " ppid=%" PRIu32 " uid=%" PRIu32
		" gid=%" PRIu32 " start=%" PRIu64 " cgroup=%" PRIu64,
		p->flags, p->ts_ns, p->pid, p->ppid, p->uid, p->gid, p->start_ns, p->cgroup_id);
	text_str(f, "comm", &p->comm);
	text_str(f, "exe", &p->exe);
	text_str(f, "cwd", &p->cwd);
	fprintf(f, " argc=%" PRIu32 " argv=", p->argc);
	rp_fput_json_argv(f, &p->argv);
}

static void dump_tpformat(struct rp_dump *d, const struct etr_str *k, const struct etr_str *v)
{
	FILE *f = d->out;

	if (d->json) {
		fputs(",\"name\":", f);
		rp_fput_json_str(f, k->ptr, k->len);
		fputs(",\"text\":", f);
		rp_fput_json_str(f, v->ptr, v->len);
		return;
	}
	text_str(f, "name", k);
	fprintf(f, " len=%" PRIu32, v->len);
	if (d->tp_full) {
		fputs("\n", f);
		fwrite(v->ptr, 1, v->len, f);
		if (v->len && v->ptr[v->len - 1] != '\n')
			fputc('\n', f);
		fputs("  (end of format)", f);
	}
}

/* A record of a chunk other than EVENTS; with @bad, one whose body did
 * not decode: its line is begun and ended, and the problem follows. */
static void dump_record(struct rp_dump *d, const struct etr_walk_item *it, bool bad)
{
	const struct etr_chunk *c = it->chunk;
	const struct etr_record *rec = &it->rec;
	const char *name = etr_record_type__str(c->type, rec->type);
	FILE *f = d->out;

	if (d->json && c->type == ETR_CHUNK_PROCSNAP && name && !bad) {
		/* in the event schema, as "proc" events; one that did not
		 * decode has no fields for that: it is a record like others */
	} else if (d->json) {
		fprintf(f,
			"{\"chunk\":%" PRIu64 ",\"chunk_type\":\"%s\",\"offset\":%" PRIu64
			",\"record\":\"%s\",\"type\":%u",
			c->seq, etr_chunk_type__str(c->type), rec->offset, name ? name : "unknown",
			rec->type);
	} else {
		fprintf(f, "  @%-6" PRIu64 " %s", rec->offset, name ? name : "unknown");
	}
	if (!name) {
		fprintf(f, d->json ? ",\"len\":%" PRIu32 "}\n" : " type=%u len=%" PRIu32 "\n",
			d->json ? rec->len : rec->type, rec->len);
		return;
	}
	switch (bad ? ETR_WALK_BAD : it->kind) {
	case ETR_WALK_META:
		if (d->json) {
			fputs(",\"key\":", f);
			rp_fput_json_str(f, it->meta.key.ptr, it->meta.key.len);
			fputs(",\"value\":", f);
			rp_fput_json_str(f, it->meta.value.ptr, it->meta.value.len);
		} else {
			text_str(f, "key", &it->meta.key);
			text_str(f, "value", &it->meta.value);
		}
		break;
	case ETR_WALK_CLOCK:
		d->have_clock = true;
		d->clock = it->clock;
		fprintf(f,
			d->json ? ",\"boottime_ns\":%" PRIu64 ",\"realtime_ns\":%" PRIu64
				  ",\"monotonic_ns\":%" PRIu64
				: " boottime=%" PRIu64 " realtime=%" PRIu64 " monotonic=%" PRIu64,
			it->clock.boottime_ns, it->clock.realtime_ns, it->clock.monotonic_ns);
		break;
	case ETR_WALK_TPFORMAT:
		dump_tpformat(d, &it->tpformat.name, &it->tpformat.text);
		break;
	case ETR_WALK_BTF:
		fprintf(f, d->json ? ",\"kind\":%u,\"len\":%" PRIu32 : " kind=%u len=%" PRIu32,
			it->btf.kind, it->btf.data.len);
		break;
	case ETR_WALK_PROC:
		dump_proc(d, c, rec, &it->proc);
		if (d->json)
			return;
		break;
	case ETR_WALK_COUNTER:
		if (d->json) {
			fprintf(f, ",\"ts_ns\":%" PRIu64 ",\"name\":", it->counter.ts_ns);
			rp_fput_json_str(f, it->counter.name.ptr, it->counter.name.len);
			fprintf(f, ",\"value\":%" PRIu64, it->counter.value);
		} else {
			fprintf(f, " ts=%" PRIu64, it->counter.ts_ns);
			text_str(f, "name", &it->counter.name);
			fprintf(f, " value=%" PRIu64, it->counter.value);
		}
		break;
	case ETR_WALK_CGROUP:
		dump_cgroup(d, &it->cgroup);
		break;
	case ETR_WALK_END:
		fprintf(f,
			d->json ? ",\"ts_ns\":%" PRIu64 ",\"events\":%" PRIu64
				  ",\"chunks\":%" PRIu64 ",\"status\":%u"
				: " ts=%" PRIu64 " events=%" PRIu64 " chunks=%" PRIu64 " status=%u",
			it->end.ts_ns, it->end.events, it->end.chunks, it->end.status);
		break;
	default:
		break;
	}
	fputs(d->json ? "}\n" : "\n", f);
}

static void dump_chunk_header(struct rp_dump *d, const struct etr_chunk *c)
{
	if (d->json)
		fprintf(d->out,
			"{\"record\":\"chunk\",\"chunk\":%" PRIu64
			",\"chunk_type\":\"%s\",\"type\":%u,\"file_offset\":%" PRIu64
			",\"flags\":%u,\"stored\":%" PRIu32 ",\"raw\":%" PRIu32
			",\"records\":%" PRIu32 "}\n",
			c->seq, etr_chunk_type__str(c->type), c->type, c->offset, c->flags,
			c->stored_size, c->raw_size, c->record_count);
	else
		fprintf(d->out,
			"chunk #%" PRIu64 " %s at byte %" PRIu64 ": %" PRIu32 " records, %" PRIu32
			" bytes stored (%s), %" PRIu32 " raw\n",
			c->seq, etr_chunk_type__str(c->type), c->offset, c->record_count,
			c->stored_size, c->flags & ETR_CHUNK_F_RAW ? "raw" : "zstd", c->raw_size);
}

static void dump_event(struct rp_dump *d, const struct etr_walk_item *it)
{
	const struct etr_event *ev = it->ev;
	FILE *f = d->out;

	if (d->filter && !rp_filter__match_event(d->filter, ev))
		return;
	if (d->json) {
		event_json(d, f, ev, it->chunk->seq, (size_t)it->rec.offset);
	} else {
		fprintf(f, "  @%-6zu", (size_t)it->rec.offset);
		dump_event_text(d, ev);
	}
	if (d->raw && !d->json) {
		fputs("        ", f);
		hex(f, it->rec.body, it->rec.len);
	}
}

int rp_dump__parse_types(const char *s, uint32_t *mask)
{
	char buf[256];
	char *save, *tok;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint16_t t;

		for (t = 1; t < 16; t++)
			if (!strcmp(etr_chunk_type__str(t), tok))
				break;
		if (t == 16)
			return -EINVAL;
		*mask |= 1u << t;
	}
	return 0;
}

struct rp_dump *rp_dump__open(const char *path, FILE *out, const struct rp_dump_opts *opts)
{
	struct etr_walk_opts wo = {.sz = sizeof(wo), .problem_cb = on_problem};
	struct rp_dump *d;
	int err;

	if (!path || !out || !EC_OPTS_VALID(opts, struct rp_dump_opts)) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->out = out;
	wo.type_mask = EC_OPTS_GET(opts, type_mask, 0);
	d->raw = EC_OPTS_GET(opts, raw, false);
	d->tp_full = EC_OPTS_GET(opts, tpformat, false);
	d->json = EC_OPTS_GET(opts, json, false);
	d->filter = EC_OPTS_GET(opts, filter, NULL);
	wo.problem_ctx = d;
	d->w = etr_walk__open(path, &wo);
	if (!d->w) {
		err = errno;
		free(d);
		errno = err;
		return NULL;
	}
	return d;
}

void rp_dump__free(struct rp_dump *d)
{
	if (!d)
		return;
	etr_walk__free(d->w);
	free(d);
}

int rp_dump__run(struct rp_dump *d)
{
	const struct etr_file_info *fi;
	struct etr_walk_item it;
	int ret;

	if (!d)
		return -EINVAL;
	fi = etr_reader__info(etr_walk__reader(d->w));
	if (d->json)
		fprintf(d->out,
			"{\"file_header\":{\"major\":%u,\"minor\":%u,\"header_size\":%" PRIu32
			",\"flags\":%" PRIu64 ",\"created_ns\":%" PRIu64 "}}\n",
			fi->major, fi->minor, fi->header_size, fi->flags, fi->created_ns);
	else
		fprintf(d->out,
			"file header: version %u.%u, %" PRIu32 " bytes, flags 0x%" PRIx64
			", created_ns %" PRIu64 "\n",
			fi->major, fi->minor, fi->header_size, fi->flags, fi->created_ns);

	while ((ret = etr_walk__next(d->w, &it, NULL)) > 0) {
		switch (it.kind) {
		case ETR_WALK_CHUNK:
			dump_chunk_header(d, it.chunk);
			break;
		case ETR_WALK_CHUNK_END:
			break;
		case ETR_WALK_EVENT:
			dump_event(d, &it);
			break;
		case ETR_WALK_BAD:
			/* a record whose body did not decode: as far as it goes */
			if (it.rec.body && it.chunk->type != ETR_CHUNK_EVENTS)
				dump_record(d, &it, true);
			break;
		default:
			dump_record(d, &it, false);
			if (d->raw && !d->json) {
				fputs("        ", d->out);
				hex(d->out, it.rec.body, it.rec.len);
			}
			break;
		}
	}
	return ret;
}

uint64_t rp_dump__problems(const struct rp_dump *d, struct etr_problem *ret_first)
{
	if (!d)
		return 0;
	if (ret_first && d->nproblems)
		*ret_first = d->first;
	return d->nproblems;
}

bool rp_dump__ended_cleanly(const struct rp_dump *d)
{
	return d && etr_reader__ended_cleanly(etr_walk__reader(d->w));
}
