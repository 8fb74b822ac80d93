#include "auth/password.h"

#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#define OPSLIMIT 2
#define MEMLIMIT (19u << 20)

static sem_t slots;

void password_init(void)
{
	sem_init(&slots, 0, PASSWORD_MAX_CONCURRENT);
}

static int acquire(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += PASSWORD_WAIT_MS / 1000;
	ts.tv_nsec += (PASSWORD_WAIT_MS % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (sem_timedwait(&slots, &ts) != 0)
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
