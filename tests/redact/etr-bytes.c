// SPDX-License-Identifier: MIT
/*
 * What the redaction tests look at, below the analyzer:
 *   etr-bytes chunks FILE   the decompressed payload of every chunk, as is
 *   etr-bytes strings FILE  per exec event and snapshot process: filename
 *                           (exe), cwd, argv, one line each (NUL shown as |)
 * so a secret is looked for in the bytes a reader would get, not in what a
 * subcommand chose to print.
 */
#include <stdio.h>
#include <string.h>

#include "etr.h"

static void put(const struct etr_str *s)
{
	for (uint32_t i = 0; i < s->len; i++)
		if (s->ptr[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(s->ptr[i] ? s->ptr[i] : '|');
	putchar('\t');
}

int main(int argc, char **argv)
{
	struct etr_reader *r;
	struct etr_chunk ch;
	struct etr_record rec;
	struct etr_event ev;
	struct etr_proc p;
	bool chunks;
	int rc;

	if (argc != 3 || (strcmp(argv[1], "chunks") && strcmp(argv[1], "strings"))) {
		fprintf(stderr, "usage: etr-bytes chunks|strings FILE\n");
		return 2;
	}
	chunks = !strcmp(argv[1], "chunks");
	r = etr_reader__open(argv[2], NULL);
	if (!r) {
		perror(argv[2]);
		return 1;
	}
	while ((rc = etr_reader__next_chunk(r, &ch)) == 1) {
		if (chunks) {
			fwrite(ch.data, 1, ch.size, stdout);
			continue;
		}
		if (ch.type == ETR_CHUNK_EVENTS) {
			while (etr_chunk__next_event(&ch, &ev) == 1) {
				if (ev.type != ETR_EV_EXEC && ev.type != ETR_EV_EXEC_FAIL)
					continue;
				put(&ev.filename);
				put(&ev.cwd);
				put(&ev.argv);
				putchar('\n');
			}
		} else if (ch.type == ETR_CHUNK_PROCSNAP) {
			while (etr_chunk__next_record(&ch, &rec) == 1) {
				if (etr_record__proc(&rec, &p))
					continue;
				put(&p.exe);
				put(&p.cwd);
				put(&p.argv);
				putchar('\n');
			}
		}
	}
	etr_reader__free(r);
	return rc < 0;
}
