/* SPDX-License-Identifier: MIT */
/*
 * etr.h - reader and writer of execrec trace files (.etr)
 *
 * SPEC.md at the top of the tree is the contract for the bytes; this header
 * is the contract for the C API. Conventions (libbpf's):
 *   - names read object__verb;
 *   - int functions return 0 (or a positive count) on success, -errno on error;
 *   - constructors return NULL and set errno;
 *   - destructors accept NULL;
 *   - nothing here prints: problems are handed to the caller.
 *
 * Depends on libc and libzstd only.
 */
#ifndef EXECREC_ETR_H
#define EXECREC_ETR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ETR_VERSION_MAJOR 1
#define ETR_VERSION_MINOR 1

#define ETR_MAGIC_SIZE 8
#define ETR_TRACE_ID_SIZE 16
#define ETR_FILE_HEADER_SIZE 64
#define ETR_CHUNK_HEADER_SIZE 48
#define ETR_CHUNK_TRAILER_SIZE 16

/* Limits a decoder enforces (SPEC.md, "Limits"). */
#define ETR_MAX_CHUNK_RAW (64u << 20)
#define ETR_MAX_CHUNK_STORED (ETR_MAX_CHUNK_RAW + (1u << 20))
#define ETR_MAX_FILE_HEADER 4096u
#define ETR_MAX_CHUNK_HEADER 4096u

extern const uint8_t etr_magic[ETR_MAGIC_SIZE];

enum etr_chunk_type {
	ETR_CHUNK_META = 1,
	ETR_CHUNK_TPFORMAT = 2,
	ETR_CHUNK_BTF = 3,
	ETR_CHUNK_PROCSNAP = 4,
	ETR_CHUNK_EVENTS = 5,
	ETR_CHUNK_STATS = 6,
	ETR_CHUNK_END = 7,
	ETR_CHUNK_CGROUP = 8, /* since 1.1 */
};

/* Chunk header flags. */
#define ETR_CHUNK_F_RAW 0x0001u /* payload stored uncompressed */

/* Record types, per chunk type (SPEC.md, "Records"). */
enum etr_record_type {
	/* META */
	ETR_REC_META_KV = 1,
	ETR_REC_META_CLOCK = 2,
	/* TPFORMAT */
	ETR_REC_TPFORMAT = 1,
	/* BTF */
	ETR_REC_BTF = 1,
	/* PROCSNAP */
	ETR_REC_PROC = 1,
	/* STATS */
	ETR_REC_COUNTER = 1,
	/* END */
	ETR_REC_END = 1,
	/* CGROUP */
	ETR_REC_CGROUP = 1,
};

/* Event record types (records of EVENTS chunks). */
enum etr_event_type {
	ETR_EV_EXEC = 1,      /* a successful execve/execveat */
	ETR_EV_EXEC_FAIL = 2, /* a failed execve/execveat, ret < 0 */
	ETR_EV_FORK = 3,      /* a new process (or thread, ETR_EVF_THREAD) */
	ETR_EV_EXIT = 4,      /* the whole thread group is gone */
	ETR_EV_LOST = 5,      /* events went missing here */
	ETR_EV__MAX_KNOWN = 5,
};

/* Event types 1..63 carry the common event prefix (SPEC.md). */
#define ETR_EV_PREFIXED_MAX 63

/* Event flags. */
#define ETR_EVF_ARGV_TRUNC 0x0001u     /* argv cut at the recorder's limit */
#define ETR_EVF_ENV_TRUNC 0x0002u      /* env cut at the recorder's limit */
#define ETR_EVF_CWD_TRUNC 0x0004u      /* cwd walk stopped at its bound */
#define ETR_EVF_FILENAME_TRUNC 0x0008u /* filename cut */
#define ETR_EVF_CORE_DUMPED 0x0010u    /* exit: the process dumped core */
#define ETR_EVF_THREAD 0x0020u	       /* fork: a new thread, not a process */
#define ETR_EVF_ENV 0x0040u	       /* exec: the environment was recorded */

enum etr_btf_kind {
	ETR_BTF_SUBSET = 1, /* the kernel types the recorder reads */
	ETR_BTF_FULL = 2,   /* the whole of /sys/kernel/btf/vmlinux */
};

/*
 * A byte string. Not NUL-terminated in general; may hold any byte.
 * In decoded records it points into the reader's chunk buffer and stays
 * valid until the next etr_reader__next_chunk().
 */
