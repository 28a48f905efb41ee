/*
** Subcommand option parsing (see core/cli.h).
*/
#include "core/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **positional, int max_positional,
              int *ret_n_positional)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == 0) {
			if (n == max_positional) {
				fprintf(stderr, "banyan %s: unexpected argument '%s'\n", argv[0], arg);
				return EXIT_USAGE;
			}
			positional[n++] = arg;
			continue;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct cli_opt *o = opts;
		while (o->name && !(strlen(o->name) == len && strncmp(o->name, name, len) == 0))
			o++;
		if (!o->name) {
			fprintf(stderr, "banyan %s: unknown option '%s' (see banyan %s --help)\n", argv[0], arg,
			        argv[0]);
			return EXIT_USAGE;
		}
		if (o->ret_flag) {
			if (eq) {
				fprintf(stderr, "banyan %s: option --%s takes no value\n", argv[0], o->name);
				return EXIT_USAGE;
			}
			*o->ret_flag = true;
		} else if (eq) {
			*o->ret_value = eq + 1;
		} else if (i + 1 < argc) {
			*o->ret_value = argv[++i];
		} else {
			fprintf(stderr, "banyan %s: option --%s needs a value\n", argv[0], o->name);
			return EXIT_USAGE;
		}
	}
	*ret_n_positional = n;
	return 0;
}

const char *cli_db_path(const char *from_option)
{
	if (from_option)
		return from_option;
	const char *env = getenv("BANYAN_DB");
	return env && *env ? env : "banyan.db";
}
