/*
** The audit log: every change of state, append-only and hash-chained.
**
** Each row's hash covers the previous row's hash and the row's own fields,
** each written as "length:bytes" so no choice of field contents can make two
** different rows hash alike.  Changing, deleting or inserting a row anywhere
** breaks every hash after it; `banyan check` finds the first one.  Triggers
** refuse UPDATE and DELETE so only someone who edits the file itself can try.
**
** Plain SHA-256 would let that someone recompute every hash after an edit.
** So the chain is keyed: with an audit key (a file outside the database,
** readable only by banyan's user) each row's hash is an HMAC-SHA256 under
** it, and the row records the key's id (the id is hashed too).  A key file
** holds one key a line, "ID:HEX"; the highest id signs, older ones stay for
** checking the rows they signed.  Rows from before keying (key_id NULL) keep
** their SHA-256 and still verify, up to the first keyed row; after it every
** row must be keyed, with ids that never go back, so a log re-hashed with
** SHA-256 (or with an older, leaked key) fails the check.  Truncating the
** newest rows is caught by anchors kept elsewhere (`banyan audit anchor`).
**
** Who reads it (三员分立, GB/T 22239-2019 8.1.4.3, 8.1.5.3): the audit
** administrator, and leaders, who answer for their organisations; not the
** system administrator, whose own actions it records, nor the security
** administrator.  Nobody deletes or changes a row through the API.
*/
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/log.h"
#include "org/org.h"

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

enum { AUDIT_KEYS_MAX = 64, AUDIT_KEY_BYTES = 32 };

static struct {
	bool resolved; /* audit_key_load() ran */
	char file[4096];
	int n;
	struct {
		int64_t id;
		unsigned char key[AUDIT_KEY_BYTES];
	} keys[AUDIT_KEYS_MAX]; /* in the file's order; keys[newest] signs */
	int newest;
} audit_keys;

static const unsigned char *key_by_id(int64_t id)
{
	for (int i = 0; i < audit_keys.n; i++)
		if (audit_keys.keys[i].id == id)
			return audit_keys.keys[i].key;
	return NULL;
}

static int64_t signing_key_id(void)
{
	return audit_keys.n ? audit_keys.keys[audit_keys.newest].id : 0;
}

int64_t audit_signing_key_id(void)
{
	return signing_key_id();
}

/* Read the key file at path into audit_keys: 0, or -1 with why in err. */
static int key_file_read(const char *path, char *err, size_t err_size)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	if (!f || fstat(fileno(f), &st) < 0) {
		snprintf(err, err_size, "cannot read the audit key %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, err_size,
		         "the audit key %s can be read by other users (mode %03o): it must be readable by banyan's user"
		         " alone (chmod 600 %s)",
		         path, (unsigned)(st.st_mode & 0777), path);
		fclose(f);
		return -1;
	}
	char line[256];
	int line_no = 0;
	audit_keys.n = 0;
	while (fgets(line, sizeof line, f)) {
		line_no++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		char *colon = strchr(line, ':'), *end;
		long long id = colon ? strtoll(line, &end, 10) : 0;
		size_t bin_len = 0;
		if (audit_keys.n == AUDIT_KEYS_MAX || !colon || end != colon || id <= 0 ||
		    strlen(colon + 1) != 2 * AUDIT_KEY_BYTES ||
		    sodium_hex2bin(audit_keys.keys[audit_keys.n].key, AUDIT_KEY_BYTES, colon + 1, 2 * AUDIT_KEY_BYTES,
		                   NULL, &bin_len, NULL) < 0 ||
		    bin_len != AUDIT_KEY_BYTES || key_by_id(id)) {
			snprintf(err, err_size, "%s line %d: expected ID:HEX (a new id, 64 hex digits)", path, line_no);
			fclose(f);
			return -1;
		}
		audit_keys.keys[audit_keys.n].id = id;
		if (id > signing_key_id())
			audit_keys.newest = audit_keys.n;
		audit_keys.n++;
	}
	fclose(f);
	if (!audit_keys.n) {
		snprintf(err, err_size, "%s holds no key (make one with banyan audit keygen)", path);
		return -1;
	}
	snprintf(audit_keys.file, sizeof audit_keys.file, "%s", path);
	return 0;
}

