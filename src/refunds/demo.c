/*
** The refunds' demo data: the 2019 and 2020 rolls of 18,307 enterprises,
** the two lists and the two 2020 policies, imported through the same path
** as the bureau's files, and the difficulty policy's 第1批 decided, so that
** the statistics read the Fuzhou Daily's line of 4 November 2020: 惠及17772家
** 中小微困难企业,受惠人数15.06万人,涉及返还资金11.66亿元.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/org.h"
#include "refunds/internal.h"
#include "refunds/life.h"
#include "refunds/refunds.h"

/*
** The difficulty refund is six months of the monthly unemployment benefit
** per insured employee, capped per enterprise.  Six months of 1,290 元 (the
** article's "about 7,740 yuan a person") gives at most 150,600 × 7,740 =
** 1,165,644,000 元, which is 11.66亿 but 116,564万, short of the article's
** 11.66亿 to the 万元; a cap only lowers it.  So the demo's benefit is 1,300
** 元 and its cap 10万元: 150,600 × 7,800 = 1,174,680,000 元, less what the
** cap takes from the 38 enterprises of 13 or more people at the end (1,600
** people: 1,600 × 7,800 − 38 × 100,000 = 8,680,000 元), is 1,166,000,000 元
** exactly, 7,742.36 元 a person as the article's figures divide.
*/
#define DEMO_BENEFIT_FEN 130000 /* macros: the policies' JSON spells them */
#define DEMO_CAP_FEN     10000000
enum {
	DEMO_CAPPED = 38,      /* eligible enterprises over the cap, of 24 to 60 people, 1,600 in all */
	DEMO_ELIGIBLE = 17772, /* the article's enterprises */
	DEMO_PEOPLE = 150600,  /* the article's people */
	DEMO_CAPPED_PEOPLE = 1600,
	DEMO_UNCAPPED_MAX = 12, /* 12 × 7,800 元 stays under the cap */
};

/* Why an enterprise of the demo is refused by the difficulty policy, or DEMO_OK (refund_decide()'s order). */
enum demo_kind { DEMO_OK, DEMO_NO_START, DEMO_NO_END, DEMO_DEFAULT, DEMO_UNCERTIFIED, DEMO_ARREARS, DEMO_LAYOFF };
static const int demo_refused[] = {0, 40, 30, 25, 300, 60, 80}; /* by kind */

#define DEMO_RULES(difficulty, amount, cap)                                                                            \
	"{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","          \
	"\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"                      \
	"\"require_difficulty\":" difficulty "," amount ",\"cap_fen\":" cap ",\"rounding\":\"half_up\"}"
#define STR(x)  #x
#define XSTR(x) STR(x)

