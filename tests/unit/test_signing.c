/*
** test_signing.c - the signature check behind cloud signing, against the
** Ed25519 test vectors of RFC 8032 (section 7.1): each key pair derives
** from its secret, signs to the published signature, and banyan's check
** accepts it; a changed message, a changed signature, another key or
** malformed hex is refused.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "invest/invest.h"

static const struct {
	const char *secret, *public_key, *message, *signature;
} rfc8032[] = {
    {/* TEST 1 */
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {/* TEST 2 */
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {/* TEST 3 */
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {/* TEST SHA(abc): the message is SHA-512("abc") */
     "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

static size_t unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t len = 0;
	assert_int_equal(sodium_hex2bin(out, max, hex, strlen(hex), NULL, &len, NULL), 0);
	return len;
}

static void test_rfc8032_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rfc8032 / sizeof rfc8032[0]; i++) {
		unsigned char seed[32], pk[32], sk[64], message[128], sig[64];
		char pk_hex[65], sig_hex[129];
		unhex(rfc8032[i].secret, seed, sizeof seed);
		size_t len = unhex(rfc8032[i].message, message, sizeof message);
		/* The pair derives from the secret, and signing gives the published signature. */
		assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
		sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
		assert_string_equal(pk_hex, rfc8032[i].public_key);
		crypto_sign_detached(sig, NULL, message, len, sk);
		sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
		assert_string_equal(sig_hex, rfc8032[i].signature);
		/* banyan's check accepts it... */
		assert_true(ed25519_valid(rfc8032[i].public_key, rfc8032[i].signature, message, len));
		/* ...and nothing else: another message, another signature, another key. */
		message[len] = 0x01;
		assert_false(ed25519_valid(rfc8032[i].public_key, rfc8032[i].signature, message, len + 1));
		char forged[129];
		memcpy(forged, rfc8032[i].signature, sizeof forged);
		forged[10] = forged[10] == '0' ? '1' : '0';
		assert_false(ed25519_valid(rfc8032[i].public_key, forged, message, len));
		const char *other = rfc8032[(i + 1) % 4].public_key;
		assert_false(ed25519_valid(other, rfc8032[i].signature, message, len));
	}
}

static void test_malformed_input_refused(void **state)
{
	(void)state;
	const unsigned char empty[1] = {0};
	assert_false(ed25519_valid(NULL, rfc8032[0].signature, empty, 0));
	assert_false(ed25519_valid(rfc8032[0].public_key, NULL, empty, 0));
	assert_false(ed25519_valid("d75a98", rfc8032[0].signature, empty, 0));            /* short key */
	assert_false(ed25519_valid(rfc8032[0].public_key, "e5564300c360ac72", empty, 0)); /* short signature */
	char junk[129];
	memcpy(junk, rfc8032[0].signature, sizeof junk);
	junk[0] = 'x';
	assert_false(ed25519_valid(rfc8032[0].public_key, junk, empty, 0));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8032_vectors),
	    cmocka_unit_test(test_malformed_input_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
