/* SPDX-License-Identifier: MIT */
/* Helpers the exporters and the chart share. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum rx_outcome rx_outcome(const struct rp_proc *p)
{
	if (p->flags & RP_PF_PLACEHOLDER)
		return RX_PLACEHOLDER;
	if (p->flags & RP_PF_EXITED) {
		if (p->signal)
			return RX_KILLED;
		/* tried programs and ran none: the exec failure is the story */
		if (p->nfail && !p->nexec && p->exit_code)
			return RX_EXEC_FAILED;
		return p->exit_code ? RX_EXIT : RX_OK;
	}
	if (p->flags & RP_PF_RUNNING)
		return RX_RUNNING;
	return RX_UNKNOWN;
}

const char *rx_outcome_name(enum rx_outcome o)
{
	static const char *const names[RX__OUTCOMES] = {
	    [RX_OK] = "ok",
	    [RX_EXIT] = "exit",
	    [RX_KILLED] = "killed",
	    [RX_EXEC_FAILED] = "exec_failed",
	    [RX_RUNNING] = "running",
	    [RX_UNKNOWN] = "unknown",
	    [RX_PLACEHOLDER] = "placeholder",
	};

	return o < RX__OUTCOMES ? names[o] : "unknown";
}

const char *rx_outcome_color(enum rx_outcome o)
{
	static const char *const colors[RX__OUTCOMES] = {
	    [RX_OK] = "#56b4e9",	  /* sky blue */
	    [RX_EXIT] = "#e69f00",	  /* orange */
	    [RX_KILLED] = "#d55e00",	  /* vermillion */
	    [RX_EXEC_FAILED] = "#cc79a7", /* reddish purple */
	    [RX_RUNNING] = "#009e73",	  /* bluish green */
	    [RX_UNKNOWN] = "#bbbbbb",	  /* grey */
	    [RX_PLACEHOLDER] = "#eeeeee",
	};

	return o < RX__OUTCOMES ? colors[o] : "#bbbbbb";
}

struct etr_str rx_proc_name(const struct rp_model *m, const struct rp_proc *p)
{
	const struct rp_exec *x = rp_model__last_exec(m, p), *failed = NULL;
	const char *comm = rp_model__comm(m, p);

	if (x && rp_model__str(m, x->filename).len)
		return rp_model__exec_name(m, x);
	/* a child whose every exec failed is known by what it tried to run,
	 * not by the parent's name it kept */
	for (uint32_t i = p->exec_first; i != RP_NONE; i = rp_model__exec(m, i)->next)
		failed = rp_model__exec(m, i);
	if (failed && rp_model__str(m, failed->filename).len)
		return rp_model__exec_name(m, failed);
	if (comm[0])
		return (struct etr_str){comm, (uint32_t)strlen(comm)};
	return (struct etr_str){"?", 1};
}

void rx_proc_span(const struct rp_model *m, const struct rp_proc *p, uint64_t w0, uint64_t *ret_s,
		  uint64_t *ret_e)
{
	uint64_t s = rp_model__dur_start(m, p), e;

	if (!s) /* no start known: from its first sign of life */
		s = p->exec_first != RP_NONE ? rp_model__exec(m, p->exec_first)->ts_ns : p->last_ns;
	if (s < w0)
		s = w0;
	if (p->flags & RP_PF_EXITED)
		e = p->end_ns;
	else if (p->flags & RP_PF_RUNNING)
		e = rp_model__end_ns(m);
	else
		e = p->last_ns; /* last seen alive */
	if (e < s)
		e = s;
	*ret_s = s;
	*ret_e = e;
}

void rx_fmt_status(char *buf, size_t len, const struct rp_proc *p)
{
	if (p->flags & RP_PF_EXITED) {
		if (p->signal) {
			const char *sn = rp_signal_name(p->signal);

			if (sn)
				snprintf(buf, len, "%s%s", sn,
					 p->flags & RP_PF_CORE ? " (core dumped)" : "");
			else
				snprintf(buf, len, "signal %d%s", p->signal,
					 p->flags & RP_PF_CORE ? " (core dumped)" : "");
		} else {
			snprintf(buf, len, "exit %d", p->exit_code);
		}
	} else if (p->flags & RP_PF_RUNNING) {
		snprintf(buf, len, "running");
	} else if (p->flags & RP_PF_PLACEHOLDER) {
		snprintf(buf, len, "not recorded");
	} else {
		snprintf(buf, len, "no exit seen");
	}
}

