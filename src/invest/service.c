/*
** Demo data for investment promotion: leads across the districts in every
** stage (one shared, one offered, one dropped), key enterprises with their
** visits, and the Jin'an cloud signing of 5 March 2020 — 17 projects,
** 194.78亿元, every party's Ed25519 signature in the ledger — with one
** ceremony still to sign, for the live screen.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "invest/invest.h"
#include "org/org.h"

/* The 17 agreements Jin'an signed screen to screen, amounts in 万元 (together 1,947,800: 194.78亿元). */
static const struct {
	const char *title, *company, *industry, *stage;
	int amount_wan;
} jinan_signing[] = {
    {"晋安数字经济产业园", "福建数智未来科技有限公司", "数字经济", "started", 300000},
    {"新能源汽车零部件生产基地", "福州锂电动力科技有限公司", "新能源汽车", "producing", 250000},
    {"东部新城商业综合体", "福建榕城置业有限公司", "商贸", "started", 200000},
    {"高端医疗器械产业园", "福州康健医疗器械有限公司", "医疗器械", "registered", 180000},
    {"北峰山文旅康养项目", "福建北峰文旅发展有限公司", "文化旅游", "registered", 150000},
    {"智能制造示范工厂", "福州精工智能装备有限公司", "智能制造", "producing", 120000},
    {"5G 应用创新中心", "福建五洲通信技术有限公司", "信息技术", "started", 110000},
    {"冷链物流枢纽", "福州闽运冷链物流有限公司", "物流", "started", 100000},
    {"生物医药研发基地", "福建海西生物医药有限公司", "生物医药", "registered", 95000},
    {"光电显示材料项目", "福州晶显新材料有限公司", "新材料", "signed", 90000},
    {"总部经济大厦", "福建鼓岭投资集团有限公司", "总部经济", "signed", 80000},
    {"跨境电商产业园", "福州丝路电商有限公司", "电子商务", "producing", 70000},
    {"绿色建材生产线", "福建绿筑建材有限公司", "建材", "registered", 60000},
    {"人工智能算力中心", "福州智算科技有限公司", "信息技术", "started", 50000},
    {"茉莉花茶文化产业园", "福州茉莉春茶业有限公司", "农业", "signed", 40000},
    {"工业互联网平台", "福建工联网络科技有限公司", "信息技术", "registered", 30000},
    {"社区商业连锁项目", "福州邻里商业管理有限公司", "商贸", "signed", 22800},
};

/* Other districts' leads, still on their way. */
static const struct {
	const char *title, *company, *industry, *district, *stage;
	int amount_wan;
} other_leads[] = {
    {"海上风电装备制造基地", "福建海风重工有限公司", "新能源", "350112", "negotiating", 600000},
    {"滨海数据中心", "福州云港数据有限公司", "信息技术", "350112", "lead", 150000},
    {"马尾船舶配套产业园", "福州马江船舶科技有限公司", "船舶", "350105", "negotiating", 80000},
    {"闽侯新材料中试基地", "福建闽新材料研究院有限公司", "新材料", "350121", "lead", 45000},
    {"福清食品冷链加工", "福清元洪食品有限公司", "食品", "350181", "dropped", 30000},
    {"连江海洋牧场", "连江蓝海渔业有限公司", "渔业", "350122", "lead", 25000},
    {"仓山时尚消费街区", "福州仓前时尚商业有限公司", "商贸", "350104", "negotiating", 60000},
    {"平潭跨境物流中心", "平潭海峡物流有限公司", "物流", "350128", "lead", 120000},
};

static int demo_enterprise(struct db *d, const char *name, const char *industry, const char *district, int serial,
                           int64_t now, int64_t *ret_id)
{
	char credit[19];
	snprintf(credit, sizeof credit, "91%sMA2Q%05d", district, serial);
	credit[17] = credit_code_check_char(credit);
	credit[18] = 0;
	int rc = db_run(d,
	                "INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, created_at)"
	                " SELECT ?, ?, id, ?, '投资联络人', '0591-83000000', ? FROM orgs WHERE code = ?",
	                "tttit", name, credit, industry, now, district);
	*ret_id = db_last_insert_id(d);
	return rc;
}

