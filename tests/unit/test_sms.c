/* The SMS provider's pure parts: callback signatures, STOP words, settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sms/sms.h"

static void signatures(void **state)
{
	struct arena a;
	struct qs f;
	char sig[64], again[64];
	(void)state;

	arena_init(&a, 4096);
	const char *body = "To=%2B447700900123&MessageStatus=delivered&MessageSid=SM1";
	assert_int_equal(qs_parse(&f, &a, body, strlen(body)), 0);
	assert_int_equal(sms_sign("token", "https://x.example/sms/status", &f, sig, sizeof(sig)),
			 0);
	/* base64 of a 20-byte HMAC-SHA1 */
	assert_int_equal(strlen(sig), 28);
	assert_true(sms_signature_ok("token", "https://x.example/sms/status", &f, sig));
	/* the order fields come in does not matter: names are sorted */
	const char *shuffled = "MessageSid=SM1&To=%2B447700900123&MessageStatus=delivered";
	assert_int_equal(qs_parse(&f, &a, shuffled, strlen(shuffled)), 0);
	assert_int_equal(
	    sms_sign("token", "https://x.example/sms/status", &f, again, sizeof(again)), 0);
	assert_string_equal(sig, again);
	/* but every byte of token, URL and values counts */
	assert_false(sms_signature_ok("tokeN", "https://x.example/sms/status", &f, sig));
	assert_false(sms_signature_ok("token", "https://x.example/sms/statu", &f, sig));
	const char *changed = "MessageSid=SM1&To=%2B447700900123&MessageStatus=failed";
	assert_int_equal(qs_parse(&f, &a, changed, strlen(changed)), 0);
	assert_false(sms_signature_ok("token", "https://x.example/sms/status", &f, sig));
	assert_false(sms_signature_ok("token", "https://x.example/sms/status", &f, NULL));
	assert_false(sms_signature_ok("token", "https://x.example/sms/status", &f, ""));
	/* a buffer too small for the answer is refused */
	assert_int_equal(sms_sign("token", "u", &f, sig, 10), -1);
	arena_release(&a);
}

static void stop_words(void **state)
{
	(void)state;
	assert_true(sms_is_stop("STOP"));
	assert_true(sms_is_stop("  stop\n"));
	assert_true(sms_is_stop("Unsubscribe"));
	assert_true(sms_is_stop("quit"));
	assert_false(sms_is_stop("STOP IT"));
	assert_false(sms_is_stop("please stop"));
	assert_false(sms_is_stop(""));
	assert_false(sms_is_stop(NULL));
}

static void settings(void **state)
{
	struct sms_provider p;
	char err[160];
	(void)state;

	unsetenv("TURNOUT_SMS_URL");
	unsetenv("TURNOUT_SMS_ACCOUNT");
	unsetenv("TURNOUT_SMS_TOKEN");
	unsetenv("TURNOUT_SMS_FROM");
	assert_int_equal(sms_from_env(&p, "http://x", err, sizeof(err)), 0);
	assert_false(p.enabled);
	/* half set up is an error, not silence */
	setenv("TURNOUT_SMS_URL", "https://api.example", 1);
	assert_int_equal(sms_from_env(&p, "http://x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "all of"));
	setenv("TURNOUT_SMS_ACCOUNT", "AC/../x", 1);
	setenv("TURNOUT_SMS_TOKEN", "t", 1);
	setenv("TURNOUT_SMS_FROM", "+447700900000", 1);
	assert_int_equal(sms_from_env(&p, "http://x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "letters and digits"));
	setenv("TURNOUT_SMS_ACCOUNT", "AC1", 1);
	setenv("TURNOUT_SMS_URL", "ftp://api.example", 1);
	assert_int_equal(sms_from_env(&p, "http://x", err, sizeof(err)), -1);
	setenv("TURNOUT_SMS_URL", "https://api.example", 1);
	assert_int_equal(sms_from_env(&p, "https://turnout.example", err, sizeof(err)), 0);
	assert_true(p.enabled);
	assert_string_equal(p.status_url, "https://turnout.example/sms/status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signatures),
		cmocka_unit_test(stop_words),
		cmocka_unit_test(settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
