#include "mail/mail.h"

#include "util/num.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAIL_MAX (256u << 10)

static void env_copy(char *dst, size_t cap, const char *name, const char *def)
{
	const char *v = getenv(name);
	snprintf(dst, cap, "%s", v && *v ? v : def);
}

void mailer_from_env(struct mailer *m, const char *default_outbox)
{
	memset(m, 0, sizeof(*m));
	env_copy(m->smtp_url, sizeof(m->smtp_url), "TURNOUT_SMTP_URL", "");
	m->mode = *m->smtp_url ? MAIL_SMTP : MAIL_OUTBOX;
	env_copy(m->outbox, sizeof(m->outbox), "TURNOUT_OUTBOX", default_outbox);
	env_copy(m->smtp_user, sizeof(m->smtp_user), "TURNOUT_SMTP_USER", "");
	env_copy(m->smtp_pass, sizeof(m->smtp_pass), "TURNOUT_SMTP_PASSWORD", "");
	env_copy(m->from, sizeof(m->from), "TURNOUT_MAIL_FROM", "turnout <noreply@localhost>");
	const char *retry = getenv("TURNOUT_MAIL_RETRY_S");
	if (!retry || num_parse_long(retry, strlen(retry), 1, 86400, &m->retry_s))
		m->retry_s = 30;
}

static int header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

/* RFC 2047 for a subject with anything but printable ASCII. */
static void subject_header(struct buf *out, const char *s)
{
	int ascii = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ascii &= *p >= 0x20 && *p < 0x7f;
	if (ascii) {
		buf_printf(out, "Subject: %s\r\n", s);
		return;
	}
	size_t n = strlen(s);
	char *b64 = malloc(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL));
	sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL),
			  (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	buf_printf(out, "Subject: =?UTF-8?B?%s?=\r\n", b64);
	free(b64);
}

/* Body text with every line ending as CRLF, whatever it came with. */
static void crlf(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\r' || *s == '\n') {
			buf_put(out, "\r\n", 2);
			if (*s == '\r' && s[1] == '\n')
				s++;
		} else {
			buf_putc(out, *s);
		}
	}
}

/* The whole message into out (capped), with Message-ID <msgid@turnout>. 0 or -1. */
static int compose(struct buf *out, const char *from, const struct mail_msg *m)
{
	const char *msgid = m->msgid, *to = m->to, *reply_to = m->reply_to, *subject = m->subject;
	unsigned char rnd[12];
	char boundary[64], date[64], hex[25];
	time_t now = time(NULL);
	struct tm tm;

	if (!header_safe(msgid) || !header_safe(from) || !header_safe(to) ||
	    !header_safe(subject) || (reply_to && !header_safe(reply_to)))
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(boundary, sizeof(boundary), "=_turnout_%s", hex);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(out, "From: %s\r\nTo: %s\r\n", from, to);
	if (reply_to)
		buf_printf(out, "Reply-To: %s\r\n", reply_to);
	subject_header(out, subject);
	buf_printf(out,
		   "Date: %s\r\nMessage-ID: <%s@turnout>\r\nMIME-Version: 1.0\r\n"
		   "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
		   "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		   "Content-Transfer-Encoding: 8bit\r\n\r\n",
		   date, msgid, boundary, boundary);
	crlf(out, m->text);
	buf_printf(out, "\r\n--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
			"Content-Transfer-Encoding: 8bit\r\n\r\n",
		   boundary);
	crlf(out, m->html);
	buf_printf(out, "\r\n--%s--\r\n", boundary);
	return out->overflow ? -1 : 0;
}

/* Written whole, then renamed over the message's own name: a reader never
 * sees half a message, and delivering it again leaves one file. */
static int to_outbox(const struct mailer *m, const char *key, const struct buf *msg, char *err,
		     size_t errlen)
{
	char tmp[700], final[700];
	int fd, rc = -1;

	mkdir(m->outbox, 0700);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", m->outbox, key);
	snprintf(final, sizeof(final), "%s/%s.eml", m->outbox, key);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "outbox: %s", strerror(errno));
		return -1;
	}
	if (write(fd, msg->p, msg->len) == (ssize_t)msg->len)
		rc = 0;
	close(fd);
	if (rc == 0 && rename(tmp, final) != 0)
		rc = -1;
	if (rc) {
		unlink(tmp);
		snprintf(err, errlen, "outbox: write failed");
	}
	return rc;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t n, void *ud)
{
	struct upload *u = ud;
	size_t want = size * n;
	if (want > u->left)
		want = u->left;
	memcpy(dst, u->p, want);
	u->p += want;
	u->left -= want;
	return want;
}

/* The bare address inside "Name <addr>", or the string itself. */
static void bare_address(const char *s, char *out, size_t cap)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		snprintf(out, cap, "<%.*s>", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, cap, "<%s>", s);
}

/* libcurl asks now and then: non-zero ends the conversation (shutting down) */
static int progress_cb(void *ud, curl_off_t dlt, curl_off_t dln, curl_off_t ult, curl_off_t uln)
{
	const struct mail_session *s = ud;
	(void)dlt, (void)dln, (void)ult, (void)uln;
	return s->abort && *s->abort;
}

static int to_smtp(struct mail_session *s, const char *to, const struct buf *msg, char *err,
		   size_t errlen)
{
	const struct mailer *m = s->m;
	struct curl_slist *rcpt = NULL;
	struct upload up = { msg->p, msg->len };
	char from[300], rcpt_addr[300];
	CURLcode res;

	if (!s->curl && !(s->curl = curl_easy_init())) {
		snprintf(err, errlen, "smtp: cannot start libcurl");
		return -1;
	}
	CURL *c = s->curl;
	bare_address(m->from, from, sizeof(from));
	bare_address(to, rcpt_addr, sizeof(rcpt_addr));
	rcpt = curl_slist_append(rcpt, rcpt_addr);
	curl_easy_setopt(c, CURLOPT_URL, m->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
	if (*m->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, m->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, m->smtp_pass);
	}
	res = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	if (res != CURLE_OK) {
		snprintf(err, errlen, "smtp: %s", curl_easy_strerror(res));
		/* a broken conversation is not reused */
		curl_easy_cleanup(c);
		s->curl = NULL;
		return -1;
	}
	return 0;
}

void mail_session_init(struct mail_session *s, const struct mailer *m, const _Atomic int *abort)
{
	s->m = m;
	s->curl = NULL;
	s->abort = abort;
}

int mail_deliver(struct mail_session *s, const struct mail_msg *m, char *err, size_t errlen)
{
	struct buf msg;
	int rc = -1;
	const char *key = m->key, *to = m->to;

	buf_init(&msg, MAIL_MAX);
	if (strpbrk(key, "/.") || compose(&msg, s->m->from, m)) {
		snprintf(err, errlen, "message could not be composed");
		goto done;
	}
	rc = s->m->mode == MAIL_SMTP ? to_smtp(s, to, &msg, err, errlen)
				     : to_outbox(s->m, key, &msg, err, errlen);
done:
	buf_release(&msg);
	return rc;
}

int mail_flush(struct mail_session *s)
{
	if (s->m->mode == MAIL_SMTP)
		return 0; /* the relay has it once it answered */
	int fd = open(s->m->outbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
	if (fd >= 0) {
		rc = syncfs(fd);
		close(fd);
	}
	return rc;
}

void mail_session_end(struct mail_session *s)
{
	if (s->curl)
		curl_easy_cleanup(s->curl); /* QUIT */
	s->curl = NULL;
}
