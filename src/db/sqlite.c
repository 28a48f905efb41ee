/*
** The SQLite backend of the db interface (db/db.h).
**
** Open statements are kept on a list per handle so db_close() can finalize
** what a caller forgot (and say where it was prepared, for the log).
*/
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/builtin.h"
#include "core/log.h"
#include "db/db.h"

struct db_stmt {
	sqlite3_stmt *stmt;
	struct db *db;
	struct db_stmt *prev, *next;
	uint64_t hash; /* of the SQL text: its place in the statement cache */
};

/*
** Finished statements are kept, reset, in a small direct-mapped cache keyed
** by their SQL text, so the statements a request runs every time are
** prepared once per connection rather than once per request.
*/
enum { STMT_CACHE = 64 };

struct cached_stmt {
	uint64_t hash;
	sqlite3_stmt *stmt;
};

struct db {
	sqlite3 *conn;
	char *path;
	struct db_stmt *open_stmts;
	int tx_depth;
	bool tx_failed; /* a nested level rolled back: the outermost commit must too */
	const char *tx_file;
	int tx_line;
	char problem[512];
	struct cached_stmt cache[STMT_CACHE];
};

static uint64_t sql_hash(const char *sql)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static int map_error(struct db *d, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_IOERR:
		/* A write or fsync the file system refused for want of space. */
		return d && (sqlite3_system_errno(d->conn) == ENOSPC || sqlite3_system_errno(d->conn) == EDQUOT)
		           ? DB_FULL
		           : DB_ERROR;
	default:
		return DB_ERROR;
	}
}

