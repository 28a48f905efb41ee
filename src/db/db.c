/*
** The db interface (db/db.h) over its two backends: what is the same for
** both lives here (opening by the kind of path, nested transactions, reading
** a row by column name, migrations, prepare-step-finalize helpers), and the
** rest goes to the backend's table (db/backend.h).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/builtin.h"
#include "core/log.h"
#include "db/backend.h"

bool db_is_postgres(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

bool db_exists(const char *path)
{
	return db_is_postgres(path) || access(path, F_OK) == 0;
}

int db_open(const char *path, struct db **ret)
{
	*ret = NULL;
	return db_is_postgres(path) ? postgres_open(path, ret) : sqlite_open(path, ret);
}

void db_close(struct db *d)
{
	if (d)
		d->backend->close(d);
}

int db_exec(struct db *d, const char *sql)
{
	return d->backend->exec(d, sql);
}

static int bind_v(struct db_stmt *s, const char *fmt, va_list ap)
{
	return s->db->backend->bind(s, fmt, ap);
}

static int prepare_v(struct db *d, struct db_stmt **ret, const char *sql, const char *fmt, va_list ap)
{
	*ret = NULL;
	struct db_stmt *s;
	int r = d->backend->prepare(d, &s, sql);
	if (r < 0)
		return r;
	r = bind_v(s, fmt, ap);
	if (r < 0) {
		db_finalize(s);
		return r;
	}
	*ret = s;
	return DB_OK;
}

int db_prepare(struct db *d, struct db_stmt **ret, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = prepare_v(d, ret, sql, fmt, ap);
	va_end(ap);
	return r;
}

int db_step(struct db_stmt *s)
{
	return s->db->backend->step(s);
}

int db_rebind(struct db_stmt *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = bind_v(s, fmt, ap);
	va_end(ap);
	return r;
}

int db_reset(struct db_stmt *s)
{
	return s->db->backend->reset(s);
}

void db_finalize(struct db_stmt *s)
{
	if (s)
		s->db->backend->finalize(s);
}

int64_t db_column_int64(struct db_stmt *s, int col)
{
	return s->db->backend->column_int64(s, col);
}

double db_column_double(struct db_stmt *s, int col)
{
	return s->db->backend->column_double(s, col);
}

const char *db_column_text(struct db_stmt *s, int col)
{
	return s->db->backend->column_text(s, col);
}

const void *db_column_blob(struct db_stmt *s, int col, size_t *ret_len)
{
	return s->db->backend->column_blob(s, col, ret_len);
}

bool db_column_is_null(struct db_stmt *s, int col)
{
	return s->db->backend->column_type(s, col) == DB_TYPE_NULL;
}

enum db_type db_column_type(struct db_stmt *s, int col)
{
	return s->db->backend->column_type(s, col);
}

int db_column_count(struct db_stmt *s)
{
	return s->db->backend->column_count(s);
}

const char *db_column_name(struct db_stmt *s, int col)
{
	return s->db->backend->column_name(s, col);
}

int db_column_index(struct db_stmt *s, const char *name)
{
	int n = db_column_count(s);
	for (int i = 0; i < n; i++)
		if (strcmp(db_column_name(s, i), name) == 0)
			return i;
	return -1;
}

/* A name that is not a column is the programmer's mistake: logged, read as NULL. */
static int named_column(struct db_stmt *s, const char *name)
{
	int col = db_column_index(s, name);
	if (col < 0)
		log_error("db: no column named %s in: %s", name, s->db->backend->sql(s));
	return col;
}

int64_t db_named_int64(struct db_stmt *s, const char *name)
{
	int col = named_column(s, name);
	return col < 0 ? 0 : db_column_int64(s, col);
}

const char *db_named_text(struct db_stmt *s, const char *name)
{
	int col = named_column(s, name);
	return col < 0 ? NULL : db_column_text(s, col);
}

bool db_named_is_null(struct db_stmt *s, const char *name)
{
	int col = named_column(s, name);
	return col < 0 || db_column_is_null(s, col);
}