struct etr_str {
	const char *ptr;
	uint32_t len;
};

/*
 * A decoded event. Identity of a process is (pid, start_ns), never pid alone.
 * Events are about one process: for ETR_EV_FORK that is the child (pid, tid,
 * start_ns are the child's; ppid is the parent's tgid, parent_tid the thread
 * that forked).
 */
struct etr_event {
	uint16_t type;	/* enum etr_event_type, or unknown (then only the prefix is set) */
	uint32_t flags; /* ETR_EVF_* */
	uint64_t ts_ns; /* CLOCK_BOOTTIME */
	uint32_t pid;	/* thread group id */
	uint32_t tid;
	uint32_t ppid; /* real parent's thread group id */
	uint32_t uid;
	uint32_t gid;
	uint64_t start_ns; /* process start, CLOCK_BOOTTIME */
	uint64_t cgroup_id;
	struct etr_str comm;

	/* EXEC, EXEC_FAIL */
	int32_t ret; /* 0, or -errno for EXEC_FAIL */
	struct etr_str filename;
	struct etr_str cwd;
	uint32_t argc;		/* arguments in argv (counting a cut last one) */
	uint32_t argv_orig_len; /* argv bytes before any cut */
	struct etr_str argv;	/* each argument followed by one NUL */
	uint32_t envc;
	uint32_t env_orig_len;
	struct etr_str env; /* as argv; empty unless ETR_EVF_ENV */
	uint32_t old_tid;   /* exec from a non-leader thread: the tid it had */

	/* FORK */
	uint32_t parent_tid;

	/* EXIT */
	int32_t exit_code; /* WEXITSTATUS-like, valid when signal == 0 */
	int32_t signal;	   /* terminating signal, 0 if none */

	/* LOST */
	uint16_t lost_type; /* event type that was lost, 0 = unknown/any */
	uint64_t lost_count;
};

/* A process alive when the recording started (PROCSNAP chunk). */
struct etr_proc {
	uint32_t flags;
	uint64_t ts_ns; /* when it was read, CLOCK_BOOTTIME */
	uint32_t pid;
	uint32_t ppid;
	uint32_t uid;
	uint32_t gid;
	uint64_t start_ns;
	uint64_t cgroup_id;
	struct etr_str comm;
	struct etr_str exe;
	struct etr_str cwd;
	uint32_t argc;
	struct etr_str argv;
};

/* A clock anchor: the same instant on two clocks (META chunk). */
struct etr_clock {
	uint64_t boottime_ns;
	uint64_t realtime_ns;
	uint64_t monotonic_ns;
};

/* A cumulative counter at a moment (STATS chunk), e.g. "lost.exec". */
struct etr_counter {
	uint64_t ts_ns;
	struct etr_str name;
	uint64_t value;
};

/* A cgroup v2 directory: the id events carry named by its path (CGROUP
 * chunk, since 1.1). */
struct etr_cgroup {
	uint64_t ts_ns;	     /* CLOCK_BOOTTIME */
	uint32_t op;	     /* ETR_CGROUP_* */
	uint64_t id;	     /* the cgroup id: the directory's inode number */
	struct etr_str path; /* from the hierarchy's root, "/" for the root */
};
#define ETR_CGROUP_PRESENT 1 /* there when the recording started */
#define ETR_CGROUP_CREATED 2 /* made during the recording */
#define ETR_CGROUP_REMOVED 3 /* removed during the recording */

/* The end record (END chunk). */
struct etr_end {
	uint64_t ts_ns;
	uint64_t events;
	uint64_t chunks; /* chunks written before the END chunk */
	uint32_t status; /* 0 = normal stop; else why the recorder stopped */
};
#define ETR_END_NORMAL 0
#define ETR_END_SIZE_LIMIT 1 /* stopped at a size limit (max_bytes) */
#define ETR_END_ERROR 2	     /* stopped by an error */

/* Argument blocks: walk "a\0b\0" blocks. */
/* Returns the next argument starting at *pos, advancing *pos; false at end. */
bool etr_args__next(const struct etr_str *block, uint32_t *pos, struct etr_str *ret_arg);

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

struct etr_writer;

