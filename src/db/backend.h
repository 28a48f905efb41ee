/*
** What a backend of the db interface provides (db/db.h): SQLite (sqlite.c)
** and PostgreSQL (postgres.c).  db.c holds what is the same for both (the
** nesting of transactions, reading by column name, migrations, the helpers
** that prepare, step and finalize) and calls the backend through this table.
** Every handle and statement starts with the common part, so db.c reaches
** it without knowing the backend.
*/
#ifndef BANYAN_DB_BACKEND_H
#define BANYAN_DB_BACKEND_H

#include <stdarg.h>

#include "db/db.h"

struct db_backend {
	const char *name; /* "sqlite" or "postgres": picks a migration's variant */
	void (*close)(struct db *d);
	int (*exec)(struct db *d, const char *sql);
	/* A migration: its SQL, written in SQLite's dialect of DDL, and this backend's part of it or NULL. */
	int (*exec_migration)(struct db *d, const char *sql, const char *variant);
	int (*prepare)(struct db *d, struct db_stmt **ret, const char *sql);
	int (*bind)(struct db_stmt *s, const char *fmt, va_list ap); /* all parameters, from the start */
	int (*step)(struct db_stmt *s);
	int (*reset)(struct db_stmt *s);
	void (*finalize)(struct db_stmt *s);
	const char *(*sql)(struct db_stmt *s); /* for log lines */
	int64_t (*column_int64)(struct db_stmt *s, int col);
	double (*column_double)(struct db_stmt *s, int col);
	const char *(*column_text)(struct db_stmt *s, int col);
	const void *(*column_blob)(struct db_stmt *s, int col, size_t *ret_len);
	enum db_type (*column_type)(struct db_stmt *s, int col);
	int (*column_count)(struct db_stmt *s);
	const char *(*column_name)(struct db_stmt *s, int col);
	/* The outermost transaction's statements: BEGIN taking the write lock at once, COMMIT, ROLLBACK. */
	int (*begin)(struct db *d);
	int (*commit)(struct db *d);
	void (*rollback)(struct db *d);
	int64_t (*last_insert_id)(struct db *d);
	int (*changes)(struct db *d);
	const char *(*errmsg)(struct db *d);
	int (*checkpoints_by_hand)(struct db *d);
	int (*checkpoint)(struct db *d, int *ret_log_pages);
	int (*cache_size)(struct db *d, int mebibytes);
	int (*skip_foreign_keys)(struct db *d);
	/* NULL where every commit is durable when it returns (db_commits_unsynced, db_log_sync) */
	int (*commits_unsynced)(struct db *d);
	int (*log_sync)(struct db *d);
	int (*commits_may_be_lost)(struct db *d);
	int (*backup)(struct db *d, const char *path);
	int (*integrity_check)(struct db *d, bool quick, const char **ret_problem);
};

/* The part of every handle db.c keeps: the backend, the path or URL, the transaction's nesting. */
struct db {
	const struct db_backend *backend;
	char *path;
	int tx_depth;
	bool tx_failed; /* a nested level rolled back: the outermost commit must too */
	const char *tx_file;
	int tx_line;
	char problem[512]; /* db_integrity_check's answer */
};

/* The part of every statement db.c keeps. */
struct db_stmt {
	struct db *db;
};

/* The backends' openers: 0 with *ret set, or an error (after saying why in the log). */
int sqlite_open(const char *path, struct db **ret);
int postgres_open(const char *url, struct db **ret);

#endif
