/*
 * An RFC 4180 CSV reader that streams from a gzip or plain file (zlib reads
 * both) or from memory.  Handles a UTF-8 byte-order mark, quoted fields with
 * doubled quotes and embedded newlines, CRLF or LF line ends.
 *
 * Each record is capped (CSV_MAX_RECORD bytes, CSV_MAX_FIELDS fields) so a
 * hostile file cannot make the reader grow without bound.  Field pointers
 * returned by csv_next() stay valid until the next call.
 */
#ifndef TURNOUT_CSV_H
#define TURNOUT_CSV_H

#include <stddef.h>
#include <zlib.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_RECORD 65536

struct csv_field {
	const char *p; /* NUL-terminated */
	size_t len;
};

struct csv {
	gzFile gz; /* NULL when reading from memory */
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	unsigned char in[65536];
	size_t in_len, in_pos;
	int eof, started;
	char *rec; /* record storage, CSV_MAX_RECORD + 1 bytes */
	struct csv_field f[CSV_MAX_FIELDS];
	size_t nf;
	long line; /* line the current record starts on, from 1 */
	long next_line;
	/* bytes read (after gunzip), and the most allowed: 0 for no cap; set
	 * after opening.  A small gzip can hold gigabytes of rows. */
	unsigned long long read_bytes, max_bytes;
	char err[128];
};

/* 0, or -1 when path cannot be opened (err says why). */
int csv_open(struct csv *r, const char *path);
/* From an open file descriptor (read from its start; the reader closes a
 * dup of it, never fd itself). */
int csv_open_fd(struct csv *r, int fd);
void csv_init_mem(struct csv *r, const void *data, size_t len);
/* csv_release() may be called more than once, and after a failed open. */
/* Number of fields in the next record (>= 1), 0 at end of input, -1 on a
 * malformed record, a read error, a gzip stream that is corrupt or cut
 * short, or more than max_bytes (r->err says why, r->line where). */
int csv_next(struct csv *r);
void csv_release(struct csv *r);

struct buf;
/* Writes s (NULL as empty) as one quoted CSV field, for an export opened in
 * a spreadsheet: quotes doubled, and a leading = + - @ tab or CR escaped
 * with ' so that no cell runs as a formula. */
void csv_cell(struct buf *b, const char *s);

#endif
