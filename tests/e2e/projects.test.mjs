// Major projects (重大项目"云代办") in a real browser against the real server,
// each person in their own browser: the agent registers a project (a bad
// project code is refused beside its field), previews a plan made backwards
// from a start date too close to meet (the shortfall in working days shows,
// nothing is saved), previews and saves a reachable one (version 1: items
// with latest dates, lights and the critical path); 晋安区发改局 finds the
// filing in its to-do list, is refused when it accepts an item whose
// prerequisite is not done, accepts and grants the filing, and the agent's
// open project page follows by itself; the owner looks the project up on
// the public page with its query code (a wrong one is refused) and sees no
// official's name.  Each step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { addUsers, launchBrowser, logIn, screenshot, shutDown, startDemo, startServer, xlsx } from './harness.mjs'

let server, browser
const pages = {} // agent, bureau, owner
const ids = {} // enterprise, project, filing, energy
let queryCode = ''

const users = [
  ['gz-agent', '林代办', 'agent', '350100'],
  ['ja-fgj', '晋安区发改局审批科', 'department', '350111-fgj'],
  ['ja-leader', '陈责任领导', 'leader', '350111'],
  ['cl-leader', '长乐区王区长', 'leader', '350112'],
]
const code = '2024-350111-47-01-012345'
const name = '晋安新能源电池材料产业园'

before(async () => {
  server = await startServer()
  addUsers(server, users)
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim()
const shot = (who, file) => screenshot(pages[who], file)
const waitText = (page, selector, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [selector, want])
const menus = async (page) => page.locator('[data-test=menu] [data-test^=menu-]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(5)))

/** YYYY-MM-DD, n days from today in Beijing. */
function daysFromNow(n) {
  return new Date(Date.now() + 8 * 3600000 + n * 86400000).toISOString().slice(0, 10)
}

/** 受理 asks first, naming the item and its project; confirm it. */
async function confirmAccept(page, item, project) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  const text = await box.innerText()
  assert.ok(text.includes(item) && text.includes(project), text)
  await box.locator('.el-message-box__btns .el-button--primary').click()
  await box.waitFor({ state: 'hidden' })
}

/** A step in the 更多 menu of an item's row. */
async function moreAction(page, action, id) {
  await page.click(`[data-test=item-more-${id}]`)
  await page.click(`[data-test=item-action-${action}-${id}]:visible`)
}

async function as(who, username, password = `${username}-password`) {
  if (pages[who]) return pages[who]
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  if (username) {
    await logIn(page, server.url, username, password)
    await page.waitForURL(`${server.url}/`)
  }
  pages[who] = page
  return page
}

async function pickDate(page, testId, day) {
  const input = page.locator(`[data-test=${testId}] input`)
  await input.fill(day)
  await input.press('Enter')
}

test('the agent registers a project; a bad project code is refused beside its field', async () => {
  const page = await as('agent', 'gz-agent')
  const m = await menus(page)
  assert.ok(m.includes('projects') && m.includes('projectFollowups') && m.includes('projectStats'), m.join())
  assert.ok(!m.includes('projectItems'), 'an agent has no department to-do list')
  // The owner enterprise is registered on the desk first (its own test covers that page).
  ids.enterprise = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/me')).json()
    const r = await fetch('/api/v1/enterprises', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ name: '福州宁晋新能源材料有限公司', credit_code: '91350111MA2AB0123Y', district: '350111', industry: '新能源', contact_name: '郑经理', contact_phone: '0591-88888888' }),
    })
    return (await r.json()).id
  })
  assert.ok(ids.enterprise)

  await page.click('[data-test=menu-projects]')
  await page.locator('[data-test=projects-table]').waitFor()
  await page.click('[data-test=project-register]')
  await page.fill('[data-test=register-code]', '2024-35011-47-01-012345')
  await page.fill('[data-test=register-name]', name)
  await page.click('[data-test=register-enterprise]')
  await page.click(`[data-test=enterprise-${ids.enterprise}]:visible`)
  await page.fill('[data-test=register-industry]', '新能源')
  await page.fill('[data-test=register-investment] input', '350000')
  await page.click('[data-test=register-level-provincial]')
  await page.fill('[data-test=register-official]', 'ja-leader')
  await page.click('[data-test=save-project]')
  const error = page.locator('[data-test=register-code-item] .el-form-item__error')
  await error.waitFor()
  assert.match(await error.innerText(), /项目代码应为/)
  assert.equal(sql('SELECT count(*) FROM projects'), '0')
  await shot('agent', 'p01-register-bad-code')

  await page.fill('[data-test=register-code]', code)
  await page.click('[data-test=save-project]')
  await page.waitForURL(/\/projects\/\d+$/)
  ids.project = Number(page.url().match(/(\d+)$/)[1])
  await waitText(page, '[data-test=project-name]', name)
  queryCode = sql(`SELECT query_code FROM projects WHERE id = ${ids.project}`)
  assert.match(queryCode, /^[2-9A-HJ-NP-Z]{8}$/)
  assert.equal(await page.locator('[data-test=project-query-code]').innerText(), queryCode)
  assert.equal(await page.locator('[data-test=project-investment]').innerText(), '35.00亿元')
  assert.equal(await page.locator('[data-test=project-stage]').innerText(), '审批阶段')
  assert.equal(await page.locator('[data-test=project-level]').innerText(), '省重点')
  assert.equal(await page.locator('[data-test=project-plan-version]').innerText(), '未制定计划')
  await shot('agent', 'p02-project-registered')
})

