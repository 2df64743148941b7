/* SPDX-License-Identifier: MIT */
/* Patterns: the wildcard matcher, types and aliases, bare names. */
#include <errno.h>
#include <string.h>

#include "probes-test.h"
#include "probes.h"

static void test_glob(void)
{
	static const struct {
		const char *pat, *text;
		bool match;
	} cases[] = {
	    {"*", "", true},
	    {"*", "anything:at:all", true},
	    {"", "", true},
	    {"", "a", false},
	    {"abc", "abc", true},
	    {"abc", "abcd", false},
	    {"a?c", "abc", true},
	    {"a?c", "ac", false},
	    {"*execve*", "sys_enter_execve", true},
	    {"*execve*", "sys_enter_execveat", true},
	    {"*execve", "sys_enter_execveat", false},
	    {"sys_*_execve", "sys_enter_execve", true},
	    {"sched:*", "sched:sched_process_exec", true},
	    {"sched:*", "syscalls:sys_enter_execve", false},
	    {"*a*b*c*", "xxaxxbxxcxx", true},
	    {"*a*b*c*", "xxaxxcxxbxx", false},
	    {"**", "x", true},
	    {"?*?", "ab", true},
	    {"?*?", "a", false},
	    /* a pathological case must stay fast (one backtrack point) */
	    {"*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	     false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = probe_glob(cases[i].pat, cases[i].text);

		if (got != cases[i].match)
			fprintf(stderr, "\n  glob('%s', '%s') = %d\n", cases[i].pat, cases[i].text,
				got);
		CU_ASSERT_EQUAL(got, cases[i].match);
	}
}

static void test_types(void)
{
	enum probe_type t;

	CU_ASSERT_STRING_EQUAL(probe_type__str(PROBE_TRACEPOINT), "tracepoint");
	CU_ASSERT_STRING_EQUAL(probe_type__str(PROBE_USDT), "usdt");
	CU_ASSERT_PTR_NULL(probe_type__str(PROBE_TYPE__NR));
	CU_ASSERT_EQUAL(probe_type__parse("kprobe", 6, &t), 0);
	CU_ASSERT_EQUAL(t, PROBE_KPROBE);
	CU_ASSERT_EQUAL(probe_type__parse("fentry", 6, &t), 0);
	CU_ASSERT_EQUAL(t, PROBE_KFUNC);
	CU_ASSERT_EQUAL(probe_type__parse("U", 1, &t), 0);
	CU_ASSERT_EQUAL(t, PROBE_USDT);
	CU_ASSERT_EQUAL(probe_type__parse("rt", 2, &t), 0);
	CU_ASSERT_EQUAL(t, PROBE_RAWTRACEPOINT);
	CU_ASSERT_EQUAL(probe_type__parse("kprobes", 7, &t), -ENOENT);
	CU_ASSERT_EQUAL(probe_type__parse("kprobes", 6, &t), 0); /* a length, not a C string */
}

static struct probe_pattern *pat(const char *text)
{
	struct probe_pattern *p = NULL;

	CU_ASSERT_EQUAL(probe_pattern__new(text, &p, NULL, 0), 0);
	return p;
}

static void test_patterns(void)
{
	struct probe_pattern *p;
	char bad[16];

	/* bad ones */
	CU_ASSERT_EQUAL(probe_pattern__new("", &p, bad, sizeof(bad)), -EINVAL);
	CU_ASSERT_EQUAL(probe_pattern__new("sched:*", &p, bad, sizeof(bad)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(bad, "sched");
	CU_ASSERT_EQUAL(probe_pattern__new(":x", &p, bad, sizeof(bad)), -EINVAL);
	probe_pattern__free(NULL);

	/* a bare name: every type, matched whole or by its last part */
	p = pat("*execve*");
	for (int t = 0; t < PROBE_TYPE__NR; t++)
		CU_ASSERT_TRUE(probe_pattern__wants(p, t));
	CU_ASSERT_FALSE(probe_pattern__names_type(p, PROBE_KPROBE));
	CU_ASSERT_TRUE(probe_pattern__match_name(p, PROBE_TRACEPOINT, "syscalls:sys_enter_execve"));
	CU_ASSERT_FALSE(probe_pattern__match_name(p, PROBE_KPROBE, "vfs_read"));
	probe_pattern__free(p);
	p = pat("sys_enter_execve");
	CU_ASSERT_TRUE(probe_pattern__match_name(p, PROBE_TRACEPOINT, "syscalls:sys_enter_execve"));
	CU_ASSERT_FALSE(
	    probe_pattern__match_name(p, PROBE_TRACEPOINT, "syscalls:sys_enter_execveat"));
	probe_pattern__free(p);
	p = pat("kprobe*vfs_read"); /* no ':': matched against "kprobe:vfs_read" too */
	CU_ASSERT_TRUE(probe_pattern__match_name(p, PROBE_KPROBE, "vfs_read"));
	CU_ASSERT_FALSE(probe_pattern__match_name(p, PROBE_KFUNC, "vfs_read"));
	probe_pattern__free(p);

	/* a type, an alias, a wildcard type */
	p = pat("tracepoint:sched:*");
	CU_ASSERT_TRUE(probe_pattern__wants(p, PROBE_TRACEPOINT));
	CU_ASSERT_FALSE(probe_pattern__wants(p, PROBE_KPROBE));
	CU_ASSERT_TRUE(probe_pattern__names_type(p, PROBE_TRACEPOINT));
	CU_ASSERT_TRUE(probe_pattern__match_name(p, PROBE_TRACEPOINT, "sched:sched_process_exec"));
	CU_ASSERT_FALSE(
	    probe_pattern__match_name(p, PROBE_TRACEPOINT, "syscalls:sys_enter_execve"));
	CU_ASSERT_PTR_NULL(probe_pattern__binary(p));
	probe_pattern__free(p);
	p = pat("t:sched:*");
	CU_ASSERT_TRUE(probe_pattern__names_type(p, PROBE_TRACEPOINT));
	probe_pattern__free(p);
	p = pat("k*:vfs_read");
	CU_ASSERT_TRUE(probe_pattern__wants(p, PROBE_KPROBE));
	CU_ASSERT_TRUE(probe_pattern__wants(p, PROBE_KFUNC));
	CU_ASSERT_FALSE(probe_pattern__wants(p, PROBE_TRACEPOINT));
	CU_ASSERT_FALSE(probe_pattern__names_type(p, PROBE_KPROBE));
	probe_pattern__free(p);
	p = pat("kfunc:"); /* the whole type */
	CU_ASSERT_TRUE(probe_pattern__match_name(p, PROBE_KFUNC, "anything"));
	probe_pattern__free(p);

	/* uprobe and usdt: BINARY, then the symbol */
	p = pat("uprobe:/bin/bash:read*");
	CU_ASSERT_STRING_EQUAL(probe_pattern__binary(p), "/bin/bash");
	probe_pattern__free(p);
	p = pat("uprobe:bash");
	CU_ASSERT_STRING_EQUAL(probe_pattern__binary(p), "bash");
	probe_pattern__free(p);
	p = pat("usdt:/usr/lib/libc.so.6:libc:setjmp");
	CU_ASSERT_STRING_EQUAL(probe_pattern__binary(p), "/usr/lib/libc.so.6");
	probe_pattern__free(p);
	p = pat("*:/bin/bash:main"); /* a path after a wildcard type */
	CU_ASSERT_STRING_EQUAL(probe_pattern__binary(p), "/bin/bash");
	probe_pattern__free(p);
	p = pat("*:vfs_read");
	CU_ASSERT_PTR_NULL(probe_pattern__binary(p));
	probe_pattern__free(p);
}

void register_pattern(void)
{
	CU_pSuite s = CU_add_suite("pattern", NULL, NULL);

	CU_add_test(s, "wildcards", test_glob);
	CU_add_test(s, "types and aliases", test_types);
	CU_add_test(s, "patterns", test_patterns);
}
