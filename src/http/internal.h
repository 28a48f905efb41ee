/*
** What the parts of src/http share and domain code does not need.
*/
#ifndef BANYAN_HTTP_INTERNAL_H
#define BANYAN_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/*
** Queue the response: data is copied unless persistent (embedded files).
** headers is NULL or a NULL-terminated list of name, value pairs; without a
** Cache-Control among them the response is "no-store".
*/
void http_queue(struct request *r, int status, const char *content_type, const void *data, size_t len, bool persistent,
                const char *const *headers);

/* Serve the embedded console for a non-API GET: a file, or index.html for the
** console's own routes.  Answers 404 itself when there is nothing to serve. */
void static_serve(struct request *r);

/* End every event stream (at shutdown: suspended connections must be resumed). */
void events_close_all(void);
/* Send a comment to every stream so idle proxies keep it open. */
void events_keepalive(void);

#endif
