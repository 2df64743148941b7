/* SPDX-License-Identifier: MIT */
/*
 * execrec dump: every record of a trace as it is stored, in file order, with
 * chunk headers and damage where it was found: a debugging view of the
 * format, not of the processes (no reordering, no model).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "etr.h"
#include "replay.h"
#include "options.h"

static void usage(FILE *f)
{
	fputs("Usage: execrec dump [OPTIONS] FILE\n"
	      "\n"
	      "Every record as stored, in file order: the file header, each chunk header\n"
	      "(type, offset, sizes, sequence number) and its records with all their\n"
	      "fields, and each problem where it was found. Events are not reordered.\n"
	      "\n"
	      "      --type TYPE[,TYPE]  only chunks of these types (meta, tpformat, btf,\n"
	      "                          procsnap, events, stats, end, cgroup)\n"
	      "      --raw               also each record's bytes in hex\n"
	      "      --tpformat          print stored tracepoint formats in full\n"
	      "      --json              JSON lines: one object per record (events in the\n"
	      "                          event schema, with chunk and offset keys)\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	rp_cli__filter_help(f);
	fputs("  (filters apply to event records; other records are always shown)\n", f);
}

struct dump {
	struct rp_cli cli;
	uint32_t type_mask;
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
	struct dump *d = ctx;

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
static void event_json(const struct dump *d, FILE *f, const struct etr_event *ev, uint64_t seq,
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

static void dump_event_text(struct dump *d, const struct etr_event *ev)
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

static const char *rec_name(uint16_t chunk, uint8_t type)
{
	switch (chunk) {
	case ETR_CHUNK_META:
		return type == ETR_REC_META_KV	    ? "meta"
		       : type == ETR_REC_META_CLOCK ? "clock"
						    : NULL;
	case ETR_CHUNK_TPFORMAT:
		return type == ETR_REC_TPFORMAT ? "tpformat" : NULL;
	case ETR_CHUNK_BTF:
		return type == ETR_REC_BTF ? "btf" : NULL;
	case ETR_CHUNK_PROCSNAP:
		return type == ETR_REC_PROC ? "proc" : NULL;
	case ETR_CHUNK_STATS:
		return type == ETR_REC_COUNTER ? "counter" : NULL;
	case ETR_CHUNK_END:
		return type == ETR_REC_END ? "end" : NULL;
	case ETR_CHUNK_CGROUP:
		return type == ETR_REC_CGROUP ? "cgroup" : NULL;
	}
	return NULL;
}

static int dump_cgroup(struct dump *d, const struct etr_record *rec)
{
	struct etr_cgroup cg;
	int err = etr_record__cgroup(rec, &cg);

	if (err)
		return err;
	if (d->json) {
		fprintf(d->out,
			",\"ts_ns\":%" PRIu64 ",\"op\":%" PRIu32 ",\"id\":%" PRIu64 ",\"path\":",
			cg.ts_ns, cg.op, cg.id);
		rp_fput_json_str(d->out, cg.path.ptr, cg.path.len);
	} else {
		fprintf(d->out, " ts=%" PRIu64 " op=%" PRIu32 " id=%" PRIu64, cg.ts_ns, cg.op,
			cg.id);
		text_str(d->out, "path", &cg.path);
	}
	return 0;
}

/* A record of a chunk other than EVENTS. Returns 0 or -EBADMSG. */
static int dump_record(struct dump *d, const struct etr_chunk *c, const struct etr_record *rec)
{
	FILE *f = d->out;
	const char *name = rec_name(c->type, rec->type);
	struct etr_str k, v;
	struct etr_clock clk;
	struct etr_proc p;
	struct etr_counter ctr;
	struct etr_end end;
	uint32_t kind;
	int err = 0;

	if (d->json && c->type == ETR_CHUNK_PROCSNAP && name) {
		/* in the event schema, as "proc" events */
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
		return 0;
	}
	switch (c->type) {
	case ETR_CHUNK_META:
		if (rec->type == ETR_REC_META_KV) {
			err = etr_record__meta(rec, &k, &v);
			if (err)
				break;
			if (d->json) {
				fputs(",\"key\":", f);
				rp_fput_json_str(f, k.ptr, k.len);
				fputs(",\"value\":", f);
				rp_fput_json_str(f, v.ptr, v.len);
			} else {
				text_str(f, "key", &k);
				text_str(f, "value", &v);
			}
		} else {
			err = etr_record__clock(rec, &clk);
			if (!err) {
				d->have_clock = true;
				d->clock = clk;
			}
			if (!err)
				fprintf(f,
					d->json ? ",\"boottime_ns\":%" PRIu64
						  ",\"realtime_ns\":%" PRIu64
						  ",\"monotonic_ns\":%" PRIu64
						: " boottime=%" PRIu64 " realtime=%" PRIu64
						  " monotonic=%" PRIu64,
					clk.boottime_ns, clk.realtime_ns, clk.monotonic_ns);
		}
		break;
	case ETR_CHUNK_TPFORMAT:
		err = etr_record__tpformat(rec, &k, &v);
		if (err)
			break;
		if (d->json) {
			fputs(",\"name\":", f);
			rp_fput_json_str(f, k.ptr, k.len);
			fputs(",\"text\":", f);
			rp_fput_json_str(f, v.ptr, v.len);
		} else {
			text_str(f, "name", &k);
			fprintf(f, " len=%" PRIu32, v.len);
			if (d->tp_full) {
				fputs("\n", f);
				fwrite(v.ptr, 1, v.len, f);
				if (v.len && v.ptr[v.len - 1] != '\n')
					fputc('\n', f);
				fputs("  (end of format)", f);
			}
		}
		break;
	case ETR_CHUNK_BTF:
		err = etr_record__btf(rec, &kind, &v);
		if (!err)
			fprintf(f,
				d->json ? ",\"kind\":%u,\"len\":%" PRIu32 : " kind=%u len=%" PRIu32,
				kind, v.len);
		break;
	case ETR_CHUNK_PROCSNAP:
		err = etr_record__proc(rec, &p);
		if (err)
			break;
		if (d->json) {
			struct etr_event ev = {
			    .type = RP_EV_PROC,
			    .flags = p.flags,
			    .ts_ns = p.ts_ns,
			    .pid = p.pid,
			    .tid = p.pid,
			    .ppid = p.ppid,
			    .uid = p.uid,
			    .gid = p.gid,
			    .start_ns = p.start_ns,
			    .cgroup_id = p.cgroup_id,
			    .comm = p.comm,
			    .filename = p.exe,
			    .cwd = p.cwd,
			    .argc = p.argc,
			    .argv = p.argv,
			};

			event_json(d, f, &ev, c->seq, (size_t)rec->offset);
			return 0;
		}
		fprintf(f,
			" flags=0x%x ts=%" PRIu64 " pid=%" PRIu32 " ppid=%" PRIu32 " uid=%" PRIu32
			" gid=%" PRIu32 " start=%" PRIu64 " cgroup=%" PRIu64,
			p.flags, p.ts_ns, p.pid, p.ppid, p.uid, p.gid, p.start_ns, p.cgroup_id);
		text_str(f, "comm", &p.comm);
		text_str(f, "exe", &p.exe);
		text_str(f, "cwd", &p.cwd);
		fprintf(f, " argc=%" PRIu32 " argv=", p.argc);
		rp_fput_json_argv(f, &p.argv);
		break;
	case ETR_CHUNK_STATS:
		err = etr_record__counter(rec, &ctr);
		if (err)
			break;
		if (d->json) {
			fprintf(f, ",\"ts_ns\":%" PRIu64 ",\"name\":", ctr.ts_ns);
			rp_fput_json_str(f, ctr.name.ptr, ctr.name.len);
			fprintf(f, ",\"value\":%" PRIu64, ctr.value);
		} else {
			fprintf(f, " ts=%" PRIu64, ctr.ts_ns);
			text_str(f, "name", &ctr.name);
			fprintf(f, " value=%" PRIu64, ctr.value);
		}
		break;
	case ETR_CHUNK_CGROUP:
		err = dump_cgroup(d, rec);
		break;
	case ETR_CHUNK_END:
		err = etr_record__end(rec, &end);
		if (!err)
			fprintf(f,
				d->json ? ",\"ts_ns\":%" PRIu64 ",\"events\":%" PRIu64
					  ",\"chunks\":%" PRIu64 ",\"status\":%u"
					: " ts=%" PRIu64 " events=%" PRIu64 " chunks=%" PRIu64
					  " status=%u",
				end.ts_ns, end.events, end.chunks, end.status);
		break;
	}
	fputs(d->json ? "}\n" : "\n", f);
	return err;
}

