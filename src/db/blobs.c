#include "db/blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"

#include "util/file.h"
#include "util/log.h"

static int blob_hash_ok_prefix(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

int blob_hash_ok(const char *s)
{
	size_t i = 0;
	if (!s)
		return 0;
	for (; s[i]; i++)
		if (i >= BLOB_HASH_LEN ||
		    !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == BLOB_HASH_LEN;
}

int blobs_open(struct blobs *b, const char *dir, char *err, size_t errlen)
{
	struct stat sb;
	if (snprintf(b->dir, sizeof(b->dir), "%s", dir) >= (int)sizeof(b->dir)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) || !S_ISDIR(sb.st_mode) || access(dir, W_OK)) {
		snprintf(err, errlen, "%s: not a folder this process can write", dir);
		return -1;
	}
	return 0;
}

int blobs_open_for(struct blobs *b, const char *db_path, char *err, size_t errlen)
{
	char dir[1100];
	const char *env = getenv("TURNOUT_FILES");
	if (env && *env)
		return blobs_open(b, env, err, errlen);
	if (db_path_postgresql(db_path)) {
		/* a URI names no folder: the working folder's var/, as for mail */
		mkdir("var", 0700);
		return blobs_open(b, "var/files", err, errlen);
	}
	snprintf(dir, sizeof(dir), "%s.files", db_path);
	return blobs_open(b, dir, err, errlen);
}

/* dir/ab/abcdef…: 256 subfolders keep any one folder small */
static int blob_path(const struct blobs *b, const char *hash, char *out, size_t cap, int make)
{
	if (snprintf(out, cap, "%s/%.2s", b->dir, hash) >= (int)cap)
		return -1;
	if (make && mkdir(out, 0700) && errno != EEXIST)
		return -1;
	return snprintf(out, cap, "%s/%.2s/%s", b->dir, hash, hash) >= (int)cap ? -1 : 0;
}

int blob_put(const struct blobs *b, const void *data, size_t n, char hash[BLOB_HASH_LEN + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char path[1200], why[256];
	struct stat sb;

	crypto_hash_sha256(h, data, n);
	sodium_bin2hex(hash, BLOB_HASH_LEN + 1, h, sizeof(h));
	if (blob_path(b, hash, path, sizeof(path), 1)) {
		log_error("blobs: cannot make the folder for %.8s: %s", hash, strerror(errno));
		return -1;
	}
	/* already there: the same bytes, as the name says; touched, so that a
	 * sweep counting on its age leaves it for the row about to name it */
	if (!stat(path, &sb) && (size_t)sb.st_size == n && !utimensat(AT_FDCWD, path, NULL, 0))
		return 0;
	if (file_write_all(path, data, n, why, sizeof(why))) {
		log_error("blobs: %s", why);
		return -1;
	}
	return 0;
}

int blob_get(const struct blobs *b, const char *hash, struct buf *out)
{
	char path[1200], chunk[65536];
	ssize_t n;
	int rc = -1;
	if (!blob_hash_ok(hash) || blob_path(b, hash, path, sizeof(path), 0))
		return 0;
	/* read plainly: file_read_all() would undo a gzip the bytes may be */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf_add(out, chunk, (size_t)n))
			goto done;
	}
	rc = out->p || !buf_add(out, "", 0) ? 1 : -1;
done:
	if (rc < 0)
		log_error("blobs: %.8s: %s", hash, n < 0 ? strerror(errno) : "larger than allowed");
	close(fd);
	return rc;
}

long blobs_sweep(const struct blobs *b, long long before,
		 int (*in_use)(const char *hash, void *arg), void *arg)
{
	char sub[1100], path[1400];
	long gone = 0;
	DIR *top = opendir(b->dir);
	struct dirent *d, *e;
	if (!top)
		return -1;
	while (gone >= 0 && (d = readdir(top))) {
		if (strlen(d->d_name) != 2 || !blob_hash_ok_prefix(d->d_name))
			continue;
		snprintf(sub, sizeof(sub), "%s/%.2s", b->dir, d->d_name);
		DIR *dir = opendir(sub);
		while (dir && gone >= 0 && (e = readdir(dir))) {
			struct stat sb;
			if (!blob_hash_ok(e->d_name) || strncmp(e->d_name, d->d_name, 2))
				continue;
			snprintf(path, sizeof(path), "%s/%.64s", sub, e->d_name);
			if (stat(path, &sb) || (long long)sb.st_mtime >= before)
				continue;
			int rc = in_use(e->d_name, arg);
			if (rc < 0)
				gone = -1;
			else if (!rc && !unlink(path))
				gone++;
		}
		if (dir)
			closedir(dir);
	}
	closedir(top);
	return gone;
}
