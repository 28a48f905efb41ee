/*
** Users: accounts, their roles and organisations, passwords (argon2id), the
** user routes and the `banyan user` command.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/clock.h"
#include "org/org.h"

bool user_name_valid(const char *u)
{
	size_t n = strlen(u);
	if (n < 3 || n > 32 || !((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= '0' && u[0] <= '9')))
		return false;
	for (; *u; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= '0' && *u <= '9') || *u == '_' || *u == '.' || *u == '-'))
			return false;
	return true;
}

/* Answer 422 naming field (and return false) when password may not be set. */
static bool password_acceptable(struct request *r, const char *field, const char *password)
{
	const char *problem = password_problem(password);
	if (problem)
		reply_error(r, 422, "weak_password", field, "%s", problem);
	return !problem;
}

int user_create(struct db *d, const struct audit_context *ctx, const struct user_new *u, int64_t *ret_id)
{
	char made[128];
	const char *hash = u->password_hash;
	if (!hash && user_hash_password(u->password, made) < 0)
		return DB_ERROR;
	if (!hash)
		hash = made;
	int64_t now = clock_now();
	int r = db_begin(d);
	if (r < 0)
		return r;
	r = db_run(d,
	           "INSERT INTO users(username, display_name, role, org_id, password_hash, duty_admin, created_at,"
	           " updated_at) VALUES (?,?,?,?,?,?,?,?)",
	           "tttitIii", u->username, u->display_name, u->role, u->org_id, hash, (int)u->duty_admin, now, now);
	int64_t id = db_last_insert_id(d);
	if (r == 0) {
		char object_id[24];
		snprintf(object_id, sizeof object_id, "%lld", (long long)id);
		json_t *detail = json_pack("{s:{s:s, s:s, s:s, s:s, s:b}}", "after", "username", u->username,
		                           "display_name", u->display_name, "role", u->role, "org_path", u->org_path,
		                           "duty_admin", u->duty_admin);
		r = audit_append(d, ctx, "user.create", "user", object_id, u->org_path, detail);
		json_decref(detail);
	}
	if (r < 0) {
		db_rollback(d);
		return r;
	}
	r = db_commit(d);
	if (r == 0)
		*ret_id = id;
	return r;
}

/* ---- routes ----------------------------------------------------------- */

static const char user_select[] =
    "SELECT u.id, u.username, u.display_name, u.role, u.disabled, u.created_at, o.code, o.name, o.path,"
    " u.duty_admin FROM users u JOIN orgs o ON o.id = u.org_id";

static json_t *user_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char when[32];
	clock_format_iso(db_column_int64(s, 5), when);
	const char *role = db_column_text(s, 3);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:{s:s, s:s}}", "id",
	                 (json_int_t)db_column_int64(s, 0), "username", db_column_text(s, 1), "display_name",
	                 db_column_text(s, 2), "role", role, "role_label", role_label_zh(role_from_name(role)), "disabled",
	                 (int)db_column_int64(s, 4), "duty_admin", (int)db_column_int64(s, 9), "created_at", when, "org",
	                 "code", db_column_text(s, 6), "name", db_column_text(s, 7));
}

/*
** Load user id as JSON, answering 404 when absent and 403 when outside the
** caller's scope.  Returns NULL after answering.  *ret_path gets the user's org path.
*/
static json_t *user_load_or_reply(struct request *r, int64_t id, const char **ret_path)
{
	struct db_stmt *s;
	char *sql = arena_printf(r->arena, "%s WHERE u.id = ?", user_select);
	int rc = db_prepare(r->db, &s, sql, "i", id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return NULL;
	}
	rc = db_step(s);
	json_t *user = NULL;
	if (rc == DB_ROW) {
		const char *path = db_column_text(s, 8);
		if (principal_scope_contains(&r->who, path)) {
			user = user_row_json(r, s);
			if (ret_path)
				*ret_path = arena_strdup(r->arena, path);
		} else {
			reply_error(r, 403, "out_of_scope", NULL,
			            "该用户不在您的管辖范围内 (user outside your organisation)");
		}
	} else if (rc == DB_DONE) {
		reply_error(r, 404, "not_found", NULL, "用户不存在 (no such user)");
	} else {
		reply_db_error(r, rc);
	}
	db_finalize(s);
	return user;
}

