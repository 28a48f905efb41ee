/*
** The problem desk (问题没解决,服务不停止): enterprises raise problems, or
** officers and agents raise them on their behalf; each is routed to the
** department that owns it, followed through its deadlines (working days),
** escalated when late, and closed only by the enterprise, with a rating.
*/
#ifndef BANYAN_DESK_DESK_H
#define BANYAN_DESK_DESK_H

#include <stdint.h>

#include "http/http.h"

struct enterprise {
	int64_t id, org_id;
	const char *name, *credit_code, *org_code, *org_path;
};

/*
** Load an enterprise the caller may act for: an enterprise account only its
** own; staff when the enterprise's district and the caller's organisation
** are on one branch of the tree (the 晋安 投促局 serves 晋安's enterprises,
** the city serves all).  Answers 404/403 itself and returns false.
*/
bool enterprise_for_caller(struct request *r, int64_t id, struct enterprise *ret);

/* May the caller see a problem of this district and department?  A department
** sees the problems it owns; other staff those on their branch of the tree. */
bool desk_problem_visible(struct request *r, const char *district_path, const char *department_path);

/* The light of a problem: "red" past its deadline, "yellow" within a day of it, else "green". */
const char *desk_light(const char *status, int64_t accept_due, int64_t answer_due, int64_t now);

/* Run one escalation pass now (the desk service does every minute): returns how many problems moved up. */
int desk_escalate(struct db *d, int64_t now);

/*
** Decode an attachment's base64 data (at most 512 KiB) and check that its
** content is what its type says (PNG, JPEG, PDF, plain text): the bytes, in
** the request's arena, or NULL after answering 413 or 422 on field, 415 on
** type_field.
*/
const unsigned char *attachment_decode(struct request *r, const char *type, const char *data, const char *field,
                                      const char *type_field, size_t *ret_len);

/*
** A problem on the caller's branch (its path bound at ?1), for a problem row
** joined to its district as d and its department as g: handled by a
** department on the branch, raised in a district on it, or in the district
** the branch lies in.  The list and the workbench count with it alike.
*/
#define SQL_PROBLEM_IN_AREA                                                                                            \
	"(substr(g.path, 1, length(?1)) = ?1 OR substr(d.path, 1, length(?1)) = ?1"                                    \
	" OR substr(?1, 1, length(d.path)) = d.path)"

#endif
