/* The pure parts of the security baseline: policy, buckets, TOTP, tokens, emails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "auth/policy.h"
#include "auth/ratelimit.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "people/people.h"

static void policy_table(void **state)
{
	const struct actor anon = { 0 }, vol = { 7, 0, 0, 0, 0 }, org_weak = { 8, 0, 0, 0, 0 },
			   org = { 8, 0, 1, 0, 0 }, admin_weak = { 9, 1, 0, 0, 0 },
			   admin = { 9, 1, 1, 0, 0 }, token = { 0, 0, 0, SCOPE_MEMBERS, 3 };
	const struct target mine = { 7, 0, 0, 0 }, theirs = { 8, 0, 0, 0 }, organised = { 0, 1, 0, 1 },
			    not_organised = { 0, 0, 0, 0 }, caller = { 0, 0, 1, 0 },
			    member = { 0, 0, 0, 1 };
	(void)state;
	/* signed out: nothing */
	for (int a = 0; a < ACT_COUNT; a++)
		assert_false(policy_allows(&anon, (enum action)a, &mine));
	assert_true(policy_allows(&vol, ACT_SELF_VIEW, &mine));
	assert_true(policy_allows(&vol, ACT_SELF_EDIT, &mine));
	assert_false(policy_allows(&vol, ACT_SELF_VIEW, &theirs));
	assert_false(policy_allows(&vol, ACT_SELF_VIEW, NULL));
	assert_true(policy_allows(&vol, ACT_GROUP_JOIN, NULL));
	assert_false(policy_allows(&vol, ACT_GROUP_MEMBERS, &organised)); /* a weak session */
	assert_false(policy_allows(&org_weak, ACT_GROUP_MEMBERS, &organised));
	assert_true(policy_allows(&org, ACT_GROUP_MEMBERS, &organised));
	assert_false(policy_allows(&org, ACT_GROUP_MEMBERS, &not_organised));
	/* meetings: chaired by strong organisers of the group and admins; attended
	 * (checked in, voted in) by its members, whatever their session */
	assert_false(policy_allows(&org_weak, ACT_MEETING_RUN, &organised));
	assert_true(policy_allows(&org, ACT_MEETING_RUN, &organised));
	assert_false(policy_allows(&org, ACT_MEETING_RUN, &member));
	assert_true(policy_allows(&admin, ACT_MEETING_RUN, &not_organised));
	assert_true(policy_allows(&vol, ACT_MEETING_ATTEND, &member));
	assert_false(policy_allows(&vol, ACT_MEETING_ATTEND, &not_organised));
	assert_false(policy_allows(&admin, ACT_MEETING_ATTEND, &not_organised));
	assert_false(policy_allows(&token, ACT_MEETING_ATTEND, &member));
	/* conversations: put and moderated by strong organisers of the group
	 * (admins for a region or the movement); voted in by those in scope */
	assert_false(policy_allows(&org_weak, ACT_OPINION_RUN, &organised));
	assert_true(policy_allows(&org, ACT_OPINION_RUN, &organised));
	assert_false(policy_allows(&org, ACT_OPINION_RUN, &member));
	assert_false(policy_allows(&admin_weak, ACT_OPINION_RUN, &not_organised));
	assert_true(policy_allows(&admin, ACT_OPINION_RUN, &not_organised));
	assert_true(policy_allows(&vol, ACT_OPINION_TAKE_PART, &member));
	assert_false(policy_allows(&vol, ACT_OPINION_TAKE_PART, &not_organised));
	assert_false(policy_allows(&admin, ACT_OPINION_TAKE_PART, &not_organised));
	assert_false(policy_allows(&token, ACT_OPINION_TAKE_PART, &member));
	/* training modules: written by strong organisers for their group, admins for all */
	assert_false(policy_allows(&org_weak, ACT_TRAINING_WRITE, &organised));
	assert_true(policy_allows(&org, ACT_TRAINING_WRITE, &organised));
	assert_false(policy_allows(&org, ACT_TRAINING_WRITE, &not_organised));
	assert_false(policy_allows(&org_weak, ACT_FOODBANK_MANAGE, &organised));
	assert_true(policy_allows(&org, ACT_FOODBANK_MANAGE, &organised));
	assert_false(policy_allows(&org, ACT_FOODBANK_MANAGE, &not_organised));
	assert_false(policy_allows(&org_weak, ACT_SKILLS_ASK, &organised));
	assert_true(policy_allows(&org, ACT_SKILLS_ASK, &organised));
	assert_false(policy_allows(&org, ACT_SKILLS_ASK, &not_organised));
	assert_false(policy_allows(&org_weak, ACT_LEAFLET_MAKE, &organised));
	assert_true(policy_allows(&org, ACT_LEAFLET_MAKE, &organised));
	assert_false(policy_allows(&org, ACT_LEAFLET_MAKE, &not_organised));
	/* materials: put by a group's strong organisers; the movement's approved by admins */
	assert_false(policy_allows(&org_weak, ACT_MATERIAL_PUBLISH, &organised));
	assert_true(policy_allows(&org, ACT_MATERIAL_PUBLISH, &organised));
	assert_false(policy_allows(&org, ACT_MATERIAL_PUBLISH, &member));
	assert_true(policy_allows(&admin, ACT_MATERIAL_PUBLISH, &not_organised));
	assert_false(policy_allows(&org, ACT_MATERIAL_APPROVE, &organised));
	assert_false(policy_allows(&admin_weak, ACT_MATERIAL_APPROVE, &not_organised));
	assert_true(policy_allows(&admin, ACT_MATERIAL_APPROVE, &not_organised));
	assert_false(policy_allows(&token, ACT_MATERIAL_APPROVE, &not_organised));
	assert_true(policy_allows(&admin, ACT_TRAINING_WRITE, &not_organised));
	assert_false(policy_allows(&vol, ACT_TRAINING_WRITE, &member));
	/* announcements (mailed to every member): strong organisers of the group, admins */
	assert_false(policy_allows(&vol, ACT_GROUP_ANNOUNCE, &organised));
	assert_false(policy_allows(&org_weak, ACT_GROUP_ANNOUNCE, &organised));
	assert_true(policy_allows(&org, ACT_GROUP_ANNOUNCE, &organised));
	assert_false(policy_allows(&org, ACT_GROUP_ANNOUNCE, &not_organised));
	assert_false(policy_allows(&admin_weak, ACT_GROUP_ANNOUNCE, &not_organised));
	assert_true(policy_allows(&admin, ACT_GROUP_ANNOUNCE, &not_organised));
	assert_false(policy_allows(&token, ACT_GROUP_ANNOUNCE, &organised));
	assert_false(policy_allows(&org, ACT_ADMIN, NULL));
	assert_false(policy_allows(&admin_weak, ACT_ADMIN, NULL));
	assert_false(policy_allows(&admin_weak, ACT_PEOPLE_READ, NULL));
	assert_true(policy_allows(&admin, ACT_ADMIN, NULL));
	assert_true(policy_allows(&admin, ACT_GROUP_MEMBERS, &not_organised));
	assert_true(policy_allows(&admin, ACT_AUDIT_READ, NULL));
	/* tokens read what their scopes say and nothing else */
	assert_true(policy_allows(&token, ACT_GROUP_MEMBERS, &not_organised));
	assert_false(policy_allows(&token, ACT_PEOPLE_READ, NULL));
	assert_false(policy_allows(&token, ACT_ADMIN, NULL));
	assert_false(policy_allows(&token, ACT_SELF_VIEW, &mine));
	assert_false(policy_allows(&token, ACT_GROUP_JOIN, NULL));
	/* phone banks: organisers manage with a strong session; callers are approved ones */
	assert_true(policy_allows(&org, ACT_PHONEBANK_MANAGE, &organised));
	assert_false(policy_allows(&org_weak, ACT_PHONEBANK_MANAGE, &organised));
	assert_false(policy_allows(&org, ACT_PHONEBANK_MANAGE, &not_organised));
	assert_true(policy_allows(&vol, ACT_PHONEBANK_CALL, &caller));
	assert_false(policy_allows(&vol, ACT_PHONEBANK_CALL, &mine));
	assert_false(policy_allows(&admin, ACT_PHONEBANK_CALL, &not_organised));
	assert_false(policy_allows(&token, ACT_PHONEBANK_CALL, &caller));
	assert_int_equal(scope_from_name("people:read"), SCOPE_PEOPLE);
	assert_int_equal(scope_from_name("people:write"), 0);
}

