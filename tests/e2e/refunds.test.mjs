// Job-stabilisation refunds (稳岗返还) in a real browser against the real
// server, its clock stopped in July 2020 (BANYAN_CLOCK): the human resources
// and social security bureau (city-rsj) finds the refunds menu that another
// bureau does not; a rolls file with a bad credit code is refused at its
// line and nothing is imported; the rolls (.xlsx) and the lists (CSV) are
// imported; a policy is made in the form (six months of the 1,290 元
// benefit), tried (dry run: enterprises, people and money by district) and
// run; the batch shows each decision with its reason and the working of its
// amount; the enterprise sees its own decision, why and how much.  Then the
// batch is publicised, the public lodges an objection the bureau upholds,
// the server restarts with its clock after the window, the runner's own
// approval is refused (same person) and a leader approves; the bureau makes
// the payment file, imports the bank's return with a failure, re-sends that
// one to the enterprise's social-insurance account and settles the batch.
// Each step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { addUsers, launchBrowser, logIn, screenshot, shutDown, startServer, xlsx } from './harness.mjs'

let server, browser
const pages = {}
const ids = {}

const users = [
  ['city-rsj', '市人社局就业科', 'department', '350100-rsj'],
  ['city-rsj-admin', '市人社局业务管理员', 'department', '350100-rsj'],
  ['city-fgw', '市发改委综合科', 'department', '350100-fgw'],
  ['rsj-leader', '林分管领导', 'leader', '350100'],
  ['firm-ra', '榕安精密企业账号', 'enterprise', '350111'],
]

// GB 32100-2015: the 18th character of a unified social credit code checks the other 17.
function creditCode(first17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const sum = [...first17].reduce((s, c, i) => s + chars.indexOf(c) * weights[i], 0)
  return first17 + chars[(31 - (sum % 31)) % 31]
}

// Six enterprises, January to June 2020: [name, district, industry, size, insured each month, month in arrears].
const firms = [
  ['福州榕安精密制造有限公司', '350111', '制造', '小型', [20, 20, 20, 19, 19, 19], 0], // eligible: 6 × 1,290 × 19
  ['福州鼓楼海味餐饮有限公司', '350102', '住宿餐饮', '中型', [100, 98, 96, 94, 92, 90], 0], // layoff rate 10% > 5.5%
  ['福州晋安顺达物流有限公司', '350111', '交通运输', '小型', [12, 12, 12, 12, 12, 12], 3], // arrears in March
  ['福州台江信和贸易有限公司', '350103', '批发零售', '微型', [8, 8, 8, 8, 8, 8], 0], // serious default
  ['福州仓山云帆软件有限公司', '350104', '软件信息', '小型', [25, 25, 25, 25, 25, 25], 0], // eligible: 6 × 1,290 × 25
  ['福州马尾海联船舶有限公司', '350105', '制造', '中型', [60, 60, 59, 59, 58, 58], 0], // eligible: 6 × 1,290 × 58
].map(([name, district, industry, size, insured, arrears], i) => ({ code: creditCode(`91${district}MA2RE000${i}`), name, district, industry, size, insured, arrears }))
const [ra, gl, sd, xh, yf, hl] = firms

const rollsHeader = ['统一社会信用代码', '企业名称', '县(市)区', '行业', '规模', '月份', '参保人数', '缴费(分)', '欠费(分)']
const rollsRows = firms.flatMap((f) => f.insured.map((n, m) => [f.code, f.name, f.district, f.industry, f.size, `2020-0${m + 1}`, n, n * 4650, m + 1 === f.arrears ? 120000 : 0]))
const csv = (rows) => `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`

