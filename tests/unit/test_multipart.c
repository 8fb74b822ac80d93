/* multipart/form-data as browsers send it, and what is refused; and the
 * blob store under a content hash. */
/* cmocka.h needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
/* clang-format on */

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/blobs.h"
#include "http/multipart.h"

#define CT "multipart/form-data; boundary=----WebKitFormBoundaryAbC123"
#define B  "------WebKitFormBoundaryAbC123"

static int parse(const char *body, size_t n, struct arena *a, struct qs *q,
		 struct multipart_file *f, char *why)
{
	return multipart_parse(CT, body, n, a, q, f, why, 128);
}

static void fields_and_a_file(void **state)
{
	(void)state;
	static const char body[] =
	    B "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n" B
	      "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nCaf\xc3\xa9 leaflet\r\n"
	      "line two\r\n" B "\r\nContent-Disposition: form-data; name=\"file\"; "
	      "filename=\"photo.jpg\"\r\nContent-Type: "
	      "image/jpeg\r\n\r\n\xff\xd8\x00\r\n\r\xff\xd9\r\n" B "--\r\n";
	struct arena a;
	struct qs q;
	struct multipart_file f;
	char why[128];
	arena_init(&a, 1024);
	assert_int_equal(parse(body, sizeof(body) - 1, &a, &q, &f, why), 0);
	assert_int_equal(q.n, 2);
	assert_string_equal(qs_get(&q, "csrf"), "tok");
	assert_string_equal(qs_get(&q, "title"), "Caf\xc3\xa9 leaflet\r\nline two");
	assert_true(f.present);
	assert_string_equal(f.field, "file");
	assert_string_equal(f.filename, "photo.jpg");
	/* binary bytes, a NUL and CRLFs inside, kept exactly */
	assert_int_equal(f.len, 8);
	assert_memory_equal(f.data, "\xff\xd8\x00\r\n\r\xff\xd9", 8);
	arena_release(&a);
}

static void refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		/* not starting with the boundary */
		"junk\r\n" B "--\r\n",
		/* cut short: no closing delimiter */
		B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
		/* no end to the headers */
		B "\r\nContent-Disposition: form-data; name=\"a\"\r\n",
		/* a part without a name */
		B "\r\nContent-Disposition: form-data\r\n\r\nx\r\n" B "--",
		/* two files */
		B "\r\nContent-Disposition: form-data; name=\"a\"; filename=\"1\"\r\n\r\nx\r\n" B
		  "\r\nContent-Disposition: form-data; name=\"b\"; filename=\"2\"\r\n\r\ny\r\n" B
		  "--",
		/* a field that is not UTF-8, and one with a NUL */
		B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\xfe\r\n" B "--",
	};
	struct arena a;
	struct qs q;
	struct multipart_file f;
	char why[128];
	arena_init(&a, 1024);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		assert_int_equal(parse(bad[i], strlen(bad[i]), &a, &q, &f, why), -1);
		assert_true(why[0]);
		assert_int_equal(q.n, 0);
		assert_false(f.present);
	}
	static const char nul[] =
	    B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\na\0b\r\n" B "--";
	assert_int_equal(parse(nul, sizeof(nul) - 1, &a, &q, &f, why), -1);
	/* a content type that is not multipart, or has no boundary */
	assert_int_equal(multipart_parse("application/x-www-form-urlencoded", "a=b", 3, &a, &q, &f,
					 why, sizeof(why)),
			 -1);
	assert_int_equal(multipart_parse("multipart/form-data", B "--", strlen(B "--"), &a, &q, &f,
					 why, sizeof(why)),
			 -1);
	/* too many fields */
	char many[8192];
	size_t n = 0;
	for (int i = 0; i <= QS_MAX_PAIRS; i++)
		n += (size_t)snprintf(
		    many + n, sizeof(many) - n,
		    B "\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
	n += (size_t)snprintf(many + n, sizeof(many) - n, B "--");
	assert_int_equal(parse(many, n, &a, &q, &f, why), -1);
	assert_string_equal(why, "the form has too many fields");
	arena_release(&a);
}

static int keep_hello(const char *hash, void *arg)
{
	(void)arg;
	return !strcmp(hash, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

static int keep_none(const char *hash, void *arg)
{
	(void)hash;
	(void)arg;
	return 0;
}

static void blobs_by_hash(void **state)
{
	(void)state;
	char dir[] = "/tmp/turnout-blobs-XXXXXX", err[256], h1[BLOB_HASH_LEN + 1],
	     h2[BLOB_HASH_LEN + 1], path[1200];
	struct blobs b;
	struct buf out;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store", dir);
	assert_int_equal(blobs_open(&b, path, err, sizeof(err)), 0);
	assert_int_equal(blob_put(&b, "hello", 5, h1), 0);
	/* the SHA-256 of "hello" */
	assert_string_equal(h1, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
	assert_int_equal(blob_put(&b, "hello", 5, h2), 0);
	assert_string_equal(h1, h2);
	buf_init(&out, 1024);
	assert_int_equal(blob_get(&b, h1, &out), 1);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.p, "hello", 5);
	buf_release(&out);
	/* stored under ab/abcd…, one file however often it is put */
	snprintf(path, sizeof(path), "%s/store/2c/%s", dir, h1);
	assert_int_equal(access(path, R_OK), 0);
	/* unknown, and not a hash at all (no path is ever built from it) */
	buf_init(&out, 1024);
	h2[0] = h1[0] == '0' ? '1' : '0';
	assert_int_equal(blob_get(&b, h2, &out), 0);
	assert_int_equal(blob_get(&b, "../../etc/passwd", &out), 0);
	assert_int_equal(
	    blob_get(&b, "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824", &out),
	    0);
	/* larger than the caller's cap: an error, not a short read */
	buf_release(&out);
	buf_init(&out, 3);
	assert_int_equal(blob_get(&b, h1, &out), -1);
	buf_release(&out);
	/* the sweep: an old blob no row names goes; one in use, or new, stays */
	char h3[BLOB_HASH_LEN + 1];
	assert_int_equal(blob_put(&b, "world", 5, h3), 0);
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	snprintf(path, sizeof(path), "%s/store/%.2s/%s", dir, h3, h3);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	assert_int_equal(blobs_sweep(&b, 2000, keep_hello, NULL), 1);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/store/2c/%s", dir, h1);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	assert_int_equal(blobs_sweep(&b, 2000, keep_hello, NULL), 0);
	assert_int_equal(access(path, F_OK), 0);
	/* put again, it is touched: a sweep by age leaves it for its new row */
	assert_int_equal(blob_put(&b, "hello", 5, h2), 0);
	assert_int_equal(blobs_sweep(&b, 2000, keep_none, NULL), 0);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(blobs_sweep(&b, 1L << 40, keep_none, NULL), 1);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(blob_put(&b, "hello", 5, h2), 0);
	/* a path that is a file, not a folder */
	snprintf(path, sizeof(path), "%s/store/2c/%s", dir, h1);
	assert_int_equal(blobs_open(&b, path, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_and_a_file),
		cmocka_unit_test(refused),
		cmocka_unit_test(blobs_by_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