test('the agent previews a plan that cannot be met, then saves one that can: version 1 with latest dates and lights', async () => {
  const page = pages.agent
  await page.click('[data-test=plan-open]')
  // 开工 in two weeks: the approvals before a construction permit take longer.
  await pickDate(page, 'plan-target-start', daysFromNow(14))
  await page.click('[data-test=plan-preview-button]')
  const feasibility = page.locator('[data-test=plan-feasibility] .el-alert__title')
  await feasibility.waitFor()
  const short = (await feasibility.innerText()).match(/^目标无法按期实现,差 (\d+) 个工作日$/)
  assert.ok(short && Number(short[1]) > 0, await feasibility.innerText())
  assert.ok((await page.locator('[data-test=plan-preview] .el-table__row').count()) >= 10, 'the preview lists the catalogue items')
  assert.equal(sql(`SELECT plan_version, (SELECT count(*) FROM project_plans) FROM projects WHERE id = ${ids.project}`), '0|0', 'a preview saves nothing')
  await shot('agent', 'p03-plan-preview-infeasible')

  const start = daysFromNow(200)
  await pickDate(page, 'plan-target-start', start)
  await pickDate(page, 'plan-target-complete', daysFromNow(500))
  await page.click('[data-test=plan-preview-button]')
  await waitText(page, '[data-test=plan-feasibility] .el-alert__title', '可按期实现')
  await shot('agent', 'p04-plan-preview-feasible')
  await page.click('[data-test=plan-save]')
  await page.locator('[data-test=plan-save]').waitFor({ state: 'hidden' })
  await waitText(page, '[data-test=project-plan-version]', '第 1 版')
  await page.locator('[data-test=plans-table] [data-test=plan-version-1]').waitFor()
  assert.equal(sql(`SELECT version, feasible FROM project_plans WHERE project_id = ${ids.project}`), '1|1')
  await waitText(page, '[data-test=project-feasibility] .el-alert__title', '可按期实现')

  // Every item has its latest dates; the construction permit must be done by the start target.
  const cells = async (kind, item) => page.locator(`[data-test=item-${kind}-${item}]`).innerText()
  for (const item of ['filing', 'land_use_permit', 'construction_permit', 'completion_filing']) {
    const s = await cells('latest-start', item)
    const f = await cells('latest-finish', item)
    assert.match(s, /^\d{4}-\d{2}-\d{2}$/, `${item} latest start`)
    assert.ok(s <= f, `${item}: ${s} <= ${f}`)
  }
  assert.ok((await cells('latest-finish', 'construction_permit')) <= start)
  assert.ok((await cells('latest-finish', 'filing')) <= (await cells('latest-start', 'land_use_permit')))
  assert.equal(await page.locator('[data-test=item-light-filing]').getAttribute('data-light'), 'green')
  assert.equal(await cells('status', 'filing'), '待受理')
  assert.ok((await page.locator('[data-test^=item-critical-]').count()) > 0, 'the critical path is marked')
  assert.equal(await page.locator('[data-test=milestone-target-start]').innerText(), start)
  await page.locator('[data-test=gantt] canvas').waitFor()
  await page.waitForTimeout(500)
  await shot('agent', 'p05-plan-saved')
})

