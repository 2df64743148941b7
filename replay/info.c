/* SPDX-License-Identifier: MIT */
/*
 * rp_info: the figures of `execrec info`, gathered in one walk over the
 * trace (etr_walk), and their text and JSON forms. Every chunk is read: the
 * reader checks each checksum and the walker decodes every record, so a
 * trace without faults had every byte looked at.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/color.h"
#include "info.h"
#include "replay.h"

#define MAX_TYPES 16
#define MAX_LISTED 64

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

struct rp_info {
	struct etr_walk *w;
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
	struct etr_problem problems[MAX_LISTED];
	size_t nproblems, problem_count;
	int err;
};

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct rp_info *in = ctx;

	if (in->nproblems < MAX_LISTED)
		in->problems[in->nproblems++] = *p;
	in->problem_count++;
}

static void add_kv(struct rp_info *in, struct kv **list, size_t *n, const struct etr_str *k,
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

static void add_counter(struct rp_info *in, const struct etr_counter *ctr)
{
	char num[24];
	struct etr_str nv;

	snprintf(num, sizeof(num), "%" PRIu64, ctr->value);
	nv.ptr = num;
	nv.len = (uint32_t)strlen(num);
	add_kv(in, &in->counters, &in->ncounters, &ctr->name, &nv, true);
}

static void add_event(struct rp_info *in, const struct etr_event *ev)
{
	in->events++;
	in->by_ev[ev->type <= ETR_EV__MAX_KNOWN ? ev->type : 0]++;
	if (!in->ev_first || ev->ts_ns < in->ev_first)
		in->ev_first = ev->ts_ns;
	if (ev->ts_ns > in->ev_last)
		in->ev_last = ev->ts_ns;
	if (ev->type == ETR_EV_LOST)
		in->lost_marked += ev->lost_count;
}

/* One item of the walk, into the figures. */
static void take(struct rp_info *in, const struct etr_walk_item *it)
{
	const struct etr_chunk *c = it->chunk;
	unsigned t = c->type < MAX_TYPES ? c->type : MAX_TYPES;

	switch (it->kind) {
	case ETR_WALK_CHUNK:
		in->by_type[t].chunks++;
		in->by_type[t].stored += c->stored_size;
		in->by_type[t].raw += c->raw_size;
		return;
	case ETR_WALK_CHUNK_END:
		/* events count as framed, one that did not decode too */
		if (c->type == ETR_CHUNK_EVENTS)
			in->by_type[t].records += c->records_read;
		return;
	case ETR_WALK_EVENT:
		add_event(in, it->ev);
		return;
	case ETR_WALK_BAD:
		/* a record whose framing held counts as one */
		if (it->rec.body && c->type != ETR_CHUNK_EVENTS)
			in->by_type[t].records++;
		return;
	default:
		break;
	}
	in->by_type[t].records++;
	switch (it->kind) {
	case ETR_WALK_META:
		add_kv(in, &in->meta, &in->nmeta, &it->meta.key, &it->meta.value, false);
		break;
	case ETR_WALK_CLOCK:
		if (!in->nclocks++)
			in->first_clock = it->clock;
		in->last_clock = it->clock;
		break;
	case ETR_WALK_TPFORMAT:
		if (in->ntp < MAX_LISTED) {
			in->tp[in->ntp].name =
			    rp_memdup0(it->tpformat.name.ptr, it->tpformat.name.len);
			in->tp[in->ntp++].size = it->tpformat.text.len;
		}
		break;
	case ETR_WALK_BTF:
		if (in->nbtf < MAX_LISTED) {
			in->btf[in->nbtf].kind = it->btf.kind;
			in->btf[in->nbtf++].size = it->btf.data.len;
		}
		break;
	case ETR_WALK_PROC:
		in->procs++;
		break;
	case ETR_WALK_COUNTER:
		add_counter(in, &it->counter);
		break;
	case ETR_WALK_END:
		in->end = it->end;
		in->have_end = true;
		break;
	default:
		break;
	}
}

struct rp_info *rp_info__open(const char *path)
{
	struct etr_walk_opts wo = {.sz = sizeof(wo), .problem_cb = on_problem};
	struct rp_info *in = calloc(1, sizeof(*in));
	int err;

	if (!in) {
		errno = ENOMEM;
		return NULL;
	}
	wo.problem_ctx = in;
	in->w = etr_walk__open(path, &wo);
	if (!in->w) {
		err = errno;
		free(in);
		errno = err;
		return NULL;
	}
	return in;
}

int rp_info__read(struct rp_info *in)
{
	struct etr_walk_item it;
	int ret = 0;

	if (!in)
		return -EINVAL;
	while (!in->err && (ret = etr_walk__next(in->w, &it, NULL)) > 0)
		take(in, &it);
	return in->err ? in->err : ret;
}

