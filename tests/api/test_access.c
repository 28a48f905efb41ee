/*
** test_access.c - the access-control matrix: who may call which route, on
** which organisation, with what answer.  Every route of route_table has rows
** here for every kind of caller; a route without them fails
** test_matrix_covers_every_route / test_matrix_covers_every_caller.
**
** HOW TO EXTEND (a new module adds its routes here, in the same commit):
**   1. Add rows to matrix[] below: R(METHOD, PATH, BODY or NULL, CALLERS, STATUS)
**      and, if needed, .flags = NO_CSRF|RELOGIN and .code = "error_code".  CALLERS is a set (B(ADMIN) | B(LEADER),
**      or a group such as SIGNED_IN); every caller in the set must get STATUS.
**      Write STATUS from the access rules, not from what the server answers:
**        - anonymous gets 401 on every route that is not public;
**        - a role not allowed on the route gets 403;
**        - an allowed role acting on an organisation, user or record outside
**          its own organisation's subtree gets 403 (scope is a path prefix);
**        - a cookie session needs X-CSRF-Token on anything but GET (403 "csrf").
**   2. PATH and BODY may hold {user:USERNAME} (that user's id), {me} (the
**      caller's username) and {FIXTURE}, a record setup() made through the API
**      (see fixtures[]: {campaign}, {round}, {voucher}, {redemption}, {key}...).
**      Targets that requests change (disable, reset, move) should be dedicated
**      users or fixtures created in setup(), never the callers.  A row that
**      creates something gives it a name or code of its own (use {me}).
**   3. Rows run in order, once per caller in the set, in the order of enum caller.
**      A row that ends the caller's session takes .flags = RELOGIN.
**   4. New kinds of caller: add to enum caller and callers[] and create them
**      in setup().
** A row expecting 401/403/404 on a non-public route also asserts that nothing
** was written (see footprint(): audit records, users, sessions, organisations,
** voucher campaigns, rounds, kinds, merchants, vouchers and redemptions, the desk, projects, refunds, cadres,
** assessment groups' evidence, supplies, indicators, the green channel, resumption, packages).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "client.h"
#include "db/db.h"
#include "core/clock.h"
#include "core/index.h"

enum caller {
	ANON,       /* no session, no key */
	ADMIN,      /* admin at 福州市 350100 (the harness's "admin") */
	ADMIN_JA,   /* admin at 晋安区 350111 */
	LEADER,     /* leader at 福州市 350100 */
	LEADER_CL,  /* leader at 长乐区 350112 */
	OFFICER,    /* officer at 晋安区投资促进局 350111-tcj */
	AGENT,      /* agent at 市行政服务中心 350100-xzfw */
	DEPT,       /* department at 市发改委 350100-fgw */
	HR,         /* department at 市人社局 350100-rsj: holds the refunds duty */
	ENTERPRISE, /* enterprise at 晋安区 350111 */
	MERCHANT,   /* merchant at 晋安区 350111 */
	CHANNEL,    /* channel API key at 市商务局 350100-swj, signed requests */
	AUDITOR,    /* audit administrator at 晋安区 350111 */
	SECURITY,   /* security administrator at 晋安区 350111 */
	HR_ADMIN, /* department at 市人社局 350100-rsj, its duty administrator (业务管理员): edits refund policies */
	ZZB, /* department at 市委组织部 350100-zzb: holds the assessment duty */
	SWJ, /* department at 市商务局 350100-swj: holds the vouchers duty */
	TJJ,    /* department at 市统计局 350100-tjj: holds the statistics duty, the whole city */
	TJJ_JA, /* department at 晋安区统计局 350111-tjj: holds the statistics duty, 晋安 */
	OFFICER_X, /* officer at 晋安区行政服务中心 350111-xzfw: the role, not the invest duty */
	N_CALLERS
};

#define B(c)              (1u << (c))
#define EVERYONE          ((1u << N_CALLERS) - 1)
#define SIGNED_IN         (EVERYONE & ~B(ANON))
#define USERS             (SIGNED_IN & ~B(CHANNEL)) /* callers with a cookie session */
#define CITY_WIDE         (B(ADMIN) | B(LEADER))
#define USER_ADMIN        (B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(LEADER_CL) | B(SECURITY)) /* may read users */
#define AUDIT_READ        B(AUDITOR) /* may read the audit log: the audit administrator alone (三员分立) */
#define DEPTS                                                                                                          \
	(B(DEPT) | B(HR) | B(HR_ADMIN) | B(ZZB) | B(SWJ) |                                                             \
	 STATS) /* staff of a city department; DEPT alone where 发改委's own records differ */
#define STATS (B(TJJ) | B(TJJ_JA)) /* the statistics bureaus: the city's and 晋安's */
#define STAFF             (B(OFFICER) | B(OFFICER_X) | B(AGENT) | DEPTS)
#define OVERSIGHT         (B(AUDITOR) | B(SECURITY)) /* 三员分立: administrators who see none of the business */
#define OUTSIDE           (B(ENTERPRISE) | B(MERCHANT) | B(CHANNEL) | OVERSIGHT) /* refused the business routes */
#define VOUCHER_RUN       B(SWJ) /* run voucher campaigns: the commerce bureau's duty */
#define VOUCHER_READ      (VOUCHER_RUN | B(LEADER) | B(LEADER_CL)) /* list campaigns: leaders read every duty */
#define NOT_VOUCHER_DEPT  (SIGNED_IN & ~DEPTS & ~VOUCHER_READ)     /* refused by role */
#define OTHER_DEPTS       (DEPTS & ~VOUCHER_RUN)                   /* refused by duty */
#define APPROVERS         B(DEPT) /* hold the approval duty: 发改委 approves a project's items */

static const struct caller_def {
	const char *label, *username, *role, *org;
} callers[N_CALLERS] = {
    [ANON] = {"anonymous", NULL, NULL, NULL},
    [ADMIN] = {"admin@350100", "admin", "admin", "350100"},
    [ADMIN_JA] = {"admin@350111", "ja-admin", "admin", "350111"},
    [LEADER] = {"leader@350100", "city-leader", "leader", "350100"},
    [LEADER_CL] = {"leader@350112", "cl-leader", "leader", "350112"},
    [OFFICER] = {"officer@350111-tcj", "ja-officer", "officer", "350111-tcj"},
    [AGENT] = {"agent@350100-xzfw", "city-agent", "agent", "350100-xzfw"},
    [DEPT] = {"department@350100-fgw", "fgw-dept", "department", "350100-fgw"},
    [HR] = {"department@350100-rsj", "city-hr", "department", "350100-rsj"},
    [ENTERPRISE] = {"enterprise@350111", "ja-enterprise", "enterprise", "350111"},
    [MERCHANT] = {"merchant@350111", "ja-merchant", "merchant", "350111"},
    [CHANNEL] = {"channel-key@350100-swj", "channel", "channel", "350100-swj"},
    [AUDITOR] = {"auditor@350111", "ja-auditor", "auditor", "350111"},
    [SECURITY] = {"security@350111", "ja-security", "security", "350111"},
    [HR_ADMIN] = {"duty-admin@350100-rsj", "city-hr-admin", "department", "350100-rsj"},
    [ZZB] = {"department@350100-zzb", "city-zzb", "department", "350100-zzb"},
    [SWJ] = {"department@350100-swj", "city-swj", "department", "350100-swj"},
    [TJJ] = {"department@350100-tjj", "city-tjj", "department", "350100-tjj"},
    [TJJ_JA] = {"department@350111-tjj", "ja-tjj", "department", "350111-tjj"},
    [OFFICER_X] = {"officer@350111-xzfw", "ja-xzfw-officer", "officer", "350111-xzfw"},
};

/* Users that rows act on, never callers: {username, role, org}. */
static const char *const targets[][3] = {
    {"t-ja", "officer", "350111-tcj"},       /* read, renamed, moved within 晋安, password reset */
    {"t-cl", "officer", "350112-tcj"},       /* the same in 长乐: out of 晋安's reach */
    {"t-disable", "officer", "350111-xzfw"}, /* disabled by the 晋安 admin */
    {"t-firm", "enterprise", "350111"},      /* linked to enterprises by admins */
    {"t-2fa", "leader", "350111"},           /* enrolled in setup(): {challenge} and {recovery} are its */
    {"t-firm-cl", "enterprise", "350112"},   /* 长乐's: not 晋安's to link */
    {"t-city", "officer", "350100-tcj"},     /* the city's 投促局: makes the city's investment fixtures */
};

enum { NO_CSRF = 1, RELOGIN = 2 };

struct row {
	const char *method, *path, *body;
	unsigned callers;
	long status;
	unsigned flags;   /* NO_CSRF: send no X-CSRF-Token; RELOGIN: log the caller in again afterwards */
	const char *code; /* also expect this error code, or NULL */
};

/* A row: R(METHOD, PATH, BODY, CALLERS, STATUS[, .flags = ..., .code = ...]) */
#define R(method_, path_, body_, callers_, status_, ...)                                                               \
	{                                                                                                              \
		.method = method_, .path = path_, .body = body_, .callers = callers_, .status = status_, __VA_ARGS__   \
	}

#define NEW_USER(username, org)                                                                                        \
	"{\"username\":\"" username "\",\"display_name\":\"测试\",\"role\":\"officer\",\"org\":\"" org "\","           \
	"\"password\":\"long-enough-pw\"}"
#define RENAME     "{\"display_name\":\"改名\"}"
#define RESET      "{\"password\":\"reset-password-1\"}"
#define MY_PW_AWAY "{\"old_password\":\"{me}-password\",\"new_password\":\"{me}-password-2\"}"
#define MY_PW_BACK "{\"old_password\":\"{me}-password-2\",\"new_password\":\"{me}-password\"}"

/* Vouchers: bodies for setup()'s fixtures and for the rows. */
#define CAMPAIGN(name, org) "{\"name\":\"" name "\",\"org\":\"" org "\"}"
#define ROUND(campaign, name, from, until, channels)                                                                   \
	"{\"campaign\":" campaign ",\"name\":\"" name "\",\"starts_at\":\"" from "\",\"ends_at\":\"" until "\","       \
	"\"channels\":[" channels "]}"
#define LATER_ROUND(campaign, name)                                                                                    \
	ROUND(campaign, name, "2030-05-01T10:00:00+08:00", "2030-05-07T22:00:00+08:00", "\"{key}\"")
#define KIND(round, name)                                                                                              \
	"{\"round\":" round ",\"name\":\"" name "\",\"face_fen\":1000,\"threshold_fen\":0,\"no_threshold\":true,\"stock\":100,"              \
	"\"validity_days\":7,\"per_person_limit\":5,\"categories\":[\"catering\",\"retail\"]}"
#define CARRY(round) "{\"round\":" round "}"
#define SHOP(name, credit_code, district, channels)                                                                    \
	"{\"name\":\"" name "\",\"credit_code\":\"" credit_code "\",\"district\":\"" district "\","                    \
	"\"category\":\"catering\",\"channels\":[" channels "]}"
#define CLAIM(round, kind, person)                                                                                     \
	"{\"round\":" round ",\"kind\":" kind ",\"user\":\"" person "\",\"request_id\":\"" person "\"}"
#define REDEEM(code, order_no)                                                                                         \
	"{\"code\":\"" code "\",\"merchant\":{merchant},\"order_no\":\"" order_no "\",\"amount_fen\":5000}"

/* The problem desk: bodies for setup()'s fixtures and for the rows. */
#define FIRM(credit_code, district)                                                                                    \
	"{\"name\":\"{me}企业\",\"credit_code\":\"" credit_code "\",\"district\":\"" district "\","                    \
	"\"industry\":\"制造\",\"contact_name\":\"林经理\",\"contact_phone\":\"0591-12345678\"}"
#define ENT_CODE       "91350111MA2DK0001N" /* the fixture {ent}'s credit code */
#define LINK(username) "{\"username\":\"" username "\"}"
#define PROBLEM(enterprise, category)                                                                                  \
	"{\"enterprise\":" enterprise ",\"category\":\"" category                                                      \
	"\",\"title\":\"{me}的问题\",\"description\":\"详见附件\"}"
#define ACTION(action)      "{\"action\":\"" action "\"}"
#define ANSWER              "{\"action\":\"answer\",\"text\":\"已答复\"}"
#define CONFIRM             "{\"action\":\"confirm\",\"rating\":5}"
#define REOPEN              "{\"action\":\"reopen\",\"text\":\"未解决\"}"
#define HAND_TO(department) "{\"department\":\"" department "\",\"reason\":\"改派\"}"
#define NOTE                "{\"text\":\"{me}留言\"}"
#define ATTACH              "{\"name\":\"{me}.txt\",\"content_type\":\"text/plain\",\"data\":\"54mp5Lia\"}"
#define DESK_READ           (B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(LEADER_CL) | STAFF | B(ENTERPRISE)) /* problems' roles */
#define NOT_DESK            (B(MERCHANT) | B(CHANNEL) | OVERSIGHT) /* no part in the problem desk */
#define DESK_STATS          (B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(LEADER_CL) | DEPTS)

/* Major projects: bodies for setup()'s fixtures and for the rows. */
#define PROJECT(code, enterprise, district)                                                                            \
	"{\"code\":\"" code "\",\"name\":\"{me}的项目\",\"enterprise\":" enterprise ",\"district\":\"" district  \
	"\",\"industry\":\"制造\",\"investment_wan\":50000,\"level\":\"municipal\",\"agent\":\"city-agent\"}"
#define PLAN           "{\"targets\":{\"start\":\"2031-06-30\",\"complete\":\"2032-12-31\"},\"reason\":\"{me}调整\"}"
#define MILESTONE      "{\"actual\":\"{today}\"}"
#define FOLLOW_UP      "{\"kind\":\"visit\",\"summary\":\"{me}走访\",\"next_action\":\"协调用地\",\"next_due\":\"2031-01-10\"}"
#define INSPECT        "{\"title\":\"{me}巡查\",\"due\":\"2031-01-10\",\"every_days\":30}"
#define INSPECTED      "{\"findings\":\"河道畅通\"}"
#define APPROVAL_ITEM  "{\"name\":\"{me}审批\",\"department\":\"350100-zjj\",\"limit_days\":5,\"gate\":\"start\"}"
#define PROJECT_CSV(code, credit_code, district)                                                                       \
	"{\"csv\":\"项目代码,项目名称,业主统一社会信用代码,县(市)区,行业,总投资(万元),级别,代办员,责任领导,登记日期\\n" code \
	",导入项目," credit_code "," district ",制造,1000,ordinary,city-agent,,\\n\"}"
#define PROJECT_READ                                                                                                   \
	(B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(OFFICER) | B(OFFICER_X) | B(AGENT)) /* staff whose branch has 晋安 */
#define PROJECT_ROLES (B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(LEADER_CL) | B(OFFICER) | B(OFFICER_X) | B(AGENT))
#define PROJECT_WRITE                                                                                                  \
	(B(ADMIN) | B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X) | B(AGENT)) /* register, follow up, milestones */
#define GREEN_FLAG                                                                                                     \
	"{\"applicant\":\"{me}口罩厂\",\"item\":\"business_license\",\"district\":\"350111\","                      \
	"\"officer\":\"ja-officer\",\"reason\":\"防疫物资\"}"
#define GREEN_STEP(kind) "{\"kind\":\"" kind "\"}"
#define RESUME(kind, id) "{\"" kind "\":" id ",\"workforce_needed\":100,\"measures\":[\"masks\"]}"
#define RESUME_NOTE      "{\"note\":\"{me}核实\"}"
#define RESUME_DAY       "{\"on_site\":90,\"back_point_to_point\":30}"
/* Packages (项目包): a 晋安 package owned by {ent}, one river of it at progress. */
#define PACKAGE_BODY(code, progress)                                                                                   \
	"{\"code\":\"" code "\",\"name\":\"{me}水系\",\"kind\":\"水系治理\",\"district\":\"350111\",\"owner\":\"" ENT_CODE   \
	"\",\"agent\":\"city-agent\",\"parts\":[{\"name\":\"河\",\"investment_wan\":100,\"progress\":" progress "}]}"
#define LICENCE       "{\"number\":\"YY-1\",\"issuer\":\"福州市城乡建设局\",\"on\":\"2020-07-01\"}"
#define PACKAGE_READ  (PROJECT_READ | B(ENTERPRISE)) /* staff whose branch has 晋安, the owner */
#define NOT_PACKAGE   (DEPTS | B(MERCHANT) | B(CHANNEL) | OVERSIGHT)
#define PHOTO_PNG     "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
#define INSPECTION(check)                                                                                              \
	"{\"check\":" check ",\"finding\":\"{me}巡查\",\"normal\":false,\"photos\":[{\"name\":\"a.png\","              \
	"\"content_type\":\"image/png\",\"data\":\"" PHOTO_PNG "\"}],\"defect\":{\"description\":\"{me}发现\","     \
	"\"severity\":\"major\",\"due_on\":\"2099-12-31\"}}"

/* Investment promotion and cloud signing: bodies for setup()'s fixtures and for the rows. */
#define LEAD(enterprise, owner)                                                                                        \
	"{\"title\":\"{me}的线索\",\"source\":\"以商招商\",\"enterprise\":" enterprise ",\"industry\":\"制造\","       \
	"\"investment_wan\":10000,\"owner\":\"" owner "\"}"
#define LEAD_HERE     "{\"title\":\"{me}的线索\",\"source\":\"展会\",\"enterprise\":{ent},\"industry\":\"制造\",\"investment_wan\":10000}"
#define STAGE(stage)  "{\"stage\":\"" stage "\"}"
#define SHARE(org)    "{\"org\":\"" org "\"}"
#define OFFER(org)    "{\"to\":[\"" org "\"],\"reason\":\"{me}移交\"}"
#define SIGNER        "{\"name\":\"{me}\",\"organisation\":\"{me}公司\"}"
#define CEREMONY(org) "{\"title\":\"{me}云签约\",\"host\":\"" org "\",\"held_on\":\"2020-03-05\"}"
#define AGREEMENT                                                                                                      \
	"{\"title\":\"{me}协议\",\"amount_wan\":10000,\"document_name\":\"协议.txt\",\"document\":\"5Y2P6K6u\","       \
	"\"parties\":[{\"signer\":{signer_a},\"role\":\"甲方\"},{\"signer\":{signer_b},\"role\":\"乙方\"}]}"
#define AGREEMENT_FOR(lead)                                                                                            \
	"{\"title\":\"线索协议\",\"amount_wan\":10000,\"lead\":" lead ",\"document_name\":\"协议.txt\","                  \
	"\"document\":\"5Y2P6K6u\",\"parties\":[{\"signer\":{signer_a},\"role\":\"甲方\"},{\"signer\":{signer_b},"       \
	"\"role\":\"乙方\"}]}"
#define FORGED                                                                                                         \
	"{\"signer\":{signer_a},\"signature\":\"00000000000000000000000000000000000000000000000000000000000000000000"  \
	"000000000000000000000000000000000000000000000000000000000000\"}"
#define SIGNED_BY_A   "{\"signer\":{signer_a},\"signature\":\"{signature_a}\"}"
#define KEY_FIRM(enterprise) "{\"enterprise\":" enterprise ",\"officer\":\"ja-officer\",\"every_days\":30}"
#define VISIT(enterprise)    "{\"enterprise\":" enterprise ",\"mode\":\"online\",\"discussed\":\"{me}走访\"}"
#define LEAD_PROJECT(code)   "{\"code\":\"" code "\",\"level\":\"municipal\",\"agent\":\"city-agent\"}"
#define INVEST_READ          (B(LEADER) | B(LEADER_CL) | B(OFFICER))
#define INVEST_WRITE         B(OFFICER)
#define INVEST_NO_DUTY       B(OFFICER_X) /* an officer of an organisation without the invest duty: 403 wrong_duty */
#define NOT_INVEST_READ      (SIGNED_IN & ~INVEST_READ & ~INVEST_NO_DUTY)
#define NOT_INVEST_WRITE     (SIGNED_IN & ~INVEST_WRITE & ~INVEST_NO_DUTY)

/* Refunds: the human resources bureaus' duty.  Bodies for setup()'s fixtures and for the rows. */
#define REFUND_CSV_HEAD "统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\\n"
#define ROLLS                                                                                                          \
	"{\"year\":2020,\"csv\":\"" REFUND_CSV_HEAD ENT_CODE ",{me}企业,350111,制造,小型,2020-01,20,1000,0\\n" ENT_CODE  \
	",{me}企业,350111,制造,小型,2020-06,20,1000,0\\n\"}"
#define DEFAULT_LIST "{\"list\":\"default\",\"csv\":\"统一社会信用代码,企业名称\\n91350112MA2DK00028,失信企业\\n\"}"
#define REFUND_RULES                                                                                                   \
	"{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","          \
	"\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"                      \
	"\"require_difficulty\":false,\"amount\":\"benefit\",\"benefit_months\":6,\"benefit_fen\":129000,"            \
	"\"cap_fen\":0,\"rounding\":\"half_up\"}"
#define REFUND_POLICY "{\"code\":\"{me}-2020\",\"name\":\"{me}的政策\",\"rules\":" REFUND_RULES "}"
#define REFUND_EDIT   "{\"rules\":" REFUND_RULES ",\"note\":\"{me}修改\"}"
#define REFUND_READ   (B(LEADER) | B(LEADER_CL) | B(HR) | B(HR_ADMIN)) /* leaders read across duties */
#define NOT_REFUND_ROLE (SIGNED_IN & ~(DEPTS | B(LEADER) | B(LEADER_CL)))
#define ACCOUNTS_LIST                                                                                                  \
	"{\"list\":\"accounts\",\"csv\":\"统一社会信用代码,户名,开户银行,银行账号,社保缴费账号\\n" ENT_CODE            \
	",{me}企业,建设银行,6217{me},5900001\\n\"}"
#define PUBLICITY         "{\"working_days\":5}"
#define PAYER             "{\"payer_account\":\"35001000000\"}"
#define OBJECT_TO_PUB     "{\"decision\":{rdecision_pub},\"reason\":\"该企业不符合返还条件,请核查。\"}"
#define RETURN_FAILED     "{\"csv\":\"参考号,结果,银行说明\\n{rref},失败,账户已销户\\n\"}"
#define LIFE_POLICY(code) "{\"code\":\"" code "\",\"name\":\"" code "\",\"rules\":" REFUND_RULES "}"
#define ENT2_CODE         "91350111MA2RF00053" /* a second 晋安 enterprise on the rolls, for the life's fixtures */
#define ROLLS2                                                                                                         \
	"{\"year\":2020,\"csv\":\"" REFUND_CSV_HEAD ENT2_CODE                                                          \
	",二号企业,350111,零售,小型,2020-01,10,1000,0\\n" ENT2_CODE                                                    \
	",二号企业,350111,零售,小型,2020-06,10,1000,0\\n\"}"
#define ACCOUNTS_SETUP                                                                                                 \
	"{\"list\":\"accounts\",\"csv\":\"统一社会信用代码,户名,开户银行,银行账号,社保缴费账号\\n" ENT_CODE            \
	",一号企业,建设银行,62170001,5900001\\n" ENT2_CODE ",二号企业,工商银行,62220002,5900002\\n\"}"
#define OBJECTION "{\"decision\":999999,\"reason\":\"该企业不符合返还条件,请核查。\"}"
#define RESOLVE   "{\"outcome\":\"dismissed\",\"resolution\":\"不属实\"}"
#define RETURNS   "{\"csv\":\"参考号,结果,银行说明\\nWG1-1,成功,\\n\"}"
#define RESEND    "{\"payee\":\"social_insurance\"}"
#define RECOVERY  "{\"reason\":\"稽核发现虚报\"}"
#define RECOVERED "{\"outcome\":\"recovered\"}"
#define ACCEPT    "{\"outcome\":\"accepted\"}"
#define BANK_ACCOUNT                                                                                                   \
	"{\"credit_code\":\"" ENT_CODE "\",\"payee_name\":\"{me}\",\"bank\":\"建设银行\",\"account\":\"6217\"}"
#define OTHERS_ACCOUNT "{\"credit_code\":\"91350112MA2DK00028\",\"payee_name\":\"x\",\"bank\":\"b\",\"account\":\"1\"}"

/* Cadres: the organisation department's duty "assessment" (ZZB).  {official_own} is ja-officer's file,
** {official} someone else's; the task's owner is city-agent, who confirms {fentry} (entered for ja-officer by ZZB). */
#define OFFICIAL      "{\"name\":\"{me}\",\"post\":\"科员\",\"org\":\"350111-tcj\"}"
#define OFFICIALS_CSV "{\"csv\":\"姓名,职务,单位代码,领导班子成员,用户名\\n{me},副局长,350111-tcj,是,\\n\"}"
#define CTASK                                                                                                            \
	"{\"name\":\"{me}专项行动\",\"kind\":\"special_action\",\"starts_on\":\"2020-01-01\",\"ends_on\":\"2030-12-" \
	"31\","                                                                                                          \
	"\"owner\":\"city-agent\",\"orgs\":[\"350111-tcj\"]}"
#define FENTRY         "{\"day\":\"2020-10-10\",\"portion\":\"day\",\"place\":\"现场\",\"task\":{ctask},\"work\":\"{me}协调\"}"
#define FRONTLINE(org) "/api/v1/cadres/frontline?org=" org "&from=2020-09-26&to=2020-10-11"
#define NOT_ASSESSING  (SIGNED_IN & ~DEPTS) /* refused the organisation department's routes by role */
#define OTHER_BUREAUS  (DEPTS & ~B(ZZB))    /* departments without the assessment duty: 403 wrong_duty */
/* What follows an assessment: {fassessment} is final ({official_own} 优秀, {official} 称职), {dassessment} a
** draft; {cstay} is {official}'s stay in the reserve pool, which the rows end. */
#define OUTCOME(a) "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":" a ",\"day\":\"2020-04-08\"}"
#define RESERVE    "{\"official\":{official_own},\"basis\":[{fassessment}],\"reason\":\"{me}\"}"
#define CARE       "{\"kind\":\"allowance\",\"day\":\"2020-03-05\",\"amount_fen\":30000,\"note\":\"{me}\"}"
#define OUTCOMES   "/api/v1/cadres/officials/{official_own}/outcomes"
#define OWN_CARE   "/api/v1/cadres/officials/{official_own}/care"
/* Assessment groups: {agroup} (ZZB its member, assessing 晋安 for {ctask}) and its open visit {avisit}. */
#define AGROUP                                                                                                         \
	"{\"name\":\"{me}考核组\",\"task\":{ctask},\"starts_on\":\"2020-01-01\",\"ends_on\":\"2030-12-31\","        \
	"\"members\":[{\"user\":\"city-zzb\",\"leads\":true}],\"orgs\":[\"350111\"]}"
#define SITTING                                                                                                        \
	"{\"org\":\"350111-tcj\",\"day\":\"2020-06-01\",\"meeting\":\"{me}调度会\",\"observations\":\"议题充分\"}"
#define AVISIT                                                                                                         \
	"{\"org\":\"350111-tcj\",\"kind\":\"unannounced\",\"day\":\"2020-06-02\",\"place\":\"{me}现场\","            \
	"\"findings\":\"在岗\"}"
#define JUDGEMENT "{\"score\":88.5,\"reasons\":\"{me}研判\"}"
/* A group route's rows: anonymous 401, other roles 403, departments without the duty 403, ZZB status. */
#define ASSESSMENT_ROWS(method, path, body, status)                                                                    \
	R(method, path, body, B(ANON), 401), R(method, path, body, NOT_ASSESSING, 403, .code = "forbidden"),           \
	    R(method, path, body, OTHER_BUREAUS, 403, .code = "wrong_duty"), R(method, path, body, B(ZZB), status)

/* Assessments (duty assessment): {scheme}, {assess} in draft with {official_own} and {official} (city-agent
** invited to rate {official_own}), {assess_pub} publicised with its window open and an objection {aobjection}. */
#define SCHEME                                                                                                         \
	"{\"name\":\"{me}方案\",\"items\":[{\"code\":\"work\",\"name\":\"实绩\",\"weight\":80,\"source\":"               \
	"\"entered\",\"tie_order\":1},{\"code\":\"survey\",\"name\":\"360测评\",\"weight\":20,\"source\":\"survey\"}]}"
#define ASSESS                                                                                                         \
	"{\"name\":\"{me}考核\",\"scheme\":{scheme},\"starts_on\":\"2020-09-26\",\"ends_on\":\"2020-10-11\","         \
	"\"subjects\":[{\"official\":{official_own},\"cohort\":\"科员\"},{\"official\":{official},\"cohort\":\"科员\"}]}"
#define RATERS      "{\"raters\":[{\"official\":{official},\"user\":\"t-ja\",\"relation\":\"peer\"}]}"
#define AGENT_RATES "{\"raters\":[{\"official\":{official_own},\"user\":\"city-agent\",\"relation\":\"peer\"}]}"
#define SCORE       "{\"score\":88.5}"
#define OBJECT_TO   "{\"official\":{official},\"reason\":\"{me}:考核打分不实\"}"
#define ASSESSMENTS "/api/v1/cadres/assessments/"
/* A route of the organisation department's: refused to everyone else, by role or by duty, then ZZB's answer. */
#define ASSESSOR_ROWS(method, path, body, status, ...)                                                                 \
	R(method, path, body, B(ANON), 401), R(method, path, body, NOT_ASSESSING, 403, .code = "forbidden"),          \
	    R(method, path, body, DEPTS & ~B(ZZB), 403, .code = "wrong_duty"),                                         \
	    R(method, path, body, B(ZZB), status, __VA_ARGS__)

