#include "util/csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/mem.h"

static void init_common(struct csv *r)
{
	r->in_len = r->in_pos = 0;
	r->eof = r->started = 0;
	r->rec = xmalloc(CSV_MAX_RECORD + 1);
	r->nf = 0;
	r->line = 0;
	r->next_line = 1;
	r->err[0] = '\0';
}

int csv_open(struct csv *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->gz = gzopen(path, "rb");
	if (!r->gz) {
		snprintf(r->err, sizeof(r->err), "cannot open: %s",
			 errno ? strerror(errno) : "out of memory");
		return -1;
	}
	gzbuffer(r->gz, 1 << 17);
	init_common(r);
	return 0;
}

int csv_open_fd(struct csv *r, int fd)
{
	memset(r, 0, sizeof(*r));
	int d = dup(fd);
	if (d < 0 || lseek(d, 0, SEEK_SET) < 0 || !(r->gz = gzdopen(d, "rb"))) {
		if (d >= 0)
			close(d);
		snprintf(r->err, sizeof(r->err), "cannot read the upload");
		return -1;
	}
	gzbuffer(r->gz, 1 << 17);
	init_common(r);
	return 0;
}

void csv_init_mem(struct csv *r, const void *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->mem = data;
	r->mem_len = len;
	init_common(r);
}

/* Next byte, or -1 at end, -2 on a read error. */
static int getbyte(struct csv *r)
{
	if (r->in_pos == r->in_len) {
		if (r->eof)
			return -1;
		if (r->gz) {
			int zerr = Z_OK, n = gzread(r->gz, r->in, sizeof(r->in));
			const char *why = n <= 0 ? gzerror(r->gz, &zerr) : NULL;
			/* zlib ends a gzip cut short quietly, as Z_BUF_ERROR */
			if (n < 0 || (n == 0 && zerr == Z_BUF_ERROR)) {
				snprintf(r->err, sizeof(r->err), "%s",
					 zerr == Z_BUF_ERROR ? "the compressed file is cut short"
							     : why);
				return -2;
			}
			r->in_len = (size_t)n;
			r->read_bytes += (size_t)n;
			if (r->max_bytes && r->read_bytes > r->max_bytes) {
				snprintf(r->err, sizeof(r->err),
					 "more than %llu MB of text (uncompressed)",
					 r->max_bytes >> 20);
				return -2;
			}
		} else {
			size_t n = r->mem_len - r->mem_pos;
			if (n > sizeof(r->in))
				n = sizeof(r->in);
			memcpy(r->in, r->mem + r->mem_pos, n);
			r->mem_pos += n;
			r->in_len = n;
		}
		r->in_pos = 0;
		if (r->in_len == 0) {
			r->eof = 1;
			return -1;
		}
	}
	return r->in[r->in_pos++];
}

static int peekbyte(struct csv *r)
{
	int c = getbyte(r);
	if (c >= 0)
		r->in_pos--;
	return c;
}

int csv_next(struct csv *r)
{
	size_t len = 0, start = 0;
	int c, quoted = 0, was_quoted = 0, any = 0;

	r->nf = 0;
	r->line = r->next_line;
	if (!r->started) {
		r->started = 1;
		if (peekbyte(r) == 0xEF) {
			getbyte(r);
			if (getbyte(r) != 0xBB || getbyte(r) != 0xBF) {
				snprintf(r->err, sizeof(r->err), "bad byte-order mark");
				return -1;
			}
		}
	}
	for (;;) {
		c = getbyte(r);
		if (c == -2)
			return -1;
		if (quoted) {
			if (c == -1) {
				snprintf(r->err, sizeof(r->err), "unterminated quoted field");
				return -1;
			}
			if (c == '"') {
				if (peekbyte(r) == '"') {
					getbyte(r);
				} else {
					quoted = 0;
					continue;
				}
			} else if (c == '\n') {
				r->next_line++;
			}
		} else if (c == '"') {
			if (len != start || was_quoted) {
				snprintf(r->err, sizeof(r->err), "quote inside an unquoted field");
				return -1;
			}
			quoted = was_quoted = any = 1;
			continue;
		} else if (c == ',' || c == '\n' || c == '\r' || c == -1) {
			if (c == -1 && !any && r->nf == 0)
				return 0;
			if (c == '\r') {
				if (peekbyte(r) != '\n') {
					snprintf(r->err, sizeof(r->err), "bare carriage return");
					return -1;
				}
				getbyte(r);
				c = '\n';
			}
			if (r->nf == CSV_MAX_FIELDS) {
				snprintf(r->err, sizeof(r->err), "more than %d fields",
					 CSV_MAX_FIELDS);
				return -1;
			}
			r->rec[len] = '\0';
			r->f[r->nf].p = r->rec + start;
			r->f[r->nf].len = len - start;
			r->nf++;
			if (c != ',') {
				if (c == '\n')
					r->next_line++;
				return (int)r->nf;
			}
			len++;
			start = len;
			was_quoted = 0;
			any = 1;
			continue;
		} else if (was_quoted) {
			snprintf(r->err, sizeof(r->err), "text after a closing quote");
			return -1;
		}
		any = 1;
		if (len + 1 >= CSV_MAX_RECORD) {
			snprintf(r->err, sizeof(r->err), "record longer than %d bytes",
				 CSV_MAX_RECORD);
			return -1;
		}
		r->rec[len++] = (char)c;
	}
}

void csv_release(struct csv *r)
{
	if (r->gz)
		gzclose(r->gz);
	r->gz = NULL;
	free(r->rec);
	r->rec = NULL;
}

void csv_cell(struct buf *b, const char *s)
{
	/* a leading = + - @ TAB CR is defused so a spreadsheet does not run it */
	buf_putc(b, '"');
	if (s && *s && strchr("=+-@\t\r", *s))
		buf_putc(b, '\'');
	for (; s && *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}