static void buckets(void **state)
{
	struct rate_rule r = { 6, 2 }; /* one token every 10 s, two at most */
	struct rate_bucket b = { 2, 100 };
	(void)state;
	assert_int_equal(rate_bucket_take(&b, &r, 100), 0);
	assert_int_equal(rate_bucket_take(&b, &r, 100), 0);
	int wait = rate_bucket_take(&b, &r, 100);
	assert_int_equal(wait, 10);
	assert_true(rate_bucket_take(&b, &r, 105) > 0); /* half a token */
	assert_int_equal(rate_bucket_take(&b, &r, 110.5), 0);
	/* a long quiet spell refills to the burst, not beyond */
	assert_int_equal(rate_bucket_take(&b, &r, 10000), 0);
	assert_int_equal(rate_bucket_take(&b, &r, 10000), 0);
	assert_true(rate_bucket_take(&b, &r, 10000) > 0);

	static struct ratelimit rl;
	ratelimit_init(&rl);
	struct rate_rule one = { 1, 1 };
	assert_int_equal(ratelimit_take(&rl, "a", &one, 50), 0);
	assert_true(ratelimit_take(&rl, "a", &one, 50) > 0);
	assert_int_equal(ratelimit_take(&rl, "b", &one, 50), 0); /* keys are separate */
	ratelimit_release(&rl);
}