/* Supplies: make_supplies() gives 发改委 (DEPT) the duty supplies, as an operator would (org import), so that it
** runs the store (a city's reserve of epidemic supplies); ja-officer is a member of 晋安's site {ssite}, which
** asked for {srequest} and was sent {stransfer}; {sstore} is the store, {sdonation} a donation to it. */
#define SUPPLY_ROLES                                                                                                   \
	(B(LEADER) | B(LEADER_CL) | B(OFFICER) | B(OFFICER_X) | B(AGENT) | DEPTS) /* may call the supplies' routes */
#define NOT_SUPPLY    (SIGNED_IN & ~SUPPLY_ROLES)
#define NOT_STORE     (DEPTS & ~B(DEPT)) /* departments without the duty */
#define SITE_READ     (B(DEPT) | B(LEADER) | B(OFFICER)) /* {ssite}: the store, the city's leader, its member */
#define SITE_ACT      (B(DEPT) | B(OFFICER))
#define SUPPLY_SITE   "{\"name\":\"{me}的隔离点\",\"district\":\"350111\",\"address\":\"福新东路\",\"capacity\":50}"
#define SUPPLY_LINES(item, n) "\"lines\":[{\"item\":\"" item "\",\"quantity\":" #n "}]"
#define SUPPLY_RECEIPT(site, source)                                                                                   \
	"{\"site\":" site ",\"source\":\"" source "\",\"party\":\"{me}\"," SUPPLY_LINES("n95", 100) "}"
#define SUPPLY_ISSUE   "{\"item\":\"gloves\",\"quantity\":1,\"to\":\"{me}\"}"
#define SUPPLY_USED(day) "{\"day\":\"" day "\"," SUPPLY_LINES("gloves", 1) "}"
#define SUPPLY_REQUEST "{\"site\":{ssite},\"urgency\":\"urgent\"," SUPPLY_LINES("n95", 10) "}"
#define SUPPLY_SEND    "{\"from\":{sstore}," SUPPLY_LINES("n95", 1) "}"

/* Indicators: the statistics bureaus' duty "statistics" (STATS); leaders read.  晋安's bureau enters 晋安, the
** city's every unit and the province's cities, and alone approves, returns, revises and defines rankings. */
#define STATS_READ      (STATS | B(LEADER) | B(LEADER_CL))
#define NOT_STATS_READ  (SIGNED_IN & ~DEPTS & ~B(LEADER) & ~B(LEADER_CL)) /* refused by role */
#define NOT_STATS_DEPTS (DEPTS & ~STATS)                                  /* refused by duty */
#define IND_DEFINE                                                                                                     \
	"{\"code\":\"{me}-ind\",\"name\":\"指标\",\"unit\":\"count\",\"decimals\":0,\"period_kind\":\"month\","      \
	"\"source\":\"entered\"}"
#define IND_VALUE             "{\"value\":\"12.5\"}"
#define IND_TARGET            "{\"target\":\"150\"}"
#define IND_CSV               "{\"csv\":\"指标代码,单位代码,期间,数值,增速,累计增速,说明\\nfai,350111,2020-08,3,,,\\n\"}"
#define IND_CSV_CL            "{\"csv\":\"指标代码,单位代码,期间,数值,增速,累计增速,说明\\nfai,350112,2020-08,3,,,\\n\"}"
#define IND_MONTH(unit, step) "/api/v1/indicators/periods/" unit "/2020-09/" step
#define IND_FIX               "{\"reason\":\"年报核实\",\"values\":[{\"indicator\":\"fai\",\"value\":\"12.6\"}]}"
#define IND_TASK                                                                                                        \
	"{\"source\":\"black_list\",\"unit\":\"350111\",\"period\":\"2020-09\",\"ranking\":\"districts-composite\","   \
	"\"owner\":\"ja-tjj\",\"due_on\":\"2099-12-31\"}"
#define IND_TASK_BEHIND                                                                                                 \
	"{\"source\":\"below_target\",\"unit\":\"350111\",\"period\":\"2020-09\",\"indicator\":\"fai\","                \
	"\"owner\":\"ja-tjj\",\"due_on\":\"2099-12-31\"}"
#define IND_TASK_PATH "/api/v1/indicators/tasks/{itask}"
#define IND_BULLETIN  "/api/v1/indicators/bulletins/{ibulletin}"
#define IND_PUBLISH   "{\"period\":\"2020-09\",\"kind\":\"month\"}"
/* The rows every reading route of the indicators has: anonymous, refused by role, refused by duty. */
#define IND_READ_REFUSED(path)                                                                                         \
	R("GET", path, NULL, B(ANON), 401), R("GET", path, NULL, NOT_STATS_READ, 403, .code = "forbidden"),             \
	    R("GET", path, NULL, NOT_STATS_DEPTS, 403, .code = "wrong_duty")
/* The same for a change: anonymous, refused by role (not department staff), refused by duty. */
#define IND_WRITE_REFUSED(path, body)                                                                                  \
	R("POST", path, body, B(ANON), 401), R("POST", path, body, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),       \
	    R("POST", path, body, NOT_STATS_DEPTS, 403, .code = "wrong_duty")
#define IND_RANKING                                                                                                     \
	"{\"code\":\"{me}-rank\",\"name\":\"排名\",\"unit_set\":\"districts\",\"basis\":\"growth\",\"span\":\"ytd\"," \
	"\"tie_break\":\"shared\",\"terms\":[{\"indicator\":\"fai\",\"weight\":1}]}"

/* The workbench's roles, and the rows of one group: its roles read it, the others refused. */
#define NO_WORKBENCH (B(ENTERPRISE) | B(MERCHANT) | B(CHANNEL))
#define WORKBENCH    (SIGNED_IN & ~NO_WORKBENCH)
#define WORKBENCH_GROUP(group, callers)                                                                                \
	R("GET", "/api/v1/workbench/" group, NULL, B(ANON), 401), R("GET", "/api/v1/workbench/" group, NULL, callers, 200), \
	    R("GET", "/api/v1/workbench/" group, NULL, WORKBENCH & ~(callers), 403, .code = "wrong_group"),              \
	    R("GET", "/api/v1/workbench/" group, NULL, NO_WORKBENCH, 403, .code = "forbidden")

