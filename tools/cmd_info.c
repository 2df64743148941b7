/* SPDX-License-Identifier: MIT */
/*
 * execrec info: what a trace file holds, and whether all of it is sound.
 * Every chunk is read: the reader checks each checksum, and every record is
 * decoded here, so "OK" means every byte was looked at. --verify turns any
 * damage (or a missing end record) into a non-zero exit for scripts.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "color.h"
#include "commands.h"
#include "etr.h"
#include "replay.h"
#include "options.h"

#define MAX_TYPES 16
#define MAX_LISTED 64

static void usage(FILE *f)
{
	fputs("Usage: execrec info [OPTIONS] FILE\n"
	      "\n"
	      "What the trace holds: its metadata, chunks by type with their compression,\n"
	      "the stored tracepoint formats and BTF, the process snapshot, event counts,\n"
	      "counters, and an integrity check of every chunk and record.\n"
	      "\n"
	      "      --verify            exit 1 if anything is damaged, cut or missing\n"
	      "      --json              one JSON object\n"
	      "      --color[=WHEN], --no-color\n"
	      "  -h, --help              this help\n",
	      f);
}

struct kv {
	char *key;
	char *value;
	size_t len;
};

struct named {
	char *name;
	uint64_t size;
	uint32_t kind;
};

struct info {
	struct etr_reader *r;
	bool color;
	struct {
		uint64_t chunks, records, stored, raw;
	} by_type[MAX_TYPES + 1]; /* [MAX_TYPES] = unknown types */
	struct kv *meta;
	size_t nmeta;
	struct etr_clock first_clock, last_clock;
	size_t nclocks;
	struct named tp[MAX_LISTED], btf[MAX_LISTED];
	size_t ntp, nbtf;
	uint64_t procs;
	uint64_t events, by_ev[ETR_EV__MAX_KNOWN + 1];
	uint64_t ev_first, ev_last;
	uint64_t lost_marked;
	struct kv *counters;
	size_t ncounters;
	bool have_end;
	struct etr_end end;
	uint64_t bad_records;
	struct etr_problem problems[MAX_LISTED];
	size_t nproblems, problem_count;
	int err;
};

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct info *in = ctx;

	if (in->nproblems < MAX_LISTED)
		in->problems[in->nproblems++] = *p;
	in->problem_count++;
}

static void add_kv(struct info *in, struct kv **list, size_t *n, const struct etr_str *k,
		   const struct etr_str *v, bool replace)
{
	struct kv *l;

	if (replace) {
		for (size_t i = 0; i < *n; i++) {
			if (strlen((*list)[i].key) == k->len &&
			    !memcmp((*list)[i].key, k->ptr, k->len)) {
				free((*list)[i].value);
				(*list)[i].value = rp_memdup0(v->ptr, v->len);
				(*list)[i].len = v->len;
				return;
			}
		}
	}
	l = realloc(*list, (*n + 1) * sizeof(*l));
	if (!l) {
		in->err = -ENOMEM;
		return;
	}
	*list = l;
	l[*n].key = rp_memdup0(k->ptr, k->len);
	l[*n].value = rp_memdup0(v->ptr, v->len);
	l[*n].len = v->len;
	if (!l[*n].key || !l[*n].value) {
		in->err = -ENOMEM;
		return;
	}
	(*n)++;
}

static void bad_record(struct info *in, const struct etr_chunk *c)
{
	struct etr_problem p = {.kind = ETR_PROB_BAD_RECORD, .offset = c->offset, .seq = c->seq};

	in->bad_records++;
	on_problem(in, &p);
}