before(async () => {
  server = await startServer(['--second-factor', 'none'], { BANYAN_CLOCK: '2020-07-06T09:00:00+08:00' })
  addUsers(server, users)
  sql("UPDATE users SET duty_admin = 1 WHERE username = 'city-rsj-admin'") // as the system administrator makes one (PATCH /users)
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim()
const shot = (who, file) => screenshot(pages[who], file)
const waitText = (page, selector, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [selector, want])
const menus = (page) => page.locator('[data-test=menu] [data-test^=menu-]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(5)))

async function as(who, username, width = 1366) {
  if (pages[who]) return pages[who]
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  if (username) {
    await logIn(page, server.url, username, `${username}-password`)
    await page.waitForURL(`${server.url}/`)
  }
  pages[who] = page
  return page
}

/** A call to the API from a logged-in page, with its CSRF token. */
function call(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/me')).json()
    const r = await fetch(`/api/v1${p}`, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: b ? JSON.stringify(b) : undefined })
    return { status: r.status, body: await r.json() }
  }, [method, path, body])
}

async function openMenu(page, name) {
  if (!(await page.locator(`[data-test=menu-${name}]`).isVisible())) await page.click('[data-test=menu-group-refunds]')
  await page.click(`[data-test=menu-${name}]`)
}

test('the refunds menu is the human resources and social security bureau\'s (and leaders\'), not another bureau\'s', async () => {
  const rsj = await as('rsj', 'city-rsj')
  await rsj.click('[data-test=menu-group-refunds]')
  const m = await menus(rsj)
  for (const name of ['group-refunds', 'refundImports', 'refundPolicies', 'refundBatches', 'refundObjections', 'refundAccounts', 'refundStats'])
    assert.ok(m.includes(name), `${name} in ${m.join()}`)
  assert.ok(!m.includes('refundMine'))
  const fgw = await as('fgw', 'city-fgw')
  assert.ok(!(await menus(fgw)).some((n) => n.startsWith('refund') || n === 'group-refunds'), 'another bureau has no refunds menu')
  await fgw.goto(`${server.url}/refunds/policies`)
  await fgw.waitForURL(`${server.url}/`) // and the page itself sends it home
  const leader = await as('leader', 'rsj-leader')
  assert.ok((await menus(leader)).includes('group-refunds'), 'leaders read the refunds')
  await fgw.context().close()
  await shot('rsj', 'r01-menu')
})

