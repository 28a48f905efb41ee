/*
** The PostgreSQL backend of the db interface (db/db.h, db/backend.h), over
** libpq.  `--db postgresql://…` picks it (db_open).
**
** The domains' SQL is written once, in the dialect both engines share; what
** differs is bridged here:
**   - parameters: the domains write `?`, PostgreSQL wants `$1, $2, …`:
**     renumbered when a statement is prepared (outside quotes and comments);
**   - values: integers are sent as int8, text as text, blobs as binary
**     bytea (typed, so `? IS NULL` and `SELECT ?` need no cast); results come back as text and
**     are read as the db_column_* functions ask (booleans read as 1 and 0);
**   - writes: db_begin() opens a transaction that first takes one advisory
**     lock, the same for every writer of the database on every node, so
**     write transactions run one at a time as they do on SQLite (BEGIN
**     IMMEDIATE), and every invariant the domains keep by reading then
**     writing inside a transaction holds here too.  Reads outside a
**     transaction run side by side;
**   - a failed statement inside a transaction: SQLite lets the transaction
**     go on (a caller may meet a unique key, answer 409 and still commit
**     its audit row); PostgreSQL aborts the whole transaction.  So each
**     statement inside a transaction runs under a savepoint, rolled back to
**     when the statement fails;
**   - migrations: written in SQLite's DDL, translated (pg_translate_ddl);
**     what cannot be translated (triggers, generated columns) sits between
**     "-- sqlite only" and "-- end sqlite only" lines, and the migration's
**     NNNN_name.postgres.sql holds PostgreSQL's equivalent.
** Errors map by SQLSTATE: class 23 (integrity) DB_CONSTRAINT; serialization
** failures, deadlocks and lock timeouts DB_BUSY; disk full DB_FULL; a lost
** connection DB_LOST.  A lost connection is made again at the handle's next
** statement outside a transaction (never inside one: its first statements
** died with the old connection, and the rest must not commit alone), so a
** server restart costs the requests in flight a 503 and nothing more.
*/
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/log.h"
#include "db/backend.h"

/* Type OIDs (pg_type.h is a server header; these numbers are fixed). */
enum {
	OID_BOOL = 16,
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_TEXT = 25,
	OID_OID = 26,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700
};

/* The advisory lock every write transaction takes first: "banyan" in ASCII. */
#define WRITE_LOCK "98971101219711"

struct pg_db {
	struct db base;
	PGconn *conn;
	int changes; /* rows the last statement wrote */
	bool in_transaction; /* BEGIN sent, COMMIT or ROLLBACK not yet */
	bool lost;           /* the connection broke: made again outside a transaction */
	bool lossy;          /* db_commits_may_be_lost(): synchronous_commit off */
	char error[512];
};

struct pg_stmt {
	struct db_stmt base;
	char *sql;    /* as the caller wrote it, for the log */
	char *pg_sql; /* with $n */
	int n_params;
	char **values;
	int *lengths, *formats;
	Oid *types;
	PGresult *result;
	PGresult *described; /* the columns, asked for before the statement ran */
	int row, rows; /* the current row (-1 before the first), how many */
	bool executed;
	unsigned char *blob; /* the last bytea read, unescaped */
};

static const struct db_backend postgres_backend;

static struct pg_db *pg(struct db *d)
{
	return (struct pg_db *)d;
}

static struct pg_stmt *pg_stmt(struct db_stmt *s)
{
	return (struct pg_stmt *)s;
}

