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
import { banyan, launchBrowser, logIn, screenshot, shutDown, startServer, xlsx } from './harness.mjs'

let server, browser
const pages = {}
const ids = {}

const users = [
  ['city-rsj', '市人社局就业科', 'department', '350100-rsj'],
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
  for (const [username, display, role, org] of users)
    banyan(['user', 'add', '--db', server.db, '--username', username, '--name', display, '--role', role, '--org', org, '--password-stdin'], `${username}-password\n`)
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
  assert.match(await first.innerText(), /困难企业名单[\s\S]*[0-9a-f]{12}…[\s\S]*5[\s\S]*city-rsj|市人社局就业科/)
  await shot('rsj', 'r03-imported')
})

test('the bureau makes a policy in the form, tries it by district and runs it: the batch shows reasons and the working', async () => {
  const page = pages.rsj
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
  await page.locator('.el-form-item__error', { hasText: 'rate_bp' }).waitFor()
  assert.equal(sql('SELECT count(*) FROM refund_policies'), '0')
  await page.fill('[data-test=rule-rate]', '5.5')
  await page.fill('[data-test=rule-payer]', '35050188000000001')
  await shot('rsj', 'r04-policy-form')
  await page.click('[data-test=policy-save]')
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
  // The dry run names districts by code; a department's /orgs holds no districts to name them by (see the report).
  assert.match(await page.locator('[data-test=dry-run-table] .el-table__row', { hasText: /马尾区|350105/ }).innerText(), /(马尾区|350105)\s+1\s+58\s+44\.89\s+0/)
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
