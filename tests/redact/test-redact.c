/* SPDX-License-Identifier: MIT */
/*
 * CUnit tests of redact/: one planted secret per built-in rule (gone, and
 * tagged with that rule), ordinary command lines left byte for byte, tags
 * stable under one key and different under another, user rules, and the
 * bad input the command line can hand the engine.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redact.h"

static const uint8_t key1[REDACT_KEY_SIZE] = "0123456789abcdef";
static const uint8_t key2[REDACT_KEY_SIZE] = "fedcba9876543210";

static struct redactor *new_r(const uint8_t *key)
{
	struct redactor_opts o = {.sz = sizeof(o), .key = key};
	struct redactor *r = redactor__new(&o);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	return r;
}

/* "a b c" (spaces between arguments) as an argument block */
static struct etr_str block(char *buf, const char *words)
{
	size_t n = strlen(words);

	memcpy(buf, words, n + 1);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '|')
			buf[i] = 0;
	return (struct etr_str){buf, (uint32_t)n + 1};
}

static bool holds(const struct etr_str *s, const char *needle)
{
	return memmem(s->ptr, s->len, needle, strlen(needle)) != NULL;
}

static uint64_t hits_of(struct redactor *r, const char *rule)
{
	for (size_t i = 0; i < redactor__rule_count(r); i++)
		if (!strcmp(redactor__rule_name(r, i), rule))
			return redactor__rule_hits(r, i);
	return ~0ull;
}

/* Each case: an argument list (| between arguments), the secret in it,
 * and the rule that must catch it. */