int audit_key_load(const char *file, const char *db_path)
{
	if (audit_keys.resolved)
		return 0;
	audit_keys.resolved = true;
	char beside[4096], err[4400];
	snprintf(beside, sizeof beside, "%s.audit-key", db_path);
	const char *env = getenv("BANYAN_AUDIT_KEY");
	const char *path = file ? file : env && *env ? env : access(beside, F_OK) == 0 ? beside : NULL;
	if (!path)
		return 0;
	if (key_file_read(path, err, sizeof err) < 0) {
		fprintf(stderr, "banyan: %s\n", err);
		return -1;
	}
	return 0;
}

int audit_keygen(const char *path, int64_t *ret_key_id)
{
	char err[4400], hex[2 * AUDIT_KEY_BYTES + 1];
	int64_t id = 1;
	/* A key file that exists gets a newer key: that is rotation. */
	if (access(path, F_OK) == 0) {
		if (key_file_read(path, err, sizeof err) < 0) {
			fprintf(stderr, "banyan audit keygen: %s\n", err);
			return -1;
		}
		id = signing_key_id() + 1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "banyan audit keygen: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	unsigned char key[AUDIT_KEY_BYTES];
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	sodium_memzero(key, sizeof key);
	char line[128];
	int n = snprintf(line, sizeof line, "%lld:%s\n", (long long)id, hex);
	sodium_memzero(hex, sizeof hex);
	int ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
	sodium_memzero(line, sizeof line);
	if (close(fd) < 0 || !ok) {
		fprintf(stderr, "banyan audit keygen: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	*ret_key_id = id;
	return 0;
}

/* SHA-256 for an unkeyed row, HMAC-SHA256 for a keyed one. */
struct chain_hash {
	bool keyed;
	crypto_hash_sha256_state sha;
	crypto_auth_hmacsha256_state mac;
};

static void chain_update(struct chain_hash *h, const void *p, size_t n)
{
	if (h->keyed)
		crypto_auth_hmacsha256_update(&h->mac, p, n);
	else
		crypto_hash_sha256_update(&h->sha, p, n);
}

static void hash_field(struct chain_hash *h, const char *value)
{
	char prefix[24];
	size_t n = strlen(value);
	int len = snprintf(prefix, sizeof prefix, "%zu:", n);
	chain_update(h, prefix, (size_t)len);
	chain_update(h, value, n);
}

struct audit_row {
	int64_t id, at, actor_id, key_id; /* key_id 0: unkeyed */
	const char *actor, *action, *object_type, *object_id, *detail, *ip, *request_id, *org_path, *prev_hash;
};

/* The row's hash; -1 if it is keyed with a key not loaded. */
static int audit_hash(const struct audit_row *row, char ret_hex[65])
{
	char num[4][24];
	unsigned char out[crypto_hash_sha256_BYTES];
	struct chain_hash h = {.keyed = row->key_id != 0};
	if (h.keyed) {
		const unsigned char *key = key_by_id(row->key_id);
		if (!key)
			return -1;
		crypto_auth_hmacsha256_init(&h.mac, key, AUDIT_KEY_BYTES);
	} else {
		crypto_hash_sha256_init(&h.sha);
	}
	snprintf(num[0], sizeof num[0], "%" PRId64, row->id);
	snprintf(num[1], sizeof num[1], "%" PRId64, row->at);
	snprintf(num[2], sizeof num[2], "%" PRId64, row->actor_id);
	snprintf(num[3], sizeof num[3], "%" PRId64, row->key_id);
	const char *fields[] = {row->prev_hash,   num[0],         num[1],      num[2],  row->actor,      row->action,
	                        row->object_type, row->object_id, row->detail, row->ip, row->request_id, row->org_path};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		hash_field(&h, fields[i]);
	if (h.keyed) {
		hash_field(&h, num[3]);
		crypto_auth_hmacsha256_final(&h.mac, out);
	} else {
		crypto_hash_sha256_final(&h.sha, out);
	}
	sodium_bin2hex(ret_hex, 65, out, sizeof out);
	return 0;
}

/* The newest row's id, hash and key id (0, genesis and 0 for an empty log). */
static int chain_tail(struct db *d, int64_t *ret_id, char ret_hash[65], int64_t *ret_key_id, int64_t *ret_at)
{
	struct db_stmt *s;
	*ret_id = *ret_key_id = 0;
	if (ret_at)
		*ret_at = 0;
	memcpy(ret_hash, genesis, 65);
	int r =
	    db_prepare(d, &s, "SELECT id, hash, coalesce(key_id, 0), at FROM audit_log ORDER BY id DESC LIMIT 1", NULL);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW) {
		*ret_id = db_column_int64(s, 0);
		snprintf(ret_hash, 65, "%s", db_column_text(s, 1));
		*ret_key_id = db_column_int64(s, 2);
		if (ret_at)
			*ret_at = db_column_int64(s, 3);
	}
	db_finalize(s);
	return r < 0 ? r : 0;
}

int audit_head(struct db *d, int64_t *ret_id, char ret_hash[65], int64_t *ret_at)
{
	int64_t key_id;
	return chain_tail(d, ret_id, ret_hash, &key_id, ret_at);
}

int audit_append(struct db *d, const struct audit_context *ctx, const char *action, const char *object_type,
                 const char *object_id, const char *org_path, json_t *detail)
{
	if (!db_in_transaction(d))
		return DB_ERROR;
	char prev[65], hash[65];
	int64_t last_id, last_key;
	int r = chain_tail(d, &last_id, prev, &last_key, NULL);
	if (r < 0)
		return r;
	/* An unkeyed row after keyed ones, or one under an older key, would break the chain for good. */
	if (last_key > signing_key_id()) {
		log_error("audit: the audit log is signed with key %lld, which this process does not hold: give the"
		          " audit key file (--audit-key or BANYAN_AUDIT_KEY)",
		          (long long)last_key);
		return DB_ERROR;
	}
	char *detail_text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct audit_row row = {
	    .id = last_id + 1,
	    .at = clock_now(),
	    .actor_id = ctx->actor_id,
	    .key_id = signing_key_id(),
	    .actor = ctx->actor ? ctx->actor : "system",
	    .action = action,
	    .object_type = object_type,
	    .object_id = object_id,
	    .detail = detail_text ? detail_text : "{}",
	    .ip = ctx->ip ? ctx->ip : "-",
	    .request_id = ctx->request_id ? ctx->request_id : "-",
	    .org_path = org_path,
	    .prev_hash = prev,
	};
	audit_hash(&row, hash);
	r = db_run(d,
	           "INSERT INTO audit_log(id, at, actor_id, actor, action, object_type, object_id, detail, ip,"
	           " request_id, org_path, prev_hash, hash, key_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	           "iiittttttttttr", row.id, row.at, row.actor_id, row.actor, row.action, row.object_type,
	           row.object_id, row.detail, row.ip, row.request_id, row.org_path, row.prev_hash, hash, row.key_id);
	free(detail_text);
	return r;
}

int audit_key_begin(struct db *d)
{
	char hash[65];
	int64_t last_id, last_key, key = signing_key_id();
	if (chain_tail(d, &last_id, hash, &last_key, NULL) < 0) {
		fprintf(stderr, "banyan: cannot read the audit log: %s\n", db_errmsg(d));
		return -1;
	}
	if (last_key > key) {
		fprintf(stderr,
		        "banyan: the audit log is signed with audit key %lld%s%s: give the key file that holds it"
		        " (--audit-key FILE or BANYAN_AUDIT_KEY); see docs/operations.md\n",
		        (long long)last_key, key ? ", which is not in " : "", key ? audit_keys.file : "");
		return -1;
	}
	if (!key) {
		log_error("WARNING: no audit key: the audit log is chained with plain SHA-256, which anyone who can"
		          " write the database can recompute after an edit.  Make a key (banyan audit keygen FILE)"
		          " and serve with --audit-key FILE; see docs/operations.md");
		return 0;
	}
	log_info("audit: rows are signed with key %lld of %s", (long long)key, audit_keys.file);
	if (last_key == key)
		return 0;
	/* Where keying (or a new key) begins is itself an event of the log. */
	struct audit_context ctx = audit_context_shell();
	ctx.actor = "system";
	char object_id[24];
	snprintf(object_id, sizeof object_id, "%lld", (long long)key);
	json_t *detail = json_pack("{s:I, s:I}", "key_id", (json_int_t)key, "previous_key_id", (json_int_t)last_key);
	struct db_stmt *s;
	char root[600] = "/";
	int r = db_prepare(d, &s, "SELECT path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", NULL);
	if (r == 0 && (r = db_step(s)) == DB_ROW)
		snprintf(root, sizeof root, "%s", db_column_text(s, 0));
	db_finalize(s);
	r = r < 0 ? r : db_begin(d);
	if (r == 0) {
		r = audit_append(d, &ctx, "audit.key_begin", "audit_key", object_id, root, detail);
		if (r == 0)
			r = db_commit(d);
		else
			db_rollback(d);
	}
	json_decref(detail);
	if (r < 0)
		fprintf(stderr, "banyan: cannot record the audit key: %s\n", db_errmsg(d));
	return r < 0 ? -1 : 0;
}

struct audit_context audit_context_of(struct request *r)
{
	return (struct audit_context){
	    .actor_id = r->who.user_id,
	    .actor = r->who.name ? r->who.name : "anonymous",
	    .ip = request_ip(r),
	    .request_id = r->id,
	};
}

struct audit_context audit_context_shell(void)
{
	return (struct audit_context){.actor = "shell", .ip = "-", .request_id = "-"};
}

/*
** Follows the chain one row at a time: for the database and for an exported
** archive alike.  Returns NULL while the row holds, or why it does not.
*/
struct chain_walk {
	char prev[65];
	int64_t current, next_id, last_key, keyed_from;
};

static const char *chain_step(struct chain_walk *w, const struct audit_row *row, const char *hash)
{
	char expect[65];
	w->current = row->id;
	/* A gap in ids is a deleted row, even if the rest were re-hashed to match. */
	if (w->next_id && row->id != w->next_id)
		return "a row is missing before it";
	if (strcmp(row->prev_hash, w->prev) != 0)
		return "its prev_hash is not the previous row's hash";
	if (row->key_id && !key_by_id(row->key_id))
		return audit_keys.n ? "it is signed with an audit key the key file does not hold"
		                    : "it is signed with an audit key: give the key file (--audit-key) to check it";
	if (!row->key_id && w->last_key)
		return "it is not keyed, after keyed rows (the chain was re-hashed without the key)";
	if (row->key_id < w->last_key)
		return "it is signed with an older key than the row before it";
	audit_hash(row, expect);
	if (strcmp(hash, expect) != 0)
		return "its hash does not match its contents";
	if (row->key_id && !w->keyed_from)
		w->keyed_from = row->id;
	w->last_key = row->key_id;
	w->next_id = row->id + 1;
	memcpy(w->prev, hash, sizeof w->prev);
	return NULL;
}

int audit_verify(struct db *d, struct audit_verdict *ret)
{
	struct db_stmt *s;
	struct chain_walk w = {.next_id = 1};
	memcpy(w.prev, genesis, sizeof w.prev);
	*ret = (struct audit_verdict){0};
	int r = db_prepare(d, &s,
	                   "SELECT id, at, coalesce(actor_id, 0), actor, action, object_type, object_id, detail, ip,"
	                   " request_id, org_path, prev_hash, hash, coalesce(key_id, 0) FROM audit_log ORDER BY id",
	                   NULL);
	if (r < 0)
		return r;
	int64_t last_id = 0;
	while ((r = db_step(s)) == DB_ROW) {
		struct audit_row row = {
		    .id = db_column_int64(s, 0),
		    .at = db_column_int64(s, 1),
		    .actor_id = db_column_int64(s, 2),
		    .key_id = db_column_int64(s, 13),
		    .actor = db_column_text(s, 3),
		    .action = db_column_text(s, 4),
		    .object_type = db_column_text(s, 5),
		    .object_id = db_column_text(s, 6),
		    .detail = db_column_text(s, 7),
		    .ip = db_column_text(s, 8),
		    .request_id = db_column_text(s, 9),
		    .org_path = db_column_text(s, 10),
		    .prev_hash = db_column_text(s, 11),
		};
		ret->rows++;
		last_id = row.id;
		bool null_field = false; /* the columns are NOT NULL, unless someone rebuilt the table */
		for (int i = 3; i <= 12; i++)
			null_field |= db_column_is_null(s, i);
		const char *why = null_field ? "a field is NULL" : chain_step(&w, &row, db_column_text(s, 12));
		if (why) {
			ret->bad_id = row.id;
			ret->why = why;
			break;
		}
	}
	db_finalize(s);
	if (r < 0)
		return r;
	ret->keyed_from = w.keyed_from;
	/*
	** With a key, a log that ends unkeyed was re-hashed (or the server never
	** had the key), and an empty one was emptied: a keyed log holds at least
	** its audit.key_begin row.
	*/
	if (!ret->bad_id && audit_keys.n && !last_id) {
		ret->bad_id = 1;
		ret->why = "the log is empty although a key was given: a keyed log always holds its audit.key_begin row";
	} else if (!ret->bad_id && audit_keys.n && !w.last_key) {
		ret->bad_id = last_id;
		ret->why = "the log is not keyed although a key was given: rewritten with plain SHA-256, or not yet"
		           " served with the key";
	}
	return 0;
}

/* ---- archives for off-site keeping ------------------------------------- */

/*
** An archive is JSON Lines: a header, one line a row (every column, the
** hashes too, so the chain can be followed in the archive alone), and a last
** line with the row count and an HMAC-SHA256, under the newest audit key, of
** every byte before that line (after a label, so it is never a row's hash).
*/
static const char archive_label[] = "banyan-audit-archive\n";

static void archive_mac_init(crypto_auth_hmacsha256_state *mac, int64_t key_id)
{
	crypto_auth_hmacsha256_init(mac, key_by_id(key_id), AUDIT_KEY_BYTES);
	crypto_auth_hmacsha256_update(mac, (const unsigned char *)archive_label, sizeof archive_label - 1);
}

/* Write json as one line of the archive, and MAC it. */
static int archive_line(FILE *f, crypto_auth_hmacsha256_state *mac, json_t *json)
{
	char *text = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(json);
	if (!text)
		return -1;
	size_t n = strlen(text);
	text[n] = '\n'; /* the NUL becomes the newline: write n + 1 bytes */
	int r = fwrite(text, 1, n + 1, f) == n + 1 ? 0 : -1;
	if (mac)
		crypto_auth_hmacsha256_update(mac, (const unsigned char *)text, n + 1);
	free(text);
	return r;
}

int audit_export_archive(struct db *d, int32_t from_day, int32_t to_day, FILE *f, int64_t *ret_rows)
{
	if (!audit_keys.n)
		return DB_ERROR;
	int64_t key = signing_key_id(), rows = 0;
	crypto_auth_hmacsha256_state mac;
	archive_mac_init(&mac, key);
	char from[11], to[11];
	clock_format_date(from_day, from);
	clock_format_date(to_day, to);
	if (archive_line(f, &mac,
	                 json_pack("{s:i, s:s, s:s, s:I}", "banyan_audit_archive", 1, "from", from, "to", to, "key_id",
	                           (json_int_t)key)) < 0)
		return DB_ERROR;
	/* Every row by id between the first of the first day and the last of the last day: the chain has no gap. */
	struct db_stmt *s;
	int r = db_prepare(d, &s,
	                   "SELECT id, at, actor_id, actor, action, object_type, object_id, detail, ip, request_id,"
	                   " org_path, prev_hash, hash, coalesce(key_id, 0) FROM audit_log"
	                   " WHERE id BETWEEN (SELECT min(id) FROM audit_log WHERE at >= ?1)"
	                   " AND (SELECT max(id) FROM audit_log WHERE at <= ?2) ORDER BY id",
	                   "ii", clock_local_midnight(from_day), clock_local_midnight(to_day + 1) - 1);
	while (r >= 0 && (r = db_step(s)) == DB_ROW) {
		json_t *row = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
		                        (json_int_t)db_column_int64(s, 0), "at", (json_int_t)db_column_int64(s, 1),
		                        "actor_id", (json_int_t)db_column_int64(s, 2), "actor", db_column_text(s, 3),
		                        "action", db_column_text(s, 4), "object_type", db_column_text(s, 5),
		                        "object_id", db_column_text(s, 6), "detail", db_column_text(s, 7), "ip",
		                        db_column_text(s, 8), "request_id", db_column_text(s, 9), "org_path",
		                        db_column_text(s, 10), "prev_hash", db_column_text(s, 11), "hash",
		                        db_column_text(s, 12), "key_id", (json_int_t)db_column_int64(s, 13));
		if (archive_line(f, &mac, row) < 0)
			r = DB_ERROR;
		rows++;
	}
	db_finalize(s);
	if (r < 0)
		return r;
	unsigned char out[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof out + 1];
	crypto_auth_hmacsha256_final(&mac, out);
	sodium_bin2hex(hex, sizeof hex, out, sizeof out);
	if (archive_line(
	        f, NULL,
	        json_pack("{s:I, s:I, s:s}", "rows", (json_int_t)rows, "key_id", (json_int_t)key, "hmac", hex)) < 0)
		return DB_ERROR;
	*ret_rows = rows;
	return 0;
}

/* The archive's first line: its version and the key that signed it, whose MAC then begins. */
static const char *archive_header(const char *line, crypto_auth_hmacsha256_state *mac)
{
	json_int_t version = 0, key = 0;
	json_t *h = json_loads(line, 0, NULL);
	int r = json_unpack(h, "{s:I, s:I}", "banyan_audit_archive", &version, "key_id", &key);
	json_decref(h);
	if (r < 0 || version != 1)
		return "not a banyan audit archive";
	if (!key_by_id(key))
		return "signed with an audit key the key file does not hold";
	archive_mac_init(mac, key);
	return NULL;
}

/* One row line of an archive, checked against the chain so far. */
static const char *archive_row(struct chain_walk *w, const char *line)
{
	struct audit_row row = {0};
	const char *hash;
	json_int_t id, at, actor_id, key_id;
	json_t *j = json_loads(line, 0, NULL);
	const char *why = NULL;
	if (json_unpack(j, "{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", &id, "at",
	                &at, "actor_id", &actor_id, "actor", &row.actor, "action", &row.action, "object_type",
	                &row.object_type, "object_id", &row.object_id, "detail", &row.detail, "ip", &row.ip,
	                "request_id", &row.request_id, "org_path", &row.org_path, "prev_hash", &row.prev_hash, "hash",
	                &hash, "key_id", &key_id) < 0 ||
	    strlen(row.prev_hash) != 64) {
		json_decref(j);
		return "a line is not an audit row";
	}
	row.id = id, row.at = at, row.actor_id = actor_id, row.key_id = key_id;
	if (!w->next_id) /* the archive's first row: the chain is followed from its prev_hash */
		memcpy(w->prev, row.prev_hash, sizeof w->prev);
	why = chain_step(w, &row, hash);
	json_decref(j);
	return why;
}

int audit_verify_archive(FILE *f, int64_t *ret_rows, const char **ret_why)
{
	static char why_buf[160];
	char *line = NULL, *held = NULL;
	size_t cap = 0;
	ssize_t len;
	int64_t rows = 0, lines = 0;
	struct chain_walk w = {0};
	crypto_auth_hmacsha256_state mac;
	const char *why = NULL;
	/* Each line is handled when the next arrives: the last one is the signature. */
	while (!why && (len = getline(&line, &cap, f)) >= 0) {
		if (held) {
			if (lines == 0) {
				why = archive_header(held, &mac);
			} else {
				why = archive_row(&w, held);
				rows++;
			}
			if (!why)
				crypto_auth_hmacsha256_update(&mac, (const unsigned char *)held, strlen(held));
			lines++;
			free(held);
		}
		held = strdup(line);
	}
	free(line);
	if (!why) {
		json_int_t counted = -1;
		const char *hex = NULL;
		json_t *last = held && lines > 0 ? json_loads(held, 0, NULL) : NULL;
		unsigned char out[crypto_auth_hmacsha256_BYTES], given[sizeof out];
		size_t bin_len = 0;
		if (json_unpack(last, "{s:I, s:s}", "rows", &counted, "hmac", &hex) < 0 ||
		    sodium_hex2bin(given, sizeof given, hex, strlen(hex), NULL, &bin_len, NULL) < 0 ||
		    bin_len != sizeof given)
			why = "the archive's last line (its signature) is missing: cut short?";
		else if (crypto_auth_hmacsha256_final(&mac, out), sodium_memcmp(out, given, sizeof out) != 0)
			why = "its signature does not match: the archive was changed (or another key signed it)";
		else if (counted != rows)
			why = "its row count does not match";
		json_decref(last);
	} else if (lines > 1) {
		snprintf(why_buf, sizeof why_buf, "row %lld: %s", (long long)w.current, why);
		why = why_buf;
	}
	free(held);
	*ret_rows = rows;
	*ret_why = why;
	return why ? -1 : 0;
}

/*
** Parse the audit filters of a request and prepare the query for them,
** newest first, below cursor, at most limit rows.  Answers 422 or 500 and
** returns NULL on a bad filter or a database error.
*/
static struct db_stmt *audit_query(struct request *r, int64_t limit, int64_t cursor)
{
	int64_t from = INT64_MIN, to = INT64_MAX;
	const char *actor = query_arg(r, "actor"), *action = query_arg(r, "action");
	const char *from_s = query_arg(r, "from"), *to_s = query_arg(r, "to");
	int32_t day;
	if (from_s) {
		if (clock_parse_date(from_s, &day) < 0) {
			reply_error(r, 422, "invalid_query", "from", "日期格式应为 YYYY-MM-DD (from must be a date)");
			return NULL;
		}
		from = clock_local_midnight(day);
	}
	if (to_s) {
		if (clock_parse_date(to_s, &day) < 0) {
			reply_error(r, 422, "invalid_query", "to", "日期格式应为 YYYY-MM-DD (to must be a date)");
			return NULL;
		}
		to = clock_local_midnight(day + 1) - 1;
	}
	/* A list of exact actions, or one prefix ending in '.' (every action of a module). */
	bool prefix = action && action[0] && action[strlen(action) - 1] == '.' && !strchr(action, ',');
	const char *unknown = action && !prefix ? audit_actions_unknown(r->arena, action) : NULL;
	if (unknown) {
		reply_error(r, 422, "invalid_query", "action", "没有这种操作:%s (no such action: %s)", unknown,
		            unknown);
		return NULL;
	}
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT id, at, actor, action, object_type, object_id, detail, ip, request_id,"
	    " CASE object_type"
	    "  WHEN 'user' THEN (SELECT display_name FROM users WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'org' THEN (SELECT name FROM orgs WHERE code = object_id)"
	    "  WHEN 'api_key' THEN (SELECT name FROM api_keys WHERE key_id = object_id)"
	    "  WHEN 'project' THEN (SELECT name FROM projects WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'enterprise' THEN (SELECT name FROM enterprises WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'lead' THEN (SELECT title FROM leads WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'voucher_campaign' THEN (SELECT name FROM voucher_campaigns WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'merchant' THEN (SELECT name FROM merchants WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'official' THEN (SELECT name FROM officials WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'supply_site' THEN (SELECT name FROM supply_sites WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'supply_item' THEN (SELECT name FROM supply_items WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'indicator' THEN (SELECT name FROM indicators WHERE code = object_id)"
	    "  WHEN 'refund_policy' THEN (SELECT name FROM refund_policies WHERE code = object_id)"
	    "  WHEN 'problem' THEN (SELECT title FROM problems WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'ceremony' THEN (SELECT title FROM ceremonies WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'central_task' THEN (SELECT name FROM central_tasks WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'assessment_group' THEN (SELECT name FROM assessment_groups WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'assessment' THEN (SELECT name FROM assessments WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'scheme' THEN (SELECT name FROM assessment_schemes WHERE id = CAST(object_id AS INTEGER))"
	    "  WHEN 'resumption' THEN (SELECT coalesce(p.name, e.name) FROM resumptions r JOIN enterprises e"
	    "   ON e.id = r.enterprise_id LEFT JOIN projects p ON p.id = r.project_id WHERE r.id = CAST(object_id AS "
	    "INTEGER))"
	    " END,"
	    " (SELECT display_name FROM users WHERE username = actor)"
	    " FROM audit_log"
	    " WHERE substr(org_path, 1, length(?1)) = ?1 AND id < ?2 AND (?3 IS NULL OR actor = ?3)"
	    " AND (?4 IS NULL OR (?5 = 1 AND substr(action, 1, length(?4)) = ?4)"
	    "  OR (?5 = 0 AND instr(',' || ?4 || ',', ',' || action || ',') > 0))"
	    " AND at BETWEEN ?6 AND ?7 ORDER BY id DESC LIMIT ?8",
	    "tittIiii", r->who.org_path, cursor, actor, action, (int)prefix, from, to, limit);
	if (rc < 0) {
		reply_db_error(r, rc);
		return NULL;
	}
	return s;
}

