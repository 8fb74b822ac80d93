/* Whole-file reads, plain or gzip (zlib reads both the same way). */
#ifndef TURNOUT_FILE_H
#define TURNOUT_FILE_H

#include <stddef.h>

#include "util/buf.h"

/* Reads path into out (inited by the caller with its cap); 0, or -1 with
 * the reason in err.  A file larger than out's cap is an error. */
int file_read_all(const char *path, struct buf *out, char *err, size_t errlen);

/* Writes n bytes to path whole or not at all, and durably (a temporary
 * file of its own beside it, synced, renamed into place, the folder
 * synced): 0, or -1 with the reason in err. */
int file_write_all(const char *path, const void *data, size_t n, char *err, size_t errlen);

#endif
