/*
** The db interface: the only way banyan code talks to its database.
**
** It feels like Fossil's db.c: prepare a statement with bound values, step
** through rows, finalize.  Transactions nest by counting; the outermost
** begin records the file and line that opened it, so a transaction left open
** is reported with its origin.  Keeping every SQL call behind this small
** surface is what lets a PostgreSQL backend be added beside SQLite without
** touching the domains.
**
** Errors are negative: DB_ERROR in general, DB_CONSTRAINT when a UNIQUE,
** CHECK or FOREIGN KEY constraint refused a write (the caller usually
** answers 409 or 422), DB_BUSY when the database stayed locked past the
** busy timeout, DB_FULL when the disk (or the database's size limit) has no
** room for the write (the caller answers 503: nothing was saved), DB_LOST
** when the connection to the database server broke (PostgreSQL restarted:
** the transaction is gone, the caller answers 503; the handle reconnects at
** its next statement outside a transaction).
** db_errmsg() describes the last error on that handle.
** A handle is used by one thread at a time.
*/
#ifndef BANYAN_DB_DB_H
#define BANYAN_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum {
	DB_OK = 0,
	DB_ROW = 1,  /* db_step: a row is ready */
	DB_DONE = 2, /* db_step: no more rows */
	DB_ERROR = -1,
	DB_CONSTRAINT = -2,
	DB_BUSY = -3,
	DB_FULL = -4,
	DB_LOST = -5,
};

/*
** Open (creating if needed) the database at path: WAL journal, foreign keys
** on, synchronous=FULL so a commit is on disk when it returns, and a busy
** timeout.  A path that is a PostgreSQL URL (postgresql://… or postgres://…)
** connects to that database instead (see postgres.c).  Does not migrate: see
** db_migrate().
*/
int db_open(const char *path, struct db **ret);
bool db_is_postgres(const char *path); /* a PostgreSQL URL rather than a file? */
/*
** PostgreSQL: every identity column's sequence set past the largest id in its
** table (or to its start for an empty one), after rows were written with
** their ids (a migration's seed rows, a copied city), so the next insert does
** not take a taken id.
*/
#define DB_PG_SEQUENCES_PAST_IDS                                                                                       \
	"DO $$ DECLARE c record; BEGIN"                                                                                \
	" FOR c IN SELECT table_name, column_name FROM information_schema.columns"                                     \
	" WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP"                                          \
	" EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 1),"                         \
	" max(%I) IS NOT NULL) FROM %I', c.table_name, c.column_name, c.column_name,"                                  \
	" c.column_name, c.table_name);"                                                                               \
	" END LOOP; END $$"
/* Is there a database at path (a file; a URL is taken to name one, and connecting will tell)? */
bool db_exists(const char *path);
void db_close(struct db *d); /* NULL is fine; finalizes any statement left open */

/* Apply the embedded migrations (src/db/migrations/NNNN_*.sql) not yet applied,
** each in its own transaction.  *ret_applied (may be NULL) counts them. */
int db_migrate(struct db *d, int *ret_applied);
int db_schema_version(struct db *d); /* highest applied migration, or negative error */
int db_schema_latest(void);          /* the version db_migrate() brings a database to: this binary's */

/* Run SQL with no parameters and no rows (may hold several statements). */
int db_exec(struct db *d, const char *sql);

/*
** Prepare a statement and bind its parameters from a format string: one
** character per parameter, 'i' int64_t, 'I' int (widened), 'r' int64_t row
** id where 0 binds NULL (an optional reference), 't' const char * (NULL binds
** NULL), 'b' blob as (const void *, size_t).  The format must give every
** parameter of the statement (a mismatch fails with DB_ERROR and a log line);
** a NULL format binds nothing, for a statement bound later with db_rebind().
** On failure *ret is NULL, which db_finalize() takes: callers step while the
** result is not an error and finalize whatever they got.
*/
int db_prepare(struct db *d, struct db_stmt **ret, const char *sql, const char *fmt, ...);
int db_step(struct db_stmt *s); /* DB_ROW, DB_DONE or an error */
/* Reset a prepared statement and bind new values (the format of db_prepare): for loops. */
int db_rebind(struct db_stmt *s, const char *fmt, ...);
int db_reset(struct db_stmt *s);     /* to step again with the same bindings */
void db_finalize(struct db_stmt *s); /* NULL is fine */

