/*
** The audit log in words: every action banyan writes, with its Chinese and
** English label, its module and the kind of object it is about, and labels
** for the fields its details hold.  The console shows these instead of
** codes; tests/api/test_access.c fails when the log holds an action that is
** not listed here, so a new action cannot go unlabelled.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "org/org.h"

struct label {
	const char *code, *zh, *en;
};

static const struct label modules[] = {
    {"session", "登录与会话", "Sign-in"},
    {"user", "账号", "Accounts"},
    {"org", "组织机构", "Organisations"},
    {"apikey", "接口密钥", "API keys"},
    {"audit", "审计", "Audit"},
    {"voucher", "消费券", "Vouchers"},
    {"project", "项目", "Projects"},
    {"problem", "问题", "Problems"},
    {"enterprise", "企业", "Enterprises"},
    {"invest", "招商", "Investment promotion"},
    {"indicators", "经济指标", "Economic indicators"},
    {"refunds", "返还", "Refunds"},
    {"cadres", "干部考核", "Cadre assessment"},
    {"supplies", "物资保障", "Supplies"},
    {"resumption", "复工复产", "Work resumption"},
    {"package", "项目包与运营管护", "Packages and upkeep"},
};

static const struct label object_types[] = {
    {"user", "账号", "account"},
    {"throttle", "登录限制", "sign-in throttle"},
    {"org", "单位", "organisation"},
    {"api_key", "接口密钥", "API key"},
    {"audit_key", "审计密钥", "audit key"},
    {"backup", "数据库备份", "backup"},
    {"voucher_campaign", "消费券活动", "voucher campaign"},
    {"voucher_round", "消费券期次", "voucher round"},
    {"voucher_kind", "券种", "voucher kind"},
    {"merchant", "商户", "merchant"},
    {"project", "项目", "project"},
    {"project_item", "审批事项", "project's approval item"},
    {"approval_item", "审批事项目录", "approval item"},
    {"project_settings", "项目设置", "project settings"},
    {"green_case", "特事特办", "green-channel case"},
    {"package", "项目包", "package"},
    {"package_defect", "问题缺陷", "package defect"},
    {"problem", "问题", "problem"},
    {"enterprise", "企业", "enterprise"},
    {"lead", "招商线索", "lead"},
    {"signer", "签约人", "signer"},
    {"ceremony", "签约仪式", "signing ceremony"},
    {"agreement", "协议", "agreement"},
    {"indicator", "指标", "indicator"},
    {"indicator_value", "指标数值", "indicator value"},
    {"indicator_target", "指标目标", "indicator target"},
    {"indicator_period", "指标月份", "indicator month"},
    {"ranking", "排名", "ranking"},
    {"indicator_task", "督办事项", "supervised task"},
    {"indicator_bulletin", "经济运行通报", "bulletin"},
    {"refund_policy", "返还政策", "refund policy"},
    {"refund_import", "返还名单导入", "refund list import"},
    {"refund_batch", "返还批次", "refund batch"},
    {"refund_payment_file", "支付文件", "payment file"},
    {"refund_payment", "支付", "payment"},
    {"refund_recovery", "追回", "recovery"},
    {"refund_objection", "返还异议", "refund objection"},
    {"refund_account_import", "账户导入", "account import"},
    {"refund_account_change", "账户变更", "account change"},
    {"official", "干部", "official"},
    {"central_task", "中心工作", "central task"},
    {"frontline_entry", "一线记实", "frontline entry"},
    {"scheme", "考核方案", "assessment scheme"},
    {"assessment", "考核", "assessment"},
    {"assessment_group", "考核组", "assessment group"},
    {"objection", "考核异议", "objection"},
    {"reserve", "后备干部", "reserve"},
    {"care", "关爱记录", "care record"},
    {"outcome", "考核结果运用", "outcome"},
    {"supply_site", "隔离点", "quarantine site"},
    {"supply_item", "物资品种", "supply item"},
    {"supply_member", "隔离点人员", "site member"},
    {"supply_receipt", "入库单", "receipt"},
    {"supply_ledger", "出库记录", "issue"},
    {"supply_request", "物资申请", "supply request"},
    {"supply_transfer", "调拨", "transfer"},
    {"supply_settings", "物资设置", "supplies settings"},
    {"resumption", "复工记录", "resumption record"},
};

/* action, Chinese, English, object type; the module is the action's first word. */
static const struct {
	const char *action, *zh, *en, *object_type;
} actions[] = {
    {"session.login", "登录", "Signed in", "user"},
    {"session.logout", "退出登录", "Signed out", "user"},
    {"session.login_failed", "登录失败", "Sign-in failed", "user"},
    {"session.login_blocked", "登录被拒(已锁定)", "Sign-in blocked", "user"},
    {"session.login_refused", "登录过于频繁被限制", "Sign-in throttled", "throttle"},
    {"session.challenge", "登录待二次验证", "Second factor asked", "user"},
    {"session.second_factor_failed", "二次验证失败", "Second factor failed", "user"},
    {"user.create", "新建账号", "Account created", "user"},
    {"user.update", "修改账号", "Account changed", "user"},
    {"user.disable", "停用账号", "Account disabled", "user"},
    {"user.enable", "启用账号", "Account enabled", "user"},
    {"user.password_change", "修改密码", "Password changed", "user"},
    {"user.password_change_failed", "修改密码失败", "Password change failed", "user"},
    {"user.password_reset", "重置密码", "Password reset", "user"},
    {"user.password_rehash", "密码加强存储", "Password re-hashed", "user"},
    {"user.second_factor_begin", "开始绑定二次验证", "Second factor set-up begun", "user"},
    {"user.second_factor_enrol", "绑定二次验证", "Second factor enrolled", "user"},
    {"user.second_factor_reset", "重置二次验证", "Second factor reset", "user"},
    {"org.create", "新建单位", "Organisation created", "org"},
    {"org.update", "修改单位", "Organisation changed", "org"},
    {"org.duties", "设置单位职责", "Organisation's duties set", "org"},
    {"apikey.create", "新建接口密钥", "API key created", "api_key"},
    {"apikey.rotate", "轮换接口密钥", "API key rotated", "api_key"},
    {"apikey.disable", "停用接口密钥", "API key disabled", "api_key"},
    {"audit.key_begin", "启用审计密钥", "Audit key begun", "audit_key"},
    {"audit.backup", "备份数据库", "Database backed up", "backup"},
    {"voucher.campaign_create", "新建消费券活动", "Voucher campaign created", "voucher_campaign"},
    {"voucher.round_create", "新建消费券期次", "Voucher round created", "voucher_round"},
    {"voucher.kind_create", "新建券种", "Voucher kind created", "voucher_kind"},
    {"voucher.kind_carry", "券种结转", "Voucher kind carried over", "voucher_kind"},
    {"voucher.merchant_create", "新建商户", "Merchant created", "merchant"},
    {"project.create", "新建项目", "Project created", "project"},
    {"project.plan", "修改项目计划", "Project plan changed", "project"},
    {"project.item", "办理审批事项", "Approval item handled", "project_item"},
    {"project.milestone", "记录节点完成", "Milestone reached", "project"},
    {"project.catalogue", "修改审批事项目录", "Approval catalogue changed", "approval_item"},
    {"project.settings", "修改项目设置", "Project settings changed", "project_settings"},
    {"project.green_flag", "标记特事特办", "Green-channel case flagged", "green_case"},
    {"project.green_step", "记录特事特办环节", "Green-channel step recorded", "green_case"},
    {"problem.submit", "提交问题", "Problem raised", "problem"},
    {"problem.route", "转办问题", "Problem routed", "problem"},
    {"problem.accept", "受理问题", "Problem accepted", "problem"},
    {"problem.start", "开始办理问题", "Problem work started", "problem"},
    {"problem.answer", "答复问题", "Problem answered", "problem"},
    {"problem.confirm", "确认办结问题", "Problem closed", "problem"},
    {"problem.reopen", "重新打开问题", "Problem reopened", "problem"},
    {"problem.comment", "评论问题", "Problem commented", "problem"},
    {"problem.attach", "上传问题附件", "Problem attachment added", "problem"},
    {"problem.escalate", "问题超时升级", "Problem escalated", "problem"},
    {"enterprise.create", "新建企业", "Enterprise created", "enterprise"},
    {"enterprise.account", "新建企业账号", "Enterprise account created", "enterprise"},
    {"invest.key_enterprise", "设为重点企业", "Key enterprise set", "enterprise"},
    {"lead.create", "新建招商线索", "Lead created", "lead"},
    {"lead.stage", "推进线索阶段", "Lead moved on", "lead"},
    {"lead.share", "共享线索", "Lead shared", "lead"},
    {"lead.transfer", "转交线索", "Lead transferred", "lead"},
    {"signer.issue", "发放签约人凭证", "Signer issued", "signer"},
    {"ceremony.create", "新建签约仪式", "Ceremony created", "ceremony"},
    {"agreement.create", "新建签约协议", "Agreement created", "agreement"},
    {"indicators.indicator.create", "新建指标", "Indicator created", "indicator"},
    {"indicators.value.set", "填报指标数值", "Indicator value entered", "indicator_value"},
    {"indicators.value.correct", "更正指标数值", "Indicator value corrected", "indicator_value"},
    {"indicators.target.set", "设定指标目标", "Indicator target set", "indicator_target"},
    {"indicators.period.submit", "报送月度指标", "Month submitted", "indicator_period"},
    {"indicators.period.approve", "审核通过月度指标", "Month approved", "indicator_period"},
    {"indicators.period.return", "退回月度指标", "Month returned", "indicator_period"},
    {"indicators.period.revise", "修订月度指标", "Month revised", "indicator_period"},
    {"indicators.ranking.create", "新建排名", "Ranking created", "ranking"},
    {"indicators.task.create", "发起督办", "Supervised task opened", "indicator_task"},
    {"indicators.task.move", "办理督办事项", "Supervised task moved", "indicator_task"},
    {"indicators.task.note", "报告督办进展", "Supervised task progress", "indicator_task"},
    {"indicators.bulletin.publish", "发布经济运行通报", "Bulletin published", "indicator_bulletin"},
    {"refunds.policy.create", "新建返还政策", "Refund policy created", "refund_policy"},
    {"refunds.policy.version", "修订返还政策", "Refund policy revised", "refund_policy"},
    {"refunds.rolls.import", "导入参保名单", "Rolls imported", "refund_import"},
    {"refunds.list.import", "导入返还名单", "List imported", "refund_import"},
    {"refunds.batch.run", "测算返还批次", "Refund batch run", "refund_batch"},
    {"refunds.batch.publicise", "公示返还批次", "Refund batch publicised", "refund_batch"},
    {"refunds.batch.approve", "审批返还批次", "Refund batch approved", "refund_batch"},
    {"refunds.objection.lodge", "提出返还异议", "Refund objection lodged", "refund_objection"},
    {"refunds.objection.resolve", "处理返还异议", "Refund objection resolved", "refund_objection"},
    {"refunds.payment_file.create", "生成支付文件", "Payment file made", "refund_payment_file"},
    {"refunds.returns.import", "导入银行回盘", "Bank returns imported", "refund_payment_file"},
    {"refunds.payment.resend", "重新支付", "Payment resent", "refund_payment"},
    {"refunds.recovery.open", "发起追回", "Recovery opened", "refund_recovery"},
    {"refunds.recovery.close", "完成追回", "Recovery closed", "refund_recovery"},
    {"refunds.accounts.import", "导入企业账户", "Accounts imported", "refund_account_import"},
    {"refunds.account.change", "申请变更账户", "Account change asked", "refund_account_change"},
    {"refunds.account.resolve", "处理账户变更", "Account change resolved", "refund_account_change"},
    {"cadres.official.create", "新建干部", "Official added", "official"},
    {"cadres.official.read", "查阅干部档案", "Official's file read", "official"},
    {"cadres.frontline.read", "查阅一线记实", "Frontline record read", "official"},
    {"cadres.evidence.read", "查阅考核材料", "Evidence read", "official"},
    {"cadres.assessments.read", "查阅考核情况", "Assessments read", "official"},
    {"cadres.care.read", "查阅关爱记录", "Care records read", "official"},
    {"cadres.outcomes.read", "查阅结果运用", "Outcomes read", "official"},
    {"cadres.task.create", "新建中心工作", "Central task created", "central_task"},
    {"cadres.entry.create", "填报一线记实", "Frontline entry made", "frontline_entry"},
    {"cadres.entry.confirm", "确认一线记实", "Frontline entry confirmed", "frontline_entry"},
    {"cadres.scheme.create", "新建考核方案", "Scheme created", "scheme"},
    {"cadres.assessment.create", "新建考核", "Assessment created", "assessment"},
    {"cadres.assessment.compute", "计算考核得分", "Assessment computed", "assessment"},
    {"cadres.assessment.rank", "考核排名", "Assessment ranked", "assessment"},
    {"cadres.assessment.publicise", "公示考核结果", "Assessment publicised", "assessment"},
    {"cadres.assessment.finalise", "考核定档", "Assessment finalised", "assessment"},
    {"cadres.score.enter", "录入考核分数", "Scores entered", "assessment"},
    {"cadres.survey.invite", "发起民主测评", "Survey invited", "assessment"},
    {"cadres.survey.answer", "提交民主测评", "Survey answered", "assessment"},
    {"cadres.objection.lodge", "提出考核异议", "Objection lodged", "objection"},
    {"cadres.objection.resolve", "处理考核异议", "Objection resolved", "objection"},
    {"cadres.group.create", "新建考核组", "Assessment group created", "assessment_group"},
    {"cadres.sitting.create", "记录列席会议", "Sitting recorded", "assessment_group"},
    {"cadres.visit.create", "记录走访", "Visit recorded", "assessment_group"},
    {"cadres.visit.close", "结束走访", "Visit closed", "assessment_group"},
    {"cadres.judgement.create", "填写考核组评价", "Judgement made", "assessment_group"},
    {"cadres.judgement.revise", "修改考核组评价", "Judgement revised", "assessment_group"},
    {"cadres.reserve.enter", "列入后备干部", "Entered the reserve", "reserve"},
    {"cadres.reserve.leave", "移出后备干部", "Left the reserve", "reserve"},
    {"cadres.care.create", "新建关爱记录", "Care recorded", "care"},
    {"cadres.outcome.create", "记录结果运用", "Outcome recorded", "outcome"},
    {"supplies.site.create", "新建隔离点", "Site created", "supply_site"},
    {"supplies.item.create", "新建物资品种", "Supply item created", "supply_item"},
    {"supplies.member.create", "新增隔离点人员", "Site member added", "supply_member"},
    {"supplies.occupancy", "填报在隔人数", "Occupancy reported", "supply_site"},
    {"supplies.settings", "修改物资设置", "Supplies settings changed", "supply_settings"},
    {"supplies.receipt", "物资入库", "Supplies received", "supply_receipt"},
    {"supplies.issue", "物资出库", "Supplies issued", "supply_ledger"},
    {"supplies.consumption", "填报物资消耗", "Consumption reported", "supply_site"},
    {"supplies.request", "提交物资申请", "Supplies requested", "supply_request"},
    {"supplies.fulfil", "调拨物资", "Request fulfilled", "supply_request"},
    {"supplies.receive", "确认收到调拨", "Transfer received", "supply_transfer"},
    {"resumption.record", "登记复工复产", "Resumption recorded", "resumption"},
    {"resumption.update", "修改复工记录", "Resumption record changed", "resumption"},
    {"resumption.day", "填报每日到岗", "Day's arrivals recorded", "resumption"},
    {"resumption.problem", "关联复工难题", "Blocking problem linked", "resumption"},
    {"package.create", "新建项目包", "Package created", "package"},
    {"package.progress", "更新组成部分进度", "Part's progress recorded", "package"},
    {"package.licence", "取得运营许可证", "Operation licence recorded", "package"},
    {"package.check", "设置管护巡查", "Maintenance check added", "package"},
    {"package.inspection", "登记管护巡查", "Maintenance inspection recorded", "package"},
    {"package.defect_fix", "问题缺陷整改完成", "Defect fixed", "package_defect"},
};

