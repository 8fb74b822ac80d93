#include "web/web.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "auth/token.h"

#define RECALL_SLOTS 4096
#define RECALL_BYTES 1024 /* a search form: a postcode and a few filters */
#define RECALL_TTL_S (30 * 60)

/* Searches, by an unguessable token, for as long as someone may press Back. */
static struct {
	pthread_mutex_t lock;
	unsigned next;
	struct {
		char token[TOKEN_LEN + 1];
		time_t at;
		size_t n;
		char form[RECALL_BYTES];
	} slot[RECALL_SLOTS];
} recall = { .lock = PTHREAD_MUTEX_INITIALIZER };

int recall_put(const char *form, size_t n, char token[TOKEN_LEN + 1])
{
	if (n >= RECALL_BYTES)
		return -1;
	token_new(token);
	pthread_mutex_lock(&recall.lock);
	unsigned i = recall.next++ % RECALL_SLOTS;
	memcpy(recall.slot[i].token, token, TOKEN_LEN + 1);
	recall.slot[i].at = time(NULL);
	recall.slot[i].n = n;
	memcpy(recall.slot[i].form, form, n);
	recall.slot[i].form[n] = '\0';
	pthread_mutex_unlock(&recall.lock);
	return 0;
}

const char *recall_get(struct http_request *req, const char *token, size_t *n)
{
	const char *out = NULL;
	time_t now = time(NULL);
	if (!token || !token_well_formed(token))
		return NULL;
	pthread_mutex_lock(&recall.lock);
	for (unsigned i = 0; i < RECALL_SLOTS && !out; i++)
		if (recall.slot[i].at > now - RECALL_TTL_S &&
		    token_equal(recall.slot[i].token, token)) {
			*n = recall.slot[i].n;
			out = arena_strdup(&req->arena, recall.slot[i].form);
		}
	pthread_mutex_unlock(&recall.lock);
	return out;
}

int search_or_redirect(struct http_request *req, struct http_response *res, const char *path)
{
	char token[TOKEN_LEN + 1];
	if (strcmp(req->method, "POST") || !req->body.len ||
	    recall_put(req->body.p, req->body.len, token))
		return 0;
	http_redirect(res, arena_printf(&req->arena, "%s?r=%s", path, token));
	return 1;
}
