/*
** rolls_gen - write the unemployment-insurance rolls of N enterprises for the
** twelve months of a year, as `banyan refunds import --year` reads them
** (bench/refunds.sh).  Deterministic: the same arguments give the same file.
**
** Realistic enough to load the import and the decision the way the bureau's
** rolls would: valid credit codes of Fuzhou's districts (weighted as their
** enterprises are), in no particular order (the order of an export by the
** insurance system's own enterprise number), each enterprise's months
** together; mostly micro and small enterprises; headcounts that drift and
** sometimes fall by a layoff; a few months in arrears.
**
** Usage: rolls_gen N YEAR > rolls.csv
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/credit_code.h"

static const struct {
	const char *code;
	int weight; /* enterprises, roughly, in tens */
} districts[] = {{"350102", 16}, {"350103", 9}, {"350104", 14}, {"350105", 5}, {"350111", 13},
                 {"350112", 8},  {"350121", 10}, {"350122", 4}, {"350123", 2}, {"350124", 2},
                 {"350125", 2},  {"350128", 3},  {"350181", 12}};
static const char *const industries[] = {"制造", "批发零售", "住宿餐饮", "软件信息", "建筑", "交通运输", "租赁商务", "科研技术"};
static const char *const sizes[] = {"大型", "中型", "小型", "微型"};
static const char codeset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static uint64_t state = 2020;
static uint32_t next(void) /* xorshift64* */
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * UINT64_C(2685821657736338717)) >> 32);
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? atol(argv[1]) : 0;
	int year = argc == 3 ? atoi(argv[2]) : 0;
	if (n <= 0 || n > 10000000 || year < 2000 || year > 2100) {
		fprintf(stderr, "usage: rolls_gen N YEAR > rolls.csv\n");
		return 2;
	}
	int total_weight = 0;
	for (size_t i = 0; i < sizeof districts / sizeof districts[0]; i++)
		total_weight += districts[i].weight;
	static char out[1 << 16];
	setvbuf(stdout, out, _IOFBF, sizeof out);
	fputs("统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n", stdout);
	/* 31^7 ids; multiplying by a number prime to 31 is a bijection, so every enterprise's code is its own. */
	const uint64_t ids = UINT64_C(27512614111);
	for (long e = 0; e < n; e++) {
		int w = (int)(next() % (uint32_t)total_weight), d = 0;
		while (w >= districts[d].weight)
			w -= districts[d++].weight;
		char code[CREDIT_CODE_LEN + 1];
		uint64_t id = ((uint64_t)e * UINT64_C(4294967291)) % ids;
		snprintf(code, sizeof code, "91%sMA", districts[d].code);
		for (int k = 16; k >= 10; k--, id /= 31)
			code[k] = codeset[id % 31];
		code[17] = credit_code_check_char(code);
		code[18] = 0;
		uint32_t r = next() % 100;
		int size = r < 3 ? 0 : r < 15 ? 1 : r < 45 ? 2 : 3;
		static const int low[] = {300, 100, 20, 1}, span[] = {1700, 200, 80, 19};
		int insured = low[size] + (int)(next() % (uint32_t)span[size]);
		/* One in six lays off between May and June; one in forty is in arrears one month. */
		int layoff = next() % 6 == 0 ? insured * (int)(next() % 30) / 100 : 0;
		int arrears_month = next() % 40 == 0 ? 1 + (int)(next() % 12) : 0;
		const char *industry = industries[next() % (sizeof industries / sizeof industries[0])];
		for (int m = 1; m <= 12; m++) {
			int now = insured + (int)(next() % 3) - 1 - (m >= 6 ? layoff : 0);
			if (now < 0)
				now = 0;
			printf("%s,福州榕%07ld%s有限公司,%s,%s,%s,%d-%02d,%d,%d,%d\n", code, e, industry, districts[d].code,
			       industry, sizes[size], year, m, now, now * 4000, m == arrears_month ? now * 4000 : 0);
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
