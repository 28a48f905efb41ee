/*
** The demo's voucher campaign: 惠聚榕城消费季, five rounds in 2020 shaped
** like Fuzhou's at one thousandth of the size (about 12,800 vouchers, a
** leverage near 6.8, ten car vouchers each driving a car purchase), and a
** sixth round open now so that claims can be tried at once.
*/
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "http/auth.h"
#include "org/org.h"
#include "vouchers/vouchers.h"

static uint64_t demo_rng = 20201104;

/* A fixed sequence, so every demo database has the same figures. */
static int64_t demo_random(int64_t below)
{
	demo_rng ^= demo_rng << 13;
	demo_rng ^= demo_rng >> 7;
	demo_rng ^= demo_rng << 17;
	return (int64_t)(demo_rng % (uint64_t)below);
}

static const struct {
	const char *name, *credit, *district, *category; /* credit: the check character is computed */
} demo_merchants[] = {
    {"聚春园大酒店", "91350102MA2XY00014", "350102", "catering"},
    {"东百中心", "91350100000000000H", "350102", "retail"},
    {"仓山万达广场", "91350104MA2CD0456W", "350104", "retail"},
    {"晋安永辉超市", "91350111MA2AB0123Y", "350111", "retail"},
    {"福州比亚迪汽车销售服务", "91350111MA2CAR001", "350111", "car"},
    {"台江苏宁易购", "91350103MA2TN0001", "350103", "retail"},
    {"长乐海鲜大排档", "91350112MA2HX0001", "350112", "catering"},
    {"马尾船政文化商店", "91350105MA2CW0001", "350105", "culture"},
    {"福清融侨百货", "91350181MA2RQ0001", "350181", "retail"},
    {"闽侯上街美食城", "91350121MA2TJ0001", "350121", "catering"},
};

static const struct {
	const char *name, *starts, *ends;
} demo_rounds[] = {
    {"第一期", "2020-04-10T10:00:00+08:00", "2020-04-30T23:59:59+08:00"},
    {"第二期", "2020-05-01T10:00:00+08:00", "2020-05-31T23:59:59+08:00"},
    {"第三期", "2020-06-18T10:00:00+08:00", "2020-07-15T23:59:59+08:00"},
    {"第四期", "2020-08-08T10:00:00+08:00", "2020-09-07T23:59:59+08:00"},
    {"第五期", "2020-09-30T10:00:00+08:00", "2020-10-31T23:59:59+08:00"},
};

static int add_merchants(struct db *d, const int64_t channels[2], int64_t ids[], const char **categories)
{
	char list[64];
	snprintf(list, sizeof list, ",%lld,%lld,", (long long)channels[0], (long long)channels[1]);
	for (size_t i = 0; i < sizeof demo_merchants / sizeof demo_merchants[0]; i++) {
		char code[19];
		snprintf(code, sizeof code, "%.17s", demo_merchants[i].credit);
		code[17] = credit_code_check_char(code);
		code[18] = 0;
		int64_t org = 0;
		int r = db_query_int64(d, &org, "SELECT id FROM orgs WHERE code = ?", "t", demo_merchants[i].district);
		if (r == 0)
			r = db_run(d,
			           "INSERT INTO merchants(name, credit_code, org_id, category, channels, created_at) "
			           "VALUES (?,?,?,?,?,?)",
			           "ttitti", demo_merchants[i].name, code, org, demo_merchants[i].category, list,
			           clock_now());
		if (r < 0)
			return r;
		ids[i] = db_last_insert_id(d);
		categories[i] = demo_merchants[i].category;
	}
	return 0;
}

/* One kind of a round with its claims and redemptions. */
struct demo_kind {
	const char *name, *categories;
	int64_t face, threshold, stock, claimed, min_order, max_order;
	int redeem_percent;
};