test('晋安区发改局 is refused an item whose prerequisite is pending, accepts and grants the filing; the agent page follows', async () => {
  ids.filing = Number(sql(`SELECT id FROM project_items WHERE project_id = ${ids.project} AND item_code = 'filing'`))
  ids.energy = Number(sql(`SELECT id FROM project_items WHERE project_id = ${ids.project} AND item_code = 'energy_review'`))
  const agent = pages.agent
  await waitText(agent, '[data-test=live]', '实时')
  await agent.evaluate(() => { window.__sameDocument = true })

  const page = await as('bureau', 'ja-fgj')
  const m = await menus(page)
  assert.ok(m.includes('projects') && m.includes('projectItems'), m.join())
  assert.ok(!m.includes('projectStats') && !m.includes('projectFollowups'), m.join())
  await page.click('[data-test=menu-projectItems]')
  await page.locator(`[data-test=inbox-item-${ids.filing}]`).waitFor()
  assert.equal(await page.locator(`[data-test=inbox-item-${ids.energy}]`).count(), 0, 'an item waiting on a prerequisite is not yet to do')
  assert.equal(await page.locator(`[data-test=inbox-status-${ids.filing}]`).innerText(), '待受理')
  assert.equal(await page.locator(`[data-test=inbox-light-${ids.filing}]`).getAttribute('data-light'), 'green')
  await shot('bureau', 'p06-department-to-do')

  await page.click('[data-test=items-tabs] >> text=全部事项')
  await page.click(`[data-test=item-action-accept-${ids.energy}]`)
  await confirmAccept(page, '节能审查', name)
  const refused = page.locator('[data-test=item-error]')
  await refused.waitFor()
  assert.match(await refused.innerText(), /还有 1 个前置事项未办结/)
  assert.equal(sql(`SELECT status FROM project_items WHERE id = ${ids.energy}`), 'pending')
  await shot('bureau', 'p07-prerequisite-pending')

  await page.click('[data-test=items-tabs] >> text=待办')
  await page.click(`[data-test=item-action-accept-${ids.filing}]`)
  // Cancelled, nothing changes; confirmed, it is accepted.
  await page.locator('.el-message-box').waitFor()
  await page.click('.el-message-box__btns .el-button:not(.el-button--primary)')
  await page.locator('.el-message-box').waitFor({ state: 'hidden' })
  assert.equal(sql(`SELECT status FROM project_items WHERE id = ${ids.filing}`), 'pending')
  await page.click(`[data-test=item-action-accept-${ids.filing}]`)
  await confirmAccept(page, '项目立项备案(核准)', name)
  await waitText(page, `[data-test=inbox-status-${ids.filing}]`, '办理中')
  await waitText(agent, '[data-test=item-status-filing]', '办理中')

  // 不予许可 needs a reason: an empty one is refused beside the field and nothing changes.
  await moreAction(page, 'refuse', ids.filing)
  await page.click('[data-test=item-note-submit]')
  const noteError = page.locator('[data-test=item-note-item] .el-form-item__error')
  await noteError.waitFor()
  assert.match(await noteError.innerText(), /请填写不予许可的原因/)
  await page.keyboard.press('Escape')
  await page.locator('[data-test=item-note-submit]').waitFor({ state: 'hidden' })
  assert.equal(sql(`SELECT status FROM project_items WHERE id = ${ids.filing}`), 'accepted')

  await moreAction(page, 'done', ids.filing)
  await page.locator(`[data-test=inbox-item-${ids.filing}]`).waitFor({ state: 'detached' })
  // Now the energy review may be accepted: it is on the to-do list.
  await page.locator(`[data-test=inbox-item-${ids.energy}]`).waitFor()
  assert.equal(sql(`SELECT status, on_time FROM project_items WHERE id = ${ids.filing}`), 'done|1')
  await shot('bureau', 'p08-department-granted')

  await waitText(agent, '[data-test=item-status-filing]', '已办结')
  assert.match(await agent.locator('[data-test=item-done-at-filing]').innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
  assert.equal(await agent.locator('[data-test=item-light-filing]').getAttribute('data-light'), 'done')
  assert.equal(await agent.evaluate(() => window.__sameDocument), true, 'the agent page was not reloaded')
  await agent.click('[data-test=project-tabs] >> text=办理过程')
  await agent.locator('[data-test=event-done]').waitFor()
  // The timeline names who acted by display name, never by login.
  assert.match(await agent.locator('[data-test=event-done]').innerText(), /操作人:晋安区发改局审批科/)
  const timeline = (await agent.locator('[data-test^=event-]').allInnerTexts()).join('\n')
  for (const login of ['ja-fgj', 'gz-agent']) assert.ok(!timeline.includes(login), `the timeline shows no login: found ${login}`)
  await shot('agent', 'p09-agent-sees-granted')
})

test('the owner looks the project up with its query code; a wrong code is refused; no official is named', async () => {
  const page = await as('owner', '')
  await page.goto(`${server.url}/projects`)
  await page.waitForURL(/\/login/) // everything else needs a login
  await page.click('[data-test=to-query]')
  await page.waitForURL(`${server.url}/query`)
  await page.fill('[data-test=query-code]', code)
  await page.fill('[data-test=query-query-code]', queryCode === 'ABCDEFGH' ? 'ABCDEFGJ' : 'ABCDEFGH')
  await page.click('[data-test=query-submit]')
  const error = page.locator('[data-test=query-error]')
  await error.waitFor()
  assert.match(await error.innerText(), /项目代码或查询码不正确/)
  assert.equal(await page.locator('[data-test=query-result]').count(), 0)
  await shot('owner', 'p10-query-refused')

  await page.fill('[data-test=query-query-code]', queryCode.toLowerCase())
  await page.click('[data-test=query-submit]')
  await waitText(page, '[data-test=query-name]', name)
  assert.equal(await page.locator('[data-test=query-error]').count(), 0)
  assert.equal(await page.locator('[data-test=query-stage]').innerText(), '审批阶段')
  const filing = page.locator('[data-test=query-items] .el-table__row', { hasText: '项目立项备案(核准)' })
  assert.match(await filing.innerText(), /已办结/)
  assert.match(await filing.innerText(), /晋安区发展和改革局/)
  const items = await page.locator('[data-test=query-items] .el-table__row').count()
  assert.equal(String(items), sql(`SELECT count(*) FROM project_items WHERE project_id = ${ids.project}`))
  assert.match(await page.locator('[data-test=query-milestones]').innerText(), new RegExp(`开工\\s+${daysFromNow(200)}`))
  const text = await page.locator('body').innerText()
  for (const who of ['林代办', 'gz-agent', '陈责任领导', 'ja-leader', '代办员', '责任领导', '郑经理'])
    assert.ok(!text.includes(who), `the public page names no one: found ${who}`)
  await shot('owner', 'p11-query-result')
})

test('the agent imports projects: a bad CSV line is named and nothing is imported; an .xlsx imports', async () => {
  const page = pages.agent
  const header = ['项目代码', '项目名称', '业主统一社会信用代码', '县(市)区', '行业', '总投资(万元)', '级别', '代办员', '责任领导', '登记日期']
  await page.click('[data-test=menu-projects]')
  await page.locator('[data-test=projects-table]').waitFor()
  await page.click('[data-test=projects-import]')
  const csv = [header.join(','),
    '2024-350111-30-01-000101,晋安智能装备产业园,91350111MA2AB0123Y,350111,装备制造,80000,municipal,,,',
    '2024-350111-30-01-000102,未登记业主的项目,91350111MA2AB0999X,350111,物流,5000,ordinary,,,'].join('\r\n')
  await page.setInputFiles('[data-test=import-file]', { name: '项目.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}\r\n`) })
  await waitText(page, '[data-test=import-rows]', '共 3 行(含表头)')
  await page.click('[data-test=import-submit]')
  const error = page.locator('[data-test=import-error]')
  await error.waitFor()
  assert.match(await error.innerText(), /第 3 行: 业主企业未登记/)
  assert.equal(sql('SELECT count(*) FROM projects'), '1', 'all or nothing')
  await shot('agent', 'p12-import-line-error')

  const book = xlsx([header,
    ['2024-350111-30-01-000101', '晋安智能装备产业园', '91350111MA2AB0123Y', '350111', '装备制造', 80000, 'municipal', '', '', ''],
    ['2024-350111-30-01-000103', '晋安冷链物流中心', '91350111MA2AB0123Y', '350111', '物流', 6500, 'ordinary', '', 'ja-leader', '']])
  await page.setInputFiles('[data-test=import-file]', { name: '项目.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: book })
  await waitText(page, '[data-test=import-rows]', '共 3 行(含表头)')
  assert.equal(await page.locator('[data-test=import-error]').count(), 0)
  await page.click('[data-test=import-submit]')
  await page.locator('[data-test=import-submit]').waitFor({ state: 'hidden' })
  assert.equal(sql("SELECT name || '|' || investment_wan || '|' || level FROM projects WHERE code = '2024-350111-30-01-000103'"), '晋安冷链物流中心|6500|ordinary')
  const row = page.locator('[data-test=projects-table] .el-table__row', { hasText: '晋安智能装备产业园' })
  await row.waitFor()
  // One unit for the column, chosen by its largest value (35亿元) and stated in its header:
  // 8.00 and 0.65 亿元, not 6,500.00万元 beside 8.00亿元.
  const idOf = (projectCode) => sql(`SELECT id FROM projects WHERE code = '${projectCode}'`)
  await waitText(page, `[data-test=investment-${idOf('2024-350111-30-01-000103')}]`, '0.65')
  assert.equal(await page.locator(`[data-test=investment-${idOf('2024-350111-30-01-000101')}]`).innerText(), '8.00')
  assert.equal(await page.locator(`[data-test=investment-${ids.project}]`).innerText(), '35.00')
  assert.ok((await page.locator('[data-test=projects-table] thead').innerText()).includes('总投资(亿元)'))
  assert.ok(!(await page.locator('[data-test=projects-table] tbody').innerText()).includes('元'), 'no unit in the cells')
  await shot('agent', 'p13-imported')
})

test('the statistics page adds up the district, lists the departments and exports to Excel', async () => {
  const page = pages.agent
  await page.click('[data-test=menu-projectStats]')
  const district = page.locator('[data-test=stats-table] .el-table__row', { hasText: '晋安区' })
  await district.waitFor()
  // Three projects: 350,000 + 80,000 + 6,500 万元.
  assert.match(await district.innerText(), /^晋安区\s+3\s+43\.65\s+0\s+0\s+1\s+1\s/)
  assert.ok((await page.locator('[data-test=stats-table] thead').innerText()).includes('总投资(亿元)'))
  await page.locator('[data-test=investment-chart] canvas').waitFor()
  await page.click('[data-test=stats-by]')
  await page.click('[data-test=stats-by-department]:visible')
  const fgj = page.locator('[data-test=stats-table] .el-table__row', { hasText: '晋安区发展和改革局' })
  await fgj.waitFor()
  // One project has its items (the imported ones have no plan yet): the filing done on time, the energy review open.
  assert.match(await fgj.innerText(), /^晋安区发展和改革局\s+1\s+0\s+0\s+1\s+1\s+1\s/)
  await page.locator('[data-test=analysis-items] .el-table__row', { hasText: '项目立项备案(核准)' }).waitFor()
  await page.waitForTimeout(800) // the charts grow in
  await shot('agent', 'p14-stats')
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=stats-export]')])
  assert.ok(download.suggestedFilename().endsWith('.xlsx'), download.suggestedFilename())
  const { readFileSync } = await import('node:fs')
  assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), 'PK')
})

/** The tags in the page's tables that their cell cuts off (wider than the cell, or their own text wider than them). */
const cutTags = (page) =>
  page.locator('.el-table .el-tag').evaluateAll((tags) =>
    tags.filter((t) => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > t.closest('.cell').getBoundingClientRect().right + 1).map((t) => t.textContent))

test('the English console shows money in English units, one unit a column, and does not cut its tags', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
  await context.addInitScript(() => localStorage.setItem('banyan.locale', 'en'))
  const page = await context.newPage()
  await logIn(page, server.url, 'gz-agent', 'gz-agent-password')
  await page.waitForURL(`${server.url}/`)
  await page.goto(`${server.url}/projects`)
  await waitText(page, `[data-test=investment-${ids.project}]`, '35.00')
  assert.ok((await page.locator('[data-test=projects-table] thead').innerText()).includes('Investment (100M yuan)'))
  assert.deepEqual(await cutTags(page), [])
  await page.goto(`${server.url}/projects/${ids.project}`)
  await waitText(page, '[data-test=project-investment]', '35.00 100M yuan')
  await page.locator('[data-test=item-status-filing]').waitFor()
  assert.deepEqual(await cutTags(page), [])
  assert.ok(!(await page.locator('body').innerText()).match(/万元|亿元/), 'no Chinese money unit in the English console')
  await screenshot(page, 'p15-english-units')
  await context.close()
})

test("another district's project says 无权查看或不存在, and the page shows no placeholder or 连接中断 before its answers", async () => {
  const page = await as('outsider', 'cl-leader')
  await page.goto(`${server.url}/projects/${ids.project}`)
  await waitText(page, '[data-test=project-error] .el-alert__title', '无权查看或不存在')
  await shot('outsider', 'p16-out-of-scope')

  // Hold the statistics' answer and the live events' connection: while they are held the page says
  // neither 暂无数据 nor 0.00万元, and the live indicator says it is connecting, not that it was lost.
  const agent = pages.agent
  let release
  const held = new Promise((resolve) => { release = resolve })
  await agent.route('**/api/v1/projects/stats?*', async (route) => { await held; await route.continue() })
  await agent.route('**/api/v1/events', async (route) => { await held; await route.continue() })
  await agent.goto(`${server.url}/projects`)
  await agent.locator('[data-test=live]').waitFor()
  assert.equal(await agent.locator('[data-test=live]').getAttribute('data-state'), 'connecting')
  assert.equal((await agent.locator('[data-test=live]').innerText()).trim(), '连接中…')
  await agent.click('[data-test=menu-projectStats]')
  await agent.locator('[data-test=stats-table] .el-loading-mask').waitFor()
  assert.equal(await agent.locator('[data-test=stats-table] .el-table__empty-text').isVisible(), false, 'no 暂无数据 while loading')
  assert.equal(await agent.locator('[data-test=stats-totals]').count(), 0, 'no totals line of zeros while loading')
  assert.ok(!(await agent.locator('main, body').first().innerText()).includes('0.00万元'))
  await shot('agent', 'p17-loading')
  release()
  await agent.locator('[data-test=stats-totals]').waitFor()
  await agent.click('[data-test=menu-projects]')
  await agent.waitForFunction(() => document.querySelector('[data-test=live]')?.dataset.state === 'live')
  await agent.unroute('**/api/v1/projects/stats?*')
  await agent.unroute('**/api/v1/events')
})

test('relaxed targets: the list shows the first and the current target; a leader sees the month\'s, red turned green marked', async () => {
  const page = pages.agent
  const call = (method, path, body) => page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/me')).json()
    const r = await fetch(`/api/v1${p}`, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: JSON.stringify(b) })
    return { status: r.status, json: await r.json() }
  }, [method, path, body])
  // A project registered 60 days ago whose start target, 10 days ago, has passed: red.
  const created = await call('POST', '/projects', { code: '2024-350111-47-01-012399', name: '晋安智能装备产业园', enterprise: ids.enterprise, industry: '智能装备', investment_wan: 120000, level: 'municipal', created_on: daysFromNow(-60) })
  assert.equal(created.status, 201)
  const late = created.json.id
  assert.equal((await call('POST', `/projects/${late}/plan`, { targets: { start: daysFromNow(-10) }, items: ['filing'] })).status, 201)
  assert.equal(sql(`SELECT red_at <= strftime('%s', 'now') FROM projects WHERE id = ${late}`), '1')
  // Its start pushed 210 days later: the preview says the plan relaxes a target; saved, it turns green.
  await page.goto(`${server.url}/projects/${late}`)
  await page.click('[data-test=plan-open]')
  await pickDate(page, 'plan-target-start', daysFromNow(200))
  await page.fill('[data-test=plan-reason]', '用地报批滞后')
  await page.click('[data-test=plan-preview-button]')
  await waitText(page, '[data-test=plan-relaxes] .el-alert__title', '此计划把 1 个节点目标推迟(放宽目标):保存后计入放宽次数,领导可在「目标放宽」中看到')
  await page.click('[data-test=plan-save]')
  await page.locator('[data-test=plan-save]').waitFor({ state: 'hidden' })
  await waitText(page, '[data-test=project-plan-version]', '第 2 版')
  // The first project's start 30 days later, while not red.
  const first = await call('POST', `/projects/${ids.project}/plan`, { targets: { start: daysFromNow(230), complete: daysFromNow(500) }, reason: '设计方案调整' })
  assert.equal(first.json.relaxed_milestones, 1)

  await page.click('[data-test=menu-projects]')
  const text = async (p, selector) => (await p.locator(selector).innerText()).replace(/\s+/g, ' ').trim()
  await page.locator(`[data-test=target-${late}]`).waitFor()
  assert.equal(await text(page, `[data-test=target-${late}]`), `开工 ${daysFromNow(-10)} → ${daysFromNow(200)}`)
  assert.equal(await text(page, `[data-test=relaxed-${late}]`), '放宽 1 次')
  assert.equal(await text(page, `[data-test=light-relaxed-${late}]`), '因放宽目标转绿')
  assert.equal(await page.locator(`[data-test=light-relaxed-${ids.project}]`).count(), 0, 'relaxed while not red: no mark')
  assert.equal(await text(page, `[data-test=relaxed-${ids.project}]`), '放宽 1 次')
  await shot('agent', 'p15-relaxed-list')

  const leader = await as('leader', 'ja-leader')
  await leader.click('[data-test=menu-projectStats]')
  const rows = leader.locator('[data-test=relaxed-table] .el-table__row')
  await rows.nth(1).waitFor()
  assert.equal(await rows.count(), 2)
  assert.equal(await text(leader, '[data-test=relaxed-summary]'), '放宽目标的项目 2 · 推迟的节点 2 · 因放宽目标脱离红灯 1')
  const row = await text(leader, '[data-test=relaxed-table] .el-table__row:has-text("晋安智能装备产业园")')
  assert.match(row, new RegExp(`开工 ${daysFromNow(-10)} ${daysFromNow(-10)} → ${daysFromNow(200)} 推迟 210 天 因放宽目标转绿 林代办 · 第 2 版 用地报批滞后`))
  await leader.locator('[data-test=stats-relaxed-350111]').waitFor()
  assert.equal(await text(leader, '[data-test=stats-relaxed-350111]'), '2')
  await leader.locator('[data-test=relaxed-card]').scrollIntoViewIfNeeded()
  await shot('leader', 'p16-relaxed-month')
})

