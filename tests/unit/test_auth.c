/*
** test_auth.c - the request signature (checked against values computed by an
** independent HMAC implementation), roles, and the failed-login throttle.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "http/auth.h"

static void test_signature_matches_reference(void **state)
{
	(void)state;
	char sig[65];
	const char body[] = "{\"round\":1}";
	auth_signature("test-secret", "POST", "/api/v1/vouchers/claims", "1604448000", "nonce-0001", body,
	               sizeof body - 1, sig);
	assert_string_equal(sig, "754d2c7e1551832595998655ed2676e6d4e38fc0e4199b89f57feaba06481391");
	auth_signature("test-secret", "GET", "/api/v1/me", "1604448000", "abcdefgh", "", 0, sig);
	assert_string_equal(sig, "ab88f7b1ca0cdb2f2ec69760b07952f189c58918fe2af8883d05967f7e9151cb");
}

static void test_signature_covers_every_part(void **state)
{
	(void)state;
	char base[65], other[65];
	auth_signature("s", "POST", "/p", "1", "nonce-01", "{}", 2, base);
	auth_signature("s", "PUT", "/p", "1", "nonce-01", "{}", 2, other);
	assert_string_not_equal(base, other);
	auth_signature("s", "POST", "/q", "1", "nonce-01", "{}", 2, other);
	assert_string_not_equal(base, other);
	auth_signature("s", "POST", "/p", "2", "nonce-01", "{}", 2, other);
	assert_string_not_equal(base, other);
	auth_signature("s", "POST", "/p", "1", "nonce-02", "{}", 2, other);
	assert_string_not_equal(base, other);
	auth_signature("s", "POST", "/p", "1", "nonce-01", "{ }", 3, other);
	assert_string_not_equal(base, other);
	auth_signature("t", "POST", "/p", "1", "nonce-01", "{}", 2, other);
	assert_string_not_equal(base, other);
}

static void test_roles_round_trip(void **state)
{
	(void)state;
	for (int i = ROLE_NONE + 1; i < ROLE_COUNT; i++) {
		assert_int_equal(role_from_name(role_name((enum role)i)), i);
		assert_true(strlen(role_label_zh((enum role)i)) > 0);
	}
	assert_int_equal(role_from_name("root"), ROLE_NONE);
	assert_int_equal(role_from_name(NULL), ROLE_NONE);
	assert_int_equal(role_from_name("Admin"), ROLE_NONE);
}

static void test_throttle_blocks_after_limit_then_expires(void **state)
{
	(void)state;
	const int64_t t0 = 1604448000;
	for (int i = 0; i < LOGIN_MAX_FAILURES - 1; i++) {
		ratelimit_count("u:zhang", LOGIN_FAILURE_WINDOW, t0 + i);
		assert_int_equal(ratelimit_blocked("u:zhang", LOGIN_MAX_FAILURES, t0 + i), 0);
	}
	ratelimit_count("u:zhang", LOGIN_FAILURE_WINDOW, t0 + 10);
	assert_true(ratelimit_blocked("u:zhang", LOGIN_MAX_FAILURES, t0 + 11) > 0);
	assert_int_equal(ratelimit_blocked("u:li", LOGIN_MAX_FAILURES, t0 + 11), 0);
	/* The window is counted from the first failure. */
	assert_int_equal(ratelimit_blocked("u:zhang", LOGIN_MAX_FAILURES, t0 + LOGIN_FAILURE_WINDOW), 0);
	ratelimit_count("u:wang", LOGIN_FAILURE_WINDOW, t0);
	ratelimit_clear("u:wang");
	for (int i = 0; i < LOGIN_MAX_FAILURES - 1; i++)
		ratelimit_count("u:wang", LOGIN_FAILURE_WINDOW, t0);
	assert_int_equal(ratelimit_blocked("u:wang", LOGIN_MAX_FAILURES, t0), 0);
}

/* Each key keeps the window it was counted with: a minute for successful logins. */
static void test_throttle_window_is_the_keys_own(void **state)
{
	(void)state;
	const int64_t t0 = 1604448000;
	for (int i = 0; i < LOGIN_MAX_PER_MINUTE; i++)
		ratelimit_count("ok:zhang", 60, t0);
	assert_int_equal(ratelimit_blocked("ok:zhang", LOGIN_MAX_PER_MINUTE, t0 + 20), 40);
	assert_int_equal(ratelimit_blocked("ok:zhang", LOGIN_MAX_PER_MINUTE, t0 + 60), 0);
}

