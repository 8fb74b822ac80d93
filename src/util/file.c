#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int file_read_all(const char *path, struct buf *out, char *err, size_t errlen)
{
	char chunk[65536];
	int rc = -1, n;
	gzFile gz = gzopen(path, "rb");

	if (!gz) {
		snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) : "cannot open");
		return -1;
	}
	while ((n = gzread(gz, chunk, sizeof(chunk))) > 0) {
		if (buf_add(out, chunk, (size_t)n)) {
			snprintf(err, errlen, "%s: larger than %zu bytes", path, out->max);
			goto done;
		}
	}
	if (n < 0) {
		int zerr;
		snprintf(err, errlen, "%s: %s", path, gzerror(gz, &zerr));
		goto done;
	}
	if (!out->p && buf_add(out, "", 0))
		goto done;
	rc = 0;
done:
	gzclose(gz);
	return rc;
}