/*
** Before SQLite's first use in the process: no memory statistics.  With them
** (Debian's default) every allocation SQLite makes takes one global mutex to
** count it, shared by every connection of every thread; a voucher insert
** costs about a fifth more CPU that way.  banyan never reads them.
*/
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int db_open(const char *path, struct db **ret)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, sqlite_configure);
	struct db *d = calloc(1, sizeof *d);
	if (!d)
		return DB_ERROR;
	d->path = strdup(path);
	if (!d->path)
		goto fail;
	int rc =
	    sqlite3_open_v2(path, &d->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(d->conn, 10000);
	sqlite3_extended_result_codes(d->conn, 1);
	/* synchronous=FULL: in WAL mode NORMAL may lose the last commits on power
	** loss, and an acknowledged write (a voucher, an audit row) must survive. */
	if (db_exec(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;") < 0)
		goto fail;
	/* Residual information (等保): a deleted row's bytes (an ended session's
	** tokens) are overwritten, not left in the page's free space.  Debian's
	** SQLite is built this way; other builds are not.  banyan seldom deletes. */
	if (db_exec(d, "PRAGMA secure_delete=ON;") < 0)
		goto fail;
	/* For tests of a full disk only: SQLite then answers SQLITE_FULL past this many pages. */
	const char *max_pages = getenv("BANYAN_DB_MAX_PAGES");
	if (max_pages) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA max_page_count=%lld", atoll(max_pages));
		if (db_exec(d, pragma) < 0)
			goto fail;
	}
	*ret = d;
	return DB_OK;
fail:
	db_close(d);
	return DB_ERROR;
}

void db_close(struct db *d)
{
	if (!d)
		return;
	while (d->open_stmts) {
		log_error("db: statement left open at close: %s", sqlite3_sql(d->open_stmts->stmt));
		db_finalize(d->open_stmts);
	}
	if (d->tx_depth > 0) {
		log_error("db: transaction begun at %s:%d left open at close", d->tx_file, d->tx_line);
		sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
	}
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(d->cache[i].stmt);
	sqlite3_close(d->conn);
	free(d->path);
	free(d);
}

int db_exec(struct db *d, const char *sql)
{
	return map_error(d, sqlite3_exec(d->conn, sql, NULL, NULL, NULL));
}

static int bind_args(struct db_stmt *s, const char *fmt, va_list ap)
{
	int idx = 1, rc = SQLITE_OK;
	for (const char *f = fmt ? fmt : ""; *f && rc == SQLITE_OK; f++, idx++) {
		switch (*f) {
		case 'i':
			rc = sqlite3_bind_int64(s->stmt, idx, va_arg(ap, int64_t));
			break;
		case 'I':
			rc = sqlite3_bind_int64(s->stmt, idx, va_arg(ap, int));
			break;
		case 't': {
			const char *t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(s->stmt, idx, t, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(s->stmt, idx);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(s->stmt, idx, p, n, SQLITE_TRANSIENT);
			break;
		}
		case 'r': {
			int64_t id = va_arg(ap, int64_t);
			rc = id ? sqlite3_bind_int64(s->stmt, idx, id) : sqlite3_bind_null(s->stmt, idx);
			break;
		}
		default:
			return DB_ERROR;
		}
	}
	/* A format that does not match the statement is a bug: say so at once.
	** (No format at all means the values are bound later, with db_rebind.) */
	if (rc == SQLITE_OK && fmt && idx - 1 != sqlite3_bind_parameter_count(s->stmt)) {
		log_error("db: %d values bound but the statement has %d parameters: %s", idx - 1,
		          sqlite3_bind_parameter_count(s->stmt), sqlite3_sql(s->stmt));
		return DB_ERROR;
	}
	return map_error(s->db, rc);
}

static int prepare_v(struct db *d, struct db_stmt **ret, const char *sql, const char *fmt, va_list ap)
{
	*ret = NULL;
	struct db_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return DB_ERROR;
	s->hash = sql_hash(sql);
	struct cached_stmt *c = &d->cache[s->hash % STMT_CACHE];
	int rc = SQLITE_OK;
	if (c->stmt && c->hash == s->hash && strcmp(sqlite3_sql(c->stmt), sql) == 0) {
		s->stmt = c->stmt;
		c->stmt = NULL;
	} else {
		rc = sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt, NULL);
	}
	if (rc != SQLITE_OK) {
		log_error("db: prepare failed: %s: %s", sqlite3_errmsg(d->conn), sql);
		free(s);
		return map_error(d, rc);
	}
	s->db = d;
	s->next = d->open_stmts;
	if (d->open_stmts)
		d->open_stmts->prev = s;
	d->open_stmts = s;
	int r = bind_args(s, fmt, ap);
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
	int rc = sqlite3_step(s->stmt);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return map_error(s->db, rc);
}

int db_rebind(struct db_stmt *s, const char *fmt, ...)
{
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
	va_list ap;
	va_start(ap, fmt);
	int r = bind_args(s, fmt, ap);
	va_end(ap);
	return r;
}

int db_reset(struct db_stmt *s)
{
	return map_error(s->db, sqlite3_reset(s->stmt));
}

void db_finalize(struct db_stmt *s)
{
	if (!s)
		return;
	if (s->prev)
		s->prev->next = s->next;
	else
		s->db->open_stmts = s->next;
	if (s->next)
		s->next->prev = s->prev;
	/* Back to the cache, reset, displacing whatever held its place. */
	struct cached_stmt *c = &s->db->cache[s->hash % STMT_CACHE];
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
	sqlite3_finalize(c->stmt);
	c->hash = s->hash;
	c->stmt = s->stmt;
	free(s);
}

int64_t db_column_int64(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->stmt, col);
}

double db_column_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(s->stmt, col);
}

const char *db_column_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->stmt, col);
}

const void *db_column_blob(struct db_stmt *s, int col, size_t *ret_len)
{
	const void *p = sqlite3_column_blob(s->stmt, col);
	*ret_len = (size_t)sqlite3_column_bytes(s->stmt, col);
	return p;
}

bool db_column_is_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->stmt, col) == SQLITE_NULL;
}

int db_column_count(struct db_stmt *s)
{
	return sqlite3_column_count(s->stmt);
}

const char *db_column_name(struct db_stmt *s, int col)
{
	return sqlite3_column_name(s->stmt, col);
}

int db_column_index(struct db_stmt *s, const char *name)
{
	int n = sqlite3_column_count(s->stmt);
	for (int i = 0; i < n; i++)
		if (strcmp(sqlite3_column_name(s->stmt, i), name) == 0)
			return i;
	return -1;
}

/* A name that is not a column is the programmer's mistake: logged, read as NULL. */
static int named_column(struct db_stmt *s, const char *name)
{
	int col = db_column_index(s, name);
	if (col < 0)
		log_error("db: no column named %s in: %s", name, sqlite3_sql(s->stmt));
	return col;
}

int64_t db_named_int64(struct db_stmt *s, const char *name)
{
	int col = named_column(s, name);
	return col < 0 ? 0 : sqlite3_column_int64(s->stmt, col);
}

