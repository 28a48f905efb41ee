/*
** banyan migrate: a SQLite city copied into PostgreSQL, while it serves.
**
** The target gets its schema from the same migrations (so both stand at one
** schema version), then every row in one transaction: the source is read in
** one snapshot (a SQLite read transaction, which a live server's writes do
** not disturb), the tables are written each after the tables it references,
** with the target's own triggers off (the copied totals are the source's,
** not to be counted twice), and the identity sequences are set past the
** copied ids.  Before the commit the row counts of every table are compared
** and the audit chain recomputed on the target: a copy that does not agree
** is rolled back whole.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "org/org.h"

enum { MAX_TABLES = 256, NAME_SIZE = 64, BATCH_BYTES = 4 << 20 };

struct plan {
	int n;
	char names[MAX_TABLES][NAME_SIZE]; /* the order to copy in: each after those it references */
};

/* The table's index in names, or -1. */
static int table_index(const struct plan *p, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0)
			return i;
	return -1;
}

/*
** The target's tables (but schema_migrations, which its migrations filled)
** in an order where every table follows those its foreign keys name; a
** table naming itself (an organisation's parent) is copied in id order.
*/
static int plan_tables(struct db *to, struct plan *ret)
{
	struct plan all = {0};
	static int refs[MAX_TABLES * 8][2];
	int n_refs = 0;
	struct db_stmt *s;
	int r =
	    db_prepare(to, &s,
	               "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	               " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'schema_migrations'"
	               " ORDER BY c.relname",
	               NULL);
	while (r >= 0 && (r = db_step(s)) == DB_ROW && all.n < MAX_TABLES)
		snprintf(all.names[all.n++], NAME_SIZE, "%s", db_column_text(s, 0));
	db_finalize(s);
	if (r == DB_ROW) {
		fprintf(stderr, "banyan migrate: more than %d tables\n", MAX_TABLES);
		return -1;
	}
	r = r < 0 ? r
	          : db_prepare(to, &s,
	                       "SELECT r.relname, t.relname FROM pg_constraint f JOIN pg_class r ON r.oid = f.conrelid"
	                       " JOIN pg_class t ON t.oid = f.confrelid"
	                       " WHERE f.contype = 'f' AND f.connamespace = current_schema()::regnamespace",
	                       NULL);
	while (r >= 0 && (r = db_step(s)) == DB_ROW && n_refs < MAX_TABLES * 8) {
		refs[n_refs][0] = table_index(&all, db_column_text(s, 0));
		refs[n_refs][1] = table_index(&all, db_column_text(s, 1));
		n_refs++;
	}
	db_finalize(s);
	if (r != DB_DONE) {
		fprintf(stderr, "banyan migrate: cannot read the target's foreign keys: %s\n",
		        r == DB_ROW ? "too many" : db_errmsg(to));
		return -1;
	}
	bool placed[MAX_TABLES] = {false};
	ret->n = 0;
	while (ret->n < all.n) {
		int before = ret->n;
		for (int i = 0; i < all.n; i++) {
			bool ready = !placed[i];
			for (int k = 0; ready && k < n_refs; k++)
				ready = refs[k][0] != i || refs[k][1] == i || refs[k][1] < 0 || placed[refs[k][1]];
			if (ready) {
				placed[i] = true;
				snprintf(ret->names[ret->n++], NAME_SIZE, "%s", all.names[i]);
			}
		}
		if (ret->n == before) {
			fprintf(stderr, "banyan migrate: the target's tables reference each other in a circle\n");
			return -1;
		}
	}
	return 0;
}

/*
** The statements that copy one table, from its columns in the target (not
** the generated ones, which the target computes): the source's rows as JSON
** objects (bytea columns as PostgreSQL's hex text; the schema has no
** floating point, whose JSON text would need 17 digits), in primary-key order,
** and the target's insert of a JSON array of them.  SQLite's json_object
** takes at most 127 arguments, so a wide row is patched together from parts
** of PART columns.
*/
enum { MAX_COLUMNS = 400, PART = 50 };