/*
** The fields the details hold, one label each wherever they appear; kind
** says how to show the value: "money_fen" (an amount in fen, shown in 元),
** "money_wan" (in 万元), "time" (epoch seconds, shown in Beijing time), "bp"
** (basis points, shown as a percentage), "role" (a role's code, which the
** console names); else as it is.
*/
static const struct {
	const char *key, *zh, *en, *kind;
} fields[] = {
    {"a", "运算项A", "Operand A", NULL},
    {"account", "账户", "Account", NULL},
    {"action", "办理动作", "Action", NULL},
    {"actual", "实际日期", "Actual date", NULL},
    {"additive", "可加总", "Additive", NULL},
    {"address", "地址", "Address", NULL},
    {"after", "修改后", "After", NULL},
    {"agent", "代办员", "Agent", NULL},
    {"amount", "金额口径", "Amount basis", NULL},
    {"amount_fen", "金额", "Amount", "money_fen"},
    {"amount_wan", "金额", "Amount", "money_wan"},
    {"applicant", "申请人", "Applicant", NULL},
    {"approved", "已审批", "Approved", NULL},
    {"arrears_month", "欠费月份", "Month in arrears", NULL},
    {"assessment", "考核", "Assessment", NULL},
    {"at", "时间", "At", NULL},
    {"b", "运算项B", "Operand B", NULL},
    {"back_charter", "包车返岗", "Back by charter", NULL},
    {"back_own", "自行返岗", "Back on their own", NULL},
    {"back_point_to_point", "点对点专车返岗", "Back point to point", NULL},
    {"bank", "开户行", "Bank", NULL},
    {"basic_min", "基本称职分数线", "Basic competence mark", NULL},
    {"basis", "依据", "Basis", NULL},
    {"batch", "批次", "Batch", NULL},
    {"before", "修改前", "Before", NULL},
    {"benefit_fen", "待遇金额", "Benefit", "money_fen"},
    {"benefit_months", "待遇月数", "Benefit months", NULL},
    {"campaign", "消费券活动", "Campaign", NULL},
    {"cap_fen", "上限", "Cap", "money_fen"},
    {"capacity", "容量", "Capacity", NULL},
    {"categories", "类别", "Categories", NULL},
    {"category", "类别", "Category", NULL},
    {"channels", "发放渠道", "Channels", NULL},
    {"code", "编码", "Code", NULL},
    {"cohort", "群体", "Cohort", NULL},
    {"comment", "评价", "Comment", NULL},
    {"competent_min", "称职分数线", "Competence mark", NULL},
    {"content_type", "文件类型", "File type", NULL},
    {"created_at", "创建时间", "Created", NULL},
    {"credit_code", "统一社会信用代码", "Credit code", NULL},
    {"data_revision", "数据修订版", "Figures' revision", NULL},
    {"day", "日期", "Day", NULL},
    {"days", "天数", "Days", NULL},
    {"decided", "决定", "Decided", NULL},
    {"decimals", "小数位数", "Decimals", NULL},
    {"decision", "决定", "Decision", NULL},
    {"defect", "问题缺陷", "Defect", NULL},
    {"department", "部门", "Department", NULL},
    {"description", "说明", "Description", NULL},
    {"disabled", "已停用", "Disabled", NULL},
    {"display_name", "姓名", "Name", NULL},
    {"district", "区县", "District", NULL},
    {"duty_admin", "职责管理员", "Duty administrator", NULL},
    {"eligible", "符合条件", "Eligible", NULL},
    {"end", "结束", "End", NULL},
    {"end_month", "结束月份", "End month", NULL},
    {"ends_at", "结束时间", "Ends", "time"},
    {"ends_on", "结束日期", "Ends on", NULL},
    {"enrolment", "参保", "Enrolment", NULL},
    {"enterprise", "企业", "Enterprise", NULL},
    {"every_days", "间隔天数", "Every (days)", NULL},
    {"excellent_pct", "优秀比例(%)", "Excellent share (%)", NULL},
    {"exclude_default", "默认排除", "Excluded by default", NULL},
    {"expired", "已过期", "Expired", NULL},
    {"face_fen", "面额", "Face value", "money_fen"},
    {"failed", "失败", "Failed", NULL},
    {"failed_payment", "失败的支付", "Failed payment", NULL},
    {"fallback", "兜底", "Fallback", NULL},
    {"feasible", "可行", "Feasible", NULL},
    {"file", "文件", "File", NULL},
    {"finding", "巡查发现", "Finding", NULL},
    {"formula", "公式", "Formula", NULL},
    {"from", "从", "From", NULL},
    {"from_kind", "原类型", "From kind", NULL},
    {"gate", "控制节点", "Gate", NULL},
    {"group", "考核组", "Group", NULL},
    {"growth", "增速", "Growth", NULL},
    {"held", "已举行", "Held", NULL},
    {"held_on", "举行日期", "Held on", NULL},
    {"hours", "用时(小时)", "Hours", NULL},
    {"id", "编号", "ID", NULL},
    {"indicator", "指标", "Indicator", NULL},
    {"investment_wan", "投资额", "Investment", "money_wan"},
    {"invited", "已邀请", "Invited", NULL},
    {"issuer", "发证机关", "Issued by", NULL},
    {"item", "事项", "Item", NULL},
    {"items", "明细", "Items", NULL},
    {"key_id", "密钥编号", "Key ID", NULL},
    {"kind", "类型", "Kind", NULL},
    {"lead", "线索", "Lead", NULL},
    {"leading_group", "领导班子", "Leading group", NULL},
    {"leads", "线索", "Leads", NULL},
    {"limit_days", "办理时限(天)", "Time limit (days)", NULL},
    {"limit_hours", "办理时限(小时)", "Time limit (hours)", NULL},
    {"lines", "明细", "Lines", NULL},
    {"list", "名单", "List", NULL},
    {"measures", "防疫措施", "Epidemic-control measures", NULL},
    {"meeting", "会议", "Meeting", NULL},
    {"members", "成员", "Members", NULL},
    {"milestone", "节点", "Milestone", NULL},
    {"min_raters", "最少测评人数", "Minimum raters", NULL},
    {"name", "名称", "Name", NULL},
    {"new", "新值", "New", NULL},
    {"next_due", "下次巡查日期", "Next due", NULL},
    {"no_account", "无账户", "Without account", NULL},
    {"no_threshold", "无门槛", "No threshold", NULL},
    {"normal", "运行正常", "Running normally", NULL},
    {"note", "备注", "Note", NULL},
    {"number", "单号", "Number", NULL},
    {"occupants", "在隔人数", "Occupants", NULL},
    {"officer", "经办人", "Officer", NULL},
    {"official", "干部", "Official", NULL},
    {"officials", "干部", "Officials", NULL},
    {"old_score", "原分数", "Former score", NULL},
    {"on_site", "在岗人数", "On site", NULL},
    {"org", "单位", "Organisation", NULL},
    {"org_path", "单位路径", "Organisation path", NULL},
    {"organisation", "单位", "Organisation", NULL},
    {"orgs", "单位", "Organisations", NULL},
    {"outcome", "结果", "Outcome", NULL},
    {"own", "本人", "Own", NULL},
    {"owner", "牵头单位", "Owner", NULL},
    {"package", "项目包", "Package", NULL},
    {"paid", "已支付", "Paid", NULL},
    {"parent", "上级单位", "Parent", NULL},
    {"part", "组成部分", "Part", NULL},
    {"parts", "组成部分", "Parts", NULL},
    {"party", "对方单位", "Party", NULL},
    {"payee_name", "收款人", "Payee", NULL},
    {"people", "人数", "People", NULL},
    {"per_person_limit", "每人限领", "Limit per person", NULL},
    {"period", "期间", "Period", NULL},
    {"period_kind", "期间类型", "Period kind", NULL},
    {"photos", "照片", "Photos", NULL},
    {"place", "地点", "Place", NULL},
    {"policy", "政策", "Policy", NULL},
    {"portion", "时段", "Portion", NULL},
    {"post", "职务", "Post", NULL},
    {"previous_key_id", "原密钥编号", "Previous key ID", NULL},
    {"problem", "问题", "Problem", NULL},
    {"progress", "进度(%)", "Progress (%)", NULL},
    {"project", "项目", "Project", NULL},
    {"public_key", "公钥", "Public key", NULL},
    {"quantity", "数量", "Quantity", NULL},
    {"quota", "数量", "Quota", NULL},
    {"ranked", "已排名", "Ranked", NULL},
    {"rate_bp", "比例", "Rate", "bp"},
    {"raters", "测评人", "Raters", NULL},
    {"rating", "评分", "Rating", NULL},
    {"reason", "原因", "Reason", NULL},
    {"reasons", "原因", "Reasons", NULL},
    {"records", "记录", "Records", NULL},
    {"recovery", "追回", "Recovery", NULL},
    {"red_days", "红灯天数", "Red after (days)", NULL},
    {"redecided", "重新决定", "Decided again", NULL},
    {"relation", "关系", "Relation", NULL},
    {"relaxed_milestones", "放宽目标节点数", "Milestones relaxed", NULL},
    {"require_difficulty", "须填难度", "Difficulty required", NULL},
    {"resolution", "处理结果", "Resolution", NULL},
    {"resumed_on", "复工日期", "Resumed on", NULL},
    {"revision", "修订", "Revision", NULL},
    {"role", "角色", "Role", "role"},
    {"role_label", "角色名称", "Role name", NULL},
    {"round", "期次", "Round", NULL},
    {"rounding", "舍入方式", "Rounding", NULL},
    {"rows", "行数", "Rows", NULL},
    {"rules", "规则", "Rules", NULL},
    {"scheme", "考核方案", "Scheme", NULL},
    {"score", "分数", "Score", NULL},
    {"scored", "已评分", "Scored", NULL},
    {"second_factor", "二次验证", "Second factor", NULL},
    {"severity", "严重程度", "Severity", NULL},
    {"sha256", "文件摘要", "SHA-256", NULL},
    {"shortfall_days", "短缺天数", "Shortfall (days)", NULL},
    {"site", "隔离点", "Site", NULL},
    {"size", "大小", "Size", NULL},
    {"skipped", "跳过", "Skipped", NULL},
    {"small_headcount", "小单位人数", "Small headcount", NULL},
    {"small_rate_bp", "小单位比例", "Small unit rate", "bp"},
    {"source", "来源", "Source", NULL},
    {"span", "时段", "Span", NULL},
    {"start", "开始", "Start", NULL},
    {"start_month", "开始月份", "Start month", NULL},
    {"starts_at", "开始时间", "Starts", "time"},
    {"starts_on", "开始日期", "Starts on", NULL},
    {"status", "状态", "Status", NULL},
    {"step", "环节", "Step", NULL},
    {"stock", "库存", "Stock", NULL},
    {"stopped_on", "停工日期", "Stopped on", NULL},
    {"subjects", "对象", "Subjects", NULL},
    {"target", "目标", "Target", NULL},
    {"task", "中心工作", "Task", NULL},
    {"team", "工作组", "Team", NULL},
    {"terms", "条款", "Terms", NULL},
    {"text", "说明", "Text", NULL},
    {"threshold_fen", "门槛", "Threshold", "money_fen"},
    {"tie_break", "并列规则", "Tie break", NULL},
    {"tie_order", "并列次序", "Tie order", NULL},
    {"title", "标题", "Title", NULL},
    {"to", "到", "To", NULL},
    {"transfer", "调拨", "Transfer", NULL},
    {"unchanged", "未变", "Unchanged", NULL},
    {"unclaimed", "未领取", "Unclaimed", NULL},
    {"unit", "单位", "Unit", NULL},
    {"unit_set", "单位组", "Unit set", NULL},
    {"urgency", "紧急程度", "Urgency", NULL},
    {"user", "账号", "Account", NULL},
    {"username", "用户名", "Username", NULL},
    {"validity_days", "有效天数", "Validity (days)", NULL},
    {"value", "数值", "Value", NULL},
    {"values", "数值", "Values", NULL},
    {"version", "版本", "Version", NULL},
    {"weight", "权重", "Weight", NULL},
    {"with", "随附", "With", NULL},
    {"workforce_needed", "所需人数", "Workforce needed", NULL},
    {"working_days", "工作日", "Working days", NULL},
    {"year", "年度", "Year", NULL},
    {"yellow_days", "黄灯天数", "Yellow after (days)", NULL},
    {"yoy", "同比", "Year on year", NULL},
    {"ytd_growth", "累计增速", "Growth year to date", NULL},
    {NULL, NULL, NULL, NULL},
};

