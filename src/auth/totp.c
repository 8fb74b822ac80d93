#include "auth/totp.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define STEP 30

int totp_init(void)
{
	return oath_init() == OATH_OK ? 0 : -1;
}

void totp_new_secret(char out[TOTP_SECRET_B32])
{
	unsigned char raw[20];
	char *b32 = NULL;
	size_t len = 0;

	randombytes_buf(raw, sizeof(raw));
	if (oath_base32_encode((const char *)raw, sizeof(raw), &b32, &len) == OATH_OK &&
	    len < TOTP_SECRET_B32) {
		memcpy(out, b32, len);
		out[len] = '\0';
	} else {
		out[0] = '\0';
	}
	free(b32);
	sodium_memzero(raw, sizeof(raw));
}

static int decode(const char *b32, char **raw, size_t *len)
{
	return oath_base32_decode(b32, strlen(b32), raw, len) == OATH_OK ? 0 : -1;
}

long long totp_check(const char *secret_b32, const char *code, time_t now, long long last_step)
{
	char *raw = NULL;
	size_t len = 0;
	long long step = -1;

	if (strlen(code) != 6 || strspn(code, "0123456789") != 6 || decode(secret_b32, &raw, &len))
		goto done;
	for (int off = -1; off <= 1; off++) {
		char want[7];
		time_t t = now + off * STEP;
		if (oath_totp_generate(raw, len, t, STEP, 0, 6, want) != OATH_OK)
			continue;
		long long s = (long long)(t / STEP);
		if (s > last_step && sodium_memcmp(want, code, 6) == 0)
			step = s;
	}
done:
	if (raw) {
		sodium_memzero(raw, len);
		free(raw);
	}
	return step;
}

int totp_code(const char *secret_b32, time_t now, char out[7])
{
	char *raw = NULL;
	size_t len = 0;
	int rc = -1;

	if (decode(secret_b32, &raw, &len) == 0)
		rc = oath_totp_generate(raw, len, now, STEP, 0, 6, out) == OATH_OK ? 0 : -1;
	free(raw);
	return rc;
}
