// Economic indicators (经济运行监测) in a real browser against the real
// server with the demo's data (2019 to September 2020, every month
// approved).  晋安's statistics bureau (jinan-tjj) enters October 2020: an
// investment figure 46% up is flagged beside it and blocks the month until
// it is explained; explained, the month is submitted.  The city's bureau
// (city-tjj) sends it back with a reason, 晋安 corrects and submits again,
// the city approves it (locked) and then corrects it (修订, what changed
// listed).  The city's bureau opens a supervised task (督办) for a unit on
// September's black list and starts it.  A leader reads the province's
// investment ranking (连续两个月排名全省第一), opens the leaders' screen
// on a 1920×1080 wall display and a laptop, previews September's bulletin,
// which the city's bureau publishes; the published bulletin prints to A4
// PDF without the console's buttons and downloads as .xlsx.  Each step
// saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_PASSWORD, apiCall, banyan, launchBrowser, logIn, menus, openGroupMenu, settledScreenshot, shots, shutDown, startDemo, waitText, xlsx } from './harness.mjs'

const PASSWORD = DEMO_PASSWORD
let server, browser
const pages = {}

before(async () => {
  server = await startDemo()
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

// A page of its own for each of who (the username unless told), logged in.
async function as(who, username = who, viewport = { width: 1440, height: 900 }) {
  if (pages[who]) return pages[who]
  const context = await browser.newContext({ viewport, timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  const page = await context.newPage()
  await logIn(page, server.url, username, PASSWORD)
  await page.waitForURL(`${server.url}/`)
  pages[who] = page
  return page
}

const shot = settledScreenshot

const month = (page, unit, period) => page.goto(`${server.url}/indicators/values?unit=${unit}&period=${period}`)
const state = (page) => page.locator('[data-test=month-state]').textContent()

test('晋安\'s bureau enters October: a flagged value blocks the month until explained, then it is submitted', async () => {
  const jinan = await as('jinan-tjj')
  await jinan.click('[data-test=menu-group-indicators]')
  const m = await menus(jinan)
  for (const name of ['leaderScreen', 'indicatorValues', 'indicatorPeriods', 'indicatorRankings', 'bulletins']) assert.ok(m.includes(name), `${name} in ${m.join()}`)
  await month(jinan, '350111', '2020-10')
  await waitText(jinan, '[data-test=month-state]', '未提交')
  assert.equal((await jinan.locator('[data-test=grid] tbody tr').count()) >= 5, true, 'the monthly indicators are listed')
  assert.equal(await jinan.locator('[data-test=name-gdp]').count(), 0, 'GDP is quarterly: no October figure')

  // 晋安's October 2019: industry 25.175, investment 68.40 (亿元). 100 is 46% up: flagged.
  await jinan.fill('[data-test=value-industry]', '27.5')
  await jinan.fill('[data-test=value-fai]', '100')
  await jinan.fill('[data-test=value-retail]', '40.1')
  await jinan.click('[data-test=save]')
  await jinan.locator('[data-test=flags-fai] >> text=增速超过±30%').waitFor()
  assert.equal((await jinan.locator('[data-test=growth-fai]').textContent()).trim(), '46.20%')
  assert.match(await jinan.locator('[data-test=flags-industry]').textContent(), /通过/)
  assert.match(await jinan.locator('[data-test=blocking]').textContent(), /1 项数据触发校验规则但未说明原因/)
  assert.ok(await jinan.locator('[data-test=submit]').isDisabled(), 'a blocking value: the month cannot be submitted')
  await shot(jinan, 'indicators-1-flagged')

  await jinan.fill('[data-test=comment-fai]', '福州滨海新城项目集中入统')
  await jinan.click('[data-test=save]')
  await jinan.locator('[data-test=blocking]').waitFor({ state: 'detached' })
  await jinan.click('[data-test=submit]')
  await waitText(jinan, '[data-test=month-state]', '待审核')
  assert.equal(await jinan.locator('input[data-test=value-fai]').count(), 0, 'submitted: read only')
  await shot(jinan, 'indicators-2-submitted')
})

test('the city sends the month back with a reason; 晋安 corrects it and submits again; the city approves it', async () => {
  const city = await as('city-tjj')
  await openGroupMenu(city, 'indicators', 'indicatorPeriods')
  await city.locator('[data-test=return-350111-2020-10]').click()
  await city.fill('[data-test=return-reason]', '固定资产投资增速偏高,请核实后重报')
  await shot(city, 'indicators-3-send-back')
  await city.click('[data-test=return-send]')
  await city.locator('[data-test=return-350111-2020-10]').waitFor({ state: 'detached' })

  const jinan = pages['jinan-tjj']
  await jinan.reload()
  await waitText(jinan, '[data-test=month-state]', '已退回')
  assert.match(await jinan.locator('[data-test=returned-reason]').textContent(), /固定资产投资增速偏高,请核实后重报/)
  await jinan.fill('[data-test=value-fai]', '75')
  await jinan.click('[data-test=save]')
  await waitText(jinan, '[data-test=growth-fai]', '9.65%')
  await jinan.click('[data-test=submit]')
  await waitText(jinan, '[data-test=month-state]', '待审核')

  await city.reload()
  await city.locator('[data-test=approve-350111-2020-10]').click()
  await city.locator('[data-test=approve-350111-2020-10]').waitFor({ state: 'detached' })
  await month(city, '350111', '2020-10')
  await waitText(city, '[data-test=month-state]', '已审定')
  assert.equal((await city.locator('[data-test=revision-fai]').textContent()).trim(), '快报')
})

test('the city corrects the approved month: a revision (修订) and what it changed', async () => {
  const city = pages['city-tjj']
  await city.click('[data-test=correct]')
  await city.fill('[data-test=correct-fai]', '76')
  await city.fill('[data-test=correct-reason]', '补充入统项目一个')
  await city.click('[data-test=correct-send]')
  await city.locator('[data-test=month-revision] >> text=第1次修订').waitFor()
  assert.equal((await city.locator('[data-test=revision-fai]').textContent()).trim(), '修订')
  assert.equal((await city.locator('[data-test=revision-industry]').textContent()).trim(), '快报', 'what was not corrected stays 快报')
  const change = city.locator('[data-test=changes] tbody tr').first()
  // Who corrected it, by display name (not the login city-tjj).
  assert.match(await change.textContent(), /固定资产投资.*第1次修订.*本期数值 75 → 76.*补充入统项目一个.*市统计局综合科/)
  assert.ok(!(await change.textContent()).includes('city-tjj'))
  await shot(city, 'indicators-4-revision')
})

test('晋安\'s bureau imports November from a spreadsheet: a bad line is named and nothing stored; the .xlsx fills the grid', async () => {
  const jinan = await as('jinan-tjj')
  await month(jinan, '350111', '2020-11')
  await waitText(jinan, '[data-test=month-state]', '未提交')
  await jinan.click('[data-test=values-import]')
  assert.equal((await jinan.locator('[data-test=import-header]').textContent()).trim(), '指标代码,单位代码,期间,数值,增速,累计增速,说明')
  const download = jinan.waitForEvent('download')
  await jinan.click('[data-test=import-template]')
  const template = readFileSync(await (await download).path(), 'utf8').replace(/^\uFEFF/, '').split('\r\n')
  assert.equal(template[0], '指标代码,单位代码,期间,数值,增速,累计增速,说明')
  assert.match(template[1], /^\w+,350111,2020-11,12\.5,,,$/, 'an example line for the month on the page')

  const header = ['指标代码', '单位代码', '期间', '数值', '增速', '累计增速', '说明']
  const good = [['industry', '350111', '2020-11', 26.8, '', '', ''], ['fai', '350111', '2020-11', 70.25, '', '', '两个项目入统'], ['retail', '350111', '2020-11', 41.2, '', '', '']]
  const bad = [good[0], ['fai', '350111', '2020-11', '七十', '', '', ''], good[2]]
  await jinan.setInputFiles('[data-test=import-file]', { name: '十一月.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${[header, ...bad].map((r) => r.join(',')).join('\r\n')}\r\n`) })
  await waitText(jinan, '[data-test=import-rows]', '共 4 行(含表头)')
  await jinan.click('[data-test=import-submit]')
  await jinan.locator('[data-test=import-error]').waitFor()
  assert.match(await jinan.locator('[data-test=import-error]').innerText(), /第 3 行/)
  assert.equal(await jinan.locator('[data-test=import-bad-line]').innerText(), '第 3 行:  fai,350111,2020-11,七十,,,')
  await shot(jinan, 'indicators-import-bad-line')
  const stored = (await apiCall(jinan, 'GET', '/indicators/values?unit=350111&period=2020-11')).body.items
  assert.deepEqual(stored.filter((it) => it.value !== null && it.source !== 'platform' && it.source !== 'derived').map((it) => it.indicator.code), [], 'nothing stored, not even the good first line')

  await jinan.setInputFiles('[data-test=import-file]', { name: '十一月.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx([header, ...good]) })
  await waitText(jinan, '[data-test=import-rows]', '共 4 行(含表头)')
  await jinan.click('[data-test=import-submit]')
  await waitText(jinan, '[data-test=import-done] .el-alert__title', '已导入 3 项数据')
  await jinan.waitForFunction(() => document.querySelector('input[data-test=value-fai]')?.value === '70.25')
  assert.equal(await jinan.inputValue('input[data-test=value-industry]'), '26.80')
  assert.equal(await jinan.inputValue('input[data-test=value-retail]'), '41.20')
  assert.equal(await jinan.inputValue('input[data-test=comment-fai]'), '两个项目入统')
  await shot(jinan, 'indicators-import-done')
})

test('a unit on September\'s black list becomes a supervised task (督办), followed', async () => {
  const city = pages['city-tjj']
  const list = (await apiCall(city, 'GET', '/indicators/redblack?period=2020-09')).body
  const unit = list.black[list.black.length - 1].unit
  // Its owner: staff of the unit's own statistics bureau.
  banyan(['user', 'add', '--db', server.db, '--username', 'black-tjj', '--name', `${unit.name}统计局综合股`, '--role', 'department', '--org', `${unit.code}-tjj`, '--password-stdin'], 'black-tjj-password\n')
  await city.goto(`${server.url}/indicators/redblack?period=2020-09`)
  await city.locator(`[data-test=black-${unit.code}]`).waitFor()
  assert.ok(await city.locator('[data-test=red-list] .entry').count() > 0)
  await city.click(`[data-test=supervise-${unit.code}]`)
  await city.fill('[data-test=task-owner]', 'black-tjj')
  await city.fill('[data-test=task-due] input', '2030-12-31')
  await city.keyboard.press('Enter')
  await city.fill('[data-test=task-note]', '分析排名靠后原因,提出整改措施')
  await shot(city, 'indicators-5-supervise')
  await city.click('[data-test=task-send]')
  await city.waitForURL(/\/indicators\/tasks\/\d+$/)
  await waitText(city, '[data-test=task-title]', `${unit.name}${list.ranking.name}列入黑榜(2020-09)督办`)
  await city.click('[data-test=task-start]')
  await city.fill('[data-test=note-text]', '已约谈区统计局')
  await city.click('[data-test=note-send]')
  await waitText(city, '[data-test=task-state]', '办理中')
  const notes = await city.locator('[data-test=task-notes]').textContent()
  assert.match(notes, /建立督办\s*分析排名靠后原因,提出整改措施[\s\S]*开始办理\s*已约谈区统计局/)
  await shot(city, 'indicators-6-task')
  await city.goto(`${server.url}/indicators/redblack?period=2020-09`)
  await city.locator(`[data-test=black-${unit.code}] [data-test^=task-]`).waitFor()
})

test('a leader reads the province\'s investment ranking', async () => {
  const leader = await as('city-leader')
  await leader.goto(`${server.url}/indicators/rankings/province-fai?period=2020-09`)
  await waitText(leader, '[data-test=rank-350100]', '1')
  assert.equal((await leader.locator('[data-test=phrase-350100]').textContent()).trim(), '连续两个月排名全省第一')
  await leader.waitForSelector('[data-test=ranking-chart] canvas')
  await shot(leader, 'indicators-7-ranking')
})

test('the leaders\' screen on a wall display and a laptop', async () => {
  const wall = await as('wall', 'city-leader', { width: 1920, height: 1080 })
  await wall.goto(`${server.url}/screen`)
  await wall.locator('[data-test=kpi-fai]').waitFor()
  assert.match(await wall.locator('[data-test=kpi-fai]').textContent(), /固定资产投资.*同比/)
  assert.equal(await wall.locator('[data-test=menu]').count(), 0, 'no menu on the wall')
  await wall.waitForSelector('[data-test=screen-ranking] canvas')
  // The page fits the display: nothing to scroll.
  const { scroll, inner } = await wall.evaluate(() => ({ scroll: document.documentElement.scrollHeight, inner: window.innerHeight }))
  assert.ok(scroll <= inner, `${scroll} > ${inner}`)
  await shot(wall, 'indicators-8-screen-wall')
  // A correction of the city's September investment reaches the wall by itself (server-sent events).
  const before = await wall.locator('[data-test=kpi-fai]').textContent()
  const city = pages['city-tjj']
  const fai = (await apiCall(city, 'GET', '/indicators/values?unit=350100&period=2020-09')).body.items.find((it) => it.indicator.code === 'fai')
  const corrected = (Number(fai.value) + 100).toFixed(2)
  const answer = await apiCall(city, 'POST', '/indicators/periods/350100/2020-09/corrections', { reason: '统计局年报口径调整', values: [{ indicator: 'fai', value: corrected }] })
  assert.equal(answer.status, 200, JSON.stringify(answer.body))
  await wall.waitForFunction((was) => document.querySelector('[data-test=kpi-fai]').textContent !== was, before)
  assert.match(await wall.locator('[data-test=kpi-fai]').textContent(), /6,536\.80/, 'the year to date 100亿元 more')
  // Each figure opens its detail.
  await wall.click('[data-test=kpi-fai]')
  await wall.waitForURL(/\/indicators\/(rankings|values)/)

  const leader = pages['city-leader']
  await leader.goto(`${server.url}/indicators/screen`)
  await leader.locator('[data-test=kpi-gdp]').waitFor()
  await leader.locator('[data-test=screen-redblack] [data-test^=screen-black-]').first().waitFor()
  await shot(leader, 'indicators-9-screen-laptop')
})

test('September\'s bulletin: previewed, published by the city, printed to A4 and downloaded', async () => {
  const leader = pages['city-leader']
  await openGroupMenu(leader, 'indicators', 'bulletins')
  await leader.click('[data-test=bulletin-preview]')
  await leader.locator('[data-test=headline]').first().waitFor()
  const headlines = await leader.locator('[data-test=headline]').allTextContents()
  assert.ok(headlines.some((h) => h.includes('6759.34亿元') && h.includes('增速位列全省第三')), headlines.join('\n'))
  assert.equal(await leader.locator('[data-test=publish]').count(), 0, 'a leader reads; the city\'s bureau publishes')

  const city = pages['city-tjj']
  await city.goto(`${server.url}/indicators/bulletins/preview?period=2020-09&kind=month`)
  await city.click('[data-test=publish]')
  await city.waitForURL(/\/indicators\/bulletins\/\d+$/)
  const id = city.url().split('/').pop()

  await leader.goto(`${server.url}/indicators/bulletins/${id}`)
  await leader.locator('[data-test=bulletin-meta] >> text=第1版').waitFor()
  assert.match(await leader.locator('[data-test=bulletin-meta]').textContent(), /市统计局综合科 于 .* 发布/)
  assert.ok(await leader.locator('[data-test=table-fai] tbody tr').count() >= 14, 'the city and its thirteen units')
  await shot(leader, 'indicators-10-bulletin')

  await leader.emulateMedia({ media: 'print' })
  assert.ok(!(await leader.locator('[data-test=print]').isVisible()), 'no buttons on paper')
  await leader.emulateMedia({ media: 'screen' })
  const pdf = await leader.pdf({ format: 'A4', preferCSSPageSize: true })
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  const pagesIn = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length
  assert.ok(pagesIn >= 2, `the bulletin runs to ${pagesIn} A4 pages`)
  writeFileSync(join(shots, 'indicators-11-bulletin.pdf'), pdf)

  const download = leader.waitForEvent('download')
  await leader.click('[data-test=download-xlsx]')
  const file = await download
  assert.match(file.suggestedFilename(), /\.xlsx$/)
  const bytes = readFileSync(await file.path())
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip')
})
