/*
** banyan: the city economic-service platform.  This file only finds the
** subcommand in the generated command table and runs it; every subcommand is
** declared beside its function (see tools/mkindex.c).
*/
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
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
