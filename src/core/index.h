/*
** The route and command tables that tools/mkindex.c generates from the
** declaration comments beside each handler and subcommand.  Nothing else
** lists routes or commands: the HTTP router, the OpenAPI document, the
** access-control tests and `banyan help` all read these two tables.
*/
#ifndef BANYAN_CORE_INDEX_H
#define BANYAN_CORE_INDEX_H

#include <stdbool.h>
#include <stddef.h>

struct request;

struct route_def {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/v1/users/{id}" */
	const char *auth;    /* "public", "any", or a comma list of roles */
	const char *summary; /* Chinese first, then English */
	const char *name;    /* the handler's function name: the OpenAPI operationId */
	void (*handler)(struct request *r);
	bool raw_body;   /* BODY: raw: the handler reads the body itself (request_json()) */
	size_t head_len; /* the pattern's bytes before its first parameter: the router compares these first */
	const char *duty; /* DUTY: the caller's organisation must hold it (org_duties); NULL: no duty */
};

struct command_def {
	const char *name;
	const char *usage;
	const char *summary;
	const char *help;
	int (*run)(int argc, char **argv); /* argv[0] is the command name; returns the exit code */
};

enum service_phase { SERVICE_START, SERVICE_STOP, SERVICE_DEMO /* add demo data to a new database */ };

/* Something a domain runs beside the server: started (with the database path)
** before the server listens, stopped after it has stopped; and asked for its
** demo data when `banyan demo` creates a database. */
struct service_def {
	const char *name;
	int (*run)(enum service_phase phase, const char *db_path); /* 0 or negative */
};

extern const struct route_def route_table[];
extern const size_t route_count;
extern const struct command_def command_table[];
extern const size_t command_count;
extern const struct service_def service_table[];
extern const size_t service_count;

#endif