/* The roles only the operator grants, from the shell (三员分立): no one can
** grant them through the API, so an administrator cannot make an auditor to
** read the log, nor a security administrator take over the auditor's account. */
static bool role_from_shell(const char *role)
{
	return !strcmp(role, "security") || !strcmp(role, "auditor");
}

/* Answer 403 shell_only (and return false) for such an account, as JSON from user_load_or_reply(). */
static bool user_manageable_or_reply(struct request *r, json_t *user)
{
	if (!role_from_shell(json_string_value(json_object_get(user, "role"))))
		return true;
	reply_error(r, 403, "shell_only", NULL,
	            "安全管理员和审计管理员的账号只能由运维人员在服务器上用 banyan user 管理"
	            " (security and audit administrators' accounts are managed from the shell)");
	return false;
}

bool user_target_or_reply(struct request *r, int64_t *ret_id, const char **ret_path)
{
	if (!route_param_id(r, "id", ret_id))
		return false;
	json_t *user = user_load_or_reply(r, *ret_id, ret_path);
	bool ok = user && user_manageable_or_reply(r, user);
	if (ok && totp_role_required(role_from_name(json_string_value(json_object_get(user, "role"))))) {
		reply_error(r, 403, "shell_only", NULL,
		            "须用动态验证码的账号只能由运维人员在服务器上用 banyan user passwd 或 banyan user "
		            "second-factor-reset 重置"
		            " (accounts that must use a second factor are reset from the shell: banyan user passwd,"
		            " banyan user second-factor-reset)");
		ok = false;
	}
	json_decref(user);
	return ok;
}

static bool body_role(struct request *r, int flags, const char **ret)
{
	if (!body_string(r, "role", flags, 16, ret))
		return false;
	if (*ret && !role_is_for_people(role_from_name(*ret))) {
		reply_error(r, 422, "invalid_value", "role",
		            "角色应为 admin/leader/officer/agent/department/enterprise/merchant;支付渠道使用 API 密钥"
		            " (unknown role; payment channels use API keys, not accounts)");
		return false;
	}
	if (*ret && role_from_shell(*ret)) {
		reply_error(r, 403, "shell_only", "role",
		            "安全管理员和审计管理员只能由运维人员在服务器上用 banyan user add 创建"
		            " (security and audit administrators are made from the shell: banyan user add)");
		return false;
	}
	return true;
}

/*
** ROUTE: GET /api/v1/users
** AUTH: admin,leader,security
** SUMMARY: 用户列表 Users in the caller's scope
** Filters: ?role=, ?org=CODE (with its subtree), ?q= (username or name
** contains); ?limit= and ?cursor= paginate, newest first.
*/
void user_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 500, &limit, &cursor))
		return;
	const char *role = query_arg(r, "role"), *org = query_arg(r, "org"), *q = query_arg(r, "q");
	const char *scope = r->who.org_path;
	if (org) {
		struct org o;
		int rc = org_find_by_code(r->db, r->arena, org, &o);
		if (rc == DB_DONE) {
			reply_error(r, 422, "invalid_query", "org", "机构 %s 不存在 (no such organisation)", org);
			return;
		}
		if (rc < 0) {
			reply_db_error(r, rc);
			return;
		}
		if (!org_require_scope(r, &o))
			return;
		scope = o.path;
	}
	char *sql =
	    arena_printf(r->arena,
	                 "%s WHERE substr(o.path, 1, length(?1)) = ?1 AND u.id < ?2 AND (?3 IS NULL OR u.role = ?3)"
	                 " AND (?4 IS NULL OR instr(u.username, ?4) > 0 OR instr(u.display_name, ?4) > 0)"
	                 " ORDER BY u.id DESC LIMIT ?5",
	                 user_select);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, sql, "titti", scope, cursor, role, q, limit);
	reply_rows(r, rc, s, user_row_json, limit);
}