static int copy_statements(struct db *from, struct db *to, const char *table, char **ret_select, char **ret_insert)
{
	static char names[MAX_COLUMNS][NAME_SIZE];
	bool bytea[MAX_COLUMNS];
	int n = 0;
	struct db_stmt *s;
	int r = db_prepare(to, &s,
	                   "SELECT attname, format_type(atttypid, atttypmod) = 'bytea' FROM pg_attribute"
	                   " WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped"
	                   " AND attgenerated = '' ORDER BY attnum",
	                   "t", table);
	while (r >= 0 && (r = db_step(s)) == DB_ROW && n < MAX_COLUMNS) {
		snprintf(names[n], NAME_SIZE, "%s", db_column_text(s, 0));
		bytea[n++] = db_column_int64(s, 1) != 0;
	}
	db_finalize(s);
	if (r != DB_DONE || n == 0)
		return -1;
	char *select = NULL, *insert = NULL, *columns = NULL;
	size_t len;
	FILE *sel = open_memstream(&select, &len), *ins = open_memstream(&insert, &len),
	     *cols = open_memstream(&columns, &len);
	if (!sel || !ins || !cols)
		r = DB_ERROR;
	for (int i = 0; r >= 0 && i < n; i++)
		fprintf(cols, "%s\"%s\"", i ? ", " : "", names[i]);
	if (cols)
		fclose(cols);
	if (r >= 0) {
		fprintf(sel, "SELECT ");
		for (int part = PART; part < n; part += PART)
			fprintf(sel, "json_patch(");
		for (int i = 0; i < n; i++) {
			fprintf(sel, "%s", i == 0 ? "json_object(" : i % PART == 0 ? ", json_object(" : ", ");
			if (bytea[i])
				fprintf(sel, "'%s', CASE WHEN \"%s\" IS NULL THEN NULL ELSE '\\x' || hex(\"%s\") END",
				        names[i], names[i], names[i]);
			else
				fprintf(sel, "'%s', \"%s\"", names[i], names[i]);
			if (i % PART == PART - 1 || i == n - 1)
				fprintf(sel, ")%s", i >= PART ? ")" : "");
		}
		fprintf(sel, " FROM \"%s\"", table);
		fprintf(ins,
		        "INSERT INTO \"%s\" (%s) SELECT %s FROM json_populate_recordset(NULL::\"%s\", CAST(? AS json))",
		        table, columns, columns, table);
		r = db_prepare(from, &s,
		               "SELECT group_concat('\"' || name || '\"', ', ') FROM"
		               " (SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk)",
		               "t", table);
		if (r >= 0 && (r = db_step(s)) == DB_ROW && db_column_text(s, 0))
			fprintf(sel, " ORDER BY %s", db_column_text(s, 0));
		db_finalize(s);
	}
	if (sel)
		fclose(sel);
	if (ins)
		fclose(ins);
	free(columns);
	if (r < 0) {
		free(select);
		free(insert);
		return -1;
	}
	*ret_select = select;
	*ret_insert = insert;
	return 0;
}

/* Send the rows gathered in batch (a JSON array being written) to the target; start a new array. */
static int flush_batch(struct db *to, const char *insert, FILE **batch, char **text, size_t *len)
{
	fprintf(*batch, "]");
	fclose(*batch);
	int r = db_run(to, insert, "t", *text);
	free(*text);
	*text = NULL;
	*batch = open_memstream(text, len);
	if (!*batch)
		return DB_ERROR;
	fprintf(*batch, "[");
	return r;
}

/* Copy one table's rows, in batches of up to BATCH_BYTES of JSON; *ret_rows: how many. */
static int copy_table(struct db *from, struct db *to, const char *table, int64_t *ret_rows)
{
	char *select, *insert, *text = NULL;
	size_t len = 0;
	*ret_rows = 0;
	if (copy_statements(from, to, table, &select, &insert) < 0)
		return DB_ERROR;
	FILE *batch = open_memstream(&text, &len);
	struct db_stmt *s;
	int r = batch ? db_prepare(from, &s, select, NULL) : DB_ERROR;
	if (batch)
		fprintf(batch, "[");
	int in_batch = 0;
	while (r >= 0 && (r = db_step(s)) == DB_ROW) {
		fprintf(batch, "%s%s", in_batch++ ? "," : "", db_column_text(s, 0));
		(*ret_rows)++;
		fflush(batch);
		if (len >= BATCH_BYTES) {
			r = flush_batch(to, insert, &batch, &text, &len);
			in_batch = 0;
		}
	}
	db_finalize(s);
	if (r == DB_DONE && in_batch)
		r = flush_batch(to, insert, &batch, &text, &len);
	if (batch)
		fclose(batch);
	free(text);
	free(select);
	free(insert);
	return r < 0 ? r : DB_OK;
}