const struct etr_reader *rp_info__reader(const struct rp_info *in)
{
	return in ? etr_walk__reader(in->w) : NULL;
}

void rp_info__free(struct rp_info *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->nmeta; i++) {
		free(in->meta[i].key);
		free(in->meta[i].value);
	}
	free(in->meta);
	for (size_t i = 0; i < in->ncounters; i++) {
		free(in->counters[i].key);
		free(in->counters[i].value);
	}
	free(in->counters);
	for (size_t i = 0; i < in->ntp; i++)
		free(in->tp[i].name);
	etr_walk__free(in->w);
	free(in);
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

static void put_text(FILE *f, const char *s, size_t len)
{
	if (memchr(s, '\0', len)) {
		/* NUL-separated arguments (cmdline) */
		struct etr_str a = {s, (uint32_t)len};

		rp_fput_argv(f, &a, 0);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			rp_fput_shell(f, s, len);
			return;
		}
	}
	fwrite(s, 1, len, f);
}

static bool clean_end(const struct rp_info *in)
{
	return etr_reader__ended_cleanly(etr_walk__reader(in->w));
}

static uint64_t faults(const struct rp_info *in, bool clean)
{
	uint64_t n = in->problem_count + !clean;

	if (in->have_end && in->end.events != in->events)
		n++;
	return n;
}