/* Refusals are counted while the block lasts and handed over once, after it ends. */
static void test_refusals_are_summed_once_the_block_ends(void **state)
{
	(void)state;
	const int64_t t0 = 1604448000, until = t0 + LOGIN_FAILURE_WINDOW;
	for (int i = 0; i < LOGIN_MAX_FAILURES_PER_ADDRESS; i++)
		ratelimit_count("ip:10.0.0.9", LOGIN_FAILURE_WINDOW, t0);
	assert_int_equal(ratelimit_refused("ip:10.0.0.9", until, t0 + 1), 1);
	for (int i = 2; i <= 1000; i++)
		assert_int_equal(ratelimit_refused("ip:10.0.0.9", until, t0 + 2), i);
	struct ratelimit_refusals out[4];
	assert_int_equal(ratelimit_refusals_take(t0 + 3, false, out, 4), 0);
	assert_int_equal(ratelimit_refusals_take(until, false, out, 4), 1);
	assert_string_equal(out[0].key, "ip:10.0.0.9");
	assert_int_equal(out[0].count, 1000);
	assert_int_equal(out[0].first_at, t0 + 1);
	assert_int_equal(out[0].last_at, t0 + 2);
	assert_int_equal(ratelimit_refusals_take(until, true, out, 4), 0);
	/* At a stop, counts of blocks still running are handed over too. */
	ratelimit_refused("ip:10.0.0.9", until, t0 + 5);
	assert_int_equal(ratelimit_refusals_take(t0 + 6, true, out, 4), 1);
	assert_int_equal(out[0].count, 1);
}

/* Many more keys than the table has slots (failed logins with made-up names from
** rotating addresses) neither keep a guessed account from being counted nor push it out. */
static void test_a_flood_of_keys_does_not_unblock_a_guessed_key(void **state)
{
	(void)state;
	const int64_t t0 = 3000000;
	char key[64];
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "ip:10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		ratelimit_count(key, LOGIN_FAILURE_WINDOW, t0);
	}
	for (int i = 0; i < LOGIN_MAX_FAILURES; i++)
		ratelimit_count("u:flood.victim", LOGIN_FAILURE_WINDOW, t0 + 1);
	assert_true(ratelimit_blocked("u:flood.victim", LOGIN_MAX_FAILURES, t0 + 2) > 0);
	/* Nor do keys with one failure each and refusals still to be reported. */
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "u:made-up-%d", i);
		ratelimit_count(key, LOGIN_FAILURE_WINDOW, t0 + 3);
		ratelimit_refused(key, t0 + LOGIN_FAILURE_WINDOW, t0 + 3);
	}
	assert_true(ratelimit_blocked("u:flood.victim", LOGIN_MAX_FAILURES, t0 + 4) > 0);
	/* The flood's last keys were counted too: the table did not stop counting. */
	ratelimit_count("u:made-up-99999", LOGIN_FAILURE_WINDOW, t0 + 4);
	assert_true(ratelimit_blocked("u:made-up-99999", 2, t0 + 4) > 0);
}

/* An (account, address) pair that logged in is remembered from then on, others are not. */
static void test_logins_are_remembered(void **state)
{
	(void)state;
	const int64_t t0 = 4000000;
	ratelimit_remember("p:zhang|10.0.0.1", t0);
	assert_true(ratelimit_remembered("p:zhang|10.0.0.1", t0 - 1));
	assert_false(ratelimit_remembered("p:zhang|10.0.0.1", t0));
	assert_false(ratelimit_remembered("p:zhang|10.0.0.2", t0 - 1));
	ratelimit_remember("p:zhang|10.0.0.1", t0 + 10);
	assert_true(ratelimit_remembered("p:zhang|10.0.0.1", t0 + 9));
}

static void test_random_hex(void **state)
{
	(void)state;
	char a[65], b[65];
	auth_random_hex(a, 32);
	auth_random_hex(b, 32);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signature_matches_reference),
	    cmocka_unit_test(test_signature_covers_every_part),
	    cmocka_unit_test(test_roles_round_trip),
	    cmocka_unit_test(test_throttle_blocks_after_limit_then_expires),
	    cmocka_unit_test(test_throttle_window_is_the_keys_own),
	    cmocka_unit_test(test_refusals_are_summed_once_the_block_ends),
	    cmocka_unit_test(test_a_flood_of_keys_does_not_unblock_a_guessed_key),
	    cmocka_unit_test(test_logins_are_remembered),
	    cmocka_unit_test(test_random_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