int db_run(struct db *d, const char *sql, const char *fmt, ...)
{
	struct db_stmt *s;
	va_list ap;
	va_start(ap, fmt);
	int r = prepare_v(d, &s, sql, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	r = db_step(s);
	db_finalize(s);
	return r < 0 ? r : DB_OK;
}

int db_query_int64(struct db *d, int64_t *ret, const char *sql, const char *fmt, ...)
{
	struct db_stmt *s;
	va_list ap;
	va_start(ap, fmt);
	int r = prepare_v(d, &s, sql, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW) {
		*ret = db_column_int64(s, 0);
		r = DB_OK;
	}
	db_finalize(s);
	return r;
}

int db_begin_at(struct db *d, const char *file, int line)
{
	if (d->tx_depth++ > 0)
		return DB_OK;
	int r = d->backend->begin(d);
	if (r < 0) {
		d->tx_depth = 0;
		return r;
	}
	d->tx_failed = false;
	d->tx_file = file;
	d->tx_line = line;
	return DB_OK;
}

int db_commit(struct db *d)
{
	if (d->tx_depth <= 0)
		return DB_ERROR;
	if (--d->tx_depth > 0)
		return DB_OK;
	if (d->tx_failed) {
		d->backend->rollback(d);
		return DB_ERROR;
	}
	int r = d->backend->commit(d);
	if (r < 0)
		d->backend->rollback(d);
	return r;
}

void db_rollback(struct db *d)
{
	if (d->tx_depth <= 0)
		return;
	if (--d->tx_depth > 0) {
		d->tx_failed = true;
		return;
	}
	d->backend->rollback(d);
}

bool db_in_transaction(struct db *d)
{
	return d->tx_depth > 0;
}

int64_t db_last_insert_id(struct db *d)
{
	return d->backend->last_insert_id(d);
}

int db_changes(struct db *d)
{
	return d->backend->changes(d);
}

const char *db_errmsg(struct db *d)
{
	return d->backend->errmsg(d);
}

const char *db_path(struct db *d)
{
	return d->path;
}

int db_checkpoints_by_hand(struct db *d)
{
	return d->backend->checkpoints_by_hand(d);
}

int db_checkpoint(struct db *d, int *ret_log_pages)
{
	return d->backend->checkpoint(d, ret_log_pages);
}

int db_cache_size(struct db *d, int mebibytes)
{
	return d->backend->cache_size(d, mebibytes);
}

int db_skip_foreign_keys(struct db *d)
{
	return d->backend->skip_foreign_keys(d);
}

int db_commits_unsynced(struct db *d)
{
	return d->backend->commits_unsynced ? d->backend->commits_unsynced(d) : 0;
}

int db_commits_may_be_lost(struct db *d)
{
	return d->backend->commits_may_be_lost(d);
}

int db_log_sync(struct db *d)
{
	return d->backend->log_sync ? d->backend->log_sync(d) : 0;
}

int db_backup(struct db *d, const char *path)
{
	return d->backend->backup(d, path);
}

int db_integrity_check(struct db *d, bool quick, const char **ret_problem)
{
	*ret_problem = NULL;
	return d->backend->integrity_check(d, quick, ret_problem);
}

int db_schema_version(struct db *d)
{
	int64_t v = 0;
	int r = db_exec(d, "CREATE TABLE IF NOT EXISTS schema_migrations("
	                   "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
	if (r < 0)
		return r;
	r = db_query_int64(d, &v, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL);
	return r < 0 ? r : (int)v;
}

/*
** The backend's part of a migration NNNN_name.sql, if it has one: the file
** NNNN_name.BACKEND.sql beside it (same version number), for what the two
** engines cannot say alike (triggers); else NULL.
*/
static const char *migration_variant_of(const struct db *d, const struct builtin_file *f, size_t begin, size_t end)
{
	char variant[256];
	snprintf(variant, sizeof variant, "%.*s.%s.sql", (int)(strlen(f->name) - strlen(".sql")), f->name,
	         d->backend->name);
	for (size_t j = begin; j < end; j++)
		if (strcmp(builtin_files[j].name, variant) == 0)
			return builtin_files[j].data;
	return NULL;
}

/* Is this file a backend's variant of the migration before it (NNNN_name.BACKEND.sql)? */
static bool migration_variant(const char *base)
{
	const char *dot = strchr(base, '.');
	return dot && strcmp(dot, ".sql") != 0;
}

int db_schema_latest(void)
{
	const char *prefix = "src/db/migrations/";
	size_t end, begin = builtin_prefix_range(prefix, &end);
	int latest = 0;
	for (size_t i = begin; i < end; i++) {
		int version = atoi(builtin_files[i].name + strlen(prefix));
		if (version > latest)
			latest = version;
	}
	return latest;
}

int db_migrate(struct db *d, int *ret_applied)
{
	const char *prefix = "src/db/migrations/";
	int current = db_schema_version(d), applied = 0;
	if (current < 0)
		return current;
	size_t end, begin = builtin_prefix_range(prefix, &end);
	for (size_t i = begin; i < end; i++) {
		const struct builtin_file *f = &builtin_files[i];
		const char *base = f->name + strlen(prefix);
		int version = atoi(base);
		if (version <= 0) {
			log_error("db: migration %s has no number", f->name);
			return DB_ERROR;
		}
		if (version <= current || migration_variant(base))
			continue;
		int r = db_begin(d);
		if (r < 0)
			return r;
		r = d->backend->exec_migration(d, f->data, migration_variant_of(d, f, begin, end));
		if (r == DB_OK)
			r = db_run(d, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)", "Iti",
			           version, base, (int64_t)time(NULL));
		if (r < 0) {
			log_error("db: migration %s failed: %s", f->name, db_errmsg(d));
			db_rollback(d);
			return r;
		}
		r = db_commit(d);
		if (r < 0)
			return r;
		applied++;
	}
	if (ret_applied)
		*ret_applied = applied;
	return DB_OK;
}