/* count(*) of a table (a name from the catalogue, quoted), or a negative error. */
static int64_t count_rows(struct db *d, const char *table)
{
	char sql[NAME_SIZE + 40];
	int64_t n = 0;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	int r = db_query_int64(d, &n, sql, NULL);
	return r < 0 ? r : n;
}

/* Each table's triggers off (ALTER TABLE … DISABLE TRIGGER USER) or on again; foreign keys stay checked. */
static int set_triggers(struct db *to, const struct plan *p, const char *how)
{
	int r = DB_OK;
	for (int i = 0; r == DB_OK && i < p->n; i++) {
		char sql[NAME_SIZE + 48];
		snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" %s TRIGGER USER", p->names[i], how);
		r = db_exec(to, sql);
	}
	return r;
}

/* The target's rows its migrations (or banyan init) seeded, gone: the source's copies replace them. */
static int clear_seeds(struct db *to, const struct plan *p)
{
	int r = DB_OK;
	for (int i = p->n - 1; r == DB_OK && i >= 0; i--) {
		char sql[NAME_SIZE + 24];
		snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", p->names[i]);
		r = db_run(to, sql, NULL);
	}
	return r;
}

/*
** Every table copied, counted on both sides, the audit chain recomputed on
** the target and its head compared with the source's; inside the target's
** transaction, which the caller commits only on 0.
*/
static int copy_all(struct db *from, struct db *to, const struct plan *p)
{
	int64_t total = 0;
	for (int i = 0; i < p->n; i++) {
		int64_t rows;
		if (count_rows(from, p->names[i]) < 0) {
			fprintf(stderr, "banyan migrate: the source has no table %s: %s\n", p->names[i],
			        db_errmsg(from));
			return -1;
		}
		if (copy_table(from, to, p->names[i], &rows) < 0) {
			fprintf(stderr, "banyan migrate: copying %s failed: %s\n", p->names[i], db_errmsg(to));
			return -1;
		}
		total += rows;
	}
	for (int i = 0; i < p->n; i++) {
		int64_t there = count_rows(from, p->names[i]), here = count_rows(to, p->names[i]);
		if (there != here) {
			fprintf(stderr, "banyan migrate: %s has %lld rows in the source, %lld in the target\n",
			        p->names[i], (long long)there, (long long)here);
			return -1;
		}
	}
	printf("row counts: ok (%d tables, %lld rows, the same in both)\n", p->n, (long long)total);
	struct audit_verdict v;
	int64_t src_id = 0, dst_id = 0, at;
	char src_hash[65] = "", dst_hash[65] = "";
	if (audit_verify(to, &v) < 0 || v.bad_id) {
		fprintf(stderr, "banyan migrate: the audit chain does not hold on the target: %s\n",
		        v.bad_id ? v.why : db_errmsg(to));
		return -1;
	}
	if (audit_head(from, &src_id, src_hash, &at) < 0 || audit_head(to, &dst_id, dst_hash, &at) < 0 ||
	    src_id != dst_id || strcmp(src_hash, dst_hash) != 0) {
		fprintf(stderr, "banyan migrate: the target's audit log does not end where the source's does\n");
		return -1;
	}
	printf("audit chain: ok on the target (%lld rows, ending at row %lld as in the source)\n", (long long)v.rows,
	       (long long)dst_id);
	return 0;
}

/* Is the target unused: no user (banyan init makes none; a city that served has some)? */
static int refuse_used_target(struct db *to, const char *url)
{
	int64_t users = 0;
	if (db_query_int64(to, &users, "SELECT count(*) FROM users", NULL) < 0) {
		fprintf(stderr, "banyan migrate: cannot read %s: %s\n", url, db_errmsg(to));
		return -1;
	}
	if (users > 0) {
		fprintf(stderr,
		        "banyan migrate: %s holds a city already (%lld users): migrate copies into an empty database"
		        " only (createdb a new one)\n",
		        url, (long long)users);
		return -1;
	}
	return 0;
}