struct etr_writer_opts {
	size_t sz; /* sizeof(struct etr_writer_opts): common/opts.h's convention */
	/* zstd level; 0 = default (ETR_DEFAULT_LEVEL); < 0 stores raw */
	int level;
	/* seal the open chunk once it holds this many raw bytes (0 = 1 MiB) */
	uint32_t chunk_bytes;
	/* seal the open chunk this long after its first record (0 = 1 s) */
	uint64_t flush_interval_ns;
	/* compress and write from a thread of the writer's own */
	bool async;
	/* bound on sealed chunks waiting for the writer thread (0 = 8: up to
	 * 8 x chunk_bytes of raw chunks held) */
	uint32_t queue_depth;
	/* the trace id; all zero = a random one */
	uint8_t trace_id[ETR_TRACE_ID_SIZE];
	/* the file header's created_ns; 0 = now (CLOCK_REALTIME) */
	uint64_t created_ns;
	/* never write more than this many bytes (0 = no limit): -EFBIG.  The
	 * events that do not fit are dropped and counted; etr_writer__close()
	 * ends the file with LOST records for them and END, status 1 */
	uint64_t max_bytes;
};
#define ETR_DEFAULT_LEVEL 6

/*
 * Start a trace on @fd (which must be open for writing; the writer does not
 * close it). Writes the file header at once. Returns NULL and sets errno.
 */
struct etr_writer *etr_writer__open_fd(int fd, const struct etr_writer_opts *opts);

/* Each write appends a record to a chunk of the record's type; a chunk of
 * another type open at the time is sealed first. All return 0 or -errno;
 * an error is sticky (a failed write, -ENOSPC, -EFBIG ...). */
int etr_writer__write_event(struct etr_writer *w, const struct etr_event *ev);
int etr_writer__write_meta(struct etr_writer *w, const char *key, const void *value, size_t len);
int etr_writer__write_clock(struct etr_writer *w, const struct etr_clock *clk);
int etr_writer__write_tpformat(struct etr_writer *w, const char *name, const void *text,
			       size_t len);
int etr_writer__write_btf(struct etr_writer *w, enum etr_btf_kind kind, const void *data,
			  size_t len);
int etr_writer__write_proc(struct etr_writer *w, const struct etr_proc *p);
int etr_writer__write_counter(struct etr_writer *w, const struct etr_counter *c);
int etr_writer__write_cgroup(struct etr_writer *w, const struct etr_cgroup *c);

/* Append a record of any type to a chunk of any type, body as given
 * (for tests and for tools that copy records they do not understand). An
 * event record with the common prefix (EVENTS chunk, types 1..63) is
 * taken as encoded against the deltas of the chunk it lands in (a new
 * one if the record made the writer seal the open chunk), as a reader
 * will decode it, and moves them on. */
int etr_writer__write_raw(struct etr_writer *w, uint16_t chunk_type, uint8_t rec_type,
			  const void *body, size_t len);

/* Seal the open chunk if its flush interval has passed (@now_ns from
 * CLOCK_MONOTONIC, 0 = read it). Call from an idle loop. */
int etr_writer__tick(struct etr_writer *w, uint64_t now_ns);
/* Seal the open chunk now and, with async, wait until it is written. */
int etr_writer__flush(struct etr_writer *w);
/* Write the END chunk, flush, stop the writer thread. The fd stays open. */
int etr_writer__close(struct etr_writer *w, uint32_t status);
/* The same, with the END record's time given (CLOCK_BOOTTIME ns; 0 = now):
 * for tools that write a trace of another time (converters, fixtures). */
int etr_writer__close_at(struct etr_writer *w, uint32_t status, uint64_t end_ns);
/* Free; without a prior close the file has no END chunk (as if killed). */
void etr_writer__free(struct etr_writer *w);

/* Figures for a status line. */
struct etr_writer_stats {
	uint64_t records;
	uint64_t events;
	uint64_t chunks;	/* sealed */
	uint64_t bytes_written; /* to the fd */
	uint64_t raw_bytes;	/* before compression, sealed chunks */
	/* max_bytes */
	uint64_t events_written; /* event records in the chunks written */
	uint64_t events_dropped; /* events that did not fit (LOST records aside) */
	/* > max_bytes: the size the file would have needed for the chunks
	 * refused (all of them but EVENTS chunks, written after the first) */
	uint64_t size_needed;
};
void etr_writer__stats(const struct etr_writer *w, struct etr_writer_stats *ret_stats);
/* The sticky error, 0 if none. For tests: the error a failed write left
 * (-EFBIG, -EPIPE) before close reports it. */
