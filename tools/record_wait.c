// SPDX-License-Identifier: MIT
/*
 * `execrec record -- CMD`: what CMD left running when it exited (a daemon,
 * a background job, `cmd &` in a script) belongs to its tree, and the
 * recording goes on until the last of it has exited.  The kernel side's
 * follow map holds exactly the live processes of the tree (a fork adds the
 * child, an exit removes it), so it is the answer even when the ring
 * buffer lost fork or exit events.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "record_wait.h"

/* How often the follow map is read while waiting: quick enough that a tree
 * ending is not kept waiting, cheap for a tree of hundreds. */
#define LOOK_EVERY_NS 50000000ull
/* The kernel side removes an exiting process from the map just before it
 * hands over the exit event: one more short drain catches it. */
#define SETTLE_NS 20000000ull

bool record_wait__done(struct record_wait *w, struct recorder *r, uint64_t now)
{
	int n;

	if (now < w->next_look)
		return false;
	if (w->settling)
		return true;
	n = recorder__followed_list(r, w->pids, RECORD_WAIT_SHOWN);
	if (n < 0)
		return true; /* the map cannot be read: nothing to wait on */
	w->alive = n;
	if (n == 0) {
		w->settling = true;
		w->next_look = now + SETTLE_NS;
		return false;
	}
	w->next_look = now + LOOK_EVERY_NS;
	return false;
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[40];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, len - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < ' ' || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
}

void record_wait__describe(const struct record_wait *w, char *buf, size_t len)
{
	size_t o = 0;
	int shown = w->alive < RECORD_WAIT_SHOWN ? w->alive : RECORD_WAIT_SHOWN;

	buf[0] = 0;
	for (int i = 0; i < shown && o < len; i++) {
		char comm[32];

		comm_of(w->pids[i], comm, sizeof(comm));
		o += (size_t)snprintf(buf + o, len - o, "%s%s (%d)", i ? ", " : "", comm,
				      (int)w->pids[i]);
	}
	if (w->alive > shown && o < len)
		snprintf(buf + o, len - o, " and %d more", w->alive - shown);
}
