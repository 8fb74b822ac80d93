#include "sms/sms.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/num.h"

/* 0 copied (or unset: ""), -1 too long. */
static int env_copy(char *out, size_t cap, const char *name)
{
	const char *v = getenv(name);

	out[0] = '\0';
	if (!v)
		return 0;
	if (strlen(v) >= cap)
		return -1;
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

int sms_from_env(struct sms_provider *p, const char *public_url, char *err, size_t errlen)
{
	const char *t = getenv("TURNOUT_SMS_TIMEOUT_S");

	memset(p, 0, sizeof(*p));
	p->timeout_s = 15;
	if (env_copy(p->url, sizeof(p->url), "TURNOUT_SMS_URL") ||
	    env_copy(p->account, sizeof(p->account), "TURNOUT_SMS_ACCOUNT") ||
	    env_copy(p->token, sizeof(p->token), "TURNOUT_SMS_TOKEN") ||
	    env_copy(p->from, sizeof(p->from), "TURNOUT_SMS_FROM")) {
		snprintf(err, errlen, "a TURNOUT_SMS_ setting is too long");
		return -1;
	}
	if (t && num_parse_long(t, strlen(t), 1, 120, &p->timeout_s)) {
		snprintf(err, errlen, "TURNOUT_SMS_TIMEOUT_S takes 1 to 120 seconds");
		return -1;
	}
	if (!*p->url && !*p->account && !*p->token && !*p->from)
		return 0;
	if (!*p->url || !*p->account || !*p->token || !*p->from) {
		snprintf(err, errlen,
			 "texts need all of TURNOUT_SMS_URL, _ACCOUNT, _TOKEN and _FROM");
		return -1;
	}
	if (strncmp(p->url, "https://", 8) && strncmp(p->url, "http://", 7)) {
		snprintf(err, errlen, "TURNOUT_SMS_URL is an http:// or https:// address");
		return -1;
	}
	/* the account goes into the path: letters and digits only */
	for (const char *c = p->account; *c; c++)
		if (!isalnum((unsigned char)*c)) {
			snprintf(err, errlen, "TURNOUT_SMS_ACCOUNT is letters and digits");
			return -1;
		}
	if ((size_t)snprintf(p->status_url, sizeof(p->status_url), "%s/sms/status", public_url) >=
	    sizeof(p->status_url)) {
		snprintf(err, errlen, "TURNOUT_PUBLIC_URL is too long for the texts' callback");
		return -1;
	}
	p->enabled = 1;
	return 0;
}

static size_t body_cb(char *p, size_t size, size_t n, void *ud)
{
	buf_put(ud, p, size * n);
	return size * n;
}

int sms_send(const struct sms_provider *p, const char *to, const char *body,
	     char id[SMS_ID_MAX + 1], char status[24], char *err, size_t errlen, int *permanent)
{
	char url[400], *form = NULL;
	struct buf answer;
	long code = 0;
	int rc = -1;
	CURL *c = curl_easy_init();
	json_t *j = NULL;

	*permanent = 0;
	buf_init(&answer, 64 << 10);
	if (!c) {
		snprintf(err, errlen, "sms: cannot start libcurl");
		goto done;
	}
	snprintf(url, sizeof(url), "%s/2010-04-01/Accounts/%s/Messages.json", p->url, p->account);
	char *eto = curl_easy_escape(c, to, 0), *efrom = curl_easy_escape(c, p->from, 0);
	char *ebody = curl_easy_escape(c, body, 0), *ecb = curl_easy_escape(c, p->status_url, 0);
	if (eto && efrom && ebody && ecb &&
	    asprintf(&form, "To=%s&From=%s&Body=%s&StatusCallback=%s", eto, efrom, ebody, ecb) < 0)
		form = NULL;
	curl_free(eto);
	curl_free(efrom);
	curl_free(ebody);
	curl_free(ecb);
	if (!form) {
		snprintf(err, errlen, "sms: out of memory");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(c, CURLOPT_USERNAME, p->account);
	curl_easy_setopt(c, CURLOPT_PASSWORD, p->token);
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, p->timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	CURLcode res = curl_easy_perform(c);
	if (res != CURLE_OK) {
		snprintf(err, errlen, "sms: %s", curl_easy_strerror(res));
		goto done;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	j = answer.overflow ? NULL : json_loadb(answer.p ? answer.p : "", answer.len, 0, NULL);
	if (code < 200 || code > 299) {
		/* the provider's own code and words (Twilio: 21610, "unsubscribed
		 * recipient"); they never carry the number */
		long pcode = (long)json_integer_value(json_object_get(j, "code"));
		snprintf(err, errlen, "sms: HTTP %ld, provider code %ld", code, pcode);
		/* a refusal of this message or number stays one; auth, limits
		 * (429) and the provider's own faults may pass */
		*permanent = code == 400 || code == 404 || code == 422;
		goto done;
	}
	const char *sid = json_string_value(json_object_get(j, "sid"));
	const char *st = json_string_value(json_object_get(j, "status"));
	if (!sid || !*sid || strlen(sid) > SMS_ID_MAX ||
	    strspn(sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"abcdefghijklmnopqrstuvwxyz"
			"0123456789_-") != strlen(sid)) {
		/* accepted but unnamed: sending again could send twice */
		snprintf(err, errlen, "sms: HTTP %ld without a message id", code);
		*permanent = 1;
		goto done;
	}
	memcpy(id, sid, strlen(sid) + 1);
	snprintf(status, 24, "%s", st && strlen(st) < 24 ? st : "queued");
	rc = 0;
done:
	json_decref(j);
	free(form);
	buf_release(&answer);
	if (c)
		curl_easy_cleanup(c);
	return rc;
}

static int by_key(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	return strcmp(*x, *y);
}

int sms_sign(const char *token, const char *url, const struct qs *form, char *out, size_t len)
{
	const char *keys[QS_MAX_PAIRS];
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	int rc = -1;

	for (size_t i = 0; i < form->n; i++)
		keys[i] = form->pairs[i].key;
	qsort(keys, form->n, sizeof(keys[0]), by_key);
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	char digest[] = "SHA1";
	OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string("digest", digest, 0),
				OSSL_PARAM_construct_end() };
	if (!ctx || !EVP_MAC_init(ctx, (const unsigned char *)token, strlen(token), params) ||
	    !EVP_MAC_update(ctx, (const unsigned char *)url, strlen(url)))
		goto done;
	for (size_t i = 0; i < form->n; i++) {
		/* each name once, with every value it was given, in order */
		if (i > 0 && strcmp(keys[i], keys[i - 1]) == 0)
			continue;
		for (size_t k = 0; k < form->n; k++)
			if (strcmp(form->pairs[k].key, keys[i]) == 0 &&
			    (!EVP_MAC_update(ctx, (const unsigned char *)keys[i],
					     strlen(keys[i])) ||
			     !EVP_MAC_update(ctx, (const unsigned char *)form->pairs[k].value,
					     form->pairs[k].value_len)))
				goto done;
	}
	if (!EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)))
		goto done;
	if (len < sodium_base64_ENCODED_LEN(maclen, sodium_base64_VARIANT_ORIGINAL))
		goto done;
	sodium_bin2base64(out, len, mac, maclen, sodium_base64_VARIANT_ORIGINAL);
	rc = 0;
done:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return rc;
}

int sms_signature_ok(const char *token, const char *url, const struct qs *form, const char *sig)
{
	char want[64];

	if (!sig || sms_sign(token, url, form, want, sizeof(want)))
		return 0;
	size_t n = strlen(want);
	return strlen(sig) == n && sodium_memcmp(want, sig, n) == 0;
}

int sms_is_stop(const char *body)
{
	static const char *const words[] = { "STOP",   "STOPALL", "UNSUBSCRIBE",
					     "CANCEL", "END",	  "QUIT" };
	size_t n;

	if (!body)
		return 0;
	while (isspace((unsigned char)*body))
		body++;
	n = strlen(body);
	while (n > 0 && isspace((unsigned char)body[n - 1]))
		n--;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncasecmp(body, words[i], n) == 0)
			return 1;
	return 0;
}