static const struct row matrix[] = {
    /* ---- public: anyone, signed in or not ---- */
    R("GET", "/api/v1/health", NULL, EVERYONE, 200),
    R("GET", "/api/v1/openapi.json", NULL, EVERYONE, 200),
    /* Logging in is public: only the body decides (here: missing fields). */
    R("POST", "/api/v1/session", "{}", EVERYONE, 422),
    R("POST", "/api/v1/session", "{\"username\":\"t-disable\",\"password\":\"t-disable-password\"}", B(ANON), 200),
    /* The login's second step is public: the challenge decides (setup() made {challenge} for t-2fa, first
     * so that it is still fresh). */
    R("POST", "/api/v1/session/second-factor", "{}", EVERYONE, 422),
    R("POST", "/api/v1/session/second-factor", "{\"challenge\":\"made-up\",\"code\":\"123456\"}", EVERYONE, 401,
      .code = "challenge_expired"),
    R("POST", "/api/v1/session/second-factor", "{\"challenge\":\"{challenge}\",\"recovery_code\":\"{recovery}\"}",
      B(ANON), 200),
    R("POST", "/api/v1/session/second-factor", "{\"challenge\":\"{challenge}\",\"recovery_code\":\"{recovery}\"}",
      B(ANON), 401, .code = "challenge_expired"), /* a challenge opens one session */

    /* ---- who am I, and the organisation tree (any signed-in caller, own subtree) ---- */
    R("GET", "/api/v1/me", NULL, B(ANON), 401),
    R("GET", "/api/v1/me", NULL, SIGNED_IN, 200),
    R("GET", "/api/v1/orgs", NULL, B(ANON), 401),
    R("GET", "/api/v1/orgs", NULL, SIGNED_IN, 200),
    R("GET", "/api/v1/orgs?kind=district", NULL, SIGNED_IN, 200),
    R("GET", "/api/v1/orgs/350100", NULL, B(ANON), 401),
    R("GET", "/api/v1/orgs/350100", NULL, CITY_WIDE, 200),
    R("GET", "/api/v1/orgs/350100", NULL, SIGNED_IN & ~CITY_WIDE, 403), /* one's parent is outside one's subtree */
    R("GET", "/api/v1/orgs/350111", NULL, CITY_WIDE | B(ADMIN_JA) | B(ENTERPRISE) | B(MERCHANT) | OVERSIGHT, 200),
    R("GET", "/api/v1/orgs/350111", NULL, B(LEADER_CL) | STAFF | B(CHANNEL), 403),
    R("GET", "/api/v1/orgs/350111-tcj", NULL,
      CITY_WIDE | B(ADMIN_JA) | B(OFFICER) | B(ENTERPRISE) | B(MERCHANT) | OVERSIGHT, 200),
    R("GET", "/api/v1/orgs/350111-tcj", NULL, B(LEADER_CL) | B(AGENT) | DEPTS | B(CHANNEL), 403),
    R("GET", "/api/v1/orgs/350112", NULL, CITY_WIDE | B(LEADER_CL), 200),
    R("GET", "/api/v1/orgs/350112", NULL, SIGNED_IN & ~(CITY_WIDE | B(LEADER_CL)), 403),
    R("GET", "/api/v1/orgs/350100-swj", NULL, CITY_WIDE | B(CHANNEL) | B(SWJ), 200), /* the bureau itself */
    R("GET", "/api/v1/orgs/350100-swj", NULL, B(ADMIN_JA) | B(AGENT) | (DEPTS & ~B(SWJ)) | OVERSIGHT,
      403), /* a sibling department */
    R("GET", "/api/v1/orgs/999999", NULL, B(ADMIN) | B(OFFICER), 404),

    /* ---- the home page's figures: any signed-in caller, counted in its subtree ---- */
    R("GET", "/api/v1/overview", NULL, B(ANON), 401),
    R("GET", "/api/v1/overview", NULL, SIGNED_IN, 200),
    /* The workbench: each role its own card group (the three administrators one), the menu's counts. */
    R("GET", "/api/v1/workbench/counts", NULL, B(ANON), 401),
    R("GET", "/api/v1/workbench/counts", NULL, WORKBENCH, 200),
    R("GET", "/api/v1/workbench/counts", NULL, NO_WORKBENCH, 403, .code = "forbidden"),
    WORKBENCH_GROUP("officer", B(OFFICER) | B(OFFICER_X)),
    WORKBENCH_GROUP("bureau", DEPTS),
    WORKBENCH_GROUP("agent", B(AGENT)),
    WORKBENCH_GROUP("leader", B(LEADER) | B(LEADER_CL)),
    WORKBENCH_GROUP("admin", B(ADMIN) | B(ADMIN_JA) | OVERSIGHT),
    R("GET", "/api/v1/workbench/nothing", NULL, WORKBENCH, 404, .code = "unknown_group"),

    /* ---- the working-day calendar: any signed-in caller ---- */
    R("GET", "/api/v1/calendar/working-days?from=2026-09-30&to=2026-10-09", NULL, B(ANON), 401),
    R("GET", "/api/v1/calendar/working-days?from=2026-09-30&to=2026-10-09", NULL, SIGNED_IN, 200),
    R("GET", "/api/v1/calendar/working-days?from=2026-09-30&add=3", NULL, SIGNED_IN, 200),

    /* ---- users: system and security administrators and leaders read, within their subtree ---- */
    R("GET", "/api/v1/users", NULL, B(ANON), 401),
    R("GET", "/api/v1/users", NULL, USER_ADMIN, 200),
    R("GET", "/api/v1/users", NULL, SIGNED_IN & ~USER_ADMIN, 403),
    R("GET", "/api/v1/users?org=350112", NULL, CITY_WIDE | B(LEADER_CL), 200),
    R("GET", "/api/v1/users?org=350112", NULL, B(ADMIN_JA) | B(SECURITY), 403),
    R("GET", "/api/v1/users?org=350111-tcj", NULL, CITY_WIDE | B(ADMIN_JA) | B(SECURITY), 200),
    R("GET", "/api/v1/users?org=350111-tcj", NULL, B(LEADER_CL), 403),
    R("GET", "/api/v1/users?org=350100", NULL, B(ADMIN_JA) | B(LEADER_CL), 403),
    R("GET", "/api/v1/users/{user:t-ja}", NULL, B(ANON), 401),
    R("GET", "/api/v1/users/{user:t-ja}", NULL, CITY_WIDE | B(ADMIN_JA) | B(SECURITY), 200),
    R("GET", "/api/v1/users/{user:t-ja}", NULL, B(LEADER_CL) | (SIGNED_IN & ~USER_ADMIN), 403),
    R("GET", "/api/v1/users/{user:t-cl}", NULL, CITY_WIDE | B(LEADER_CL), 200),
    R("GET", "/api/v1/users/{user:t-cl}", NULL, B(ADMIN_JA) | B(SECURITY), 403),
    R("GET", "/api/v1/users/{user:admin}", NULL, B(ADMIN_JA) | B(LEADER_CL) | B(SECURITY), 403),
    R("GET", "/api/v1/users/999999", NULL, B(ADMIN), 404),

    /* ---- creating users: administrators only, inside their subtree ---- */
    R("POST", "/api/v1/users", NEW_USER("cl-new", "350112-tcj"), B(ANON), 401),
    R("POST", "/api/v1/users", NEW_USER("cl-new", "350112-tcj"), B(LEADER) | B(LEADER_CL) | STAFF | OUTSIDE, 403),
    R("POST", "/api/v1/users", NEW_USER("cl-new", "350112-tcj"), B(ADMIN_JA), 403),
    R("POST", "/api/v1/users", NEW_USER("cl-new", "350112-tcj"), B(ADMIN), 201),
    R("POST", "/api/v1/users", NEW_USER("ja-up", "350100"), B(ADMIN_JA), 403),
    R("POST", "/api/v1/users", NEW_USER("ja-new", "350111-tcj"), B(ADMIN_JA), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/users", NEW_USER("ja-new", "350111-tcj"), B(ADMIN_JA), 201),

    /* ---- changing users ---- */
    R("PATCH", "/api/v1/users/{user:t-ja}", RENAME, B(ANON), 401),
    R("PATCH", "/api/v1/users/{user:t-ja}", RENAME, B(LEADER) | B(LEADER_CL) | STAFF | OUTSIDE, 403),
    R("PATCH", "/api/v1/users/{user:t-ja}", RENAME, B(ADMIN) | B(ADMIN_JA), 403, .flags = NO_CSRF, .code = "csrf"),
    R("PATCH", "/api/v1/users/{user:t-ja}", RENAME, B(ADMIN) | B(ADMIN_JA), 200),
    R("PATCH", "/api/v1/users/{user:t-cl}", RENAME, B(ADMIN_JA), 403),
    R("PATCH", "/api/v1/users/{user:t-cl}", RENAME, B(ADMIN), 200),
    R("PATCH", "/api/v1/users/{user:admin}", "{\"disabled\":true}", B(ADMIN_JA), 403),
    R("PATCH", "/api/v1/users/{user:t-ja}", "{\"org\":\"350112-tcj\"}", B(ADMIN_JA), 403),  /* moving it out */
    R("PATCH", "/api/v1/users/{user:t-ja}", "{\"org\":\"350111-xzfw\"}", B(ADMIN_JA), 200), /* moving it within */
    /* 三员分立: disabling and enabling accounts is the security administrator's, not the system administrator's */
    R("PATCH", "/api/v1/users/{user:t-disable}", "{\"disabled\":true}", B(ADMIN) | B(ADMIN_JA), 403,
      .code = "forbidden"),
    R("PATCH", "/api/v1/users/{user:t-ja}", RENAME, B(SECURITY), 403, .code = "forbidden"), /* names are the system's */
    R("PATCH", "/api/v1/users/{user:t-ja}", "{\"duty_admin\":false}", B(SECURITY), 403, .code = "forbidden"),
    R("PATCH", "/api/v1/users/{user:t-ja}", "{\"duty_admin\":false}", B(LEADER) | B(LEADER_CL) | STAFF | OUTSIDE, 403),
    R("PATCH", "/api/v1/users/{user:t-ja}", "{\"duty_admin\":false}", B(ADMIN) | B(ADMIN_JA), 200),
    R("PATCH", "/api/v1/users/{user:t-cl}", "{\"disabled\":true}", B(SECURITY), 403, .code = "out_of_scope"),
    R("PATCH", "/api/v1/users/{user:t-disable}", "{\"disabled\":true}", B(SECURITY), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("PATCH", "/api/v1/users/{user:t-disable}", "{\"disabled\":true}", B(SECURITY), 200),
    R("POST", "/api/v1/session", "{\"username\":\"t-disable\",\"password\":\"t-disable-password\"}", B(ANON), 403,
      .code = "account_disabled"),

    /* ---- resetting someone's password: the security administrator's ---- */
    R("POST", "/api/v1/users/{user:t-ja}/password", RESET, B(ANON), 401),
    R("POST", "/api/v1/users/{user:t-ja}/password", RESET, SIGNED_IN & ~B(SECURITY), 403, .code = "forbidden"),
    R("POST", "/api/v1/users/{user:t-ja}/password", RESET, B(SECURITY), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/users/{user:t-ja}/password", RESET, B(SECURITY), 200),
    R("POST", "/api/v1/users/{user:t-cl}/password", RESET, B(SECURITY), 403),
    R("POST", "/api/v1/users/{user:admin}/password", RESET, B(SECURITY), 403),
    /* A leader, outside the second-factor rule on this server (--second-factor none); under the rule the API
       refuses both resets with shell_only (test_totp.c), which the operator does from the shell. */
    R("POST", "/api/v1/users/{user:t-2fa}/password", RESET, B(SECURITY), 200),
    R("POST", "/api/v1/session", "{\"username\":\"t-ja\",\"password\":\"reset-password-1\"}", B(ANON), 200),

    /* ---- the audit log: the audit administrator alone, not the other administrators nor leaders ---- */
    R("GET", "/api/v1/audit", NULL, B(ANON), 401),
    R("GET", "/api/v1/audit", NULL, AUDIT_READ, 200),
    R("GET", "/api/v1/audit", NULL, SIGNED_IN & ~AUDIT_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/audit/daily", NULL, B(ANON), 401),
    R("GET", "/api/v1/audit/daily?days=7", NULL, AUDIT_READ, 200),
    R("GET", "/api/v1/audit/daily", NULL, SIGNED_IN & ~AUDIT_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/audit/export?format=csv", NULL, B(ANON), 401),
    R("GET", "/api/v1/audit/export?format=csv", NULL, AUDIT_READ, 200),
    R("GET", "/api/v1/audit/export", NULL, B(AUDITOR), 200), /* Excel */
    R("GET", "/api/v1/audit/export?format=csv", NULL, SIGNED_IN & ~AUDIT_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/audit/actions", NULL, B(ANON), 401),
    R("GET", "/api/v1/audit/actions", NULL, AUDIT_READ, 200),
    R("GET", "/api/v1/audit/actions", NULL, SIGNED_IN & ~AUDIT_READ, 403, .code = "forbidden"),

    /* ---- vouchers: running campaigns is the commerce bureau's duty (DUTY: vouchers), in the whole city ---- */
    R("POST", "/api/v1/vouchers/campaigns", CAMPAIGN("c-anon", "350100-swj"), B(ANON), 401),
    R("POST", "/api/v1/vouchers/campaigns", CAMPAIGN("c-{me}", "350100-swj"), SIGNED_IN & ~DEPTS, 403,
      .code = "forbidden"), /* administrators and leaders included: running a bureau's work is neither's */
    R("POST", "/api/v1/vouchers/campaigns", CAMPAIGN("c-{me}", "350100-swj"), OTHER_DEPTS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/vouchers/campaigns", CAMPAIGN("c-{me}", "350100-fgw"), VOUCHER_RUN, 422,
      .code = "org_without_duty"),
    R("POST", "/api/v1/vouchers/campaigns", CAMPAIGN("c-{me}", "350100-swj"), VOUCHER_RUN, 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/vouchers/campaigns", CAMPAIGN("c-{me}", "350100-swj"), VOUCHER_RUN, 201),
    R("POST", "/api/v1/vouchers/rounds", LATER_ROUND("{campaign}", "r-anon"), B(ANON), 401),
    R("POST", "/api/v1/vouchers/rounds", LATER_ROUND("{campaign}", "r-{me}"), SIGNED_IN & ~DEPTS, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/vouchers/rounds", LATER_ROUND("{campaign}", "r-{me}"), OTHER_DEPTS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/vouchers/rounds", LATER_ROUND("{campaign}", "r-{me}"), VOUCHER_RUN, 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/vouchers/rounds", LATER_ROUND("{campaign}", "r-{me}"), VOUCHER_RUN, 201),
    R("POST", "/api/v1/vouchers/kinds", KIND("{round_later}", "k-anon"), B(ANON), 401),
    R("POST", "/api/v1/vouchers/kinds", KIND("{round_later}", "k-{me}"), SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/vouchers/kinds", KIND("{round_later}", "k-{me}"), OTHER_DEPTS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/vouchers/kinds", KIND("{round_later}", "k-{me}"), VOUCHER_RUN, 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/vouchers/kinds", KIND("{round_later}", "k-{me}"), VOUCHER_RUN, 201),
    R("POST", "/api/v1/vouchers/merchants", SHOP("m-anon", "91350104MA2CD0456W", "350102", "\"{key}\""), B(ANON), 401),
    R("POST", "/api/v1/vouchers/merchants", SHOP("m-{me}", "91350104MA2CD0456W", "350102", "\"{key}\""),
      SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/vouchers/merchants", SHOP("m-{me}", "91350104MA2CD0456W", "350102", "\"{key}\""), OTHER_DEPTS,
      403, .code = "wrong_duty"),
    R("POST", "/api/v1/vouchers/merchants", SHOP("m-{me}", "91350112MA2MX0003D", "350112", "\"{key}\""), VOUCHER_RUN,
      403, .flags = NO_CSRF, .code = "csrf"),
    /* The city's commerce bureau signs merchants up in any district. */
    R("POST", "/api/v1/vouchers/merchants", SHOP("m-{me}", "91350112MA2MX0003D", "350112", "\"{key}\""), VOUCHER_RUN,
      201),
    R("POST", "/api/v1/vouchers/kinds/{kind_past}/carry", CARRY("{round_later}"), B(ANON), 401),
    R("POST", "/api/v1/vouchers/kinds/{kind_past}/carry", CARRY("{round_later}"), SIGNED_IN & ~DEPTS, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/vouchers/kinds/{kind_past}/carry", CARRY("{round_later}"), OTHER_DEPTS, 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/vouchers/kinds/{kind_past}/carry", CARRY("{round_later}"), VOUCHER_RUN, 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/vouchers/kinds/{kind_past}/carry", CARRY("{round_later}"), VOUCHER_RUN, 201),

    R("GET", "/api/v1/vouchers/campaigns", NULL, B(ANON), 401),
    R("GET", "/api/v1/vouchers/campaigns", NULL, VOUCHER_READ, 200),
    R("GET", "/api/v1/vouchers/campaigns", NULL, NOT_VOUCHER_DEPT, 403, .code = "forbidden"),
    R("GET", "/api/v1/vouchers/campaigns", NULL, OTHER_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/vouchers/merchants", NULL, B(ANON), 401),
    R("GET", "/api/v1/vouchers/merchants", NULL, VOUCHER_READ, 200),
    R("GET", "/api/v1/vouchers/merchants", NULL, NOT_VOUCHER_DEPT, 403, .code = "forbidden"),
    R("GET", "/api/v1/vouchers/merchants", NULL, OTHER_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/vouchers/channels", NULL, B(ANON), 401),
    R("GET", "/api/v1/vouchers/channels", NULL, VOUCHER_READ, 200),
    R("GET", "/api/v1/vouchers/channels", NULL, NOT_VOUCHER_DEPT, 403, .code = "forbidden"),
    R("GET", "/api/v1/vouchers/channels", NULL, OTHER_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/vouchers/stats", NULL, B(ANON), 401),
    R("GET", "/api/v1/vouchers/stats", NULL, VOUCHER_READ, 200),
    R("GET", "/api/v1/vouchers/stats", NULL, NOT_VOUCHER_DEPT, 403, .code = "forbidden"),
    R("GET", "/api/v1/vouchers/stats", NULL, OTHER_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/vouchers/stats/export?table=districts&format=csv", NULL, B(ANON), 401),
    R("GET", "/api/v1/vouchers/stats/export?table=districts&format=csv", NULL, VOUCHER_READ, 200),
    R("GET", "/api/v1/vouchers/stats/export?table=merchants", NULL, NOT_VOUCHER_DEPT, 403, .code = "forbidden"),
    R("GET", "/api/v1/vouchers/stats/export?table=merchants", NULL, OTHER_DEPTS, 403, .code = "wrong_duty"),

    /*
    ** ---- the problem desk ----
    ** Fixtures (setup(), as the city admin unless noted): {ent} in 晋安 (the enterprise caller's account acts for
    ** it), {ent_cl} in 长乐; problems of {ent} routed by default to 350111-tcj ({problem}, {p_accept},
    ** {p_accept_ja}, {p_route}), handed to 350100-fgw ({p_fgw}) and to 350100-xzfw ({p_xzfw}); {p_answered}
    ** (raised by the city admin) and {p_raised} (raised by the 晋安 officer) accepted and answered;
    ** {problem_cl}: {ent_cl}'s, at 350112-tcj.  A problem is seen by whoever has its district or department in
    ** its subtree, or sits inside its district; by the enterprise's own account; by nobody else (404).
    */
    /* Registering enterprises: admin, officer, agent; the district on the caller's branch of the tree. */
    R("POST", "/api/v1/enterprises", FIRM("91350112MA2DK00103", "350112"), B(ANON), 401),
    R("POST", "/api/v1/enterprises", FIRM("91350112MA2DK00103", "350112"), B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE,
      403, .code = "forbidden"),
    R("POST", "/api/v1/enterprises", FIRM("91350112MA2DK00103", "350112"), B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X), 403,
      .code = "out_of_scope"),
    R("POST", "/api/v1/enterprises", FIRM("91350111MA2DK0013X", "350111"), B(AGENT),
      201), /* a city department's staff serve the whole city (its parent's subtree) */
    R("POST", "/api/v1/enterprises", FIRM("91350112MA2DK00103", "350112"), B(ADMIN), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/enterprises", FIRM("91350112MA2DK00103", "350112"), B(ADMIN), 201),
    R("POST", "/api/v1/enterprises", FIRM("91350111MA2DK0011P", "350111"), B(ADMIN_JA), 201),
    R("POST", "/api/v1/enterprises", FIRM("91350111MA2DK0012T", "350111"), B(OFFICER), 201),
    R("POST", "/api/v1/enterprises", FIRM(ENT_CODE, "350111"), B(OFFICER), 409, .code = "credit_code_taken"),
    R("GET", "/api/v1/enterprises", NULL, B(ANON), 401),
    R("GET", "/api/v1/enterprises", NULL, B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(LEADER_CL) | STAFF | B(ENTERPRISE),
      200),
    R("GET", "/api/v1/enterprises", NULL, NOT_DESK, 403, .code = "forbidden"),
    /* Enterprise accounts: admins, for enterprises on their branch; the target is "t-firm", never a caller. */
    R("POST", "/api/v1/enterprises/{ent}/accounts", LINK("t-firm"), B(ANON), 401),
    R("POST", "/api/v1/enterprises/{ent}/accounts", LINK("t-firm"), SIGNED_IN & ~(B(ADMIN) | B(ADMIN_JA)), 403,
      .code = "forbidden"),
    R("POST", "/api/v1/enterprises/{ent_cl}/accounts", LINK("t-firm"), B(ADMIN_JA), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/enterprises/999999/accounts", LINK("t-firm"), B(ADMIN), 404, .code = "unknown_enterprise"),
    R("POST", "/api/v1/enterprises/{ent_cl}/accounts", LINK("t-firm"), B(ADMIN), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/enterprises/{ent_cl}/accounts", LINK("t-firm"), B(ADMIN), 200),
    R("POST", "/api/v1/enterprises/{ent}/accounts", LINK("t-firm-cl"), B(ADMIN_JA), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/enterprises/{ent}/accounts", LINK("t-firm"), B(ADMIN_JA), 200),
    /* Raising problems: staff for enterprises on their branch, an enterprise account for its own. */
    R("POST", "/api/v1/problems", PROBLEM("{ent}", "other"), B(ANON), 401),
    R("POST", "/api/v1/problems", PROBLEM("{ent}", "other"), B(LEADER) | B(LEADER_CL) | DEPTS | NOT_DESK, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/problems", PROBLEM("{ent}", "other"), B(AGENT), 201),
    R("POST", "/api/v1/problems", PROBLEM("{ent_cl}", "other"), B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X) | B(ENTERPRISE),
      403, .code = "out_of_scope"),
    R("POST", "/api/v1/problems", PROBLEM("999999", "other"), B(ADMIN) | B(OFFICER) | B(ENTERPRISE), 404,
      .code = "unknown_enterprise"),
    R("POST", "/api/v1/problems", PROBLEM("{ent}", "other"), B(ENTERPRISE), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/problems", PROBLEM("{ent}", "other"), B(ADMIN) | B(ADMIN_JA) | B(OFFICER) | B(ENTERPRISE), 201),
    R("POST", "/api/v1/problems", PROBLEM("{ent_cl}", "other"), B(ADMIN), 201),
    /* The routing preview: whoever may raise the problem, for an enterprise on their branch. */
    R("GET", "/api/v1/problems/routing?enterprise={ent}&category=other", NULL, B(ANON), 401),
    R("GET", "/api/v1/problems/routing?enterprise={ent}&category=other", NULL,
      B(LEADER) | B(LEADER_CL) | DEPTS | NOT_DESK, 403, .code = "forbidden"),
    R("GET", "/api/v1/problems/routing?enterprise={ent_cl}&category=other", NULL,
      B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X) | B(ENTERPRISE), 403, .code = "out_of_scope"),
    R("GET", "/api/v1/problems/routing?enterprise={ent}&category=other", NULL,
      B(ADMIN) | B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X) | B(AGENT) | B(ENTERPRISE), 200),
    R("GET", "/api/v1/problems/routing?enterprise={ent}&category=nope", NULL, B(ADMIN), 422,
      .code = "unknown_category"),
    R("GET", "/api/v1/problems/routing?category=other", NULL, B(ADMIN), 422, .code = "invalid_query"),
    R("GET", "/api/v1/problems?overdue=1&department=1", NULL, DESK_READ, 200),
    R("GET", "/api/v1/problems?overdue=2", NULL, B(ADMIN), 422, .code = "invalid_filter"),
    R("GET", "/api/v1/problems?department=x", NULL, B(ADMIN), 422, .code = "invalid_query"),
    /* Reading problems (lists in scope: test_lists_stay_in_scope). */
    R("GET", "/api/v1/problems", NULL, B(ANON), 401),
    R("GET", "/api/v1/problems", NULL, DESK_READ, 200),
    R("GET", "/api/v1/problems?waiting=1", NULL, DESK_READ, 200),
    R("GET", "/api/v1/problems", NULL, NOT_DESK, 403, .code = "forbidden"),
    R("GET", "/api/v1/problems/{problem}", NULL, B(ANON), 401),
    R("GET", "/api/v1/problems/{problem}", NULL, NOT_DESK, 403, .code = "forbidden"),
    R("GET", "/api/v1/problems/{problem}", NULL,
      B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(OFFICER) | B(AGENT) | B(ENTERPRISE), 200),
    R("GET", "/api/v1/problems/{problem}", NULL, B(LEADER_CL) | DEPTS, 404,
      .code = "not_found"), /* a department sees only what it owns */
    R("GET", "/api/v1/problems/{problem_cl}", NULL, B(ADMIN) | B(LEADER) | B(LEADER_CL), 200),
    R("GET", "/api/v1/problems/{problem_cl}", NULL, B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X) | B(ENTERPRISE), 404,
      .code = "not_found"),
    R("GET", "/api/v1/problems/{p_fgw}", NULL, B(DEPT) | B(OFFICER), 200), /* its department; inside its district */
    R("GET", "/api/v1/problems/{p_xzfw}", NULL, B(AGENT), 200),
    R("GET", "/api/v1/problems/999999", NULL, B(ADMIN), 404, .code = "not_found"),
    /* Comments: whoever sees the problem. */
    R("POST", "/api/v1/problems/{problem}/comments", NOTE, B(ANON), 401),
    R("POST", "/api/v1/problems/{problem}/comments", NOTE, NOT_DESK, 403, .code = "forbidden"),
    R("POST", "/api/v1/problems/{problem}/comments", NOTE, B(LEADER_CL) | DEPTS, 404, .code = "not_found"),
    R("POST", "/api/v1/problems/{problem_cl}/comments", NOTE, B(ENTERPRISE), 404, .code = "not_found"),
    R("POST", "/api/v1/problems/{problem}/comments", NOTE, B(ENTERPRISE), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/problems/{problem}/comments", NOTE,
      B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(OFFICER) | B(OFFICER_X) | B(AGENT) | B(ENTERPRISE), 201),
    R("POST", "/api/v1/problems/{problem_cl}/comments", NOTE, B(LEADER_CL), 201),
    R("POST", "/api/v1/problems/{p_fgw}/comments", NOTE, B(DEPT), 201),
    R("POST", "/api/v1/problems/{p_xzfw}/comments", NOTE, B(AGENT), 201),
    /* Transitions: accept/start/answer by the owning department (or an admin above it); confirm/reopen by the
    ** raiser or the enterprise's account; otherwise 403; out of order 409. */
    R("POST", "/api/v1/problems/{problem}/transitions", ACTION("accept"), B(ANON), 401),
    R("POST", "/api/v1/problems/{problem}/transitions", ACTION("accept"), B(LEADER) | B(LEADER_CL) | NOT_DESK, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/problems/{problem}/transitions", ACTION("accept"), B(OFFICER) | B(OFFICER_X) | B(ENTERPRISE),
      403, .code = "forbidden"), /* they see it, but accepting is the department's */
    R("POST", "/api/v1/problems/{p_xzfw}/transitions", ACTION("accept"), B(AGENT), 403,
      .code = "forbidden"), /* 350100-xzfw's agent sees it; accepting is for its department users */
    R("POST", "/api/v1/problems/{problem}/transitions", ACTION("accept"), DEPTS, 404,
      .code = "not_found"), /* 350100-fgw does not own it: to that department it does not exist */
    R("POST", "/api/v1/problems/{problem_cl}/transitions", ACTION("accept"), B(ADMIN_JA), 404,
      .code = "not_found"), /* 350112's problem is outside 晋安 */
    R("POST", "/api/v1/problems/{problem}/transitions", ANSWER, B(ADMIN), 409, .code = "invalid_transition"),
    R("POST", "/api/v1/problems/{p_accept}/transitions", ACTION("accept"), B(ADMIN), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/problems/{p_accept}/transitions", ACTION("accept"), B(ADMIN), 200),
    R("POST", "/api/v1/problems/{p_accept_ja}/transitions", ACTION("accept"), B(ADMIN_JA), 200),
    R("POST", "/api/v1/problems/{p_fgw}/transitions", ACTION("accept"), B(DEPT), 200),
    R("POST", "/api/v1/problems/{p_fgw}/transitions", ACTION("start"), B(DEPT), 200),
    R("POST", "/api/v1/problems/{p_fgw}/transitions", ANSWER, B(DEPT), 200),
    R("POST", "/api/v1/problems/{p_fgw}/transitions", CONFIRM, B(DEPT), 403, .code = "forbidden"),
    R("POST", "/api/v1/problems/{p_answered}/transitions", CONFIRM, B(ADMIN_JA) | B(OFFICER), 403,
      .code = "forbidden"), /* neither raised it nor acts for the enterprise */
    R("POST", "/api/v1/problems/{p_answered}/transitions", REOPEN, B(ENTERPRISE), 200),
    R("POST", "/api/v1/problems/{p_answered}/transitions", ANSWER, B(ADMIN_JA), 200),
    R("POST", "/api/v1/problems/{p_answered}/transitions", CONFIRM, B(ENTERPRISE), 200),
    R("POST", "/api/v1/problems/{p_answered}/transitions", REOPEN, B(ENTERPRISE), 409, .code = "invalid_transition"),
    R("POST", "/api/v1/problems/{p_raised}/transitions", CONFIRM, B(ADMIN) | B(ADMIN_JA), 403,
      .code = "forbidden"), /* the officer raised it */
    R("POST", "/api/v1/problems/{p_raised}/transitions", CONFIRM, B(OFFICER), 200),
    /* Handing over: admins and leaders, the problem's district or department in their subtree. */
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350111-fgj"), B(ANON), 401),
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350111-fgj"), STAFF | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/problems/{problem}/route", HAND_TO("350111-fgj"), B(LEADER_CL), 404,
      .code = "not_found"), /* outside one's scope a problem is not found, as when reading it */
    R("POST", "/api/v1/problems/{problem_cl}/route", HAND_TO("350112-fgj"), B(ADMIN_JA), 404, .code = "not_found"),
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350111-fgj"), B(LEADER), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350112-fgj"), B(ADMIN_JA), 403,
      .code = "out_of_scope"), /* a 晋安 problem to 长乐's bureau: only departments in one's own area */
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350100-fgw"), B(ADMIN_JA), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350111-fgj"), B(ADMIN), 200),
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350111-rsj"), B(ADMIN_JA), 200),
    R("POST", "/api/v1/problems/{p_route}/route", HAND_TO("350111-xzfw"), B(LEADER), 200),
    R("POST", "/api/v1/problems/{problem_cl}/route", HAND_TO("350112-fgj"), B(LEADER_CL), 200),
    R("POST", "/api/v1/problems/{p_answered}/route", HAND_TO("350111-fgj"), B(ADMIN), 409,
      .code = "invalid_transition"), /* closed above */
    /* Categories: any signed-in caller; statistics: admins, leaders, departments; escalation now: admins. */
    /* Attachments: whoever sees the problem. */
    R("POST", "/api/v1/problems/{problem}/attachments", ATTACH, B(ANON), 401),
    R("POST", "/api/v1/problems/{problem}/attachments", ATTACH, NOT_DESK, 403, .code = "forbidden"),
    R("POST", "/api/v1/problems/{problem}/attachments", ATTACH, B(LEADER_CL) | DEPTS, 404, .code = "not_found"),
    R("POST", "/api/v1/problems/{problem}/attachments", ATTACH, B(ENTERPRISE), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/problems/{problem}/attachments", ATTACH,
      B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(OFFICER) | B(OFFICER_X) | B(AGENT) | B(ENTERPRISE), 201),
    R("GET", "/api/v1/problems/{problem}/attachments/{attachment}", NULL, B(ANON), 401),
    R("GET", "/api/v1/problems/{problem}/attachments/{attachment}", NULL, NOT_DESK, 403, .code = "forbidden"),
    R("GET", "/api/v1/problems/{problem}/attachments/{attachment}", NULL, B(LEADER_CL) | DEPTS, 404,
      .code = "not_found"),
    R("GET", "/api/v1/problems/{problem}/attachments/{attachment}", NULL,
      B(ADMIN) | B(ADMIN_JA) | B(LEADER) | B(OFFICER) | B(OFFICER_X) | B(AGENT) | B(ENTERPRISE), 200),
    R("GET", "/api/v1/problems/categories", NULL, B(ANON), 401),
    R("GET", "/api/v1/problems/categories", NULL, SIGNED_IN, 200),
    R("GET", "/api/v1/problems/stats", NULL, B(ANON), 401),
    R("GET", "/api/v1/problems/stats", NULL, DESK_STATS, 200),
    R("GET", "/api/v1/problems/stats", NULL, SIGNED_IN & ~DESK_STATS, 403, .code = "forbidden"),
    R("GET", "/api/v1/problems/stats/export?table=category&format=csv", NULL, B(ANON), 401),
    R("GET", "/api/v1/problems/stats/export?table=category&format=csv", NULL, DESK_STATS, 200),
    R("GET", "/api/v1/problems/stats/export?table=district", NULL, SIGNED_IN & ~DESK_STATS, 403, .code = "forbidden"),
    R("POST", "/api/v1/desk/escalations", NULL, B(ANON), 401),
    R("POST", "/api/v1/desk/escalations", NULL, SIGNED_IN & ~(B(ADMIN) | B(ADMIN_JA)), 403, .code = "forbidden"),
    R("POST", "/api/v1/desk/escalations", NULL, B(ADMIN), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/desk/escalations", NULL, B(ADMIN) | B(ADMIN_JA), 200),

    /* ---- major projects (云代办) ----
    ** Fixtures: {proj} in 晋安 for {ent} with a plan (the whole catalogue), {proj_cl} in 长乐 for {ent_cl};
    ** {item} is {proj}'s 立项备案 (晋安区发改局's, no prerequisites), {inspection} one of {proj}'s inspections.
    ** Staff see projects on their branch of the tree, a department the projects it has items in (the 发改委
    ** caller has none: 晋安's filing goes to 晋安区发改局), nobody else; outside, a project is not found. */
    R("POST", "/api/v1/projects", PROJECT("2021-350112-39-03-000101", "{ent_cl}", "350112"), B(ANON), 401),
    R("POST", "/api/v1/projects", PROJECT("2021-350112-39-03-000101", "{ent_cl}", "350112"),
      B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects", PROJECT("2021-350112-39-03-000101", "{ent_cl}", "350112"),
      B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/projects", PROJECT("2021-350112-39-03-000101", "{ent_cl}", "350112"), B(AGENT), 403,
      .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/projects", PROJECT("2021-350112-39-03-000101", "{ent_cl}", "350112"), B(AGENT), 201),
    R("POST", "/api/v1/projects", PROJECT("2021-350111-39-03-000106", "{ent_cl}", "350111"), B(ADMIN_JA) | B(OFFICER),
      403, .code = "out_of_scope"), /* 长乐's enterprise put under 晋安 */
    R("POST", "/api/v1/projects", PROJECT("2021-350111-39-03-000102", "{ent}", "350111"), B(OFFICER), 201),
    R("POST", "/api/v1/projects", PROJECT("2021-350111-39-03-000103", "{ent}", "350111"), B(ADMIN_JA), 201),
    R("POST", "/api/v1/projects", PROJECT("2021-350111-39-03-000103", "{ent}", "350111"), B(ADMIN), 409,
      .code = "project_code_taken"),
    R("POST", "/api/v1/projects/import", PROJECT_CSV("2021-350112-39-03-000104", "91350112MA2DK00028", "350112"),
      B(ANON), 401),
    R("POST", "/api/v1/projects/import", PROJECT_CSV("2021-350112-39-03-000104", "91350112MA2DK00028", "350112"),
      B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/import", PROJECT_CSV("2021-350112-39-03-000104", "91350112MA2DK00028", "350112"),
      B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/projects/import", PROJECT_CSV("2021-350112-39-03-000104", "91350112MA2DK00028", "350112"),
      B(ADMIN), 200),
    R("POST", "/api/v1/projects/import", PROJECT_CSV("2021-350112-39-03-000105", "91350112MA2DK00028", "350112"),
      B(AGENT), 200),
    R("GET", "/api/v1/projects", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects?light=red&stage=approvals", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/export?format=csv", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/export?format=csv", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects/export", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/{proj}", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/{proj}", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/{proj}", NULL, PROJECT_READ, 200),
    R("GET", "/api/v1/projects/{proj}", NULL, B(LEADER_CL) | DEPTS, 404, .code = "unknown_project"),
    R("GET", "/api/v1/projects/{proj_cl}", NULL, B(ADMIN_JA) | B(OFFICER), 404, .code = "unknown_project"),
    R("GET", "/api/v1/projects/{proj_cl}", NULL, B(LEADER_CL), 200),
    R("GET", "/api/v1/projects/999999", NULL, B(ADMIN), 404, .code = "unknown_project"),
    /* A project from a signed lead carries its agreements' documents. */
    R("GET", "/api/v1/projects/{proj_lead}/agreements/{agreement_p}/document", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/{proj_lead}/agreements/{agreement_p}/document", NULL, DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("GET", "/api/v1/projects/{proj_lead}/agreements/{agreement_p}/document", NULL, B(LEADER_CL), 404,
      .code = "unknown_project"),
    R("GET", "/api/v1/projects/{proj_lead}/agreements/{agreement_p}/document", NULL, PROJECT_READ, 200),
    R("GET", "/api/v1/projects/{proj_lead}/agreements/{agreement}/document", NULL, B(ADMIN), 404,
      .code = "unknown_agreement"),
    /* Plans: administrators and agents. */
    R("POST", "/api/v1/projects/{proj}/plan", PLAN, B(ANON), 401),
    R("POST", "/api/v1/projects/{proj}/plan", PLAN,
      B(LEADER) | B(LEADER_CL) | B(OFFICER) | B(OFFICER_X) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj_cl}/plan", PLAN, B(ADMIN_JA), 404, .code = "unknown_project"),
    R("POST", "/api/v1/projects/{proj}/plan", PLAN, B(AGENT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/projects/{proj}/plan", PLAN, B(ADMIN) | B(ADMIN_JA) | B(AGENT), 201),
    R("GET", "/api/v1/projects/{proj}/plans", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/{proj}/plans", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/{proj}/plans", NULL, B(LEADER_CL), 404, .code = "unknown_project"),
    R("GET", "/api/v1/projects/{proj}/plans", NULL, PROJECT_READ, 200),
    /* Approval items: administrators and departments (their own items only). */
    R("GET", "/api/v1/projects/items", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/items", NULL, B(ADMIN) | B(ADMIN_JA) | APPROVERS, 200),
    R("GET", "/api/v1/projects/items", NULL, DEPTS & ~APPROVERS, 403, .code = "wrong_duty"), /* nothing to approve */
    R("GET", "/api/v1/projects/items", NULL, SIGNED_IN & ~(B(ADMIN) | B(ADMIN_JA) | DEPTS), 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj}/items/{item}/transitions", ACTION("accept"), B(ANON), 401),
    R("POST", "/api/v1/projects/{proj}/items/{item}/transitions", ACTION("accept"),
      B(LEADER) | B(LEADER_CL) | B(OFFICER) | B(OFFICER_X) | B(AGENT) | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj}/items/{item}/transitions", ACTION("accept"), DEPTS, 404,
      .code = "unknown_project"),
    R("POST", "/api/v1/projects/{proj}/items/{item}/transitions", ACTION("done"), B(ADMIN), 409,
      .code = "invalid_transition"),
    R("POST", "/api/v1/projects/{proj}/items/{item}/transitions", ACTION("accept"), B(ADMIN_JA), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/projects/{proj}/items/{item}/transitions", ACTION("accept"), B(ADMIN_JA), 200),
    R("POST", "/api/v1/projects/{proj}/items/{item}/transitions", ACTION("done"), B(ADMIN), 200),
    /* Milestones, follow-ups and inspections: administrators, officers and agents on their branch. */
    R("POST", "/api/v1/projects/{proj}/milestones/start", MILESTONE, B(ANON), 401),
    R("POST", "/api/v1/projects/{proj}/milestones/start", MILESTONE, B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj_cl}/milestones/start", MILESTONE, B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X), 404,
      .code = "unknown_project"),
    R("POST", "/api/v1/projects/{proj}/milestones/start", MILESTONE, B(OFFICER), 200),
    R("POST", "/api/v1/projects/{proj}/milestones/start", MILESTONE, B(ADMIN) | B(AGENT), 409,
      .code = "milestone_recorded"),
    R("POST", "/api/v1/projects/{proj}/followups", FOLLOW_UP, B(ANON), 401),
    R("POST", "/api/v1/projects/{proj}/followups", FOLLOW_UP, B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj_cl}/followups", FOLLOW_UP, B(ADMIN_JA) | B(OFFICER), 404,
      .code = "unknown_project"),
    R("POST", "/api/v1/projects/{proj}/followups", FOLLOW_UP, PROJECT_WRITE, 201),
    R("GET", "/api/v1/projects/followups", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/followups", NULL, PROJECT_WRITE, 200),
    R("GET", "/api/v1/projects/followups?all=1", NULL, PROJECT_WRITE, 200),
    R("GET", "/api/v1/projects/followups", NULL, SIGNED_IN & ~PROJECT_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj}/inspections", INSPECT, B(ANON), 401),
    R("POST", "/api/v1/projects/{proj}/inspections", INSPECT, B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj_cl}/inspections", INSPECT, B(ADMIN_JA) | B(OFFICER), 404,
      .code = "unknown_project"),
    R("POST", "/api/v1/projects/{proj}/inspections", INSPECT, PROJECT_WRITE, 201),
    R("POST", "/api/v1/projects/{proj}/inspections/{inspection}/log", INSPECTED, B(ANON), 401),
    R("POST", "/api/v1/projects/{proj}/inspections/{inspection}/log", INSPECTED,
      B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/{proj_cl}/inspections/{inspection}/log", INSPECTED, B(OFFICER) | B(OFFICER_X), 404,
      .code = "unknown_project"),
    R("POST", "/api/v1/projects/{proj}/inspections/{inspection}/log", INSPECTED, B(AGENT), 200),
    R("POST", "/api/v1/projects/{proj}/inspections/{inspection}/log", INSPECTED, B(ADMIN) | B(ADMIN_JA) | B(OFFICER),
      409, .code = "already_logged"),
    /* Statistics and analysis: administrators, leaders, officers, agents, each over their branch. */
    R("GET", "/api/v1/projects/stats", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/stats?by=department", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/projects/stats?by=industry&format=csv", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/projects/stats", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/analysis", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/analysis", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/projects/analysis?table=items&format=csv", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/projects/analysis", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/relaxed", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/relaxed?month=2020-06", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/projects/relaxed?month=June", NULL, PROJECT_ROLES, 422, .code = "invalid_month"),
    R("GET", "/api/v1/projects/relaxed", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    /* The catalogue and the light rule: read by staff, changed by the city's administrators only. */
    /* The green channel (特事特办): {green} is a 晋安 case flagged by the agent, ja-officer (OFFICER) its officer,
    ** 晋安区市场监管局 (no caller) handling it.  Agents, administrators and the handling department flag; staff read
    ** their branch; its officer, the handling department and agents or administrators over its district record steps. */
    R("POST", "/api/v1/projects/green-channel", GREEN_FLAG, B(ANON), 401),
    R("POST", "/api/v1/projects/green-channel", GREEN_FLAG,
      B(LEADER) | B(LEADER_CL) | B(OFFICER) | B(OFFICER_X) | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/green-channel", GREEN_FLAG, DEPTS, 403, .code = "not_your_case"),
    R("POST", "/api/v1/projects/green-channel", GREEN_FLAG, B(AGENT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/projects/green-channel", GREEN_FLAG, B(ADMIN) | B(ADMIN_JA) | B(AGENT), 201),
    R("GET", "/api/v1/projects/green-channel?state=open", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/green-channel?state=open", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects/green-channel", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/green-channel/stats", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/green-channel/stats", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects/green-channel/stats?format=csv", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects/green-channel/stats", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/green-channel/{green}", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/green-channel/{green}", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/projects/green-channel/{green}", NULL, PROJECT_READ, 200),
    R("GET", "/api/v1/projects/green-channel/{green}", NULL, B(LEADER_CL) | DEPTS, 404, .code = "unknown_case"),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("documents"), B(ANON), 401),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("documents"),
      B(LEADER) | B(LEADER_CL) | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("documents"), DEPTS, 404,
      .code = "unknown_case"),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("documents"), B(OFFICER), 403,
      .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("documents"), B(OFFICER_X), 403,
      .code = "not_your_case"), /* an officer, not the case's */
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("documents"), B(OFFICER), 200),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("documents"),
      B(ADMIN) | B(ADMIN_JA) | B(AGENT) | B(OFFICER), 409, .code = "step_out_of_order"),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("submission"), B(ADMIN_JA), 200),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("review"), B(AGENT), 200),
    R("POST", "/api/v1/projects/green-channel/{green}/steps", GREEN_STEP("licence"), B(ADMIN), 200),
    /* Work resumption (复工复产): {resume} is {proj}'s record, made by the agent.  Administrators, officers and
    ** agents record for the projects and enterprises of their branch, leaders read theirs; outside, not found. */
    R("POST", "/api/v1/resumptions", RESUME("project", "{proj_cl}"), B(ANON), 401),
    R("POST", "/api/v1/resumptions", RESUME("project", "{proj_cl}"), B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/resumptions", RESUME("project", "{proj_cl}"), B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X), 404,
      .code = "unknown_project"),
    R("POST", "/api/v1/resumptions", RESUME("project", "{proj_cl}"), B(AGENT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/resumptions", RESUME("project", "{proj_cl}"), B(AGENT), 201),
    R("POST", "/api/v1/resumptions", RESUME("project", "{proj_cl}"), B(ADMIN), 409, .code = "already_recorded"),
    R("POST", "/api/v1/resumptions", RESUME("enterprise", "{ent_cl}"), B(ADMIN_JA) | B(OFFICER), 403,
      .code = "out_of_scope"),
    R("POST", "/api/v1/resumptions", RESUME("enterprise", "{ent}"), B(OFFICER), 201),
    R("POST", "/api/v1/resumptions", RESUME("enterprise", "{ent}"), B(ADMIN) | B(ADMIN_JA) | B(AGENT), 409,
      .code = "already_recorded"),
    R("GET", "/api/v1/resumptions", NULL, B(ANON), 401),
    R("GET", "/api/v1/resumptions?state=waiting", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/resumptions", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/resumptions/measures", NULL, B(ANON), 401),
    R("GET", "/api/v1/resumptions/measures", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/resumptions/measures", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/resumptions/stats", NULL, B(ANON), 401),
    R("GET", "/api/v1/resumptions/stats?on=2020-02-29", NULL, PROJECT_ROLES, 200),
    R("GET", "/api/v1/resumptions/stats", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("GET", "/api/v1/resumptions/{resume}", NULL, B(ANON), 401),
    R("GET", "/api/v1/resumptions/{resume}", NULL, PROJECT_READ, 200),
    R("GET", "/api/v1/resumptions/{resume}", NULL, B(LEADER_CL), 404, .code = "unknown_resumption"),
    R("GET", "/api/v1/resumptions/{resume}", NULL, DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("PATCH", "/api/v1/resumptions/{resume}", RESUME_NOTE, B(ANON), 401),
    R("PATCH", "/api/v1/resumptions/{resume}", RESUME_NOTE, B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("PATCH", "/api/v1/resumptions/{resume}", RESUME_NOTE, B(AGENT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("PATCH", "/api/v1/resumptions/{resume}", RESUME_NOTE, PROJECT_WRITE, 200),
    R("POST", "/api/v1/resumptions/{resume}/days", RESUME_DAY, B(ANON), 401),
    R("POST", "/api/v1/resumptions/{resume}/days", RESUME_DAY, B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/resumptions/{resume}/days", RESUME_DAY, B(AGENT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/resumptions/{resume}/days", RESUME_DAY, B(ADMIN), 201),
    R("POST", "/api/v1/resumptions/{resume}/days", RESUME_DAY, B(ADMIN_JA) | B(OFFICER) | B(OFFICER_X) | B(AGENT), 200),
    R("POST", "/api/v1/resumptions/{resume}/problems", "{\"problem\":{problem}}", B(ANON), 401),
    R("POST", "/api/v1/resumptions/{resume}/problems", "{\"problem\":{problem}}",
      B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/resumptions/{resume}/problems", "{\"problem\":{problem}}", B(AGENT), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/resumptions/{resume}/problems", "{\"problem\":{problem_cl}}", B(AGENT), 422,
      .code = "other_enterprise"),
    R("POST", "/api/v1/resumptions/{resume}/problems", "{\"problem\":{problem}}", B(OFFICER), 201),
    R("POST", "/api/v1/resumptions/{resume}/problems", "{\"problem\":{problem}}",
      B(ADMIN) | B(ADMIN_JA) | B(OFFICER_X) | B(AGENT), 409, .code = "already_linked"),
    /* Packages (项目包) and their upkeep: {package} (晋安, owned by {ent}, its river {ppart} at 90%, check {pcheck})
    ** is built by the rows and licensed; {package_op} is in operation with check {pcheck_op} and an inspection
    ** whose major defect {pdefect} and photo {pphoto} the rows use.  Staff whose branch has 晋安 and the owner
    ** read; admins, officers and agents act; the owner fixes defects; leaders only read. */
    R("POST", "/api/v1/packages", PACKAGE_BODY("PK-{me}", "0"), B(ANON), 401),
    R("POST", "/api/v1/packages", PACKAGE_BODY("PK-{me}", "0"), B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/packages", PACKAGE_BODY("PK-{me}", "0"), B(AGENT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/packages", PACKAGE_BODY("PK-{me}", "0"), PROJECT_WRITE, 201),
    R("GET", "/api/v1/packages", NULL, B(ANON), 401),
    R("GET", "/api/v1/packages", NULL, NOT_PACKAGE, 403, .code = "forbidden"),
    R("GET", "/api/v1/packages", NULL, PROJECT_ROLES | B(ENTERPRISE), 200),
    R("GET", "/api/v1/packages/{package}", NULL, B(ANON), 401),
    R("GET", "/api/v1/packages/{package}", NULL, NOT_PACKAGE, 403, .code = "forbidden"),
    R("GET", "/api/v1/packages/{package}", NULL, B(LEADER_CL), 404, .code = "unknown_package"),
    R("GET", "/api/v1/packages/{package}", NULL, PACKAGE_READ, 200),
    R("PUT", "/api/v1/packages/{package}/parts/{ppart}", "{\"progress\":100}", B(ANON), 401),
    R("PUT", "/api/v1/packages/{package}/parts/{ppart}", "{\"progress\":100}",
      B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("PUT", "/api/v1/packages/{package}/parts/{ppart}", "{\"progress\":100}", B(OFFICER), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("PUT", "/api/v1/packages/{package}/parts/{ppart}", "{\"progress\":100}", PROJECT_WRITE, 200),
    R("POST", "/api/v1/packages/{package}/inspections", INSPECTION("{pcheck}"), B(OFFICER), 409,
      .code = "not_in_operation"),
    R("POST", "/api/v1/packages/{package}/licence", LICENCE, B(ANON), 401),
    R("POST", "/api/v1/packages/{package}/licence", LICENCE, B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/packages/{package}/licence", LICENCE, B(AGENT), 200),
    R("POST", "/api/v1/packages/{package}/licence", LICENCE, PROJECT_WRITE, 409, .code = "licence_recorded"),
    R("PUT", "/api/v1/packages/{package}/parts/{ppart}", "{\"progress\":90}", B(AGENT), 409,
      .code = "package_operating"),
    R("POST", "/api/v1/packages/{package}/checks", "{\"what\":\"{me}巡查\",\"every_days\":7}", B(ANON), 401),
    R("POST", "/api/v1/packages/{package}/checks", "{\"what\":\"{me}巡查\",\"every_days\":7}",
      B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/packages/{package}/checks", "{\"what\":\"{me}巡查\",\"every_days\":7}", PROJECT_WRITE, 201),
    R("POST", "/api/v1/packages/{package_op}/inspections", INSPECTION("{pcheck_op}"), B(ANON), 401),
    R("POST", "/api/v1/packages/{package_op}/inspections", INSPECTION("{pcheck_op}"),
      B(LEADER) | B(LEADER_CL) | DEPTS | OUTSIDE, 403, .code = "forbidden"),
    R("POST", "/api/v1/packages/{package_op}/inspections", INSPECTION("{pcheck_op}"), B(AGENT), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/packages/{package_op}/inspections", INSPECTION("{pcheck_op}"), PROJECT_WRITE, 201),
    R("GET", "/api/v1/packages/{package_op}/photos/{pphoto}", NULL, B(ANON), 401),
    R("GET", "/api/v1/packages/{package_op}/photos/{pphoto}", NULL, NOT_PACKAGE, 403, .code = "forbidden"),
    R("GET", "/api/v1/packages/{package_op}/photos/{pphoto}", NULL, B(LEADER_CL), 404, .code = "unknown_package"),
    R("GET", "/api/v1/packages/{package_op}/photos/{pphoto}", NULL, PACKAGE_READ, 200),
    R("POST", "/api/v1/packages/{package_op}/defects/{pdefect}/fix", "{\"note\":\"{me}修复\"}", B(ANON), 401),
    R("POST", "/api/v1/packages/{package_op}/defects/{pdefect}/fix", "{\"note\":\"{me}修复\"}",
      B(LEADER) | B(LEADER_CL) | NOT_PACKAGE, 403, .code = "forbidden"),
    R("POST", "/api/v1/packages/{package_op}/defects/{pdefect}/fix", "{\"note\":\"{me}修复\"}", B(ENTERPRISE), 403,
      .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/packages/{package_op}/defects/{pdefect}/fix", "{\"note\":\"{me}修复\"}", B(ENTERPRISE), 200),
    R("POST", "/api/v1/packages/{package_op}/defects/{pdefect}/fix", "{\"note\":\"{me}修复\"}", PROJECT_WRITE, 409,
      .code = "defect_fixed"),
    R("GET", "/api/v1/projects/catalogue", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/catalogue", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects/catalogue", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("PUT", "/api/v1/projects/catalogue/test_item", APPROVAL_ITEM, B(ANON), 401),
    R("PUT", "/api/v1/projects/catalogue/test_item", APPROVAL_ITEM, SIGNED_IN & ~(B(ADMIN) | B(ADMIN_JA)), 403,
      .code = "forbidden"),
    R("PUT", "/api/v1/projects/catalogue/test_item", APPROVAL_ITEM, B(ADMIN_JA), 403, .code = "out_of_scope"),
    R("PUT", "/api/v1/projects/catalogue/test_item", APPROVAL_ITEM, B(ADMIN), 200),
    R("GET", "/api/v1/projects/settings", NULL, B(ANON), 401),
    R("GET", "/api/v1/projects/settings", NULL, PROJECT_ROLES | DEPTS, 200),
    R("GET", "/api/v1/projects/settings", NULL, OUTSIDE, 403, .code = "forbidden"),
    R("PUT", "/api/v1/projects/settings", "{\"yellow_days\":3}", B(ANON), 401),
    R("PUT", "/api/v1/projects/settings", "{\"yellow_days\":3}", SIGNED_IN & ~(B(ADMIN) | B(ADMIN_JA)), 403,
      .code = "forbidden"),
    R("PUT", "/api/v1/projects/settings", "{\"yellow_days\":3}", B(ADMIN_JA), 403, .code = "out_of_scope"),
    R("PUT", "/api/v1/projects/settings", "{\"yellow_days\":3}", B(ADMIN), 200),
    /* The owner's progress query: anyone with the code and the query code; a wrong one is not found. */
    R("GET", "/api/v1/public/projects/{proj_code}?query_code={query_code}", NULL, EVERYONE, 200),
    R("GET", "/api/v1/public/projects/{proj_code}?query_code=WRONG000", NULL, EVERYONE, 404, .code = "not_found"),
    R("GET", "/api/v1/public/projects/2099-350111-39-03-000000?query_code={query_code}", NULL, B(ANON), 404,
      .code = "not_found"),

    /* ---- investment promotion and cloud signing: the investment promotion bureaus (duty "invest") ----
    ** Fixtures: {lead} owned by 晋安 for {ent}; {lead_cl} owned by 长乐, shared with 晋安; {transfer}: 长乐's
    ** {lead_offer} offered to 晋安, {transfer_d} another to decline, {transfer_w} 晋安's {lead_w} offered to 长乐;
    ** {lead_city} owned by the city; {transfer_up}: 晋安's {lead_up} offered to the city;
    ** signers {signer_a}, {signer_b}; {ceremony} hosted by 晋安 with {agreement} (document "协议", {agreement_sha}).
    ** Reads: leaders, officers on the owner's branch or one it is shared with / offered to; writes: officers on
    ** the owner's side.  An officer of an organisation without the duty (OFFICER_X) gets 403 wrong_duty on every
    ** route; administrators, who hold no duty, 403 forbidden. */
    R("POST", "/api/v1/invest/leads", LEAD("{ent_cl}", "350112"), B(ANON), 401),
    R("POST", "/api/v1/invest/leads", LEAD("{ent_cl}", "350112"), NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/leads", LEAD_HERE, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/leads", LEAD("{ent_cl}", "350112"), B(OFFICER), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/invest/leads", LEAD_HERE, B(OFFICER), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/invest/leads",
      "{\"title\":\"{me}的线索\",\"source\":\"展会\",\"enterprise\":{ent},\"industry\":\"制造\","
      "\"investment_wan\":1,\"owner\":\"350111\",\"officer\":\"t-cl\"}",
      INVEST_WRITE, 403, .code = "out_of_scope"), /* 长乐's officer following 晋安's lead */
    R("POST", "/api/v1/invest/leads", LEAD_HERE, B(OFFICER), 201),
    R("GET", "/api/v1/invest/leads", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/leads?stage=lead", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/leads", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/leads", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/invest/leads/{lead}", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/leads/{lead}", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/leads/{lead}", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/invest/leads/{lead}", NULL, B(LEADER_CL), 404, .code = "unknown_lead"),
    R("GET", "/api/v1/invest/leads/{lead}", NULL, B(LEADER) | B(OFFICER), 200),
    R("GET", "/api/v1/invest/leads/{lead_cl}", NULL, INVEST_READ, 200), /* 长乐's, shared with 晋安 */
    R("POST", "/api/v1/invest/leads/{lead}/stage", STAGE("negotiating"), B(ANON), 401),
    R("POST", "/api/v1/invest/leads/{lead}/stage", STAGE("negotiating"), NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/leads/{lead}/stage", STAGE("negotiating"), INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/leads/{lead_cl}/stage", STAGE("negotiating"), B(OFFICER), 403,
      .code = "lead_not_yours"), /* shared with 晋安: read, not changed */
    R("POST", "/api/v1/invest/leads/{lead}/stage", STAGE("negotiating"), B(OFFICER), 200),
    R("POST", "/api/v1/invest/leads/{lead}/stage", STAGE("signed"), B(OFFICER), 200),
    R("POST", "/api/v1/invest/leads/{lead}/stage", STAGE("signed"), B(OFFICER), 409, .code = "invalid_stage"),
    R("POST", "/api/v1/invest/leads/{lead}/shares", SHARE("350112"), B(ANON), 401),
    R("POST", "/api/v1/invest/leads/{lead}/shares", SHARE("350112"), NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/leads/{lead}/shares", SHARE("350112"), INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/leads/{lead_cl}/shares", SHARE("350105"), B(OFFICER), 403, .code = "lead_not_yours"),
    R("POST", "/api/v1/invest/leads/{lead_city}/shares", SHARE("350112"), B(OFFICER), 403,
      .code = "lead_not_yours"), /* the city's lead: 晋安 reads it, the city's side shares it */
    R("POST", "/api/v1/invest/leads/{lead}/shares", SHARE("350112"), B(OFFICER), 201),
    R("POST", "/api/v1/invest/leads/{lead}/shares", SHARE("350112"), B(OFFICER), 409, .code = "already_shared"),
    R("POST", "/api/v1/invest/leads/{lead}/transfers", OFFER("350105"), B(ANON), 401),
    R("POST", "/api/v1/invest/leads/{lead}/transfers", OFFER("350105"), NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/leads/{lead}/transfers", OFFER("350105"), INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/leads/{lead_cl}/transfers", OFFER("350105"), B(OFFICER), 403, .code = "lead_not_yours"),
    R("POST", "/api/v1/invest/leads/{lead_city}/transfers", OFFER("350112"), B(OFFICER), 403, .code = "lead_not_yours"),
    R("POST", "/api/v1/invest/leads/{lead}/transfers", OFFER("350105"), B(OFFICER), 201),
    R("POST", "/api/v1/invest/leads/{lead}/transfers", OFFER("350105"), B(OFFICER), 409, .code = "transfer_pending"),
    R("GET", "/api/v1/invest/transfers", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/transfers", NULL, INVEST_WRITE, 200),
    R("GET", "/api/v1/invest/transfers", NULL, NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/transfers", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/transfers/{transfer}/accept", NULL, B(ANON), 401),
    R("POST", "/api/v1/invest/transfers/{transfer}/accept", NULL, NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/transfers/{transfer}/accept", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/transfers/{transfer_up}/accept", NULL, B(OFFICER), 403,
      .code = "not_offered_to_you"), /* offered to the city: a district below it does not answer for it */
    R("POST", "/api/v1/invest/transfers/{transfer_up}/decline", NULL, B(OFFICER), 403, .code = "not_offered_to_you"),
    R("POST", "/api/v1/invest/transfers/{transfer}/accept", NULL, B(OFFICER), 200),
    R("POST", "/api/v1/invest/transfers/{transfer}/accept", NULL, B(OFFICER), 409, .code = "transfer_closed"),
    R("POST", "/api/v1/invest/transfers/{transfer_d}/decline", NULL, B(ANON), 401),
    R("POST", "/api/v1/invest/transfers/{transfer_d}/decline", NULL, NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/transfers/{transfer_d}/decline", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/transfers/{transfer_d}/decline", NULL, B(OFFICER), 200),
    R("POST", "/api/v1/invest/transfers/{transfer_d}/decline", NULL, B(OFFICER), 409, .code = "transfer_closed"),
    R("POST", "/api/v1/invest/transfers/{transfer_w}/withdraw", NULL, B(ANON), 401),
    R("POST", "/api/v1/invest/transfers/{transfer_w}/withdraw", NULL, NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/transfers/{transfer_w}/withdraw", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/transfers/{transfer_w}/withdraw", NULL, B(OFFICER), 200),
    R("POST", "/api/v1/invest/transfers/{transfer_w}/withdraw", NULL, B(OFFICER), 409, .code = "transfer_closed"),
    R("POST", "/api/v1/invest/leads/{lead}/project", LEAD_PROJECT("2021-350111-39-03-000301"), B(ANON), 401),
    R("POST", "/api/v1/invest/leads/{lead}/project", LEAD_PROJECT("2021-350111-39-03-000301"), NOT_INVEST_WRITE, 403,
      .code = "forbidden"),
    R("POST", "/api/v1/invest/leads/{lead}/project", LEAD_PROJECT("2021-350111-39-03-000301"), INVEST_NO_DUTY, 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/invest/leads/{lead_cl}/project", LEAD_PROJECT("2021-350111-39-03-000301"), B(OFFICER), 403,
      .code = "lead_not_yours"),
    R("POST", "/api/v1/invest/leads/{lead}/project", LEAD_PROJECT("2021-350111-39-03-000301"), B(OFFICER), 201),
    R("POST", "/api/v1/invest/leads/{lead}/project", LEAD_PROJECT("2021-350111-39-03-000302"), B(OFFICER), 409,
      .code = "already_project"),
    /* One-to-one service and visits: enterprises on the caller's branch. */
    R("POST", "/api/v1/invest/key-enterprises", KEY_FIRM("{ent}"), B(ANON), 401),
    R("POST", "/api/v1/invest/key-enterprises", KEY_FIRM("{ent}"), NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/key-enterprises", KEY_FIRM("{ent}"), INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/key-enterprises", KEY_FIRM("{ent_cl}"), B(OFFICER), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/invest/key-enterprises", "{\"enterprise\":{ent},\"officer\":\"t-cl\"}", INVEST_WRITE, 403,
      .code = "out_of_scope"), /* 长乐's officer for 晋安's enterprise */
    R("POST", "/api/v1/invest/key-enterprises", KEY_FIRM("{ent}"), INVEST_WRITE, 200),
    R("GET", "/api/v1/invest/key-enterprises", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/key-enterprises?mine=1", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/key-enterprises", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/key-enterprises", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/visits", VISIT("{ent}"), B(ANON), 401),
    R("POST", "/api/v1/invest/visits", VISIT("{ent}"), NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/visits", VISIT("{ent}"), INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/visits", VISIT("{ent_cl}"), B(OFFICER), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/invest/visits", VISIT("{ent}"), INVEST_WRITE, 201),
    R("GET", "/api/v1/invest/visits", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/visits", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/visits", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/visits", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    /* Signing: signers and ceremonies by officers; the ceremony's host on the caller's branch. */
    R("POST", "/api/v1/invest/signers", SIGNER, B(ANON), 401),
    R("POST", "/api/v1/invest/signers", SIGNER, NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/signers", SIGNER, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/signers", SIGNER, INVEST_WRITE, 201),
    R("GET", "/api/v1/invest/signers", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/signers", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/signers", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/signers", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/ceremonies", CEREMONY("350112"), B(ANON), 401),
    R("POST", "/api/v1/invest/ceremonies", CEREMONY("350112"), NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/ceremonies", CEREMONY("350112"), INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/ceremonies", CEREMONY("350112"), B(OFFICER), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/invest/ceremonies", CEREMONY("350111"), INVEST_WRITE, 201),
    R("GET", "/api/v1/invest/ceremonies", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/ceremonies", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/ceremonies", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/ceremonies", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/invest/ceremonies/{ceremony}", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/ceremonies/{ceremony}", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/ceremonies/{ceremony}", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/invest/ceremonies/{ceremony}", NULL, B(LEADER_CL), 404, .code = "unknown_ceremony"),
    R("GET", "/api/v1/invest/ceremonies/{ceremony}", NULL, B(LEADER) | B(OFFICER), 200),
    R("POST", "/api/v1/invest/ceremonies/{ceremony}/agreements", AGREEMENT, B(ANON), 401),
    R("POST", "/api/v1/invest/ceremonies/{ceremony}/agreements", AGREEMENT, NOT_INVEST_WRITE, 403, .code = "forbidden"),
    R("POST", "/api/v1/invest/ceremonies/{ceremony}/agreements", AGREEMENT, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/invest/ceremonies/{ceremony}/agreements", AGREEMENT, INVEST_WRITE, 201),
    R("GET", "/api/v1/invest/agreements/{agreement}/document", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/agreements/{agreement}/document", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/agreements/{agreement}/document", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/invest/agreements/{agreement}/document", NULL, B(LEADER_CL), 404, .code = "unknown_agreement"),
    R("GET", "/api/v1/invest/agreements/{agreement}/document", NULL, B(LEADER) | B(OFFICER), 200),
    R("GET", "/api/v1/invest/agreements/{agreement}/export", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/agreements/{agreement}/export", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/agreements/{agreement}/export", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/invest/agreements/{agreement}/export", NULL, B(LEADER_CL), 404, .code = "unknown_agreement"),
    R("GET", "/api/v1/invest/agreements/{agreement}/export", NULL, B(LEADER) | B(OFFICER), 200),
    /* Remote signing and verification are public: the signature, or the document's hash, is the credential. */
    R("POST", "/api/v1/public/agreements/{agreement}/signatures", FORGED, EVERYONE, 422, .code = "bad_signature"),
    R("POST", "/api/v1/public/agreements/{agreement}/signatures", SIGNED_BY_A, B(ANON), 201),
    R("POST", "/api/v1/public/agreements/{agreement}/signatures", SIGNED_BY_A, SIGNED_IN, 409,
      .code = "already_signed"),
    R("GET", "/api/v1/public/agreements/{agreement}/verification?sha256={agreement_sha}", NULL, EVERYONE, 200),
    R("GET",
      "/api/v1/public/agreements/{agreement}/verification?sha256=0000000000000000000000000000000000000000000000"
      "000000000000000000",
      NULL, EVERYONE, 404, .code = "not_found"),
    R("GET", "/api/v1/invest/districts", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/districts", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/districts", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/districts", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/invest/stats", NULL, B(ANON), 401),
    R("GET", "/api/v1/invest/stats", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/stats?table=funnel&format=csv", NULL, INVEST_READ, 200),
    R("GET", "/api/v1/invest/stats", NULL, NOT_INVEST_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/invest/stats", NULL, INVEST_NO_DUTY, 403, .code = "wrong_duty"),

    /* ---- live events: any caller of the business, each seeing its own scope ---- */
    R("GET", "/api/v1/events", NULL, B(ANON), 401),
    R("GET", "/api/v1/events", NULL, SIGNED_IN & ~OVERSIGHT, 200),
    R("GET", "/api/v1/events", NULL, OVERSIGHT, 403, .code = "forbidden"),

    /* ---- vouchers: the channel API (signed channel keys only), on the channel's own rounds and vouchers ---- */
    R("POST", "/api/v1/vouchers/claims", CLAIM("{round}", "{kind}", "p-anon"), B(ANON), 401),
    R("POST", "/api/v1/vouchers/claims", CLAIM("{round}", "{kind}", "p-{me}"), USERS, 403, .code = "forbidden"),
    R("POST", "/api/v1/vouchers/claims", CLAIM("{round_other}", "{kind_other}", "p-{me}"), B(CHANNEL), 403,
      .code = "foreign_round"), /* offered through another channel only */
    R("POST", "/api/v1/vouchers/claims", CLAIM("{round}", "{kind}", "p-{me}"), B(CHANNEL), 201),
    R("GET", "/api/v1/vouchers/{voucher}", NULL, B(ANON), 401),
    R("GET", "/api/v1/vouchers/{voucher}", NULL, USERS, 403, .code = "forbidden"),
    R("GET", "/api/v1/vouchers/{voucher}", NULL, B(CHANNEL), 200),
    R("GET", "/api/v1/vouchers/{voucher_other}", NULL, B(CHANNEL), 404, .code = "unknown_voucher"),
    R("POST", "/api/v1/vouchers/redemptions", REDEEM("{voucher}", "o-anon"), B(ANON), 401),
    R("POST", "/api/v1/vouchers/redemptions", REDEEM("{voucher}", "o-{me}"), USERS, 403, .code = "forbidden"),
    R("POST", "/api/v1/vouchers/redemptions", REDEEM("{voucher_other}", "o-{me}-1"), B(CHANNEL), 403,
      .code = "foreign_voucher"),
    R("POST", "/api/v1/vouchers/redemptions", REDEEM("{voucher}", "o-{me}-2"), B(CHANNEL), 201),
    R("POST", "/api/v1/vouchers/redemptions/{redemption}/reversal", NULL, B(ANON), 401),
    R("POST", "/api/v1/vouchers/redemptions/{redemption}/reversal", NULL, USERS, 403, .code = "forbidden"),
    R("POST", "/api/v1/vouchers/redemptions/{redemption_other}/reversal", NULL, B(CHANNEL), 404, .code = "not_found"),
    R("POST", "/api/v1/vouchers/redemptions/{redemption}/reversal", NULL, B(CHANNEL), 200),

    /*
    ** ---- refunds: the human resources bureaus (duty "refunds"), leaders read ----
    ** {rpolicy} is the city bureau's policy, {rbatch} its first batch (setup(), as HR).  Department staff of a
    ** bureau without the duty (发改委) get 403 wrong_duty; other roles 403 forbidden; administrators hold no duty.
    */
    R("POST", "/api/v1/refunds/rolls/import", ROLLS, B(ANON), 401),
    R("POST", "/api/v1/refunds/rolls/import", ROLLS, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/rolls/import", ROLLS, B(DEPT), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/rolls/import", ROLLS, B(HR), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/refunds/rolls/import", ROLLS, B(HR) | B(HR_ADMIN), 200),
    R("POST", "/api/v1/refunds/lists/import", DEFAULT_LIST, B(ANON), 401),
    R("POST", "/api/v1/refunds/lists/import", DEFAULT_LIST, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/lists/import", DEFAULT_LIST, B(DEPT), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/lists/import", DEFAULT_LIST, B(HR) | B(HR_ADMIN), 200),
    R("GET", "/api/v1/refunds/imports", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/imports", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/imports", NULL, B(DEPT), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/imports", NULL, REFUND_READ, 200),
    R("GET", "/api/v1/refunds/policies", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/policies", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/policies", NULL, B(DEPT), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/policies", NULL, REFUND_READ, 200),
    R("POST", "/api/v1/refunds/policies", REFUND_POLICY, B(ANON), 401),
    R("POST", "/api/v1/refunds/policies", REFUND_POLICY, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/policies", REFUND_POLICY, B(DEPT), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies", REFUND_POLICY, B(HR), 403,
      .code = "not_duty_admin"), /* staff run, not edit */
    R("POST", "/api/v1/refunds/policies", REFUND_POLICY, B(HR_ADMIN), 201),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/versions", REFUND_EDIT, B(ANON), 401),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/versions", REFUND_EDIT, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/versions", REFUND_EDIT, B(DEPT), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/versions", REFUND_EDIT, B(HR), 403, .code = "not_duty_admin"),
    R("POST", "/api/v1/refunds/policies/999999/versions", REFUND_EDIT, B(HR), 403, .code = "not_duty_admin"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/versions", REFUND_EDIT, B(HR_ADMIN), 201),
    R("POST", "/api/v1/refunds/policies/999999/versions", REFUND_EDIT, B(HR_ADMIN), 404, .code = "unknown_policy"),
    R("GET", "/api/v1/refunds/policies/{rpolicy}/dry-run", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/policies/{rpolicy}/dry-run", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/policies/{rpolicy}/dry-run", NULL, B(DEPT), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/policies/{rpolicy}/dry-run?version=1", NULL, REFUND_READ, 200),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/batches", "{}", B(ANON), 401),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/batches", "{}", SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/batches", "{}", B(DEPT), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/batches", "{}", B(HR) | B(HR_ADMIN), 201),
    R("GET", "/api/v1/refunds/batches/{rbatch}/decisions", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/batches/{rbatch}/decisions", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/batches/{rbatch}/decisions", NULL, B(DEPT), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/batches/{rbatch}/decisions", NULL, REFUND_READ, 200),
    R("GET", "/api/v1/refunds/batches/999999/decisions", NULL, B(HR), 404, .code = "unknown_batch"),
    R("GET", "/api/v1/refunds/mine", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/mine", NULL, SIGNED_IN & ~B(ENTERPRISE), 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/mine", NULL, B(ENTERPRISE), 200),
    R("GET", "/api/v1/refunds/stats", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/stats", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/stats", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/stats?by=policy", NULL, REFUND_READ, 200),
    R("GET", "/api/v1/refunds/stats?policy={rpolicy}&format=xlsx", NULL, REFUND_READ, 200),
    /* ---- a refund batch's life (src/refunds/publicity.c, payments.c, accounts.c): the city's rbatch, run
    ** by HR (so never approved by HR: same_person); ids 999999 reach the handler and name nothing ---- */
    R("POST", "/api/v1/refunds/lists/import", ACCOUNTS_LIST, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/lists/import", ACCOUNTS_LIST, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/lists/import", ACCOUNTS_LIST, B(HR), 200),
    R("GET", "/api/v1/refunds/batches", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/batches", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/batches", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/batches", NULL, REFUND_READ, 200),
    R("GET", "/api/v1/refunds/batches/{rbatch}", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/batches/{rbatch}", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/batches/{rbatch}", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/batches/{rbatch}", NULL, REFUND_READ, 200),
    R("GET", "/api/v1/refunds/batches/999999", NULL, B(HR), 404, .code = "unknown_batch"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/approve", "{}", B(ANON), 401),
    R("POST", "/api/v1/refunds/batches/{rbatch}/approve", "{}", SIGNED_IN & ~(DEPTS | B(LEADER) | B(LEADER_CL)), 403,
      .code = "forbidden"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/approve", "{}", B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/approve", "{}", B(LEADER_CL), 403, .code = "out_of_scope"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/approve", "{}", B(HR), 403, .code = "same_person"),
    R("POST", "/api/v1/refunds/batches/{rbatch_p}/approve", "{}", B(LEADER), 409, .code = "wrong_state"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/publicity", PUBLICITY, B(ANON), 401),
    R("POST", "/api/v1/refunds/batches/{rbatch}/publicity", PUBLICITY, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/publicity", PUBLICITY, B(DEPT) | B(ZZB) | B(SWJ), 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/publicity", PUBLICITY, B(HR) | B(HR_ADMIN), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/publicity", PUBLICITY, B(HR) | B(HR_ADMIN), 409, .code = "wrong_state"),
    R("POST", "/api/v1/refunds/batches/{rbatch_p}/publicity", PUBLICITY, B(HR), 200),
    R("POST", "/api/v1/refunds/batches/{rbatch}/approve", "{}", B(LEADER) | B(HR_ADMIN), 409, .code = "publicity_open"),
    R("POST", "/api/v1/refunds/batches/{rbatch_b}/approve", "{}", B(LEADER), 200),
    R("POST", "/api/v1/refunds/batches/{rbatch_b}/approve", "{}", B(LEADER), 409, .code = "nothing_to_approve"),
    R("GET", "/api/v1/public/refunds/publicity", NULL, EVERYONE, 200),
    R("POST", "/api/v1/public/refunds/objections", OBJECTION, EVERYONE, 404, .code = "unknown_decision"),
    /* Ten objections an hour from an address (setup() lodged one): the first nine callers, then 429. */
    R("POST", "/api/v1/public/refunds/objections", OBJECT_TO_PUB, B(HR) * 2 - 1, 201),
    R("POST", "/api/v1/public/refunds/objections", OBJECT_TO_PUB, EVERYONE & ~(B(HR) * 2 - 1), 429,
      .code = "too_many_objections"),
    R("GET", "/api/v1/refunds/objections", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/objections", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/objections", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/objections?state=open", NULL, REFUND_READ, 200),
    R("POST", "/api/v1/refunds/objections/999999/resolve", RESOLVE, B(ANON), 401),
    R("POST", "/api/v1/refunds/objections/999999/resolve", RESOLVE, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/objections/999999/resolve", RESOLVE, B(DEPT) | B(ZZB) | B(SWJ), 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/objections/999999/resolve", RESOLVE, B(HR) | B(HR_ADMIN), 404,
      .code = "unknown_objection"),
    R("POST", "/api/v1/refunds/objections/{robjection}/resolve", RESOLVE, B(HR), 200),
    R("POST", "/api/v1/refunds/batches/{rbatch}/payment-files", "{}", B(ANON), 401),
    R("POST", "/api/v1/refunds/batches/{rbatch}/payment-files", "{}", SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/payment-files", "{}", B(DEPT) | B(ZZB) | B(SWJ), 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/payment-files", PAYER, B(HR) | B(HR_ADMIN), 409, .code = "wrong_state"),
    R("POST", "/api/v1/refunds/batches/{rbatch_b}/payment-files", PAYER, B(HR), 201),
    R("GET", "/api/v1/refunds/payment-files", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/payment-files", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/payment-files", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/payment-files", NULL, REFUND_READ, 200),
    R("GET", "/api/v1/refunds/payment-files/999999", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/payment-files/999999", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/payment-files/999999", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/payment-files/999999?format=csv", NULL, REFUND_READ, 404, .code = "unknown_payment_file"),
    R("GET", "/api/v1/refunds/payment-files/{rfile}", NULL, REFUND_READ, 200),
    R("GET", "/api/v1/refunds/payment-files/{rfile}?format=csv", NULL, REFUND_READ, 200),
    R("POST", "/api/v1/refunds/payment-files/999999/returns", RETURNS, B(ANON), 401),
    R("POST", "/api/v1/refunds/payment-files/999999/returns", RETURNS, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/payment-files/999999/returns", RETURNS, B(DEPT) | B(ZZB) | B(SWJ), 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/payment-files/999999/returns", RETURNS, B(HR) | B(HR_ADMIN), 404,
      .code = "unknown_payment_file"),
    R("POST", "/api/v1/refunds/payment-files/{rfile}/returns", RETURN_FAILED, B(HR), 200), /* again: nothing changes */
    R("POST", "/api/v1/refunds/payments/999999/resend", RESEND, B(ANON), 401),
    R("POST", "/api/v1/refunds/payments/999999/resend", RESEND, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/payments/999999/resend", RESEND, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/payments/999999/resend", RESEND, B(HR) | B(HR_ADMIN), 404, .code = "unknown_payment"),
    R("POST", "/api/v1/refunds/payments/{rpayment}/resend", RESEND, B(HR), 201),
    R("POST", "/api/v1/refunds/decisions/999999/recovery", RECOVERY, B(ANON), 401),
    R("POST", "/api/v1/refunds/decisions/999999/recovery", RECOVERY, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/decisions/999999/recovery", RECOVERY, B(DEPT) | B(ZZB) | B(SWJ), 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/decisions/999999/recovery", RECOVERY, B(HR) | B(HR_ADMIN), 404,
      .code = "unknown_decision"),
    R("POST", "/api/v1/refunds/decisions/{rpaid}/recovery", RECOVERY, B(HR), 201),
    R("GET", "/api/v1/refunds/recoveries", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/recoveries", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/recoveries", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/recoveries", NULL, REFUND_READ, 200),
    R("POST", "/api/v1/refunds/recoveries/999999", RECOVERED, B(ANON), 401),
    R("POST", "/api/v1/refunds/recoveries/999999", RECOVERED, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/recoveries/999999", RECOVERED, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/recoveries/999999", RECOVERED, B(HR) | B(HR_ADMIN), 404, .code = "unknown_recovery"),
    R("POST", "/api/v1/refunds/recoveries/{rrecovery}", RECOVERED, B(HR), 200),
    R("PUT", "/api/v1/refunds/mine/bank-account", BANK_ACCOUNT, B(ANON), 401),
    R("PUT", "/api/v1/refunds/mine/bank-account", BANK_ACCOUNT, SIGNED_IN & ~B(ENTERPRISE), 403, .code = "forbidden"),
    R("PUT", "/api/v1/refunds/mine/bank-account", OTHERS_ACCOUNT, B(ENTERPRISE), 403, .code = "not_your_enterprise"),
    R("PUT", "/api/v1/refunds/mine/bank-account", BANK_ACCOUNT, B(ENTERPRISE), 202),
    R("GET", "/api/v1/refunds/bank-account-changes", NULL, B(ANON), 401),
    R("GET", "/api/v1/refunds/bank-account-changes", NULL, NOT_REFUND_ROLE, 403, .code = "forbidden"),
    R("GET", "/api/v1/refunds/bank-account-changes", NULL, B(DEPT) | B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/bank-account-changes?state=pending", NULL, REFUND_READ, 200),
    R("POST", "/api/v1/refunds/bank-account-changes/999999", ACCEPT, B(ANON), 401),
    R("POST", "/api/v1/refunds/bank-account-changes/999999", ACCEPT, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/refunds/bank-account-changes/999999", ACCEPT, B(DEPT) | B(ZZB) | B(SWJ), 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/bank-account-changes/999999", ACCEPT, B(HR) | B(HR_ADMIN), 404,
      .code = "unknown_change"),
    R("POST", "/api/v1/refunds/bank-account-changes/{rchange}", ACCEPT, B(HR), 200),
    R("GET", "/api/v1/notices", NULL, B(ANON), 401),
    R("GET", "/api/v1/notices", NULL, SIGNED_IN, 200),
    R("POST", "/api/v1/notices/999999/read", NULL, B(ANON), 401),
    R("POST", "/api/v1/notices/999999/read", NULL, SIGNED_IN, 404, .code = "unknown_notice"),
    R("POST", "/api/v1/notices/{rnotice}/read", NULL, SIGNED_IN & ~B(ENTERPRISE), 404, .code = "unknown_notice"),
    R("POST", "/api/v1/notices/{rnotice}/read", NULL, B(ENTERPRISE), 200),

    /* The organisation department holds no refunds duty. */
    R("POST", "/api/v1/refunds/rolls/import", ROLLS, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/lists/import", DEFAULT_LIST, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/imports", NULL, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/policies", NULL, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies", REFUND_POLICY, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/versions", REFUND_EDIT, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/policies/{rpolicy}/dry-run", NULL, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/batches", "{}", B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/batches/{rbatch}/decisions", NULL, B(ZZB) | B(SWJ), 403, .code = "wrong_duty"),

    /* ---- cadres: the organisation department's (duty assessment); an official's file is theirs and its ---- */
    R("POST", "/api/v1/cadres/officials", OFFICIAL, B(ANON), 401),
    R("POST", "/api/v1/cadres/officials", OFFICIAL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("POST", "/api/v1/cadres/officials", OFFICIAL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/cadres/officials", OFFICIAL, B(ZZB), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/cadres/officials", OFFICIAL, B(ZZB), 201),
    R("POST", "/api/v1/cadres/officials/import", OFFICIALS_CSV, B(ANON), 401),
    R("POST", "/api/v1/cadres/officials/import", OFFICIALS_CSV, NOT_ASSESSING, 403, .code = "forbidden"),
    R("POST", "/api/v1/cadres/officials/import", OFFICIALS_CSV, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/cadres/officials/import", OFFICIALS_CSV, B(ZZB), 200),
    R("POST", "/api/v1/cadres/officials/import", OFFICIALS_CSV, B(ZZB), 422, .code = "bad_line"), /* the same again */
    R("GET", "/api/v1/cadres/officials", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/officials", NULL, NOT_ASSESSING, 403, .code = "forbidden"), /* leaders too */
    R("GET", "/api/v1/cadres/officials", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/officials", NULL, B(ZZB), 200),
    R("POST", "/api/v1/cadres/tasks", CTASK, B(ANON), 401),
    R("POST", "/api/v1/cadres/tasks", CTASK, NOT_ASSESSING, 403, .code = "forbidden"),
    R("POST", "/api/v1/cadres/tasks", CTASK, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/cadres/tasks", CTASK, B(ZZB), 201),
    R("GET", "/api/v1/cadres/tasks", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/tasks", NULL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("GET", "/api/v1/cadres/tasks", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/tasks", NULL, B(ZZB), 200),
    R("GET", "/api/v1/cadres/tasks/{ctask}", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/tasks/{ctask}", NULL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("GET", "/api/v1/cadres/tasks/{ctask}", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/tasks/{ctask}", NULL, B(ZZB), 200),
    R("GET", "/api/v1/cadres/tasks/999999", NULL, B(ZZB), 404, .code = "unknown_task"),
    /* The two-thirds figures: the department, and leaders by organisation (no names) within their scope. */
    R("GET", FRONTLINE("350111"), NULL, B(ANON), 401),
    R("GET", FRONTLINE("350111"), NULL, NOT_ASSESSING & ~B(LEADER) & ~B(LEADER_CL), 403, .code = "forbidden"),
    R("GET", FRONTLINE("350111"), NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", FRONTLINE("350111"), NULL, B(LEADER) | B(ZZB), 200),
    R("GET", FRONTLINE("350111"), NULL, B(LEADER_CL), 403, .code = "out_of_scope"),
    R("GET", FRONTLINE("350112"), NULL, B(LEADER) | B(LEADER_CL) | B(ZZB), 200),
    /* An official's file and frontline record: the official (ja-officer) and the department; every read audited. */
    R("GET", "/api/v1/cadres/officials/{official_own}", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/officials/{official_own}", NULL, SIGNED_IN & ~B(OFFICER) & ~B(ZZB), 403,
      .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/{official_own}", NULL, B(OFFICER) | B(ZZB), 200),
    R("GET", "/api/v1/cadres/officials/{official}", NULL, SIGNED_IN & ~B(ZZB), 403, .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/999999", NULL, B(ZZB), 404, .code = "unknown_official"),
    R("GET", "/api/v1/cadres/officials/{official_own}/frontline?from=2020-09-26&to=2020-10-11", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/officials/{official_own}/frontline?from=2020-09-26&to=2020-10-11", NULL,
      SIGNED_IN & ~B(OFFICER) & ~B(ZZB), 403, .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/{official_own}/frontline?from=2020-09-26&to=2020-10-11", NULL,
      B(OFFICER) | B(ZZB), 200),
    R("POST", "/api/v1/cadres/officials/{official_own}/entries", FENTRY, B(ANON), 401),
    R("POST", "/api/v1/cadres/officials/{official_own}/entries", FENTRY, SIGNED_IN & ~B(OFFICER) & ~B(ZZB), 403,
      .code = "not_your_file"),
    R("POST", "/api/v1/cadres/officials/{official_own}/entries", FENTRY, B(OFFICER), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("POST", "/api/v1/cadres/officials/{official_own}/entries", FENTRY, B(OFFICER) | B(ZZB), 201),
    R("POST", "/api/v1/cadres/officials/{official}/entries", FENTRY, B(OFFICER), 403, .code = "not_your_file"),
    /* Confirming: the task's owner (city-agent) or the department, never whoever entered it; once. */
    R("GET", "/api/v1/cadres/entries/pending", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/entries/pending", NULL, SIGNED_IN, 200),
    R("POST", "/api/v1/cadres/entries/{fentry}/confirm", NULL, B(ANON), 401),
    R("POST", "/api/v1/cadres/entries/{fentry}/confirm", NULL, SIGNED_IN & ~B(AGENT) & ~B(ZZB), 403,
      .code = "not_confirmer"),
    R("POST", "/api/v1/cadres/entries/{fentry}/confirm", NULL, B(ZZB), 403, .code = "own_entry"), /* it entered it */
    R("POST", "/api/v1/cadres/entries/{fentry}/confirm", NULL, B(AGENT), 200),
    R("POST", "/api/v1/cadres/entries/{fentry}/confirm", NULL, B(AGENT), 409, .code = "already_confirmed"),
    /* What follows an assessment: the department's, except an official's own outcomes and care. */
    R("GET", "/api/v1/cadres/outcome-items", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/outcome-items", NULL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("GET", "/api/v1/cadres/outcome-items", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/outcome-items", NULL, B(ZZB), 200),
    R("POST", OUTCOMES, OUTCOME("{fassessment}"), B(ANON), 401),
    R("POST", OUTCOMES, OUTCOME("{fassessment}"), NOT_ASSESSING, 403, .code = "forbidden"),
    R("POST", OUTCOMES, OUTCOME("{fassessment}"), OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("POST", OUTCOMES, OUTCOME("{fassessment}"), B(ZZB), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", OUTCOMES, OUTCOME("{fassessment}"), B(ZZB), 201),
    R("POST", OUTCOMES, OUTCOME("{dassessment}"), B(ZZB), 409, .code = "assessment_not_final"),
    R("GET", "/api/v1/cadres/outcomes", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/outcomes", NULL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("GET", "/api/v1/cadres/outcomes", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/outcomes", NULL, B(ZZB), 200),
    R("GET", "/api/v1/cadres/outcomes?format=xlsx", NULL, B(ZZB), 200),
    R("GET", "/api/v1/cadres/outcomes?format=csv", NULL, B(ZZB), 422, .code = "xlsx_only"),
    R("GET", "/api/v1/cadres/reserve/candidates?min=1", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/reserve/candidates?min=1", NULL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("GET", "/api/v1/cadres/reserve/candidates?min=1", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/reserve/candidates?min=1", NULL, B(ZZB), 200),
    R("POST", "/api/v1/cadres/reserve", RESERVE, B(ANON), 401),
    R("POST", "/api/v1/cadres/reserve", RESERVE, NOT_ASSESSING, 403, .code = "forbidden"),
    R("POST", "/api/v1/cadres/reserve", RESERVE, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/cadres/reserve", RESERVE, B(ZZB), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/cadres/reserve", RESERVE, B(ZZB), 201),
    R("POST", "/api/v1/cadres/reserve", RESERVE, B(ZZB), 409, .code = "already_in_pool"),
    R("POST", "/api/v1/cadres/reserve/{cstay}/leave", "{\"reason\":\"调任\"}", B(ANON), 401),
    R("POST", "/api/v1/cadres/reserve/{cstay}/leave", "{\"reason\":\"调任\"}", NOT_ASSESSING, 403, .code = "forbidden"),
    R("POST", "/api/v1/cadres/reserve/{cstay}/leave", "{\"reason\":\"调任\"}", OTHER_BUREAUS, 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/cadres/reserve/{cstay}/leave", "{\"reason\":\"调任\"}", B(ZZB), 200),
    R("POST", "/api/v1/cadres/reserve/{cstay}/leave", "{\"reason\":\"调任\"}", B(ZZB), 409, .code = "already_left"),
    R("POST", "/api/v1/cadres/reserve/999999/leave", "{\"reason\":\"调任\"}", B(ZZB), 404, .code = "unknown_stay"),
    R("GET", "/api/v1/cadres/reserve?state=all", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/reserve?state=all", NULL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("GET", "/api/v1/cadres/reserve?state=all", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/reserve?state=all", NULL, B(ZZB), 200),
    R("GET", "/api/v1/cadres/reserve?format=xlsx", NULL, B(ZZB), 200),
    R("GET", "/api/v1/cadres/reserve?format=csv", NULL, B(ZZB), 422, .code = "xlsx_only"),
    R("POST", OWN_CARE, CARE, B(ANON), 401),
    R("POST", OWN_CARE, CARE, NOT_ASSESSING, 403, .code = "forbidden"), /* the official too */
    R("POST", OWN_CARE, CARE, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("POST", OWN_CARE, CARE, B(ZZB), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", OWN_CARE, CARE, B(ZZB), 201),
    R("GET", "/api/v1/cadres/care", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/care", NULL, NOT_ASSESSING, 403, .code = "forbidden"),
    R("GET", "/api/v1/cadres/care", NULL, OTHER_BUREAUS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/cadres/care", NULL, B(ZZB), 200),
    R("GET", OWN_CARE, NULL, B(ANON), 401),
    R("GET", OWN_CARE, NULL, SIGNED_IN & ~B(OFFICER) & ~B(ZZB), 403, .code = "not_your_file"),
    R("GET", OWN_CARE, NULL, B(OFFICER) | B(ZZB), 200),
    R("GET", "/api/v1/cadres/officials/{official}/care", NULL, SIGNED_IN & ~B(ZZB), 403, .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/999999/care", NULL, B(ZZB), 404, .code = "unknown_official"),
    R("GET", OUTCOMES, NULL, B(ANON), 401),
    R("GET", OUTCOMES, NULL, SIGNED_IN & ~B(OFFICER) & ~B(ZZB), 403, .code = "not_your_file"),
    R("GET", OUTCOMES, NULL, B(OFFICER) | B(ZZB), 200),
    R("GET", "/api/v1/cadres/officials/{official}/outcomes", NULL, SIGNED_IN & ~B(ZZB), 403, .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/999999/outcomes", NULL, B(ZZB), 404, .code = "unknown_official"),
    /* Assessment groups and their evidence: the department alone (leaders, administrators, enterprises and other
    ** departments refused); evidence recorded by the group's members (ZZB); an official's evidence theirs and its. */
    ASSESSMENT_ROWS("POST", "/api/v1/cadres/groups", AGROUP, 201),
    R("POST", "/api/v1/cadres/groups", AGROUP, B(ZZB), 403, .flags = NO_CSRF, .code = "csrf"),
    ASSESSMENT_ROWS("GET", "/api/v1/cadres/groups", NULL, 200),
    ASSESSMENT_ROWS("GET", "/api/v1/cadres/groups/{agroup}", NULL, 200),
    R("GET", "/api/v1/cadres/groups/999999", NULL, B(ZZB), 404, .code = "unknown_group"),
    ASSESSMENT_ROWS("POST", "/api/v1/cadres/groups/{agroup}/sittings", SITTING, 201),
    ASSESSMENT_ROWS("GET", "/api/v1/cadres/groups/{agroup}/sittings", NULL, 200),
    ASSESSMENT_ROWS("POST", "/api/v1/cadres/groups/{agroup}/visits", AVISIT, 201),
    ASSESSMENT_ROWS("GET", "/api/v1/cadres/groups/{agroup}/visits", NULL, 200),
    ASSESSMENT_ROWS("POST", "/api/v1/cadres/visits/{avisit}/close", NULL, 200),
    R("POST", "/api/v1/cadres/visits/{avisit}/close", NULL, B(ZZB), 409, .code = "already_closed"),
    ASSESSMENT_ROWS("PUT", "/api/v1/cadres/groups/{agroup}/judgements/{official_own}", JUDGEMENT, 200),
    ASSESSMENT_ROWS("GET", "/api/v1/cadres/groups/{agroup}/judgements", NULL, 200),
    ASSESSMENT_ROWS("GET", "/api/v1/cadres/groups/{agroup}/tracking", NULL, 200),
    ASSESSMENT_ROWS("GET", "/api/v1/cadres/groups/{agroup}/milestones", NULL, 200),
    R("GET", "/api/v1/cadres/officials/{official_own}/evidence", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/officials/{official_own}/evidence", NULL, SIGNED_IN & ~B(OFFICER) & ~B(ZZB), 403,
      .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/{official_own}/evidence", NULL, B(OFFICER) | B(ZZB), 200),
    R("GET", "/api/v1/cadres/officials/{official}/evidence", NULL, SIGNED_IN & ~B(ZZB), 403, .code = "not_your_file"),

    /* ---- assessments: the department's; the 360 survey its raters'; objections anyone's; one's own results ---- */
    ASSESSOR_ROWS("POST", "/api/v1/cadres/schemes", SCHEME, 201),
    R("POST", "/api/v1/cadres/schemes", SCHEME, B(ZZB), 403, .flags = NO_CSRF, .code = "csrf"),
    ASSESSOR_ROWS("GET", "/api/v1/cadres/schemes", NULL, 200),
    ASSESSOR_ROWS("GET", "/api/v1/cadres/schemes/{scheme}", NULL, 200),
    R("GET", "/api/v1/cadres/schemes/999999", NULL, B(ZZB), 404, .code = "unknown_scheme"),
    ASSESSOR_ROWS("POST", "/api/v1/cadres/assessments", ASSESS, 201),
    ASSESSOR_ROWS("GET", "/api/v1/cadres/assessments", NULL, 200),
    ASSESSOR_ROWS("GET", ASSESSMENTS "{assess}", NULL, 200),
    R("GET", ASSESSMENTS "999999", NULL, B(ZZB), 404, .code = "unknown_assessment"),
    ASSESSOR_ROWS("POST", ASSESSMENTS "{assess}/raters", RATERS, 201),
    R("GET", "/api/v1/cadres/surveys/mine", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/surveys/mine", NULL, SIGNED_IN, 200),
    R("POST", ASSESSMENTS "{assess}/survey/{official_own}", SCORE, B(ANON), 401),
    R("POST", ASSESSMENTS "{assess}/survey/{official_own}", SCORE, SIGNED_IN & ~B(AGENT), 403, .code = "not_invited"),
    R("POST", ASSESSMENTS "{assess}/survey/{official_own}", SCORE, B(AGENT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", ASSESSMENTS "{assess}/survey/{official_own}", SCORE, B(AGENT), 201),
    R("POST", ASSESSMENTS "{assess}/survey/{official_own}", SCORE, B(AGENT), 409, .code = "already_answered"),
    ASSESSOR_ROWS("GET", ASSESSMENTS "{assess}/survey", NULL, 200),
    ASSESSOR_ROWS("POST", ASSESSMENTS "{assess}/compute", NULL, 200),
    ASSESSOR_ROWS("PUT", ASSESSMENTS "{assess}/scores/{official}/work", SCORE, 200),
    R("PUT", ASSESSMENTS "{assess}/scores/{official}/survey", SCORE, B(ZZB), 422, .code = "not_entered_item"),
    ASSESSOR_ROWS("GET", ASSESSMENTS "{assess}/scores", NULL, 200),
    ASSESSOR_ROWS("POST", ASSESSMENTS "{assess}/rank", NULL, 200),
    R("POST", ASSESSMENTS "{assess}/rank", NULL, B(ZZB), 409, .code = "wrong_state"), /* ranked already */
    ASSESSOR_ROWS("GET", ASSESSMENTS "{assess}/results", NULL, 200),
    ASSESSOR_ROWS("GET", ASSESSMENTS "{assess}/results?format=xlsx", NULL, 200),
    R("GET", ASSESSMENTS "{assess}/results?format=csv", NULL, B(ZZB), 422, .code = "xlsx_only"),
    ASSESSOR_ROWS("POST", ASSESSMENTS "{assess}/publicise", "{\"days\":5}", 200),
    ASSESSOR_ROWS("POST", ASSESSMENTS "{assess_done}/finalise", NULL, 200),
    R("POST", ASSESSMENTS "{assess_pub}/finalise", NULL, B(ZZB), 409, .code = "publicity_open"),
    R("POST", ASSESSMENTS "{assess_pub}/objections", OBJECT_TO, B(ANON), 401),
    R("POST", ASSESSMENTS "{assess_pub}/objections", OBJECT_TO, B(CHANNEL), 403, .code = "forbidden"),
    R("POST", ASSESSMENTS "{assess_pub}/objections", OBJECT_TO, USERS, 201),
    R("POST", ASSESSMENTS "{assess}/objections", OBJECT_TO, B(OFFICER), 409, .code = "not_in_publicity"),
    ASSESSOR_ROWS("GET", ASSESSMENTS "{assess_pub}/objections", NULL, 200),
    ASSESSOR_ROWS("POST", "/api/v1/cadres/objections/{aobjection}/resolve", RESOLVE, 200),
    R("POST", "/api/v1/cadres/objections/{aobjection}/resolve", RESOLVE, B(ZZB), 409, .code = "wrong_state"),
    R("GET", "/api/v1/cadres/officials/{official_own}/assessments", NULL, B(ANON), 401),
    R("GET", "/api/v1/cadres/officials/{official_own}/assessments", NULL, SIGNED_IN & ~B(OFFICER) & ~B(ZZB), 403,
      .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/{official_own}/assessments", NULL, B(OFFICER) | B(ZZB), 200),
    R("GET", "/api/v1/cadres/officials/{official}/assessments", NULL, SIGNED_IN & ~B(ZZB), 403,
      .code = "not_your_file"),
    R("GET", "/api/v1/cadres/officials/999999/assessments", NULL, B(ZZB), 404, .code = "unknown_official"),

    /* ---- supplies: the store (duty supplies) runs it, a site's members their own site, leaders read ---- */
    R("GET", "/api/v1/supplies/items", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/items", NULL, SUPPLY_ROLES, 200),
    R("GET", "/api/v1/supplies/items", NULL, NOT_SUPPLY, 403),
    R("POST", "/api/v1/supplies/items",
      "{\"code\":\"matrix_item\",\"name\":\"口罩\",\"unit\":\"只\",\"category\":\"protection\"}", B(ANON), 401),
    R("POST", "/api/v1/supplies/items",
      "{\"code\":\"matrix_item\",\"name\":\"口罩\",\"unit\":\"只\",\"category\":\"protection\"}", NOT_STORE, 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/supplies/items",
      "{\"code\":\"matrix_item\",\"name\":\"口罩\",\"unit\":\"只\",\"category\":\"protection\"}", SIGNED_IN & ~DEPTS,
      403),
    R("POST", "/api/v1/supplies/items",
      "{\"code\":\"matrix_item\",\"name\":\"口罩\",\"unit\":\"只\",\"category\":\"protection\"}", B(DEPT), 201),
    R("GET", "/api/v1/supplies/settings", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/settings", NULL, SUPPLY_ROLES, 200),
    R("GET", "/api/v1/supplies/settings", NULL, NOT_SUPPLY, 403),
    R("PUT", "/api/v1/supplies/settings", "{\"red_days\":3}", B(ANON), 401),
    R("PUT", "/api/v1/supplies/settings", "{\"red_days\":3}", NOT_STORE, 403, .code = "wrong_duty"),
    R("PUT", "/api/v1/supplies/settings", "{\"red_days\":3}", SIGNED_IN & ~DEPTS, 403),
    R("PUT", "/api/v1/supplies/settings", "{\"red_days\":3}", B(DEPT), 403, .flags = NO_CSRF, .code = "csrf"),
    R("PUT", "/api/v1/supplies/settings", "{\"red_days\":3}", B(DEPT), 200),
    R("POST", "/api/v1/supplies/sites", SUPPLY_SITE, B(ANON), 401),
    R("POST", "/api/v1/supplies/sites", SUPPLY_SITE, NOT_STORE, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/supplies/sites", SUPPLY_SITE, SIGNED_IN & ~DEPTS, 403),
    R("POST", "/api/v1/supplies/sites", SUPPLY_SITE, B(DEPT), 201),
    R("GET", "/api/v1/supplies/sites", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/sites", NULL, SUPPLY_ROLES, 200),
    R("GET", "/api/v1/supplies/sites", NULL, NOT_SUPPLY, 403),
    R("GET", "/api/v1/supplies/sites/{ssite}", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/sites/{ssite}", NULL, SITE_READ, 200),
    R("GET", "/api/v1/supplies/sites/{ssite}", NULL, SUPPLY_ROLES & ~SITE_READ, 403, .code = "out_of_scope"),
    R("GET", "/api/v1/supplies/sites/{ssite}", NULL, NOT_SUPPLY, 403),
    R("GET", "/api/v1/supplies/sites/999999", NULL, B(DEPT) | B(OFFICER), 404),
    R("GET", "/api/v1/supplies/sites/{ssite}/ledger", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/sites/{ssite}/ledger", NULL, SITE_READ, 200),
    R("GET", "/api/v1/supplies/sites/{ssite}/ledger", NULL, SUPPLY_ROLES & ~SITE_READ, 403, .code = "out_of_scope"),
    R("GET", "/api/v1/supplies/sites/{ssite}/ledger", NULL, NOT_SUPPLY, 403),
    R("POST", "/api/v1/supplies/sites/{ssite}/members", "{\"team\":\"medical\",\"name\":\"{me}\",\"post\":\"医生\"}",
      B(ANON), 401),
    R("POST", "/api/v1/supplies/sites/{ssite}/members", "{\"team\":\"medical\",\"name\":\"{me}\",\"post\":\"医生\"}",
      NOT_STORE, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/supplies/sites/{ssite}/members", "{\"team\":\"medical\",\"name\":\"{me}\",\"post\":\"医生\"}",
      SIGNED_IN & ~DEPTS, 403),
    R("POST", "/api/v1/supplies/sites/{ssite}/members", "{\"team\":\"medical\",\"name\":\"{me}\",\"post\":\"医生\"}",
      B(DEPT), 201),
    R("POST", "/api/v1/supplies/sites/{ssite}/occupancy", "{\"day\":\"{today}\",\"occupants\":50}", B(ANON), 401),
    R("POST", "/api/v1/supplies/sites/{ssite}/occupancy", "{\"day\":\"{today}\",\"occupants\":50}",
      B(AGENT) | B(OFFICER_X) | NOT_STORE, 403, .code = "out_of_scope"),
    R("POST", "/api/v1/supplies/sites/{ssite}/occupancy", "{\"day\":\"{today}\",\"occupants\":50}",
      NOT_SUPPLY | B(LEADER) | B(LEADER_CL), 403),
    R("POST", "/api/v1/supplies/sites/{ssite}/occupancy", "{\"day\":\"{today}\",\"occupants\":50}", SITE_ACT, 200),
    R("POST", "/api/v1/supplies/receipts", SUPPLY_RECEIPT("{sstore}", "purchase"), B(ANON), 401),
    R("POST", "/api/v1/supplies/receipts", SUPPLY_RECEIPT("{sstore}", "purchase"), NOT_STORE, 403,
      .code = "wrong_duty"),
    R("POST", "/api/v1/supplies/receipts", SUPPLY_RECEIPT("{sstore}", "purchase"), SIGNED_IN & ~DEPTS, 403),
    R("POST", "/api/v1/supplies/receipts", SUPPLY_RECEIPT("{sstore}", "purchase"), B(DEPT), 201),
    R("GET", "/api/v1/supplies/receipts/{sdonation}/certificate", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/receipts/{sdonation}/certificate", NULL, B(DEPT) | B(LEADER) | B(LEADER_CL), 200),
    R("GET", "/api/v1/supplies/receipts/{sdonation}/certificate", NULL, NOT_STORE, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/supplies/receipts/{sdonation}/certificate", NULL, SIGNED_IN & ~DEPTS & ~B(LEADER) & ~B(LEADER_CL),
      403),
    R("POST", "/api/v1/supplies/sites/{ssite}/issues", SUPPLY_ISSUE, B(ANON), 401),
    R("POST", "/api/v1/supplies/sites/{ssite}/issues", SUPPLY_ISSUE, B(AGENT) | B(OFFICER_X) | NOT_STORE, 403,
      .code = "out_of_scope"),
    R("POST", "/api/v1/supplies/sites/{ssite}/issues", SUPPLY_ISSUE, NOT_SUPPLY | B(LEADER) | B(LEADER_CL), 403),
    R("POST", "/api/v1/supplies/sites/{ssite}/issues", SUPPLY_ISSUE, SITE_ACT, 201),
    R("POST", "/api/v1/supplies/sites/{ssite}/consumption", SUPPLY_USED("{today}"), B(ANON), 401),
    R("POST", "/api/v1/supplies/sites/{ssite}/consumption", SUPPLY_USED("{today}"), B(AGENT) | B(OFFICER_X) | NOT_STORE,
      403, .code = "out_of_scope"),
    R("POST", "/api/v1/supplies/sites/{ssite}/consumption", SUPPLY_USED("{today}"),
      NOT_SUPPLY | B(LEADER) | B(LEADER_CL), 403),
    R("POST", "/api/v1/supplies/sites/{ssite}/consumption", SUPPLY_USED("{today}"), B(OFFICER), 201),
    R("POST", "/api/v1/supplies/sites/{ssite}/consumption", SUPPLY_USED("{today}"), B(DEPT), 409,
      .code = "already_reported"), /* one report a day: the store reports for the site the day before */
    R("POST", "/api/v1/supplies/sites/{ssite}/consumption", SUPPLY_USED("2020-02-10"), B(DEPT), 201),
    R("GET", "/api/v1/supplies/cover", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/cover", NULL, SUPPLY_ROLES, 200),
    R("GET", "/api/v1/supplies/cover", NULL, NOT_SUPPLY, 403),
    R("POST", "/api/v1/supplies/requests", SUPPLY_REQUEST, B(ANON), 401),
    R("POST", "/api/v1/supplies/requests", SUPPLY_REQUEST, B(AGENT) | B(OFFICER_X) | NOT_STORE, 403,
      .code = "out_of_scope"),
    R("POST", "/api/v1/supplies/requests", SUPPLY_REQUEST, NOT_SUPPLY | B(LEADER) | B(LEADER_CL), 403),
    R("POST", "/api/v1/supplies/requests", SUPPLY_REQUEST, SITE_ACT, 201),
    R("GET", "/api/v1/supplies/requests", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/requests", NULL, SUPPLY_ROLES, 200),
    R("GET", "/api/v1/supplies/requests", NULL, NOT_SUPPLY, 403),
    R("GET", "/api/v1/supplies/requests/{srequest}", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/requests/{srequest}", NULL, SITE_READ, 200),
    R("GET", "/api/v1/supplies/requests/{srequest}", NULL, SUPPLY_ROLES & ~SITE_READ, 403, .code = "out_of_scope"),
    R("GET", "/api/v1/supplies/requests/{srequest}", NULL, NOT_SUPPLY, 403),
    R("GET", "/api/v1/supplies/requests/999999", NULL, B(DEPT), 404),
    R("POST", "/api/v1/supplies/requests/{srequest}/fulfil", SUPPLY_SEND, B(ANON), 401),
    R("POST", "/api/v1/supplies/requests/{srequest}/fulfil", SUPPLY_SEND, NOT_STORE, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/supplies/requests/{srequest}/fulfil", SUPPLY_SEND, SIGNED_IN & ~DEPTS, 403),
    R("POST", "/api/v1/supplies/requests/{srequest}/fulfil", SUPPLY_SEND, B(DEPT), 201),
    R("POST", "/api/v1/supplies/transfers/{stransfer}/receive", NULL, B(ANON), 401),
    R("POST", "/api/v1/supplies/transfers/{stransfer}/receive", NULL, B(DEPT) | B(AGENT) | B(OFFICER_X) | NOT_STORE,
      403, .code = "out_of_scope"), /* only the receiving site confirms, not the store */
    R("POST", "/api/v1/supplies/transfers/{stransfer}/receive", NULL, NOT_SUPPLY | B(LEADER) | B(LEADER_CL), 403),
    R("POST", "/api/v1/supplies/transfers/{stransfer}/receive", NULL, B(OFFICER), 200),
    R("POST", "/api/v1/supplies/transfers/{stransfer}/receive", NULL, B(OFFICER), 409, .code = "already_received"),
    R("GET", "/api/v1/supplies/stats?by=district", NULL, B(ANON), 401),
    R("GET", "/api/v1/supplies/stats?by=district", NULL, B(DEPT) | B(LEADER) | B(LEADER_CL), 200),
    R("GET", "/api/v1/supplies/stats?by=district", NULL, NOT_STORE, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/supplies/stats?by=district", NULL, SIGNED_IN & ~DEPTS & ~B(LEADER) & ~B(LEADER_CL), 403),

    /* ---- indicators: the statistics bureaus' (duty statistics), in their area; leaders read ---- */
    R("GET", "/api/v1/indicators", NULL, B(ANON), 401),
    R("GET", "/api/v1/indicators", NULL, NOT_STATS_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/indicators", NULL, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/indicators", NULL, STATS_READ, 200),
    R("POST", "/api/v1/indicators", IND_DEFINE, B(ANON), 401),
    R("POST", "/api/v1/indicators", IND_DEFINE, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/indicators", IND_DEFINE, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/indicators", IND_DEFINE, B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("POST", "/api/v1/indicators", IND_DEFINE, B(TJJ), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/indicators", IND_DEFINE, B(TJJ), 201),
    R("PUT", "/api/v1/indicators/fai/values/350111/2020-09", IND_VALUE, B(ANON), 401),
    R("PUT", "/api/v1/indicators/fai/values/350111/2020-09", IND_VALUE, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("PUT", "/api/v1/indicators/fai/values/350111/2020-09", IND_VALUE, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("PUT", "/api/v1/indicators/fai/values/350111/2020-09", IND_VALUE, STATS, 403, .flags = NO_CSRF, .code = "csrf"),
    R("PUT", "/api/v1/indicators/fai/values/350111/2020-09", IND_VALUE, STATS, 200),
    R("PUT", "/api/v1/indicators/fai/values/350112/2020-09", IND_VALUE, B(TJJ_JA), 403, .code = "out_of_scope"),
    R("PUT", "/api/v1/indicators/fai/values/350200/2020-09", IND_VALUE, B(TJJ_JA), 403, .code = "out_of_scope"),
    R("PUT", "/api/v1/indicators/fai/values/350112/2020-09", IND_VALUE, B(TJJ), 200),
    R("POST", "/api/v1/indicators/values/import", IND_CSV, B(ANON), 401),
    R("POST", "/api/v1/indicators/values/import", IND_CSV, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/indicators/values/import", IND_CSV, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/indicators/values/import", IND_CSV, STATS, 200),
    R("POST", "/api/v1/indicators/values/import", IND_CSV_CL, B(TJJ_JA), 422, .code = "bad_line"), /* not 晋安's */
    R("GET", "/api/v1/indicators/values?unit=350111&period=2020-09", NULL, B(ANON), 401),
    R("GET", "/api/v1/indicators/values?unit=350111&period=2020-09", NULL, NOT_STATS_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/indicators/values?unit=350111&period=2020-09", NULL, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/indicators/values?unit=350111&period=2020-09", NULL, STATS | B(LEADER), 200),
    R("GET", "/api/v1/indicators/values?unit=350111&period=2020-09", NULL, B(LEADER_CL), 403, .code = "out_of_scope"),
    R("GET", "/api/v1/indicators/values?unit=350112&period=2020-09", NULL, B(TJJ) | B(LEADER) | B(LEADER_CL), 200),
    R("GET", "/api/v1/indicators/values?unit=350112&period=2020-09", NULL, B(TJJ_JA), 403, .code = "out_of_scope"),
    /* A month's life: 晋安's bureau submits 晋安's, the city's bureau 长乐's; the city's bureau decides. */
    R("POST", IND_MONTH("350111", "submit"), NULL, B(ANON), 401),
    R("POST", IND_MONTH("350111", "submit"), NULL, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", IND_MONTH("350111", "submit"), NULL, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("POST", IND_MONTH("350112", "submit"), NULL, B(TJJ_JA), 403, .code = "out_of_scope"),
    R("POST", IND_MONTH("350111", "submit"), NULL, B(TJJ_JA), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", IND_MONTH("350111", "submit"), NULL, B(TJJ_JA), 200),
    R("POST", IND_MONTH("350111", "submit"), NULL, B(TJJ), 409, .code = "already_submitted"),
    R("POST", IND_MONTH("350112", "submit"), NULL, B(TJJ), 200),
    R("PUT", "/api/v1/indicators/fai/values/350111/2020-09", IND_VALUE, STATS, 409, .code = "period_submitted"),
    R("POST", IND_MONTH("350111", "approve"), NULL, B(ANON), 401),
    R("POST", IND_MONTH("350111", "approve"), NULL, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", IND_MONTH("350111", "approve"), NULL, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("POST", IND_MONTH("350111", "approve"), NULL, B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("POST", IND_MONTH("350111", "approve"), NULL, B(TJJ), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", IND_MONTH("350111", "approve"), NULL, B(TJJ), 200),
    R("POST", IND_MONTH("350111", "approve"), NULL, B(TJJ), 409, .code = "not_submitted"),
    R("PUT", "/api/v1/indicators/fai/values/350111/2020-09", IND_VALUE, STATS, 409, .code = "period_approved"),
    R("POST", IND_MONTH("350112", "return"), "{\"reason\":\"口径不一致\"}", B(ANON), 401),
    R("POST", IND_MONTH("350112", "return"), "{\"reason\":\"口径不一致\"}", SIGNED_IN & ~DEPTS, 403,
      .code = "forbidden"),
    R("POST", IND_MONTH("350112", "return"), "{\"reason\":\"口径不一致\"}", NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("POST", IND_MONTH("350112", "return"), "{\"reason\":\"口径不一致\"}", B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("POST", IND_MONTH("350112", "return"), "{\"reason\":\"口径不一致\"}", B(TJJ), 200),
    R("POST", IND_MONTH("350111", "corrections"), IND_FIX, B(ANON), 401),
    R("POST", IND_MONTH("350111", "corrections"), IND_FIX, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", IND_MONTH("350111", "corrections"), IND_FIX, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("POST", IND_MONTH("350111", "corrections"), IND_FIX, B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("POST", IND_MONTH("350111", "corrections"), IND_FIX, B(TJJ), 200),
    R("POST", IND_MONTH("350112", "corrections"), IND_FIX, B(TJJ), 409, .code = "not_approved"),
    R("GET", "/api/v1/indicators/periods", NULL, B(ANON), 401),
    R("GET", "/api/v1/indicators/periods", NULL, NOT_STATS_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/indicators/periods", NULL, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/indicators/periods?state=approved", NULL, STATS_READ, 200),
    R("PUT", "/api/v1/indicators/fai/targets/350111/2020", IND_TARGET, B(ANON), 401),
    R("PUT", "/api/v1/indicators/fai/targets/350111/2020", IND_TARGET, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("PUT", "/api/v1/indicators/fai/targets/350111/2020", IND_TARGET, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("PUT", "/api/v1/indicators/fai/targets/350111/2020", IND_TARGET, B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("PUT", "/api/v1/indicators/fai/targets/350111/2020", IND_TARGET, B(TJJ), 403, .flags = NO_CSRF, .code = "csrf"),
    R("PUT", "/api/v1/indicators/fai/targets/350111/2020", IND_TARGET, B(TJJ), 200),
    /* Rankings: read by the bureaus and leaders; defined by the city's bureau. */
    R("GET", "/api/v1/indicators/rankings", NULL, B(ANON), 401),
    R("GET", "/api/v1/indicators/rankings", NULL, NOT_STATS_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/indicators/rankings", NULL, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/indicators/rankings", NULL, STATS_READ, 200),
    R("GET", "/api/v1/indicators/rankings/province-fai?period=2020-09", NULL, B(ANON), 401),
    R("GET", "/api/v1/indicators/rankings/province-fai?period=2020-09", NULL, NOT_STATS_READ, 403, .code = "forbidden"),
    R("GET", "/api/v1/indicators/rankings/province-fai?period=2020-09", NULL, NOT_STATS_DEPTS, 403,
      .code = "wrong_duty"),
    R("GET", "/api/v1/indicators/rankings/province-fai?period=2020-09", NULL, STATS_READ, 200),
    R("GET", "/api/v1/indicators/rankings/none?period=2020-09", NULL, B(TJJ), 404, .code = "unknown_ranking"),
    R("POST", "/api/v1/indicators/rankings", IND_RANKING, B(ANON), 401),
    R("POST", "/api/v1/indicators/rankings", IND_RANKING, SIGNED_IN & ~DEPTS, 403, .code = "forbidden"),
    R("POST", "/api/v1/indicators/rankings", IND_RANKING, NOT_STATS_DEPTS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/indicators/rankings", IND_RANKING, B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("POST", "/api/v1/indicators/rankings", IND_RANKING, B(TJJ), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/indicators/rankings", IND_RANKING, B(TJJ), 201),
    /* The red/black list, supervised tasks (晋安's {itask}, ja-tjj's), bulletins and the leaders' screen. */
    IND_READ_REFUSED("/api/v1/indicators/redblack?period=2020-09"),
    R("GET", "/api/v1/indicators/redblack?period=2020-09", NULL, STATS_READ, 200),
    IND_WRITE_REFUSED("/api/v1/indicators/tasks", IND_TASK),
    R("POST", "/api/v1/indicators/tasks", IND_TASK, B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("POST", "/api/v1/indicators/tasks", IND_TASK, B(TJJ), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/indicators/tasks", IND_TASK, B(TJJ), 409, .code = "not_black_listed"),
    R("POST", "/api/v1/indicators/tasks", IND_TASK_BEHIND, B(TJJ), 201),
    IND_READ_REFUSED("/api/v1/indicators/tasks"),
    R("GET", "/api/v1/indicators/tasks", NULL, STATS_READ, 200),
    IND_READ_REFUSED(IND_TASK_PATH),
    R("GET", IND_TASK_PATH, NULL, STATS | B(LEADER), 200),
    R("GET", IND_TASK_PATH, NULL, B(LEADER_CL), 404, .code = "unknown_task"), /* 长乐's leader: not theirs */
    IND_WRITE_REFUSED(IND_TASK_PATH "/notes", "{\"text\":\"已约谈\"}"),
    R("POST", IND_TASK_PATH "/notes", "{\"text\":\"已约谈\"}", STATS, 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", IND_TASK_PATH "/notes", "{\"text\":\"已约谈\"}", STATS, 201),
    IND_WRITE_REFUSED(IND_TASK_PATH "/transitions", "{\"action\":\"start\"}"),
    R("POST", IND_TASK_PATH "/transitions", "{\"action\":\"reopen\",\"note\":\"x\"}", B(TJJ_JA), 403,
      .code = "not_owner"),
    R("POST", IND_TASK_PATH "/transitions", "{\"action\":\"start\"}", B(TJJ_JA), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", IND_TASK_PATH "/transitions", "{\"action\":\"start\"}", B(TJJ_JA), 200),
    R("POST", IND_TASK_PATH "/transitions", "{\"action\":\"start\"}", B(TJJ), 409, .code = "invalid_transition"),
    IND_READ_REFUSED("/api/v1/indicators/bulletins/preview?period=2020-09"),
    R("GET", "/api/v1/indicators/bulletins/preview?period=2020-09", NULL, STATS_READ, 200),
    IND_WRITE_REFUSED("/api/v1/indicators/bulletins", IND_PUBLISH),
    R("POST", "/api/v1/indicators/bulletins", IND_PUBLISH, B(TJJ_JA), 403, .code = "not_city_bureau"),
    R("POST", "/api/v1/indicators/bulletins", IND_PUBLISH, B(TJJ), 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/indicators/bulletins", IND_PUBLISH, B(TJJ), 409, .code = "not_approved"),
    R("POST", "/api/v1/indicators/bulletins", "{\"period\":\"2020-06\",\"kind\":\"quarter\"}", B(TJJ), 201),
    IND_READ_REFUSED("/api/v1/indicators/bulletins"),
    R("GET", "/api/v1/indicators/bulletins", NULL, STATS_READ, 200),
    IND_READ_REFUSED(IND_BULLETIN),
    R("GET", IND_BULLETIN, NULL, STATS_READ, 200),
    IND_READ_REFUSED(IND_BULLETIN "/export"),
    R("GET", IND_BULLETIN "/export", NULL, STATS_READ, 200),
    IND_READ_REFUSED("/api/v1/indicators/screen/indicators?unit=350100"),
    R("GET", "/api/v1/indicators/screen/indicators?unit=350100", NULL, B(TJJ) | B(LEADER), 200),
    R("GET", "/api/v1/indicators/screen/indicators?unit=350100", NULL, B(TJJ_JA) | B(LEADER_CL), 403,
      .code = "out_of_scope"),
    R("GET", "/api/v1/indicators/screen/projects", NULL, STATS_READ, 200), /* each their own area */
    /* The statistics bureaus hold no other duty (the assessment's rows refuse them with OTHER_BUREAUS). */
    R("GET", "/api/v1/refunds/stats", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/lists/import", ACCOUNTS_LIST, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/batches", NULL, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/batches/{rbatch}", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/approve", "{}", STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/publicity", PUBLICITY, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/objections", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/objections/999999/resolve", RESOLVE, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/batches/{rbatch}/payment-files", "{}", STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/payment-files", NULL, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/payment-files/999999", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/payment-files/999999/returns", RETURNS, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/payments/999999/resend", RESEND, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/decisions/999999/recovery", RECOVERY, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/recoveries", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/recoveries/999999", RECOVERED, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/bank-account-changes", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/bank-account-changes/999999", ACCEPT, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/rolls/import", ROLLS, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/imports", NULL, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/policies", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies", REFUND_POLICY, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/versions", REFUND_EDIT, STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/policies/{rpolicy}/dry-run", NULL, STATS, 403, .code = "wrong_duty"),
    R("POST", "/api/v1/refunds/policies/{rpolicy}/batches", "{}", STATS, 403, .code = "wrong_duty"),
    R("GET", "/api/v1/refunds/batches/{rbatch}/decisions", NULL, STATS, 403, .code = "wrong_duty"),

    /* ---- one's own password: every user, not a machine key; away and back ---- */
    R("PUT", "/api/v1/me/password", MY_PW_AWAY, B(ANON), 401),
    R("PUT", "/api/v1/me/password", MY_PW_AWAY, B(CHANNEL), 403),
    R("PUT", "/api/v1/me/password", MY_PW_AWAY, USERS, 403, .flags = NO_CSRF, .code = "csrf"),
    R("PUT", "/api/v1/me/password", MY_PW_AWAY, USERS, 200),
    R("PUT", "/api/v1/me/password", MY_PW_BACK, USERS, 200),

    /* ---- the second factor: one's own enrolment; a security administrator resets one in scope ---- */
    R("GET", "/api/v1/me/second-factor", NULL, B(ANON), 401),
    R("GET", "/api/v1/me/second-factor", NULL, B(CHANNEL), 403, .code = "forbidden"),
    R("GET", "/api/v1/me/second-factor", NULL, USERS, 200),
    R("POST", "/api/v1/me/second-factor", NULL, B(ANON), 401),
    R("POST", "/api/v1/me/second-factor", NULL, B(CHANNEL), 403, .code = "forbidden"),
    R("POST", "/api/v1/me/second-factor", NULL, USERS, 403, .flags = NO_CSRF, .code = "csrf"),
    R("POST", "/api/v1/me/second-factor", NULL, USERS, 201),
    R("POST", "/api/v1/me/second-factor/confirm", "{\"code\":\"123456\"}", B(ANON), 401),
    R("POST", "/api/v1/me/second-factor/confirm", "{\"code\":\"123456\"}", B(CHANNEL), 403, .code = "forbidden"),
    R("POST", "/api/v1/me/second-factor/confirm", "{\"code\":\"abcdef\"}", USERS, 422, .code = "wrong_code"),
    R("POST", "/api/v1/me/second-factor/confirm", "{\"code\":\"{totp}\"}", B(OFFICER), 200),
    R("POST", "/api/v1/me/second-factor", NULL, B(OFFICER), 409, .code = "already_enrolled"),
    R("DELETE", "/api/v1/users/{user:ja-officer}/second-factor", NULL, B(ANON), 401),
    R("DELETE", "/api/v1/users/{user:ja-officer}/second-factor", NULL, SIGNED_IN & ~B(SECURITY), 403,
      .code = "forbidden"),
    R("DELETE", "/api/v1/users/{user:t-cl}/second-factor", NULL, B(SECURITY), 403, .code = "out_of_scope"),
    R("DELETE", "/api/v1/users/{user:ja-officer}/second-factor", NULL, B(SECURITY), 403, .flags = NO_CSRF,
      .code = "csrf"),
    R("DELETE", "/api/v1/users/{user:ja-officer}/second-factor", NULL, B(SECURITY), 200),
    R("DELETE", "/api/v1/users/{user:t-2fa}/second-factor", NULL, B(SECURITY), 200), /* outside the rule here */

    /* ---- logging out: last, and each session caller logs in again ---- */
    R("DELETE", "/api/v1/session", NULL, B(ANON), 401),
    R("DELETE", "/api/v1/session", NULL, B(CHANNEL), 400), /* signed in, but there is no session to end */
    R("DELETE", "/api/v1/session", NULL, USERS, 403, .flags = NO_CSRF, .code = "csrf"),
    R("GET", "/api/v1/me", NULL, USERS, 200), /* the refused logout left the session alone */
    R("DELETE", "/api/v1/session", NULL, USERS, 200, .flags = RELOGIN),
};

static const size_t matrix_rows = sizeof matrix / sizeof matrix[0];

static struct test_server server;
static struct client clients[N_CALLERS];
static struct client other_channel; /* a second channel key at 350100-swj: not a caller, it owns fixtures */

/*
** Records setup() makes through the API, for {NAME} in rows: ids, codes, keys.
** The matrix's channel key is offered "round" (open now, kind "kind"); the
** other key alone is offered "round_other".  "voucher" and "redemption" are
** the matrix channel's, "voucher_other" and "redemption_other" the other's.
*/
static struct fixture {
	const char *name;
	char value[160]; /* ids, codes, keys, a SHA-256, a signature */
} fixtures[] = {
    {.name = "key"},
    {.name = "other_key"},
    {.name = "open_from"},
    {.name = "open_until"},
    {.name = "campaign"},
    {.name = "round"},
    {.name = "round_other"},
    {.name = "round_later"},
    {.name = "round_past"},
    {.name = "kind_past"},
    {.name = "kind"},
    {.name = "kind_other"},
    {.name = "merchant"},
    {.name = "voucher"},
    {.name = "voucher_other"},
    {.name = "redemption"},
    {.name = "redemption_other"},
    {.name = "voucher_used"},
    {.name = "voucher_used_other"},
    {.name = "ent"},
    {.name = "ent_cl"},
    {.name = "problem"},
    {.name = "problem_cl"},
    {.name = "attachment"},
    {.name = "p_accept"},
    {.name = "p_accept_ja"},
    {.name = "p_route"},
    {.name = "p_fgw"},
    {.name = "p_xzfw"},
    {.name = "p_answered"},
    {.name = "p_raised"},
    {.name = "today"},
    {.name = "proj"},
    {.name = "proj_cl"},
    {.name = "proj_code"},
    {.name = "query_code"},
    {.name = "item"},
    {.name = "inspection"},
    {.name = "lead"},
    {.name = "lead_cl"},
    {.name = "lead_offer"},
    {.name = "lead_decline"},
    {.name = "lead_w"},
    {.name = "transfer"},
    {.name = "transfer_d"},
    {.name = "transfer_w"},
    {.name = "lead_city"},
    {.name = "lead_up"},
    {.name = "transfer_up"},
    {.name = "signer_a"},
    {.name = "signer_b"},
    {.name = "ceremony"},
    {.name = "agreement"},
    {.name = "agreement_sha"},
    {.name = "signature_a"},
    {.name = "lead_p"},
    {.name = "agreement_p"},
    {.name = "proj_lead"},
    {.name = "rpolicy"},
    {.name = "rbatch"},
    {.name = "rpol_b"},
    {.name = "rpol_c"},
    {.name = "rpol_d"},
    {.name = "rpol_p"},
    {.name = "rbatch_b"},
    {.name = "rbatch_c"},
    {.name = "rbatch_d"},
    {.name = "rbatch_p"},
    {.name = "rfile"},
    {.name = "rfile_d"},
    {.name = "rref"},
    {.name = "rpayment"},
    {.name = "rpaid"},
    {.name = "rpaid_a"},
    {.name = "rrecovery"},
    {.name = "robjection"},
    {.name = "rdecision_pub"},
    {.name = "rchange"},
    {.name = "rnotice"},
    {.name = "challenge"},
    {.name = "recovery"},
    {.name = "official_own"},
    {.name = "official"},
    {.name = "ctask"},
    {.name = "fentry"},
    {.name = "fassessment"},
    {.name = "dassessment"},
    {.name = "cstay"},
    {.name = "agroup"},
    {.name = "avisit"},
    {.name = "scheme"},
    {.name = "assess"},
    {.name = "assess_pub"},
    {.name = "aobjection"},
    {.name = "assess_done"},
    {.name = "sstore"},
    {.name = "ssite"},
    {.name = "sdonation"},
    {.name = "srequest"},
    {.name = "stransfer"},
    {.name = "ssite_member"},
    {.name = "ssite_receipt"},
    {.name = "green"},
    {.name = "itask"},
    {.name = "ibulletin"},
    {.name = "resume"},
    {.name = "package"},
    {.name = "ppart"},
    {.name = "pcheck"},
    {.name = "package_op"},
    {.name = "pcheck_op"},
    {.name = "pdefect"},
    {.name = "pphoto"},
    {.name = "pinsp"},
};

static struct fixture *fixture_named(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
		if (strlen(fixtures[i].name) == len && memcmp(fixtures[i].name, name, len) == 0)
			return &fixtures[i];
	return NULL;
}

static void fixture_set(const char *name, const char *value)
{
	struct fixture *f = fixture_named(name, strlen(name));
	snprintf(f->value, sizeof f->value, "%s", value);
}

static long long user_id(const char *username)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT id FROM users WHERE username = '%s'", username);
	return db_count(&server, sql);
}

static int login(enum caller c)
{
	char password[96];
	snprintf(password, sizeof password, "%s-password", callers[c].username);
	long status = client_login(&clients[c], callers[c].username, password);
	if (status != 200)
		fprintf(stderr, "login %s: %ld\n", callers[c].username, status);
	return status == 200 ? 0 : -1;
}

/* Callers with a cookie session (all but anonymous and the API key). */
static bool has_session(int c)
{
	return c != ANON && c != CHANNEL;
}

static void expand(const char *tmpl, enum caller who, char *out, size_t size);

/* `banyan apikey add` a channel key at 350100-swj into c. */
static int add_channel_key(struct client *c, const char *name)
{
	return issue_channel_key(&server, callers[CHANNEL].org, name, c->key_id, c->secret);
}

/*
** POST body (with placeholders) as c, signed when c has a key; expect 201 and
** store the answer's field (".id", "voucher.code", "redemption.id") as fixture name.
*/
static int make(struct client *c, const char *path_tmpl, const char *tmpl, const char *name, const char *object)
{
	char body[2048], path[512];
	expand(tmpl, ADMIN, body, sizeof body);
	expand(path_tmpl, ADMIN, path, sizeof path); /* paths may name fixtures made before */
	struct response r;
	if (c->key_id[0])
		client_signed(c, &r, "POST", path, body, 0, NULL);
	else
		client_request(c, &r, "POST", path, body, NULL, NULL);
	json_t *o = object ? json_object_get(r.json, object) : r.json;
	json_t *v = json_object_get(o, object && strcmp(object, "voucher") == 0 ? "code" : "id");
	int ok = r.status == 201 && (json_is_string(v) || json_is_integer(v));
	if (ok) {
		char value[160];
		if (json_is_string(v))
			snprintf(value, sizeof value, "%s", json_string_value(v));
		else
			snprintf(value, sizeof value, "%lld", (long long)json_integer_value(v));
		fixture_set(name, value);
	} else {
		fprintf(stderr, "setup: POST %s %s: %ld %s\n", path, body, r.status, r.body);
	}
	response_free(&r);
	return ok ? 0 : -1;
}

/* The voucher fixtures, as the commerce bureau (and the channels for claims and redemptions). */
static int make_vouchers(void)
{
	struct client *bureau = &clients[SWJ], *channel = &clients[CHANNEL];
	char from[32], until[32];
	clock_format_iso(clock_now() - 60, from);
	clock_format_iso(clock_now() + 3600, until);
	fixture_set("open_from", from);
	fixture_set("open_until", until);
	fixture_set("key", channel->key_id);
	fixture_set("other_key", other_channel.key_id);
	const char *campaigns = "/api/v1/vouchers/campaigns", *rounds = "/api/v1/vouchers/rounds",
	           *kinds = "/api/v1/vouchers/kinds", *claims = "/api/v1/vouchers/claims",
	           *redemptions = "/api/v1/vouchers/redemptions";
	return make(bureau, campaigns, CAMPAIGN("惠聚榕城", "350100-swj"), "campaign", NULL) ||
	       make(bureau, rounds, ROUND("{campaign}", "本渠道一期", "{open_from}", "{open_until}", "\"{key}\""),
	            "round", NULL) ||
	       make(bureau, rounds, ROUND("{campaign}", "他渠道一期", "{open_from}", "{open_until}", "\"{other_key}\""),
	            "round_other", NULL) ||
	       make(bureau, rounds, LATER_ROUND("{campaign}", "下一期"), "round_later", NULL) ||
	       make(
	           bureau, rounds,
	           ROUND("{campaign}", "上一期", "2020-04-10T10:00:00+08:00", "2020-04-30T22:00:00+08:00", "\"{key}\""),
	           "round_past", NULL) ||
	       make(bureau, kinds, KIND("{round_past}", "上期券"), "kind_past", NULL) ||
	       make(bureau, kinds, KIND("{round}", "满0减10"), "kind", NULL) ||
	       make(bureau, kinds, KIND("{round_other}", "他渠道券"), "kind_other", NULL) ||
	       make(bureau, "/api/v1/vouchers/merchants",
	            SHOP("聚春园大酒店", "91350102MA2XY00014", "350102", "\"{key}\",\"{other_key}\""), "merchant",
	            NULL) ||
	       make(channel, claims, CLAIM("{round}", "{kind}", "fixture-1"), "voucher", "voucher") ||
	       make(channel, claims, CLAIM("{round}", "{kind}", "fixture-2"), "voucher_used", "voucher") ||
	       make(channel, redemptions, REDEEM("{voucher_used}", "fixture-2"), "redemption", "redemption") ||
	       make(&other_channel, claims, CLAIM("{round_other}", "{kind_other}", "fixture-3"), "voucher_other",
	            "voucher") ||
	       make(&other_channel, claims, CLAIM("{round_other}", "{kind_other}", "fixture-4"), "voucher_used_other",
	            "voucher") ||
	       make(&other_channel, redemptions, REDEEM("{voucher_used_other}", "fixture-4"), "redemption_other",
	            "redemption");
}

/* POST (with placeholders, as the city admin) as c and expect a status. */
static int step_expect(struct client *c, const char *path_tmpl, const char *tmpl, long status)
{
	char path[256], body[1024];
	expand(path_tmpl, ADMIN, path, sizeof path);
	expand(tmpl, ADMIN, body, sizeof body);
	struct response r;
	client_request(c, &r, "POST", path, body, NULL, NULL);
	int ok = r.status == status;
	if (!ok)
		fprintf(stderr, "setup: POST %s %s: %ld %s\n", path, body, r.status, r.body);
	response_free(&r);
	return ok ? 0 : -1;
}

/* The same expecting 200: links, hand-overs, transitions. */
static int step(struct client *c, const char *path_tmpl, const char *tmpl)
{
	return step_expect(c, path_tmpl, tmpl, 200);
}

/* The desk's fixtures (see the rows), as the city admin; {p_raised} is raised by the 晋安 officer. */
static int make_desk(void)
{
	struct client *admin = &clients[ADMIN];
	const char *problems = "/api/v1/problems";
	return make(admin, "/api/v1/enterprises", FIRM(ENT_CODE, "350111"), "ent", NULL) ||
	       make(admin, "/api/v1/enterprises", FIRM("91350112MA2DK00028", "350112"), "ent_cl", NULL) ||
	       step(admin, "/api/v1/enterprises/{ent}/accounts", LINK("ja-enterprise")) ||
	       make(admin, problems, PROBLEM("{ent}", "other"), "problem", NULL) ||
	       make(admin, "/api/v1/problems/{problem}/attachments", ATTACH, "attachment", NULL) ||
	       make(admin, problems, PROBLEM("{ent_cl}", "other"), "problem_cl", NULL) ||
	       make(admin, problems, PROBLEM("{ent}", "other"), "p_accept", NULL) ||
	       make(admin, problems, PROBLEM("{ent}", "other"), "p_accept_ja", NULL) ||
	       make(admin, problems, PROBLEM("{ent}", "other"), "p_route", NULL) ||
	       make(admin, problems, PROBLEM("{ent}", "financing"), "p_fgw", NULL) ||
	       step(admin, "/api/v1/problems/{p_fgw}/route", HAND_TO("350100-fgw")) ||
	       make(admin, problems, PROBLEM("{ent}", "approvals"), "p_xzfw", NULL) ||
	       step(admin, "/api/v1/problems/{p_xzfw}/route", HAND_TO("350100-xzfw")) ||
	       make(admin, problems, PROBLEM("{ent}", "other"), "p_answered", NULL) ||
	       step(admin, "/api/v1/problems/{p_answered}/transitions", ACTION("accept")) ||
	       step(admin, "/api/v1/problems/{p_answered}/transitions", ANSWER) ||
	       make(&clients[OFFICER], problems, PROBLEM("{ent}", "other"), "p_raised", NULL) ||
	       step(admin, "/api/v1/problems/{p_raised}/transitions", ACTION("accept")) ||
	       step(admin, "/api/v1/problems/{p_raised}/transitions", ANSWER);
}

/* The projects' fixtures (see the rows), as the city admin. */
static int make_projects(void)
{
	struct client *admin = &clients[ADMIN];
	char today[11], sql[160], value[32];
	clock_format_date(clock_local_day(clock_now()), today);
	fixture_set("today", today);
	if (make(admin, "/api/v1/projects", PROJECT("2021-350111-39-03-000001", "{ent}", "350111"), "proj", NULL) ||
	    make(admin, "/api/v1/projects", PROJECT("2021-350112-39-03-000002", "{ent_cl}", "350112"), "proj_cl", NULL) ||
	    step_expect(admin, "/api/v1/projects/{proj}/plan", PLAN, 201) ||
	    make(admin, "/api/v1/projects/{proj}/inspections", INSPECT, "inspection", NULL))
		return -1;
	fixture_set("proj_code", "2021-350111-39-03-000001");
	long long proj = atoll(fixture_named("proj", 4)->value);
	snprintf(sql, sizeof sql, "SELECT id FROM project_items WHERE project_id = %lld AND item_code = 'filing'", proj);
	snprintf(value, sizeof value, "%lld", db_count(&server, sql));
	fixture_set("item", value);
	/* The owner's query code, as the agency's page shows it. */
	struct response r;
	snprintf(sql, sizeof sql, "/api/v1/projects/%lld", proj);
	client_request(admin, &r, "GET", sql, NULL, NULL, NULL);
	const char *code = json_string_value(json_object_get(r.json, "query_code"));
	if (code)
		fixture_set("query_code", code);
	response_free(&r);
	return code ? 0 : -1;
}

static int make_invest_as(struct client *ja, struct client *cl, struct client *city);

/* The investment fixtures (see the rows), each by an officer of its owner's side: 晋安's, 长乐's (t-cl) or the city's. */
static int make_invest(void)
{
	struct client *ja = &clients[OFFICER], cl, city;
	client_init(&cl, &server);
	client_init(&city, &server);
	int failed = client_login(&cl, "t-cl", "t-cl-password") != 200 ||
	             client_login(&city, "t-city", "t-city-password") != 200 || make_invest_as(ja, &cl, &city);
	client_free(&cl);
	client_free(&city);
	return failed ? -1 : 0;
}

static int make_invest_as(struct client *ja, struct client *cl, struct client *city)
{
	/* Signer a's secret key, kept to sign the agreement's document ("协议") the way a party would. */
	struct response r;
	client_request(ja, &r, "POST", "/api/v1/invest/signers", "{\"name\":\"甲方代表\",\"organisation\":\"晋安区\"}",
	               NULL, NULL);
	const char *secret = json_string_value(json_object_get(r.json, "secret_key"));
	unsigned char sk[crypto_sign_SECRETKEYBYTES], digest[crypto_hash_sha256_BYTES], sig[crypto_sign_BYTES];
	size_t sk_len = 0;
	int ok = r.status == 201 && secret &&
	         sodium_hex2bin(sk, sizeof sk, secret, strlen(secret), NULL, &sk_len, NULL) == 0 && sk_len == sizeof sk;
	char id[32], sig_hex[2 * sizeof sig + 1];
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r.json, "id")));
	response_free(&r);
	if (!ok)
		return -1;
	fixture_set("signer_a", id);
	crypto_hash_sha256(digest, (const unsigned char *)"协议", strlen("协议"));
	crypto_sign_detached(sig, NULL, digest, sizeof digest, sk);
	sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
	fixture_set("signature_a", sig_hex);
	const char *leads = "/api/v1/invest/leads";
	if (make(ja, leads, LEAD("{ent}", "350111"), "lead", NULL) ||
	    make(cl, leads, LEAD("{ent_cl}", "350112"), "lead_cl", NULL) ||
	    step_expect(cl, "/api/v1/invest/leads/{lead_cl}/shares", SHARE("350111"), 201) ||
	    make(cl, leads, LEAD("{ent_cl}", "350112"), "lead_offer", NULL) ||
	    make(cl, "/api/v1/invest/leads/{lead_offer}/transfers", OFFER("350111"), "transfer", NULL) ||
	    make(cl, leads, LEAD("{ent_cl}", "350112"), "lead_decline", NULL) ||
	    make(cl, "/api/v1/invest/leads/{lead_decline}/transfers", OFFER("350111"), "transfer_d", NULL) ||
	    make(ja, leads, LEAD("{ent}", "350111"), "lead_w", NULL) ||
	    make(ja, "/api/v1/invest/leads/{lead_w}/transfers", OFFER("350112"), "transfer_w", NULL) ||
	    make(city, leads, LEAD("{ent}", "350100"), "lead_city", NULL) ||
	    make(ja, leads, LEAD("{ent}", "350111"), "lead_up", NULL) ||
	    make(ja, "/api/v1/invest/leads/{lead_up}/transfers", OFFER("350100"), "transfer_up", NULL) ||
	    make(ja, "/api/v1/invest/signers", SIGNER, "signer_b", NULL) ||
	    make(ja, "/api/v1/invest/ceremonies", CEREMONY("350111"), "ceremony", NULL) ||
	    make(ja, "/api/v1/invest/ceremonies/{ceremony}/agreements", AGREEMENT, "agreement", NULL))
		return -1;
	/* A signed lead with an agreement, become a project: the project carries the agreement's document. */
	if (make(ja, leads, LEAD("{ent}", "350111"), "lead_p", NULL) ||
	    make(ja, "/api/v1/invest/ceremonies/{ceremony}/agreements", AGREEMENT_FOR("{lead_p}"), "agreement_p",
	         NULL) ||
	    step(ja, "/api/v1/invest/leads/{lead_p}/stage", STAGE("negotiating")) ||
	    step(ja, "/api/v1/invest/leads/{lead_p}/stage", STAGE("signed")) ||
	    step_expect(ja, "/api/v1/invest/leads/{lead_p}/project", LEAD_PROJECT("2021-350111-39-03-000401"), 201))
		return -1;
	char sql[256], value[32];
	snprintf(sql, sizeof sql, "SELECT project_id FROM leads WHERE id = %s", fixture_named("lead_p", 6)->value);
	snprintf(value, sizeof value, "%lld", db_count(&server, sql));
	fixture_set("proj_lead", value);
	/* What the verification page is given: the SHA-256 of the document ("协议", base64 5Y2P6K6u). */
	char sha[65];
	crypto_hash_sha256(digest, (const unsigned char *)"协议", strlen("协议"));
	sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
	fixture_set("agreement_sha", sha);
	return 0;
}

/*
** The refunds' fixtures, as the city's human resources bureau: the rolls and the first batch by its staff
** (HR), the policy by its duty administrator (HR_ADMIN, made so here as the system administrator would).
*/
static int make_refunds(void)
{
	struct client *hr = &clients[HR];
	db_run_sql(&server, "UPDATE users SET duty_admin = 1 WHERE username = 'city-hr-admin'");
	return step(hr, "/api/v1/refunds/rolls/import", ROLLS) ||
	       make(&clients[HR_ADMIN], "/api/v1/refunds/policies", REFUND_POLICY, "rpolicy", NULL) ||
	       make(hr, "/api/v1/refunds/policies/{rpolicy}/batches", "{}", "rbatch", NULL);
}

/* A fixture from the database: the number in the first column of the first row of sql ({FIXTURE}s expanded). */
static void fixture_from_sql(const char *name, const char *tmpl)
{
	char sql[512], value[32];
	expand(tmpl, ADMIN, sql, sizeof sql);
	snprintf(value, sizeof value, "%lld", db_count(&server, sql));
	fixture_set(name, value);
}

/* Run SQL with {FIXTURE}s expanded: what no route may do, such as moving a publicity window while the clock runs. */
static void sql_tmpl(const char *tmpl)
{
	char sql[512];
	expand(tmpl, ADMIN, sql, sizeof sql);
	db_run_sql(&server, sql);
}

#define PAYMENT_OF(batch, code)                                                                                        \
	"SELECT p.id FROM refund_payments p JOIN refund_decisions d ON d.id = p.decision_id WHERE d.batch_id = " batch \
	" AND d.credit_code = '" code "'"

/*
** A refund batch's life, for the rows: {rbatch} publicised, its window open;
** four more policies' batches over the same rolls: {rbatch_p} decided,
** {rbatch_b} with its window over, {rbatch_c} approved and in {rfile} with a
** failed payment {rpayment} (reference {rref}), {rbatch_d} paid ({rpaid}, and
** a recovery {rrecovery} of the other enterprise's); an open objection
** {robjection} on {rdecision_pub}, the firm's account correction {rchange}
** and its notice {rnotice}.
*/
static int make_refund_life(void)
{
	struct client *hr = &clients[HR], *leader = &clients[LEADER];
	static const char *const names[] = {"b", "c", "d", "p"};
	char name[16], path[96], body[1024];
	if (step(hr, "/api/v1/refunds/rolls/import", ROLLS2) ||
	    step(hr, "/api/v1/refunds/lists/import", ACCOUNTS_SETUP) ||
	    step(hr, "/api/v1/refunds/batches/{rbatch}/publicity", PUBLICITY))
		return -1;
	for (int i = 0; i < 4; i++) {
		snprintf(body, sizeof body, LIFE_POLICY("life-%s"), names[i], names[i]);
		snprintf(name, sizeof name, "rpol_%s", names[i]);
		snprintf(path, sizeof path, "/api/v1/refunds/policies/{rpol_%s}/batches", names[i]);
		if (make(&clients[HR_ADMIN], "/api/v1/refunds/policies", body, name, NULL))
			return -1;
		snprintf(name, sizeof name, "rbatch_%s", names[i]);
		if (make(hr, path, "{}", name, NULL))
			return -1;
		snprintf(path, sizeof path, "/api/v1/refunds/batches/{rbatch_%s}/publicity", names[i]);
		if (i < 3 && step(hr, path, PUBLICITY))
			return -1;
	}
	sql_tmpl("UPDATE refund_batches SET publicity_start = '2000-01-03', publicity_end = '2099-12-31' WHERE id = "
	         "{rbatch}");
	sql_tmpl("UPDATE refund_batches SET publicity_start = '2000-01-03', publicity_end = '2000-01-07'"
	         " WHERE id IN ({rbatch_b}, {rbatch_c}, {rbatch_d})");
	if (step(leader, "/api/v1/refunds/batches/{rbatch_c}/approve", "{}") ||
	    step(leader, "/api/v1/refunds/batches/{rbatch_d}/approve", "{}") ||
	    make(hr, "/api/v1/refunds/batches/{rbatch_c}/payment-files", PAYER, "rfile", NULL) ||
	    make(hr, "/api/v1/refunds/batches/{rbatch_d}/payment-files", PAYER, "rfile_d", NULL))
		return -1;
	fixture_from_sql("rpayment", PAYMENT_OF("{rbatch_c}", ENT_CODE));
	char ref[400];
	snprintf(ref, sizeof ref, "WG%s-%s", fixture_named("rbatch_c", 8)->value, fixture_named("rpayment", 8)->value);
	fixture_set("rref", ref);
	fixture_from_sql(
	    "rpaid", "SELECT id FROM refund_decisions WHERE batch_id = {rbatch_d} AND credit_code = '" ENT2_CODE "'");
	fixture_from_sql("rdecision_pub",
	                 "SELECT id FROM refund_decisions WHERE batch_id = {rbatch} AND credit_code = '" ENT_CODE "'");
	fixture_from_sql(
	    "rpaid_a", "SELECT id FROM refund_decisions WHERE batch_id = {rbatch_d} AND credit_code = '" ENT_CODE "'");
	char sql[256];
	expand(PAYMENT_OF("{rbatch_d}", ENT_CODE), ADMIN, sql, sizeof sql);
	long long paid_a = db_count(&server, sql);
	expand(PAYMENT_OF("{rbatch_d}", ENT2_CODE), ADMIN, sql, sizeof sql);
	long long paid_b = db_count(&server, sql);
	const char *d = fixture_named("rbatch_d", 8)->value;
	snprintf(body, sizeof body, "{\"csv\":\"参考号,结果,银行说明\\nWG%s-%lld,成功,\\nWG%s-%lld,成功,\\n\"}", d,
	         paid_a, d, paid_b);
	if (step(hr, "/api/v1/refunds/payment-files/{rfile}/returns", RETURN_FAILED) ||
	    step(hr, "/api/v1/refunds/payment-files/{rfile_d}/returns", body) ||
	    make(hr, "/api/v1/refunds/decisions/{rpaid_a}/recovery", RECOVERY, "rrecovery", NULL) ||
	    make(&clients[ANON], "/api/v1/public/refunds/objections", OBJECT_TO_PUB, "robjection", NULL))
		return -1;
	struct response r;
	client_request(&clients[ENTERPRISE], &r, "PUT", "/api/v1/refunds/mine/bank-account",
	               "{\"credit_code\":\"" ENT_CODE
	               "\",\"payee_name\":\"一号企业\",\"bank\":\"建行\",\"account\":\"1\"}",
	               NULL, NULL);
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r.json, "id")));
	long status = r.status;
	response_free(&r);
	fixture_set("rchange", id);
	fixture_from_sql("rnotice", "SELECT max(n.id) FROM notices n JOIN users u ON u.id = n.user_id"
	                            " WHERE u.username = 'ja-enterprise'");
	return status == 202 ? 0 : -1;
}

/* The cadres' fixtures, as the organisation department. */
static int make_cadres(void)
{
	struct client *zzb = &clients[ZZB];
	return make(zzb, "/api/v1/cadres/officials",
	            "{\"name\":\"陈一\",\"post\":\"科员\",\"org\":\"350111-tcj\",\"user\":\"ja-officer\"}",
	            "official_own", NULL) ||
	       make(zzb, "/api/v1/cadres/officials", "{\"name\":\"林二\",\"post\":\"科员\",\"org\":\"350111-tcj\"}",
	            "official", NULL) ||
	       make(zzb, "/api/v1/cadres/tasks", CTASK, "ctask", NULL) ||
	       make(zzb, "/api/v1/cadres/officials/{official_own}/entries", FENTRY, "fentry", NULL) ||
	       make(zzb, "/api/v1/cadres/groups", AGROUP, "agroup", NULL) ||
	       make(zzb, "/api/v1/cadres/groups/{agroup}/visits", AVISIT, "avisit", NULL);
}

/*
** What follows an assessment: the final assessment {fassessment}
** ({official_own} 优秀, {official} 称职) and the draft {dassessment}, written
** straight into the database (final through the routes takes a publicity
** window of working days); then {cstay}, {official}'s stay in the pool.
*/
static int make_outcomes(void)
{
	char sql[2048];
	expand(
	    "INSERT INTO assessment_schemes(name, org_id, created_by, created_at) SELECT '一线考核方案', o.id, u.id, 0"
	    " FROM orgs o, users u WHERE o.code = '350100-zzb' AND u.username = 'city-zzb';"
	    "INSERT INTO assessments(name, scheme_id, starts_on, ends_on, state, created_by, created_at)"
	    " SELECT name, (SELECT max(id) FROM assessment_schemes), 18285, 18352, state,"
	    " (SELECT id FROM users WHERE username = 'city-zzb'), 0 FROM (SELECT '2020年疫情防控一线考核' AS name,"
	    " 'final' AS state UNION ALL SELECT '2021年一季度考核', 'draft') AS two;"
	    "INSERT INTO assessment_subjects(assessment_id, official_id, cohort) SELECT a.id, o.id, '科级'"
	    " FROM assessments a, officials o WHERE a.name IN ('2020年疫情防控一线考核', '2021年一季度考核')"
	    " AND o.id IN ({official_own}, {official});"
	    "INSERT INTO assessment_results(assessment_id, official_id, cohort, total, rank, grade)"
	    " SELECT a.id, o.id, '科级', 90000, o.id, CASE o.id WHEN {official_own} THEN 'excellent' ELSE"
	    " 'competent' END FROM assessments a, officials o WHERE a.name = '2020年疫情防控一线考核'"
	    " AND o.id IN ({official_own}, {official});",
	    ADMIN, sql, sizeof sql);
	db_run_sql(&server, sql);
	fixture_from_sql("fassessment", "SELECT id FROM assessments WHERE name = '2020年疫情防控一线考核'");
	fixture_from_sql("dassessment", "SELECT id FROM assessments WHERE name = '2021年一季度考核'");
	return make(&clients[ZZB], "/api/v1/cadres/reserve",
	            "{\"official\":{official},\"basis\":[{fassessment}],\"reason\":\"一线表现突出\"}", "cstay", NULL);
}

/* PUT body (with placeholders) as c, expecting 200. */
static int put_ok(struct client *c, const char *path_tmpl, const char *tmpl)
{
	char path[256], body[1024];
	expand(path_tmpl, ADMIN, path, sizeof path);
	expand(tmpl, ADMIN, body, sizeof body);
	struct response r;
	client_request(c, &r, "PUT", path, body, NULL, NULL);
	int ok = r.status == 200;
	if (!ok)
		fprintf(stderr, "setup: PUT %s %s: %ld %s\n", path, body, r.status, r.body);
	response_free(&r);
	return ok ? 0 : -1;
}

/* The assessments' fixtures (see SCHEME above), as the organisation department. */
static int make_scores(void)
{
	struct client *zzb = &clients[ZZB];
	if (make(zzb, "/api/v1/cadres/schemes", SCHEME, "scheme", NULL) ||
	    make(zzb, "/api/v1/cadres/assessments", ASSESS, "assess", NULL) ||
	    step_expect(zzb, ASSESSMENTS "{assess}/raters", AGENT_RATES, 201) ||
	    put_ok(zzb, ASSESSMENTS "{assess}/scores/{official_own}/work", SCORE))
		return -1;
	/* Two ranked and publicised: {assess_pub}'s window open, with an objection; {assess_done}'s over. */
	static const char *const names[] = {"assess_pub", "assess_done"};
	static const char *const windows[] = {"'2000-01-03', publicity_end = '2099-12-31'",
	                                      "'2000-01-03', publicity_end = '2000-01-07'"};
	for (int i = 0; i < 2; i++) {
		char a[64], path[128], sql[256];
		snprintf(a, sizeof a, ASSESSMENTS "{%s}", names[i]);
		if (make(zzb, "/api/v1/cadres/assessments", ASSESS, names[i], NULL))
			return -1;
		snprintf(path, sizeof path, "%s/compute", a);
		int failed = step(zzb, path, "{}");
		snprintf(path, sizeof path, "%s/scores/{official_own}/work", a);
		failed = failed || put_ok(zzb, path, SCORE);
		snprintf(path, sizeof path, "%s/scores/{official}/work", a);
		failed = failed || put_ok(zzb, path, SCORE);
		snprintf(path, sizeof path, "%s/rank", a);
		failed = failed || step(zzb, path, "{}");
		snprintf(path, sizeof path, "%s/publicise", a);
		if (failed || step(zzb, path, "{}"))
			return -1;
		snprintf(sql, sizeof sql, "UPDATE assessments SET publicity_start = %s WHERE id = {%s}", windows[i],
		         names[i]);
		sql_tmpl(sql);
	}
	return make(zzb, ASSESSMENTS "{assess_pub}/objections", OBJECT_TO, "aobjection", NULL);
}

/*
** The indicators' fixtures, as SQL (a task needs a black list, a bulletin
** every unit's month approved, which the rows' few figures do not give):
** {itask} 晋安's supervised task owned by ja-tjj, {ibulletin} a published bulletin.
*/
static int make_indicators(void)
{
	sql_tmpl("INSERT INTO indicator_tasks(source, unit, period, ranking_id, title, owner_id, due_on, state,"
	         " created_by, created_at) SELECT 'black_list', '350111', '2020-09', r.id, '晋安督办', u.id, 40000,"
	         " 'open', u.id, 0 FROM rankings r, users u WHERE r.code = 'districts-composite' AND u.username = 'ja-tjj'");
	fixture_from_sql("itask", "SELECT max(id) FROM indicator_tasks");
	sql_tmpl("INSERT INTO indicator_bulletins(period, kind, revision, title, data_revision, content, published_by,"
	         " published_at) SELECT '2020-09', 'month', 1, '通报', 0, '{\"title\":\"通报\",\"headlines\":[],"
	         "\"tables\":[],\"platform\":[],\"redblack\":null}', id, 0 FROM users WHERE username = 'city-tjj'");
	fixture_from_sql("ibulletin", "SELECT max(id) FROM indicator_bulletins");
	/* 晋安's fixed-asset investment, 1亿元 a month from January to August: behind its target (IND_TARGET). */
	sql_tmpl("INSERT INTO indicator_values(indicator_id, unit, period, value, entered_by, entered_at)"
	         " SELECT i.id, '350111', '2020-0' || m.n, 10000, u.id, 0 FROM indicators i, users u,"
	         " (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5"
	         "  UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8) m WHERE i.code = 'fai' AND u.username = 'ja-tjj'");
	/* June approved for the city and every district: a bulletin may be published. */
	sql_tmpl("INSERT INTO indicator_periods(unit, period, state) SELECT code, '2020-06', 'approved' FROM orgs"
	         " WHERE kind IN ('city', 'district')");
	return 0;
}

/* The supplies' fixtures: the store's, and 晋安's site with ja-officer its member, stocked, asking, sent some. */
/* Packages: {package} being built, {package_op} in operation with an inspection's defect and photo. */
static int make_packages(void)
{
	struct client *agent = &clients[AGENT];
	char value[32], path[200];
	struct response r;
	if (make(agent, "/api/v1/packages", PACKAGE_BODY("PK-BUILT", "90"), "package", NULL) ||
	    make(agent, "/api/v1/packages/{package}/checks", "{\"what\":\"泵站检查\",\"every_days\":14}", "pcheck",
	         NULL) ||
	    make(agent, "/api/v1/packages", PACKAGE_BODY("PK-OP", "100"), "package_op", NULL) ||
	    make(agent, "/api/v1/packages/{package_op}/checks", "{\"what\":\"河道保洁\",\"every_days\":7}",
	         "pcheck_op", NULL))
		return -1;
	snprintf(value, sizeof value, "%lld", db_count(&server, "SELECT max(id) FROM package_parts WHERE progress = 90"));
	fixture_set("ppart", value);
	snprintf(path, sizeof path, "/api/v1/packages/%s/licence", fixture_named("package_op", 10)->value);
	long status = client_callf(agent, &r, "POST", path, "%s", LICENCE);
	response_free(&r);
	if (status != 200 || make(agent, "/api/v1/packages/{package_op}/inspections", INSPECTION("{pcheck_op}"), "pinsp",
	                          NULL))
		return -1;
	snprintf(value, sizeof value, "%lld", db_count(&server, "SELECT max(id) FROM package_defects"));
	fixture_set("pdefect", value);
	snprintf(value, sizeof value, "%lld", db_count(&server, "SELECT max(id) FROM package_photos"));
	fixture_set("pphoto", value);
	return 0;
}

static int make_supplies(void)
{
	struct client *store = &clients[DEPT];
	char csv[128];
	snprintf(csv, sizeof csv, "%s/duties.csv", server.dir);
	FILE *f = fopen(csv, "w");
	if (!f)
		return -1;
	fputs("code,name,parent_code,kind,duties\n350100-fgw,福州市发展和改革委员会,350100,department,approval "
	      "supplies\n",
	      f);
	fclose(f);
	if (run_banyan(NULL, NULL, 0, "org", "import", "--db", server.db, csv, NULL) != 0)
		return -1;
	return make(store, "/api/v1/supplies/sites",
	            "{\"name\":\"市物资储备库\",\"kind\":\"store\",\"district\":\"350100\",\"address\":\"湖东路\"}",
	            "sstore", NULL) ||
	       make(store, "/api/v1/supplies/sites", "{\"name\":\"晋安隔离点\",\"district\":\"350111\",\"address\":\"福新东路\"}",
	            "ssite", NULL) ||
	       make(store, "/api/v1/supplies/sites/{ssite}/members",
	            "{\"team\":\"disinfection\",\"name\":\"郑海峰\",\"post\":\"保管员\",\"username\":\"ja-officer\"}",
	            "ssite_member", NULL) ||
	       make(store, "/api/v1/supplies/receipts", SUPPLY_RECEIPT("{sstore}", "donation"), "sdonation", NULL) ||
	       make(store, "/api/v1/supplies/receipts",
	            "{\"site\":{ssite},\"source\":\"purchase\",\"party\":\"x\"," SUPPLY_LINES("gloves", 100) "}",
	            "ssite_receipt", NULL) ||
	       make(&clients[OFFICER], "/api/v1/supplies/requests", SUPPLY_REQUEST, "srequest", NULL) ||
	       make(store, "/api/v1/supplies/requests/{srequest}/fulfil", SUPPLY_SEND, "stransfer", NULL);
}

/* t-2fa enrols a second factor as a user would; a password login then leaves {challenge}, and {recovery} redeems it. */
static int make_second_factor(void)
{
	struct client c;
	struct response r = {0};
	char code[7];
	client_init(&c, &server);
	int ok = client_login(&c, "t-2fa", "t-2fa-password") == 200 &&
	         client_callf(&c, &r, "POST", "/api/v1/me/second-factor", NULL) == 201;
	if (ok) {
		response_free(&r);
		totp_code_now(&server, "t-2fa", code);
		ok = client_callf(&c, &r, "POST", "/api/v1/me/second-factor/confirm", "{\"code\":\"%s\"}", code) == 200;
	}
	const char *recovery = ok ? json_string_value(json_array_get(json_object_get(r.json, "recovery_codes"), 0)) : NULL;
	if (recovery)
		fixture_set("recovery", recovery);
	response_free(&r);
	client_free(&c);
	client_init(&c, &server);
	client_callf(&c, &r, "POST", "/api/v1/session", "{\"username\":\"t-2fa\",\"password\":\"t-2fa-password\"}");
	const char *challenge = json_string_value(json_object_get(r.json, "challenge"));
	if (challenge)
		fixture_set("challenge", challenge);
	else
		fprintf(stderr, "setup: no challenge for t-2fa: %ld %s\n", r.status, r.body);
	response_free(&r);
	client_free(&c);
	return recovery && challenge ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	server_prepare(&server); /* creates "admin" */
	for (int c = 0; c < N_CALLERS; c++)
		if (has_session(c) && c != ADMIN)
			add_user(&server, callers[c].username, callers[c].role, callers[c].org);
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		add_user(&server, targets[i][0], targets[i][1], targets[i][2]);
	for (int c = 0; c < N_CALLERS; c++)
		client_init(&clients[c], &server);
	client_init(&other_channel, &server);
	if (add_channel_key(&clients[CHANNEL], "test") < 0 || add_channel_key(&other_channel, "other") < 0)
		return -1;
	server_start_process(&server, NULL);
	for (int c = 0; c < N_CALLERS; c++)
		if (has_session(c) && login(c) < 0)
			return -1;
	return make_vouchers() || make_desk() || make_projects() || make_invest() || make_refunds() ||
	       make_refund_life() || make_cadres() || make_scores() || make_outcomes() || make_supplies() || make_indicators() ||
	       make(&clients[AGENT], "/api/v1/projects/green-channel", GREEN_FLAG, "green", NULL) ||
	       make(&clients[AGENT], "/api/v1/resumptions", RESUME("project", "{proj}"), "resume", NULL) || make_packages() ||
	       make_second_factor();
}

static int teardown(void **state)
{
	(void)state;
	for (int c = 0; c < N_CALLERS; c++)
		client_free(&clients[c]);
	client_free(&other_channel);
	server_down(&server);
	return 0;
}

/* ---- matching a row to its route ---- */

/* Does the row's path (query string and placeholders aside) fit the route pattern? */
static bool path_fits(const char *path, const char *pattern)
{
	size_t path_len = strcspn(path, "?");
	const char *p = path, *end = path + path_len, *q = pattern;
	while (p < end && *q) {
		if (*p != '/' || *q != '/')
			return false;
		p++, q++;
		size_t pn = strcspn(p, "/?"), qn = strcspn(q, "/");
		if (p + pn > end)
			pn = (size_t)(end - p);
		bool param = qn > 2 && q[0] == '{' && q[qn - 1] == '}';
		if (param ? pn == 0 : (pn != qn || memcmp(p, q, qn) != 0))
			return false;
		p += pn, q += qn;
	}
	return p == end && !*q;
}

static const struct route_def *row_route(const struct row *row)
{
	for (size_t i = 0; i < route_count; i++)
		if (strcmp(route_table[i].method, row->method) == 0 && path_fits(row->path, route_table[i].pattern))
			return &route_table[i];
	return NULL;
}

/* ---- running the matrix ---- */

/* Copy tmpl to out with {user:NAME}, {me} and {FIXTURE} replaced. */
static void expand(const char *tmpl, enum caller who, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = tmpl; *p && n + 1 < size;) {
		if (strncmp(p, "{me}", 4) == 0) {
			n += (size_t)snprintf(out + n, size - n, "%s", callers[who].username);
			p += 4;
		} else if (strncmp(p, "{totp}", 6) == 0) { /* the code the caller's authenticator shows now */
			char code[7];
			totp_code_now(&server, callers[who].username, code);
			n += (size_t)snprintf(out + n, size - n, "%s", code);
			p += 6;
		} else if (*p == '{' && fixture_named(p + 1, strcspn(p + 1, "}"))) {
			size_t len = strcspn(p + 1, "}");
			struct fixture *f = fixture_named(p + 1, len);
			if (!f->value[0])
				fail_msg("matrix: fixture '%s' was not made for %s", f->name, tmpl);
			n += (size_t)snprintf(out + n, size - n, "%s", f->value);
			p += 1 + len + 1;
		} else if (strncmp(p, "{user:", 6) == 0) {
			size_t len = strcspn(p + 6, "}");
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)len, p + 6);
			long long id = user_id(name);
			if (id <= 0)
				fail_msg("matrix: no user '%s' for %s", name, tmpl);
			n += (size_t)snprintf(out + n, size - n, "%lld", id);
			p += 6 + len + 1;
		} else {
			out[n++] = *p++;
		}
	}
	out[n < size ? n : size - 1] = 0;
}

/* What a refused request must leave as it was. */
static const char *const footprint_sql[] = {
    "SELECT count(*) FROM audit_log",
    "SELECT count(*) FROM users",
    "SELECT count(*) FROM sessions",
    "SELECT count(*) FROM orgs",
    "SELECT count(*) FROM voucher_campaigns",
    "SELECT count(*) FROM voucher_rounds",
    "SELECT count(*) FROM voucher_kinds",
    "SELECT count(*) FROM merchants",
    "SELECT count(*) FROM vouchers",
    "SELECT count(*) FROM voucher_redemptions",
    "SELECT count(*) FROM voucher_redemptions WHERE reversed_at IS NOT NULL",
    "SELECT count(*) FROM enterprises",
    "SELECT count(*) FROM enterprise_users",
    "SELECT count(*) FROM problems",
    "SELECT count(*) FROM problem_events",
    "SELECT count(*) FROM projects",
    "SELECT count(*) FROM project_plans",
    "SELECT count(*) FROM project_events",
    "SELECT count(*) FROM project_followups",
    "SELECT count(*) FROM project_inspections WHERE done_on IS NOT NULL",
    "SELECT count(*) FROM project_milestones WHERE actual IS NOT NULL",
    "SELECT count(*) FROM project_items WHERE status <> 'pending'",
    "SELECT count(*) FROM approval_items",
    "SELECT sum(value) FROM project_settings",
    "SELECT count(*) FROM leads",
    "SELECT count(*) FROM leads WHERE stage <> 'lead' OR project_id IS NOT NULL",
    "SELECT count(*) FROM lead_events",
    "SELECT count(*) FROM lead_shares",
    "SELECT count(*) FROM lead_transfers WHERE status <> 'offered'",
    "SELECT count(*) FROM key_enterprises",
    "SELECT count(*) FROM visits",
    "SELECT count(*) FROM signers",
    "SELECT count(*) FROM ceremonies",
    "SELECT count(*) FROM agreements",
    "SELECT count(*) FROM signing_ledger",
    "SELECT count(*) FROM refund_imports",
    "SELECT count(*) FROM refund_rolls",
    "SELECT count(*) FROM refund_lists",
    "SELECT count(*) FROM refund_policy_versions",
    "SELECT count(*) FROM refund_batches",
    "SELECT count(*) FROM refund_decisions",
    "SELECT count(*) FROM refund_decisions WHERE state <> 'decided'",
    "SELECT count(*) FROM refund_batches WHERE state <> 'decided'",
    "SELECT count(*) FROM refund_objections",
    "SELECT count(*) FROM refund_accounts",
    "SELECT count(*) FROM refund_account_changes",
    "SELECT count(*) FROM refund_payments",
    "SELECT count(*) FROM refund_recoveries",
    "SELECT count(*) FROM notices WHERE read_at IS NOT NULL",
    "SELECT count(*) FROM second_factors WHERE confirmed_at IS NOT NULL",
    "SELECT count(*) FROM recovery_codes WHERE used_at IS NULL",
    "SELECT count(*) FROM officials",
    "SELECT count(*) FROM central_tasks",
    "SELECT count(*) FROM frontline_entries",
    "SELECT count(*) FROM frontline_entries WHERE confirmed_at IS NOT NULL",
    "SELECT count(*) FROM cadre_outcomes",
    "SELECT count(*) FROM reserve_pool",
    "SELECT count(*) FROM reserve_pool WHERE left_at IS NOT NULL",
    "SELECT count(*) FROM care_measures",
    "SELECT count(*) FROM assessment_groups",
    "SELECT count(*) FROM assessment_sittings",
    "SELECT count(*) FROM assessment_visits WHERE closed_at IS NULL",
    "SELECT coalesce(sum(score), 0) FROM assessment_judgements",
    "SELECT count(*) FROM assessment_schemes",
    "SELECT count(*) FROM assessments",
    "SELECT count(*) FROM assessments WHERE state <> 'draft'",
    "SELECT count(*) FROM assessment_scores",
    "SELECT count(*) FROM assessment_raters",
    "SELECT count(*) FROM assessment_raters WHERE answered = 1",
    "SELECT count(*) FROM assessment_survey_answers",
    "SELECT count(*) FROM assessment_results",
    "SELECT count(*) FROM assessment_objections",
    "SELECT count(*) FROM assessment_objections WHERE state <> 'open'",
    "SELECT count(*) FROM supply_sites",
    "SELECT count(*) FROM supply_members",
    "SELECT count(*) FROM supply_ledger",
    "SELECT count(*) FROM supply_requests",
    "SELECT count(*) FROM supply_transfers WHERE received_at IS NOT NULL",
    "SELECT sum(value) FROM supply_settings",
    "SELECT count(*) FROM indicator_values",
    "SELECT coalesce(sum(value), 0) FROM indicator_values",
    "SELECT count(*) FROM indicator_periods",
    "SELECT count(*) FROM indicator_periods WHERE state <> 'submitted'",
    "SELECT count(*) FROM indicator_changes",
    "SELECT count(*) FROM rankings",
    "SELECT count(*) FROM indicators",
    "SELECT coalesce(sum(target), 0) FROM indicator_targets",
    "SELECT count(*) FROM green_cases",
    "SELECT count(*) FROM green_case_steps",
    "SELECT count(*) FROM resumptions",
    "SELECT coalesce(sum(on_site), 0) FROM resumption_days",
    "SELECT count(*) FROM resumption_problems",
    "SELECT count(*) FROM resumption_measures",
    "SELECT count(*) FROM packages",
    "SELECT count(*) FROM packages WHERE stage = 'operating'",
    "SELECT sum(progress) FROM package_parts",
    "SELECT count(*) FROM package_checks",
    "SELECT count(*) FROM package_inspections",
    "SELECT count(*) FROM package_defects WHERE state = 'fixed'",
};

struct footprint {
	long long count[sizeof footprint_sql / sizeof footprint_sql[0]];
};

static struct footprint footprint(void)
{
	struct footprint f;
	db_counts(&server, footprint_sql, sizeof footprint_sql / sizeof footprint_sql[0], f.count);
	return f;
}

static void send_as(enum caller who, const struct row *row, const char *path, const char *body, struct response *r)
{
	struct client *c = &clients[who];
	if (who == CHANNEL) {
		client_signed(c, r, row->method, path, body, 0, NULL);
		return;
	}
	if (who == ANON) /* forget any session a public login row left behind */
		curl_easy_setopt(c->curl, CURLOPT_COOKIELIST, "ALL");
	char csrf[sizeof c->csrf];
	memcpy(csrf, c->csrf, sizeof csrf);
	if (row->flags & NO_CSRF)
		c->csrf[0] = 0;
	client_request(c, r, row->method, path, body, NULL, NULL);
	memcpy(c->csrf, csrf, sizeof csrf);
}

/* Run one row as one caller; returns 1 when the answer is not the expected one. */
static int run_row(size_t i, enum caller who)
{
	const struct row *row = &matrix[i];
	char path[512], body[2048];
	expand(row->path, who, path, sizeof path);
	if (row->body)
		expand(row->body, who, body, sizeof body);
	const struct route_def *route = row_route(row);
	bool denied = (row->status == 401 || row->status == 403 || row->status == 404) && route &&
	              strcmp(route->auth, "public") != 0;
	struct footprint before = denied ? footprint() : (struct footprint){0};
	struct response r;
	send_as(who, row, path, row->body ? body : NULL, &r);
	int bad = 0;
	if (r.status != row->status || (row->code && strcmp(error_code(&r), row->code) != 0)) {
		fprintf(stderr, "matrix row %zu: %s %s as %s: expected %ld%s%s, got %ld %s\n", i, row->method, path,
		        callers[who].label, row->status, row->code ? " " : "", row->code ? row->code : "", r.status,
		        r.body);
		bad = 1;
	}
	response_free(&r);
	if (denied) {
		struct footprint after = footprint();
		if (memcmp(&before, &after, sizeof before) != 0) {
			fprintf(stderr, "matrix row %zu: %s %s as %s was refused but wrote to the database\n", i,
			        row->method, path, callers[who].label);
			bad = 1;
		}
	}
	if ((row->flags & RELOGIN) && has_session(who) && login(who) < 0)
		bad = 1;
	return bad;
}

/* Every row, for every caller in it, in order; reports every mismatch before failing. */
static void test_matrix(void **state)
{
	(void)state;
	int failures = 0, checks = 0;
	for (size_t i = 0; i < matrix_rows; i++)
		for (int c = 0; c < N_CALLERS; c++)
			if (matrix[i].callers & B(c)) {
				failures += run_row(i, (enum caller)c);
				checks++;
			}
	if (failures)
		fprintf(stderr, "%d of %d matrix checks failed\n", failures, checks);
	assert_int_equal(failures, 0);
}

/* A module that adds a route without rows fails here.  Each route needs a row that
** succeeds, and, unless public, one for anonymous (401) and, when only some roles
** may use it, one refusing a role (403).  Each row must name a route that exists. */
static void test_matrix_covers_every_route(void **state)
{
	(void)state;
	int missing = 0;
	for (size_t k = 0; k < matrix_rows; k++)
		if (!row_route(&matrix[k])) {
			fprintf(stderr, "matrix row %zu: %s %s matches no route\n", k, matrix[k].method,
			        matrix[k].path);
			missing++;
		}
	for (size_t i = 0; i < route_count; i++) {
		const struct route_def *rt = &route_table[i];
		bool any = false, ok = false, anon401 = false, refused = false;
		for (size_t k = 0; k < matrix_rows; k++) {
			if (row_route(&matrix[k]) != rt)
				continue;
			any = true;
			ok |= matrix[k].status >= 200 && matrix[k].status < 300;
			anon401 |= (matrix[k].callers & B(ANON)) && matrix[k].status == 401;
			refused |= matrix[k].status == 403 && !(matrix[k].flags & NO_CSRF);
		}
		bool is_public = strcmp(rt->auth, "public") == 0, by_role = !is_public && strcmp(rt->auth, "any") != 0;
		if (!any || !ok || (!is_public && !anon401) || (by_role && !refused)) {
			fprintf(stderr, "route %s %s (auth %s) lacks matrix rows:%s%s%s%s\n", rt->method, rt->pattern,
			        rt->auth, any ? "" : " any", ok ? "" : " success",
			        is_public || anon401 ? "" : " anonymous-401", !by_role || refused ? "" : " role-403");
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

/* Each route is tried by every kind of caller, so a new route states its whole policy. */
static void test_matrix_covers_every_caller(void **state)
{
	(void)state;
	int missing = 0;
	for (size_t i = 0; i < route_count; i++) {
		unsigned seen = 0;
		for (size_t k = 0; k < matrix_rows; k++)
			if (row_route(&matrix[k]) == &route_table[i])
				seen |= matrix[k].callers;
		for (int c = 0; c < N_CALLERS; c++)
			if (!(seen & B(c))) {
				fprintf(stderr, "route %s %s: no matrix row for %s\n", route_table[i].method,
				        route_table[i].pattern, callers[c].label);
				missing++;
			}
	}
	assert_int_equal(missing, 0);
}

/* ---- what lists show: only the caller's subtree ---- */

static bool in_subtree(const char *code, const char *root)
{
	size_t n = strlen(root);
	return code && strncmp(code, root, n) == 0 && (code[n] == 0 || code[n] == '-');
}

static json_t *get_items(enum caller who, const char *path, struct response *r)
{
	if (who == CHANNEL)
		client_signed(&clients[who], r, "GET", path, NULL, 0, NULL);
	else
		client_request(&clients[who], r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_true(json_is_array(items));
	return items;
}

static void expect_users_within(enum caller who, const char *root, const char *must_include)
{
	struct response r;
	json_t *items = get_items(who, "/api/v1/users?limit=500", &r), *u;
	size_t i;
	bool found = false;
	json_array_foreach(items, i, u)
	{
		const char *code = json_string_value(json_object_get(json_object_get(u, "org"), "code"));
		if (!in_subtree(code, root))
			fail_msg("%s sees user %s at %s", callers[who].label,
			         json_string_value(json_object_get(u, "username")), code ? code : "?");
		found |= strcmp(json_string_value(json_object_get(u, "username")), must_include) == 0;
	}
	assert_true(found);
	response_free(&r);
}

static void expect_orgs_within(enum caller who, const char *root_path, size_t at_least)
{
	struct response r;
	json_t *items = get_items(who, "/api/v1/orgs", &r), *o;
	size_t i;
	json_array_foreach(items, i, o)
	{
		const char *path = json_string_value(json_object_get(o, "path"));
		if (!path || strncmp(path, root_path, strlen(root_path)) != 0)
			fail_msg("%s sees organisation %s", callers[who].label, path ? path : "?");
	}
	assert_true(json_array_size(items) >= at_least);
	response_free(&r);
}

/* The campaigns who lists: each run by an organisation under root (a code), with and without the given ids. */
static void expect_campaigns_within(enum caller who, const char *root, const char *with, const char *without)
{
	struct response r;
	json_t *items = get_items(who, "/api/v1/vouchers/campaigns", &r), *c;
	size_t i;
	bool found = !with;
	json_array_foreach(items, i, c)
	{
		const char *org = json_string_value(json_object_get(c, "org"));
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(c, "id")));
		if (root && !in_subtree(org, root))
			fail_msg("%s sees campaign %s of %s", callers[who].label, id, org ? org : "?");
		if (without && strcmp(id, without) == 0)
			fail_msg("%s sees campaign %s", callers[who].label, id);
		found |= with && strcmp(id, with) == 0;
	}
	if (!found)
		fail_msg("%s does not see campaign %s", callers[who].label, with);
	response_free(&r);
}

/* The ids of path's items as who sees them: with those fixtures listed, without those not (NULL-terminated lists). */
static void expect_listed(enum caller who, const char *path, const char *const *with, const char *const *without)
{
	struct response r;
	json_t *items = get_items(who, path, &r), *it;
	for (int pass = 0; pass < 2; pass++)
		for (const char *const *f = pass ? without : with; f && *f; f++) {
			const char *want = fixture_named(*f, strlen(*f))->value;
			bool found = false;
			size_t i;
			json_array_foreach(items, i, it)
			{
				char id[24];
				snprintf(id, sizeof id, "%lld",
				         (long long)json_integer_value(json_object_get(it, "id")));
				found |= strcmp(id, want) == 0;
			}
			if (found == (pass == 1))
				fail_msg("%s %s %s {%s}", callers[who].label, pass ? "sees" : "does not see", path, *f);
		}
	response_free(&r);
}

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The audit items about user id (object_type user) that who can see. */
static size_t audit_about_user(enum caller who, long long id)
{
	struct response r;
	json_t *items = get_items(who, "/api/v1/audit?limit=1000", &r), *a;
	size_t i, n = 0;
	char object_id[24];
	snprintf(object_id, sizeof object_id, "%lld", id);
	json_array_foreach(items, i, a)
	{
		n += strcmp(json_string_value(json_object_get(a, "object_type")), "user") == 0 &&
		     strcmp(json_string_value(json_object_get(a, "object_id")), object_id) == 0;
	}
	response_free(&r);
	return n;
}

/* The CSV export of the audit log as who sees it. */
static char *audit_csv(enum caller who)
{
	struct response r;
	client_request(&clients[who], &r, "GET", "/api/v1/audit/export?format=csv", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	char *text = r.body;
	r.body = NULL;
	response_free(&r);
	return text;
}

/* The overview counts what the lists show. */
static void expect_overview_matches_lists(enum caller who)
{
	struct response o, l;
	client_request(&clients[who], &o, "GET", "/api/v1/overview", NULL, NULL, NULL);
	assert_int_equal(o.status, 200);
	json_t *orgs = get_items(who, "/api/v1/orgs", &l);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o.json, "orgs"), "total")),
	                 json_array_size(orgs));
	response_free(&l);
	json_t *users = json_object_get(o.json, "users");
	if (users) {
		json_t *items = get_items(who, "/api/v1/users?limit=500", &l);
		assert_int_equal(json_integer_value(json_object_get(users, "active")) +
		                     json_integer_value(json_object_get(users, "disabled")),
		                 json_array_size(items));
		response_free(&l);
	}
	response_free(&o);
}

static void test_lists_stay_in_scope(void **state)
{
	(void)state;
	expect_users_within(ADMIN_JA, "350111", "ja-officer");
	expect_users_within(LEADER_CL, "350112", "t-cl");
	/* 晋安区 and its five departments; the officer's bureau alone; the key's bureau alone. */
	expect_orgs_within(ADMIN_JA, "/350100/350111/", 6);
	expect_orgs_within(OFFICER, "/350100/350111/350111-tcj/", 1);
	expect_orgs_within(CHANNEL, "/350100/350100-swj/", 1);
	/* A department works in its government's area: the city's bureau picks from the whole city's tree. */
	expect_orgs_within(SWJ, "/350100/", (size_t)db_count(&server, "SELECT count(*) FROM orgs"));
	expect_orgs_within(LEADER_CL, "/350100/350112/", 6);
	/* 长乐's user is created and changed in the log, but 晋安's audit administrator does not see it. */
	long long cl = user_id("t-cl"), ja = user_id("t-ja");
	assert_int_equal(audit_about_user(AUDITOR, cl), 0);
	assert_true(audit_about_user(AUDITOR, ja) >= 1);
	/* The export holds the same scope: "cl-new" was created in 长乐, "ja-new" in 晋安. */
	char *csv = audit_csv(AUDITOR);
	assert_non_null(strstr(csv, "ja-new"));
	assert_null(strstr(csv, "cl-new"));
	free(csv);
	/* Voucher campaigns: the commerce bureau and the city's leader see the city's; 长乐's leader only 长乐's. */
	expect_campaigns_within(SWJ, NULL, fixture_named("campaign", 8)->value, NULL);
	expect_campaigns_within(LEADER, NULL, fixture_named("campaign", 8)->value, NULL);
	expect_campaigns_within(LEADER_CL, "350112", NULL, fixture_named("campaign", 8)->value);
	/* The desk: enterprises on the caller's branch; problems it can see. */
	expect_listed(ADMIN_JA, "/api/v1/enterprises?limit=500", NAMES("ent"), NAMES("ent_cl"));
	expect_listed(LEADER_CL, "/api/v1/enterprises?limit=500", NAMES("ent_cl"), NAMES("ent"));
	expect_listed(LEADER, "/api/v1/enterprises?limit=500", NAMES("ent", "ent_cl"), NULL);
	expect_listed(ENTERPRISE, "/api/v1/enterprises?limit=500", NAMES("ent"), NAMES("ent_cl")); /* its own only */
	expect_listed(ENTERPRISE, "/api/v1/problems?limit=500", NAMES("problem", "p_fgw"), NAMES("problem_cl"));
	expect_listed(LEADER_CL, "/api/v1/problems?limit=500", NAMES("problem_cl"), NAMES("problem", "p_fgw"));
	expect_listed(OFFICER, "/api/v1/problems?limit=500", NAMES("problem", "p_fgw", "p_xzfw"), NAMES("problem_cl"));
	expect_listed(DEPT, "/api/v1/problems?limit=500", NAMES("p_fgw"), NAMES("problem", "p_xzfw", "problem_cl"));
	/* The city's 行政服务中心 serves every district. */
	expect_listed(AGENT, "/api/v1/problems?limit=500", NAMES("p_xzfw", "problem", "p_fgw", "problem_cl"), NULL);
	expect_listed(ADMIN_JA, "/api/v1/problems?limit=500", NAMES("problem", "p_fgw", "p_xzfw"), NAMES("problem_cl"));
	expect_overview_matches_lists(ADMIN_JA);
	expect_overview_matches_lists(LEADER_CL);
	expect_overview_matches_lists(OFFICER);
}

/* The codes of what the query lists that the catalogue object does not hold, as "a, b, c" (empty: none). */
static void unlabelled(const char *sql, json_t *catalogue, char *out, size_t size)
{
	struct db *d = server_db(&server);
	struct db_stmt *st;
	size_t n = 0;
	out[0] = 0;
	assert_int_equal(db_prepare(d, &st, sql, ""), DB_OK);
	while (db_step(st) == DB_ROW) {
		const char *code = db_column_text(st, 0);
		if (!json_object_get(catalogue, code) && n < size)
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "", code);
	}
	db_finalize(st);
	db_close(d);
}

/*
** After the matrix has called every route, every action in the log and every
** field of its details has words in GET /api/v1/audit/actions: a new action
** or detail field written without a label fails here.
*/
static void test_audit_log_in_words(void **state)
{
	(void)state;
	struct response r;
	client_request(&clients[AUDITOR], &r, "GET", "/api/v1/audit/actions", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *actions = json_object(), *a;
	size_t i;
	json_array_foreach(json_object_get(r.json, "actions"), i, a)
	    json_object_set(actions, json_string_value(json_object_get(a, "action")), a);
	char missing[4096];
	assert_true(db_count(&server, "SELECT count(DISTINCT action) FROM audit_log") >= 60);
	unlabelled("SELECT DISTINCT action FROM audit_log ORDER BY action", actions, missing, sizeof missing);
	if (missing[0])
		fail_msg("actions without a label in src/org/audit_actions.c: %s", missing);
	/* Every key at every depth of the details: SQLite's json_tree, PostgreSQL's jsonpath. */
	unlabelled(on_postgres()
	               ? "SELECT DISTINCT k FROM audit_log, jsonb_path_query(audit_log.detail::jsonb, 'lax $.**') v,"
	                 " jsonb_object_keys(CASE jsonb_typeof(v) WHEN 'object' THEN v ELSE '{}' END) k ORDER BY k"
	               : "SELECT DISTINCT t.key FROM audit_log, json_tree(audit_log.detail) t"
	                 " WHERE typeof(t.key) = 'text' ORDER BY t.key",
	           json_object_get(r.json, "fields"), missing, sizeof missing);
	if (missing[0])
		fail_msg("detail fields without a label in src/org/audit_actions.c: %s", missing);
	json_decref(actions);
	response_free(&r);
	/* The log names the objects it can: every kind below, as the district's audit administrator reads it. */
	static const char *const named[] = {
	    "user",       "org",      "project",     "enterprise", "lead",     "voucher_campaign",
	    "merchant",   "official", "supply_site", "problem",    "ceremony", "assessment_group",
	    "assessment", "scheme",   "central_task", "resumption"};
	json_t *kinds = json_object(), *items = get_items(AUDITOR, "/api/v1/audit?limit=1000", &r), *e;
	json_array_foreach(items, i, e)
	{
		const char *type = json_string_value(json_object_get(e, "object_type"));
		for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
			if (strcmp(type, named[k]) == 0 &&
			    strcmp(json_string_value(json_object_get(e, "object_id")), "0") != 0) {
				if (!json_is_string(json_object_get(e, "object_name")))
					fail_msg("%s %s has no name in the log", type,
					         json_string_value(json_object_get(e, "object_id")));
				json_object_set_new(kinds, type, json_true());
			}
	}
	assert_true(json_object_size(kinds) >= 8);
	json_decref(kinds);
	response_free(&r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matrix_covers_every_route),
	    cmocka_unit_test(test_matrix_covers_every_caller),
	    cmocka_unit_test(test_matrix),
	    cmocka_unit_test(test_lists_stay_in_scope),
	    cmocka_unit_test(test_audit_log_in_words),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