int64_t db_column_int64(struct db_stmt *s, int col);
double db_column_double(struct db_stmt *s, int col);
const char *db_column_text(struct db_stmt *s, int col); /* NULL for SQL NULL; valid until the next step */
const void *db_column_blob(struct db_stmt *s, int col, size_t *ret_len);
bool db_column_is_null(struct db_stmt *s, int col);
int db_column_count(struct db_stmt *s);
const char *db_column_name(struct db_stmt *s, int col);
/* The column named so (its SQL alias), or -1: for code that reads a row by name, not position. */
int db_column_index(struct db_stmt *s, const char *name);
/* The column named so, read as db_column_int64/_text/_is_null read column db_column_index(s, name). */
int64_t db_named_int64(struct db_stmt *s, const char *name);
const char *db_named_text(struct db_stmt *s, const char *name);
bool db_named_is_null(struct db_stmt *s, const char *name);

/* What a column of the current row holds (PostgreSQL: by the column's type). */
enum db_type { DB_TYPE_NULL, DB_TYPE_INTEGER, DB_TYPE_FLOAT, DB_TYPE_TEXT, DB_TYPE_BLOB };
enum db_type db_column_type(struct db_stmt *s, int col);

/* Prepare, bind, step once, finalize: for INSERT/UPDATE/DELETE. */
int db_run(struct db *d, const char *sql, const char *fmt, ...);
/* The int64 in the first column of the first row; DB_DONE if no row. */
int db_query_int64(struct db *d, int64_t *ret, const char *sql, const char *fmt, ...);

/*
** Transactions.  db_begin() takes the write lock at once (BEGIN IMMEDIATE),
** so two writers never deadlock upgrading a read lock.  Nested begins only
** count; the outermost commit or rollback ends the transaction.  A rollback
** inside a nested level makes the outer commit roll back too.
*/
#define db_begin(d) db_begin_at((d), __FILE__, __LINE__)
int db_begin_at(struct db *d, const char *file, int line);
int db_commit(struct db *d);
void db_rollback(struct db *d);
bool db_in_transaction(struct db *d);

int64_t db_last_insert_id(struct db *d);
int db_changes(struct db *d);
const char *db_errmsg(struct db *d);
const char *db_path(struct db *d);

/*
** Checkpoints: copying what the write-ahead log holds into the database file.
** By default a commit that grows the log past 1,000 pages does it, on the
** committing thread.  db_checkpoints_by_hand() turns that off for d (a busy
** writer that should not stall); someone must then call db_checkpoint(),
** from any connection.  It is passive: it copies what no reader still needs
** and waits for nobody.  The log starts afresh at the first commit after a
** checkpoint that copied all of it.  *ret_log_pages: the log's length in
** pages (-1 if the checkpoint could not run).  Backends without such a log
** do nothing.
*/
int db_checkpoints_by_hand(struct db *d);
int db_checkpoint(struct db *d, int *ret_log_pages);

/*
** The pages a connection keeps in memory: mebibytes for a bulk write that
** touches many (an import), 0 for the default again.  Backends that manage
** their own cache do nothing.
*/
int db_cache_size(struct db *d, int mebibytes);

/* The connection's writes skip foreign-key checks from now on (SQLite, for a
** writer whose references are right by construction); PostgreSQL always checks. */
int db_skip_foreign_keys(struct db *d);

/*
** Commits that return before they are on disk, for a writer that overlaps
** its next transaction with the flush of the last (SQLite: synchronous=NORMAL
** on d: a commit returns once its pages are written to the log, not yet
** flushed).  db_log_sync() then makes every commit d has returned durable; one
** other thread may call it while d's own thread goes on (SQLite: fdatasync()
** of the log through a descriptor of its own).  Nothing a commit returned
** may be acknowledged before a db_log_sync() begun after it has returned 0.
** Backends whose commits are durable when they return do nothing for either.
*/
int db_commits_unsynced(struct db *d);
int db_log_sync(struct db *d);

/*
** Commits on d that a crash of the database server may lose, returning
** without waiting for any disk (PostgreSQL: synchronous_commit off, kept
** across reconnections; SQLite: synchronous=OFF).  Only for rows whose loss
** nobody can notice: the nonces of signed requests that are idempotent
** anyway (src/http/nonces.c).
*/
int db_commits_may_be_lost(struct db *d);

/* Copy the live database to path with SQLite's online backup (safe while serving). */
int db_backup(struct db *d, const char *path);
/* PRAGMA integrity_check and foreign_key_check, or with quick only PRAGMA
** quick_check (no index contents, no foreign keys: for every start); *ret_problem
** (arena-free static buffer owned by the handle) describes the first problem or is NULL. */
int db_integrity_check(struct db *d, bool quick, const char **ret_problem);

#endif