static const struct plant {
	const char *argv, *secret, *rule;
} plants[] = {
    {"git|"
     "clone|https://alice:s3cr3tPassw0rd@git.example.com/r.git",
     "s3cr3tPassw0rd", "url-userinfo"},
    {"curl|-H|"
     "Authorization: Basic YWxpY2U6c2VjcmV0MTIz|https://x",
     "YWxpY2U6c2VjcmV0MTIz", "auth-header"},
    {"curl|-H|"
     "X-Foo: 1; Bearer abcdefghijklmnop1234|https://x",
     "abcdefghijklmnop1234", "bearer-token"},
    {"mysql|-uroot|-pHunter2Hunter2|"
     "db",
     "Hunter2Hunter2", "secret-option"},
    {"tool|--password|correct horse battery", "correct horse battery", "secret-option"},
    {"tool|--api-key=K3yK3yK3y|x", "K3yK3yK3y", "secret-option"},
    {"docker|login|-u|bob|-p|dckr_pat_zzzzzzzz|registry", "dckr_pat_zzzzzzzz", "secret-option"},
    {"sshpass|-p|sshsecretpw|ssh|host", "sshsecretpw", "secret-option"},
    {"redis-cli|-a|redisSecretPw|ping", "redisSecretPw", "secret-option"},
    {"curl|-u|"
     "bob:CurlPassw0rd|https://x",
     "CurlPassw0rd", "secret-option"},
    {"aws|"
     "configure|set|"
     "aws_secret_access_key|wJalrXUtnFEMIK7MDENGbPxRfiCY",
     "wJalrXUtnFEMIK7MDENGbPxRfiCY", "secret-option"},
    {"make|"
     "DEPLOY_TOKEN=tok3n-v4lue-123|"
     "all",
     "tok3n-v4lue-123", "secret-assignment"},
    {"sh|-c|"
     "DB_PASSWORD='p a s s' ./run",
     "p a s s", "secret-assignment"},
    {"x|"
     "AKIAIOSFODNN7EXAMPLE",
     "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"},
    {"x|ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_0123456789abcdefghijABCDEFGHIJ012345",
     "github-token"},
    {"x|--header=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
     "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github-token"},
    {"x|glpat-abcdefghij0123456789", "glpat-abcdefghij0123456789", "gitlab-token"},
    {"x|xoxb-1234567890-abcdefghijkl", "xoxb-1234567890-abcdefghijkl", "slack-token"},
    {"x|key:AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890abcdefghijklmnopqrstuv",
     "google-api-key"},
    {"x|sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"},
    {"x|npm_abcdefghijABCDEFGHIJ0123456789abcdef", "npm_abcdefghijABCDEFGHIJ0123456789abcdef",
     "npm-token"},
    {"x|"
     "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
     "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "jwt"},
    {"x|-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
     "MIIEpAIBAAKCAQEA", "private-key"},
};

static void test_plants(void)
{
	for (size_t i = 0; i < sizeof(plants) / sizeof(*plants); i++) {
		struct redactor *r = new_r(key1);
		char buf[512], tag[64];
		struct etr_str b = block(buf, plants[i].argv), out;
		int n = redactor__argv(r, &b, &out);

		snprintf(tag, sizeof(tag), "[redacted:%s:", plants[i].rule);
		if (n < 1 || holds(&out, plants[i].secret) || !holds(&out, tag))
			fprintf(stderr, "\nplant %zu (%s): n=%d out=%.*s\n", i, plants[i].rule, n,
				(int)out.len, out.ptr);
		CU_ASSERT(n >= 1);
		CU_ASSERT(!holds(&out, plants[i].secret));
		CU_ASSERT(holds(&out, tag));
		CU_ASSERT(hits_of(r, plants[i].rule) >= 1);
		redactor__free(r);
	}
}

/* Ordinary work: compiler, linker, build tool, shell and git command lines
 * come out byte for byte (the input itself, no copy). */
static void test_no_false_positives(void)
{
	static const char *const lines[] = {
	    "cc|-Ireplay/libreplay.a.p|-I../replay|-fdiagnostics-color=always|"
	    "-D_FILE_OFFSET_BITS=64|-Wall|-Winvalid-pch|-Wextra|-std=gnu11|-O2|-g|"
	    "-Wno-unused-parameter|-D_GNU_SOURCE|-fPIC|-MD|-MQ|replay/token.o|-MF|"
	    "replay/token.o.d|-o|replay/token.o|-c|../replay/token.c",
	    "/usr/bin/ld|-plugin|/usr/libexec/gcc/liblto_plugin.so|--eh-frame-hdr|-m|"
	    "elf_x86_64|-pie|-o|"
	    "execrec|-lzstd|-lpthread|--as-needed",
	    "ninja|-C|"
	    "build|-j2",
	    "meson|setup|"
	    "build|-Dtests=enabled|-Db_sanitize=address,undefined",
	    "git|"
	    "clone|https://github.com/libbpf/libbpf.git|--depth=1",
	    "git|"
	    "log|--pretty=format:%H %s|-n|"
	    "5",
	    "sh|-c|"
	    "export PATH=/usr/bin:$PATH; make -j2 V=1 CFLAGS=-O2",
	    "ssh|-p|"
	    "2222|user@host|ls",
	    "psql|-p|"
	    "5432|-U|postgres",
	    "mysql|-p|"
	    "db",
	    "gcc|-DTOKEN_MAX_LEN=32|-DHAVE_SECRET_GETENV=1|-DHAVE_SECRET=1|-Dhave_secret=1|-c|"
	    "secret.c|-o|password.o",
	    "sh|-c|cc -DHAVE_SECRET=1 -DUSE_PASSWORD=0 -c x.c",
	    "python3|-m|pytest|-k|test_token_parser|--basetemp=/tmp/x",
	    "curl|-sS|https://example.com/api?page=2|-o|/dev/null",
	    "ls|/home/user/.ssh|/etc/passwd",
	    "docker|build|--secret|id=npmrc,src=.npmrc|-t|img|.",
	};
	struct redactor *r = new_r(key1);

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		char buf[1024];
		struct etr_str b = block(buf, lines[i]), out;
		int n = redactor__argv(r, &b, &out);

		/* docker build --secret takes a reference, which may go: the
		 * one line where a tag is allowed */
		if (strstr(lines[i], "--secret"))
			continue;
		if (n != 0)
			fprintf(stderr, "\nfalse positive %zu: %.*s\n", i, (int)out.len, out.ptr);
		CU_ASSERT_EQUAL(n, 0);
		CU_ASSERT_PTR_EQUAL(out.ptr, b.ptr);
	}
	redactor__free(r);
}

static void test_env(void)
{
	struct redactor *r = new_r(key1);
	char buf[512];
	struct etr_str e = block(buf, "PATH=/usr/bin|HOME=/root|GITHUB_TOKEN=abc def|"
				      "PWD=/tmp|SSH_AUTH_SOCK=/run/a|AWS_SECRET_ACCESS_KEY=zz9|"
				      "TOKEN_FILE=/run/t|MY_PASS=pw1"),
		       out;
	int n = redactor__env(r, &e, &out);

	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT(!holds(&out, "abc def"));
	CU_ASSERT(!holds(&out, "zz9"));
	CU_ASSERT(!holds(&out, "pw1"));
	CU_ASSERT(holds(&out, "PWD=/tmp"));
	CU_ASSERT(holds(&out, "TOKEN_FILE=/run/t"));
	CU_ASSERT(holds(&out, "GITHUB_TOKEN=[redacted:secret-assignment:"));
	redactor__free(r);
}