const char *db_named_text(struct db_stmt *s, const char *name)
{
	int col = named_column(s, name);
	return col < 0 ? NULL : (const char *)sqlite3_column_text(s->stmt, col);
}

bool db_named_is_null(struct db_stmt *s, const char *name)
{
	int col = named_column(s, name);
	return col < 0 || sqlite3_column_type(s->stmt, col) == SQLITE_NULL;
}

enum db_type db_column_type(struct db_stmt *s, int col)
{
	switch (sqlite3_column_type(s->stmt, col)) {
	case SQLITE_INTEGER:
		return DB_TYPE_INTEGER;
	case SQLITE_FLOAT:
		return DB_TYPE_FLOAT;
	case SQLITE_TEXT:
		return DB_TYPE_TEXT;
	case SQLITE_BLOB:
		return DB_TYPE_BLOB;
	default:
		return DB_TYPE_NULL;
	}
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
	int r = db_exec(d, "BEGIN IMMEDIATE");
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
		db_exec(d, "ROLLBACK");
		return DB_ERROR;
	}
	int r = db_exec(d, "COMMIT");
	if (r < 0)
		db_exec(d, "ROLLBACK");
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
	db_exec(d, "ROLLBACK");
}

bool db_in_transaction(struct db *d)
{
	return d->tx_depth > 0;
}

int64_t db_last_insert_id(struct db *d)
{
	return sqlite3_last_insert_rowid(d->conn);
}

int db_checkpoints_by_hand(struct db *d)
{
	return map_error(d, sqlite3_wal_autocheckpoint(d->conn, 0));
}

int db_cache_size(struct db *d, int mebibytes)
{
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=%d", mebibytes > 0 ? -1024 * mebibytes : -2000);
	return db_exec(d, pragma);
}

int db_checkpoint(struct db *d, int *ret_log_pages)
{
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(d->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	if (ret_log_pages)
		*ret_log_pages = log;
	return map_error(d, rc);
}

int db_changes(struct db *d)
{
	return sqlite3_changes(d->conn);
}

const char *db_errmsg(struct db *d)
{
	return sqlite3_errmsg(d->conn);
}

const char *db_path(struct db *d)
{
	return d->path;
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

int db_migrate(struct db *d, int *ret_applied)
{
	const char *prefix = "src/db/migrations/";
	int current = db_schema_version(d), applied = 0;
	if (current < 0)
		return current;
	size_t end, i = builtin_prefix_range(prefix, &end);
	for (; i < end; i++) {
		const struct builtin_file *f = &builtin_files[i];
		const char *base = f->name + strlen(prefix);
		int version = atoi(base);
		if (version <= 0) {
			log_error("db: migration %s has no number", f->name);
			return DB_ERROR;
		}
		if (version <= current)
			continue;
		int r = db_begin(d);
		if (r < 0)
			return r;
		r = db_exec(d, f->data);
		if (r == DB_OK)
			r = db_run(d,
			           "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, "
			           "strftime('%s','now'))",
			           "It", version, base);
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

int db_backup(struct db *d, const char *path)
{
	sqlite3 *dest;
	int rc = sqlite3_open(path, &dest);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dest, "main", d->conn, "main");
		if (b) {
			/* Copy in steps so writers are not held off for the whole copy. */
			do {
				rc = sqlite3_backup_step(b, 256);
				if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
					sqlite3_sleep(10);
			} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
			int finish = sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? finish : rc;
		} else {
			rc = sqlite3_errcode(dest);
		}
	}
	sqlite3_close(dest);
	return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

int db_integrity_check(struct db *d, bool quick, const char **ret_problem)
{
	struct db_stmt *s;
	*ret_problem = NULL;
	int r = db_prepare(d, &s, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check", NULL);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW && strcmp(db_column_text(s, 0), "ok") != 0) {
		snprintf(d->problem, sizeof d->problem, "%s", db_column_text(s, 0));
		*ret_problem = d->problem;
	}
	db_finalize(s);
	if (r < 0 || *ret_problem || quick)
		return r < 0 ? r : DB_OK;
	r = db_prepare(d, &s, "PRAGMA foreign_key_check", NULL);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW) {
		snprintf(d->problem, sizeof d->problem, "foreign key broken in table %s row %lld", db_column_text(s, 0),
		         (long long)db_column_int64(s, 1));
		*ret_problem = d->problem;
	}
	db_finalize(s);
	return r < 0 ? r : DB_OK;
}