/* A fixed sequence, so every demo database holds the same rolls. */
static uint32_t demo_next(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* One enterprise: who it is and its insured headcount in January and June 2020. */
struct demo_firm {
	char code[CREDIT_CODE_LEN + 1], name[96];
	const char *district, *industry;
	int size; /* refund_size_labels */
	int start, end;
	enum demo_kind kind;
};

/*
** Its lines of the rolls: 2019 every month at the January 2020 headcount;
** 2020 from January (March for DEMO_NO_START) to June (April for
** DEMO_NO_END), the headcount going from start to end, arrears in March for
** DEMO_ARREARS.  Premiums 46.50 元 a person a month.
*/
static void demo_rolls(FILE *y2019, FILE *y2020, const struct demo_firm *f)
{
	for (int m = 1; m <= 12; m++)
		fprintf(y2019, "%s,%s,%s,%s,%s,2019-%02d,%d,%lld,0\n", f->code, f->name, f->district, f->industry,
		        refund_size_labels[f->size], m, f->start, (long long)f->start * 4650);
	int first = f->kind == DEMO_NO_START ? 3 : 1, last = f->kind == DEMO_NO_END ? 4 : 6;
	for (int m = first; m <= last; m++) {
		int insured = f->start - (f->start - f->end) * (m - 1) / 5;
		fprintf(y2020, "%s,%s,%s,%s,%s,2020-%02d,%d,%lld,%d\n", f->code, f->name, f->district, f->industry,
		        refund_size_labels[f->size], m, insured, (long long)insured * 4650,
		        f->kind == DEMO_ARREARS && m == 3 ? 120000 : 0);
	}
}

/*
** The headcounts at the end of the eligible enterprises not capped: 5 to 12
** as the sequence gives, then moved one at a time (within 1 to 12) until
** they add up to the article's people less the capped ones'.
*/
static void demo_uncapped_headcounts(int *end, int n, uint32_t *seed)
{
	long long sum = 0, want = DEMO_PEOPLE - DEMO_CAPPED_PEOPLE;
	for (int i = 0; i < n; i++)
		sum += end[i] = 5 + (int)(demo_next(seed) % 8);
	for (int i = 0; sum != want; i = (i + 1) % n) {
		int step = sum < want ? 1 : -1;
		if (end[i] + step >= 1 && end[i] + step <= DEMO_UNCAPPED_MAX) {
			end[i] += step;
			sum += step;
		}
	}
}

/* Fill f, the i-th enterprise of the demo, of the given kind (end: its June headcount when eligible). */
static void demo_firm_make(struct demo_firm *f, int i, enum demo_kind kind, int end, uint32_t *seed)
{
	/* Weighted so that the city's districts differ as they do: the city centre and 福清 hold the most. */
	static const struct {
		const char *code;
		int weight;
	} districts[] = {{"350102", 12}, {"350103", 9},  {"350104", 12}, {"350105", 6}, {"350111", 11},
	                 {"350112", 10}, {"350121", 10}, {"350122", 6},  {"350123", 3}, {"350124", 3},
	                 {"350125", 3},  {"350128", 4},  {"350181", 11}};
	static const struct {
		const char *name;
		int weight;
	} industries[] = {{"制造", 34},    {"批发零售", 22}, {"住宿餐饮", 16},
	                  {"软件信息", 9}, {"建筑", 10},     {"交通运输", 9}};
	uint32_t rnd = demo_next(seed);
	int w = (int)(rnd % 100), d = 0, k = 0;
	while (w >= districts[d].weight)
		w -= districts[d++].weight;
	w = (int)((rnd >> 8) % 100);
	while (w >= industries[k].weight)
		w -= industries[k++].weight;
	*f = (struct demo_firm){.district = districts[d].code, .industry = industries[k].name, .kind = kind};
	snprintf(f->code, sizeof f->code, "91%sMA2R%05d", f->district, i);
	f->code[17] = credit_code_check_char(f->code);
	f->code[18] = 0;
	snprintf(f->name, sizeof f->name, "福州榕%05d%s有限公司", i, f->industry);
	int r = (int)(demo_next(seed) % 1000);
	switch (kind) {
	case DEMO_OK:
		/* Some small ones shed a person (at most 1 in 6: under 20%); the capped ones keep everyone. */
		f->end = end;
		f->start = end + (end >= 5 && end <= DEMO_UNCAPPED_MAX && r % 4 == 0);
		break;
	case DEMO_UNCERTIFIED:
		/* Not in difficulty: larger enterprises among them, which the small-enterprise policy refunds. */
		f->start = f->end = r < 50 ? 300 + r * 18 : r < 250 ? 50 + r % 250 : 3 + r % 40;
		break;
	case DEMO_LAYOFF:
		/* Half small (over 20% gone), half larger (over 5.5% gone). */
		f->start = r % 2 ? 10 + r % 20 : 40 + r % 200;
		f->end = r % 2 ? f->start * 3 / 4 : f->start * 9 / 10;
		break;
	default:
		f->start = f->end = 3 + r % 10;
	}
	f->size = f->start > 300 ? SIZE_LARGE : f->start > 30 ? SIZE_MEDIUM : f->start > 8 ? SIZE_SMALL : SIZE_MICRO;
}

/*
** The demo's rolls and lists (every refused kind spread among the eligible
** ones by the credit codes' order), the two 2020 policies for the bureau
** (city-rsj) to try and run, and the difficulty policy's 第1批 decided.
** Deterministic: every demo database has the same figures.
*/
static int refunds_demo(const char *db_path)
{
	static const char header[] = "统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n";
	static const char list_header[] = "统一社会信用代码,企业名称\n";
	int refused = 0;
	for (int k = 0; k < (int)(sizeof demo_refused / sizeof demo_refused[0]); k++)
		refused += demo_refused[k];
	int total = DEMO_ELIGIBLE + refused, uncapped = DEMO_ELIGIBLE - DEMO_CAPPED;
	char *text[4] = {0};
	size_t len[4] = {0};
	FILE *out[4]; /* rolls 2019, rolls 2020, default list, difficulty list */
	for (int i = 0; i < 4; i++)
		out[i] = open_memstream(&text[i], &len[i]);
	int *ends = malloc((size_t)uncapped * sizeof *ends);
	struct db *d = NULL;
	struct arena *a = arena_new();
	int rc = out[0] && out[1] && out[2] && out[3] && ends && a ? db_open(db_path, &d) : -1;
	if (rc == 0) {
		fputs(header, out[0]);
		fputs(header, out[1]);
		fputs(list_header, out[2]);
		fputs(list_header, out[3]);
		uint32_t seed = 2020;
		demo_uncapped_headcounts(ends, uncapped, &seed);
		/* The refused enterprises at every (total / refused)-th place, each kind in turn. */
		int left[7];
		memcpy(left, demo_refused, sizeof left);
		int next_uncapped = 0, capped = 0;
		for (int i = 0; i < total; i++) {
			enum demo_kind kind = DEMO_OK;
			if (i % (total / refused) == 1)
				for (int k = 1; k < 7 && kind == DEMO_OK; k++)
					if (left[(i + k) % 6 + 1] > 0)
						kind = (enum demo_kind)((i + k) % 6 + 1);
			if (kind != DEMO_OK)
				left[kind]--;
			/* The capped ones at every 400th place (never a refused one's): 24 to 60 people, 1,600 in all. */
			bool capping = kind == DEMO_OK && capped < DEMO_CAPPED && i % 400 == 0;
			if (kind == DEMO_OK && !capping && next_uncapped == uncapped) {
				rc = -1; /* the places do not add up: a change above went wrong */
				break;
			}
			int end = capping ? 23 + capped + (capped < 23) : kind == DEMO_OK ? ends[next_uncapped++] : 0;
			capped += capping;
			struct demo_firm f;
			demo_firm_make(&f, i, kind, end, &seed);
			demo_rolls(out[0], out[1], &f);
			if (kind == DEMO_DEFAULT)
				fprintf(out[2], "%s,%s\n", f.code, f.name);
			if (kind != DEMO_UNCERTIFIED)
				fprintf(out[3], "%s,%s\n", f.code, f.name);
		}
		if (capped != DEMO_CAPPED || next_uncapped != uncapped)
			rc = -1;
	}
	for (int i = 0; i < 4; i++)
		if (out[i])
			fclose(out[i]);
	struct import_place at = {.db = d, .arena = a, .ctx = audit_context_shell(), .area = "/"};
	at.ctx.actor = "demo";
	struct import_result res;
	if (rc == 0)
		rc = db_query_int64(d, &at.area_org_id, "SELECT id FROM orgs WHERE parent_id IS NULL", NULL);
	if (rc == 0)
		rc = rolls_import(&at, 2019, text[0], len[0], &res);
	if (rc == 0)
		rc = rolls_import(&at, 2020, text[1], len[1], &res);
	if (rc == 0)
		rc = list_import(&at, "default", text[2], len[2], &res);
	if (rc == 0)
		rc = list_import(&at, "difficulty", text[3], len[3], &res);
	int64_t difficulty = 0, sme;
	bool begun = rc == 0 && (rc = db_begin(d)) == 0;
	if (rc == 0)
		rc = policy_insert(
		    d, &at.ctx, "2020-difficulty", "2020年困难企业稳岗返还", "/350100/",
		    DEMO_RULES("true",
		               "\"amount\":\"benefit\",\"benefit_months\":6,\"benefit_fen\":" XSTR(DEMO_BENEFIT_FEN),
		               XSTR(DEMO_CAP_FEN)),
		    "六个月当地失业保险金标准,每户最多10万元", &difficulty);
	if (rc == 0)
		rc = policy_insert(d, &at.ctx, "2020-sme", "2020年中小微企业稳岗返还", "/350100/",
		                   DEMO_RULES("false",
		                              "\"amount\":\"premium_share\",\"share_bp\":{\"large\":5000,"
		                              "\"medium\":5000,\"small\":10000,\"micro\":10000}",
		                              "0"),
		                   "上年度失业保险费:大型 50%,中小微 100%", &sme);
	if (rc == 0)
		rc = db_commit(d);
	else if (begun)
		db_rollback(d);
	struct policy p;
	json_t *batch = NULL;
	if (rc == 0 && (rc = policy_load(d, a, difficulty, NULL, 0, &p)) == 0) {
		rc = batch_run(d, &at.ctx, &p, &batch);
		if (rc == 0)
			rc = db_commit(d);
		else if (db_in_transaction(d))
			db_rollback(d);
	}
	if (rc == 0)
		rc = refunds_demo_lifecycle(d);
	json_decref(batch);
	for (int i = 0; i < 4; i++)
		free(text[i]);
	free(ends);
	db_close(d);
	arena_free(a);
	return rc < 0 ? -1 : 0;
}

/*
** SERVICE: refunds
** SUMMARY: 稳岗返还演示数据 The refunds' demo data (nothing runs beside the server)
*/
int refunds_service(enum service_phase phase, const char *db_path)
{
	return phase == SERVICE_DEMO ? refunds_demo(db_path) : 0;
}
