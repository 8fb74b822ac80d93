#include "auth/password.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"

#define OPSLIMIT 2
#define MEMLIMIT (19u << 20)

static sem_t slots;

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct password_job *head, *tail;
	int waiting;
} queue = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0 };

static void *hasher(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&queue.lock);
		while (!queue.head)
			pthread_cond_wait(&queue.wake, &queue.lock);
		struct password_job *j = queue.head;
		queue.head = j->next;
		if (!queue.head)
			queue.tail = NULL;
		queue.waiting--;
		pthread_mutex_unlock(&queue.lock);
		j->rc = password_verify(j->hash, j->pw);
		j->done(j);
	}
	return NULL;
}

static void start(void)
{
	sem_init(&slots, 0, PASSWORD_MAX_CONCURRENT);
	for (int i = 0; i < PASSWORD_MAX_CONCURRENT; i++) {
		pthread_t t;
		/* they live as long as the process, blocked on an empty queue */
		if (pthread_create(&t, NULL, hasher, NULL) == 0)
			pthread_detach(t);
	}
}

void password_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, start);
}

int password_submit(struct password_job *job)
{
	int rc = -1;
	job->next = NULL;
	pthread_mutex_lock(&queue.lock);
	if (queue.waiting < PASSWORD_QUEUE_MAX) {
		if (queue.tail)
			queue.tail->next = job;
		else
			queue.head = job;
		queue.tail = job;
		queue.waiting++;
		pthread_cond_signal(&queue.wake);
		rc = 0;
	}
	pthread_mutex_unlock(&queue.lock);
	return rc;
}

static int acquire(void)
{
	struct timespec ts;
	deadline_ms(&ts, PASSWORD_WAIT_MS);
	while (sem_clockwait(&slots, CLOCK_MONOTONIC, &ts) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	int rc;

	if (acquire())
		return -1;
	rc = crypto_pwhash_str_alg(out, pw, strlen(pw), OPSLIMIT, MEMLIMIT,
				   crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&slots);
	return rc == 0 ? 0 : -1;
}

int password_verify(const char *hash, const char *pw)
{
	int rc;

	if (acquire())
		return -1;
	rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
	sem_post(&slots);
	return rc == 0;
}

const char *password_weakness(const char *pw)
{
	size_t n = strlen(pw);

	if (n < PASSWORD_MIN)
		return "Use at least 12 characters.";
	if (n > PASSWORD_MAX)
		return "Use at most 128 characters.";
	return NULL;
}