static int add_kind(struct db *d, int64_t round_id, int64_t starts, const struct demo_kind *k,
                    const int64_t channels[2], const int64_t merchants[], const char **categories, size_t n_merchants,
                    int *serial)
{
	int r = db_run(d,
	               "INSERT INTO voucher_kinds(round_id, name, face_fen, threshold_fen, stock, validity_days,"
	               " per_person_limit, categories, created_at) VALUES (?,?,?,?,?,7,1,?,?)",
	               "itiiiti", round_id, k->name, k->face, k->threshold, k->stock, k->categories, starts);
	int64_t kind_id = db_last_insert_id(d);
	struct db_stmt *voucher = NULL, *redemption = NULL;
	if (r == 0)
		r = db_prepare(
		    d, &voucher,
		    "INSERT INTO vouchers(code, kind_id, api_key_id, person, person_seq, request_id, claimed_at,"
		    " expires_at) VALUES (?,?,?,?,1,?,?,?)",
		    NULL);
	if (r == 0)
		r = db_prepare(
		    d, &redemption,
		    "INSERT INTO voucher_redemptions(voucher_id, merchant_id, order_no, amount_fen, discount_fen,"
		    " redeemed_at) VALUES (?,?,?,?,?,?)",
		    NULL);
	for (int64_t i = 0; r >= 0 && i < k->claimed; i++) {
		char code[20], person[32], request[32], order[32];
		int n = ++*serial;
		snprintf(code, sizeof code, "FZDEMO%012d", n);
		snprintf(person, sizeof person, "user%07d", n);
		snprintf(request, sizeof request, "demo-%d", n);
		int64_t channel = channels[demo_random(100) < 62 ? 0 : 1];
		int64_t claimed = starts + demo_random(3 * 86400);
		r = db_rebind(voucher, "tiittii", code, kind_id, channel, person, request, claimed,
		              claimed + 7 * 86400);
		if (r >= 0)
			r = db_step(voucher);
		if (r < 0 || demo_random(100) >= k->redeem_percent)
			continue;
		int64_t voucher_id = db_last_insert_id(d);
		/* A merchant whose category fits the kind. */
		size_t m = (size_t)demo_random((int64_t)n_merchants);
		for (size_t tries = 0; tries < n_merchants && !strstr(k->categories, categories[m]); tries++)
			m = (m + 1) % n_merchants;
		int64_t amount = k->min_order + demo_random(k->max_order - k->min_order + 1);
		snprintf(order, sizeof order, "DEMO-%d", n);
		r = db_rebind(redemption, "iitiii", voucher_id, merchants[m], order, amount, k->face,
		              claimed + demo_random(6 * 86400));
		if (r >= 0)
			r = db_step(redemption);
	}
	db_finalize(voucher);
	db_finalize(redemption);
	return r < 0 ? r : 0;
}

int voucher_demo(const char *db_path)
{
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	int64_t org = 0, channels[2] = {0, 0}, merchants[16], now = clock_now();
	const char *categories[16];
	char key_id[32], secret[65];
	int serial = 0;
	int r = db_begin(d);
	if (r == 0)
		r = db_query_int64(d, &org, "SELECT id FROM orgs WHERE code = '350100-swj'", NULL);
	if (r == 0)
		r = auth_apikey_create(d, org, "channel", "支付宝 Alipay", key_id, secret, &channels[0]);
	if (r == 0)
		r = auth_apikey_create(d, org, "channel", "云闪付 UnionPay", key_id, secret, &channels[1]);
	if (r == 0)
		r = add_merchants(d, channels, merchants, categories);
	if (r == 0)
		r = db_run(d, "INSERT INTO voucher_campaigns(name, org_id, created_at) VALUES ('惠聚榕城消费季', ?, ?)",
		           "ii", org, now);
	int64_t campaign = db_last_insert_id(d);
	size_t n_merchants = sizeof demo_merchants / sizeof demo_merchants[0];
	for (size_t i = 0; r == 0 && i <= sizeof demo_rounds / sizeof demo_rounds[0]; i++) {
		bool live = i == sizeof demo_rounds / sizeof demo_rounds[0];
		int64_t starts = now - 3600, ends = now + 7 * 86400;
		if (!live) {
			clock_parse_iso(demo_rounds[i].starts, &starts);
			clock_parse_iso(demo_rounds[i].ends, &ends);
		}
		r = db_run(
		    d,
		    "INSERT INTO voucher_rounds(campaign_id, name, starts_at, ends_at, created_at) VALUES (?,?,?,?,?)",
		    "itiii", campaign, live ? "第六期(进行中)" : demo_rounds[i].name, starts, ends, starts);
		int64_t round = db_last_insert_id(d);
		for (int c = 0; r == 0 && c < 2; c++)
			r = db_run(d, "INSERT INTO voucher_round_channels(round_id, api_key_id) VALUES (?,?)", "ii",
			           round, channels[c]);
		/* Each 2020 round: about 2,560 vouchers (12.8 million in all, at 1:1000). */
		struct demo_kind kinds[] = {
		    {"满100减20", ",catering,retail,culture,", 2000, 10000, 1800, live ? 0 : 1792, 10000, 17000, 40},
		    {"满300减50", ",retail,", 5000, 30000, 800, live ? 0 : 768, 30000, 42000, 34},
		};
		for (size_t k = 0; r == 0 && k < 2; k++)
			r = add_kind(d, round, starts, &kinds[k], channels, merchants, categories, n_merchants,
			             &serial);
		/* The car vouchers of the third round: 10, 3,000元 each, every one a car sold. */
		if (r == 0 && i == 2) {
			struct demo_kind cars = {"购车券", ",car,", 300000, 10000000, 10, 10, 12000000, 21000000, 100};
			r = add_kind(d, round, starts, &cars, channels, merchants, categories, n_merchants, &serial);
		}
	}
	if (r == 0)
		r = db_commit(d);
	else
		db_rollback(d);
	db_close(d);
	return r < 0 ? -1 : 0;
}
