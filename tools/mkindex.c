/*
** mkindex: build the route and command tables from comments in the sources.
**
** A route or subcommand is declared once, in a comment right above the function
** that implements it (the way Fossil declares its pages), so that there is no
** hand-kept central list to forget:
**
**   ** ROUTE: GET /api/v1/health
**   ** AUTH: public
**   ** SUMMARY: 健康检查 Health check
**   (comment ends)
**   void health_get(struct request *r)
**
** A route may add "** BODY: raw": the dispatcher then leaves a JSON body
** unparsed for the handler to read itself (see request_json() in http.h),
** and "** DUTY: refunds": only callers whose organisation holds that duty
** (org_duties) may use it, leaders reading aside.
**
**   ** COMMAND: init
**   ** USAGE: banyan init --db PATH
**   ** SUMMARY: 创建或升级数据库 Create or migrate a database
**   ** Any further lines are the command's help text.
**   (comment ends)
**   int cmd_init(int argc, char **argv)
**
**   ** SERVICE: vouchers
**   ** SUMMARY: 消费券引擎 The voucher engine
**   (comment ends)
**   int voucher_service(enum service_phase phase, const char *db_path)
**
** A service is started before the server listens and stopped after it has
** stopped (in-memory state, background threads).
**
** Usage: mkindex OUTPUT.c SOURCE.c...
** Writes OUTPUT.c with route_table[] sorted by path then method, and
** command_table[] sorted by name.  Fails (exit 1) on a malformed declaration
** or a duplicate, naming the file and line.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ENTRIES = 2000, MAX_TEXT = 4096 };

enum kind { COMMAND, ROUTE, SERVICE };

struct entry {
	int is_route; /* enum kind */
	char method[16];
	char path[256]; /* route path pattern, or command name */
	char auth[128];
	char usage[256];
	char summary[256];
	char help[MAX_TEXT];
	char func[128];
	int raw_body; /* BODY: raw */
	char duty[33]; /* DUTY: name, or empty */
	const char *file;
	int line;
};

static struct entry entries[MAX_ENTRIES];
static int n_entries;

static void die(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: mkindex: %s\n", file, line, msg);
	exit(1);
}

/* Copy the rest of a tag line, trimmed, into dst. */
static void copy_value(char *dst, size_t size, const char *src)
{
	while (*src == ' ' || *src == '\t')
		src++;
	size_t n = strcspn(src, "\r\n");
	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* Find the function name on the declaration line that follows a comment. */
static int function_name(const char *line, char *dst, size_t size)
{
	const char *paren = strchr(line, '(');
	if (!paren)
		return -1;
	const char *end = paren;
	while (end > line && isspace((unsigned char)end[-1]))
		end--;
	const char *start = end;
	while (start > line && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
		start--;
	if (start == end || (size_t)(end - start) >= size)
		return -1;
	memcpy(dst, start, (size_t)(end - start));
	dst[end - start] = 0;
	return 0;
}

static void scan_file(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f)
		die(file, 0, "cannot open");
	char line[MAX_TEXT];
	int lineno = 0;
	struct entry *cur = NULL;
	int in_decl = 0, want_func = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (want_func) {
			if (line[0] == '\n' || line[0] == '\r')
				continue;
			if (function_name(line, cur->func, sizeof cur->func) < 0)
				die(file, lineno, "declaration comment not followed by a function");
			want_func = 0;
			cur = NULL;
			continue;
		}
		if (!in_decl) {
			if (strncmp(line, "** ROUTE:", 9) == 0 || strncmp(line, "** COMMAND:", 11) == 0 ||
			    strncmp(line, "** SERVICE:", 11) == 0) {
				if (n_entries == MAX_ENTRIES)
					die(file, lineno, "too many entries");
				cur = &entries[n_entries++];
				memset(cur, 0, sizeof *cur);
				cur->file = file;
				cur->line = lineno;
				in_decl = 1;
				if (line[3] == 'S') {
					cur->is_route = SERVICE;
					copy_value(cur->path, sizeof cur->path, line + 11);
				} else if (line[3] == 'R') {
					char value[300];
					cur->is_route = ROUTE;
					copy_value(value, sizeof value, line + 9);
					char *sp = strchr(value, ' ');
					if (!sp)
						die(file, lineno, "ROUTE needs METHOD and PATH");
					*sp = 0;
					copy_value(cur->method, sizeof cur->method, value);
					copy_value(cur->path, sizeof cur->path, sp + 1);
					if (cur->path[0] != '/')
						die(file, lineno, "route path must start with /");
				} else {
					copy_value(cur->path, sizeof cur->path, line + 11);
				}
			}
			continue;
		}
		if (strncmp(line, "*/", 2) == 0) {
			in_decl = 0;
			want_func = 1;
			if (cur->is_route == ROUTE && !cur->auth[0])
				die(file, lineno, "route without AUTH");
			if (!cur->summary[0])
				die(file, lineno, "declaration without SUMMARY");
			continue;
		}
		if (strncmp(line, "**", 2) != 0)
			die(file, lineno, "declaration comment lines must start with **");
		const char *text = line + 2;
		if (strncmp(text, " AUTH:", 6) == 0) {
			copy_value(cur->auth, sizeof cur->auth, text + 6);
		} else if (cur->is_route == ROUTE && strncmp(text, " BODY:", 6) == 0) {
			char value[16];
			copy_value(value, sizeof value, text + 6);
			if (strcmp(value, "raw") != 0)
				die(file, lineno, "BODY must be raw");
			cur->raw_body = 1;
		} else if (cur->is_route == ROUTE && strncmp(text, " DUTY:", 6) == 0) {
			copy_value(cur->duty, sizeof cur->duty, text + 6);
			if (!cur->duty[0] || strspn(cur->duty, "abcdefghijklmnopqrstuvwxyz_") != strlen(cur->duty))
				die(file, lineno, "DUTY must be one name of a-z and _");
		} else if (strncmp(text, " USAGE:", 7) == 0) {
			copy_value(cur->usage, sizeof cur->usage, text + 7);
		} else if (strncmp(text, " SUMMARY:", 9) == 0) {
			copy_value(cur->summary, sizeof cur->summary, text + 9);
		} else {
			char value[MAX_TEXT];
			copy_value(value, sizeof value, text);
			size_t used = strlen(cur->help);
			if (used + strlen(value) + 2 >= sizeof cur->help)
				die(file, lineno, "help text too long");
			strcat(cur->help, value);
			strcat(cur->help, "\n");
		}
	}
	if (in_decl || want_func)
		die(file, lineno, "unterminated declaration");
	fclose(f);
}