/* ---- keys ------------------------------------------------------------ */

#define KEY_GEN_STEP (1u << 22) /* above PID_MAX_LIMIT */

static uint32_t gen_slot(const struct rx_keys *k, uint32_t pid)
{
	uint32_t i = (pid * 0x9E3779B1u) & (k->gen_cap - 1);

	while (k->gen_pid[i] && k->gen_pid[i] != pid + 1)
		i = (i + 1) & (k->gen_cap - 1);
	return i;
}

static int gen_grow(struct rx_keys *k)
{
	struct rx_keys n = {.gen_cap = k->gen_cap ? k->gen_cap * 2 : 1024};

	n.gen_pid = calloc(n.gen_cap, sizeof(*n.gen_pid));
	n.gen_cnt = calloc(n.gen_cap, sizeof(*n.gen_cnt));
	if (!n.gen_pid || !n.gen_cnt) {
		free(n.gen_pid);
		free(n.gen_cnt);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < k->gen_cap; i++) {
		if (k->gen_pid[i]) {
			uint32_t j = gen_slot(&n, k->gen_pid[i] - 1);

			n.gen_pid[j] = k->gen_pid[i];
			n.gen_cnt[j] = k->gen_cnt[i];
		}
	}
	free(k->gen_pid);
	free(k->gen_cnt);
	k->gen_pid = n.gen_pid;
	k->gen_cnt = n.gen_cnt;
	k->gen_cap = n.gen_cap;
	return 0;
}

uint32_t rx_keys__get(struct rx_keys *k, uint32_t idx, uint32_t pid)
{
	uint32_t i, gen, key;

	if (idx >= k->cap) {
		uint32_t cap = k->cap ? k->cap : 1024;
		uint32_t *n;

		while (cap <= idx)
			cap *= 2;
		n = realloc(k->key, (size_t)cap * sizeof(*n));
		if (!n)
			return 0;
		memset(n + k->cap, 0, (size_t)(cap - k->cap) * sizeof(*n));
		k->key = n;
		k->cap = cap;
	}
	if (k->key[idx])
		return k->key[idx];
	if ((k->gen_used + 1) * 2 > k->gen_cap && gen_grow(k))
		return 0;
	i = gen_slot(k, pid);
	if (!k->gen_pid[i]) {
		k->gen_pid[i] = pid + 1;
		k->gen_used++;
	}
	gen = k->gen_cnt[i]++;
	/* past 511 reuses of one pid the readable scheme would overflow a
	 * signed 32-bit number: count on from 2^31 by model index instead */
	if (pid < KEY_GEN_STEP && gen < 512)
		key = pid + gen * KEY_GEN_STEP;
	else
		key = 0x80000000u + idx;
	if (!key) /* pid 0 (the idle task as a parent): never 0, which means unset */
		key = 0x80000000u + idx;
	k->key[idx] = key;
	return key;
}

void rx_keys__release(struct rx_keys *k)
{
	free(k->key);
	free(k->gen_pid);
	free(k->gen_cnt);
	memset(k, 0, sizeof(*k));
}

/* ---- text ---------------------------------------------------------- */

void rx_fput_text(FILE *f, const char *s, size_t len, enum rx_quote q)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];
		size_t n = ec_utf8_len(u + i, len - i);

		if (n > 1) {
			fwrite(u + i, 1, n, f);
			i += n;
			continue;
		}
		i++;
		if (!n || c < 0x20 || c == 0x7f) {
			fprintf(f, q == RX_Q_DOT ? "\\\\x%02x" : "\\x%02x", c);
			continue;
		}
		if (q == RX_Q_XML) {
			switch (c) {
			case '&':
				fputs("&amp;", f);
				continue;
			case '<':
				fputs("&lt;", f);
				continue;
			case '>':
				fputs("&gt;", f);
				continue;
			case '"':
				fputs("&quot;", f);
				continue;
			case '\'':
				fputs("&#39;", f);
				continue;
			}
		} else if (c == '"' || c == '\\') {
			putc('\\', f);
		}
		putc(c, f);
	}
}

char *rx_argv_str(const struct etr_str *argv, size_t max_bytes, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	rp_fput_argv(m, argv, max_bytes);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	if (ret_len)
		*ret_len = len;
	return buf;
}

void rx_fmt_us(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
}