static int demo_lead(struct db *d, const char *title, int64_t enterprise, const char *industry, int amount,
                     const char *district, const char *stage, int64_t officer, int64_t at, int64_t *ret_id)
{
	int rc = db_run(d,
	                "INSERT INTO leads(title, source, enterprise_id, industry, investment_wan, owner_org_id, officer_id,"
	                " stage, drop_reason, created_at, updated_at) SELECT ?1, '线上推介', ?2, ?3, ?4, id, ?5, ?6,"
	                " CASE ?6 WHEN 'dropped' THEN '企业投资计划调整,暂缓' END, ?7, ?7 FROM orgs WHERE code = ?8",
	                "titiitit", title, enterprise, industry, (int64_t)amount, officer, stage, at, district);
	*ret_id = db_last_insert_id(d);
	/* The history: every stage it passed through, a week apart. */
	int last = strcmp(stage, "dropped") == 0 ? 1 : lead_stage_index(stage);
	for (int k = 0; rc == 0 && k <= last; k++)
		rc = db_run(d,
		            "INSERT INTO lead_events(lead_id, at, actor_id, actor, kind, from_stage, to_stage)"
		            " VALUES (?, ?, ?, 'demo', ?, ?, ?)",
		            "iiittt", *ret_id, at + k * 7 * 86400, officer, k ? "stage" : "create",
		            k ? lead_stages[k - 1] : NULL, lead_stages[k]);
	if (rc == 0 && strcmp(stage, "dropped") == 0)
		rc = db_run(d,
		            "INSERT INTO lead_events(lead_id, at, actor_id, actor, kind, from_stage, to_stage, text)"
		            " VALUES (?, ?, ?, 'demo', 'drop', 'negotiating', 'dropped', '企业投资计划调整,暂缓')",
		            "iii", *ret_id, at + 30 * 86400, officer);
	return rc;
}

/* A signer with a fresh key pair; the secret key signs the demo's documents and is then forgotten. */
static int demo_signer(struct db *d, const char *name, const char *organisation, int64_t admin, int64_t now,
                       unsigned char sk[crypto_sign_SECRETKEYBYTES], int64_t *ret_id)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char pk_hex[2 * sizeof pk + 1];
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	int rc = db_run(d, "INSERT INTO signers(name, organisation, public_key, issued_by, issued_at) VALUES (?,?,?,?,?)",
	                "tttii", name, organisation, pk_hex, admin, now);
	*ret_id = db_last_insert_id(d);
	return rc;
}

/* Put an agreement with two parties into a ceremony; sign it with both keys when `sign`. */
static int demo_agreement(struct db *d, int64_t ceremony, int64_t lead, const char *title, int amount,
                          const int64_t signer[2], unsigned char *const sk[2], bool sign, int64_t at)
{
	char document[512], sha[65];
	int len = snprintf(document, sizeof document, "%s 投资合作协议\n甲方:福州市晋安区人民政府\n乙方:项目投资方\n投资额:%d 万元\n",
	                   title, amount);
	unsigned char digest[32];
	crypto_hash_sha256(digest, (const unsigned char *)document, (size_t)len);
	sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
	int rc = db_run(d,
	                "INSERT INTO agreements(ceremony_id, lead_id, title, amount_wan, document_name, document_sha256,"
	                " document, signed_at, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
	                "irtittbri", ceremony, lead, title, (int64_t)amount, "投资合作协议.txt", sha, (const void *)document,
	                (size_t)len, sign ? at : (int64_t)0, at - 86400);
	int64_t id = db_last_insert_id(d);
	static const char *const roles[2] = {"甲方", "乙方"};
	for (int p = 0; rc == 0 && p < 2; p++) {
		unsigned char sig[crypto_sign_BYTES];
		char sig_hex[2 * sizeof sig + 1], pk_hex[65] = "";
		crypto_sign_detached(sig, NULL, digest, sizeof digest, sk[p]);
		sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
		rc = db_run(d, "INSERT INTO agreement_parties(agreement_id, signer_id, role, signature, signed_at) VALUES (?,?,?,?,?)",
		            "iittr", id, signer[p], roles[p], sign ? sig_hex : NULL, sign ? at : (int64_t)0);
		struct db_stmt *s;
		if (rc == 0 && sign && (rc = db_prepare(d, &s, "SELECT public_key FROM signers WHERE id = ?", "i", signer[p])) == 0) {
			if (db_step(s) == DB_ROW)
				snprintf(pk_hex, sizeof pk_hex, "%s", db_column_text(s, 0));
			db_finalize(s);
			rc = signing_ledger_append(d, id, signer[p], sha, pk_hex, sig_hex, at);
		}
	}
	return rc;
}

