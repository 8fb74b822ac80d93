#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The folder holding path, synced so that a rename into it is durable. */
static int sync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (n >= sizeof(dir))
		return -1;
	if (n)
		memcpy(dir, path, n);
	else
		dir[n++] = slash ? '/' : '.';
	dir[n] = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc = fd < 0 || fsync(fd) ? -1 : 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

int file_write_all(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
	char tmp[4096];
	const char *p = data;
	int fd = -1, made = 0;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* a name of its own: two writers of one path never share a file */
	if ((fd = mkstemp(tmp)) < 0)
		goto fail;
	made = 1;
	if (fchmod(fd, 0644))
		goto fail;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!w)
				errno = EIO;
			goto fail;
		}
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	made = 0;
	if (sync_parent(path))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	return -1;
}