/* Issue 18: 17 anonymous requests whose keys landed beside an account's
 * bucket once evicted it and reset its TOTP limit.  A flood of other keys,
 * far more than the table holds, must leave a limiting bucket in place. */
static void limits_survive_a_flood(void **state)
{
	static struct ratelimit rl;
	struct rate_rule totp = { 5, 10 }, ip = { 30, 30 };
	char key[64];
	(void)state;
	assert_int_equal(sodium_init() < 0, 0);
	ratelimit_init(&rl);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ratelimit_take(&rl, "totp-account:42", &totp, 100), 0);
	assert_true(ratelimit_take(&rl, "totp-account:42", &totp, 100) > 0);
	long refused = 0;
	for (int i = 0; i < 4 * RATELIMIT_SLOTS; i++) {
		snprintf(key, sizeof(key), "signin-ip:10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		if (ratelimit_take(&rl, key, &ip, 101) == 0)
			continue;
		refused++;
	}
	/* the account is still limited a second later, however many keys came */
	assert_true(ratelimit_take(&rl, "totp-account:42", &totp, 101) > 0);
	/* a table full of limiting buckets refuses new keys instead of forgetting */
	assert_true(refused > 0);
	/* and once the buckets have refilled, their places are free again */
	assert_int_equal(ratelimit_take(&rl, "signin-ip:fresh", &ip, 100000), 0);
	assert_int_equal(ratelimit_take(&rl, "totp-account:42", &totp, 100000), 0);
	ratelimit_release(&rl);
}

/* RFC 6238 appendix B, SHA-1 seed "12345678901234567890", last six digits. */
static void totp_vectors(void **state)
{
	const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	char code[7];
	(void)state;
	assert_int_equal(totp_init(), 0);
	assert_int_equal(totp_code(secret, 59, code), 0);
	assert_string_equal(code, "287082");
	assert_int_equal(totp_code(secret, 1111111109, code), 0);
	assert_string_equal(code, "081804");
	assert_int_equal(totp_code(secret, 2000000000, code), 0);
	assert_string_equal(code, "279037");
	/* accepted one step either side, not two; never at or before the last used */
	long long step = 1111111109 / 30;
	assert_int_equal(totp_check(secret, "081804", 1111111109, 0), step);
	assert_int_equal(totp_check(secret, "081804", 1111111109 + 30, 0), step);
	assert_int_equal(totp_check(secret, "081804", 1111111109 - 30, 0), step);
	assert_int_equal(totp_check(secret, "081804", 1111111109 + 61, 0), -1);
	assert_int_equal(totp_check(secret, "081804", 1111111109, step), -1);
	assert_int_equal(totp_check(secret, "81804", 1111111109, 0), -1);
	assert_int_equal(totp_check(secret, "08180x", 1111111109, 0), -1);
	char fresh[TOTP_SECRET_B32];
	totp_new_secret(fresh);
	assert_int_equal(strlen(fresh), 32);
}

static void tokens(void **state)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1], h[TOKEN_HASH_LEN + 1];
	(void)state;
	assert_int_equal(token_init(), 0);
	token_new(a);
	token_new(b);
	assert_int_equal(strlen(a), TOKEN_LEN);
	assert_true(token_well_formed(a));
	assert_false(token_equal(a, b));
	assert_true(token_equal(a, a));
	assert_false(token_well_formed("short"));
	char bad[TOKEN_LEN + 1];
	memcpy(bad, a, sizeof(bad));
	bad[5] = '/';
	assert_false(token_well_formed(bad));
	token_hash("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void emails(void **state)
{
	char out[EMAIL_MAX_LEN + 1];
	(void)state;
	assert_int_equal(email_normalise("  Ann.Lee@Example.ORG ", out), 0);
	assert_string_equal(out, "ann.lee@example.org");
	static const char *const bad[] = { "", "ann", "ann@", "@example.org", "ann@example",
					   "a@b@example.org", "ann@.org", "ann@example.", "a b@example.org",
					   "ann@example.org\r\nBcc: x@y.z", "<ann@example.org>" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (email_normalise(bad[i], out) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_table), cmocka_unit_test(buckets),
		cmocka_unit_test(limits_survive_a_flood),
		cmocka_unit_test(totp_vectors), cmocka_unit_test(tokens),
		cmocka_unit_test(emails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