/* A row of audit_query: the codes, and beside them the words a person reads. */
static json_t *audit_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char when[32];
	clock_format_iso(db_column_int64(s, 1), when);
	json_t *detail = json_loads(db_column_text(s, 6), 0, NULL);
	const char *action = db_column_text(s, 3);
	return json_pack("{s:I, s:s, s:s, s:s*, s:s, s:s, s:s, s:s, s:s*, s:o*, s:s, s:s}", "id",
	                 (json_int_t)db_column_int64(s, 0), "at", when, "actor", db_column_text(s, 2), "actor_name",
	                 db_column_text(s, 10), "action", action, "action_label", audit_action_label(action),
	                 "object_type", db_column_text(s, 4), "object_id", db_column_text(s, 5), "object_name",
	                 db_column_text(s, 9), "detail", detail, "ip", db_column_text(s, 7), "request_id",
	                 db_column_text(s, 8));
}

/*
** ROUTE: GET /api/v1/audit
** AUTH: auditor
** SUMMARY: 审计日志 The audit log of the caller's scope
** Filters: ?actor=USERNAME, ?action= (exact, or a prefix ending in '.' such
** as "user."), ?from=YYYY-MM-DD, ?to=YYYY-MM-DD (inclusive, Beijing time);
** newest first, ?limit= and ?cursor= paginate.
*/
void audit_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 1000, &limit, &cursor))
		return;
	struct db_stmt *s = audit_query(r, limit, cursor);
	if (s)
		reply_rows(r, 0, s, audit_row_json, limit);
}