/* The db error code of a failed result, its message kept for db_errmsg(). */
static int map_result(struct pg_db *d, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(d->error, sizeof d->error, "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
	d->error[strcspn(d->error, "\n")] = 0;
	if (!state) {
		/* No answer from the server (whose errors all carry a SQLSTATE): the connection is gone,
		** though libpq may not say so yet when the server closed it mid-pipeline (see the top of the file). */
		if (!d->lost)
			log_error("db: connection to PostgreSQL lost (%s)", d->error);
		d->lost = true;
		return DB_LOST;
	}
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return DB_BUSY;
	if (strcmp(state, "53100") == 0)
		return DB_FULL;
	return DB_ERROR;
}

/* The session's settings, on every new connection. */
static int pg_session_settings(struct pg_db *d);

/*
** A connection to run a statement on: the one there is, or, when it was
** lost outside a transaction, a new one; DB_LOST while a transaction that
** died with the old one is still open (until its rollback).
*/
static int pg_connected(struct pg_db *d)
{
	if (!d->lost)
		return DB_OK;
	if (d->in_transaction) {
		snprintf(d->error, sizeof d->error, "the connection to PostgreSQL was lost in this transaction");
		return DB_LOST;
	}
	PQreset(d->conn);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		snprintf(d->error, sizeof d->error, "cannot reconnect to PostgreSQL: %s", PQerrorMessage(d->conn));
		d->error[strcspn(d->error, "\n")] = 0;
		return DB_LOST;
	}
	d->lost = false;
	if (pg_session_settings(d) < 0)
		return DB_LOST;
	log_info("db: reconnected to PostgreSQL");
	return DB_OK;
}

/* Run SQL without parameters; the status of its last statement. */
static int pg_exec(struct db *db, const char *sql)
{
	struct pg_db *d = pg(db);
	int ok = pg_connected(d);
	if (ok < 0)
		return ok;
	PGresult *res = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int r = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? DB_OK : map_result(d, res);
	PQclear(res);
	return r;
}

/* A character that continues a word of SQL (so INTEGER in INTEGERS is no match). */
static bool word_char(char c)
{
	return c == '_' || isalnum((unsigned char)c);
}