void rp_info__print_text(const struct rp_info *in, FILE *f, const char *path, uint64_t size,
			 bool color)
{
	const struct etr_reader *r = etr_walk__reader(in->w);
	const struct etr_file_info *fi = etr_reader__info(r);
	struct etr_reader_stats rs;
	bool clean = clean_end(in);
	const char *b = color ? EC_COLOR_BOLD : "", *rst = color ? EC_COLOR_RESET : "";
	uint64_t stored = 0, raw = 0;
	char buf[64], id[40];

	etr_reader__stats(r, &rs);
	trace_id(id, fi->trace_id);
	fprintf(f, "%sFile%s  %s\n", b, rst, path);
	fprintf(f, "  size            %" PRIu64 " bytes\n", size);
	fprintf(f, "  format          %u.%u\n", fi->major, fi->minor);
	fprintf(f, "  trace id        %s\n", id);
	if (fi->created_ns) {
		fmt_wall(buf, sizeof(buf), fi->created_ns);
		fprintf(f, "  created         %s\n", buf);
	}
	if (in->have_end)
		fprintf(f,
			"  end record      %" PRIu64 " events, %" PRIu64
			" chunks before it, status %u%s\n",
			in->end.events, in->end.chunks, in->end.status,
			in->end.status == ETR_END_NORMAL ? ""
			: in->end.status == ETR_END_SIZE_LIMIT
			    ? " (stopped at the size limit, --max-size)"
			: in->end.status == ETR_END_ERROR
			    ? " (the recorder stopped on an error)"
			    : " (a reason this version does not know)");
	else
		fprintf(f, "  end record      none: the recording did not finish cleanly\n");

	fprintf(f, "\n%sMetadata%s\n", b, rst);
	for (size_t i = 0; i < in->nmeta; i++) {
		fprintf(f, "  %-15s ", in->meta[i].key);
		put_text(f, in->meta[i].value, in->meta[i].len);
		fputc('\n', f);
	}
	if (in->nclocks) {
		fmt_wall(buf, sizeof(buf), in->first_clock.realtime_ns);
		fprintf(f, "  clock anchors   %zu; boot time %" PRIu64 ".%09" PRIu64 " s = %s\n",
			in->nclocks, (uint64_t)(in->first_clock.boottime_ns / 1000000000ull),
			(uint64_t)(in->first_clock.boottime_ns % 1000000000ull), buf);
	} else {
		fprintf(f, "  clock anchors   none: wall-clock times are unknown\n");
	}

	fprintf(f, "\n%sChunks%s\n", b, rst);
	fprintf(f, "  %-10s %8s %10s %12s %12s %7s\n", "TYPE", "CHUNKS", "RECORDS", "STORED", "RAW",
		"RATIO");
	for (unsigned t = 0; t <= MAX_TYPES; t++) {
		if (!in->by_type[t].chunks)
			continue;
		stored += in->by_type[t].stored;
		raw += in->by_type[t].raw;
		fprintf(f,
			"  %-10s %8" PRIu64 " %10" PRIu64 " %12" PRIu64 " %12" PRIu64 " %6.2fx\n",
			type_name(t), in->by_type[t].chunks, in->by_type[t].records,
			in->by_type[t].stored, in->by_type[t].raw,
			in->by_type[t].stored ? (double)in->by_type[t].raw / in->by_type[t].stored
					      : 0.0);
	}
	fprintf(f, "  %-10s %8" PRIu64 " %10s %12" PRIu64 " %12" PRIu64 " %6.2fx\n", "total",
		rs.chunks, "", stored, raw, stored ? (double)raw / stored : 0.0);

	fprintf(f, "\n%sTracepoint formats%s  %zu\n", b, rst, in->ntp);
	for (size_t i = 0; i < in->ntp; i++)
		fprintf(f, "  %-40s %8" PRIu64 " bytes\n", in->tp[i].name ? in->tp[i].name : "?",
			in->tp[i].size);
	fprintf(f, "\n%sBTF%s%s\n", b, rst, in->nbtf ? "" : "  none");
	for (size_t i = 0; i < in->nbtf; i++)
		fprintf(f, "  %-40s %8" PRIu64 " bytes\n",
			in->btf[i].kind == ETR_BTF_SUBSET ? "subset (the types the recorder reads)"
			: in->btf[i].kind == ETR_BTF_FULL ? "full kernel BTF"
							  : "unknown kind",
			in->btf[i].size);

	fprintf(f, "\n%sContents%s\n", b, rst);
	fprintf(f, "  snapshot        %" PRIu64 " process%s alive at the start\n", in->procs,
		in->procs == 1 ? "" : "es");
	fprintf(
	    f,
	    "  events          %" PRIu64 " (exec %" PRIu64 ", exec_fail %" PRIu64 ", fork %" PRIu64
	    ", exit %" PRIu64 ", lost markers %" PRIu64 ", other %" PRIu64 ")\n",
	    in->events, in->by_ev[ETR_EV_EXEC], in->by_ev[ETR_EV_EXEC_FAIL], in->by_ev[ETR_EV_FORK],
	    in->by_ev[ETR_EV_EXIT], in->by_ev[ETR_EV_LOST], in->by_ev[0]);
	if (in->events) {
		rp_fmt_duration(buf, sizeof(buf), in->ev_last - in->ev_first);
		fprintf(f, "  time span       %s (boot time %" PRIu64 " .. %" PRIu64 " ns)\n", buf,
			in->ev_first, in->ev_last);
	}
	if (in->lost_marked)
		fprintf(f, "  lost            %" PRIu64 " events (lost markers)\n",
			in->lost_marked);
	for (size_t i = 0; i < in->ncounters; i++)
		fprintf(f, "  %-15s %s\n", in->counters[i].key, in->counters[i].value);

	fprintf(f, "\n%sIntegrity%s\n", b, rst);
	if (!faults(in, clean)) {
		/* whole and readable; but a recording the size limit or an
		 * error stopped did not end cleanly (report says the same) */
		fprintf(f,
			"  %sOK%s: %" PRIu64 " chunks, every checksum and every record good, %s\n",
			color ? EC_COLOR_GREEN : "", rst, rs.chunks,
			rp_end_reason(in->end.status) ? rp_end_reason(in->end.status)
						      : "ended cleanly");
		return;
	}
	for (size_t i = 0; i < in->nproblems; i++) {
		const struct etr_problem *p = &in->problems[i];

		fprintf(f, "  %sbyte %" PRIu64 "%s: %s", color ? EC_COLOR_RED : "", p->offset, rst,
			etr_problem__str(p->kind));
		if (p->kind == ETR_PROB_BAD_RECORD)
			fprintf(f, " (in the chunk at this offset; the rest of it is unreadable)");
		else if (p->length)
			fprintf(f, " (%" PRIu64 " bytes skipped)", p->length);
		fputc('\n', f);
	}
	if (in->problem_count > in->nproblems)
		fprintf(f, "  ... %zu more problems\n", in->problem_count - in->nproblems);
	if (!clean)
		fprintf(f,
			"  %sno end record%s: the recording was cut (killed, disk full, or the "
			"file truncated)\n",
			color ? EC_COLOR_RED : "", rst);
	if (in->have_end && in->end.events != in->events)
		fprintf(f, "  the end record counts %" PRIu64 " events, %" PRIu64 " were read\n",
			in->end.events, in->events);
	fprintf(f, "  %" PRIu64 " good chunks, %" PRIu64 " damaged chunks skipped\n", rs.chunks,
		rs.bad_chunks);
}

static void json_s(FILE *f, const char *s, size_t len)
{
	rp_fput_json_str(f, s, len);
}