enum { AUDIT_EXPORT_MAX = 100000 };

/*
** ROUTE: GET /api/v1/audit/export
** AUTH: auditor
** SUMMARY: 导出审计日志(Excel/CSV) Export the audit log as Excel or CSV
** The filters of GET /api/v1/audit, and ?format=xlsx (default) or csv.
** At most the newest 100,000 rows.
*/
void audit_export(struct request *r)
{
	static const char *const headers[] = {"编号", "时间",     "操作人", "操作", "操作代码", "对象类型",
	                                      "对象", "对象名称", "详情",   "IP",   "请求编号"};
	const char *format = export_format_arg(r);
	if (!format)
		return;
	struct db_stmt *s = audit_query(r, AUDIT_EXPORT_MAX, INT64_MAX);
	if (!s)
		return;
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		char when[32];
		clock_format_iso(db_column_int64(s, 1), when);
		const char *action = db_column_text(s, 3), *actor_name = db_column_text(s, 10);
		json_array_append_new(
		    rows, json_pack("[I, s, s, s, s, s, s, s, s, s, s]", (json_int_t)db_column_int64(s, 0), when,
		                    actor_name ? arena_printf(r->arena, "%s (%s)", actor_name, db_column_text(s, 2))
		                               : db_column_text(s, 2),
		                    audit_action_label(action), action, audit_object_label(db_column_text(s, 4)),
		                    db_column_text(s, 5), db_column_text(s, 9) ? db_column_text(s, 9) : "",
		                    audit_detail_text(r->arena, db_column_text(s, 6)), db_column_text(s, 7),
		                    db_column_text(s, 8)));
	}
	db_finalize(s);
	if (rc < 0)
		reply_db_error(r, rc);
	else
		reply_table(r, format, "审计日志", headers, sizeof headers / sizeof headers[0], rows);
	json_decref(rows);
}

