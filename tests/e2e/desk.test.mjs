// The problem desk (问题没解决,服务不停止) in a real browser against the real
// server, each person in their own browser: the 晋安 investment officer
// registers an enterprise (a bad credit code is refused beside its field) and
// raises a labour problem for it; the administrator links the enterprise's
// account; the district's 人社局 finds it in its inbox, accepts and answers;
// the enterprise reopens it, its open page follows the second answer by
// itself (server-sent events) and it confirms with a rating; a leader hands
// another problem to 发改局 with a reason and the timeline shows the
// hand-over, while the old department's attempt is refused on its page; the analysis
// page shows the figures and exports them.  Each step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { banyan, launchBrowser, logIn, screenshot, shutDown, startServer } from './harness.mjs'

let server, browser
const pages = {} // officer, bureau, firm, leader, admin
const ids = {} // enterprise, labour, second

const users = [
  ['ja-officer', '晋安投促专员', 'officer', '350111-tcj'],
  ['ja-rsj', '晋安人社局', 'department', '350111-rsj'],
  ['firm', '源联盛企业账号', 'enterprise', '350111'],
  ['ja-leader', '晋安区领导', 'leader', '350111'],
]

before(async () => {
  server = await startServer()
  for (const [username, name, role, org] of users)
    banyan(['user', 'add', '--db', server.db, '--username', username, '--name', name, '--role', role, '--org', org, '--password-stdin'], `${username}-password\n`)
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim()
const shot = (who, name) => screenshot(pages[who], name)
const waitText = (page, selector, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [selector, want])

/** A browser of its own for each person, logged in. */
async function as(who, username, password = `${username}-password`) {
  if (pages[who]) return pages[who]
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true })
  const page = await context.newPage()
  await logIn(page, server.url, username, password)
  await page.waitForURL(`${server.url}/`)
  pages[who] = page
  return page
}

