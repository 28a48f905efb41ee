// The console's frame in a real browser against the demo: the menu grouped
// by module, its groups and the whole menu collapsing; on a phone (390×844)
// the menu as a drawer, no page of the admin's, a leader's, an investment
// officer's, an agent's or the bureaus' scrolling sideways, and a key
// enterprise's visit recorded with a thumb; and what a district link pays:
// every response's transfer size for the login page and each menu page on a
// cold cache, printed as a table, the login page under 250 KB of gzipped
// JavaScript and CSS and every page under 500 KB.  Screenshots wide and narrow.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { DEMO_PASSWORD, launchBrowser, logIn, menus, settledScreenshot, shutDown, startDemo } from './harness.mjs'

const WIDE = { width: 1366, height: 900 }
const PHONE = { width: 390, height: 844 }
const LOGIN_BUDGET = 250 * 1024
const PAGE_BUDGET = 500 * 1024
// A person of each kind the demo has: the administrator, a leader, an investment officer,
// an agent, and bureaus with different duties (approvals, vouchers, refunds, assessment,
// supplies, statistics).
const PEOPLE = ['admin', 'city-leader', 'jinan-officer', 'city-agent', 'city-zjj', 'city-swj', 'city-rsj', 'city-zzb', 'city-wjw', 'city-tjj']
const PHONE_PEOPLE = ['admin', 'city-leader', 'jinan-officer', 'city-agent', 'city-zjj']

let server, browser

