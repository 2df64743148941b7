/* SPDX-License-Identifier: MIT */
/* The strict JSON reader of json.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
	const char *s;
	size_t len, pos;
	int depth;
	bool bad;
};

static void ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static bool lit(struct parser *p, const char *w)
{
	size_t n = strlen(w);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n))
		return false;
	p->pos += n;
	return true;
}

static bool buf_put(char **b, size_t *len, size_t *cap, const void *d, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = (*cap ? *cap * 2 : 32) + n;
		char *nb = realloc(*b, c);

		if (!nb)
			return false;
		*b = nb;
		*cap = c;
	}
	memcpy(*b + *len, d, n);
	*len += n;
	(*b)[*len] = '\0';
	return true;
}

static int hex4(struct parser *p, uint32_t *ret)
{
	uint32_t v = 0;

	if (p->len - p->pos < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*ret = v;
	return 0;
}

static size_t utf8_enc(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static char *string(struct parser *p, size_t *ret_len)
{
	char *b = NULL;
	size_t len = 0, cap = 0;

	if (p->pos >= p->len || p->s[p->pos] != '"')
		return NULL;
	p->pos++;
	if (!buf_put(&b, &len, &cap, "", 0))
		return NULL;
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->s[p->pos++];

		if (c == '"') {
			*ret_len = len;
			return b;
		}
		if (c < 0x20)
			break;
		if (c != '\\') {
			if (!buf_put(&b, &len, &cap, &c, 1))
				break;
			continue;
		}
		if (p->pos >= p->len)
			break;
		c = (unsigned char)p->s[p->pos++];
		{
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
			const char *k = c ? strchr(from, c) : NULL;
			uint32_t cp, lo;
			char o[4];

			if (k) {
				if (!buf_put(&b, &len, &cap, to + (k - from), 1))
					break;
				continue;
			}
			if (c != 'u' || hex4(p, &cp))
				break;
			if (cp >= 0xd800 && cp <= 0xdbff && p->len - p->pos >= 6 &&
			    p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
				size_t save = p->pos;

				p->pos += 2;
				if (!hex4(p, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else {
					p->pos = save;
				}
			}
			if (cp >= 0xdc80 && cp <= 0xdcff) {
				/* surrogateescape: the byte that was not UTF-8 */
				unsigned char raw = (unsigned char)(cp - 0xdc00);

				if (!buf_put(&b, &len, &cap, &raw, 1))
					break;
				continue;
			}
			if (!buf_put(&b, &len, &cap, o, utf8_enc(cp, o)))
				break;
		}
	}
	free(b);
	return NULL;
}

static bool value(struct parser *p, struct jval *v);

static bool number(struct parser *p, struct jval *v)
{
	size_t st = p->pos;
	char tmp[64];

	if (p->pos < p->len && p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len)
		return false;
	if (p->s[p->pos] == '0') {
		p->pos++;
	} else if (p->s[p->pos] >= '1' && p->s[p->pos] <= '9') {
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	} else {
		return false;
	}
	if (p->pos < p->len && p->s[p->pos] == '.') {
		size_t d = ++p->pos;

		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
		if (p->pos == d)
			return false;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		size_t d;

		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		d = p->pos;
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
		if (p->pos == d)
			return false;
	}
	if (p->pos - st >= sizeof(tmp))
		return false;
	memcpy(tmp, p->s + st, p->pos - st);
	tmp[p->pos - st] = '\0';
	v->type = J_NUM;
	v->num = strtod(tmp, NULL);
	return true;
}

static bool push(struct jval *v, size_t *cap)
{
	if (v->n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct jval *ni = realloc(v->items, c * sizeof(*ni));

		if (!ni)
			return false;
		v->items = ni;
		if (v->type == J_OBJ) {
			char **nk = realloc(v->keys, c * sizeof(*nk));
			size_t *nl;

			if (!nk)
				return false;
			v->keys = nk;
			nl = realloc(v->key_lens, c * sizeof(*nl));
			if (!nl)
				return false;
			v->key_lens = nl;
		}
		*cap = c;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	return true;
}

static bool value(struct parser *p, struct jval *v)
{
	size_t cap = 0;

	memset(v, 0, sizeof(*v));
	ws(p);
	if (p->pos >= p->len || ++p->depth > 200)
		return false;
	switch (p->s[p->pos]) {
	case 'n':
		p->depth--;
		return lit(p, "null");
	case 't':
		v->type = J_BOOL;
		v->b = true;
		p->depth--;
		return lit(p, "true");
	case 'f':
		v->type = J_BOOL;
		p->depth--;
		return lit(p, "false");
	case '"':
		v->type = J_STR;
		v->str = string(p, &v->len);
		p->depth--;
		return v->str != NULL;
	case '[':
		v->type = J_ARR;
		p->pos++;
		ws(p);
		if (p->pos < p->len && p->s[p->pos] == ']') {
			p->pos++;
			p->depth--;
			return true;
		}
		for (;;) {
			if (!push(v, &cap))
				return false;
			v->n++;
			if (!value(p, &v->items[v->n - 1]))
				return false;
			ws(p);
			if (p->pos < p->len && p->s[p->pos] == ',') {
				p->pos++;
				continue;
			}
			if (p->pos < p->len && p->s[p->pos] == ']') {
				p->pos++;
				p->depth--;
				return true;
			}
			return false;
		}
	case '{':
		v->type = J_OBJ;
		p->pos++;
		ws(p);
		if (p->pos < p->len && p->s[p->pos] == '}') {
			p->pos++;
			p->depth--;
			return true;
		}
		for (;;) {
			size_t kl;
			char *k;

			ws(p);
			k = string(p, &kl);
			if (!k)
				return false;
			if (!push(v, &cap)) {
				free(k);
				return false;
			}
			v->keys[v->n] = k;
			v->key_lens[v->n] = kl;
			v->n++;
			ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return false;
			p->pos++;
			if (!value(p, &v->items[v->n - 1]))
				return false;
			ws(p);
			if (p->pos < p->len && p->s[p->pos] == ',') {
				p->pos++;
				continue;
			}
			if (p->pos < p->len && p->s[p->pos] == '}') {
				p->pos++;
				p->depth--;
				return true;
			}
			return false;
		}
	default:
		p->depth--;
		return number(p, v);
	}
}

static void release(struct jval *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n; i++) {
		release(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->key_lens);
}

struct jval *json_parse(const char *text, size_t len, size_t *ret_err_off)
{
	struct parser p = {.s = text, .len = len};
	struct jval *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	if (!value(&p, v) || (ws(&p), p.pos != p.len)) {
		if (ret_err_off)
			*ret_err_off = p.pos;
		release(v);
		free(v);
		return NULL;
	}
	return v;
}

void json_free(struct jval *v)
{
	if (!v)
		return;
	release(v);
	free(v);
}

const struct jval *json_get(const struct jval *v, const char *key)
{
	size_t kl = strlen(key);

	if (!v || v->type != J_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->key_lens[i] == kl && !memcmp(v->keys[i], key, kl))
			return &v->items[i];
	return NULL;
}

const char *json_str(const struct jval *v, const char *key)
{
	const struct jval *m = json_get(v, key);

	return m && m->type == J_STR ? m->str : NULL;
}

double json_num(const struct jval *v, const char *key, double dflt)
{
	const struct jval *m = json_get(v, key);

	return m && m->type == J_NUM ? m->num : dflt;
}