int etr_writer__error(const struct etr_writer *w);

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

enum etr_problem_kind {
	ETR_PROB_TRUNCATED = 1,	    /* the file ends inside a chunk or header */
	ETR_PROB_BAD_MAGIC,	    /* not an .etr file (or transfer mangled it) */
	ETR_PROB_VERSION,	    /* major version newer than this reader */
	ETR_PROB_HEADER_CHECKSUM,   /* file header CRC mismatch */
	ETR_PROB_CHUNK_HEADER,	    /* chunk header CRC mismatch or bad field */
	ETR_PROB_CHUNK_CHECKSUM,    /* payload CRC mismatch */
	ETR_PROB_CHUNK_TRAILER,	    /* trailer does not match its header */
	ETR_PROB_FOREIGN_CHUNK,	    /* a chunk of another trace */
	ETR_PROB_DECOMPRESS,	    /* zstd frame bad, size or checksum wrong */
	ETR_PROB_CHUNK_LIMIT,	    /* a size beyond SPEC.md's limits */
	ETR_PROB_UNSUPPORTED_CHUNK, /* unknown flags: chunk skipped */
	ETR_PROB_BAD_RECORD,	    /* a record that does not decode */
	ETR_PROB_SEQUENCE_GAP,	    /* chunk sequence numbers skip */
	ETR_PROB_GARBAGE,	    /* bytes between chunks skipped */
	ETR_PROB_IO,		    /* read error */
};

struct etr_problem {
	enum etr_problem_kind kind;
	uint64_t offset; /* byte offset in the file where it was found */
	uint64_t seq;	 /* chunk sequence number, if known */
	uint64_t length; /* bytes skipped because of it, if known */
	/* the type of the chunk it is in, once that chunk's header checked
	 * out (a damaged payload, a record that does not decode); 0 if not */
	uint16_t chunk_type;
};

/* A short fixed English description of a problem kind. */
const char *etr_problem__str(enum etr_problem_kind kind);

typedef void (*etr_problem_fn)(void *ctx, const struct etr_problem *p);

struct etr_reader_opts {
	size_t sz;
	/* called for each problem found, in file order; may be NULL */
	etr_problem_fn problem_cb;
	void *problem_ctx;
	/* hand ETR_CHUNK_* chunks whose payload failed checks? never: false */
	/* skip decompression of chunk types not in this mask (bit = 1<<type);
	 * 0 = decompress all. Skipped chunks still have their CRC checked. */
	uint32_t type_mask;
};

struct etr_reader;

/* Open @path ("-" = standard input), a file descriptor (not closed by the
 * reader unless opened by path), or a memory buffer (not copied).
 * Reads and checks the file header. NULL + errno on failure: EINVAL for a
 * file that is not a trace (bad magic), ENOTSUP for a newer major version,
 * EBADMSG for a damaged header; etr_reader__open_error() says more. */
struct etr_reader *etr_reader__open(const char *path, const struct etr_reader_opts *opts);
struct etr_reader *etr_reader__open_fd(int fd, const struct etr_reader_opts *opts);
struct etr_reader *etr_reader__open_mem(const void *buf, size_t len,
					const struct etr_reader_opts *opts);
void etr_reader__free(struct etr_reader *r);

/* What went wrong in the last failed open (thread-local); major version of
 * the refused file for ETR_PROB_VERSION. */
struct etr_open_error {
	enum etr_problem_kind kind;
	uint64_t offset;
	uint16_t file_major;
	uint16_t file_minor;
};
const struct etr_open_error *etr_reader__open_error(void);

struct etr_file_info {
	uint16_t major;
	uint16_t minor;
	uint8_t trace_id[ETR_TRACE_ID_SIZE];
	uint64_t flags;
	uint64_t created_ns;
	uint32_t header_size;
};
const struct etr_file_info *etr_reader__info(const struct etr_reader *r);

/* The delta state of event records (SPEC.md, "EVENTS chunk"); private. */
#define ETR_START_CACHE 64
struct etr_delta {
	uint64_t prev_ts;
	uint32_t prev_pid;
	uint32_t prev_ppid;
	uint32_t cache_pid[ETR_START_CACHE];
	uint64_t cache_start[ETR_START_CACHE];
};

struct etr_chunk {
	uint16_t type;
	uint16_t flags;
	uint64_t seq;
	uint64_t offset; /* of the chunk header in the file */
	uint32_t stored_size;
	uint32_t raw_size;
	uint32_t record_count;
	const uint8_t *data; /* raw_size bytes; NULL if masked out */
	size_t size;

