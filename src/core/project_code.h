/*
 * project_code.h - the investment project code (投资项目代码) issued by the
 * national online approval and supervision platform for investment projects
 * (全国投资项目在线审批监管平台), e.g. "2020-350111-47-01-012345".
 */
#ifndef BANYAN_CORE_PROJECT_CODE_H
#define BANYAN_CORE_PROJECT_CODE_H

#include <stdbool.h>

/* Length of a code, not counting a terminating NUL. */
#define PROJECT_CODE_LEN 24

/* The parts of a code, each field a NUL-terminated digit string. */
struct project_code {
	int year;              /* year of issue, 2000..2099 */
	char division[7];      /* administrative division code, e.g. "350111" */
	char industry[3];      /* national economic industry code */
	char approval_type[3]; /* approval route (审批/核准/备案) */
	char serial[7];        /* serial number within the rest */
};

/*
 * project_code_parse - split a code "YYYY-DDDDDD-II-TT-SSSSSS" into parts.
 * The whole string must be the code: digits and '-' exactly in those places,
 * year 2000..2099, nothing before or after. Industry and approval-type values
 * are not checked against their code lists, which change over time. Returns 0
 * and fills *ret, or -EINVAL (including NULL s) leaving *ret untouched.
 */
int project_code_parse(const char *s, struct project_code *ret);

/*
 * division_name - the name of a division of China at county level or above
 * (GB/T 2260, as data/divisions/gb2260.csv holds it: "350111" -> "晋安区"), or
 * NULL when there is no such division.  The embedded table is read once, on
 * first use, by whichever thread comes first; the name lives as long as the
 * program.
 */
const char *division_name(const char *code);

/*
 * project_code_division_fits - may a project carry a code issued for this
 * division?  The code is issued where the project is approved or filed: its
 * district (e.g. 350111), the city above it (350100) or, for a provincial
 * project, the province (the city's first two digits and 0000: 350000).
 * district and city are those organisations' codes; city may be NULL.
 */
bool project_code_division_fits(const char *division, const char *district, const char *city, bool provincial);

#endif /* BANYAN_CORE_PROJECT_CODE_H */
