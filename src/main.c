/*
** banyan: the city economic-service platform.  This file only finds the
** subcommand in the generated command table and runs it; every subcommand is
** declared beside its function (see tools/mkindex.c).
*/
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/cli.h"
#include "core/index.h"

static void usage(FILE *out)
{
	fputs("banyan: 榕城经济服务平台 city economic-service platform\n\n"
	      "usage: banyan COMMAND [OPTIONS]   (banyan COMMAND --help for details)\n\n",
	      out);
	for (size_t i = 0; i < command_count; i++)
		fprintf(out, "  %-10s %s\n", command_table[i].name, command_table[i].summary);
}

static const struct command_def *find_command(const char *name)
{
	for (size_t i = 0; i < command_count; i++)
		if (strcmp(command_table[i].name, name) == 0)
			return &command_table[i];
	return NULL;
}

static int help(const struct command_def *c)
{
	printf("usage: %s\n\n%s\n%s", c->usage, c->summary, c->help);
	return 0;
}

/*
** Text for roff: a backslash doubled, and a line that starts with a dot or
** an apostrophe (which roff would read as a request) guarded with \&.
*/
static void roff_text(const char *text)
{
	bool line_start = true;
	for (const char *p = text; *p; p++) {
		if (line_start && (*p == '.' || *p == '\''))
			fputs("\\&", stdout);
		if (*p == '\\')
			fputs("\\e", stdout);
		else
			putchar(*p);
		line_start = *p == '\n';
	}
	if (!line_start)
		putchar('\n');
}

/*
** banyan(1), written from the command table at build time (meson runs
** `banyan help --man`), so the manual lists exactly the commands and
** options the binary has.  Each command's help keeps its line breaks (.nf).
*/
static int manual(void)
{
	puts(".\\\" -*- coding: UTF-8 -*-\n"
	     ".TH BANYAN 1 \"\" \"banyan " BANYAN_VERSION "\" \"banyan\"\n"
	     ".SH NAME\n"
	     "banyan \\- 榕城经济服务平台, a city's economic-service platform\n"
	     ".SH SYNOPSIS\n"
	     ".B banyan\n"
	     ".I COMMAND\n"
	     "[\\fIOPTIONS\\fR]\n"
	     ".SH DESCRIPTION\n"
	     "One program serves a city's economic-service platform: the API and the console over HTTP, on\n"
	     "one SQLite database file.  Run it as a service (see the systemd unit installed with it) behind a\n"
	     "reverse proxy that serves TLS.  Every command takes \\fB\\-\\-help\\fR.\n"
	     ".SH COMMANDS");
	for (size_t i = 0; i < command_count; i++) {
		const struct command_def *c = &command_table[i];
		printf(".SS %s\n", c->name);
		roff_text(c->summary);
		puts(".PP\n.nf");
		roff_text(c->usage);
		puts(".fi\n.PP\n.nf");
		roff_text(c->help);
		puts(".fi");
	}
	puts(".SH FILES\n"
	     ".TP\n"
	     ".I DB.lock\n"
	     "beside the database: the serving process's PID; a second server on the same database refuses to start.\n"
	     ".TP\n"
	     ".I DB.audit-key\n"
	     "the audit log's key, if no other is given.\n"
	     ".SH EXIT STATUS\n"
	     "0 on success, 2 on a usage error, 1 otherwise.\n"
	     ".SH SEE ALSO\n"
	     ".BR systemctl (1),\n"
	     ".BR nginx (8),\n"
	     ".BR haproxy (1)");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		if (argc > 2 && strcmp(argv[2], "--man") == 0)
			return manual();
		const struct command_def *c = argc > 2 ? find_command(argv[2]) : NULL;
		if (c)
			return help(c);
		usage(stdout);
		return 0;
	}
	const struct command_def *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "banyan: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return help(c);
	if (sodium_init() < 0) {
		fputs("banyan: libsodium failed to initialise\n", stderr);
		return 1;
	}
	return c->run(argc - 1, argv + 1);
}