static void read_chunk(struct info *in, struct etr_chunk *c)
{
	unsigned t = c->type < MAX_TYPES ? c->type : MAX_TYPES;
	struct etr_record rec;
	struct etr_event ev;
	int err;

	in->by_type[t].chunks++;
	in->by_type[t].stored += c->stored_size;
	in->by_type[t].raw += c->raw_size;
	if (c->type == ETR_CHUNK_EVENTS) {
		while ((err = etr_chunk__next_event(c, &ev)) > 0) {
			in->events++;
			in->by_ev[ev.type <= ETR_EV__MAX_KNOWN ? ev.type : 0]++;
			if (!in->ev_first || ev.ts_ns < in->ev_first)
				in->ev_first = ev.ts_ns;
			if (ev.ts_ns > in->ev_last)
				in->ev_last = ev.ts_ns;
			if (ev.type == ETR_EV_LOST)
				in->lost_marked += ev.lost_count;
		}
		in->by_type[t].records += c->records_read;
		if (err < 0)
			bad_record(in, c);
		return;
	}
	while ((err = etr_chunk__next_record(c, &rec)) > 0) {
		struct etr_str k, v;
		struct etr_proc p;
		struct etr_counter ctr;
		struct etr_clock clk;
		uint32_t kind;
		int derr = 0;

		in->by_type[t].records++;
		switch (c->type) {
		case ETR_CHUNK_META:
			if (rec.type == ETR_REC_META_KV) {
				derr = etr_record__meta(&rec, &k, &v);
				if (!derr)
					add_kv(in, &in->meta, &in->nmeta, &k, &v, false);
			} else if (rec.type == ETR_REC_META_CLOCK) {
				derr = etr_record__clock(&rec, &clk);
				if (!derr) {
					if (!in->nclocks++)
						in->first_clock = clk;
					in->last_clock = clk;
				}
			}
			break;
		case ETR_CHUNK_TPFORMAT:
			if (rec.type == ETR_REC_TPFORMAT) {
				derr = etr_record__tpformat(&rec, &k, &v);
				if (!derr && in->ntp < MAX_LISTED) {
					in->tp[in->ntp].name = rp_memdup0(k.ptr, k.len);
					in->tp[in->ntp++].size = v.len;
				}
			}
			break;
		case ETR_CHUNK_BTF:
			if (rec.type == ETR_REC_BTF) {
				derr = etr_record__btf(&rec, &kind, &v);
				if (!derr && in->nbtf < MAX_LISTED) {
					in->btf[in->nbtf].kind = kind;
					in->btf[in->nbtf++].size = v.len;
				}
			}
			break;
		case ETR_CHUNK_PROCSNAP:
			if (rec.type == ETR_REC_PROC) {
				derr = etr_record__proc(&rec, &p);
				in->procs += !derr;
			}
			break;
		case ETR_CHUNK_STATS:
			if (rec.type == ETR_REC_COUNTER) {
				derr = etr_record__counter(&rec, &ctr);
				if (!derr) {
					char num[24];
					struct etr_str nv;

					snprintf(num, sizeof(num), "%" PRIu64, ctr.value);
					nv.ptr = num;
					nv.len = (uint32_t)strlen(num);
					add_kv(in, &in->counters, &in->ncounters, &ctr.name, &nv,
					       true);
				}
			}
			break;
		case ETR_CHUNK_END:
			if (rec.type == ETR_REC_END) {
				derr = etr_record__end(&rec, &in->end);
				in->have_end = !derr;
			}
			break;
		default:
			break;
		}
		if (derr) {
			bad_record(in, c);
			return;
		}
	}
	if (err < 0)
		bad_record(in, c);
}

static const char *type_name(unsigned t)
{
	return t == MAX_TYPES ? "unknown" : etr_chunk_type__str((uint16_t)t);
}

static void fmt_wall(char *buf, size_t len, uint64_t ns)
{
	char iso[48];

	rp_fmt_iso(iso, sizeof(iso), ns);
	snprintf(buf, len, "%s", iso);
}

static void trace_id(char *buf, const uint8_t *id)
{
	for (int i = 0, o = 0; i < ETR_TRACE_ID_SIZE; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[o++] = '-';
		o += sprintf(buf + o, "%02x", id[i]);
	}
}