static int dump_chunk(struct dump *d, struct etr_chunk *c)
{
	FILE *f = d->out;
	struct etr_record rec;
	int err;

	if (d->json)
		fprintf(f,
			"{\"record\":\"chunk\",\"chunk\":%" PRIu64
			",\"chunk_type\":\"%s\",\"type\":%u,\"file_offset\":%" PRIu64
			",\"flags\":%u,\"stored\":%" PRIu32 ",\"raw\":%" PRIu32
			",\"records\":%" PRIu32 "}\n",
			c->seq, etr_chunk_type__str(c->type), c->type, c->offset, c->flags,
			c->stored_size, c->raw_size, c->record_count);
	else
		fprintf(f,
			"chunk #%" PRIu64 " %s at byte %" PRIu64 ": %" PRIu32 " records, %" PRIu32
			" bytes stored (%s), %" PRIu32 " raw\n",
			c->seq, etr_chunk_type__str(c->type), c->offset, c->record_count,
			c->stored_size, c->flags & ETR_CHUNK_F_RAW ? "raw" : "zstd", c->raw_size);

	if (c->type == ETR_CHUNK_EVENTS) {
		struct etr_event ev;
		size_t pos = c->pos;

		while ((err = etr_chunk__next_event(c, &ev)) > 0) {
			if (d->cli.filter && !rp_filter__match_event(d->cli.filter, &ev)) {
				pos = c->pos;
				continue;
			}
			if (d->json) {
				event_json(d, f, &ev, c->seq, pos);
			} else {
				fprintf(f, "  @%-6zu", pos);
				dump_event_text(d, &ev);
			}
			if (d->raw && !d->json) {
				fputs("        ", f);
				hex(f, c->data + pos, c->pos - pos);
			}
			pos = c->pos;
		}
		return err;
	}
	while ((err = etr_chunk__next_record(c, &rec)) > 0) {
		err = dump_record(d, c, &rec);
		if (err)
			return err;
		if (d->raw && !d->json) {
			fputs("        ", f);
			hex(f, rec.body, rec.len);
		}
	}
	return err;
}

