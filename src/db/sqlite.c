/*
** The SQLite backend of the db interface (db/db.h, db/backend.h).
**
** Open statements are kept on a list per handle so db_close() can finalize
** what a caller forgot (and say where it was prepared, for the log).
*/
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/log.h"
#include "db/backend.h"

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *stmt;
	struct sqlite_stmt *prev, *next;
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

struct sqlite_db {
	struct db base;
	sqlite3 *conn;
	struct sqlite_stmt *open_stmts;
	struct cached_stmt cache[STMT_CACHE];
	int log_fd; /* the log, for db_log_sync() once db_commits_unsynced() opened it; -1 before */
};

static const struct db_backend sqlite_backend;

static struct sqlite_db *lite(struct db *d)
{
	return (struct sqlite_db *)d;
}

static struct sqlite_stmt *lite_stmt(struct db_stmt *s)
{
	return (struct sqlite_stmt *)s;
}

static uint64_t sql_hash(const char *sql)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static int map_error(struct sqlite_db *d, int rc)
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

static int sqlite_exec(struct db *d, const char *sql)
{
	return map_error(lite(d), sqlite3_exec(lite(d)->conn, sql, NULL, NULL, NULL));
}

int sqlite_open(const char *path, struct db **ret)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, sqlite_configure);
	struct sqlite_db *d = calloc(1, sizeof *d);
	if (!d)
		return DB_ERROR;
	d->base.backend = &sqlite_backend;
	d->log_fd = -1;
	d->base.path = strdup(path);
	if (!d->base.path)
		goto fail;
	int rc =
	    sqlite3_open_v2(path, &d->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(d->conn, 10000);
	sqlite3_extended_result_codes(d->conn, 1);
	/* synchronous=FULL: in WAL mode NORMAL may lose the last commits on power
	** loss, and an acknowledged write (a voucher, an audit row) must survive. */
	if (sqlite_exec(&d->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;") < 0)
		goto fail;
	/* Residual information (等保): a deleted row's bytes (an ended session's
	** tokens) are overwritten, not left in the page's free space.  Debian's
	** SQLite is built this way; other builds are not.  banyan seldom deletes. */
	if (sqlite_exec(&d->base, "PRAGMA secure_delete=ON;") < 0)
		goto fail;
	/* For tests of a full disk only: SQLite then answers SQLITE_FULL past this many pages. */
	const char *max_pages = getenv("BANYAN_DB_MAX_PAGES");
	if (max_pages) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA max_page_count=%lld", atoll(max_pages));
		if (sqlite_exec(&d->base, pragma) < 0)
			goto fail;
	}
	*ret = &d->base;
	return DB_OK;
fail:
	db_close(&d->base);
	return DB_ERROR;
}

static void sqlite_finalize(struct db_stmt *stmt);

static void sqlite_close(struct db *db)
{
	struct sqlite_db *d = lite(db);
	while (d->open_stmts) {
		log_error("db: statement left open at close: %s", sqlite3_sql(d->open_stmts->stmt));
		sqlite_finalize(&d->open_stmts->base);
	}
	if (db->tx_depth > 0) {
		log_error("db: transaction begun at %s:%d left open at close", db->tx_file, db->tx_line);
		sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
	}
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(d->cache[i].stmt);
	sqlite3_close(d->conn);
	if (d->log_fd >= 0)
		close(d->log_fd);
	free(db->path);
	free(d);
}

static int sqlite_bind(struct db_stmt *stmt, const char *fmt, va_list ap)
{
	struct sqlite_stmt *s = lite_stmt(stmt);
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
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
	return map_error(lite(stmt->db), rc);
}

static int sqlite_prepare(struct db *db, struct db_stmt **ret, const char *sql)
{
	struct sqlite_db *d = lite(db);
	struct sqlite_stmt *s = calloc(1, sizeof *s);
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
	s->base.db = db;
	s->next = d->open_stmts;
	if (d->open_stmts)
		d->open_stmts->prev = s;
	d->open_stmts = s;
	*ret = &s->base;
	return DB_OK;
}

static int sqlite_step(struct db_stmt *s)
{
	int rc = sqlite3_step(lite_stmt(s)->stmt);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return map_error(lite(s->db), rc);
}

static int sqlite_reset(struct db_stmt *s)
{
	return map_error(lite(s->db), sqlite3_reset(lite_stmt(s)->stmt));
}

static void sqlite_finalize(struct db_stmt *stmt)
{
	struct sqlite_stmt *s = lite_stmt(stmt);
	struct sqlite_db *d = lite(stmt->db);
	if (s->prev)
		s->prev->next = s->next;
	else
		d->open_stmts = s->next;
	if (s->next)
		s->next->prev = s->prev;
	/* Back to the cache, reset, displacing whatever held its place. */
	struct cached_stmt *c = &d->cache[s->hash % STMT_CACHE];
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
	sqlite3_finalize(c->stmt);
	c->hash = s->hash;
	c->stmt = s->stmt;
	free(s);
}

static const char *sqlite_sql(struct db_stmt *s)
{
	return sqlite3_sql(lite_stmt(s)->stmt);
}

static int64_t sqlite_column_int64(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(lite_stmt(s)->stmt, col);
}

static double sqlite_column_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(lite_stmt(s)->stmt, col);
}

static const char *sqlite_column_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(lite_stmt(s)->stmt, col);
}

static const void *sqlite_column_blob(struct db_stmt *s, int col, size_t *ret_len)
{
	const void *p = sqlite3_column_blob(lite_stmt(s)->stmt, col);
	*ret_len = (size_t)sqlite3_column_bytes(lite_stmt(s)->stmt, col);
	return p;
}