	/* decoding state (private) */
	size_t pos;
	uint32_t records_read;
	struct etr_delta delta;
};

/*
 * The next good chunk. Returns 1 and fills @ret_chunk, 0 at the end of
 * the input, or -errno on a read error. Damage is never an error here: it
 * is reported through problem_cb and the reader goes on with the next good
 * chunk. The chunk's data stays valid until the next call.
 */
int etr_reader__next_chunk(struct etr_reader *r, struct etr_chunk *ret_chunk);

/* Whether an END chunk was read (valid once next_chunk returned 0). */
bool etr_reader__ended_cleanly(const struct etr_reader *r);

/* Counts of what the reader saw so far. */
struct etr_reader_stats {
	uint64_t chunks;     /* good chunks */
	uint64_t bad_chunks; /* chunks skipped for damage */
	uint64_t problems;
	uint64_t bytes_read;
	uint64_t raw_bytes;    /* decompressed payload bytes of good chunks */
	uint64_t stored_bytes; /* payload bytes of good chunks */
};
void etr_reader__stats(const struct etr_reader *r, struct etr_reader_stats *ret_stats);

/* A record of a chunk, undecoded. */
struct etr_record {
	uint8_t type;
	const uint8_t *body;
	uint32_t len;
	uint64_t offset; /* of the record within the chunk's raw payload */
};

/*
 * Record iteration. Returns 1 and fills @ret_rec, 0 at the end of the
 * chunk, -EBADMSG if the chunk's records do not decode (the rest of the
 * chunk is then unreadable; the caller may report it).
 */
int etr_chunk__next_record(struct etr_chunk *c, struct etr_record *ret_rec);

/*
 * Events of an EVENTS chunk, in stored order, decoded. Unknown event types
 * come back with their common prefix decoded and the rest left zero (check
 * ev->type). Returns 1, 0 at the end, -EBADMSG on a record that does not
 * decode.
 */
int etr_chunk__next_event(struct etr_chunk *c, struct etr_event *ret_ev);

/* Decoders of single records. 0 or -EBADMSG. Fields that a record is too
 * short to hold (written by an older minor version) come back zero. */
int etr_record__meta(const struct etr_record *rec, struct etr_str *ret_key,
		     struct etr_str *ret_value);
int etr_record__clock(const struct etr_record *rec, struct etr_clock *ret_clock);
int etr_record__tpformat(const struct etr_record *rec, struct etr_str *ret_name,
			 struct etr_str *ret_text);
int etr_record__btf(const struct etr_record *rec, uint32_t *ret_kind, struct etr_str *ret_data);
int etr_record__proc(const struct etr_record *rec, struct etr_proc *ret_proc);
int etr_record__counter(const struct etr_record *rec, struct etr_counter *ret_counter);
int etr_record__end(const struct etr_record *rec, struct etr_end *ret_end);
int etr_record__cgroup(const struct etr_record *rec, struct etr_cgroup *ret_cgroup);

/* ------------------------------------------------------------------ */
/* Walker: chunks and their records, decoded, in file order            */
/* ------------------------------------------------------------------ */

/*
 * One pass over a trace for every reader of it (the analyzer's trace, info,
 * dump, probes, diff): each good chunk, then each of its records decoded by
 * what it is, then the chunk's end. Damage is handled once, here, as the
 * reader does: a record that does not decode (its framing, or the body of a
 * record of a known type) is reported as ETR_PROB_BAD_RECORD at its chunk's
 * offset, the rest of that chunk is skipped, and walking goes on with the
 * next chunk. Records of a type this version does not know are handed out
 * undecoded (ETR_WALK_UNKNOWN), never an error (SPEC.md).
 */
enum etr_walk_kind {
	ETR_WALK_CHUNK = 1, /* a good chunk begins: item->chunk, nothing decoded */
	ETR_WALK_CHUNK_END, /* its records are done; its data is valid until the next call */
	ETR_WALK_BAD,	    /* the rest of the chunk does not decode (already reported) */
	ETR_WALK_EVENT,	    /* EVENTS: *item->ev */
	ETR_WALK_META,	    /* META: item->meta */
	ETR_WALK_CLOCK,	    /* META: item->clock */
	ETR_WALK_TPFORMAT,  /* TPFORMAT: item->tpformat */
	ETR_WALK_BTF,	    /* BTF: item->btf */
	ETR_WALK_PROC,	    /* PROCSNAP: item->proc */
	ETR_WALK_COUNTER,   /* STATS: item->counter */
	ETR_WALK_END,	    /* END: item->end */
	ETR_WALK_CGROUP,    /* CGROUP: item->cgroup */
	ETR_WALK_UNKNOWN,   /* a record type (or chunk type) not known here: item->rec only */
};

