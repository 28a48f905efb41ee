/*
** Notices to a user (站内通知): a refund decision publicised or paid, and
** whatever the workbench tells people later.  Written inside the caller's
** transaction; pushed to the user's open consoles (SSE event "notice") once
** committed.
*/
#ifndef BANYAN_ORG_NOTICES_H
#define BANYAN_ORG_NOTICES_H

#include <stdint.h>

#include "db/db.h"

/* Add a notice for user_id inside the caller's transaction; link may be NULL. */
int notice_add(struct db *d, int64_t user_id, const char *title, const char *body, const char *link);

/* The highest notice id now: notices_push() after a commit sends those above it. */
int64_t notices_mark(struct db *d);

/* Push the notices with id > after to their users' open consoles (SSE event "notice"). */
void notices_push(struct db *d, int64_t after);

#endif
