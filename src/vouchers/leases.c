/*
** Leases of voucher stock (migration 0032): how several nodes on one
** PostgreSQL database claim from one kind and never pass its stock.
**
** A node claims from memory, as a single server does, but only from stock it
** has leased: a block at a time, an eighth of what is left once that is less
** than a block, so the last vouchers are spread thin rather than held by one
** node.  Each transaction of the writer counts its vouchers into their leases
** (voucher_lease_use), refused once a lease would pass its size or has been
** closed; the two rows change together or not at all.  So, whatever any
** node's memory believes, a kind's vouchers <= the leases' sizes <= the
** stock.
**
** A node is alive while its writer's connection holds the advisory lock on
** its number (taken at start).  When it stops it closes its leases; when it
** dies its connection ends, the lock with it, and another node that takes
** the lock closes them: a closed lease's size becomes what it used, and the
** rest goes back to the kind.  A batch of a node taken for dead (its
** connection lost, then made again without the lock) finds its lease closed
** and is refused, never counted twice.
**
** PostgreSQL only (advisory locks), the rest standard SQL.
*/
#include <stdlib.h>

#include "core/clock.h"
#include "vouchers/leases.h"

/* The class of the nodes' advisory locks (two 32-bit keys: apart from cluster.c's 64-bit ones). */
#define NODE_LOCK "98971"

int voucher_node_start(struct db *d, int64_t *ret_node)
{
	int64_t node = 0, locked = 0;
	int r =
	    db_query_int64(d, &node, "INSERT INTO voucher_nodes(started_at) VALUES (?) RETURNING id", "i", clock_now());
	if (r == 0)
		r = db_query_int64(d, &locked, "SELECT pg_try_advisory_lock(" NODE_LOCK ", CAST(? AS INTEGER))", "i",
		                   node);
	if (r == 0 && !locked)
		r = DB_ERROR; /* a new number nobody else can hold: the database is not what it seems */
	if (r == 0)
		*ret_node = node;
	return r;
}

int voucher_lease_take(struct db *d, int64_t node, int64_t kind_id, int64_t api_key_id, int64_t stock, int64_t block,
                       int64_t *ret_lease, int64_t *ret_size)
{
	int64_t now = clock_now(), earlier = 0, size = 0, lease = 0;
	*ret_size = 0;
	int r = db_begin(d);
	/* A bucket's first lease: its row, counting the vouchers written before leases (a city moved from SQLite). */
	if (r == 0)
		r = db_query_int64(
		    d, &earlier,
		    "INSERT INTO voucher_buckets(kind_id, api_key_id, stock, leased)"
		    " SELECT ?, ?, ?, count(*) FROM vouchers WHERE kind_id = ? AND (? = 0 OR api_key_id = ?)"
		    " ON CONFLICT (kind_id, api_key_id) DO NOTHING RETURNING leased",
		    "iiiiii", kind_id, api_key_id, stock, kind_id, api_key_id, api_key_id);
	if (r == DB_DONE)
		r = 0;
	else if (r == 0 && earlier > 0)
		r = db_run(d,
		           "INSERT INTO voucher_leases(kind_id, api_key_id, node_id, size, used, taken_at, closed_at)"
		           " VALUES (?, ?, ?, ?, ?, ?, ?)",
		           "iiiiiii", kind_id, api_key_id, node, earlier, earlier, now, now);
	/* Both assignments read the row as it was: the same size granted and added. */
	if (r == 0)
		r = db_query_int64(
		    d, &size,
		    "UPDATE voucher_buckets SET"
		    " granted = CASE WHEN (stock - leased + 7) / 8 > ? THEN ? ELSE (stock - leased + 7) / 8 END,"
		    " leased = leased + CASE WHEN (stock - leased + 7) / 8 > ? THEN ? ELSE (stock - leased + 7) / 8 END"
		    " WHERE kind_id = ? AND api_key_id = ? AND leased < stock RETURNING granted",
		    "iiiiii", block, block, block, block, kind_id, api_key_id);
	if (r == DB_DONE)
		r = 0, size = 0; /* all leased */
	else if (r == 0)
		r = db_query_int64(d, &lease,
		                   "INSERT INTO voucher_leases(kind_id, api_key_id, node_id, size, taken_at)"
		                   " VALUES (?, ?, ?, ?, ?) RETURNING id",
		                   "iiiii", kind_id, api_key_id, node, size, now);
	if (r == 0)
		r = db_commit(d);
	else
		db_rollback(d);
	if (r == 0) {
		*ret_lease = lease;
		*ret_size = size;
	}
	return r;
}