/* Same secret, same key: same tag, wherever it is; another key, another tag;
 * a redacted string redacted again is unchanged. */
static void test_tags(void)
{
	struct redactor *r1 = new_r(key1), *r1b = new_r(key1), *r2 = new_r(key2);
	const char *a = "--token=Zq9Zq9Zq9", *b = "TOKEN=Zq9Zq9Zq9";
	struct etr_str o1, o1b, o2, o3, again;
	char t1[64], t2[64];

	CU_ASSERT_EQUAL(redactor__str(r1, a, strlen(a), &o1), 1);
	CU_ASSERT_EQUAL(redactor__str(r1b, a, strlen(a), &o1b), 1);
	CU_ASSERT_EQUAL(redactor__str(r2, a, strlen(a), &o2), 1);
	CU_ASSERT(o1.len == o1b.len && !memcmp(o1.ptr, o1b.ptr, o1.len));
	CU_ASSERT(o1.len != o2.len || memcmp(o1.ptr, o2.ptr, o1.len));
	/* the hash is of the secret: another rule's tag, same hash */
	CU_ASSERT_EQUAL(redactor__str(r1, b, strlen(b), &o3), 1);
	snprintf(t1, sizeof(t1), "%.8s", o1.ptr + o1.len - 9);
	snprintf(t2, sizeof(t2), "%.8s", o3.ptr + o3.len - 9);
	CU_ASSERT_STRING_EQUAL(t1, t2);
	CU_ASSERT_EQUAL(redactor__str(r1, o1.ptr, o1.len, &again), 0);
	CU_ASSERT_PTR_EQUAL(again.ptr, o1.ptr);
	redactor__reset(r1);
	redactor__free(r1);
	redactor__free(r1b);
	redactor__free(r2);
}

