/*
** Tables as downloads: Excel (.xlsx, through libxlsxwriter) and CSV.
**
** Every module exports its tables through reply_table(), so an export looks
** the same everywhere: a bold header row, numbers as numbers, text as text.
** CSV is UTF-8 with a byte-order mark, which Excel needs to read Chinese.
** Cells that begin with = + - @, a tab or a carriage return are written
** with a leading apostrophe in CSV (OWASP's advice on CSV injection): a
** spreadsheet would otherwise run them as formulas, and the text may come
** from outside (an enterprise's name, a username).
**
** Every .xlsx carries who exported it and when (a watermark, 导出水印): in
** the printed page's header and footer, in a line under the table and in
** the workbook's author, so a sheet found where it should not be names the
** person it was given to.  CSV stays bare data for other programs.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/internal.h"

const char *export_format_arg(struct request *r)
{
	const char *f = query_arg(r, "format");
	if (!f || strcmp(f, "xlsx") == 0)
		return "xlsx";
	if (strcmp(f, "csv") == 0)
		return "csv";
	reply_error(r, 422, "invalid_query", "format", "format 应为 xlsx 或 csv (format must be xlsx or csv)");
	return NULL;
}

const struct stats_dimension *stats_dimension_arg(struct request *r, const struct stats_dimension *dims, size_t n,
                                                  const char *message)
{
	const char *by = query_arg(r, "by");
	for (size_t i = 0; i < n; i++)
		if (!by || strcmp(by, dims[i].name) == 0)
			return &dims[i];
	reply_error(r, 422, "invalid_filter", "by", "%s", message);
	return NULL;
}

struct text {
	char *data;
	size_t len, cap;
	bool failed;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *grown = realloc(t->data, cap);
		if (!grown) {
			t->failed = true;
			return;
		}
		t->data = grown;
		t->cap = cap;
	}
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = 0;
}

static void csv_cell(struct text *t, const char *s, bool from_text)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		text_add(t, "\"", 1);
	if (from_text && s[0] && strchr("=+-@\t\r", s[0]))
		text_add(t, "'", 1);
	for (const char *p = s; *p; p++) {
		text_add(t, p, 1);
		if (*p == '"')
			text_add(t, "\"", 1);
	}
	if (quote)
		text_add(t, "\"", 1);
}

/* A JSON cell as text: strings as they are, numbers printed, null empty. */
static const char *cell_text(json_t *v, char *buf, size_t size)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, size, "%.2f", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, size, "%s", json_is_true(v) ? "是" : "否");
	else
		buf[0] = 0;
	return buf;
}

static bool build_csv(const char *const *headers, size_t n_cols, json_t *rows, struct text *t)
{
	char buf[64];
	size_t i;
	json_t *row;
	text_add(t, "\xEF\xBB\xBF", 3);
	for (size_t c = 0; c < n_cols; c++) {
		if (c)
			text_add(t, ",", 1);
		csv_cell(t, headers[c], true);
	}
	text_add(t, "\r\n", 2);
	json_array_foreach(rows, i, row)
	{
		for (size_t c = 0; c < n_cols; c++) {
			if (c)
				text_add(t, ",", 1);
			json_t *v = json_array_get(row, c);
			csv_cell(t, cell_text(v, buf, sizeof buf), json_is_string(v));
		}
		text_add(t, "\r\n", 2);
	}
	return !t->failed;
}

/*
** Who exported, and when: "导出:张三(city-zzb) 2026-12-03 15:40".  The
** display name is looked up; an API key or a user gone by now is named by
** its principal name alone.
*/
static const char *export_mark(struct request *r)
{
	struct db_stmt *s = NULL;
	const char *name = NULL;
	if (r->who.user_id &&
	    db_prepare(r->db, &s, "SELECT display_name FROM users WHERE id = ?", "i", r->who.user_id) >= 0 &&
	    db_step(s) == DB_ROW)
		name = arena_strdup(r->arena, db_column_text(s, 0));
	db_finalize(s);
	int64_t now = clock_now();
	int32_t today = clock_local_day(now);
	int minutes = (int)((now - clock_local_midnight(today)) / 60);
	char day[11];
	clock_format_date(today, day);
	const char *who = name ? arena_printf(r->arena, "%s(%s)", name, r->who.name) : r->who.name;
	return arena_printf(r->arena, "导出:%s %s %02d:%02d", who, day, minutes / 60, minutes % 60);
}

/* A header or footer's text: & is its control character, so a name's own & is doubled. */
static const char *header_text(struct arena *a, const char *codes, const char *mark)
{
	size_t n = strlen(mark), amps = 0;
	for (const char *p = mark; *p; p++)
		amps += *p == '&';
	char *out = arena_alloc(a, n + amps + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = mark; *p; p++)
		if ((*o++ = *p) == '&')
			*o++ = '&';
	*o = 0;
	return arena_printf(a, "%s%s", codes, out);
}