const menus = async (page) => page.locator('[data-test=menu] [data-test^=menu-]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(5)))

/** Raise a problem through the dialog on the problems page; returns its id from the address it lands on. */
async function raise(page, category, title, description) {
  await page.click('[data-test=menu-deskProblems]')
  await page.click('[data-test=problem-raise]')
  await page.click('[data-test=raise-enterprise]')
  await page.click(`[data-test=enterprise-${ids.enterprise}]:visible`)
  await page.click('[data-test=raise-category]')
  await page.click(`[data-test=raise-category-${category}]:visible`)
  await page.fill('[data-test=raise-title]', title)
  await page.fill('[data-test=raise-description]', description)
  return page
}

/** Save the dialog: the new problem is highlighted in the list; open it.  Returns its id. */
async function save(page) {
  await page.click('[data-test=save-problem]')
  const fresh = page.locator('[data-test=problems-all] [data-test^=fresh-]')
  await fresh.waitFor()
  const id = Number((await fresh.getAttribute('data-test')).slice('fresh-'.length))
  await page.click(`[data-test=problems-all] [data-test=problem-${id}]`)
  await page.waitForURL(/\/desk\/problems\/\d+$/)
  await page.locator('[data-test=problem-title]').waitFor()
  return id
}

test('the officer registers an enterprise; a bad credit code is refused beside its field', async () => {
  const page = await as('officer', 'ja-officer')
  assert.deepEqual((await menus(page)).filter((m) => m.startsWith('desk')), ['deskProblems', 'deskEnterprises'])
  await page.click('[data-test=menu-deskEnterprises]')
  await page.locator('[data-test=enterprise-table]').waitFor()
  await page.click('[data-test=enterprise-create]')
  await page.fill('[data-test=enterprise-name]', '福州源联盛医疗器械有限公司')
  await page.fill('[data-test=enterprise-credit-code]', '91350111MA2AB0124X')
  await page.click('[data-test=enterprise-district]')
  await page.click('[data-test=district-350111]:visible')
  await page.fill('[data-test=enterprise-industry]', '医疗器械')
  await page.fill('[data-test=enterprise-contact]', '林经理')
  await page.fill('[data-test=enterprise-phone]', '0591-12345678')
  await page.click('[data-test=save-enterprise]')
  const error = page.locator('[data-test=enterprise-credit-code-item] .el-form-item__error')
  await error.waitFor()
  assert.match(await error.innerText(), /校验位|信用代码/)
  assert.equal(sql('SELECT count(*) FROM enterprises'), '0')
  await shot('officer', 'd01-enterprise-credit-code-error')
  await page.fill('[data-test=enterprise-credit-code]', '91350111MA2AB0123Y')
  await page.click('[data-test=save-enterprise]')
  await page.locator('[data-test=save-enterprise]').waitFor({ state: 'hidden' })
  await page.locator('[data-test=enterprise-table] >> text=福州源联盛医疗器械有限公司').waitFor()
  ids.enterprise = Number(sql("SELECT id FROM enterprises WHERE credit_code = '91350111MA2AB0123Y'"))
  assert.ok(ids.enterprise)
  await shot('officer', 'd02-enterprise-registered')
})

test('the administrator links the enterprise account on the enterprises page', async () => {
  const page = await as('admin', 'admin', 'admin-password')
  await page.click('[data-test=menu-deskEnterprises]')
  await page.click(`[data-test=enterprise-link-${ids.enterprise}]`)
  await page.fill('[data-test=link-username]', 'nobody')
  await page.click('[data-test=save-link]')
  await page.locator('.el-dialog .el-form-item__error >> text=/没有这个企业角色的账号/').waitFor()
  await page.fill('[data-test=link-username]', 'firm')
  await page.click('[data-test=save-link]')
  await page.locator('[data-test=save-link]').waitFor({ state: 'hidden' })
  assert.equal(sql('SELECT count(*) FROM enterprise_users'), '1')
})

test('the officer raises a labour problem for the enterprise; it goes to the district 人社局', async () => {
  const page = await raise(pages.officer, 'labour', '招工难,缺熟练工 200 人', '新生产线投产,急需熟练工。')
  // Before saving, the form says where it will go and by when (the server's routing preview).
  await waitText(page, '[data-test=raise-department]', '晋安区人力资源和社会保障局')
  assert.match(await page.locator('[data-test=raise-deadlines]').innerText(), /^答复不晚于 \d{4}-\d{2}-\d{2},办结不晚于 \d{4}-\d{2}-\d{2}$/)
  assert.equal(sql('SELECT count(*) FROM problems'), '0', 'nothing saved by the preview')
  await shot('officer', 'd03-raise-dialog')
  // Saved, it is highlighted in the list, scrolled into view.
  await page.click('[data-test=save-problem]')
  const fresh = page.locator('[data-test=problems-all] tr.fresh-row')
  await fresh.waitFor()
  ids.labour = Number(sql("SELECT id FROM problems WHERE title = '招工难,缺熟练工 200 人'"))
  assert.equal(await fresh.locator(`[data-test=problem-${ids.labour}]`).count(), 1)
  await page.waitForTimeout(500) // the smooth scroll
  assert.ok(await fresh.evaluate((tr) => { const b = tr.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight }), 'the new row is in view')
  await shot('officer', 'd03b-problem-highlighted')
  await page.click(`[data-test=problems-all] [data-test=problem-${ids.labour}]`)
  await page.waitForURL(/\/desk\/problems\/\d+$/)
  assert.equal(await page.locator('[data-test=problem-department]').innerText(), '晋安区人力资源和社会保障局')
  assert.equal(await page.locator('[data-test=problem-status]').innerText(), '待受理')
  assert.equal(await page.locator('[data-test=problem-light-text]').innerText(), '正常')
  // Not the officer's step: no department buttons.
  assert.equal(await page.locator('[data-test=action-accept]').count(), 0)
  await shot('officer', 'd04-problem-raised')
})

test('the department finds it waiting, accepts it and answers it (an empty answer is refused beside the field)', async () => {
  const page = await as('bureau', 'ja-rsj')
  assert.deepEqual((await menus(page)).filter((m) => m.startsWith('desk')), ['deskProblems', 'deskEnterprises', 'deskStats'])
  await page.click('[data-test=menu-deskProblems]')
  await page.locator(`[data-test=problems-waiting] [data-test=problem-${ids.labour}]`).waitFor()
  assert.equal(await page.locator(`[data-test=status-${ids.labour}]`).innerText(), '待受理')
  await page.locator(`[data-test=light-${ids.labour}].green`).waitFor()
  await shot('bureau', 'd05-department-waiting')
  await page.click(`[data-test=problem-${ids.labour}]`)
  await page.click('[data-test=action-accept]')
  await waitText(page, '[data-test=problem-status]', '已受理')
  await page.click('[data-test=action-answer]')
  await page.click('[data-test=action-submit]')
  const error = page.locator('[data-test=action-text-item] .el-form-item__error')
  await error.waitFor()
  assert.match(await error.innerText(), /请填写说明/)
  await shot('bureau', 'd06-answer-required')
  await page.fill('[data-test=action-text]', '已对接人力资源市场专场招聘,首批到岗 50 人。')
  await page.click('[data-test=action-submit]')
  await waitText(page, '[data-test=problem-status]', '已答复')
  assert.equal(await page.locator('[data-test=action-answer]').count(), 0)
  await page.locator('[data-test=event-answer]').waitFor()
})

test('the enterprise reopens it, sees the second answer arrive by itself, and confirms with a rating', async () => {
  const page = await as('firm', 'firm')
  assert.deepEqual((await menus(page)).filter((m) => m.startsWith('desk')), ['deskProblems'])
  await page.click('[data-test=menu-deskProblems]')
  await page.locator(`[data-test=problems-waiting] [data-test=problem-${ids.labour}]`).waitFor()
  await page.click(`[data-test=problem-${ids.labour}]`)
  await waitText(page, '[data-test=problem-status]', '已答复')
  await page.click('[data-test=action-reopen]')
  await page.fill('[data-test=action-text]', '只到岗 50 人,仍缺 150 人。')
  await page.click('[data-test=action-submit]')
  await waitText(page, '[data-test=problem-status]', '办理中')
  await waitText(page, '[data-test=live]', '实时')
  await page.evaluate(() => { window.__sameDocument = true })

  // The department answers again in its own browser; the enterprise's page follows.
  const bureau = pages.bureau
  await bureau.reload()
  await waitText(bureau, '[data-test=problem-status]', '办理中')
  await bureau.click('[data-test=action-answer]')
  await bureau.fill('[data-test=action-text]', '第二场专场招聘到岗 160 人。')
  await bureau.click('[data-test=action-submit]')
  await waitText(bureau, '[data-test=problem-status]', '已答复')
  await waitText(page, '[data-test=problem-status]', '已答复')
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded')

  await page.click('[data-test=action-confirm]')
  await page.click('[data-test=action-submit]') // no rating yet
  const error = page.locator('[data-test=action-rating-item] .el-form-item__error')
  await error.waitFor()
  assert.match(await error.innerText(), /评分/)
  await page.click('[data-test=action-rating] .el-rate__item:nth-child(4)')
  await page.fill('[data-test=action-comment]', '响应及时,满意')
  await shot('firm', 'd07-confirm-dialog')
  await page.click('[data-test=action-submit]')
  await waitText(page, '[data-test=problem-status]', '已办结')
  assert.equal(sql(`SELECT status, rating, reopened FROM problems WHERE id = ${ids.labour}`), 'closed|4|1')
  const kinds = await page.locator('[data-test=timeline] [data-test^=event-]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(6)))
  assert.deepEqual(kinds, ['submit', 'accept', 'answer', 'reopen', 'answer', 'confirm'])
  // Who acted, by display name, never by login.
  const timeline = await page.locator('[data-test=timeline]').innerText()
  assert.match(timeline, /操作人:晋安人社局/)
  for (const login of ['ja-rsj', 'ja-officer', 'firm']) assert.ok(!timeline.includes(`操作人:${login}`), `no login in the timeline: ${login}`)
  await page.locator('[data-test=problem-rating]').waitFor()
  await shot('firm', 'd08-closed-timeline')
})

test('a leader hands another problem to 发改局; the timeline shows it and the old department is refused', async () => {
  ids.second = await save(await raise(pages.officer, 'labour', '外地员工返岗包车', '春节后外地员工返岗,需协调包车与交通补贴。'))
  const bureau = pages.bureau
  await bureau.goto(`${server.url}/desk/problems/${ids.second}`)
  await waitText(bureau, '[data-test=problem-status]', '待受理')

  const page = await as('leader', 'ja-leader')
  await page.click('[data-test=menu-deskProblems]')
  await page.click('[data-test=desk-tabs] >> text=全部')
  await page.click(`[data-test=problems-all] [data-test=problem-${ids.second}]`)
  await page.locator('[data-test=action-route]').waitFor()
  assert.equal(await page.locator('[data-test=action-accept]').count(), 0)
  await page.click('[data-test=action-route]')
  await page.click('[data-test=route-department]')
  await page.click('[data-test=department-350111-fgj]:visible')
  await page.fill('[data-test=route-reason]', '涉及交通补贴,发改局牵头')
  await shot('leader', 'd09-route-dialog')
  await page.click('[data-test=action-submit]')
  await waitText(page, '[data-test=problem-department]', '晋安区发展和改革局')
  const handover = page.locator('[data-test=event-route] [data-test=handover]')
  await handover.waitFor()
  assert.equal(await handover.innerText(), '晋安区人力资源和社会保障局 → 晋安区发展和改革局')
  await page.locator('[data-test=event-route] >> text=涉及交通补贴,发改局牵头').waitFor()
  await shot('leader', 'd10-handed-over')

  // The 人社局's open page still offers to accept; the problem is no longer its
  // own (a department sees only what it owns), the server refuses, the page says so.
  await bureau.click('[data-test=action-accept]')
  const refused = bureau.locator('[data-test=action-error]')
  await refused.waitFor()
  assert.match(await refused.innerText(), /问题不存在|此操作不属于您/)
  assert.equal(sql(`SELECT status FROM problems WHERE id = ${ids.second}`), 'submitted')
  await shot('bureau', 'd11-refused-after-hand-over')
})

test('the analysis page shows the figures, draws the charts and exports the tables', async () => {
  const page = pages.leader
  await page.click('[data-test=menu-deskStats]')
  await waitText(page, '[data-test=stat-total] .value', '2')
  const value = (key) => page.locator(`[data-test=stat-${key}] .value`).innerText()
  assert.equal(await value('overdue'), '0')
  assert.equal(await value('escalated'), '0')
  assert.equal(await value('onTime'), '100.0%')
  assert.equal(await value('satisfaction'), '4.00')
  assert.match(await value('medianAccept'), /^\d+ 分钟$/) // moments, in this test
  assert.match(await value('medianSolve'), /^\d+ 分钟$/)
  await page.locator('[data-test=department-chart] canvas').waitFor()
  await page.locator('[data-test=category-chart] canvas').waitFor()
  await page.locator('[data-test=stats-table-category] >> text=用工').waitFor()
  await page.click('[data-test=table-department]')
  await page.locator('[data-test=stats-table-department] >> text=晋安区发展和改革局').waitFor()
  await page.locator('[data-test=stat-total]').scrollIntoViewIfNeeded()
  await page.waitForTimeout(1500) // the charts grow in
  await shot('leader', 'd12-stats-1366x768')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.waitForTimeout(1000)
  await shot('leader', 'd13-stats-1920x1080')
  await page.setViewportSize({ width: 1366, height: 768 })

  for (const [button, suffix] of [['export-xlsx', '.xlsx'], ['export-csv', '.csv']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-test=${button}]`)])
    assert.ok(download.suggestedFilename().endsWith(suffix), download.suggestedFilename())
    const file = readFileSync(await download.path())
    if (suffix === '.xlsx') assert.equal(file.subarray(0, 2).toString(), 'PK')
    else assert.match(file.toString('utf8'), /晋安区发展和改革局/)
  }
})

test('English shows the desk in English', async () => {
  const page = pages.firm
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item >> text=English')
  await page.locator('[data-test=menu-deskProblems] >> text=Problem desk').waitFor()
  await waitText(page, '[data-test=problem-status]', 'Closed')
  await page.waitForTimeout(500)
  await shot('firm', 'd14-problem-english')
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item >> text=中文')
  await waitText(page, '[data-test=problem-status]', '已办结')
})

test('the leaders\' screen\'s link to a department\'s overdue problems lands on the list filtered', async () => {
  // The problem handed to 发改局 waits to be accepted: its deadline passes.
  sql(`UPDATE problems SET accept_due = 1 WHERE id = ${ids.second}`)
  const department = (code) => sql(`SELECT id FROM orgs WHERE code = '${code}'`)
  const page = pages.leader
  const screen = await page.evaluate(async () => (await fetch('/api/v1/indicators/screen/problems')).json())
  const link = screen.items?.find((it) => it.department.name === '晋安区发展和改革局')?.route
  assert.equal(link, `/desk/problems?state=overdue&department=${department('350111-fgj')}`, JSON.stringify(screen))
  await page.goto(`${server.url}${link}`)
  const rows = page.locator('[data-test=problems-all] .el-table__body-wrapper tr.el-table__row')
  await page.locator(`[data-test=problems-all] [data-test=problem-${ids.second}]`).waitFor()
  assert.equal(await rows.count(), 1, 'only the overdue problem of 发改局')
  assert.equal(await page.locator('[data-test=problems-total]').innerText(), '共 1 件', 'counted by the server')
  await page.locator('[data-test=filter-department] >> text=晋安区发展和改革局').waitFor()
  await page.waitForTimeout(400) // Element Plus fades the tags in
  await shot('leader', 'd15-overdue-from-screen')

  // 人社局 has nothing overdue (its problem is closed); without the state, its problem is listed.
  await page.goto(`${server.url}/desk/problems?state=overdue&department=${department('350111-rsj')}`)
  await page.locator('[data-test=problems-all] >> text=暂无问题').waitFor()
  await page.goto(`${server.url}/desk/problems?department=${department('350111-rsj')}`)
  await page.locator(`[data-test=problems-all] [data-test=problem-${ids.labour}]`).waitFor()
  assert.equal(await rows.count(), 1, 'only 人社局\'s problem')
})
