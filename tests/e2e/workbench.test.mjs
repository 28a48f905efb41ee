// The workbench (工作台) in a real browser against the demo: the 晋安
// investment officer, the city's housing and construction bureau, the
// city's agent and the administrator each log in to their own card group,
// whose figures are the API's, red first; clicking a figure opens the list
// behind it, filtered as the figure counted; the side menu's badges are the
// API's counts.  The city's leader gets the leaders' screen as home, and a
// leader of a sub-district (no screen there) the leader group instead.  Each
// workbench is photographed wide (1440) and on a phone (390).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiCall, banyan, launchBrowser, logIn, settledScreenshot, shutDown, startDemo } from './harness.mjs'

const PASSWORD = 'banyan-demo-2020'
let server, browser

before(async () => {
  server = await startDemo()
  browser = await launchBrowser()
})
after(() => shutDown(browser, server))

async function home(username, width = 1440, password = PASSWORD) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  await logIn(page, server.url, username, password)
  await page.waitForURL(`${server.url}/`)
  return page
}

const count = (n) => Number(n).toLocaleString('en-US')

/** The page's workbench shows the API's figures, red ones first, and the menu the API's badges. */
async function figuresAreTheApis(page, group) {
  await page.locator(`[data-test=workbench-${group}] [data-test^=figure-]`).first().waitFor()
  const api = await apiCall(page, 'GET', `/workbench/${group}`)
  assert.equal(api.status, 200)
  const shown = await page.locator(`[data-test=workbench-${group}] .figure`).evaluateAll((els) => els.map((e) => e.dataset.test.slice(7)))
  assert.deepEqual(shown, api.body.figures.map((f) => f.key), 'the figures in the API\'s order, red first')
  for (const f of api.body.figures) {
    if (f.key === 'backup') continue // a time, not a count
    assert.equal((await page.locator(`[data-test=figure-${f.key}-count]`).innerText()).trim(), count(f.count), f.key)
    // A to-do says how many of it are late; a red figure (red projects, no backup) is red as a whole.
    const todo = ['problems', 'visits', 'followups', 'items', 'ceremonies'].includes(f.key)
    assert.equal(await page.locator(`[data-test=figure-${f.key}-red]`).count(), todo && f.red > 0 ? 1 : 0, `${f.key}'s late ones`)
    assert.equal(await page.locator(`[data-test=figure-${f.key}].red`).count(), f.red > 0 ? 1 : 0, `${f.key} in red`)
  }
  const badges = (await apiCall(page, 'GET', '/workbench/counts')).body
  for (const [name, n] of Object.entries(badges)) {
    const badge = page.locator(`[data-test=badge-${name}]`)
    if (await page.locator(`[data-test=menu-${name}]`).count()) assert.equal((await badge.innerText()).trim(), n > 99 ? '99+' : String(n), name)
  }
  return api.body.figures
}

async function photograph(page, name) {
  await settledScreenshot(page, `workbench-${name}-1440`)
  await page.setViewportSize({ width: 390, height: 844 })
  await settledScreenshot(page, `workbench-${name}-390`)
  await page.setViewportSize({ width: 1440, height: 900 })
}

/** Click the figure (or its red line) and land on its list with the figure's query. */
async function opens(page, figure, red = false) {
  const to = red ? figure.red_route : figure.route
  await page.click(`[data-test=figure-${figure.key}-${red ? 'red' : 'link'}]`)
  await page.waitForURL((url) => url.pathname === to.path)
  const url = new URL(page.url())
  assert.deepEqual(Object.fromEntries(url.searchParams), to.query)
}

test('the investment officer\'s workbench: problems, visits, follow-ups, transfers, ceremonies, each opening its list', async () => {
  const page = await home('jinan-officer')
  const figures = await figuresAreTheApis(page, 'officer')
  assert.deepEqual(figures.map((f) => f.key).sort(), ['ceremonies', 'followups', 'problems', 'transfers', 'visits'])
  await photograph(page, 'officer')
  // The visits due: the service page opens on the officer's own key enterprises.
  const visits = figures.find((f) => f.key === 'visits')
  assert.ok(visits.count > 0)
  await opens(page, visits)
  await page.locator('.el-table__body tr').first().waitFor()
  // The late problems: the desk's overdue list, every row red.
  await page.goto(`${server.url}/`)
  const problems = figures.find((f) => f.key === 'problems')
  assert.ok(problems.red > 0)
  await opens(page, problems, true)
  await page.locator('.el-table__body tr').first().waitFor()
})

test('the bureau\'s workbench: its approval items, the red ones a click away, and its badge', async () => {
  const page = await home('city-zjj')
  const figures = await figuresAreTheApis(page, 'bureau')
  await photograph(page, 'bureau')
  const items = figures.find((f) => f.key === 'items')
  assert.ok(items.red > 0 && items.count > items.red)
  await opens(page, items, true)
  await page.locator('[data-test=inbox-table] .el-table__body tr').first().waitFor()
  await page.waitForTimeout(300)
  assert.equal(await page.locator('[data-test=inbox-table] .el-table__body tr').count(), items.red, 'the list shows the red ones alone')
})

test('the agent\'s workbench: red and yellow projects, follow-ups, items returned; a figure opens the agent\'s red projects', async () => {
  const page = await home('city-agent')
  const figures = await figuresAreTheApis(page, 'agent')
  await photograph(page, 'agent')
  const red = figures.find((f) => f.key === 'projectsRed')
  assert.ok(red.count > 0)
  await opens(page, red)
  await page.waitForTimeout(500)
  assert.equal(await page.locator('.el-table__body tr').count(), red.count, 'the list shows the agent\'s red projects alone')
})

test('the administrator\'s workbench: accounts, keys, the audit chain, backups', async () => {
  const page = await home('admin')
  const figures = await figuresAreTheApis(page, 'admin')
  assert.equal(figures[0].key, 'backup', 'never backed up: red, first')
  assert.match(await page.locator('[data-test=figure-backup]').innerText(), /尚无备份/)
  await photograph(page, 'admin')
  // A backup from the shell shows on the next visit.
  banyan(['backup', '--db', server.db, '--to', join(server.db, '..', 'copy.db')])
  await page.reload()
  await page.locator('[data-test=figure-backup]').waitFor()
  assert.match(await page.locator('[data-test=figure-backup]').innerText(), /小时前/)
})

test('a leader\'s home is the leaders\' screen; a leader whose area has none gets the leader group', async () => {
  const page = await home('city-leader')
  await page.locator('[data-test=home-screen], [data-test=screen]').first().waitFor()
  assert.equal(await page.locator('[data-test=workbench-leader]').count(), 0)
  await photograph(page, 'leader')
  // A sub-district's leader: no indicators there, so the leader group.
  const csv = join(server.db, '..', 'street.csv')
  writeFileSync(csv, 'code,name,parent_code,kind\n350111-wz,王庄街道,350111,unit\n')
  banyan(['org', 'import', '--db', server.db, csv])
  banyan(['user', 'add', '--db', server.db, '--username', 'wz-leader', '--name', '王庄街道书记', '--role', 'leader', '--org', '350111-wz', '--password-stdin'], 'wz-leader-password\n')
  const street = await home('wz-leader', 1440, 'wz-leader-password')
  const figures = await figuresAreTheApis(street, 'leader')
  assert.deepEqual(figures.map((f) => f.key).sort(), ['problemsOverdue', 'projectsRed', 'projectsYellow'])
  await photograph(street, 'leader-street')
})
