/*
** The web console, served from the files embedded at build time under
** "web/" (Vite's output).  Vite names every asset by its content hash, so
** "/assets/..." may be cached for a year; index.html must never be cached,
** or a browser would keep loading old assets after an upgrade.  Paths the
** console routes itself ("/users", "/audit") get index.html.  Text assets
** have a gzip copy beside them (scripts/embed.sh), served when accepted.
*/
#include <stdio.h>
#include <string.h>

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
	/* A gzip copy made at build time, for browsers that take it. */
	const char *accept = request_header(r, "Accept-Encoding");
	if (accept && strstr(accept, "gzip")) {
		char gz[300];
		snprintf(gz, sizeof gz, "%s.gz", f->name);
		const struct builtin_file *z = builtin_find(gz);
		if (z) {
			const char *const headers[] = {"Cache-Control",
			                               (asset ? immutable : revalidate)[1],
			                               "Content-Encoding",
			                               "gzip",
			                               "Vary",
			                               "Accept-Encoding",
			                               NULL};
			http_queue(r, 200, content_type_of(f->name), z->data, z->len, true, headers);
			return;
		}
	}
	http_queue(r, 200, content_type_of(f->name), f->data, f->len, true, asset ? immutable : revalidate);
}