static int compare_entries(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	if (a->is_route != b->is_route)
		return a->is_route - b->is_route;
	int c = strcmp(a->path, b->path);
	return c ? c : strcmp(a->method, b->method);
}

/* Write s as a C string literal; non-ASCII bytes pass through (UTF-8 source). */
static void put_literal(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkindex OUTPUT.c SOURCE.c...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		scan_file(argv[i]);
	qsort(entries, (size_t)n_entries, sizeof entries[0], compare_entries);
	for (int i = 1; i < n_entries; i++)
		if (compare_entries(&entries[i - 1], &entries[i]) == 0)
			die(entries[i].file, entries[i].line, "declared twice");

	FILE *out = fopen(argv[1], "w");
	if (!out)
		die(argv[1], 0, "cannot write");
	fputs("/* Generated by tools/mkindex.c from declaration comments: do not edit. */\n"
	      "#include \"core/index.h\"\n\n",
	      out);
	static const char *const prototypes[] = {"int %s(int, char **);\n", "void %s(struct request *);\n",
	                                         "int %s(enum service_phase, const char *);\n"};
	for (int i = 0; i < n_entries; i++)
		fprintf(out, prototypes[entries[i].is_route], entries[i].func);
	fputs("\nconst struct route_def route_table[] = {\n", out);
	int n_routes = 0;
	for (int i = 0; i < n_entries; i++) {
		if (entries[i].is_route != ROUTE)
			continue;
		n_routes++;
		fputs("\t{", out);
		put_literal(out, entries[i].method);
		fputs(", ", out);
		put_literal(out, entries[i].path);
		fputs(", ", out);
		put_literal(out, entries[i].auth);
		fputs(", ", out);
		put_literal(out, entries[i].summary);
		fprintf(out, ", \"%s\", %s, %s, %zu, ", entries[i].func, entries[i].func,
		        entries[i].raw_body ? "true" : "false", strcspn(entries[i].path, "{"));
		if (entries[i].duty[0])
			put_literal(out, entries[i].duty);
		else
			fputs("NULL", out);
		fputs("},\n", out);
	}
	fprintf(out, "};\nconst size_t route_count = %d;\n\n", n_routes);
	fputs("const struct command_def command_table[] = {\n", out);
	int n_commands = 0;
	for (int i = 0; i < n_entries; i++) {
		if (entries[i].is_route != COMMAND)
			continue;
		n_commands++;
		fputs("\t{", out);
		put_literal(out, entries[i].path);
		fputs(", ", out);
		put_literal(out, entries[i].usage);
		fputs(", ", out);
		put_literal(out, entries[i].summary);
		fputs(", ", out);
		put_literal(out, entries[i].help);
		fprintf(out, ", %s},\n", entries[i].func);
	}
	fprintf(out, "};\nconst size_t command_count = %d;\n\n", n_commands);
	/* An empty array is not C: the table always ends with a NULL entry. */
	fputs("const struct service_def service_table[] = {\n", out);
	int n_services = 0;
	for (int i = 0; i < n_entries; i++) {
		if (entries[i].is_route != SERVICE)
			continue;
		n_services++;
		fputs("\t{", out);
		put_literal(out, entries[i].path);
		fprintf(out, ", %s},\n", entries[i].func);
	}
	fprintf(out, "\t{NULL, NULL},\n};\nconst size_t service_count = %d;\n", n_services);
	if (fclose(out) != 0)
		die(argv[1], 0, "write failed");
	return 0;
}