static int parse_types(const char *s, uint32_t *mask)
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

int cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    {"json", no_argument, NULL, 'j'},
	    {"type", required_argument, NULL, 't'},
	    {"raw", no_argument, NULL, 'r'},
	    {"tpformat", no_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct etr_reader_opts ropts = {.sz = sizeof(ropts), .problem_cb = on_problem};
	struct dump d = {.out = stdout};
	const struct etr_file_info *fi;
	struct etr_reader *r;
	struct etr_chunk c;
	char err[512];
	const char *path;
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int rr;

		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'j':
			d.json = true;
			continue;
		case 't':
			if (parse_types(optarg, &d.type_mask)) {
				fprintf(stderr,
					"execrec dump: --type: unknown chunk type in '%s'\n",
					optarg);
				return 2;
			}
			continue;
		case 'r':
			d.raw = true;
			continue;
		case 'T':
			d.tp_full = true;
			continue;
		case ':':
		case '?':
			tool__option_error("dump", opt, argv, longopts);
			return 2;
		}
		rr = rp_cli__option(&d.cli, opt, optarg, err, sizeof(err));
		if (rr < 0) {
			fprintf(stderr, "execrec dump: %s\n", rr == -EINVAL ? err : strerror(-rr));
			return 2;
		}
		/* records as stored: the cgroup map is not gathered here */
		if (opt == RP_OPT_UNIT) {
			fprintf(stderr, "execrec dump: --unit: not for dump, which shows records "
					"as stored; use timeline --unit\n");
			rp_filter__free(d.cli.filter);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "execrec dump: %s\nUsage: execrec dump [OPTIONS] FILE\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		rp_filter__free(d.cli.filter);
		return 2;
	}
	path = argv[optind];
	ropts.problem_ctx = &d;
	ropts.type_mask = d.type_mask;
	r = etr_reader__open(path, &ropts);
	if (!r) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec dump: %s\n", err);
		rp_filter__free(d.cli.filter);
		return 1;
	}
	fi = etr_reader__info(r);
	if (d.json)
		printf("{\"file_header\":{\"major\":%u,\"minor\":%u,\"header_size\":%" PRIu32
		       ",\"flags\":%" PRIu64 ",\"created_ns\":%" PRIu64 "}}\n",
		       fi->major, fi->minor, fi->header_size, fi->flags, fi->created_ns);
	else
		printf("file header: version %u.%u, %" PRIu32 " bytes, flags 0x%" PRIx64
		       ", created_ns %" PRIu64 "\n",
		       fi->major, fi->minor, fi->header_size, fi->flags, fi->created_ns);

	while ((ret = etr_reader__next_chunk(r, &c)) > 0) {
		if (!c.data)
			continue; /* masked out by --type */
		if (dump_chunk(&d, &c) < 0) {
			struct etr_problem p = {
			    .kind = ETR_PROB_BAD_RECORD, .offset = c.offset, .seq = c.seq};

			on_problem(&d, &p);
		}
	}
	fflush(stdout);
	if (ret < 0) {
		fprintf(stderr, "execrec dump: %s: %s\n", path, strerror(-ret));
		ret = 1;
	} else {
		if (d.nproblems)
			fprintf(stderr,
				"execrec dump: warning: %s: at byte %" PRIu64 ": %s (%" PRIu64
				" problem%s in all, shown where found)\n",
				path, d.first.offset, etr_problem__str(d.first.kind), d.nproblems,
				d.nproblems == 1 ? "" : "s");
		else if (!etr_reader__ended_cleanly(r))
			fprintf(stderr, "execrec dump: warning: %s: no end record\n", path);
		ret = 0;
	}
	etr_reader__free(r);
	rp_filter__free(d.cli.filter);
	return ret;
}
