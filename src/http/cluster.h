/*
** Several banyan nodes on one PostgreSQL database (see cluster.c): live
** events relayed through LISTEN/NOTIFY, and the background work that must
** run on one node at a time given to whichever node holds its lock.
*/
#ifndef BANYAN_HTTP_CLUSTER_H
#define BANYAN_HTTP_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

/* Work that runs on one node at a time: each has an advisory lock of its own. */
enum cluster_duty {
	DUTY_DESK,     /* the desk's escalation pass (src/desk/service.c) */
	DUTY_VOUCHERS, /* the voucher engine's ticker, once the engine runs across nodes */
	DUTY_NONCES,   /* forgetting signed requests' nonces older than the window */
	DUTY_COUNT,
};

/*
** Whether this node does duty now.  On SQLite (one server per file) always;
** on PostgreSQL while this node holds the duty's lock.  A node that does not
** asks again every CLUSTER_RETRY_SECONDS, so the duty moves within that when
** the node doing it dies (its connection ends, and with it the lock).
*/
enum { CLUSTER_RETRY_SECONDS = 2 };
bool cluster_leads(enum cluster_duty duty);

/*
** Hand an event to every node (events.c): true when it was queued for
** PostgreSQL's NOTIFY, which brings it back to this node's streams too; false
** when it is this node's alone to deliver (SQLite, or the relay not running).
*/
bool cluster_relay(const char *type, const char *org_path, int64_t user_id, const char *json);

/* Deliver an event (as cluster_relay got it) to this node's streams (events.c). */
void events_deliver(const char *type, const char *org_path, int64_t user_id, const char *json);

#endif
