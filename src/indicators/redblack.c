/*
** The red/black list (红黑榜): by its ranking's stated rule, the first
** red_count ranked units of a period are on the red list and the last
** black_count on the black list, each with its rank, change, streak and,
** for the black list, its supervised task.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "indicators/internal.h"

/* A unit of the list as JSON. */
static json_t *item_json(struct request *r, const struct ranking *k, const char *period, const struct ranked *it,
                         bool black)
{
	char phrase[96];
	ind_rank_phrase(it->rank, it->streak, k->def[0].kind, strcmp(k->unit_set, "province") == 0, phrase,
	                sizeof phrase);
	return json_pack("{s:{s:s, s:s}, s:i, s:o, s:o, s:i, s:s, s:o, s:o, s:s}", "unit", "code", it->code, "name",
	                 it->name, "rank", it->rank, "previous_rank",
	                 it->previous ? json_integer(it->previous) : json_null(), "change",
	                 it->previous ? json_integer(it->previous - it->rank) : json_null(), "streak", it->streak,
	                 "phrase", phrase, "score", it->ranked ? json_integer(it->score) : json_null(), "task",
	                 black ? task_brief(r, it->code, period, k->id, 0) : json_null(), "route",
	                 arena_printf(r->arena, "/indicators/rankings/%s?period=%s", k->code, period));
}

int redblack_lists(struct request *r, const struct ranking *k, const char *period, struct redblack *ret,
                   struct refusal *why)
{
	int rc = ranking_compute(r, k, period, &ret->res, why);
	if (rc < 0)
		return rc;
	size_t ranked = 0;
	while (ranked < ret->res.n && ret->res.items[ranked].rank)
		ranked++;
	/* With fewer units than both lists, the red list takes its share first and the black the rest. */
	size_t red = ranked < (size_t)k->red ? ranked : (size_t)k->red;
	size_t black = ranked - red < (size_t)k->black ? ranked - red : (size_t)k->black;
	ret->red = red;
	ret->black = ranked - black;
	ret->ranked = ranked;
	return 0;
}

int redblack_json(struct request *r, const struct ranking *k, const char *period, json_t **ret, struct refusal *why)
{
	struct redblack lists;
	int rc = redblack_lists(r, k, period, &lists, why);
	if (rc < 0)
		return rc;
	json_t *reds = json_array(), *blacks = json_array();
	for (size_t i = 0; i < lists.red; i++)
		json_array_append_new(reds, item_json(r, k, period, &lists.res.items[i], false));
	for (size_t i = lists.black; i < lists.ranked; i++)
		json_array_append_new(blacks, item_json(r, k, period, &lists.res.items[i], true));
	*ret = json_pack("{s:{s:s, s:s}, s:s, s:{s:i, s:i, s:s}, s:o, s:o}", "ranking", "code", k->code, "name", k->name,
	                 "period", period, "rule", "red", k->red, "black", k->black, "text",
	                 arena_printf(r->arena, "%s前%d名列入红榜,后%d名列入黑榜", k->name, k->red, k->black), "red",
	                 reds, "black", blacks);
	return 0;
}

/*
** ROUTE: GET /api/v1/indicators/redblack
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 红黑榜 The red and black lists of a ranking for a month, by its stated rule
** ?ranking=CODE (default districts-composite)&period=YYYY-MM.  The first
** red_count ranked units (红榜) and the last black_count (黑榜), each with
** rank, change, streak, phrase; a black-listed unit with its open task (督办).
*/
void indicator_redblack(struct request *r)
{
	const char *code = query_arg(r, "ranking");
	struct ranking k;
	struct refusal why;
	json_t *out = NULL;
	int rc = ranking_load(r, code ? code : "districts-composite", &k);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_ranking", "ranking", "排名不存在 (no such ranking)");
		return;
	}
	if (rc == 0)
		rc = redblack_json(r, &k, query_arg(r, "period"), &out, &why);
	if (ind_ok_or_reply(r, rc, &why))
		reply_json(r, 200, out);
}