before(async () => {
  server = await startDemo()
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

async function as(username, viewport = WIDE) {
  const context = await browser.newContext({ viewport, timezoneId: 'Asia/Shanghai', hasTouch: viewport === PHONE })
  const page = await context.newPage()
  await logIn(page, server.url, username, DEMO_PASSWORD)
  await page.waitForURL(`${server.url}/`)
  await page.locator('[data-test=menu]').waitFor({ state: 'attached' })
  return page
}

// Follow the menu's entry name, opening its group first when the group is closed.
async function openEntry(page, name) {
  const entry = page.locator(`[data-test=menu-${name}]`)
  if (!(await entry.isVisible())) {
    const group = await entry.evaluate((e) => e.closest('.el-sub-menu')?.dataset.test)
    if (group) await page.click(`[data-test=${group}] > .el-sub-menu__title`)
  }
  await entry.click()
}

// The menu's pages (name → path) of a logged-in page, found by following each entry.
async function menuPaths(page) {
  const out = {}
  for (const name of await menus(page)) {
    if (name.startsWith('group-')) continue
    await openEntry(page, name)
    await page.waitForFunction((n) => document.querySelector(`[data-test=menu-${n}]`)?.classList.contains('is-active'), name)
    out[name] = new URL(page.url()).pathname
  }
  return out
}

// Everything the browser fetched to show url on a cold cache (a new context, the session's
// cookies alone), as the page's resource timings count it: {js, css, all} in bytes
// transferred (gzip, headers included), and the files.
async function coldLoad(url, storageState) {
  const context = await browser.newContext({ viewport: WIDE, storageState })
  const page = await context.newPage()
  await page.goto(url)
  const fetched = () => page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map((e) => ({ path: new URL(e.name).pathname, size: e.transferSize })))
  // Loaded once nothing new has come for half a second (an event stream never ends: no "networkidle").
  let files = []
  for (let n = -1, i = 0; n !== files.length && i < 8; i++) {
    n = files.length
    await page.waitForTimeout(500)
    files = await fetched()
  }
  await context.close()
  if (process.env.FRAME_DEBUG) console.error(url, files.length, files.map((f) => f.path).join(' '))
  const sum = (re) => files.filter((f) => re.test(f.path)).reduce((a, f) => a + f.size, 0)
  return { js: sum(/\.js$/), css: sum(/\.css$/), all: sum(/./), files: files.map((f) => `${f.path} ${f.size}`) }
}

const kb = (n) => (n / 1024).toFixed(1).padStart(7)

// Measured once, asserted by the two tests below.
let measured = null
async function measure() {
  if (measured) return measured
  const rows = [['login', '/login', await coldLoad(`${server.url}/login`)]]
  const seen = new Set()
  for (const username of PEOPLE) {
    const page = await as(username)
    const state = await page.context().storageState()
    for (const [name, path] of Object.entries(await menuPaths(page))) {
      if (seen.has(path)) continue
      seen.add(path)
      rows.push([name, path, await coldLoad(`${server.url}${path}`, state)])
    }
    if (username === 'city-leader') {
      // The richest pages behind the lists: a project with its Gantt chart, a water-system package.
      const first = (list) => page.evaluate(async (l) => (await (await fetch(`/api/v1/${l}`)).json()).items[0].id, list)
      for (const [name, path] of [['project', `/projects/${await first('projects')}`], ['package', `/packages/${await first('packages')}`]])
        rows.push([name, path, await coldLoad(`${server.url}${path}`, state)])
    }
    await page.context().close()
  }
  console.log('# page                     path                        JS KB  CSS KB JS+CSS KB  all KB (brotli or gzip as transferred, cold cache)')
  for (const [name, path, s] of rows) console.log(`# ${name.padEnd(24)} ${path.padEnd(24)} ${kb(s.js)} ${kb(s.css)} ${kb(s.js + s.css)} ${kb(s.all)}`)
  measured = rows
  return rows
}

test('bundle: the login page on a cold cache under 250 KB of JavaScript and CSS', async () => {
  const [[, , login], ...pages] = await measure()
  assert.ok(login.js + login.css < LOGIN_BUDGET, `login page: ${kb(login.js + login.css)} KB of JS and CSS\n${login.files.join('\n')}`)
  assert.ok(pages.length > 30, `every menu page measured: ${pages.length}`)
})

test('bundle: every page under 500 KB of JavaScript and CSS on a cold cache', async () => {
  const over = (await measure()).filter(([, , s]) => s.js + s.css >= PAGE_BUDGET).map(([name, , s]) => `${name}: ${kb(s.js + s.css)} KB`)
  assert.deepEqual(over, [], 'pages over the 500 KB budget')
})

test('the menu: modules in order, each closing and opening, the whole menu folding to icons and remembered', async () => {
  const page = await as('admin')
  const groups = await page.locator('[data-test=menu] > [data-test^=menu-group-]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(11)))
  // The city's administrators hold no duty of a bureau: investment promotion is not among their modules.
  assert.deepEqual(groups, ['project', 'desk', 'mine', 'system'], 'the administrator\'s modules, in the menu\'s order')
  // Every entry but the home page sits in its module, and every entry shows its icon.
  assert.deepEqual(await page.locator('[data-test=menu] > li.el-menu-item').evaluateAll((els) => els.map((e) => e.dataset.test)), ['menu-home'])
  assert.equal(await page.locator('[data-test=menu] li.el-menu-item:not(:has(svg))').count(), 0, 'an entry without its icon')
  await settledScreenshot(page, 'frame-01-menu-admin-1366')

  const projects = page.locator('[data-test=menu-projects]')
  assert.ok(await projects.isVisible(), 'modules are open at first')
  await page.click('[data-test=menu-group-project] > .el-sub-menu__title')
  await projects.waitFor({ state: 'hidden' })
  await page.reload()
  await page.locator('[data-test=menu-orgs]').waitFor()
  assert.ok(!(await projects.isVisible()), 'the closed module stays closed after a reload')
  await page.click('[data-test=menu-group-project] > .el-sub-menu__title')
  await projects.waitFor()

  // Folded: a narrow strip of icons, the labels gone, the page wider; unfolded on a click, remembered.
  const width = () => page.locator('[data-test=aside]').evaluate((e) => e.getBoundingClientRect().width)
  assert.equal(await width(), 208)
  await page.click('[data-test=menu-toggle]')
  await page.waitForFunction(() => document.querySelector('[data-test=aside]').getBoundingClientRect().width === 64)
  assert.ok(!(await page.locator('[data-test=menu-home] .label').isVisible()), 'no label beside a folded entry')
  await settledScreenshot(page, 'frame-02-menu-folded-1366')
  await page.reload()
  await page.locator('[data-test=menu-home]').waitFor()
  assert.equal(await width(), 64, 'still folded after a reload')
  await page.click('[data-test=menu-toggle]')
  await page.waitForFunction(() => document.querySelector('[data-test=aside]').getBoundingClientRect().width === 208)
  await page.context().close()
})

// Wider than the screen: the document, or the frame's own scrolling box (el-main).
const sideways = (page) => page.evaluate(() => {
  const main = document.querySelector('[data-test=main]')
  const doc = document.scrollingElement
  return doc.scrollWidth > innerWidth || main.scrollWidth > main.clientWidth ? `${Math.max(doc.scrollWidth, main.scrollWidth)} px` : ''
})

test('on a phone: the menu is a drawer that opens and navigates, and no menu page scrolls sideways', async () => {
  const offenders = []
  for (const username of PHONE_PEOPLE) {
    const page = await as(username, PHONE)
    assert.ok(!(await page.locator('[data-test=aside]').isVisible()) || (await page.locator('[data-test=aside]').boundingBox()).x < 0, 'the menu is out of the way')
    if (await sideways(page)) offenders.push(`${username} home: ${await sideways(page)}`)
    await settledScreenshot(page, `frame-10-home-${username}-390`)
    for (const name of await menus(page)) {
      if (name.startsWith('group-') || name === 'home') continue
      await page.click('[data-test=menu-toggle]')
      await page.locator('[data-test=menu-mask]').waitFor()
      await page.click(`[data-test=menu-${name}]`)
      await page.locator('[data-test=menu-mask]').waitFor({ state: 'detached' })
      await page.waitForFunction((n) => document.querySelector(`[data-test=menu-${n}]`)?.classList.contains('is-active'), name)
      await page.waitForTimeout(700) // its data in (live pages keep a stream open: no "networkidle")
      const wide = await sideways(page)
      if (wide) {
        offenders.push(`${username} ${name} (${new URL(page.url()).pathname}): ${wide}`)
        await settledScreenshot(page, `frame-19-sideways-${username}-${name}`)
      }
    }
    await page.context().close()
  }
  assert.deepEqual(offenders, [], 'pages wider than a 390 px phone')
})

test('on a phone: an investment officer records a key enterprise\'s visit with a thumb', async () => {
  const page = await as('jinan-officer', PHONE)
  await page.click('[data-test=menu-toggle]')
  await settledScreenshot(page, 'frame-11-drawer-officer-390')
  await page.click('[data-test=menu-investService]')
  await page.waitForURL(`${server.url}/invest/service`)
  const visit = page.locator('[data-test^=key-visit-]').first()
  await visit.waitFor()
  const box = await visit.boundingBox()
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the visit button on screen without scrolling: ${JSON.stringify(box)}`)
  await visit.tap()
  const dialog = page.locator('.el-dialog')
  await dialog.waitFor()
  assert.ok((await dialog.boundingBox()).width <= PHONE.width, 'the dialog fits the screen')
  await page.locator('[data-test=visit-discussed]').fill('手机上记录:现场走访,企业反映用电增容')
  await settledScreenshot(page, 'frame-12-visit-dialog-390')
  await page.locator('[data-test=visit-save]').tap()
  await page.locator('[data-test=visits-table]', { hasText: '手机上记录:现场走访,企业反映用电增容' }).waitFor()
  assert.equal(await sideways(page), '')
  await settledScreenshot(page, 'frame-13-visit-recorded-390')
  await page.context().close()
})

test('on a phone: the public progress query shows each item\'s department on screen; the remote signing page fits', async () => {
  const [code, queryCode] = spawnSync('sqlite3', [server.db, "SELECT code || ' ' || query_code FROM projects WHERE id IN (SELECT project_id FROM project_items) ORDER BY id LIMIT 1"], { encoding: 'utf8' }).stdout.trim().split(' ')
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true })
  const page = await context.newPage()
  await page.goto(`${server.url}/query`)
  await page.fill('[data-test=query-code]', code)
  await page.fill('[data-test=query-query-code]', queryCode)
  await page.click('[data-test=query-submit]')
  const department = page.locator('[data-test=query-item-department]').first()
  await department.waitFor()
  const box = await department.boundingBox()
  assert.ok(box.width > 0 && box.x + box.width <= PHONE.width, `the department on screen: ${JSON.stringify(box)}`)
  assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), true, '/query scrolls sideways')
  await settledScreenshot(page, 'frame-14-query-390')
  await page.goto(`${server.url}/sign`)
  await page.waitForTimeout(500)
  assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), true, '/sign scrolls sideways')
  await settledScreenshot(page, 'frame-15-sign-390')
  await context.close()
})