struct etr_walk_item {
	enum etr_walk_kind kind;
	/* every kind: the chunk (its header fields; data while it is read) */
	const struct etr_chunk *chunk;
	/* a record: its type, body and offset in the chunk's payload. For
	 * ETR_WALK_EVENT, body and len span the bytes the event was decoded
	 * from, framing included (and records of unprefixed types skipped on
	 * the way). For ETR_WALK_BAD, the record whose body did not decode;
	 * body NULL when the framing itself is broken. */
	struct etr_record rec;
	union {
		struct {
			struct etr_str key, value;
		} meta;
		struct etr_clock clock;
		struct {
			struct etr_str name, text;
		} tpformat;
		struct {
			uint32_t kind; /* enum etr_btf_kind, or unknown */
			struct etr_str data;
		} btf;
		struct etr_proc proc;
		struct etr_counter counter;
		struct etr_end end;
		struct etr_cgroup cgroup;
	};
	/* ETR_WALK_EVENT: the decoded event (where etr_walk__next was asked
	 * to put it) */
	struct etr_event *ev;
};

struct etr_walk_opts {
	size_t sz;
	/* every problem, the reader's and ETR_PROB_BAD_RECORD, in file order */
	etr_problem_fn problem_cb;
	void *problem_ctx;
	/* chunk types to decode (bit = 1 << type), 0 = all. Chunks of the
	 * other types are still checked by the reader but not handed out. */
	uint32_t type_mask;
};

struct etr_walk;

/* Open as etr_reader__open() / _open_mem() does (same errno). */
struct etr_walk *etr_walk__open(const char *path, const struct etr_walk_opts *opts);
struct etr_walk *etr_walk__open_mem(const void *buf, size_t len, const struct etr_walk_opts *opts);
void etr_walk__free(struct etr_walk *w);

/* The reader underneath: file info, stats, ended_cleanly. */
const struct etr_reader *etr_walk__reader(const struct etr_walk *w);

/*
 * The next item. Returns 1 and fills @ret_item, 0 at the end of the input,
 * -errno on a read error (damage is never an error: see above). An event is
 * decoded into @ev_buf when given (so a caller that keeps events decodes
 * each straight where it keeps it), else into the walker's own; its strings,
 * like all decoded strings, point into the chunk and stay valid until the
 * call after its chunk's ETR_WALK_CHUNK_END.
 */
int etr_walk__next(struct etr_walk *w, struct etr_walk_item *ret_item, struct etr_event *ev_buf);

/*
 * The fast path of the events that make up most of a trace: the next event
 * of the EVENTS chunk the walk is in, decoded into @ev (1), or 0 where
 * etr_walk__next() must be called instead (not in an EVENTS chunk, at its
 * end, or at a record that does not decode, which etr_walk__next() then
 * hands out as ETR_WALK_BAD). Never an error of its own.
 */
int etr_walk__next_event(struct etr_walk *w, struct etr_event *ev);

/* Where a chunk lies in a file. */
struct etr_chunk_loc {
	uint64_t offset; /* of its header */
	uint64_t size;	 /* header + payload + trailer */
	uint64_t seq;
	uint16_t type;
};

/*
 * The last complete chunk of a trace file, found from its end by the chunk
 * trailers (a regular file: -ESPIPE otherwise). Checks the chunk's header
 * and trailer, not its payload. -ENOENT if there is none.
 */
int etr_file__last_chunk(int fd, struct etr_chunk_loc *ret_loc);

/* Names for printing. */
const char *etr_chunk_type__str(uint16_t type);
const char *etr_event_type__str(uint16_t type);
/* A record of a chunk other than EVENTS by its chunk and record type, or
 * NULL when this reader does not know that pair. */
const char *etr_record_type__str(uint16_t chunk_type, uint8_t rec_type);

/* CRC-32C (Castagnoli), as used by the format. */
uint32_t etr_crc32c(uint32_t crc, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_ETR_H */