static const struct label *label_of(const struct label *table, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].code, code) == 0)
			return &table[i];
	return NULL;
}

#define LABEL_OF(table, code) label_of(table, sizeof table / sizeof table[0], code)

static int action_index(const char *action, size_t n)
{
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strlen(actions[i].action) == n && strncmp(actions[i].action, action, n) == 0)
			return (int)i;
	return -1;
}

const char *audit_action_label(const char *action)
{
	int i = action_index(action, strlen(action));
	return i < 0 ? action : actions[i].zh;
}

const char *audit_object_label(const char *object_type)
{
	const struct label *o = LABEL_OF(object_types, object_type);
	return o ? o->zh : object_type;
}

const char *audit_actions_unknown(struct arena *a, const char *list)
{
	for (const char *p = list;; p++) {
		size_t n = strcspn(p, ",");
		if (action_index(p, n) < 0)
			return arena_strndup(a, p, n);
		p += n;
		if (!*p)
			return NULL;
	}
}

static int field_index(const char *key)
{
	for (int i = 0; fields[i].key; i++)
		if (strcmp(fields[i].key, key) == 0)
			return i;
	return -1;
}

/* One value in words: money in 元, epoch seconds as Beijing time, objects as their labelled fields. */
static void value_text(FILE *f, const char *kind, json_t *v)
{
	char when[32];
	if (json_is_object(v)) {
		const char *key;
		json_t *inner;
		const char *sep = "";
		fputc('(', f);
		json_object_foreach(v, key, inner)
		{
			int i = field_index(key);
			fprintf(f, "%s%s: ", sep, i < 0 ? key : fields[i].zh);
			value_text(f, i < 0 ? NULL : fields[i].kind, inner);
			sep = ", ";
		}
		fputc(')', f);
	} else if (json_is_string(v)) {
		fputs(json_string_value(v), f);
	} else if (json_is_integer(v) && kind && strcmp(kind, "money_fen") == 0) {
		json_int_t c = json_integer_value(v);
		fprintf(f, "%s%lld.%02lld元", c < 0 ? "-" : "", llabs(c) / 100, llabs(c) % 100);
	} else if (json_is_number(v) && kind && strcmp(kind, "money_wan") == 0) {
		fprintf(f, "%.15g万元", json_number_value(v));
	} else if (json_is_integer(v) && kind && strcmp(kind, "bp") == 0) {
		fprintf(f, "%g%%", (double)json_integer_value(v) / 100);
	} else if (json_is_integer(v) && kind && strcmp(kind, "time") == 0 &&
	           clock_format_iso(json_integer_value(v), when) > 0) {
		fprintf(f, "%.10s %.8s", when, when + 11);
	} else if (json_is_true(v) || json_is_false(v)) {
		fputs(json_is_true(v) ? "是" : "否", f);
	} else {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		fputs(text ? text : "", f);
		free(text);
	}
}

