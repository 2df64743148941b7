// SPDX-License-Identifier: MIT
/*
 * systemd's state without libsystemd: one D-Bus method call,
 * org.freedesktop.DBus.Properties.Get("org.freedesktop.systemd1.Manager",
 * "SystemState"), on the manager's private socket, which speaks D-Bus
 * peer to peer (no bus daemon, no Hello); and sd_notify's datagram.
 *
 * The D-Bus wire format (little-endian here): a 16-byte fixed header (byte
 * order, type, flags, version, body length, serial, header field array
 * length), the header fields (each a struct (code, variant), 8-aligned),
 * padding to 8, then the body; every value aligned to its size from the
 * start of the message.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdstate.h"

#define PRIVATE_SOCKET "/run/systemd/private"
/* PID 1 answers between the jobs it runs: early in a boot, or on a slow
 * machine, that can take seconds (the looks have a thread of their own). */
#define IO_TIMEOUT_MS 15000

bool sd_is_booted(void)
{
	struct stat st;

	return !lstat("/run/systemd/system/", &st) && S_ISDIR(st.st_mode);
}

struct msg {
	uint8_t b[512];
	size_t n;
	bool overflow;
};

static void pad(struct msg *m, size_t a)
{
	while (m->n % a && m->n < sizeof(m->b))
		m->b[m->n++] = 0;
}

static void put(struct msg *m, const void *p, size_t len)
{
	if (m->n + len > sizeof(m->b)) {
		m->overflow = true;
		return;
	}
	memcpy(m->b + m->n, p, len);
	m->n += len;
}

static void put_u32(struct msg *m, uint32_t v)
{
	uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24};

	pad(m, 4);
	put(m, b, 4);
}

/* A STRING or OBJECT_PATH: length, bytes, NUL. */
static void put_str(struct msg *m, const char *s)
{
	put_u32(m, (uint32_t)strlen(s));
	put(m, s, strlen(s) + 1);
}

/* A SIGNATURE: one-byte length, bytes, NUL. */
static void put_sig(struct msg *m, const char *s)
{
	uint8_t l = (uint8_t)strlen(s);

	put(m, &l, 1);
	put(m, s, strlen(s) + 1);
}

/* A header field: struct (code, variant of @type). */
static void put_field(struct msg *m, uint8_t code, const char *type, const char *v)
{
	pad(m, 8);
	put(m, &code, 1);
	put_sig(m, type);
	if (type[0] == 'g')
		put_sig(m, v);
	else
		put_str(m, v);
}

static int build_get(struct msg *m, uint32_t serial)
{
	struct msg body = {0};
	size_t fields_at;
	uint32_t flen;

	put_str(&body, "org.freedesktop.systemd1.Manager");
	put_str(&body, "SystemState");

	memset(m, 0, sizeof(*m));
	put(m, "l\1\0\1", 4); /* little-endian, METHOD_CALL, no flags, v1 */
	put_u32(m, (uint32_t)body.n);
	put_u32(m, serial);
	put_u32(m, 0); /* field array length, set below */
	fields_at = m->n;
	put_field(m, 1, "o", "/org/freedesktop/systemd1");
	put_field(m, 2, "s", "org.freedesktop.DBus.Properties");
	put_field(m, 3, "s", "Get");
	put_field(m, 6, "s", "org.freedesktop.systemd1");
	put_field(m, 8, "g", "ss");
	flen = (uint32_t)(m->n - fields_at);
	m->b[12] = flen;
	m->b[13] = flen >> 8;
	m->b[14] = flen >> 16;
	m->b[15] = flen >> 24;
	pad(m, 8);
	/* the body's strings were aligned for offset 0; the body starts at a
	 * multiple of 8, so their alignment holds */
	put(m, body.b, body.n);
	return m->overflow || body.overflow ? -E2BIG : 0;
}

static int wait_fd(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};
	int n;

	do
		n = poll(&p, 1, IO_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : n == 0 ? -ETIMEDOUT : -errno;
}