/*
** ROUTE: GET /api/v1/audit/daily
** AUTH: auditor
** SUMMARY: 每日审计事件数 Audit events per day
** ?days=N (1..366, default 30): the last N days up to today (Beijing time),
** every day listed, with zero where nothing happened.
*/
void audit_daily(struct request *r)
{
	const char *days_s = query_arg(r, "days");
	char *end;
	long days = days_s ? strtol(days_s, &end, 10) : 30;
	if (days_s && (*end || !*days_s || days < 1 || days > 366)) {
		reply_error(r, 422, "invalid_query", "days", "days 应为 1 到 366 (days must be 1 to 366)");
		return;
	}
	int32_t today = clock_local_day(clock_now()), first = today - (int32_t)days + 1;
	int64_t *counts = arena_alloc(r->arena, sizeof *counts * (size_t)days);
	struct db_stmt *s;
	/* Group by Beijing day: shift to +08:00 before dividing into days. */
	int rc = counts ? db_prepare(r->db, &s,
	                             "SELECT (at + 28800) / 86400 AS day, count(*) FROM audit_log"
	                             " WHERE substr(org_path, 1, length(?1)) = ?1 AND at >= ?2 GROUP BY day",
	                             "ti", r->who.org_path, clock_local_midnight(first))
	                : DB_ERROR;
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t day = db_column_int64(s, 0);
		if (day >= first && day <= today)
			counts[day - first] = db_column_int64(s, 1);
	}
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *items = json_array();
	for (int32_t d = 0; d < days; d++) {
		char date[11];
		clock_format_date(first + d, date);
		json_array_append_new(items, json_pack("{s:s, s:I}", "date", date, "count", (json_int_t)counts[d]));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}
