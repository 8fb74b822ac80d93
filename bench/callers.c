/*
 * Many callers on the JSON caller API at once, in C (libcurl's multi
 * interface) so the load generator is not what is measured.  Each caller
 * has its own session and connection: it takes a voter (POST .../next),
 * then saves "no answer" and is handed the next voter in the same request
 * (POST .../contacts/{id}/outcome), and so on.
 *
 * usage: callers URL BANK TOKENS_FILE SECONDS RATE ACKED_FILE
 *   RATE 0: every caller goes as fast as it can (throughput); else the
 *   callers together send RATE saves a second, evenly (latency at a load).
 * Prints "saves p50_ms p99_ms errors"; writes every acknowledged contact id
 * to ACKED_FILE, one a line, for the caller to check against the database.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CALLERS 4096

struct caller {
	CURL *h;
	struct curl_slist *hdrs;
	char cookie[320], url[512], body[64], resp[16384];
	size_t rlen;
	long contact;
	double sent, due;
	int active, measured_start;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct caller *c = arg;
	size_t len = size * n;
	if (c->rlen + len < sizeof(c->resp)) {
		memcpy(c->resp + c->rlen, p, len);
		c->rlen += len;
		c->resp[c->rlen] = '\0';
	}
	return len;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void start(CURLM *m, struct caller *c, const char *base, long bank, double t)
{
	if (c->contact)
		snprintf(c->url, sizeof(c->url), "%s/api/v1/phonebanks/%ld/contacts/%ld/outcome", base,
			 bank, c->contact);
	else
		snprintf(c->url, sizeof(c->url), "%s/api/v1/phonebanks/%ld/next", base, bank);
	snprintf(c->body, sizeof(c->body), c->contact ? "{\"outcome\":\"no_answer\"}" : "{}");
	curl_easy_setopt(c->h, CURLOPT_URL, c->url);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->body);
	c->rlen = 0;
	c->resp[0] = '\0';
	c->sent = t;
	c->active = 1;
	curl_multi_add_handle(m, c->h);
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: callers URL BANK TOKENS_FILE SECONDS RATE ACKED_FILE\n");
		return 2;
	}
	const char *base = argv[1];
	long bank = atol(argv[2]);
	double seconds = atof(argv[4]), rate = atof(argv[5]);
	FILE *tf = fopen(argv[3], "r"), *acked = fopen(argv[6], "w");
	static struct caller cs[MAX_CALLERS];
	char line[256], origin[300];
	int n = 0;

	if (!tf || !acked)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)MAX_CALLERS + 16);
	snprintf(origin, sizeof(origin), "Origin: %s", base);
	while (n < MAX_CALLERS && fgets(line, sizeof(line), tf)) {
		struct caller *c = &cs[n++];
		line[strcspn(line, "\r\n")] = '\0';
		snprintf(c->cookie, sizeof(c->cookie), "turnout_session=%s", line);
		c->h = curl_easy_init();
		c->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
		c->hdrs = curl_slist_append(c->hdrs, origin);
		curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdrs);
		curl_easy_setopt(c->h, CURLOPT_COOKIE, c->cookie);
		curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
		curl_easy_setopt(c->h, CURLOPT_PRIVATE, c);
		curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
	}
	fclose(tf);
	size_t cap = 1 << 22, nlat = 0;
	double *lat = malloc(cap * sizeof(double));
	long errors = 0;
	double t0 = now_s(), warm = 1.0, end = t0 + warm + seconds;
	double interval = rate > 0 ? n / rate : 0;
	/* everyone takes a voter first; paced callers then spread over the interval */
	for (int i = 0; i < n; i++) {
		cs[i].due = t0 + warm * i / n;
		start(m, &cs[i], base, bank, now_s());
	}
	int running = 1;
	while (running) {
		double t = now_s();
		if (t >= end)
			break;
		/* paced callers whose time has come */
		double next_due = end;
		for (int i = 0; rate > 0 && i < n; i++) {
			if (cs[i].active || !cs[i].contact)
				continue;
			if (cs[i].due <= t)
				start(m, &cs[i], base, bank, t);
			else if (cs[i].due < next_due)
				next_due = cs[i].due;
		}
		int still;
		curl_multi_perform(m, &still);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct caller *c;
			long code = 0;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			curl_multi_remove_handle(m, c->h);
			c->active = 0;
			double done = now_s();
			int was_save = c->contact != 0;
			if (msg->data.result != CURLE_OK || code != 200) {
				if (!errors++)
					fprintf(stderr, "callers: first error: %s, HTTP %ld: %.200s\n",
						curl_easy_strerror(msg->data.result), code, c->resp);
				c->contact = 0;
				continue;
			}
			if (was_save && c->sent >= t0 + warm) {
				if (nlat < cap)
					lat[nlat++] = (done - c->sent) * 1000;
				fprintf(acked, "%ld\n", c->contact);
			}
			const char *id = strstr(c->resp, "\"result\":{\"id\":");
			c->contact = id ? atol(id + strlen("\"result\":{\"id\":")) : 0;
			if (!c->contact)
				continue; /* no one left for this caller */
			if (rate > 0) {
				c->due += interval;
				if (c->due < done)
					c->due = done;
			} else {
				start(m, c, base, bank, done);
			}
		}
		double wait_ms = rate > 0 ? (next_due - now_s()) * 1000 : 100;
		curl_multi_poll(m, NULL, 0, wait_ms < 1 ? 1 : wait_ms > 100 ? 100 : (int)wait_ms, NULL);
	}
	qsort(lat, nlat, sizeof(double), cmp);
	printf("%zu %.1f %.1f %ld\n", nlat, nlat ? lat[nlat / 2] : 0.0,
	       nlat ? lat[(size_t)(nlat * 0.99)] : 0.0, errors);
	fclose(acked);
	return 0;
}
