/*
** The indicators' demo data: 2019–2020 (to September) figures of the city
** and its 13 county-level units, and the province's other cities' published
** growth, consistent with the article (Fuzhou Daily, 4 November 2020):
**
**   - the first three quarters' GDP 6,759.34亿元, +3.1% (6,556.10亿元 in
**     2019), third in the province (fourth in the first half: the
**     article says 位列第三, not 连续两个季度);
**   - fixed-asset investment +8.0% in January–September, first in the
**     province in August and September (second in July): 连续两个月第一;
**   - September's retail sales +6.1% on September 2019, first in the
**     province (second in August).
**
** The city's monthly figures follow a 2020 growth path on 2019's (the
** year to date's, or the month's); each district's figure is its share of
** the city's (the shares move a little between the years, so the
** districts grow apart), the last district taking what remains, so the
** districts sum to the city exactly.  The province's other cities have only
** published growth (值 not published), as a statistics bureau receives
** them.  Every month is approved (快报).
*/
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "db/db.h"
#include "indicators/internal.h"

/* The districts by code, and their shares of the city (per mille) in 2019 and 2020. */
static const char *const districts[] = {"350102", "350103", "350104", "350105", "350111", "350112", "350121",
                                        "350122", "350123", "350124", "350125", "350128", "350181"};
enum { DISTRICTS = sizeof districts / sizeof districts[0] };
static const int64_t shares[2][DISTRICTS] = {
    {140, 70, 90, 45, 95, 110, 95, 55, 25, 20, 20, 55, 180},
    {136, 66, 92, 47, 100, 114, 97, 54, 25, 19, 19, 53, 178},
};

/*
** The city's series: 2019 by month in the indicator's smallest unit (0: no
** period that month), and 2020 either given or made from a growth path in
** hundredths of a percent, on the year to date (ytd) or the month's own.
*/
static const struct series {
	const char *indicator;
	int64_t y2019[12], y2020[12];
	int growth[12];
	bool ytd;
} series[] = {
    /* GDP by quarter (亿元, 4 decimals): 2019 1,980.00 + 2,210.00 + 2,366.10 = 6,556.10; 2020 6,759.34. */
    {"gdp",
     {0, 0, 19800000, 0, 0, 22100000, 0, 0, 23661000, 0, 0, 28362000},
     {0, 0, 18950400, 0, 0, 24049600, 0, 0, 24593400},
     {0},
     true},
    {"industry",
     {2300000, 1900000, 2600000, 2550000, 2600000, 2700000, 2600000, 2550000, 2700000, 2650000, 2750000, 2900000},
     {0},
     {-1500, -1200, -600, -100, 150, 300, 350, 400, 450},
     true},
    {"fai",
     {5200000, 4300000, 6800000, 6900000, 7100000, 7800000, 6900000, 7000000, 7600000, 7200000, 7300000, 8300000},
     {0},
     {-2000, -1800, -900, -200, 300, 560, 690, 760, 800},
     true},
    {"retail",
     {4300000, 3900000, 3800000, 3850000, 4000000, 4050000, 3950000, 4050000, 4150000, 4500000, 4400000, 4750000},
     {0},
     {-1800, -2050, -1500, -800, -300, 100, 200, 350, 610},
     false},
    {"revenue",
     {900000, 500000, 650000, 700000, 600000, 500000, 650000, 450000, 480000, 600000, 420000, 450000},
     {0},
     {-1000, -1200, -900, -700, -500, -400, -300, -200, -100},
     true},
    /* 实际利用外资 (万元, 2 decimals) */
    {"fdi",
     {6500000, 5200000, 8800000, 7900000, 8100000, 9000000, 8300000, 8400000, 9100000, 8600000, 8800000, 9500000},
     {0},
     {-900, -700, -400, 100, 300, 500, 600, 650, 700},
     true},
};

/* The province's other cities: published growth of 2020 (hundredths of a percent). */
static const struct peer_growth {
	const char *indicator, *period;
	bool ytd;
	int64_t growth[8]; /* 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德, as indicator_peers by code */
} peers[] = {
    {"gdp", "2020-06", true, {310, 280, -20, -80, 150, 40, 110, 290}},
    {"gdp", "2020-09", true, {460, 290, 180, 90, 270, 150, 250, 520}},
    {"fai", "2020-06", true, {600, 430, 380, 320, 450, 290, 410, 500}},
    {"fai", "2020-07", true, {650, 480, 420, 350, 500, 310, 460, 750}},
    {"fai", "2020-08", true, {700, 520, 450, 380, 560, 330, 490, 720}},
    {"fai", "2020-09", true, {710, 560, 480, 400, 590, 360, 520, 780}},
    {"retail", "2020-08", false, {400, 220, 150, 180, 260, 120, 200, 300}},
    {"retail", "2020-09", false, {580, 400, 350, 490, 450, 300, 380, 520}},
};
static const char *const peer_codes[] = {"350200", "350300", "350400", "350500",
                                         "350600", "350700", "350800", "350900"};

