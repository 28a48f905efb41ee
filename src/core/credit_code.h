/*
 * credit_code.h - the unified social credit code (统一社会信用代码,
 * GB 32100-2015) that identifies every enterprise, institution and social
 * organisation in China: validation and check-character computation.
 */
#ifndef BANYAN_CORE_CREDIT_CODE_H
#define BANYAN_CORE_CREDIT_CODE_H

/* Length of a code, not counting a terminating NUL. */
#define CREDIT_CODE_LEN 18

/*
 * Reasons a code is rejected. They are negative like errno codes but are not
 * errno values: pass them to credit_code_strerror(), not strerror().
 */
enum credit_code_error {
	CREDIT_CODE_ERR_LENGTH = -1001,   /* not exactly 18 characters */
	CREDIT_CODE_ERR_CHAR = -1002,     /* a character outside the code set */
	CREDIT_CODE_ERR_DIVISION = -1003, /* characters 3-8 not 6 digits */
	CREDIT_CODE_ERR_CHECK = -1004,    /* check character does not match */
};

/*
 * credit_code_validate - check that s is a well-formed credit code.
 * The code set is "0123456789ABCDEFGHJKLMNPQRTUWXY"; lower-case letters are
 * rejected (callers that accept them uppercase first). Checks run in the
 * order of the enum, so the first problem found is reported. NULL is treated
 * as an empty string. Returns 0 or a negative enum credit_code_error.
 */
int credit_code_validate(const char *s);

/*
 * credit_code_strerror - a user-facing message for a credit_code_validate()
 * result: Chinese first, English in brackets. Returns a static string, never
 * NULL; unknown values get a generic message.
 */
const char *credit_code_strerror(int err);

/*
 * credit_code_check_char - the check character for the first 17 characters
 * of a code. first17 need not be NUL-terminated. Returns the check character,
 * or 0 if any of the 17 characters is outside the code set.
 */
char credit_code_check_char(const char first17[17]);

#endif /* BANYAN_CORE_CREDIT_CODE_H */
