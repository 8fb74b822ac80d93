#include "admin/doctor.h"

#include <curl/curl.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "db/db.h"
#include "mail/outbox.h"
#include "util/buf.h"

#define DISK_LOW_PCT 5 /* less free than this beside the database needs attention */

static void ago(char *out, size_t n, long long then, long long now)
{
	long long s = now - then;
	if (!then)
		snprintf(out, n, "never");
	else if (s < 120)
		snprintf(out, n, "%lld s ago", s);
	else if (s < 7200)
		snprintf(out, n, "%lld min ago", s / 60);
	else
		snprintf(out, n, "%lld h ago", s / 3600);
}

static double mb(long long bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	buf_put(ud, p, size * n);
	return size * n;
}

/* A running server's own view: its status line and last checkpoint. */
static int ask_server(const char *url, FILE *out, long long now)
{
	struct buf body;
	char full[600], when[32];
	long code = 0;
	int rc = 1;

	buf_init(&body, 64 << 10);
	snprintf(full, sizeof(full), "%s/healthz", url);
	CURL *c = curl_easy_init();
	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, full);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(c);
	}
	json_t *j = code ? json_loadb(body.p ? body.p : "", body.len, 0, NULL) : NULL;
	json_t *r = json_object_get(j, "result");
	if (!j) {
		fprintf(out, "server     %s does not answer\n", url);
	} else {
		ago(when, sizeof(when), json_integer_value(json_object_get(r, "checkpoint_at")), now);
		fprintf(out, "server     %ld %s; last checkpoint %s\n", code,
			code == 200 ? "ok" : json_string_value(json_object_get(j, "error")), when);
		rc = code == 200 ? 0 : 1;
	}
	json_decref(j);
	buf_release(&body);
	return rc;
}

int doctor_run(const char *db_path, const char *url, int flags, FILE *out)
{
	struct db *db = NULL;
	struct stat st, wal;
	struct statvfs vfs;
	struct outbox_stats ms;
	char err[512], path[1100], when[32];
	long long now = time(NULL);
	int attention = 0;

	if (stat(db_path, &st) || db_open(&db, db_path, DB_OPEN_READONLY, err, sizeof(err))) {
		fprintf(out, "database   %s cannot be opened\n", db_path);
		return -1;
	}
	snprintf(path, sizeof(path), "%s-wal", db_path);
	long long wal_bytes = stat(path, &wal) == 0 ? (long long)wal.st_size : 0;
	fprintf(out, "database   %s: schema %d, %.1f MB, write-ahead log %.1f MB\n", db_path,
		db_schema_version(db), mb(st.st_size), mb(wal_bytes));
	if (flags & DOCTOR_INTEGRITY) {
		char detail[200];
		int sound = db_check(db, detail, sizeof(detail));
		fprintf(out, "integrity  %s%s\n",
			sound > 0 ? "ok" : sound == 0 ? "DAMAGED: " : "not checked: ", sound > 0 ? "" : detail);
		attention |= sound <= 0;
	}
	/* the folder holds the log and the temporary files too */
	snprintf(path, sizeof(path), "%s", db_path);
	char *slash = strrchr(path, '/');
	if (slash)
		*slash = '\0';
	if (statvfs(slash ? (*path ? path : "/") : ".", &vfs) == 0 && vfs.f_blocks) {
		double free_mb = mb((long long)vfs.f_bavail * (long long)vfs.f_frsize);
		int pct = (int)(100.0 * (double)vfs.f_bavail / (double)vfs.f_blocks);
		fprintf(out, "disk       %.0f MB free beside the database (%d%%)%s\n", free_mb, pct,
			pct < DISK_LOW_PCT ? ": LOW" : "");
		attention |= pct < DISK_LOW_PCT;
	}
	if (outbox_stats(db, now, &ms)) {
		fprintf(out, "mail       the queue cannot be read: %s\n", db_errmsg(db));
		attention = 1;
	} else {
		ago(when, sizeof(when), ms.oldest_at, now);
		fprintf(out,
			"mail       %ld queued, %ld retrying, %ld given up; oldest unsent queued %s;"
			" %ld sent in 24 h\n",
			ms.queued, ms.retrying, ms.failed, when, ms.sent_day);
		if (*ms.last_error)
			fprintf(out, "           last failure: %s\n", ms.last_error);
		attention |= ms.failed > 0 || ms.retrying > 0;
	}
	if (url)
		attention |= ask_server(url, out, now);
	db_close(db);
	fprintf(out, "%s\n", attention ? "needs attention" : "all well");
	return attention;
}