static void put_text(const char *s, size_t len)
{
	if (memchr(s, '\0', len)) {
		/* NUL-separated arguments (cmdline) */
		struct etr_str a = {s, (uint32_t)len};

		rp_fput_argv(stdout, &a, 0);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			rp_fput_shell(stdout, s, len);
			return;
		}
	}
	fwrite(s, 1, len, stdout);
}

/* What --verify finds wrong, in one count. */
static uint64_t faults(const struct info *in, bool clean)
{
	uint64_t n = in->problem_count + !clean;

	if (in->have_end && in->end.events != in->events)
		n++;
	return n;
}

static void print_text(struct info *in, const char *path, uint64_t size)
{
	const struct etr_file_info *fi = etr_reader__info(in->r);
	struct etr_reader_stats rs;
	bool clean = etr_reader__ended_cleanly(in->r);
	const char *b = in->color ? C_BOLD : "", *rst = in->color ? C_RESET : "";
	uint64_t stored = 0, raw = 0;
	char buf[64], id[40];

	etr_reader__stats(in->r, &rs);
	trace_id(id, fi->trace_id);
	printf("%sFile%s  %s\n", b, rst, path);
	printf("  size            %" PRIu64 " bytes\n", size);
	printf("  format          %u.%u\n", fi->major, fi->minor);
	printf("  trace id        %s\n", id);
	if (fi->created_ns) {
		fmt_wall(buf, sizeof(buf), fi->created_ns);
		printf("  created         %s\n", buf);
	}
	if (in->have_end)
		printf("  end record      %" PRIu64 " events, %" PRIu64
		       " chunks before it, status %u%s\n",
		       in->end.events, in->end.chunks, in->end.status,
		       in->end.status == ETR_END_NORMAL ? ""
		       : in->end.status == ETR_END_SIZE_LIMIT
			   ? " (stopped at the size limit, --max-size)"
		       : in->end.status == ETR_END_ERROR
			   ? " (the recorder stopped on an error)"
			   : " (a reason this version does not know)");
	else
		printf("  end record      none: the recording did not finish cleanly\n");

	printf("\n%sMetadata%s\n", b, rst);
	for (size_t i = 0; i < in->nmeta; i++) {
		printf("  %-15s ", in->meta[i].key);
		put_text(in->meta[i].value, in->meta[i].len);
		putchar('\n');
	}
	if (in->nclocks) {
		fmt_wall(buf, sizeof(buf), in->first_clock.realtime_ns);
		printf("  clock anchors   %zu; boot time %" PRIu64 ".%09" PRIu64 " s = %s\n",
		       in->nclocks, (uint64_t)(in->first_clock.boottime_ns / 1000000000ull),
		       (uint64_t)(in->first_clock.boottime_ns % 1000000000ull), buf);
	} else {
		printf("  clock anchors   none: wall-clock times are unknown\n");
	}

	printf("\n%sChunks%s\n", b, rst);
	printf("  %-10s %8s %10s %12s %12s %7s\n", "TYPE", "CHUNKS", "RECORDS", "STORED", "RAW",
	       "RATIO");
	for (unsigned t = 0; t <= MAX_TYPES; t++) {
		if (!in->by_type[t].chunks)
			continue;
		stored += in->by_type[t].stored;
		raw += in->by_type[t].raw;
		printf("  %-10s %8" PRIu64 " %10" PRIu64 " %12" PRIu64 " %12" PRIu64 " %6.2fx\n",
		       type_name(t), in->by_type[t].chunks, in->by_type[t].records,
		       in->by_type[t].stored, in->by_type[t].raw,
		       in->by_type[t].stored ? (double)in->by_type[t].raw / in->by_type[t].stored
					     : 0.0);
	}
	printf("  %-10s %8" PRIu64 " %10s %12" PRIu64 " %12" PRIu64 " %6.2fx\n", "total", rs.chunks,
	       "", stored, raw, stored ? (double)raw / stored : 0.0);

	printf("\n%sTracepoint formats%s  %zu\n", b, rst, in->ntp);
	for (size_t i = 0; i < in->ntp; i++)
		printf("  %-40s %8" PRIu64 " bytes\n", in->tp[i].name ? in->tp[i].name : "?",
		       in->tp[i].size);
	printf("\n%sBTF%s%s\n", b, rst, in->nbtf ? "" : "  none");
	for (size_t i = 0; i < in->nbtf; i++)
		printf("  %-40s %8" PRIu64 " bytes\n",
		       in->btf[i].kind == ETR_BTF_SUBSET ? "subset (the types the recorder reads)"
		       : in->btf[i].kind == ETR_BTF_FULL ? "full kernel BTF"
							 : "unknown kind",
		       in->btf[i].size);

	printf("\n%sContents%s\n", b, rst);
	printf("  snapshot        %" PRIu64 " process%s alive at the start\n", in->procs,
	       in->procs == 1 ? "" : "es");
	printf(
	    "  events          %" PRIu64 " (exec %" PRIu64 ", exec_fail %" PRIu64 ", fork %" PRIu64
	    ", exit %" PRIu64 ", lost markers %" PRIu64 ", other %" PRIu64 ")\n",
	    in->events, in->by_ev[ETR_EV_EXEC], in->by_ev[ETR_EV_EXEC_FAIL], in->by_ev[ETR_EV_FORK],
	    in->by_ev[ETR_EV_EXIT], in->by_ev[ETR_EV_LOST], in->by_ev[0]);
	if (in->events) {
		rp_fmt_duration(buf, sizeof(buf), in->ev_last - in->ev_first);
		printf("  time span       %s (boot time %" PRIu64 " .. %" PRIu64 " ns)\n", buf,
		       in->ev_first, in->ev_last);
	}
	if (in->lost_marked)
		printf("  lost            %" PRIu64 " events (lost markers)\n", in->lost_marked);
	for (size_t i = 0; i < in->ncounters; i++)
		printf("  %-15s %s\n", in->counters[i].key, in->counters[i].value);

	printf("\n%sIntegrity%s\n", b, rst);
	if (!faults(in, clean)) {
		/* whole and readable; but a recording the size limit or an
		 * error stopped did not end cleanly (report says the same) */
		printf("  %sOK%s: %" PRIu64 " chunks, every checksum and every record good, %s\n",
		       in->color ? C_GREEN : "", rst, rs.chunks,
		       rp_end_reason(in->end.status) ? rp_end_reason(in->end.status)
						     : "ended cleanly");
		return;
	}
	for (size_t i = 0; i < in->nproblems; i++) {
		const struct etr_problem *p = &in->problems[i];

		printf("  %sbyte %" PRIu64 "%s: %s", in->color ? C_RED : "", p->offset, rst,
		       etr_problem__str(p->kind));
		if (p->kind == ETR_PROB_BAD_RECORD)
			printf(" (in the chunk at this offset; the rest of it is unreadable)");
		else if (p->length)
			printf(" (%" PRIu64 " bytes skipped)", p->length);
		putchar('\n');
	}
	if (in->problem_count > in->nproblems)
		printf("  ... %zu more problems\n", in->problem_count - in->nproblems);
	if (!clean)
		printf("  %sno end record%s: the recording was cut (killed, disk full, or the "
		       "file truncated)\n",
		       in->color ? C_RED : "", rst);
	if (in->have_end && in->end.events != in->events)
		printf("  the end record counts %" PRIu64 " events, %" PRIu64 " were read\n",
		       in->end.events, in->events);
	printf("  %" PRIu64 " good chunks, %" PRIu64 " damaged chunks skipped\n", rs.chunks,
	       rs.bad_chunks);
}