/* Round a × (10000 + bp) ÷ 10000 half up (figures are positive). */
static int64_t grown(int64_t a, int bp)
{
	return (a * (10000 + bp) + 5000) / 10000;
}

/* The city's 2020 series of s up to September (or as given). */
static void city_2020(const struct series *s, int64_t out[12])
{
	int64_t ytd19 = 0, ytd20 = 0;
	memset(out, 0, 12 * sizeof *out);
	for (int m = 0; m < 9; m++) {
		if (s->y2020[m] || !s->growth[m]) {
			out[m] = s->y2020[m];
			continue;
		}
		ytd19 += s->y2019[m];
		if (s->ytd) {
			int64_t next = grown(ytd19, s->growth[m]);
			out[m] = next - ytd20;
			ytd20 = next;
		} else {
			out[m] = grown(s->y2019[m], s->growth[m]);
		}
	}
}

static int value(struct db *d, const char *indicator, const char *unit, const char *period, const int64_t *v,
                 const int64_t *growth, const int64_t *ytd_growth, int64_t user, int64_t now)
{
	return db_run(d,
	              "INSERT INTO indicator_values(indicator_id, unit, period, value, growth_bp, ytd_growth_bp,"
	              " entered_by, entered_at) SELECT id, ?, ?, " IND_SQL_MAYBE ", " IND_SQL_MAYBE ", " IND_SQL_MAYBE
	              ", ?, ? FROM indicators WHERE code = ?",
	              "tt"
	              "IiIiIi"
	              "iit",
	              unit, period, v != NULL, v ? *v : 0, growth != NULL, growth ? *growth : 0, ytd_growth != NULL,
	              ytd_growth ? *ytd_growth : 0, user, now, indicator);
}

/* Approve every month of a unit from January 2019 to September 2020. */
static int approve_all(struct db *d, const char *unit, int64_t user, int64_t now)
{
	int rc = 0;
	for (int y = 2019; rc == 0 && y <= 2020; y++)
		for (int m = 1; rc == 0 && m <= (y == 2020 ? 9 : 12); m++) {
			char period[16];
			snprintf(period, sizeof period, "%04d-%02d", y, m);
			rc = db_run(
			    d,
			    "INSERT INTO indicator_periods(unit, period, state, submitted_by, submitted_at, decided_by,"
			    " decided_at) VALUES (?, ?, 'approved', ?, ?, ?, ?)",
			    "ttiiii", unit, period, user, now, user, now);
		}
	return rc;
}

int indicators_demo(const char *db_path)
{
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	int64_t user = 0, now = clock_now();
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &user, "SELECT id FROM users WHERE username = 'city-tjj'", NULL);
	for (size_t i = 0; rc == 0 && i < sizeof series / sizeof series[0]; i++) {
		const struct series *s = &series[i];
		int64_t y2020[12];
		city_2020(s, y2020);
		for (int y = 0; rc == 0 && y < 2; y++)
			for (int m = 0; rc == 0 && m < 12; m++) {
				int64_t city = y ? y2020[m] : s->y2019[m], rest = city;
				if (!city)
					continue;
				char period[16];
				snprintf(period, sizeof period, "%04d-%02d", 2019 + y, m + 1);
				rc = value(d, s->indicator, "350100", period, &city, NULL, NULL, user, now);
				for (int k = 0; rc == 0 && k < DISTRICTS; k++) {
					int64_t share = k + 1 < DISTRICTS ? city * shares[y][k] / 1000 : rest;
					rest -= share;
					rc =
					    value(d, s->indicator, districts[k], period, &share, NULL, NULL, user, now);
				}
			}
	}
	for (size_t i = 0; rc == 0 && i < sizeof peers / sizeof peers[0]; i++)
		for (int k = 0; rc == 0 && k < 8; k++)
			rc = value(d, peers[i].indicator, peer_codes[k], peers[i].period, NULL,
			           peers[i].ytd ? NULL : &peers[i].growth[k], peers[i].ytd ? &peers[i].growth[k] : NULL,
			           user, now);
	if (rc == 0)
		rc = approve_all(d, "350100", user, now);
	for (int k = 0; rc == 0 && k < DISTRICTS; k++)
		rc = approve_all(d, districts[k], user, now);
	for (int k = 0; rc == 0 && k < 8; k++)
		rc = approve_all(d, peer_codes[k], user, now);
	if (rc == 0)
		rc = db_commit(d);
	else
		db_rollback(d);
	if (rc != 0)
		fprintf(stderr, "indicators demo: %s\n", db_errmsg(d));
	db_close(d);
	return rc == 0 ? 0 : -1;
}