test('the demo\'s construction bureau: red items first, the 操作 column whole at 1366 and 1440 px, one deadline in plain words, 受理 asks first', async () => {
  const demo = await startDemo()
  try {
    for (const width of [1366, 1440]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } })
      const page = await context.newPage()
      await logIn(page, demo.url, 'city-zjj', 'banyan-demo-2020')
      await page.waitForURL(`${demo.url}/`)
      await page.goto(`${demo.url}/projects/items`)
      const rows = page.locator('[data-test=inbox-table] .el-table__body-wrapper tr.el-table__row')
      await rows.first().waitFor()
      // The order and the count are the API's: every red item before any other.
      const api = await page.evaluate(async () => (await fetch('/api/v1/projects/items')).json())
      const red = api.items.filter((it) => it.light === 'red').length
      assert.ok(red > 0, 'the demo has a red item for the bureau')
      assert.deepEqual(api.items.slice(0, red).map((it) => it.light), Array(red).fill('red'))
      const lights = await page.locator('[data-test=inbox-table] [data-test^=inbox-light-]').evaluateAll((els) => els.map((e) => e.dataset.light))
      assert.deepEqual(lights.slice(0, red), Array(red).fill('red'), `red first at ${width} px: ${lights.join()}`)
      assert.equal(await page.locator('[data-test=items-total]').innerText(), `共 ${api.total} 项`)
      // Every action button lies inside the table, none cut off on the right.
      const clipped = await page.evaluate(() => {
        const table = document.querySelector('[data-test=inbox-table]').getBoundingClientRect()
        return [...document.querySelectorAll('[data-test=inbox-table] .el-table__body-wrapper .item-actions .el-button')]
          .map((b) => b.getBoundingClientRect())
          .filter((b) => b.right > table.right + 0.5 || b.left < table.left || b.width === 0)
          .map((b) => `${b.left}-${b.right} outside ${table.left}-${table.right}`)
      })
      assert.deepEqual(clipped, [], `at ${width} px`)
      // One deadline, its time of day stated plainly: never a bare 00:00.
      const deadlines = await page.locator('[data-test^=inbox-deadline-]').allInnerTexts()
      assert.ok(deadlines.length > 0)
      for (const d of deadlines) assert.match(d, /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2} 前|—)$/, d)
      assert.ok(!deadlines.some((d) => / 00:00/.test(d)), deadlines.join())
      await page.waitForTimeout(300)
      await screenshot(page, `p10-bureau-items-${width}`)
      if (width === 1440) {
        // 受理 asks, naming the item and its project; cancelled, nothing changes.
        const pending = api.items.find((it) => it.status === 'pending' || it.status === 'refused')
        assert.ok(pending, 'the demo has an item to accept')
        await page.click(`[data-test=item-action-accept-${pending.id}]`)
        const box = page.locator('.el-message-box')
        await box.waitFor()
        const text = await box.innerText()
        assert.ok(text.includes(pending.name) && text.includes(pending.project.name), text)
        await page.waitForTimeout(300)
        await screenshot(page, 'p11-bureau-accept-asks')
        await box.locator('.el-message-box__btns .el-button:not(.el-button--primary)').click()
        await box.waitFor({ state: 'hidden' })
        const after = await page.evaluate(async (id) => (await fetch('/api/v1/projects/items?status=all&limit=500')).json().then((d) => d.items.find((it) => it.id === id).status), pending.id)
        assert.equal(after, pending.status, 'cancelled: not accepted')
      }
      await context.close()
    }
  } finally {
    await demo.stop()
  }
})