static int sqlite_column_count(struct db_stmt *s)
{
	return sqlite3_column_count(lite_stmt(s)->stmt);
}

static const char *sqlite_column_name(struct db_stmt *s, int col)
{
	return sqlite3_column_name(lite_stmt(s)->stmt, col);
}

static enum db_type sqlite_column_type(struct db_stmt *s, int col)
{
	switch (sqlite3_column_type(lite_stmt(s)->stmt, col)) {
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

/* BEGIN IMMEDIATE: the write lock at once, so two writers never deadlock upgrading a read lock. */
static int sqlite_begin(struct db *d)
{
	return sqlite_exec(d, "BEGIN IMMEDIATE");
}

static int sqlite_commit(struct db *d)
{
	return sqlite_exec(d, "COMMIT");
}

static void sqlite_rollback(struct db *d)
{
	sqlite_exec(d, "ROLLBACK");
}

static int64_t sqlite_last_insert_id(struct db *d)
{
	return sqlite3_last_insert_rowid(lite(d)->conn);
}

static int sqlite_checkpoints_by_hand(struct db *d)
{
	return map_error(lite(d), sqlite3_wal_autocheckpoint(lite(d)->conn, 0));
}

static int sqlite_cache_size(struct db *d, int mebibytes)
{
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=%d", mebibytes > 0 ? -1024 * mebibytes : -2000);
	return sqlite_exec(d, pragma);
}

static int sqlite_skip_foreign_keys(struct db *d)
{
	return sqlite_exec(d, "PRAGMA foreign_keys=OFF");
}

/* Flush a file or directory by name (db_commits_unsynced: the log's directory entry). */
static int sync_path(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

/*
** In WAL mode with synchronous=NORMAL a commit writes its pages to the log
** and returns; the log is flushed only before a checkpoint copies it (which
** then flushes the database file), so nothing committed is lost to a crash
** of the process, only to one of the machine, until db_log_sync().  The log
** is the same file while d is open (SQLite removes it only when the last
** connection closes, and restarts it by writing over it from the start), so
** one descriptor serves; the first read made sure it exists, and its name is
** flushed in its directory once, as SQLite does for a new file it syncs.
*/
static int sqlite_commits_may_be_lost(struct db *db)
{
	return sqlite_exec(db, "PRAGMA synchronous=OFF");
}

static int sqlite_commits_unsynced(struct db *db)
{
	struct sqlite_db *d = lite(db);
	if (sqlite_exec(db, "PRAGMA synchronous=NORMAL; SELECT count(*) FROM sqlite_master") < 0)
		return DB_ERROR;
	const char *log = sqlite3_filename_wal(sqlite3_db_filename(d->conn, "main"));
	char dir[4096];
	const char *slash = log ? strrchr(log, '/') : NULL;
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - log) + 1 : 1, slash ? log : ".");
	if (!log || (d->log_fd = open(log, O_RDONLY | O_CLOEXEC)) < 0 || sync_path(dir, O_DIRECTORY) < 0) {
		log_error("db: cannot open the log %s to flush it: %s", log ? log : "(none)", strerror(errno));
		return DB_ERROR;
	}
	return 0;
}

static int sqlite_log_sync(struct db *db)
{
	return fdatasync(lite(db)->log_fd) == 0 ? 0 : DB_ERROR;
}

static int sqlite_checkpoint(struct db *d, int *ret_log_pages)
{
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(lite(d)->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	if (ret_log_pages)
		*ret_log_pages = log;
	return map_error(lite(d), rc);
}

static int sqlite_changes(struct db *d)
{
	return sqlite3_changes(lite(d)->conn);
}

static const char *sqlite_errmsg(struct db *d)
{
	return sqlite3_errmsg(lite(d)->conn);
}

static int sqlite_backup(struct db *d, const char *path)
{
	sqlite3 *dest;
	int rc = sqlite3_open(path, &dest);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dest, "main", lite(d)->conn, "main");
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

static int sqlite_integrity_check(struct db *d, bool quick, const char **ret_problem)
{
	struct db_stmt *s;
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

/* A migration's SQL is SQLite's already: the backends' parts are the others'. */
static int sqlite_exec_migration(struct db *d, const char *sql, const char *variant)
{
	(void)variant;
	return sqlite_exec(d, sql);
}

static const struct db_backend sqlite_backend = {
    .name = "sqlite",
    .close = sqlite_close,
    .exec = sqlite_exec,
    .exec_migration = sqlite_exec_migration,
    .prepare = sqlite_prepare,
    .bind = sqlite_bind,
    .step = sqlite_step,
    .reset = sqlite_reset,
    .finalize = sqlite_finalize,
    .sql = sqlite_sql,
    .column_int64 = sqlite_column_int64,
    .column_double = sqlite_column_double,
    .column_text = sqlite_column_text,
    .column_blob = sqlite_column_blob,
    .column_type = sqlite_column_type,
    .column_count = sqlite_column_count,
    .column_name = sqlite_column_name,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .last_insert_id = sqlite_last_insert_id,
    .changes = sqlite_changes,
    .errmsg = sqlite_errmsg,
    .checkpoints_by_hand = sqlite_checkpoints_by_hand,
    .checkpoint = sqlite_checkpoint,
    .cache_size = sqlite_cache_size,
    .skip_foreign_keys = sqlite_skip_foreign_keys,
    .commits_unsynced = sqlite_commits_unsynced,
    .log_sync = sqlite_log_sync,
    .commits_may_be_lost = sqlite_commits_may_be_lost,
    .backup = sqlite_backup,
    .integrity_check = sqlite_integrity_check,
};