test('the bureau imports the rolls: a bad credit code is refused at its line, nothing imported; the .xlsx imports, and the lists', async () => {
  const page = pages.rsj
  await openMenu(page, 'refundImports')
  await page.locator('[data-test=imports-table]').waitFor()
  await page.fill('[data-test=import-year] input', '2020')
  const bad = rollsRows.map((r) => [...r])
  bad[1][0] = `${bad[1][0].slice(0, 17)}${bad[1][0][17] === '0' ? '1' : '0'}` // line 3: a wrong check character
  await page.setInputFiles('[data-test=import-file]', { name: '参保台账.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv([rollsHeader, ...bad])}`) })
  await waitText(page, '[data-test=import-rows]', `共 ${rollsRows.length + 1} 行(含表头)`)
  await page.click('[data-test=import-submit]')
  await page.locator('[data-test=import-error]').waitFor()
  assert.match(await page.locator('[data-test=import-error]').innerText(), /第 3 行/)
  assert.equal(await page.locator('[data-test=import-bad-line]').innerText(), `第 3 行:  ${bad[1].join(',')}`)
  assert.equal(sql('SELECT count(*) FROM refund_rolls'), '0', 'all or nothing')
  await shot('rsj', 'r02-import-bad-line')

  await page.setInputFiles('[data-test=import-file]', { name: '参保台账.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx([rollsHeader, ...rollsRows]) })
  await waitText(page, '[data-test=import-rows]', `共 ${rollsRows.length + 1} 行(含表头)`)
  await page.click('[data-test=import-submit]')
  await waitText(page, '[data-test=import-done] .el-alert__title', `已导入 ${rollsRows.length} 行,涉及 6 家企业`)
  assert.equal(sql('SELECT count(*) FROM refund_rolls'), String(rollsRows.length))

  const lists = [['default', [xh]], ['difficulty', [ra, gl, sd, yf, hl]]]
  for (const [kind, list] of lists) {
    await page.click(`[data-test=import-kind-${kind}]`)
    await page.setInputFiles('[data-test=import-file]', { name: `${kind}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv([['统一社会信用代码', '企业名称'], ...list.map((f) => [f.code, f.name])])) })
    await page.click('[data-test=import-submit]')
    await waitText(page, '[data-test=import-done] .el-alert__title', `已导入 ${list.length} 行`)
  }
  // The history: newest first, SHA-256 shortened, who.
  const first = page.locator('[data-test=imports-table] .el-table__row').first()
  await page.locator('[data-test=imports-table] .el-table__row', { hasText: '参保台账' }).waitFor()
  assert.match(await first.innerText(), /困难企业名单[\s\S]*[0-9a-f]{12}…[\s\S]*5[\s\S]*市人社局就业科/, 'who imported, by name')
  await shot('rsj', 'r03-imported')
})

test('the bureau\'s duty administrator makes a policy in the form; its staff try it by district and run it: the batch shows reasons and the working', async () => {
  await openMenu(pages.rsj, 'refundPolicies')
  await pages.rsj.locator('[data-test=policies-table]').waitFor()
  assert.equal(await pages.rsj.locator('[data-test=policy-create]').count(), 0, 'staff run policies, they do not make them')
  let page = await as('rsjAdmin', 'city-rsj-admin')
  await openMenu(page, 'refundPolicies')
  await page.locator('[data-test=policies-table]').waitFor()
  await page.click('[data-test=policy-create]')
  await page.fill('[data-test=policy-code]', '2020-difficulty')
  await page.fill('[data-test=policy-name]', '2020年困难企业稳岗返还')
  await page.fill('[data-test=rule-year] input', '2020')
  await page.locator('[data-test=rule-year] input').blur()
  assert.equal(await page.locator('[data-test=rule-start] input').inputValue(), '2020-01', 'the months follow the year')
  await page.click('[data-test=rule-require-difficulty]')
  await page.click('[data-test=rule-amount-benefit]')
  await page.fill('[data-test=rule-benefit]', '1290')
  await page.fill('[data-test=rule-rate]', '五')
  await page.click('[data-test=policy-save]')
  await page.locator('.el-form-item__error', { hasText: '裁员率上限应为' }).waitFor()
  assert.equal(sql('SELECT count(*) FROM refund_policies'), '0')
  await page.fill('[data-test=rule-rate]', '5.5')
  await page.fill('[data-test=rule-payer]', '35050188000000001')
  await shot('rsjAdmin', 'r04-policy-form')
  await page.click('[data-test=policy-save]')
  await page.locator('[data-test=policy-2020-difficulty]').waitFor()
  await page.context().close()
  page = pages.rsj
  await page.reload()
  await page.locator('[data-test=policy-2020-difficulty]').waitFor()
  const rules = JSON.parse(sql('SELECT rules FROM refund_policy_versions'))
  assert.deepEqual([rules.rate_bp, rules.small_rate_bp, rules.small_headcount, rules.benefit_months, rules.benefit_fen, rules.require_difficulty, rules.end_month],
    [550, 2000, 30, 6, 129000, true, '2020-06'])

  await page.click('[data-test=dry-run-2020-difficulty]')
  await page.locator('[data-test=dry-run-table] .el-table__row').first().waitFor()
  // 19 + 25 + 58 people × 6 months × 1,290 元 = 789,480 元.
  assert.equal(await page.locator('[data-test=dry-run-enterprises] .el-statistic__number').innerText(), '3')
  assert.equal(await page.locator('[data-test=dry-run-people] .el-statistic__number').innerText(), '102')
  assert.equal(await page.locator('[data-test=dry-run-amount]').innerText(), '78.95万元')
  assert.equal(await page.locator('[data-test=dry-run-refused] .el-statistic__number').innerText(), '3')
  // Districts by name (the API gives district_name beside the code).
  assert.match(await page.locator('[data-test=dry-run-table] .el-table__row', { hasText: '马尾区' }).innerText(), /马尾区\s+1\s+58\s+44\.89\s+0/)
  await page.locator('[data-test=dry-run-chart] canvas').waitFor()
  assert.equal(sql('SELECT count(*) FROM refund_decisions'), '0', 'a dry run decides nothing')
  await page.waitForTimeout(600) // the chart grows in
  await shot('rsj', 'r05-dry-run')

  await page.click('[data-test=run]')
  const box = page.locator('.el-message-box')
  await box.waitFor()
  assert.match(await box.innerText(), /3 家符合条件,102 人,返还 78\.95万元;3 家不符合条件/)
  await box.locator('button', { hasText: '运行' }).click()
  await page.waitForURL(/\/refunds\/batches\/\d+$/)
  ids.batch = Number(page.url().match(/(\d+)$/)[1])
  await page.locator(`[data-test=decision-reason-${gl.code}]`).waitFor()
  assert.match(await page.locator(`[data-test=decision-reason-${gl.code}]`).innerText(), /裁员率 10\.00% 高于 5\.50%/)
  assert.match(await page.locator(`[data-test=decision-reason-${sd.code}]`).innerText(), /欠缴失业保险费 1,200\.00元/)
  assert.match(await page.locator(`[data-test=decision-reason-${xh.code}]`).innerText(), /严重失信/)
  assert.match(await page.locator('[data-test=total-paid]').innerText(), /0\s*家\s*0\.00万元/, 'the totals read in one unit, nothing paid included')
  assert.equal(await page.locator(`[data-test=decision-amount-${ra.code}]`).innerText(), '147,060.00')
  assert.equal(await page.locator(`[data-test=decision-amount-${gl.code}]`).innerText(), '0.00')
  // The working, so that a person can redo the sum.
  const row = page.locator('[data-test=decisions-table] .el-table__row', { hasText: ra.name })
  await row.locator('.el-table__expand-icon').click()
  const working = page.locator('[data-test^=working-]').first()
  await working.waitFor()
  const text = await working.innerText()
  assert.match(text, /参保人数:2020-01 月 20 人,2020-06 月 19 人/)
  assert.match(text, /裁员率 = \(20 − 19\) ÷ 20 = 5\.00%,上限 20\.00%/)
  assert.match(text, /6 个月 × 月失业保险金 1,290\.00元 × 19 人 = 147,060\.00元/)
  await page.click('[data-test=filter-ineligible]')
  await page.waitForFunction(() => document.querySelectorAll('[data-test=decisions-table] .el-table__row:not(.el-table__expanded-row)').length === 3)
  await page.click('[data-test=decisions-filter] label:first-child')
  await shot('rsj', 'r06-batch-decisions')
})

test('the enterprise sees its own decision: eligible, why, the working and the amount', async () => {
  // The administrator registers the enterprise on the desk and links its account (the desk's own test covers those pages).
  const admin = await as('admin', 'admin')
  const made = await call(admin, 'POST', '/enterprises', { name: ra.name, credit_code: ra.code, district: ra.district, industry: '制造', contact_name: '陈经理', contact_phone: '0591-87654321' })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  const linked = await call(admin, 'POST', `/enterprises/${made.body.id}/accounts`, { username: 'firm-ra' })
  assert.ok(linked.status < 300, JSON.stringify(linked.body))
  await admin.context().close()
  delete pages.admin

  const page = await as('firm', 'firm-ra')
  const m = await menus(page)
  assert.ok(m.includes('refundMine') && !m.includes('group-refunds'), m.join())
  await page.click('[data-test=menu-refundMine]')
  const card = page.locator('[data-test^=mine-]', { hasText: ra.name }).first()
  await card.waitFor()
  assert.equal(await card.locator('[data-test=mine-eligible]').innerText(), '符合条件')
  assert.equal(await card.locator('[data-test=mine-amount]').innerText(), '147,060.00元')
  assert.match(await card.locator('[data-test=mine-reason]').innerText(), /符合条件:裁员率 5\.00% 不高于 20\.00%,无欠费,返还 147,060\.00元/)
  assert.match(await card.innerText(), /6 个月 × 月失业保险金 1,290\.00元 × 19 人 = 147,060\.00元/)
  assert.ok(!(await page.content()).includes(gl.name), 'only its own decisions')
  await shot('firm', 'r07-mine')
})

const decisionOf = (firm) => Number(sql(`SELECT id FROM refund_decisions WHERE credit_code = '${firm.code}'`))
const batchState = () => sql(`SELECT state FROM refund_batches WHERE id = ${ids.batch}`)

/** Restart the server with its clock at instant; the sessions of days before have lapsed: everyone logs in again. */
async function moveClock(instant) {
  for (const who of Object.keys(pages)) {
    await pages[who].context().close()
    delete pages[who]
  }
  await server.restart({ BANYAN_CLOCK: instant })
}

async function openBatch(page) {
  await page.goto(`${server.url}/refunds/batches/${ids.batch}`)
  await page.locator('[data-test=batch-state]').waitFor()
}

test('the bureau publicises the batch for 5 working days; the public list shows name, district and amount, and takes an objection', async () => {
  const page = pages.rsj
  await openBatch(page)
  assert.match(await page.locator('[data-test=next-step]').innerText(), /下一步:公示/)
  await page.click('[data-test=publicise]')
  await page.fill('[data-test=publicity-days] input', '5')
  await page.click('[data-test=publicity-save]')
  // Monday 6 July 2020: the window opens on the next working day and lasts five.
  await waitText(page, '[data-test=batch-publicity]', '2020-07-07 ~ 2020-07-13')
  await waitText(page, '[data-test=batch-state]', '公示中')
  assert.match(await page.locator('[data-test=next-step]').innerText(), /公示中,至 2020-07-13 结束/)
  await shot('rsj', 'r08-publicised')

  // The list is public from the window's first day.
  await moveClock('2020-07-08T09:00:00+08:00')
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
  const pub = await context.newPage()
  pages.public = pub
  await pub.goto(`${server.url}/login`)
  await pub.click('[data-test=to-refund-publicity]') // the public finds it beside the login
  const table = pub.locator('[data-test=publicity-table]')
  await table.locator('.el-table__row').first().waitFor()
  assert.equal(await table.locator('.el-table__row').count(), 3, 'the eligible enterprises only')
  assert.match(await table.locator('.el-table__row', { hasText: hl.name }).innerText(), /马尾区\s+448,920\.00/)
  const text = await pub.locator('body').innerText()
  for (const hidden of [hl.code, ra.code, gl.name, '58'])
    assert.ok(!text.includes(hidden), `the public list does not show ${hidden}`)
  await screenshot(pub, 'r09-public-list')
  await pub.click(`[data-test=object-${decisionOf(yf)}]`)
  await pub.fill('[data-test=objection-reason]', '该企业上半年已整体迁往外省,福州参保人员为挂靠。')
  await pub.fill('[data-test=objection-contact]', '0591-83000000')
  await pub.click('[data-test=objection-submit]')
  await pub.locator('[data-test=objection-done]').waitFor()
  assert.match(await pub.locator('[data-test=objection-done]').innerText(), /异议已受理,编号 \d+/)
  assert.equal(sql("SELECT count(*) FROM refund_objections WHERE state = 'open'"), '1')
  await screenshot(pub, 'r09-public-objection-lodged')
})

test('the open objection is the batch\'s first to-do; upheld, the decision is withdrawn; a leader\'s approval waits for the window', async () => {
  const page = await as('rsj', 'city-rsj')
  await openBatch(page)
  const todo = page.locator('[data-test=todo-objections]')
  await todo.waitFor()
  assert.match(await todo.innerText(), /1 件异议待处理/)
  await shot('rsj', 'r10-batch-todo-objection')
  await page.click('[data-test=todo-objections-link]')
  const row = page.locator('[data-test=objections-table] .el-table__row', { hasText: yf.name })
  await row.waitFor()
  assert.match(await row.innerText(), /该企业上半年已整体迁往外省[\s\S]*0591-83000000/)
  await row.locator('[data-test^=resolve-]').click()
  await page.click('[data-test=resolve-upheld]')
  await page.fill('[data-test=resolve-text]', '经核实,该企业已迁出本市,不符合返还条件。')
  await page.click('[data-test=resolve-save]')
  await page.locator('[data-test=objections-table] .el-table__empty-text').waitFor()
  assert.equal(sql(`SELECT state FROM refund_decisions WHERE id = ${decisionOf(yf)}`), 'withdrawn')

  await openBatch(page)
  await waitText(page, `[data-test=decision-state-${yf.code}]`, '已撤销')
  assert.equal(await page.locator(`[data-test=decision-withdrawn-${yf.code}]`).innerText(), '已撤销:经核实,该企业已迁出本市,不符合返还条件。')
  assert.equal(await page.locator(`[data-test=decision-state-${gl.code}]`).innerText(), '不符合条件')
  const leader = await as('leader', 'rsj-leader')
  await openBatch(leader)
  await leader.click('[data-test=approve]')
  await leader.click('[data-test=approve-save]')
  await leader.locator('[data-test=approve-error]').waitFor()
  assert.match(await leader.locator('[data-test=approve-error]').innerText(), /公示期至 2020-07-13 结束[\s\S]*公示期尚未结束,期满后才能审批/)
  assert.equal(batchState(), 'publicised')
})

test('after the window the runner\'s own approval is refused as the same person; a leader approves', async () => {
  // The window ended on the 13th: the server comes back on the 15th.
  await moveClock('2020-07-15T09:00:00+08:00')
  const page = await as('rsj', 'city-rsj')
  await openBatch(page)
  await waitText(page, '[data-test=batch-state]', '公示结束')
  await page.click('[data-test=approve]')
  await page.click('[data-test=approve-save]')
  const error = page.locator('[data-test=approve-error]')
  await error.waitFor()
  assert.match(await error.innerText(), /运行批次与审批须由不同的人完成/)
  assert.equal(batchState(), 'publicised', 'nothing approved')
  await shot('rsj', 'r11-same-person')
  await page.keyboard.press('Escape')

  const leader = await as('leader', 'rsj-leader')
  await openBatch(leader)
  await leader.click('[data-test=approve]')
  await leader.fill('[data-test=approve-note]', '同意,按规定拨付。')
  await leader.click('[data-test=approve-save]')
  await waitText(leader, '[data-test=batch-state]', '已审批')
  assert.equal(await leader.locator('[data-test=batch-approved-by]').innerText(), '林分管领导', 'the approver by name, not login')
  assert.equal(await leader.locator('[data-test=make-file]').count(), 0, 'a leader approves; the bureau pays')
  await screenshot(leader, 'r12-approved')
})

/** The CSV of the payment file the page links to, as rows of fields. */
async function downloadFile(page, fileId) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-test=file-download-${fileId}]`)])
  return readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','))
}

async function importReturns(page, fileId, lines) {
  await page.click(`[data-test=file-returns-${fileId}]`)
  await page.setInputFiles('[data-test=returns-file]', { name: '回单.csv', mimeType: 'text/csv', buffer: Buffer.from(csv([['参考号', '结果', '银行说明'], ...lines])) })
  await page.locator('[data-test=returns-rows]').waitFor()
  await page.click('[data-test=returns-submit]')
  await page.locator('[data-test=returns-submit]').waitFor({ state: 'hidden' })
}

test('the bureau pays: the payment file, the bank\'s return with a failure, the failed one re-sent to the social-insurance account', async () => {
  const page = pages.rsj
  // The accounts on record come first, as a third list.
  await page.goto(`${server.url}/refunds/imports`)
  await page.click('[data-test=import-kind-accounts]')
  const accounts = [['统一社会信用代码', '户名', '开户银行', '银行账号', '社保缴费账号'],
    [ra.code, ra.name, '兴业银行福州分行', '117010100100000001', '35011100000001'],
    [hl.code, '福州海联船舶公司', '中国银行马尾支行', '409000000000000002', '35010500000002']]
  await page.setInputFiles('[data-test=import-file]', { name: '账户.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(accounts)) })
  await page.click('[data-test=import-submit]')
  await page.locator('[data-test=import-done]').waitFor()

  await openBatch(page)
  assert.match(await page.locator('[data-test=next-step]').innerText(), /下一步:生成支付文件/)
  await page.click('[data-test=make-file]')
  await page.click('[data-test=make-file-save]')
  await page.locator('[data-test=files-table] .el-table__row').first().waitFor()
  assert.match(await page.locator('[data-test=files-table] .el-table__row').first().innerText(), /市人社局就业科/, 'who made the file, by name')
  const first = Number(sql(`SELECT max(id) FROM refund_payment_files WHERE batch_id = ${ids.batch}`))
  const rows = await downloadFile(page, first)
  assert.deepEqual(rows[0], ['付款账号', '收款户名', '收款账号', '开户银行', '金额(元)', '用途/参考号'])
  assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4]]).sort(), [
    ['35050188000000001', ra.name, '117010100100000001', '147060.00'],
    ['35050188000000001', '福州海联船舶公司', '409000000000000002', '448920.00'],
  ])
  const ref = (name) => rows.find((r) => r[1] === name)[5]
  await waitText(page, '[data-test=batch-state]', '支付中')
  await importReturns(page, first, [[ref(ra.name), '成功', ''], [ref('福州海联船舶公司'), '失败', '户名与账号不符']])

  const failed = page.locator('[data-test=todo-failed]')
  await failed.waitFor()
  assert.match(await failed.innerText(), /1 笔支付失败[\s\S]*福州马尾海联船舶有限公司[\s\S]*448,920\.00[\s\S]*户名与账号不符/)
  assert.match(await page.locator('[data-test=total-failed]').innerText(), /1\s*家\s*44\.89万元/)
  await shot('rsj', 'r13-return-failure')
  await page.click(`[data-test=resend-${decisionOf(hl)}]`)
  await page.click('[data-test=resend-fallback]')
  await page.click('[data-test=resend-save]')
  await page.locator('[data-test=todo-failed]').waitFor({ state: 'hidden' })
  assert.match(await page.locator('[data-test=todo-readdressed]').innerText(), /1 笔失败款项已更正收款账户/)

  await page.click('[data-test=make-file]')
  await page.click('[data-test=make-file-save]')
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=files-table] .el-table__row').length === n, 2)
  const second = Number(sql(`SELECT max(id) FROM refund_payment_files WHERE batch_id = ${ids.batch}`))
  const again = await downloadFile(page, second)
  assert.equal(again.length, 2, 'only the re-sent payment')
  assert.equal(again[1][2], '35010500000002', 'to the social-insurance account on record')
  await importReturns(page, second, [[again[1][5], '成功', '']])
  await waitText(page, '[data-test=batch-state]', '已结清')
  assert.match(await page.locator('[data-test=total-paid]').innerText(), /2\s*家\s*59\.60万元/)
  assert.match(await page.locator('[data-test=next-step]').innerText(), /本批已办结/)
  await shot('rsj', 'r14-settled')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await shot('rsj', 'r15-settled-1920')
  await page.setViewportSize({ width: 1366, height: 900 })
})