struct user_post_state {
	struct user_new u;
	struct pwhash_job hash;
};

static void user_post_hashed(struct request *r, void *arg)
{
	struct user_post_state *st = arg;
	st->u.password_hash = st->hash.new_hash;
	struct audit_context ctx = audit_context_of(r);
	int64_t id;
	int rc = user_create(r->db, &ctx, &st->u, &id);
	if (rc == DB_CONSTRAINT) {
		reply_error(r, 409, "username_taken", "username", "用户名 %s 已被使用 (username taken)",
		            st->u.username);
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *user = user_load_or_reply(r, id, NULL);
	if (user)
		reply_json(r, 201, user);
}

/*
** ROUTE: POST /api/v1/users
** AUTH: admin
** SUMMARY: 新建用户 Create a user
** Body: {"username","display_name","role","org","password"}; the organisation
** must be inside the administrator's scope.  409 when the username is taken.
*/
void user_post(struct request *r)
{
	static const char *const fields[] = {"username", "display_name", "role", "org", "password", NULL};
	struct user_post_state *st = arena_alloc(r->arena, sizeof *st);
	if (!st) {
		reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
		return;
	}
	struct user_new *u = &st->u;
	struct org o;
	bool present;
	if (!body_only(r, fields) || !body_string(r, "username", FIELD_REQUIRED, 32, &u->username) ||
	    !body_string(r, "display_name", FIELD_REQUIRED, 100, &u->display_name) ||
	    !body_role(r, FIELD_REQUIRED, &u->role) || !body_string(r, "password", FIELD_REQUIRED, 256, &u->password))
		return;
	if (!user_name_valid(u->username)) {
		reply_error(r, 422, "invalid_value", "username",
		            "用户名应为 3-32 位小写字母、数字或 _.- (username: 3-32 of a-z 0-9 _ . -)");
		return;
	}
	if (!password_acceptable(r, "password", u->password) || !org_from_body(r, "org", FIELD_REQUIRED, &o, &present))
		return;
	u->org_id = o.id;
	u->org_path = o.path;
	st->hash = (struct pwhash_job){.new_password = u->password};
	pwhash_run(r, &st->hash, user_post_hashed, st);
}

/*
** ROUTE: GET /api/v1/users/{id}
** AUTH: admin,leader,security
** SUMMARY: 用户详情 One user
*/
void user_get(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	json_t *user = user_load_or_reply(r, id, NULL);
	if (user)
		reply_json(r, 200, user);
}

/*
** ROUTE: PATCH /api/v1/users/{id}
** AUTH: admin,security
** SUMMARY: 修改用户(姓名、角色、机构、业务管理员、停用) Change a user's name, role, organisation, duty administration or disable them
** Body: any of {"display_name","role","org","duty_admin"} from a system
** administrator (duty_admin: the user is the 业务管理员 of their
** organisation's duties, e.g. edits refund policies), or
** {"disabled"} from a security administrator (三员分立: the one manages
** identities, the other their security).  Disabling ends the user's sessions.
** Nobody disables or demotes themselves; the security and audit
** administrators' accounts are changed from the shell only (403 shell_only).
*/
void user_patch(struct request *r)
{
	static const char *const fields[] = {"display_name", "role", "org", "duty_admin", "disabled", NULL};
	int64_t id;
	const char *name, *role, *before_path;
	bool disabled = false, has_disabled, has_org, duty_admin = false, has_duty_admin;
	struct org o;
	if (!route_param_id(r, "id", &id))
		return;
	json_t *before = user_load_or_reply(r, id, &before_path);
	if (!before)
		return;
	if (!user_manageable_or_reply(r, before) || !body_only(r, fields) ||
	    !body_string(r, "display_name", FIELD_OPTIONAL, 100, &name) || !body_role(r, FIELD_OPTIONAL, &role) ||
	    !body_bool(r, "disabled", FIELD_OPTIONAL, &disabled, &has_disabled) ||
	    !body_bool(r, "duty_admin", FIELD_OPTIONAL, &duty_admin, &has_duty_admin) ||
	    !org_from_body(r, "org", FIELD_OPTIONAL, &o, &has_org)) {
		json_decref(before);
		return;
	}
	bool security = r->who.role == ROLE_SECURITY;
	if (security ? name || role || has_org || has_duty_admin : has_disabled) {
		json_decref(before);
		reply_error(
		    r, 403, "forbidden", security ? "display_name" : "disabled",
		    "姓名、角色和机构由系统管理员修改,停用和启用账号由安全管理员操作"
		    " (the system administrator changes names, roles and organisations; the security administrator"
		    " disables and enables accounts)");
		return;
	}
	if (id == r->who.user_id && ((has_disabled && disabled) || (role && strcmp(role, "admin") != 0))) {
		json_decref(before);
		reply_error(r, 422, "self_lockout", has_disabled ? "disabled" : "role",
		            "不能停用自己或取消自己的管理员角色 (you cannot disable or demote yourself)");
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE users SET display_name = coalesce(?, display_name), role = coalesce(?, role),"
		            " org_id = coalesce(?, org_id), disabled = CASE WHEN ? = 1 THEN ? ELSE disabled END,"
		            " duty_admin = CASE WHEN ? = 1 THEN ? ELSE duty_admin END, updated_at = ? WHERE id = ?",
		            "ttrIIIIii", name, role, has_org ? o.id : 0, (int)has_disabled, (int)disabled,
		            (int)has_duty_admin, (int)duty_admin, clock_now(), id);
	if (rc == 0 && ((has_disabled && disabled) || role || has_org))
		rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = ?", "i", id);
	if (rc == 0 && has_disabled && disabled)
		rc = login_challenges_end(r->db, id);
	json_t *after = NULL;
	if (rc == 0) {
		after = user_load_or_reply(r, id, NULL);
		json_t *detail = json_pack("{s:O, s:O*}", "before", before, "after", after);
		const char *object_id = arena_printf(r->arena, "%lld", (long long)id);
		struct audit_context ctx = audit_context_of(r);
		rc =
		    audit_append(r->db, &ctx, "user.update", "user", object_id, has_org ? o.path : before_path, detail);
		json_decref(detail);
	}
	json_decref(before);
	if (rc < 0 || !after) {
		db_rollback(r->db);
		json_decref(after);
		if (!r->status)
			reply_db_error(r, rc);
		return;
	}
	rc = db_commit(r->db);
	reply_json_or_db_error(r, rc, after);
}

/* Set a user's password hash and end their (other) sessions and pending logins, audited, in one transaction. */
static int user_set_password(struct request *r, int64_t id, const char *org_path, const char *hash, const char *action)
{
	int rc = db_begin(r->db);
	if (rc < 0)
		return rc;
	rc = db_run(r->db, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", "tii", hash, clock_now(),
	            id);
	if (rc == 0)
		rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = ? AND id != ?", "ii", id, r->who.session_id);
	if (rc == 0)
		rc = login_challenges_end(r->db, id);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		rc = audit_append(r->db, &ctx, action, "user", arena_printf(r->arena, "%lld", (long long)id), org_path,
		                  NULL);
	}
	if (rc < 0) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

/* A password being set: whose, and the hashing (with the check of the old one on a change). */
struct password_state {
	int64_t id;
	const char *org_path, *action;
	struct pwhash_job hash;
};

static void password_hashed(struct request *r, void *arg)
{
	struct password_state *st = arg;
	if (st->hash.password && !st->hash.verified) {
		/* A failed password check, audited as a failed login is. */
		login_count_failure(r, r->who.name);
		struct audit_context ctx = audit_context_of(r);
		int rc = db_begin(r->db);
		if (rc == 0)
			rc = audit_append(r->db, &ctx, "user.password_change_failed", "user",
			                  arena_printf(r->arena, "%lld", (long long)st->id), st->org_path, NULL);
		if (db_finish_or_reply(r, rc))
			reply_error(r, 422, "wrong_password", "old_password", "原密码错误 (old password is wrong)");
		return;
	}
	int rc = user_set_password(r, st->id, st->org_path, st->hash.new_hash, st->action);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static struct password_state *password_state_new(struct request *r)
{
	struct password_state *st = arena_alloc(r->arena, sizeof *st);
	if (!st)
		reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
	return st;
}

/*
** ROUTE: POST /api/v1/users/{id}/password
** AUTH: security
** SUMMARY: 重置用户密码 Reset a user's password
** Body: {"password"}.  Ends the user's sessions.  Not for the roles that must
** use a second factor (user_target_or_reply).
*/
void user_password_reset(struct request *r)
{
	static const char *const fields[] = {"password", NULL};
	const char *password;
	struct password_state *st = password_state_new(r);
	if (!st || !user_target_or_reply(r, &st->id, &st->org_path))
		return;
	if (!body_only(r, fields) || !body_string(r, "password", FIELD_REQUIRED, 256, &password) ||
	    !password_acceptable(r, "password", password))
		return;
	st->action = "user.password_reset";
	st->hash = (struct pwhash_job){.new_password = password};
	pwhash_run(r, &st->hash, password_hashed, st);
}

/*
** ROUTE: PUT /api/v1/me/password
** AUTH: admin,security,auditor,leader,officer,agent,department,enterprise,merchant
** SUMMARY: 修改本人密码 Change one's own password
** Body: {"old_password","new_password"}.  Other sessions of the user end.  A
** wrong old password counts as a failed login (and is throttled like one).
*/
void user_password_change(struct request *r)
{
	static const char *const fields[] = {"old_password", "new_password", NULL};
	const char *old_pw, *new_pw;
	if (!r->who.user_id) {
		reply_error(r, 403, "forbidden", NULL, "仅限用户本人 (for users, not API keys)");
		return;
	}
	if (!body_only(r, fields) || !body_string(r, "old_password", FIELD_REQUIRED, 256, &old_pw) ||
	    !body_string(r, "new_password", FIELD_REQUIRED, 256, &new_pw) ||
	    !password_acceptable(r, "new_password", new_pw))
		return;
	if (login_refuse_if_throttled(r, r->who.name, r->who.user_id, r->who.org_path, false))
		return;
	struct password_state *st = password_state_new(r);
	if (!st)
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT password_hash FROM users WHERE id = ?", "i", r->who.user_id);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		st->hash.stored = arena_strdup(r->arena, db_column_text(s, 0));
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	st->id = r->who.user_id;
	st->org_path = r->who.org_path;
	st->action = "user.password_change";
	st->hash.password = old_pw;
	st->hash.new_password = new_pw;
	pwhash_run(r, &st->hash, password_hashed, st);
}

bool user_duty_admin_or_reply(struct request *r)
{
	int64_t duty_admin = 0;
	int rc = db_query_int64(r->db, &duty_admin, "SELECT duty_admin FROM users WHERE id = ?", "i", r->who.user_id);
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return false;
	}
	if (!duty_admin)
		reply_error(r, 403, "not_duty_admin", NULL,
		            "只有本单位的业务管理员可以进行此操作,请联系系统管理员 (only your organisation's duty administrator"
		            " may do this)");
	return duty_admin != 0;
}
