/*
** Leases of voucher stock, for the claim engine on PostgreSQL (see
** leases.c and migration 0032): the database side.  Internal to vouchers/.
*/
#ifndef BANYAN_VOUCHERS_LEASES_H
#define BANYAN_VOUCHERS_LEASES_H

#include <stdint.h>

#include "db/db.h"

/*
** A new node number, its advisory lock taken on d's connection: the node is
** alive while that connection holds it.  0 or a db error.
*/
int voucher_node_start(struct db *d, int64_t *ret_node);

/*
** Lease up to `block` of a bucket's stock not yet leased (api_key_id 0: the
** kind's shared pool of `stock`), in a transaction of its own.  *ret_size is
** 0 when nothing is left to lease.  0 or a db error.
*/
int voucher_lease_take(struct db *d, int64_t node, int64_t kind_id, int64_t api_key_id, int64_t stock, int64_t block,
                       int64_t *ret_lease, int64_t *ret_size);

/*
** Count n vouchers written in the caller's transaction into their lease.
** DB_DONE if the lease is closed or would pass its size (the transaction
** must then be rolled back); 0 or a db error.
*/
int voucher_lease_use(struct db *d, int64_t lease, int64_t n);

/*
** Give back n units of a lease that no claim will use (a claim undone after
** its node had moved on to a newer lease), in a transaction of its own.  A
** closed lease gave them back when it was closed.  0 or a db error.
*/
int voucher_lease_give_back(struct db *d, int64_t lease, int64_t n);

/* Close a node's open leases and return what they did not use to the kinds' stock.  0 or a db error. */
int voucher_leases_close(struct db *d, int64_t node);

/* Close the leases of every node that is no longer alive (its lock is free).  How many nodes, or a db error. */
int voucher_leases_reclaim(struct db *d, int64_t self);

#endif
