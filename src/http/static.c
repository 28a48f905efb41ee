/*
** The web console, served from the files embedded at build time under
** "web/" (Vite's output).  Vite names every asset by its content hash, so
** "/assets/..." may be cached for a year; index.html must never be cached,
** or a browser would keep loading old assets after an upgrade.  Paths the
** console routes itself ("/users", "/audit") get index.html.  Text assets
** have a brotli and a gzip copy beside them (scripts/embed.sh), the smaller
** brotli served where the browser accepts it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/builtin.h"
#include "http/internal.h"

static const struct {
	const char *ext, *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
};

static const char *content_type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof content_types / sizeof content_types[0]; i++)
		if (strcmp(dot, content_types[i].ext) == 0)
			return content_types[i].type;
	return "application/octet-stream";
}

/* Whether an Accept-Encoding header names coding, and not with q=0 (a refusal). */
static bool accepts_coding(const char *accept, const char *coding)
{
	size_t n = strlen(coding);
	for (const char *p = accept; *p; p += strcspn(p, ",")) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, " \t,;");
		if (len == n && strncasecmp(p, coding, n) == 0) {
			const char *end = p + strcspn(p, ",");
			const char *q = strstr(p, "q=");
			return !(q && q < end && strtod(q + 2, NULL) == 0);
		}
	}
	return false;
}

void static_serve(struct request *r)
{
	static const char *const immutable[] = {"Cache-Control", "public, max-age=31536000, immutable", "Vary",
	                                        "Accept-Encoding", NULL};
	static const char *const revalidate[] = {"Cache-Control", "no-cache", "Vary", "Accept-Encoding", NULL};
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		reply_error(r, 405, "method_not_allowed", NULL, "不支持的请求方法 (method not allowed)");
		return;
	}
	const struct builtin_file *f = NULL;
	if (strcmp(r->path, "/") != 0 && !strstr(r->path, "..") && strlen(r->path) < 200) {
		char name[256];
		snprintf(name, sizeof name, "web%s", r->path);
		f = builtin_find(name);
	}
	bool asset = strncmp(r->path, "/assets/", 8) == 0;
	if (!f && !asset)
		f = builtin_find("web/index.html");
	if (!f) {
		reply_error(r, 404, "not_found", NULL, "没有这个文件 %s (no such file)", r->path);
		return;
	}
	/* A compressed copy made at build time, the smallest the browser takes. */
	static const struct {
		const char *coding, *suffix;
	} copies[] = {{"br", "br"}, {"gzip", "gz"}};
	const char *accept = request_header(r, "Accept-Encoding");
	for (size_t i = 0; accept && i < sizeof copies / sizeof copies[0]; i++) {
		if (!accepts_coding(accept, copies[i].coding))
			continue;
		char name[300];
		snprintf(name, sizeof name, "%s.%s", f->name, copies[i].suffix);
		const struct builtin_file *z = builtin_find(name);
		if (z) {
			const char *const headers[] = {"Cache-Control",
			                               (asset ? immutable : revalidate)[1],
			                               "Content-Encoding",
			                               copies[i].coding,
			                               "Vary",
			                               "Accept-Encoding",
			                               NULL};
			http_queue(r, 200, content_type_of(f->name), z->data, z->len, true, headers);
			return;
		}
	}
	http_queue(r, 200, content_type_of(f->name), f->data, f->len, true, asset ? immutable : revalidate);
}