static int send_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len) {
		ssize_t n = send(fd, b, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			int err = wait_fd(fd, POLLOUT);

			if (err)
				return err;
			continue;
		}
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until @len bytes are in @buf, or until a "\r\n" when @line. */
static int recv_some(int fd, uint8_t *buf, size_t cap, size_t *have, size_t want, bool line)
{
	for (;;) {
		ssize_t n;
		int err;

		if (line && *have >= 2 && memmem(buf, *have, "\r\n", 2))
			return 0;
		if (!line && *have >= want)
			return 0;
		if (*have == cap)
			return -EPROTO;
		err = wait_fd(fd, POLLIN);
		if (err)
			return err;
		n = recv(fd, buf + *have, cap - *have, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		*have += (size_t)n;
	}
}

static uint32_t get_u32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Read exactly @len bytes into @buf (NULL: read and drop them). */
static int recv_exact(int fd, uint8_t *buf, size_t len)
{
	uint8_t sink[4096];

	while (len) {
		size_t want = len, have = 0;
		uint8_t *to = buf;
		int err;

		if (!to) {
			to = sink;
			want = len < sizeof(sink) ? len : sizeof(sink);
		}
		err = recv_some(fd, to, want, &have, want, false);
		if (err)
			return err;
		if (buf)
			buf += want;
		len -= want;
	}
	return 0;
}

/*
 * The reply to our one call. PID 1 sends every direct connection its
 * signals (units and jobs changing: many, while a boot is under way), so
 * messages that are not a reply are read past.
 */
static int read_reply(int fd, char *buf, size_t len)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	uint32_t serial = 1;
	uint8_t in[1024];
	int waited = 0;

	for (int i = 0; i < 100000; i++) {
		uint32_t body_len, flen, slen;
		size_t hdr_end, total, p;
		int err, n;

		/* sd-bus reads the call that came in the same read as BEGIN
		 * only once more bytes arrive (systemd 252): ask again every
		 * 250 ms until an answer comes; every answer is the same. */
		n = poll(&pfd, 1, 250);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0) {
			struct msg m;

			if ((waited += 250) >= IO_TIMEOUT_MS)
				return -ETIMEDOUT;
			err = build_get(&m, ++serial);
			if (!err)
				err = send_all(fd, m.b, m.n);
			if (err)
				return err;
			continue;
		}
		err = recv_exact(fd, in, 16);
		if (err)
			return err;
		if (in[0] != 'l' || in[3] != 1)
			return -EPROTO;
		body_len = get_u32(in + 4);
		flen = get_u32(in + 12);
		if (flen > (1u << 26) || body_len > (1u << 27))
			return -EPROTO;
		hdr_end = (16 + (size_t)flen + 7) & ~(size_t)7;
		total = hdr_end + body_len;
		if (in[1] != 2 && in[1] != 3) { /* a signal (or a call): not ours */
			err = recv_exact(fd, NULL, total - 16);
			if (err)
				return err;
			continue;
		}
		if (total > sizeof(in))
			return -EPROTO;
		err = recv_exact(fd, in + 16, total - 16);
		if (err)
			return err;
		if (in[1] == 3) /* ERROR: e.g. access denied */
			return -EACCES;
		/* METHOD_RETURN, body: variant "s" = sig "s", pad to 4, u32, bytes */
		p = hdr_end;
		if (body_len < 9 || in[p] != 1 || in[p + 1] != 's' || in[p + 2] != 0)
			return -EPROTO;
		p = (p + 3 + 3) & ~(size_t)3;
		slen = get_u32(in + p);
		if (p + 4 + slen > total || slen + 1 > len)
			return -EPROTO;
		memcpy(buf, in + p + 4, slen);
		buf[slen] = '\0';
		return 0;
	}
	return -EPROTO;
}

