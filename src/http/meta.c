/*
** Routes about the platform itself: health, the OpenAPI document, and the
** working-day calendar every module's deadlines are counted on.
** The document is built from the same route table the router uses, so it
** lists every route that exists and nothing else.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "http/http.h"

/*
** ROUTE: GET /api/v1/health
** AUTH: public
** SUMMARY: 健康检查 Health check
*/
void meta_health(struct request *r)
{
	reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static json_t *path_parameters(const char *pattern)
{
	json_t *params = json_array();
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		size_t n = strcspn(p + 1, "}");
		json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1, n, "in", "path",
		                                        "required", 1, "schema", "type", "string"));
	}
	return params;
}

static json_t *openapi_build(void)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < route_count; i++) {
		const struct route_def *rt = &route_table[i];
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char method[16];
		size_t n = strlen(rt->method);
		for (size_t k = 0; k <= n && k < sizeof method; k++)
			method[k] =
			    (char)(rt->method[k] >= 'A' && rt->method[k] <= 'Z' ? rt->method[k] + 32 : rt->method[k]);
		method[sizeof method - 1] = 0;
		json_t *op = json_pack("{s:s, s:s, s:s, s:o, s:{s:{s:s}, s:{s:s, s:{s:{s:{s:s}}}}}}", "operationId",
		                       rt->name, "summary", rt->summary, "x-banyan-auth", rt->auth, "parameters",
		                       path_parameters(rt->pattern), "responses", "200", "description", "OK", "default",
		                       "description", "错误 Error", "content", "application/json", "schema", "$ref",
		                       "#/components/schemas/Error");
		if (rt->duty)
			json_object_set_new(op, "x-banyan-duty", json_string(rt->duty));
		if (strcmp(rt->auth, "public") != 0)
			json_object_set_new(op, "security", json_pack("[{s:[]},{s:[]}]", "session", "apiKey"));
		json_object_set_new(item, method, op);
	}
	return json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}},"
	                 " s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}}}",
	                 "openapi", "3.0.3", "info", "title", "banyan API", "version", "1", "description",
	                 "榕城经济服务平台接口 (banyan city economic-service platform). Errors are "
	                 "{\"error\":{\"code\",\"message\",\"field\"}}; lists paginate with ?limit= and ?cursor=.",
	                 "paths", paths, "components", "schemas", "Error", "type", "object", "properties", "error",
	                 "type", "object", "properties", "code", "type", "string", "message", "type", "string", "field",
	                 "type", "string", "securitySchemes", "session", "type", "apiKey", "in", "cookie", "name",
	                 "banyan_session", "apiKey", "type", "apiKey", "in", "header", "name", "X-Banyan-Key");
}

static json_t *openapi_doc;
static pthread_once_t openapi_once = PTHREAD_ONCE_INIT;

static void openapi_init(void)
{
	openapi_doc = openapi_build();
}

/*
** ROUTE: GET /api/v1/openapi.json
** AUTH: public
** SUMMARY: 接口文档 (OpenAPI 3) The API reference as OpenAPI 3
*/
void meta_openapi(struct request *r)
{
	pthread_once(&openapi_once, openapi_init);
	reply_json(r, 200, json_incref(openapi_doc));
}

/*
** ROUTE: GET /api/v1/calendar/working-days
** AUTH: any
** SUMMARY: 工作日计算(含法定节假日与调休) Working-day arithmetic on China's calendar
** ?from=YYYY-MM-DD&to=YYYY-MM-DD counts the working days after from up to
** and including to; ?from=YYYY-MM-DD&add=N gives the N-th working day after
** from (before it when N is negative): a statutory time limit's last day.
*/
void meta_working_days(struct request *r)
{
	const struct calendar *cal = calendar_china();
	const char *from_s = query_arg(r, "from"), *to_s = query_arg(r, "to"), *add_s = query_arg(r, "add");
	int32_t from, to;
	char date[11];
	if (!cal) {
		reply_db_error(r, DB_ERROR);
		return;
	}
	if (!from_s || clock_parse_date(from_s, &from) < 0) {
		reply_error(r, 422, "invalid_query", "from", "from 应为日期 YYYY-MM-DD (from must be a date)");
		return;
	}
	if (!!to_s == !!add_s) {
		reply_error(r, 422, "invalid_query", to_s ? "add" : "to",
		            "须给出 to 或 add 之一 (give either to or add)");
		return;
	}
	if (to_s) {
		if (clock_parse_date(to_s, &to) < 0) {
			reply_error(r, 422, "invalid_query", "to", "to 应为日期 YYYY-MM-DD (to must be a date)");
			return;
		}
		reply_json(r, 200,
		           json_pack("{s:s, s:s, s:i}", "from", from_s, "to", to_s, "working_days",
		                     calendar_working_days_between(cal, from, to)));
		return;
	}
	char *end;
	long n = strtol(add_s, &end, 10);
	if (*end || !*add_s || n < -3660 || n > 3660) {
		reply_error(r, 422, "invalid_query", "add", "add 应为 -3660 到 3660 的整数 (add must be -3660..3660)");
		return;
	}
	int32_t day = calendar_add_working_days(cal, from, (int)n);
	int y, m, d;
	clock_civil_from_days(day, &y, &m, &d);
	clock_format_date(day, date);
	/* Outside the years whose notices banyan holds, only weekends count: say so. */
	reply_json(r, 200,
	           json_pack("{s:s, s:i, s:s, s:b}", "from", from_s, "add", (int)n, "date", date, "holidays_known",
	                     calendar_covers(cal, y)));
}