/*
** SQLite's DDL in PostgreSQL's words: INTEGER PRIMARY KEY (SQLite's rowid,
** numbered by the database) an identity column; INTEGER 64 bits as
** SQLite's are; BLOB bytea; REAL double precision; WITHOUT ROWID dropped;
** a VIRTUAL generated column STORED; and the lines between "-- sqlite only"
** and "-- end sqlite only" left out.
** Words are matched whole and upper-case only, outside quotes and comments,
** which is how the migrations write them.
*/
static char *pg_translate_ddl(const char *sql)
{
	static const struct {
		const char *from, *to;
	} words[] = {
	    {"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
	    {"INTEGER", "BIGINT"},
	    {"BLOB", "BYTEA"},
	    {"REAL", "DOUBLE PRECISION"},
	    {"WITHOUT ROWID", ""},
	    {"COLLATE NOCASE", ""}, /* 0001_foundation.postgres.sql gives the column its collation */
	    {"VIRTUAL", "STORED"},  /* PostgreSQL 15 stores generated columns */
	};
	size_t cap = strlen(sql) * 3 + 1, n = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	bool skipping = false;
	for (const char *p = sql; *p;) {
		bool line_start = p == sql || p[-1] == '\n';
		if (line_start && strncmp(p, "-- sqlite only", 14) == 0)
			skipping = true;
		if (line_start && strncmp(p, "-- end sqlite only", 18) == 0) {
			skipping = false;
			p += strcspn(p, "\n");
			continue;
		}
		if (skipping) {
			p++;
			continue;
		}
		if (*p == '\'' || (p[0] == '-' && p[1] == '-')) { /* a string or a comment: copied as it is */
			const char *end = *p == '\'' ? strchr(p + 1, '\'') : strchr(p, '\n');
			size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
			memcpy(out + n, p, len);
			n += len;
			p += len;
			continue;
		}
		bool word_start = p == sql || !word_char(p[-1]);
		size_t i = 0, len = 0;
		for (; word_start && i < sizeof words / sizeof words[0]; i++) {
			len = strlen(words[i].from);
			/* p[len] is read only once the word matched: till then it may lie past the text's end. */
			if (strncmp(p, words[i].from, len) == 0 && !word_char(p[len]))
				break;
		}
		if (word_start && i < sizeof words / sizeof words[0]) {
			size_t to = strlen(words[i].to);
			memcpy(out + n, words[i].to, to);
			n += to;
			p += len;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = 0;
	return out;
}

/* The migration translated, then its PostgreSQL part (NNNN_name.postgres.sql) if it has one. */
static int pg_exec_migration(struct db *db, const char *sql, const char *variant)
{
	char *translated = pg_translate_ddl(sql);
	if (!translated)
		return DB_ERROR;
	int r = pg_exec(db, translated);
	free(translated);
	if (r == DB_OK && variant)
		r = pg_exec(db, variant);
	/* Seed rows go in with their ids (0021's supply items): the sequences must start past them. */
	bool seeds = strstr(sql, "INSERT INTO") || (variant && strstr(variant, "INSERT INTO"));
	return r == DB_OK && seeds ? pg_exec(db, DB_PG_SEQUENCES_PAST_IDS) : r;
}

static int pg_session_settings(struct pg_db *d)
{
	/* Times are Unix seconds in the tables, but now() and casts must not depend on the server's zone;
	** a commit returns once it is on disk (and on the synchronous standbys the server names), unless
	** the connection's commits may be lost (db_commits_may_be_lost). */
	char sql[128];
	snprintf(sql, sizeof sql, "SET TIME ZONE 'UTC'; SET synchronous_commit = %s; SET client_min_messages = warning",
	         d->lossy ? "off" : "on");
	return pg_exec(&d->base, sql);
}

static int pg_commits_may_be_lost(struct db *db)
{
	struct pg_db *d = pg(db);
	d->lossy = true;
	return pg_session_settings(d);
}

int postgres_open(const char *url, struct db **ret)
{
	struct pg_db *d = calloc(1, sizeof *d);
	if (!d)
		return DB_ERROR;
	d->base.backend = &postgres_backend;
	d->base.path = strdup(url);
	d->conn = PQconnectdb(url);
	if (!d->base.path || PQstatus(d->conn) != CONNECTION_OK) {
		log_error("db: cannot connect to PostgreSQL: %s", d->conn ? PQerrorMessage(d->conn) : "out of memory");
		goto fail;
	}
	if (pg_session_settings(d) < 0)
		goto fail;
	*ret = &d->base;
	return DB_OK;
fail:
	PQfinish(d->conn);
	free(d->base.path);
	free(d);
	return DB_ERROR;
}

static void pg_close(struct db *db)
{
	struct pg_db *d = pg(db);
	if (db->tx_depth > 0) {
		log_error("db: transaction begun at %s:%d left open at close", db->tx_file, db->tx_line);
		pg_exec(db, "ROLLBACK");
	}
	PQfinish(d->conn);
	free(db->path);
	free(d);
}

/*
** The caller's parameters as PostgreSQL's $1, $2, … outside quotes and
** comments: `?NNN` keeps its number, a bare `?` takes the next after the
** largest so far (SQLite's rule).  *ret_n: the largest number.
*/
static char *number_params(const char *sql, int *ret_n)
{
	char *out = malloc(strlen(sql) * 4 + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	int largest = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"' || (p[0] == '-' && p[1] == '-')) {
			const char *end = p[0] == '-' ? strchr(p, '\n') : strchr(p + 1, *p);
			size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
			memcpy(out + n, p, len);
			n += len;
			p += len;
		} else if (*p == '?') {
			char *end;
			long number = strtol(p + 1, &end, 10);
			if (end == p + 1)
				number = largest + 1;
			if (number > largest)
				largest = (int)number;
			n += (size_t)sprintf(out + n, "$%ld", number);
			p = end;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = 0;
	*ret_n = largest;
	return out;
}

static void clear_values(struct pg_stmt *s)
{
	for (int i = 0; s->values && i < s->n_params; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
}

static void clear_result(struct pg_stmt *s)
{
	PQclear(s->result);
	s->result = NULL;
	PQfreemem(s->blob);
	s->blob = NULL;
	s->row = -1;
	s->rows = 0;
	s->executed = false;
}

static int pg_prepare(struct db *db, struct db_stmt **ret, const char *sql)
{
	struct pg_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return DB_ERROR;
	s->base.db = db;
	s->sql = strdup(sql);
	s->pg_sql = number_params(sql, &s->n_params);
	s->values = calloc((size_t)s->n_params + 1, sizeof *s->values);
	s->lengths = calloc((size_t)s->n_params + 1, sizeof *s->lengths);
	s->formats = calloc((size_t)s->n_params + 1, sizeof *s->formats);
	s->types = calloc((size_t)s->n_params + 1, sizeof *s->types);
	s->row = -1;
	if (!s->sql || !s->pg_sql || !s->values || !s->lengths || !s->formats || !s->types) {
		db_finalize(&s->base);
		return DB_ERROR;
	}
	*ret = &s->base;
	return DB_OK;
}

static int set_text(struct pg_stmt *s, int i, Oid type, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vasprintf(&s->values[i], fmt, ap);
	va_end(ap);
	if (len < 0) {
		s->values[i] = NULL;
		return DB_ERROR;
	}
	s->lengths[i] = len;
	s->formats[i] = 0;
	s->types[i] = type;
	return DB_OK;
}

static int pg_bind(struct db_stmt *stmt, const char *fmt, va_list ap)
{
	struct pg_stmt *s = pg_stmt(stmt);
	clear_result(s);
	clear_values(s);
	/* A format that does not match the statement is a bug: say so at once (as sqlite.c does). */
	if (fmt && (int)strlen(fmt) != s->n_params) {
		log_error("db: %d values bound but the statement has %d parameters: %s", (int)strlen(fmt), s->n_params,
		          s->sql);
		return DB_ERROR;
	}
	int r = DB_OK;
	for (int i = 0; fmt && fmt[i] && r == DB_OK; i++) {
		switch (fmt[i]) {
		case 'i':
			r = set_text(s, i, OID_INT8, "%lld", (long long)va_arg(ap, int64_t));
			break;
		case 'I':
			r = set_text(s, i, OID_INT8, "%d", va_arg(ap, int));
			break;
		case 'r': {
			int64_t id = va_arg(ap, int64_t);
			s->types[i] = OID_INT8;
			if (id)
				r = set_text(s, i, OID_INT8, "%lld", (long long)id);
			break;
		}
		case 't': {
			const char *t = va_arg(ap, const char *);
			s->types[i] = OID_TEXT;
			if (t)
				r = set_text(s, i, OID_TEXT, "%s", t);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			s->values[i] = malloc(n ? n : 1);
			if (!s->values[i])
				return DB_ERROR;
			memcpy(s->values[i], p, n);
			s->lengths[i] = (int)n;
			s->formats[i] = 1;
			s->types[i] = OID_BYTEA;
			break;
		}
		default:
			return DB_ERROR;
		}
	}
	return r;
}

/* The one result of a query sent in a pipeline (the NULL that ends it read too). */
static PGresult *pipeline_result(PGconn *conn)
{
	PGresult *res = PQgetResult(conn);
	if (res && PQresultStatus(res) != PGRES_PIPELINE_SYNC)
		PQclear(PQgetResult(conn));
	return res;
}

/*
** Inside a transaction each statement runs under a savepoint (see the top of
** the file): the savepoint, the statement and its release go to the server
** in one pipeline, one round trip instead of three; a failed statement makes
** the server skip the release, and the rollback to the savepoint follows.
*/
static PGresult *run(struct pg_db *d, struct pg_stmt *s)
{
	if (pg_connected(d) < 0)
		return NULL; /* map_result() then finds the connection bad */
	PGconn *conn = d->conn;
	if (d->base.tx_depth == 0)
		return PQexecParams(conn, s->pg_sql, s->n_params, s->types, (const char *const *)s->values, s->lengths,
		                    s->formats, 0);
	if (!PQenterPipelineMode(conn) ||
	    !PQsendQueryParams(conn, "SAVEPOINT banyan_statement", 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQsendQueryParams(conn, s->pg_sql, s->n_params, s->types, (const char *const *)s->values, s->lengths,
	                       s->formats, 0) ||
	    !PQsendQueryParams(conn, "RELEASE SAVEPOINT banyan_statement", 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQpipelineSync(conn)) {
		PQexitPipelineMode(conn);
		return NULL;
	}
	PQclear(pipeline_result(conn));        /* SAVEPOINT */
	PGresult *res = pipeline_result(conn); /* the statement */
	PQclear(pipeline_result(conn));        /* RELEASE, or skipped after a failure */
	PGresult *sync = PQgetResult(conn);    /* the pipeline's end */
	bool complete = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	if (!complete || !PQexitPipelineMode(conn)) {
		PQclear(res);
		return NULL; /* the connection is broken: map_result() says so */
	}
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT banyan_statement"));
	return res;
}

static int pg_step(struct db_stmt *stmt)
{
	struct pg_stmt *s = pg_stmt(stmt);
	struct pg_db *d = pg(stmt->db);
	if (!s->executed) {
		s->executed = true;
		s->result = run(d, s);
		ExecStatusType st = PQresultStatus(s->result);
		if (st == PGRES_COMMAND_OK) {
			d->changes = atoi(PQcmdTuples(s->result));
		} else if (st == PGRES_TUPLES_OK) {
			s->rows = PQntuples(s->result);
			const char *tuples = PQcmdTuples(s->result); /* INSERT … RETURNING counts its rows */
			d->changes = *tuples ? atoi(tuples) : 0;
		} else {
			int r = map_result(d, s->result);
			if (r != DB_CONSTRAINT)
				log_error("db: %s: %s", d->error, s->sql);
			return r;
		}
	}
	PQfreemem(s->blob);
	s->blob = NULL;
	return ++s->row < s->rows ? DB_ROW : DB_DONE;
}

static int pg_reset(struct db_stmt *stmt)
{
	clear_result(pg_stmt(stmt));
	return DB_OK;
}

static void pg_finalize(struct db_stmt *stmt)
{
	struct pg_stmt *s = pg_stmt(stmt);
	clear_result(s);
	clear_values(s);
	PQclear(s->described);
	free(s->values);
	free(s->lengths);
	free(s->formats);
	free(s->types);
	free(s->sql);
	free(s->pg_sql);
	free(s);
}

static const char *pg_sql(struct db_stmt *s)
{
	return pg_stmt(s)->sql;
}

static const char *value(struct db_stmt *stmt, int col)
{
	struct pg_stmt *s = pg_stmt(stmt);
	if (!s->result || s->row < 0 || s->row >= s->rows || col < 0 || col >= PQnfields(s->result) ||
	    PQgetisnull(s->result, s->row, col))
		return NULL;
	return PQgetvalue(s->result, s->row, col);
}

static int64_t pg_column_int64(struct db_stmt *s, int col)
{
	const char *v = value(s, col);
	if (!v)
		return 0;
	if (PQftype(pg_stmt(s)->result, col) == OID_BOOL)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static double pg_column_double(struct db_stmt *s, int col)
{
	const char *v = value(s, col);
	if (!v)
		return 0;
	if (PQftype(pg_stmt(s)->result, col) == OID_BOOL)
		return v[0] == 't';
	return strtod(v, NULL);
}

static const char *pg_column_text(struct db_stmt *s, int col)
{
	const char *v = value(s, col);
	if (v && PQftype(pg_stmt(s)->result, col) == OID_BOOL)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static const void *pg_column_blob(struct db_stmt *stmt, int col, size_t *ret_len)
{
	struct pg_stmt *s = pg_stmt(stmt);
	const char *v = value(stmt, col);
	*ret_len = 0;
	if (!v)
		return NULL;
	if (PQftype(s->result, col) != OID_BYTEA) {
		*ret_len = strlen(v);
		return v;
	}
	PQfreemem(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)v, ret_len);
	return s->blob;
}

static enum db_type pg_column_type(struct db_stmt *stmt, int col)
{
	const char *v = value(stmt, col);
	if (!v)
		return DB_TYPE_NULL;
	switch (PQftype(pg_stmt(stmt)->result, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return DB_TYPE_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return DB_TYPE_FLOAT;
	case OID_NUMERIC: /* sum() of integers is numeric: whole numbers read as integers */
		return strpbrk(v, ".eE") ? DB_TYPE_FLOAT : DB_TYPE_INTEGER;
	case OID_BYTEA:
		return DB_TYPE_BLOB;
	default:
		return DB_TYPE_TEXT;
	}
}

/* The result's columns; before the statement ran (SQLite knows them then too), by describing it. */
static const PGresult *fields(struct pg_stmt *s)
{
	if (s->result)
		return s->result;
	if (!s->described) {
		PGconn *conn = pg(s->base.db)->conn;
		PQclear(PQprepare(conn, "", s->pg_sql, s->n_params, s->types));
		s->described = PQdescribePrepared(conn, "");
	}
	return s->described;
}

static int pg_column_count(struct db_stmt *s)
{
	return PQnfields(fields(pg_stmt(s)));
}

static const char *pg_column_name(struct db_stmt *s, int col)
{
	const char *name = PQfname(fields(pg_stmt(s)), col);
	return name ? name : "";
}

static int pg_begin(struct db *db)
{
	int r = pg_exec(db, "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK ")");
	pg(db)->in_transaction = r == DB_OK;
	return r;
}

static int pg_commit(struct db *db)
{
	struct pg_db *d = pg(db);
	PGresult *res = PQexec(d->conn, "COMMIT");
	d->in_transaction = false;
	int r = PQresultStatus(res) != PGRES_COMMAND_OK ? map_result(d, res)
	        : strcmp(PQcmdStatus(res), "COMMIT") != 0 ? DB_ERROR /* an aborted transaction commits as ROLLBACK */
	                                                  : DB_OK;
	PQclear(res);
	return r;
}

static void pg_rollback(struct db *db)
{
	if (!pg(db)->lost) /* else the transaction died with the connection */
		pg_exec(db, "ROLLBACK");
	pg(db)->in_transaction = false;
}

/* The identity value the last INSERT took (0 if none yet on this connection). */
static int64_t pg_last_insert_id(struct db *db)
{
	struct pg_db *d = pg(db);
	struct db_stmt *s;
	int64_t id = 0;
	if (pg_prepare(db, &s, "SELECT lastval()") < 0)
		return 0;
	int changes = d->changes;
	if (pg_step(s) == DB_ROW)
		id = pg_column_int64(s, 0);
	d->changes = changes;
	pg_finalize(s);
	return id;
}

static int pg_changes(struct db *db)
{
	return pg(db)->changes;
}

static const char *pg_errmsg(struct db *db)
{
	return pg(db)->error[0] ? pg(db)->error : PQerrorMessage(pg(db)->conn);
}

/* PostgreSQL keeps its own write-ahead log and cache, and checks every foreign key: nothing to do. */
static int pg_nothing(struct db *db)
{
	(void)db;
	return DB_OK;
}

static int pg_checkpoint(struct db *db, int *ret_log_pages)
{
	(void)db;
	if (ret_log_pages)
		*ret_log_pages = 0;
	return DB_OK;
}

static int pg_cache_size(struct db *db, int mebibytes)
{
	(void)db;
	(void)mebibytes;
	return DB_OK;
}

/* A consistent copy while serving: pg_dump's custom format, restored with pg_restore. */
static int pg_backup(struct db *db, const char *path)
{
	if (access(path, F_OK) == 0) {
		snprintf(pg(db)->error, sizeof pg(db)->error, "%s exists", path);
		return DB_ERROR;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execlp("pg_dump", "pg_dump", "--format=custom", "--file", path, "--dbname", db->path, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(pg(db)->error, sizeof pg(db)->error, "pg_dump failed (status %d)", status);
		return DB_ERROR;
	}
	return DB_OK;
}

/* PostgreSQL checks its own pages; what it can be asked is whether a constraint was left unchecked. */
static int pg_integrity_check(struct db *db, bool quick, const char **ret_problem)
{
	if (quick)
		return DB_OK;
	struct db_stmt *s;
	int r = db_prepare(db, &s,
	                   "SELECT conrelid::regclass::text || ': ' || conname FROM pg_constraint "
	                   "WHERE NOT convalidated ORDER BY 1",
	                   NULL);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW) {
		snprintf(db->problem, sizeof db->problem, "constraint not validated: %s", db_column_text(s, 0));
		*ret_problem = db->problem;
	}
	db_finalize(s);
	return r < 0 ? r : DB_OK;
}

static const struct db_backend postgres_backend = {
    .name = "postgres",
    .close = pg_close,
    .exec = pg_exec,
    .exec_migration = pg_exec_migration,
    .prepare = pg_prepare,
    .bind = pg_bind,
    .step = pg_step,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .sql = pg_sql,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .column_type = pg_column_type,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .last_insert_id = pg_last_insert_id,
    .changes = pg_changes,
    .errmsg = pg_errmsg,
    .checkpoints_by_hand = pg_nothing,
    .commits_may_be_lost = pg_commits_may_be_lost,
    .checkpoint = pg_checkpoint,
    .cache_size = pg_cache_size,
    .skip_foreign_keys = pg_nothing,
    .backup = pg_backup,
    .integrity_check = pg_integrity_check,
};
