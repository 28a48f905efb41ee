/*
** The refunds' demo data: rolls, lists and the 2020 policies, imported
** through the same path as the bureau's files.
*/
#include <stdlib.h>
#include <string.h>

#include "org/org.h"
#include "refunds/internal.h"
#include "refunds/refunds.h"

/* The demo's two 2020 policies: difficulty (six months of the 1,290 元 benefit a person) and small enterprises. */
#define DEMO_RULES(difficulty, amount)                                                                                 \
	"{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","      \
	"\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"                  \
	"\"require_difficulty\":" difficulty "," amount ",\"cap_fen\":0,\"rounding\":\"half_up\"}"

/* Append one enterprise's lines of the rolls (2019: twelve months; 2020: January to June). */
static void demo_firm(char **csv, size_t *len, int year, const char *code, const char *name, const char *district,
                      const char *industry, int size, int start, int end, int arrears_month)
{
	static const char *const sizes[] = {"大型", "中型", "小型", "微型"};
	int months = year == 2019 ? 12 : 6;
	for (int m = 1; m <= months; m++) {
		int insured = year == 2019 ? start : start - (start - end) * (m - 1) / 5;
		char line[400];
		int n = snprintf(line, sizeof line, "%s,%s,%s,%s,%s,%d-%02d,%d,%lld,%d\n", code, name, district, industry,
		                 sizes[size], year, m, insured, (long long)insured * 4650, m == arrears_month ? 120000 : 0);
		char *grown = realloc(*csv, *len + (size_t)n + 1);
		if (!grown)
			return;
		memcpy(grown + *len, line, (size_t)n + 1);
		*csv = grown;
		*len += (size_t)n;
	}
}

/*
** The demo's rolls: 390 enterprises in every district, some laying off more
** than the threshold, some in arrears or on the serious-default list, most
** small ones certified in difficulty; and the two 2020 policies, for the
** bureau (city-rsj) to try and run.  Deterministic, and quick.
*/
static int refunds_demo(const char *db_path)
{
	static const char *const districts[] = {"350102", "350103", "350104", "350105", "350111", "350112", "350121",
	                                        "350122", "350123", "350124", "350125", "350128", "350181"};
	static const char *const industries[] = {"制造", "批发零售", "住宿餐饮", "软件信息", "建筑", "交通运输"};
	static const char header[] = "统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n";
	struct db *d = NULL;
	struct arena *a = arena_new();
	char *rolls[2] = {strdup(header), strdup(header)}, *lists[2] = {strdup("统一社会信用代码,企业名称\n"),
	                                                              strdup("统一社会信用代码,企业名称\n")};
	size_t len[2] = {sizeof header - 1, sizeof header - 1}, list_len[2];
	list_len[0] = list_len[1] = strlen(lists[0]);
	int rc = a && rolls[0] && rolls[1] && lists[0] && lists[1] ? db_open(db_path, &d) : -1;
	uint32_t seed = 2020;
	for (int i = 0; rc == 0 && i < 390; i++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t rnd = seed >> 8;
		const char *district = districts[i % 13];
		int size = i % 20 == 0 ? 0 : i % 20 < 4 ? 1 : i % 2 ? 2 : 3;
		static const int low[] = {300, 60, 11, 3}, span[] = {900, 240, 50, 8};
		int start = low[size] + (int)(rnd % (uint32_t)span[size]);
		int laid_off = (int)((rnd >> 12) % 100) < 85 ? start * (int)(rnd % 5) / 100 : start / 4;
		char code[CREDIT_CODE_LEN + 1], name[96], line[160];
		snprintf(code, sizeof code, "91%sMA2RF%04d", district, i);
		code[17] = credit_code_check_char(code);
		code[18] = 0;
		snprintf(name, sizeof name, "福州榕%03d%s有限公司", i, industries[i % 6]);
		int arrears = i % 29 == 0 ? 3 : 0;
		demo_firm(&rolls[0], &len[0], 2019, code, name, district, industries[i % 6], size, start, start, 0);
		demo_firm(&rolls[1], &len[1], 2020, code, name, district, industries[i % 6], size, start, start - laid_off,
		          arrears);
		for (int l = 0; l < 2; l++) {
			bool listed = l == 0 ? i % 47 == 0 : size >= 2 && i % 5 != 0;
			int n = snprintf(line, sizeof line, "%s,%s\n", code, name);
			char *grown = listed ? realloc(lists[l], list_len[l] + (size_t)n + 1) : lists[l];
			if (listed && grown) {
				memcpy(grown + list_len[l], line, (size_t)n + 1);
				lists[l] = grown;
				list_len[l] += (size_t)n;
			}
		}
	}
	struct import_place at = {.db = d, .arena = a, .ctx = audit_context_shell(), .area = "/"};
	at.ctx.actor = "demo";
	struct import_result res;
	if (rc == 0)
		rc = db_query_int64(d, &at.area_org_id, "SELECT id FROM orgs WHERE parent_id IS NULL", NULL);
	if (rc == 0)
		rc = rolls_import(&at, 2019, rolls[0], len[0], &res);
	if (rc == 0)
		rc = rolls_import(&at, 2020, rolls[1], len[1], &res);
	if (rc == 0)
		rc = list_import(&at, "default", lists[0], list_len[0], &res);
	if (rc == 0)
		rc = list_import(&at, "difficulty", lists[1], list_len[1], &res);
	int64_t id;
	bool begun = rc == 0 && (rc = db_begin(d)) == 0;
	if (rc == 0)
		rc = policy_insert(d, &at.ctx, "2020-difficulty", "2020年困难企业稳岗返还", "/350100/",
		                   DEMO_RULES("true", "\"amount\":\"benefit\",\"benefit_months\":6,\"benefit_fen\":129000"),
		                   "六个月当地失业保险金标准", &id);
	if (rc == 0)
		rc = policy_insert(d, &at.ctx, "2020-sme", "2020年中小微企业稳岗返还", "/350100/",
		                   DEMO_RULES("false", "\"amount\":\"premium_share\",\"share_bp\":{\"large\":5000,"
		                                       "\"medium\":5000,\"small\":10000,\"micro\":10000}"),
		                   "上年度失业保险费:大型 50%,中小微 100%", &id);
	if (rc == 0)
		rc = db_commit(d);
	else if (begun)
		db_rollback(d);
	for (int l = 0; l < 2; l++) {
		free(rolls[l]);
		free(lists[l]);
	}
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
