/*
** Routes about the server itself: health and the OpenAPI document.
** The document is built from the same route table the router uses, so it
** lists every route that exists and nothing else.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
