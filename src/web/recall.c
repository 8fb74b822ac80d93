#include "web/web.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#define RECALL_BYTES 1024 /* a search form: a postcode and a few filters */
#define RECALL_TTL_S (30 * 60)
/* nonce, MAC, the time it was made, the form; then as base64url */
#define RECALL_SEALED (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 8 + RECALL_BYTES)
#define RECALL_TOKEN_MAX (sodium_base64_ENCODED_LEN(RECALL_SEALED, sodium_base64_VARIANT_URLSAFE_NO_PADDING))

/*
 * The search travels sealed in its own link (XSalsa20-Poly1305, a key the
 * nodes share through the database): any node can answer the GET however
 * the balancer spreads requests, nothing is kept, and the link shows no
 * postcode.  Written once at start-up, before any thread reads it.
 */
static unsigned char recall_key[crypto_secretbox_KEYBYTES];

void recall_init(const unsigned char key[SECRET_BYTES])
{
	memcpy(recall_key, key, sizeof(recall_key));
}

const char *recall_get(struct http_request *req, const char *token, size_t *n)
{
	unsigned char sealed[RECALL_SEALED], *plain;
	size_t len;
	const unsigned char *nonce = sealed;

	if (!token || strlen(token) >= RECALL_TOKEN_MAX ||
	    sodium_base642bin(sealed, sizeof(sealed), token, strlen(token), NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 8)
		return NULL;
	len -= crypto_secretbox_NONCEBYTES;
	plain = arena_alloc(&req->arena, len - crypto_secretbox_MACBYTES + 1);
	if (crypto_secretbox_open_easy(plain, sealed + crypto_secretbox_NONCEBYTES, len, nonce,
				       recall_key))
		return NULL;
	len -= crypto_secretbox_MACBYTES;
	long long at = 0;
	for (int i = 0; i < 8; i++)
		at = (at << 8) | plain[i];
	long long now = time(NULL);
	if (at > now + 60 || at <= now - RECALL_TTL_S)
		return NULL;
	plain[len] = '\0';
	*n = len - 8;
	return (const char *)plain + 8;
}

int search_or_redirect(struct http_request *req, struct http_response *res, const char *path)
{
	unsigned char plain[8 + RECALL_BYTES], sealed[RECALL_SEALED];
	char token[RECALL_TOKEN_MAX];
	size_t n = req->body.len;
	unsigned long long at = (unsigned long long)time(NULL);

	if (strcmp(req->method, "POST") || !n || n > RECALL_BYTES)
		return 0;
	for (int i = 7; i >= 0; i--, at >>= 8)
		plain[i] = (unsigned char)at;
	memcpy(plain + 8, req->body.p, n);
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, plain, 8 + n, sealed,
			      recall_key);
	sodium_bin2base64(token, sizeof(token), sealed,
			  crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 8 + n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	http_redirect(res, arena_printf(&req->arena, "%s?r=%s", path, token));
	return 1;
}
