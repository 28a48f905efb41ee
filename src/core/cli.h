/*
** Command-line options for subcommands: "--name VALUE", "--name=VALUE" and
** flags "--name".  Anything else is a positional word ("user add").
** A subcommand returns EXIT_USAGE (2) for bad usage, after printing why.
*/
#ifndef BANYAN_CORE_CLI_H
#define BANYAN_CORE_CLI_H

#include <stdbool.h>

enum { EXIT_USAGE = 2 };

struct cli_opt {
	const char *name;       /* without the leading "--" */
	const char **ret_value; /* for an option with a value; NULL for a flag */
	bool *ret_flag;         /* for a flag */
};

/*
** Parse argv[1..argc) (argv[0] is the subcommand).  Options not in opts, a
** missing value, or more than max_positional words print a message to stderr
** and return EXIT_USAGE; otherwise 0 with the words in positional[].
** opts ends with an entry whose name is NULL.
*/
int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **positional, int max_positional,
              int *ret_n_positional);

/* The database path: --db if given, else $BANYAN_DB, else "banyan.db". */
const char *cli_db_path(const char *from_option);

#endif
