#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

int file_write_all(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
	char tmp[4096];
	const char *p = data;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: %s", path,
				 w < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	if (close(fd) || rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