int sd_system_state(char *buf, size_t len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint8_t in[256];
	char auth[64];
	struct msg m;
	size_t have = 0;
	int fd, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, PRIVATE_SOCKET, sizeof(PRIVATE_SOCKET));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto out;
	}
	/* SASL EXTERNAL: the uid as hex-encoded decimal text */
	{
		char uid[16];
		int n = snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());

		memcpy(auth, "\0AUTH EXTERNAL ", 15);
		for (int i = 0; i < n; i++)
			snprintf(auth + 15 + 2 * i, 3, "%02x", (unsigned char)uid[i]);
		memcpy(auth + 15 + 2 * n, "\r\n", 2);
		err = send_all(fd, auth, 17 + 2 * (size_t)n);
	}
	if (!err)
		err = recv_some(fd, in, sizeof(in), &have, 0, true);
	if (err)
		goto out;
	/* nothing comes before BEGIN but this line */
	if (have < 3 || memcmp(in, "OK ", 3) || memcmp(in + have - 2, "\r\n", 2)) {
		err = -EACCES;
		goto out;
	}
	err = build_get(&m, 1);
	if (!err)
		err = send_all(fd, "BEGIN\r\n", 7);
	if (!err)
		err = send_all(fd, m.b, m.n);
	if (!err)
		err = read_reply(fd, buf, len);
out:
	close(fd);
	return err;
}

int sd_notify_ready(const char *status)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char msg[256];
	socklen_t salen;
	size_t n;
	int fd, err = 0;

	if (!path || !*path)
		return 0;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@'))
		return -EINVAL;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status ? status : "");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* What the looking thread found, for the recorder's loop. */
enum { BW_UNKNOWN, BW_BOOTING, BW_DONE, BW_STOPPING };
static _Atomic int bw_found = BW_UNKNOWN;
static _Atomic int bw_err;
static char bw_state[64];

/*
 * The looks run in a thread of their own: PID 1 answers between the jobs
 * it runs, which early in a boot (or on a slow machine) can take seconds,
 * and the recorder's loop must go on draining the ring buffer meanwhile.
 */
static void *look_thread(void *arg)
{
	const struct timespec pause = {.tv_nsec = 500000000};
	char state[64];

	bool debug = getenv("EXECREC_BOOT_DEBUG") != NULL;

	(void)arg;
	for (;;) {
		int err = sd_system_state(state, sizeof(state));
		int found = BW_BOOTING;

		if (debug)
			fprintf(stderr, "execrec record: systemd state: %s\n",
				err ? strerror(-err) : state);
		atomic_store(&bw_err, err);
		if (!err) {
			if (!strcmp(state, "stopping"))
				found = BW_STOPPING;
			else if (!strcmp(state, "running") || !strcmp(state, "degraded") ||
				 !strcmp(state, "maintenance"))
				found = BW_DONE;
			if (found != BW_BOOTING) {
				memcpy(bw_state, state, sizeof(bw_state));
				atomic_store(&bw_found, found);
				return NULL;
			}
		}
		nanosleep(&pause, NULL);
	}
}

bool boot_check(void *ctx, uint64_t now)
{
	struct boot_wait *bw = ctx;
	int found, err;

	if (bw->done_at)
		return now >= bw->done_at + bw->grace_ns;
	if (!bw->started) {
		pthread_t th;
		sigset_t all, old;

		/* signals stay the main thread's */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		bw->started = !pthread_create(&th, NULL, look_thread, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!bw->started) {
			fprintf(stderr, "execrec record: --until=boot-complete: cannot start a "
					"thread; recording on\n");
			bw->started = true;
			bw->warned = true;
			return false;
		}
		pthread_detach(th);
		bw->next_check = now;
	}
	found = atomic_load(&bw_found);
	if (found == BW_STOPPING)
		return true;
	if (found != BW_DONE) {
		err = atomic_load(&bw_err);
		/* only a failure that lasts (30 s) is worth a line */
		if (err && !bw->warned && now >= bw->next_check + 30000000000ull) {
			fprintf(stderr,
				"execrec record: --until=boot-complete: cannot ask systemd for "
				"its state on " PRIVATE_SOCKET ": %s; recording on\n",
				strerror(-err));
			bw->warned = true;
		}
		if (!err)
			bw->next_check = now;
		return false;
	}
	bw->done_at = now;
	if (!bw->quiet)
		fprintf(stderr, "execrec record: boot complete (system %s); stopping in %.1fs\n",
			bw_state, (double)bw->grace_ns / 1e9);
	return bw->grace_ns == 0;
}
