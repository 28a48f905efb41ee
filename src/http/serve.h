/*
** Running the server in the foreground until SIGINT or SIGTERM: shared by
** `banyan serve` and `banyan demo`.
*/
#ifndef BANYAN_HTTP_SERVE_H
#define BANYAN_HTTP_SERVE_H

#include "http/server.h"

/* Serve until a signal; prints the address; returns the process exit code.
** on_ready (may be NULL) is called with the bound port once listening. */
int serve_until_signal(const struct server_config *cfg, void (*on_ready)(uint16_t port));

/* Tell the server serving db_path (if any) that API keys changed, so its key
** cache reads them again before its next request (see DB.lock in serve.c). */
void serve_keys_changed(const char *db_path);

#endif
