// SPDX-License-Identifier: MIT
/*
 * A trace rewritten with its strings redacted. Every record is decoded and
 * written again through format/'s writer (never copied as bytes), so what
 * goes out is only what this build understood and redacted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct copy {
	struct redactor *r;
	struct etr_writer *w;
	struct redact_copy_stats *st;
	const char *const *meta;
	bool meta_done;
	struct etr_end end;
};

static int write_extra_meta(struct copy *c)
{
	int err;

	if (c->meta_done)
		return 0;
	c->meta_done = true;
	for (const char *const *m = c->meta; m && m[0] && m[1]; m += 2) {
		err = etr_writer__write_meta(c->w, m[0], m[1], strlen(m[1]));
		if (err)
			return err;
	}
	return 0;
}

static int copy_record(struct copy *c, uint16_t chunk, const struct etr_record *rec)
{
	struct etr_str k, v, name, text;
	struct etr_clock clk;
	struct etr_proc p;
	struct etr_counter ctr;
	struct etr_cgroup cg;
	uint32_t kind;
	char key[256];
	int rc;

	switch (chunk * 256 + rec->type) {
	case ETR_CHUNK_META * 256 + ETR_REC_META_KV:
		if (etr_record__meta(rec, &k, &v) || k.len >= sizeof(key))
			return 1;
		memcpy(key, k.ptr, k.len);
		key[k.len] = 0;
		if (memchr(key, 0, k.len))
			return 1;
		if ((rc = redactor__meta(c->r, key, k.len, &v)) < 0)
			return rc;
		return etr_writer__write_meta(c->w, key, v.ptr, v.len);
	case ETR_CHUNK_META * 256 + ETR_REC_META_CLOCK:
		if (etr_record__clock(rec, &clk))
			return 1;
		return etr_writer__write_clock(c->w, &clk);
	case ETR_CHUNK_TPFORMAT * 256 + ETR_REC_TPFORMAT:
		if (etr_record__tpformat(rec, &name, &text) || name.len >= sizeof(key))
			return 1;
		memcpy(key, name.ptr, name.len);
		key[name.len] = 0;
		return etr_writer__write_tpformat(c->w, key, text.ptr, text.len);
	case ETR_CHUNK_BTF * 256 + ETR_REC_BTF:
		if (etr_record__btf(rec, &kind, &text))
			return 1;
		return etr_writer__write_btf(c->w, kind, text.ptr, text.len);
	case ETR_CHUNK_PROCSNAP * 256 + ETR_REC_PROC:
		if (etr_record__proc(rec, &p))
			return 1;
		if ((rc = redactor__proc(c->r, &p)) < 0)
			return rc;
		return etr_writer__write_proc(c->w, &p);
	case ETR_CHUNK_STATS * 256 + ETR_REC_COUNTER:
		if (etr_record__counter(rec, &ctr))
			return 1;
		if ((rc = redactor__str(c->r, ctr.name.ptr, ctr.name.len, &ctr.name)) < 0)
			return rc;
		return etr_writer__write_counter(c->w, &ctr);
	case ETR_CHUNK_CGROUP * 256 + ETR_REC_CGROUP:
		if (etr_record__cgroup(rec, &cg))
			return 1;
		if ((rc = redactor__str(c->r, cg.path.ptr, cg.path.len, &cg.path)) < 0)
			return rc;
		return etr_writer__write_cgroup(c->w, &cg);
	case ETR_CHUNK_END * 256 + ETR_REC_END:
		if (etr_record__end(rec, &c->end))
			return 1;
		c->st->ended = true;
		return 2;
	}
	return 1;
}

static int copy_events(struct copy *c, struct etr_chunk *ch)
{
	struct etr_event ev;
	int rc;

	while ((rc = etr_chunk__next_event(ch, &ev)) == 1) {
		if (!ev.type || ev.type > ETR_EV__MAX_KNOWN) {
			c->st->dropped_records++;
			continue;
		}
		rc = redactor__event(c->r, &ev);
		if (rc < 0)
			return rc;
		rc = etr_writer__write_event(c->w, &ev);
		redactor__reset(c->r);
		if (rc)
			return rc;
		c->st->events++;
		c->st->records++;
	}
	if (rc < 0) /* the rest of the chunk does not decode */
		c->st->dropped_records += ch->record_count - ch->records_read;
	return 0;
}