/* The target migrated to this banyan's schema; the source at the same version. */
static int same_versions(struct db *from, struct db *to, const char *from_path)
{
	if (db_migrate(to, NULL) < 0) {
		fprintf(stderr, "banyan migrate: creating the schema in the target failed: %s\n", db_errmsg(to));
		return -1;
	}
	int have = db_schema_version(from), want = db_schema_version(to);
	if (have < 0 || want < 0) {
		fprintf(stderr, "banyan migrate: cannot read the schema versions\n");
		return -1;
	}
	if (have != want) {
		fprintf(stderr,
		        "banyan migrate: %s is at schema version %d, this banyan's is %d: bring it to %d first"
		        " (banyan init --db %s with the same banyan)\n",
		        from_path, have, want, want, from_path);
		return -1;
	}
	printf("schema version %d on both\n", want);
	return 0;
}

/*
** COMMAND: migrate
** USAGE: banyan migrate --from CITY.db --to postgresql://… [--audit-key FILE]
** SUMMARY: 迁移:把 SQLite 数据库复制到 PostgreSQL Copy a SQLite city into an empty PostgreSQL database
** Copies every row of the SQLite database (it may be serving: the copy is
** one consistent snapshot) into the PostgreSQL database named by the URL,
** which must be new (createdb) or initialised and unused (no users).  The
** target gets this banyan's schema first; the source must stand at the same
** schema version.  All rows go in one transaction, table after table in the
** order of their references, the identity sequences set past the copied
** ids; before the commit the row counts of every table are compared and the
** audit chain is recomputed on the target (with the audit key: --audit-key,
** $BANYAN_AUDIT_KEY or CITY.db.audit-key): any difference rolls it all back.
** Exit 0 when the copy is committed and verified, 1 otherwise.
*/
int cmd_migrate(int argc, char **argv)
{
	const char *from_path = NULL, *url = NULL, *key_opt = NULL, *words[1];
	int n;
	struct cli_opt opts[] = {
	    {"from", &from_path, NULL}, {"to", &url, NULL}, {"audit-key", &key_opt, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	if (!from_path || !url || db_is_postgres(from_path) || !db_is_postgres(url)) {
		fprintf(stderr, "usage: banyan migrate --from CITY.db --to postgresql://… [--audit-key FILE]\n");
		return EXIT_USAGE;
	}
	if (audit_key_load(key_opt, from_path) < 0)
		return 1;
	struct db *from = NULL, *to = NULL;
	if (!db_exists(from_path) || db_open(from_path, &from) < 0) {
		fprintf(stderr, "banyan migrate: cannot open %s\n", from_path);
		return 1;
	}
	if (db_open(url, &to) < 0) {
		fprintf(stderr, "banyan migrate: cannot connect to %s\n", url);
		db_close(from);
		return 1;
	}
	static struct plan p;
	int rc = same_versions(from, to, from_path) < 0 || refuse_used_target(to, url) < 0 || plan_tables(to, &p) < 0;
	/* One snapshot of the source: a read transaction (not db_begin's write lock, which would stop the server). */
	if (!rc && db_exec(from, "BEGIN") < 0)
		rc = 1;
	if (!rc) {
		printf("copying %s to %s ...\n", from_path, url);
		rc = db_begin(to) < 0 || set_triggers(to, &p, "DISABLE") < 0 || clear_seeds(to, &p) < 0;
		if (rc)
			fprintf(stderr, "banyan migrate: preparing the target failed: %s\n", db_errmsg(to));
		rc = rc || copy_all(from, to, &p) < 0;
		if (!rc && (db_exec(to, DB_PG_SEQUENCES_PAST_IDS) < 0 || set_triggers(to, &p, "ENABLE") < 0)) {
			fprintf(stderr, "banyan migrate: finishing the target failed: %s\n", db_errmsg(to));
			rc = 1;
		}
		if (rc)
			db_rollback(to);
		else if (db_commit(to) < 0) {
			fprintf(stderr, "banyan migrate: the commit failed: %s\n", db_errmsg(to));
			rc = 1;
		}
		/* The planner's statistics now, not when autovacuum gets round to the new rows: without them
		** the desk's inbox on a million problems answered in a second instead of 200 ms (bench/README.md). */
		if (!rc && db_exec(to, "ANALYZE") < 0)
			fprintf(stderr, "banyan migrate: ANALYZE failed (%s): run it, or autovacuum will\n",
			        db_errmsg(to));
		db_exec(from, "ROLLBACK");
	}
	db_close(from);
	db_close(to);
	if (rc) {
		fprintf(stderr, "banyan migrate: nothing was copied\n");
		return 1;
	}
	printf("migrated: serve it with banyan serve --db '%s'\n", url);
	return 0;
}