static int invest_demo(const char *db_path)
{
	struct db *d;
	if (sodium_init() < 0 || db_open(db_path, &d) < 0)
		return -1;
	int64_t now = clock_now(), officer = 0, admin = 0;
	int rc = db_query_int64(d, &officer, "SELECT id FROM users WHERE username = 'jinan-officer'", NULL);
	if (rc == 0)
		rc = db_query_int64(d, &admin, "SELECT id FROM users WHERE username = 'admin'", NULL);
	if (rc == 0)
		rc = db_begin(d);
	/* The Jin'an ceremony of 5 March 2020, 10:00. */
	int64_t held = clock_local_midnight(clock_days_from_civil(2020, 3, 5)) + 10 * 3600, ceremony = 0, gov = 0;
	unsigned char gov_sk[crypto_sign_SECRETKEYBYTES], firm_sk[crypto_sign_SECRETKEYBYTES];
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO ceremonies(title, host_org_id, held_on, created_by, created_at)"
		            " SELECT '晋安区2020年重点项目云签约仪式', id, ?, ?, ? FROM orgs WHERE code = '350111'",
		            "iii", (int64_t)clock_days_from_civil(2020, 3, 5), officer, held - 7 * 86400);
	ceremony = db_last_insert_id(d);
	if (rc == 0)
		rc = demo_signer(d, "晋安区人民政府代表", "福州市晋安区人民政府", admin, held - 7 * 86400, gov_sk, &gov);
	for (size_t i = 0; rc == 0 && i < sizeof jinan_signing / sizeof jinan_signing[0]; i++) {
		int64_t enterprise, lead, firm;
		rc = demo_enterprise(d, jinan_signing[i].company, jinan_signing[i].industry, "350111", (int)i + 1, now, &enterprise);
		if (rc == 0)
			rc = demo_lead(d, jinan_signing[i].title, enterprise, jinan_signing[i].industry, jinan_signing[i].amount_wan,
			               "350111", jinan_signing[i].stage, officer, held - 60 * 86400, &lead);
		if (rc == 0)
			rc = demo_signer(d, "法定代表人", jinan_signing[i].company, admin, held - 7 * 86400, firm_sk, &firm);
		int64_t signers[2] = {gov, firm};
		unsigned char *keys[2] = {gov_sk, firm_sk};
		if (rc == 0)
			rc = demo_agreement(d, ceremony, lead, jinan_signing[i].title, jinan_signing[i].amount_wan, signers, keys,
			                    true, held + (int64_t)i * 120);
		if (rc == 0 && i < 6) /* the larger investors get one-to-one service */
			rc = db_run(d,
			            "INSERT INTO key_enterprises(enterprise_id, officer_id, every_days, assigned_by, assigned_at)"
			            " VALUES (?, ?, 30, ?, ?)",
			            "iiii", enterprise, officer, admin, held);
		if (rc == 0 && i < 6)
			rc = db_run(d,
			            "INSERT INTO visits(enterprise_id, lead_id, officer_id, mode, happened_on, discussed, created_at)"
			            " VALUES (?, ?, ?, ?, ?, '了解项目建设进度、用工和融资需求', ?)",
			            "iiitii", enterprise, lead, officer, i % 2 ? "online" : "onsite",
			            (int64_t)(clock_local_day(now) - 10 - (int)i * 9), now);
	}
	/* Another district's leads, one shared with the city, one offered to 长乐 by 马尾. */
	for (size_t i = 0; rc == 0 && i < sizeof other_leads / sizeof other_leads[0]; i++) {
		int64_t enterprise, lead;
		rc = demo_enterprise(d, other_leads[i].company, other_leads[i].industry, other_leads[i].district, 100 + (int)i,
		                     now, &enterprise);
		if (rc == 0)
			rc = demo_lead(d, other_leads[i].title, enterprise, other_leads[i].industry, other_leads[i].amount_wan,
			               other_leads[i].district, other_leads[i].stage, officer, now - (40 - (int64_t)i) * 86400, &lead);
		if (rc == 0 && i == 0)
			rc = db_run(d,
			            "INSERT INTO lead_shares(lead_id, org_id, shared_by, shared_at)"
			            " SELECT ?, id, ?, ? FROM orgs WHERE code = '350111'",
			            "iii", lead, officer, now - 5 * 86400);
		if (rc == 0 && i == 2) {
			rc = db_run(d,
			            "INSERT INTO lead_transfers(lead_id, from_org_id, reason, offered_by, offered_at)"
			            " SELECT ?, id, '用地需求大,长乐滨海片区更合适', ?, ? FROM orgs WHERE code = '350105'",
			            "iii", lead, officer, now - 86400);
			int64_t transfer = db_last_insert_id(d);
			if (rc == 0)
				rc = db_run(d,
				            "INSERT INTO lead_transfer_targets(transfer_id, org_id) SELECT ?, id FROM orgs WHERE code = '350112'",
				            "i", transfer);
		}
	}
	/* A ceremony still to sign, for the live screen: three agreements waiting for both parties. */
	int64_t upcoming = 0;
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO ceremonies(title, host_org_id, held_on, created_by, created_at)"
		            " SELECT '晋安区重点项目云签约(第二批)', id, ?, ?, ? FROM orgs WHERE code = '350111'",
		            "iii", (int64_t)clock_local_day(now) + 1, officer, now);
	upcoming = db_last_insert_id(d);
	/* Their parties' secret keys go to a file beside the demo database, so the remote signing page can be tried. */
	char *keys_path = NULL;
	FILE *keys_file = asprintf(&keys_path, "%s.signing-keys.txt", db_path) > 0 ? fopen(keys_path, "w") : NULL;
	if (keys_file)
		fprintf(keys_file, "# banyan demo: secret keys of the parties of ceremony %lld (paste one into /sign/AGREEMENT)\n",
		        (long long)upcoming);
	for (int i = 0; rc == 0 && i < 3; i++) {
		int64_t firm;
		static const char *const titles[] = {"晋安智慧园区二期", "福州东部物流港", "鼓岭文旅小镇"};
		static const int amounts[] = {120000, 85000, 64000};
		rc = demo_signer(d, "法定代表人", titles[i], admin, now, firm_sk, &firm);
		int64_t signers[2] = {gov, firm};
		unsigned char *keys[2] = {gov_sk, firm_sk};
		if (rc == 0)
			rc = demo_agreement(d, upcoming, 0, titles[i], amounts[i], signers, keys, false, now);
		char hex[2 * crypto_sign_SECRETKEYBYTES + 1];
		int64_t agreement = 0;
		if (rc == 0 && keys_file && db_query_int64(d, &agreement, "SELECT max(id) FROM agreements", NULL) == 0) {
			sodium_bin2hex(hex, sizeof hex, firm_sk, crypto_sign_SECRETKEYBYTES);
			fprintf(keys_file, "agreement %lld 乙方 %s signer %lld: %s\n", (long long)agreement, titles[i],
			        (long long)firm, hex);
		}
	}
	if (keys_file) {
		char hex[2 * crypto_sign_SECRETKEYBYTES + 1];
		sodium_bin2hex(hex, sizeof hex, gov_sk, crypto_sign_SECRETKEYBYTES);
		fprintf(keys_file, "every agreement 甲方 晋安区人民政府 signer %lld: %s\n", (long long)gov, hex);
		fclose(keys_file);
	}
	free(keys_path);
	sodium_memzero(gov_sk, sizeof gov_sk);
	sodium_memzero(firm_sk, sizeof firm_sk);
	if (rc == 0)
		rc = db_commit(d);
	else if (db_in_transaction(d))
		db_rollback(d);
	db_close(d);
	return rc < 0 ? -1 : 0;
}

/*
** SERVICE: invest
** SUMMARY: 招商与云签约:演示数据 Investment promotion and cloud signing (demo data)
*/
int invest_service(enum service_phase phase, const char *db_path)
{
	return phase == SERVICE_DEMO ? invest_demo(db_path) : 0;
}