/* libxlsxwriter writes to a file: write one in the temporary directory, read it back. */
static bool build_xlsx(struct arena *a, const char *sheet, const char *const *headers, size_t n_cols, json_t *rows,
                       const char *mark, struct text *t)
{
	char path[] = "/tmp/banyan-export-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, sheet) : NULL;
	if (!ws) {
		if (wb)
			workbook_close(wb);
		unlink(path);
		return false;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (size_t c = 0; c < n_cols; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 18, NULL);
	}
	size_t i;
	json_t *row;
	char buf[64];
	json_array_foreach(rows, i, row)
	{
		lxw_row_t y = (lxw_row_t)(i + 1);
		for (size_t c = 0; c < n_cols; c++) {
			json_t *v = json_array_get(row, c);
			if (json_is_number(v))
				worksheet_write_number(ws, y, (lxw_col_t)c, json_number_value(v), NULL);
			else if (!json_is_null(v) && v)
				worksheet_write_string(ws, y, (lxw_col_t)c, cell_text(v, buf, sizeof buf), NULL);
		}
	}
	worksheet_freeze_panes(ws, 1, 0);
	lxw_format *grey = workbook_add_format(wb);
	format_set_font_color(grey, LXW_COLOR_GRAY);
	worksheet_write_string(ws, (lxw_row_t)(json_array_size(rows) + 2), 0, mark, grey);
	const char *header = header_text(a, "&R", mark), *footer = header_text(a, "&C第 &P 页 共 &N 页&R", mark);
	if (header && footer) {
		worksheet_set_header(ws, header);
		worksheet_set_footer(ws, footer);
	}
	lxw_doc_properties properties = {.author = (char *)mark, .comments = (char *)mark};
	workbook_set_properties(wb, &properties);
	bool ok = workbook_close(wb) == LXW_NO_ERROR;
	FILE *f = ok ? fopen(path, "rb") : NULL;
	if (f) {
		char chunk[16384];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			text_add(t, chunk, got);
		fclose(f);
	}
	unlink(path);
	return f && !t->failed;
}

/* RFC 5987: filename*=UTF-8''percent-encoded, so Chinese names survive; the
** plain filename= fallback keeps only the extension. */
static char *content_disposition(struct arena *a, const char *filename)
{
	size_t n = strlen(filename);
	char *enc = arena_alloc(a, n * 3 + 1), *p = enc;
	if (!enc)
		return NULL;
	for (const unsigned char *s = (const unsigned char *)filename; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr("-_.", *s))
			*p++ = (char)*s;
		else
			p += sprintf(p, "%%%02X", *s);
	}
	*p = 0;
	const char *dot = strrchr(filename, '.');
	return arena_printf(a, "attachment; filename=\"download%s\"; filename*=UTF-8''%s",
	                    dot && strlen(dot) < 8 ? dot : "", enc);
}

void reply_file_row(struct request *r, int rc, struct db_stmt *s, const char *missing_code, const char *missing_message)
{
	if (!db_row_or_reply(r, rc, s, missing_code, missing_message))
		return;
	size_t len;
	const void *data = db_column_blob(s, 1, &len);
	const char *type = db_column_count(s) > 2 ? db_column_text(s, 2) : "application/octet-stream";
	reply_file(r, type, db_column_text(s, 0), data, len);
	db_finalize(s);
}

void reply_file(struct request *r, const char *content_type, const char *filename, const void *data, size_t len)
{
	char *disposition = content_disposition(r->arena, filename);
	if (!disposition) {
		reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
		return;
	}
	const char *headers[] = {"Content-Disposition", disposition, NULL};
	http_queue(r, 200, content_type, data, len, false, headers);
}

void reply_table(struct request *r, const char *format, const char *filename, const char *const *headers, size_t n_cols,
                 json_t *rows)
{
	struct text t = {0};
	bool xlsx = strcmp(format, "xlsx") == 0;
	bool ok = xlsx ? build_xlsx(r->arena, "Sheet1", headers, n_cols, rows, export_mark(r), &t)
	               : build_csv(headers, n_cols, rows, &t);
	if (!ok) {
		free(t.data);
		log_error("export %s of %s failed", format, r->path);
		reply_error(r, 500, "internal", NULL, "导出失败 (export failed)");
		return;
	}
	reply_file(
	    r, xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
	    arena_printf(r->arena, "%s.%s", filename, format), t.data, t.len);
	free(t.data);
}