int voucher_lease_use(struct db *d, int64_t lease, int64_t n)
{
	int64_t id;
	return db_query_int64(d, &id,
	                      "UPDATE voucher_leases SET used = used + ? WHERE id = ? AND closed_at IS NULL"
	                      " AND used + ? <= size RETURNING id",
	                      "iii", n, lease, n);
}

int voucher_lease_give_back(struct db *d, int64_t lease, int64_t n)
{
	struct db_stmt *s = NULL;
	int64_t kind_id = 0, api_key_id = 0;
	int r = db_begin(d);
	if (r == 0)
		r = db_prepare(d, &s,
		               "UPDATE voucher_leases SET size = size - ? WHERE id = ? AND closed_at IS NULL"
		               " AND size - ? >= used RETURNING kind_id, api_key_id",
		               "iii", n, lease, n);
	if (r == 0 && (r = db_step(s)) == DB_ROW) {
		kind_id = db_column_int64(s, 0);
		api_key_id = db_column_int64(s, 1);
	}
	db_finalize(s);
	if (r == DB_ROW)
		r = db_run(d, "UPDATE voucher_buckets SET leased = leased - ? WHERE kind_id = ? AND api_key_id = ?",
		           "iii", n, kind_id, api_key_id);
	else if (r == DB_DONE)
		r = 0; /* closed meanwhile: given back then */
	if (r == 0)
		return db_commit(d);
	db_rollback(d);
	return r;
}

struct unused {
	int64_t lease, kind_id, api_key_id, n;
};

int voucher_leases_close(struct db *d, int64_t node)
{
	struct unused *rows = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *s = NULL;
	int r = db_begin(d);
	/* Closing first locks the rows: a transaction still counting into them is waited for. */
	if (r == 0)
		r = db_prepare(d, &s,
		               "UPDATE voucher_leases SET closed_at = ? WHERE node_id = ? AND closed_at IS NULL"
		               " RETURNING id, kind_id, api_key_id, size - used",
		               "ii", clock_now(), node);
	while (r == 0 && (r = db_step(s)) == DB_ROW) {
		if (n == cap) {
			struct unused *grown = realloc(rows, (cap = cap ? 2 * cap : 16) * sizeof *grown);
			if (!grown) {
				r = DB_ERROR;
				break;
			}
			rows = grown;
		}
		rows[n++] = (struct unused){db_column_int64(s, 0), db_column_int64(s, 1), db_column_int64(s, 2),
		                            db_column_int64(s, 3)};
		r = 0;
	}
	db_finalize(s);
	if (r == DB_DONE)
		r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = db_run(d, "UPDATE voucher_leases SET size = used WHERE id = ?", "i", rows[i].lease);
		if (r == 0 && rows[i].n > 0)
			r = db_run(
			    d, "UPDATE voucher_buckets SET leased = leased - ? WHERE kind_id = ? AND api_key_id = ?",
			    "iii", rows[i].n, rows[i].kind_id, rows[i].api_key_id);
	}
	free(rows);
	if (r == 0)
		return db_commit(d);
	db_rollback(d);
	return r;
}

int voucher_leases_reclaim(struct db *d, int64_t self)
{
	int64_t nodes[64];
	int n = 0, r = 0, closed = 0;
	struct db_stmt *s = NULL;
	/* A few at a time: there are as many as nodes died since the last pass. */
	r = db_prepare(d, &s,
	               "SELECT DISTINCT node_id FROM voucher_leases WHERE closed_at IS NULL AND node_id <> ?"
	               " ORDER BY node_id",
	               "i", self);
	while (r == 0 && n < 64 && db_step(s) == DB_ROW)
		nodes[n++] = db_column_int64(s, 0);
	db_finalize(s);
	for (int i = 0; r == 0 && i < n; i++) {
		int64_t free_lock = 0;
		r = db_query_int64(d, &free_lock, "SELECT pg_try_advisory_lock(" NODE_LOCK ", CAST(? AS INTEGER))", "i",
		                   nodes[i]);
		if (r < 0 || !free_lock)
			continue; /* alive */
		r = voucher_leases_close(d, nodes[i]);
		int64_t unlocked;
		db_query_int64(d, &unlocked, "SELECT pg_advisory_unlock(" NODE_LOCK ", CAST(? AS INTEGER))", "i",
		               nodes[i]);
		if (r == 0)
			closed++;
	}
	return r < 0 ? r : closed;
}
