/*
** rows.c - a database row as JSON by its columns' names (see row_as_json() in
** http.h).  The alias carries the answer's shape: "enterprise.name:bool"
** is the key path enterprise → name, read as a boolean.
*/
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "http/http.h"

static json_t *column_value(struct db_stmt *s, int col, const char *kind)
{
	enum db_type type = db_column_type(s, col);
	if (type == DB_TYPE_NULL)
		return json_null();
	if (!kind) {
		switch (type) {
		case DB_TYPE_INTEGER:
			return json_integer(db_column_int64(s, col));
		case DB_TYPE_FLOAT:
			return json_real(db_column_double(s, col));
		default:
			return json_string(db_column_text(s, col));
		}
	}
	if (strcmp(kind, "bool") == 0)
		return json_boolean(db_column_int64(s, col) != 0);
	if (strcmp(kind, "time") == 0) {
		char iso[32];
		clock_format_iso(db_column_int64(s, col), iso);
		return json_string(iso);
	}
	if (strcmp(kind, "date") == 0) {
		char day[11];
		return clock_format_date((int32_t)db_column_int64(s, col), day) < 0 ? json_null() : json_string(day);
	}
	if (strcmp(kind, "json") == 0) {
		json_t *v = json_loads(db_column_text(s, col), JSON_DECODE_ANY, NULL);
		return v ? v : json_null();
	}
	/* A typo in an alias is the programmer's: say so loudly, answer the raw text. */
	log_error("row_as_json: unknown kind \"%s\" in column %s", kind, db_column_name(s, col));
	return json_string(db_column_text(s, col));
}

json_t *row_as_json(struct db_stmt *s)
{
	json_t *row = json_object();
	int n = db_column_count(s);
	for (int col = 0; col < n; col++) {
		const char *alias = db_column_name(s, col);
		if (alias[0] == '_')
			continue;
		char path[128];
		if (strlen(alias) >= sizeof path) {
			log_error("row_as_json: alias too long: %s", alias);
			continue;
		}
		strcpy(path, alias);
		char *kind = strchr(path, ':');
		if (kind)
			*kind++ = '\0';
		/* Walk (and make) the objects of "a.b.c" down to c's parent. */
		json_t *parent = row;
		char *key = path, *dot;
		while ((dot = strchr(key, '.'))) {
			*dot = '\0';
			json_t *child = json_object_get(parent, key);
			if (!json_is_object(child)) {
				child = json_object();
				json_object_set_new(parent, key, child);
			}
			parent = child;
			key = dot + 1;
		}
		json_object_set_new(parent, key, column_value(s, col, kind));
	}
	return row;
}

json_t *row_as_json_of(struct request *r, struct db_stmt *s)
{
	(void)r;
	return row_as_json(s);
}