static void json_s(const char *s, size_t len)
{
	rp_fput_json_str(stdout, s, len);
}

static void print_json(struct info *in, const char *path, uint64_t size)
{
	const struct etr_file_info *fi = etr_reader__info(in->r);
	struct etr_reader_stats rs;
	bool clean = etr_reader__ended_cleanly(in->r);
	char id[40];

	etr_reader__stats(in->r, &rs);
	trace_id(id, fi->trace_id);
	fputs("{\"file\":", stdout);
	json_s(path, strlen(path));
	printf(",\"size\":%" PRIu64 ",\"major\":%u,\"minor\":%u,\"trace_id\":\"%s\""
	       ",\"created_ns\":%" PRIu64 ",\"ended_cleanly\":%s",
	       size, fi->major, fi->minor, id, fi->created_ns, clean ? "true" : "false");
	if (in->have_end)
		printf(",\"end\":{\"ts_ns\":%" PRIu64 ",\"events\":%" PRIu64 ",\"chunks\":%" PRIu64
		       ",\"status\":%u}",
		       in->end.ts_ns, in->end.events, in->end.chunks, in->end.status);
	else
		fputs(",\"end\":null", stdout);
	fputs(",\"meta\":{", stdout);
	for (size_t i = 0; i < in->nmeta; i++) {
		if (i)
			putchar(',');
		json_s(in->meta[i].key, strlen(in->meta[i].key));
		putchar(':');
		json_s(in->meta[i].value, in->meta[i].len);
	}
	printf("},\"clock_anchors\":%zu,\"chunks\":{", in->nclocks);
	for (unsigned t = 0, first = 1; t <= MAX_TYPES; t++) {
		if (!in->by_type[t].chunks)
			continue;
		printf("%s\"%s\":{\"chunks\":%" PRIu64 ",\"records\":%" PRIu64
		       ",\"stored\":%" PRIu64 ",\"raw\":%" PRIu64 "}",
		       first ? "" : ",", type_name(t), in->by_type[t].chunks,
		       in->by_type[t].records, in->by_type[t].stored, in->by_type[t].raw);
		first = 0;
	}
	printf("},\"stored_bytes\":%" PRIu64 ",\"raw_bytes\":%" PRIu64 ",\"tpformats\":[",
	       rs.stored_bytes, rs.raw_bytes);
	for (size_t i = 0; i < in->ntp; i++) {
		printf("%s{\"name\":", i ? "," : "");
		json_s(in->tp[i].name ? in->tp[i].name : "",
		       in->tp[i].name ? strlen(in->tp[i].name) : 0);
		printf(",\"size\":%" PRIu64 "}", in->tp[i].size);
	}
	fputs("],\"btf\":[", stdout);
	for (size_t i = 0; i < in->nbtf; i++)
		printf("%s{\"kind\":\"%s\",\"size\":%" PRIu64 "}", i ? "," : "",
		       in->btf[i].kind == ETR_BTF_SUBSET ? "subset"
		       : in->btf[i].kind == ETR_BTF_FULL ? "full"
							 : "unknown",
		       in->btf[i].size);
	printf("],\"snapshot_processes\":%" PRIu64 ",\"events\":%" PRIu64 ",\"exec\":%" PRIu64
	       ",\"exec_fail\":%" PRIu64 ",\"fork\":%" PRIu64 ",\"exit\":%" PRIu64
	       ",\"lost_markers\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"counters\":{",
	       in->procs, in->events, in->by_ev[ETR_EV_EXEC], in->by_ev[ETR_EV_EXEC_FAIL],
	       in->by_ev[ETR_EV_FORK], in->by_ev[ETR_EV_EXIT], in->by_ev[ETR_EV_LOST],
	       in->lost_marked);
	for (size_t i = 0; i < in->ncounters; i++) {
		if (i)
			putchar(',');
		json_s(in->counters[i].key, strlen(in->counters[i].key));
		printf(":%s", in->counters[i].value);
	}
	printf("},\"good_chunks\":%" PRIu64 ",\"bad_chunks\":%" PRIu64 ",\"problems\":[", rs.chunks,
	       rs.bad_chunks);
	for (size_t i = 0; i < in->nproblems; i++)
		printf("%s{\"offset\":%" PRIu64 ",\"kind\":\"%s\",\"length\":%" PRIu64 "}",
		       i ? "," : "", in->problems[i].offset, etr_problem__str(in->problems[i].kind),
		       in->problems[i].length);
	printf("],\"ok\":%s}\n", faults(in, clean) ? "false" : "true");
}

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"verify", no_argument, NULL, 'v'},	     {"json", no_argument, NULL, 'j'},
	    {"color", optional_argument, NULL, 'c'}, {"no-color", no_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},	     {NULL, 0, NULL, 0},
	};
	struct etr_reader_opts ropts = {.sz = sizeof(ropts), .problem_cb = on_problem};
	struct info in = {0};
	bool verify = false, json = false;
	const char *color = NULL, *path;
	struct etr_chunk c;
	struct stat st;
	uint64_t size = 0;
	char err[512];
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			verify = true;
			break;
		case 'j':
			json = true;
			break;
		case 'c':
			color = optarg ? optarg : "always";
			break;
		case 'C':
			color = "never";
			break;
		default:
			tool__option_error("info", opt, argv, longopts);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "execrec info: %s\nUsage: execrec info [OPTIONS] FILE\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		return 2;
	}
	path = argv[optind];
	ropts.problem_ctx = &in;
	in.r = etr_reader__open(path, &ropts);
	if (!in.r) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec info: %s\n", err);
		return 1;
	}
	in.color = !json && rp_want_color(1, color);
	while ((ret = etr_reader__next_chunk(in.r, &c)) > 0 && !in.err)
		read_chunk(&in, &c);
	if (ret < 0 || in.err) {
		fprintf(stderr, "execrec info: %s: %s\n", path, strerror(ret < 0 ? -ret : -in.err));
		etr_reader__free(in.r);
		return 1;
	}
	if (strcmp(path, "-") && !stat(path, &st))
		size = (uint64_t)st.st_size;
	else {
		struct etr_reader_stats rs;

		etr_reader__stats(in.r, &rs);
		size = rs.bytes_read;
	}
	if (json)
		print_json(&in, path, size);
	else
		print_text(&in, path, size);
	fflush(stdout);

	ret = 0;
	if (faults(&in, etr_reader__ended_cleanly(in.r))) {
		/* one line on stderr, whatever went to stdout */
		if (in.nproblems)
			snprintf(err, sizeof(err), "at byte %" PRIu64 ": %s%s",
				 in.problems[0].offset, etr_problem__str(in.problems[0].kind),
				 in.problem_count > 1 ? " (and more, listed above)" : "");
		else if (!etr_reader__ended_cleanly(in.r))
			snprintf(err, sizeof(err), "no end record: the recording was cut");
		else
			snprintf(err, sizeof(err),
				 "the end record counts %" PRIu64 " events, %" PRIu64 " were read",
				 in.end.events, in.events);
		fprintf(stderr, "execrec info: %s: %s: %s\n", verify ? "FAILED" : "warning", path,
			err);
		ret = verify ? 1 : 0;
	}
	for (size_t i = 0; i < in.nmeta; i++) {
		free(in.meta[i].key);
		free(in.meta[i].value);
	}
	free(in.meta);
	for (size_t i = 0; i < in.ncounters; i++) {
		free(in.counters[i].key);
		free(in.counters[i].value);
	}
	free(in.counters);
	for (size_t i = 0; i < in.ntp; i++)
		free(in.tp[i].name);
	etr_reader__free(in.r);
	return ret;
}
