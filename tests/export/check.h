/* SPDX-License-Identifier: MIT */
/* Structural checks of the exports, shared by the suites. Each returns the
 * number of problems found and prints the first few to stderr. */
#ifndef EXECREC_TESTS_CHECK_H
#define EXECREC_TESTS_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct pf_summary {
	size_t events; /* traceEvents */
	size_t tracks; /* processes: lifetime slices */
	size_t groups; /* pids with a process_name */
	size_t execs;  /* exec slices */
	size_t fails;  /* failed-exec instants */
	size_t lost;   /* lost-event instants */
	size_t flows;  /* s/f pairs */
	size_t nested; /* tracks whose parent track is in the group they are in */
};

/* Chrome trace-event JSON as Perfetto reads it: valid JSON, every event
 * well-formed, complete events strictly nested on each track, one
 * lifetime per track, each tid in one group, names for every track and
 * group, flows with both ends bound. */
int check_perfetto(const char *text, size_t len, struct pf_summary *ret);

/* JSON lines: every line one object with the analyzer's keys in order;
 * counts the rows by "event". */
struct rows_summary {
	size_t rows, processes, events;
};
int check_jsonl(const char *text, size_t len, struct rows_summary *ret);
/* CSV (RFC 4180): the header, every row 23 cells. */
int check_csv(const char *text, size_t len, struct rows_summary *ret);

/* Well-formed XML as far as an SVG needs: tags nest, attributes quoted,
 * entities known, nothing raw that should be escaped, valid UTF-8. */
int check_xml(const char *text, size_t len, size_t *ret_elements);

/* Graphviz: "digraph", balanced braces, node and edge statements. */
int check_dot(const char *text, size_t len, size_t *ret_nodes, size_t *ret_edges);

#endif