static int copy_chunk(struct copy *c, struct etr_chunk *ch)
{
	struct etr_record rec;
	int rc;

	if (ch->type == ETR_CHUNK_EVENTS)
		return copy_events(c, ch);
	if (ch->type < ETR_CHUNK_META || ch->type > ETR_CHUNK_CGROUP) {
		c->st->dropped_chunks++;
		return 0;
	}
	while ((rc = etr_chunk__next_record(ch, &rec)) == 1) {
		rc = copy_record(c, ch->type, &rec);
		redactor__reset(c->r);
		if (rc < 0)
			return rc;
		if (rc == 1)
			c->st->dropped_records++;
		else if (rc == 0)
			c->st->records++;
	}
	if (rc < 0)
		c->st->dropped_records += ch->record_count - ch->records_read;
	return 0;
}

static int write_counts(struct copy *c)
{
	char buf[REDACT_MAX_RULES * (RD_NAME_MAX + 24)];
	size_t n = 0;
	int err;

	buf[0] = 0;
	for (size_t i = 0; i < c->r->n_rules; i++)
		if (c->r->rules[i].hits)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s=%llu", n ? " " : "",
				      c->r->rules[i].name, (unsigned long long)c->r->rules[i].hits);
	if (!n)
		snprintf(buf, sizeof(buf), "none");
	err = etr_writer__write_meta(c->w, "redact.counts", buf, strlen(buf));
	if (err || !(c->st->dropped_records || c->st->dropped_chunks))
		return err;
	n = snprintf(buf, sizeof(buf), "%llu records, %llu chunks (undecodable or unknown)",
		     (unsigned long long)c->st->dropped_records,
		     (unsigned long long)c->st->dropped_chunks);
	return etr_writer__write_meta(c->w, "redact.dropped", buf, n);
}

int redactor__copy(struct redactor *r, struct etr_reader *in, struct etr_writer *out,
		   const char *const *meta, struct redact_copy_stats *ret_stats)
{
	struct copy c = {.r = r, .w = out, .st = ret_stats, .meta = meta};
	struct etr_chunk ch;
	int rc;

	memset(ret_stats, 0, sizeof(*ret_stats));
	while ((rc = etr_reader__next_chunk(in, &ch)) == 1) {
		if (ch.type != ETR_CHUNK_META && (rc = write_extra_meta(&c)))
			return rc;
		if ((rc = copy_chunk(&c, &ch)))
			return rc;
		if (ch.type == ETR_CHUNK_META && (rc = write_extra_meta(&c)))
			return rc;
	}
	if (rc < 0)
		return rc;
	if ((rc = write_extra_meta(&c)) || (rc = write_counts(&c)))
		return rc;
	if (c.st->ended)
		return etr_writer__close_at(out, c.end.status, c.end.ts_ns);
	return etr_writer__flush(out);
}

int redactor__copy_fd(struct redactor *r, struct etr_reader *in, int out_fd, int level,
		      const char *when, struct redact_copy_stats *ret_stats)
{
	struct etr_writer_opts wo = {.sz = sizeof(wo), .level = level};
	char *rules = redactor__rule_list(r);
	const char *meta[] = {"redact.time", when, "redact.rules", rules, NULL};
	struct etr_writer *w;
	int rc;

	if (!rules)
		return -ENOMEM;
	wo.created_ns = etr_reader__info(in)->created_ns;
	w = etr_writer__open_fd(out_fd, &wo);
	rc = w ? redactor__copy(r, in, w, when ? meta : meta + 2, ret_stats) : -errno;
	/* after the copy's flush: nothing is left queued to write */
	etr_writer__free(w);
	free(rules);
	return rc;
}
