/*
** test_totp.c - the one-time codes of the second factor against RFC 6238's
** test vectors (Appendix B, HMAC-SHA1, eight digits, 30-second steps from
** the Unix epoch) and RFC 4226's (Appendix D, six digits by counter), and
** the base32 that shows the key, against RFC 4648's (section 10).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "org/org.h"

static const uint8_t rfc_key[] = "12345678901234567890"; /* the SHA-1 seed of both RFCs, 20 bytes */

static void test_rfc6238_sha1_vectors(void **state)
{
	(void)state;
	static const struct {
		uint64_t time;
		uint32_t code;
	} vectors[] = {
	    {59, 94287082},         {1111111109, 7081804},  {1111111111, 14050471},
	    {1234567890, 89005924}, {2000000000, 69279037}, {20000000000, 65353130},
	};
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
		assert_int_equal(totp_code(rfc_key, 20, vectors[i].time / 30, 8), vectors[i].code);
}

static void test_rfc4226_six_digits(void **state)
{
	(void)state;
	static const uint32_t hotp[] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
	for (uint64_t counter = 0; counter < 10; counter++)
		assert_int_equal(totp_code(rfc_key, 20, counter, 6), hotp[counter]);
}

static void test_base32_rfc4648(void **state)
{
	(void)state;
	static const char *const vectors[][2] = {
	    {"f", "MY"},         {"fo", "MZXQ"},        {"foo", "MZXW6"},
	    {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
	};
	char out[32];
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		totp_base32((const uint8_t *)vectors[i][0], strlen(vectors[i][0]), out);
		assert_string_equal(out, vectors[i][1]); /* without the '=' padding authenticators do not need */
	}
}

static void test_required_roles_are_checked(void **state)
{
	(void)state;
	assert_int_equal(totp_require_roles("admin,security,auditor,leader"), 0);
	assert_int_equal(totp_require_roles("none"), 0);
	assert_int_equal(totp_require_roles("admin,boss"), -1);
	assert_int_equal(totp_require_roles("channel"), -1); /* machines sign requests; they have no second factor */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc6238_sha1_vectors),
	    cmocka_unit_test(test_rfc4226_six_digits),
	    cmocka_unit_test(test_base32_rfc4648),
	    cmocka_unit_test(test_required_roles_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