static void test_user_rules(void)
{
	struct redactor *r = new_r(key1);
	char err[256], path[] = "/tmp/redact-rules-XXXXXX";
	const char *s = "id=ACME-12345-XYZ and more";
	struct etr_str out;
	FILE *f;
	int fd;

	CU_ASSERT_EQUAL(redactor__add_rule(r, "acme=ACME-([0-9]+)", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(redactor__add_rule(r, "acme=x", err, sizeof(err)), -EEXIST);
	CU_ASSERT_EQUAL(redactor__add_rule(r, "bad=(unclosed", err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "bad") != NULL);
	CU_ASSERT_EQUAL(redactor__add_rule(r, "noregex", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(redactor__str(r, s, strlen(s), &out), 1);
	CU_ASSERT(!holds(&out, "12345"));
	CU_ASSERT(holds(&out, "ACME-[redacted:acme:"));
	CU_ASSERT(holds(&out, "-XYZ and more"));

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# comment\n\nfoo=FOO[0-9]+\nbroken=[\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(redactor__add_rules_file(r, path, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, ":4:") != NULL);
	unlink(path);
	CU_ASSERT(redactor__add_rules_file(r, path, err, sizeof(err)) == -ENOENT);

	CU_ASSERT_EQUAL(redactor__drop_rule(r, "jwt"), 0);
	CU_ASSERT_EQUAL(redactor__drop_rule(r, "jwt"), -ENOENT);
	CU_ASSERT_EQUAL(redactor__keep_rules(r, "github-token,nope", err, sizeof(err)), -ENOENT);
	CU_ASSERT_EQUAL(redactor__keep_rules(r, "github-token", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(redactor__rule_count(r), 1);
	s = "AKIAIOSFODNN7EXAMPLE ghp_0123456789abcdefghijABCDEFGHIJ012345";
	CU_ASSERT_EQUAL(redactor__str(r, s, strlen(s), &out), 1);
	CU_ASSERT(holds(&out, "AKIAIOSFODNN7EXAMPLE"));
	redactor__free(r);
}

static void test_key_file(void)
{
	char path[] = "/tmp/redact-key-XXXXXX", err[256];
	uint8_t k1[REDACT_KEY_SIZE], k2[REDACT_KEY_SIZE];
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, "short", 5) == 5);
	CU_ASSERT_EQUAL(redact_key__read(path, k1, err, sizeof(err)), -EINVAL);
	CU_ASSERT(write(fd, "-but-now-long-enough", 20) == 20);
	close(fd);
	CU_ASSERT_EQUAL(redact_key__read(path, k1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(redact_key__read(path, k2, err, sizeof(err)), 0);
	CU_ASSERT(!memcmp(k1, k2, sizeof(k1)));
	unlink(path);
	CU_ASSERT_EQUAL(redact_key__read(path, k1, err, sizeof(err)), -ENOENT);
	CU_ASSERT(strstr(err, path) != NULL);
}

static void test_anonymize(void)
{
	struct redactor_opts o = {.sz = sizeof(o), .key = key1, .anonymize = true};
	struct redactor *r = redactor__new(&o), *plain = new_r(key1);
	char buf[512];
	struct etr_str b = block(buf, "ssh|buildhost|cat|/home/alice/.profile|/boot/vmbuildhostx|"
				      "buildhost.example.com"),
		       out, v = {"buildhost", 9}, id = {"0b1c-77", 7};

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(redactor__rule_count(r), redactor__rule_count(plain) + 3);
	/* the host name comes with the metadata, before any event */
	CU_ASSERT_EQUAL(redactor__meta(r, "hostname", 8, &v), 1);
	CU_ASSERT(holds(&v, "[redacted:host:"));
	CU_ASSERT_EQUAL(redactor__meta(r, "boot_id", 7, &id), 1);
	CU_ASSERT(holds(&id, "[redacted:boot-id:"));
	CU_ASSERT_EQUAL(redactor__argv(r, &b, &out), 3);
	CU_ASSERT(!holds(&out, "alice"));
	CU_ASSERT(holds(&out, "/home/[redacted:home-user:"));
	CU_ASSERT(holds(&out, "/boot/vmbuildhostx")); /* not a word of its own */
	CU_ASSERT(holds(&out, "].example.com"));
	/* without --anonymize none of it */
	CU_ASSERT_EQUAL(redactor__argv(plain, &b, &out), 0);
	redactor__free(r);
	redactor__free(plain);
}

static void test_event(void)
{
	struct redactor *r = new_r(key1);
	char argv[] = "mysql\0-pSecretSecret\0", env[] = "HOME=/r\0NPM_TOKEN=n1\0";
	struct etr_event ev = {0};
	const char *cwd = "/work/ghp_0123456789abcdefghijABCDEFGHIJ012345/src";

	ev.type = ETR_EV_EXEC;
	ev.comm = (struct etr_str){"mysql", 5};
	ev.filename = (struct etr_str){"/usr/bin/mysql", 14};
	ev.cwd = (struct etr_str){cwd, (uint32_t)strlen(cwd)};
	ev.argv = (struct etr_str){argv, sizeof(argv) - 1};
	ev.argv_orig_len = sizeof(argv) - 1;
	ev.env = (struct etr_str){env, sizeof(env) - 1};
	ev.env_orig_len = sizeof(env) - 1;
	CU_ASSERT_EQUAL(redactor__event(r, &ev), 3);
	CU_ASSERT(!holds(&ev.argv, "SecretSecret"));
	CU_ASSERT(!holds(&ev.env, "n1"));
	CU_ASSERT(!holds(&ev.cwd, "ghp_"));
	CU_ASSERT_EQUAL(ev.argv_orig_len, ev.argv.len);
	CU_ASSERT_EQUAL(ev.env_orig_len, ev.env.len);
	CU_ASSERT_EQUAL(ev.argv.ptr[ev.argv.len - 1], 0);
	redactor__free(r);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	s = CU_add_suite("redact", NULL, NULL);
	CU_add_test(s, "one planted secret per rule", test_plants);
	CU_add_test(s, "ordinary command lines unchanged", test_no_false_positives);
	CU_add_test(s, "environment", test_env);
	CU_add_test(s, "tags keyed and stable", test_tags);
	CU_add_test(s, "rules from the command line and files", test_user_rules);
	CU_add_test(s, "key file", test_key_file);
	CU_add_test(s, "every string of an event", test_event);
	CU_add_test(s, "anonymize", test_anonymize);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