const char *audit_detail_text(struct arena *a, const char *detail_json)
{
	json_t *detail = json_loads(detail_json, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		json_decref(detail);
		return detail_json;
	}
	if (json_is_object(detail))
		value_text(f, NULL, detail);
	fclose(f);
	json_decref(detail);
	/* The outer object's parentheses are not needed. */
	const char *text = len >= 2 ? arena_strndup(a, buf + 1, len - 2) : "";
	free(buf);
	return text;
}

/* The module of an action: its first word, where lead, signer, ceremony and agreement are investment's. */
static const struct label *module_of(const char *action)
{
	static const char *const invest[] = {"lead.", "signer.", "ceremony.", "agreement."};
	for (size_t i = 0; i < sizeof invest / sizeof invest[0]; i++)
		if (strncmp(action, invest[i], strlen(invest[i])) == 0)
			return LABEL_OF(modules, "invest");
	char word[32];
	size_t n = strcspn(action, ".");
	snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), action);
	return LABEL_OF(modules, word);
}

/*
** ROUTE: GET /api/v1/audit/actions
** AUTH: auditor
** SUMMARY: 审计操作目录 Every audit action in words
** {"actions": [{action, module, label_zh, label_en, object_type,
** object_zh, object_en}], "modules": [{code, label_zh, label_en}],
** "fields": {KEY: {label_zh, label_en, kind}}}; the modules in menu order.
*/
void audit_actions(struct request *r)
{
	json_t *list = json_array(), *mods = json_array(), *labels = json_object();
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		const struct label *m = module_of(actions[i].action);
		const struct label *o = LABEL_OF(object_types, actions[i].object_type);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "action",
		                                      actions[i].action, "module", m->code, "label_zh", actions[i].zh,
		                                      "label_en", actions[i].en, "object_type", actions[i].object_type,
		                                      "object_zh", o->zh, "object_en", o->en));
	}
	for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++)
		json_array_append_new(mods, json_pack("{s:s, s:s, s:s}", "code", modules[i].code, "label_zh",
		                                      modules[i].zh, "label_en", modules[i].en));
	for (size_t i = 0; fields[i].key; i++)
		json_object_set_new(labels, fields[i].key,
		                    json_pack("{s:s, s:s, s:s?}", "label_zh", fields[i].zh, "label_en", fields[i].en,
		                              "kind", fields[i].kind));
	reply_json(r, 200, json_pack("{s:o, s:o, s:o}", "actions", list, "modules", mods, "fields", labels));
}