test('the enterprise sees its money paid and a notice, and corrects its bank account; the bureau accepts the change', async () => {
  const page = await as('firm', 'firm-ra')
  await page.click('[data-test=menu-refundMine]')
  const card = page.locator(`[data-test=mine-${decisionOf(ra)}]`)
  await card.waitFor()
  assert.equal(await card.locator('[data-test=mine-state]').innerText(), '已到账')
  assert.match(await card.locator('[data-test=mine-payment]').innerText(), /兴业银行福州分行 117010100100000001/)
  assert.equal(await page.locator('[data-test=notice-bell] sup').innerText(), '2', 'notices of the publicity and the payment')
  await page.click('[data-test=notice-bell] button')
  const notices = page.locator('[data-test^=notice-]:visible:not([data-test=notice-bell])')
  await notices.first().waitFor()
  assert.equal(await notices.count(), 2)
  await page.waitForTimeout(400) // the list fades in
  await shot('firm', 'r16-notices')
  await notices.first().click() // read, and it leads to the decisions
  await page.waitForFunction(() => !document.querySelector('[data-test=notice-bell] sup')?.textContent.includes('2'))
  await page.keyboard.press('Escape')
  await page.click(`[data-test=mine-correct-${ra.code}]`)
  await page.fill('[data-test=mine-bank]', '招商银行福州分行')
  await page.fill('[data-test=mine-account]', '591900000000000003')
  await page.click('[data-test=mine-save]')
  await page.locator(`[data-test=mine-pending-${ra.code}]`).waitFor()
  await page.locator('[data-test=mine-pending]').waitFor()
  await page.locator('.el-overlay-dialog').waitFor({ state: 'hidden' })
  await shot('firm', 'r17-mine-paid-change')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await shot('firm', 'r18-mine-1920')

  const rsj = pages.rsj
  await rsj.goto(`${server.url}/refunds/accounts`)
  const row = rsj.locator('[data-test=changes-table] .el-table__row', { hasText: ra.name })
  await row.waitFor()
  assert.match(await row.innerText(), /兴业银行福州分行 117010100100000001[\s\S]*招商银行福州分行 591900000000000003/)
  await row.locator('[data-test^=change-accept-]').click()
  await rsj.click('[data-test=change-save]')
  await rsj.locator('[data-test=changes-table] .el-table__empty-text').waitFor()
  await page.reload()
  await waitText(page, `[data-test=mine-on-record-${ra.code}]`, `${ra.name} · 招商银行福州分行 591900000000000003`)
})