void rp_info__print_json(const struct rp_info *in, FILE *f, const char *path, uint64_t size)
{
	const struct etr_reader *r = etr_walk__reader(in->w);
	const struct etr_file_info *fi = etr_reader__info(r);
	struct etr_reader_stats rs;
	bool clean = clean_end(in);
	char id[40];

	etr_reader__stats(r, &rs);
	trace_id(id, fi->trace_id);
	fputs("{\"file\":", f);
	json_s(f, path, strlen(path));
	fprintf(f,
		",\"size\":%" PRIu64 ",\"major\":%u,\"minor\":%u,\"trace_id\":\"%s\""
		",\"created_ns\":%" PRIu64 ",\"ended_cleanly\":%s",
		size, fi->major, fi->minor, id, fi->created_ns, clean ? "true" : "false");
	if (in->have_end)
		fprintf(f,
			",\"end\":{\"ts_ns\":%" PRIu64 ",\"events\":%" PRIu64 ",\"chunks\":%" PRIu64
			",\"status\":%u}",
			in->end.ts_ns, in->end.events, in->end.chunks, in->end.status);
	else
		fputs(",\"end\":null", f);
	fputs(",\"meta\":{", f);
	for (size_t i = 0; i < in->nmeta; i++) {
		if (i)
			fputc(',', f);
		json_s(f, in->meta[i].key, strlen(in->meta[i].key));
		fputc(':', f);
		json_s(f, in->meta[i].value, in->meta[i].len);
	}
	fprintf(f, "},\"clock_anchors\":%zu,\"chunks\":{", in->nclocks);
	for (unsigned t = 0, first = 1; t <= MAX_TYPES; t++) {
		if (!in->by_type[t].chunks)
			continue;
		fprintf(f,
			"%s\"%s\":{\"chunks\":%" PRIu64 ",\"records\":%" PRIu64
			",\"stored\":%" PRIu64 ",\"raw\":%" PRIu64 "}",
			first ? "" : ",", type_name(t), in->by_type[t].chunks,
			in->by_type[t].records, in->by_type[t].stored, in->by_type[t].raw);
		first = 0;
	}
	fprintf(f, "},\"stored_bytes\":%" PRIu64 ",\"raw_bytes\":%" PRIu64 ",\"tpformats\":[",
		rs.stored_bytes, rs.raw_bytes);
	for (size_t i = 0; i < in->ntp; i++) {
		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_s(f, in->tp[i].name ? in->tp[i].name : "",
		       in->tp[i].name ? strlen(in->tp[i].name) : 0);
		fprintf(f, ",\"size\":%" PRIu64 "}", in->tp[i].size);
	}
	fputs("],\"btf\":[", f);
	for (size_t i = 0; i < in->nbtf; i++)
		fprintf(f, "%s{\"kind\":\"%s\",\"size\":%" PRIu64 "}", i ? "," : "",
			in->btf[i].kind == ETR_BTF_SUBSET ? "subset"
			: in->btf[i].kind == ETR_BTF_FULL ? "full"
							  : "unknown",
			in->btf[i].size);
	fprintf(f,
		"],\"snapshot_processes\":%" PRIu64 ",\"events\":%" PRIu64 ",\"exec\":%" PRIu64
		",\"exec_fail\":%" PRIu64 ",\"fork\":%" PRIu64 ",\"exit\":%" PRIu64
		",\"lost_markers\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"counters\":{",
		in->procs, in->events, in->by_ev[ETR_EV_EXEC], in->by_ev[ETR_EV_EXEC_FAIL],
		in->by_ev[ETR_EV_FORK], in->by_ev[ETR_EV_EXIT], in->by_ev[ETR_EV_LOST],
		in->lost_marked);
	for (size_t i = 0; i < in->ncounters; i++) {
		if (i)
			fputc(',', f);
		json_s(f, in->counters[i].key, strlen(in->counters[i].key));
		fprintf(f, ":%s", in->counters[i].value);
	}
	fprintf(f, "},\"good_chunks\":%" PRIu64 ",\"bad_chunks\":%" PRIu64 ",\"problems\":[",
		rs.chunks, rs.bad_chunks);
	for (size_t i = 0; i < in->nproblems; i++)
		fprintf(f, "%s{\"offset\":%" PRIu64 ",\"kind\":\"%s\",\"length\":%" PRIu64 "}",
			i ? "," : "", in->problems[i].offset,
			etr_problem__str(in->problems[i].kind), in->problems[i].length);
	fprintf(f, "],\"ok\":%s}\n", faults(in, clean) ? "false" : "true");
}

uint64_t rp_info__faults(const struct rp_info *in)
{
	return in ? faults(in, clean_end(in)) : 0;
}

void rp_info__fault_str(const struct rp_info *in, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	if (!in || !rp_info__faults(in))
		return;
	if (in->nproblems)
		snprintf(buf, len, "at byte %" PRIu64 ": %s%s", in->problems[0].offset,
			 etr_problem__str(in->problems[0].kind),
			 in->problem_count > 1 ? " (and more, listed above)" : "");
	else if (!clean_end(in))
		snprintf(buf, len, "no end record: the recording was cut");
	else
		snprintf(buf, len,
			 "the end record counts %" PRIu64 " events, %" PRIu64 " were read",
			 in->end.events, in->events);
}