// GET /api/v1/refunds/stats is refunds-stats' (merged beside refunds-life).
test('the statistics: the article\'s sentence from live data, paid against pending by district and size, and the Excel sheet', async () => {
  const page = pages.rsj
  await openMenu(page, 'refundStats')
  // The settled batch: 19 + 58 people, 147,060 + 448,920 元, all paid; the withdrawn one is not counted.
  await waitText(page, '[data-test=stats-headline]', '惠及2家企业,受惠人数77人,返还资金59.60万元')
  assert.match(await page.locator('[data-test=stats-total]').innerText(), /返还 59\.60万元\(已支付 59\.60万元,待支付 0\.00万元\)/, 'the total line in one unit')
  const rows = page.locator('[data-test=stats-table] .el-table__row')
  await rows.first().waitFor()
  assert.deepEqual((await rows.allInnerTexts()).map((r) => r.split(/\s+/).join(' ')), [
    '马尾区 1 58 44.89 44.89 0.00',
    '晋安区 1 19 14.71 14.71 0.00',
  ])
  await page.locator('[data-test=stats-money-chart] canvas').waitFor()
  await page.click('[data-test=stats-by]')
  await page.click('[data-test=stats-by-size]:visible')
  await page.locator('[data-test=stats-table] .el-table__row', { hasText: '中型' }).waitFor()
  assert.match(await page.locator('[data-test=stats-table] .el-table__row', { hasText: '小型' }).innerText(), /小型\s+1\s+19\s+14\.71/)
  await page.waitForTimeout(600) // the charts grow in
  await shot('rsj', 'r19-stats')
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=stats-export]')])
  assert.ok(download.suggestedFilename().endsWith('.xlsx'), download.suggestedFilename())
  assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), 'PK')
})
