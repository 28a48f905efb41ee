// The console in a real browser against the real server: logging in (and
// being refused), creating a user, a narrower menu for a narrower role,
// English and back, the audit trail of what was done (read by the audit
// administrator, not the system administrator), and coming back to the same
// page after a session ends.  Each step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { banyan, launchBrowser, logIn, screenshot, shutDown, startServer } from './harness.mjs'

let server, browser, page

before(async () => {
  server = await startServer()
  banyan(['user', 'add', '--db', server.db, '--username', 'auditor', '--name', '审计管理员', '--role', 'auditor', '--org', '350100', '--password-stdin'], 'auditor-password\n')
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
})

after(() => shutDown(browser, server))

const shot = (name) => screenshot(page, name)

test('a wrong password is refused with the reason shown', async () => {
  await logIn(page, server.url, 'admin', 'not-the-password')
  const error = page.locator('[data-test=login-error]')
  await error.waitFor()
  assert.match(await error.innerText(), /用户名或密码错误/)
  assert.match(page.url(), /\/login/)
  await shot('01-login-refused')
})

test('the administrator logs in and sees the home page with real figures', async () => {
  await logIn(page, server.url, 'admin', 'admin-password')
  await page.waitForURL(`${server.url}/`)
  await page.locator('[data-test=card-districts]').waitFor()
  assert.match(await page.locator('[data-test=card-districts]').innerText(), /13/)
  await page.locator('[data-test=home-chart] canvas').waitFor()
  // Time to first render: a fresh load of the home page until its data is on screen.
  await page.reload()
  await page.waitForFunction(() => window.__banyanHomeRendered !== undefined)
  const ms = await page.evaluate(() => window.__banyanHomeRendered)
  console.log(`# home page first render: ${Math.round(ms)} ms`)
  assert.ok(ms < 5000, `home page rendered in ${ms} ms`)
  for (const menu of ['home', 'orgs', 'users', 'account'])
    assert.ok(await page.locator(`[data-test=menu-${menu}]`).isVisible(), `menu ${menu}`)
  assert.equal(await page.locator('[data-test=menu-audit]').count(), 0) // 三员分立: the audit administrator's
  await shot('02-home-admin-1366x768')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await shot('03-home-admin-1920x1080')
  await page.setViewportSize({ width: 1366, height: 768 })
})

test('a chart shows its tooltip under the Content-Security-Policy', async () => {
  // ECharts writes the tooltip as HTML with style attributes: the policy must let them through.
  // The administrator's chart is the organisations' ring (the audit chart is the audit
  // administrator's alone): small steps across its middle cross the ring, and stop on its tooltip.
  const box = await page.locator('[data-test=home-chart] canvas').first().boundingBox()
  const tooltip = page.locator('[data-test=home-chart] div[style*="z-index: 9999999"]')
  for (let x = 0.05; x < 0.95 && !(await tooltip.isVisible()); x += 0.01)
    await page.mouse.move(box.x + box.width * x, box.y + box.height * 0.5)
  await tooltip.waitFor()
  assert.ok((await tooltip.innerText()).trim().length > 0)
})

test('a bad username is shown beside its field and nothing is saved', async () => {
  await page.click('[data-test=menu-users]')
  await page.click('[data-test=user-create]')
  await page.fill('[data-test=new-username]', 'X Y')
  await page.fill('[data-test=new-display-name]', '王伟')
  await page.fill('[data-test=new-password]', 'long-enough-pw')
  await page.click('[data-test=save-user]')
  const fieldError = page.locator('.el-form-item__error').first()
  await fieldError.waitFor()
  assert.match(await fieldError.innerText(), /用户名/)
  await shot('04-user-field-error')
  const count = spawnSync('sqlite3', [server.db, "SELECT count(*) FROM users"], { encoding: 'utf8' }).stdout.trim()
  assert.equal(count, '2') // the shell's admin and auditor
})

test('the administrator creates an officer', async () => {
  await page.fill('[data-test=new-username]', 'wang.wei')
  await page.click('[data-test=new-role]')
  await page.click('[data-test=role-officer]')
  await page.click('[data-test=save-user]')
  await page.locator('[data-test=user-table] >> text=wang.wei').waitFor()
  await shot('05-user-created')
})

test('the officer sees a narrower menu', async () => {
  await page.click('[data-test=logout]')
  await page.waitForURL(/\/login/)
  await logIn(page, server.url, 'wang.wei', 'long-enough-pw')
  await page.waitForURL(`${server.url}/`)
  await page.locator('[data-test=menu-home]').waitFor()
  assert.ok(await page.locator('[data-test=menu-orgs]').isVisible())
  assert.equal(await page.locator('[data-test=menu-users]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-audit]').count(), 0)
  // Typing the address of a page the role may not use leads home.
  await page.goto(`${server.url}/users`)
  await page.waitForURL(`${server.url}/`)
  await shot('06-officer-menu')
})

test('English can be chosen, is remembered, and Chinese comes back', async () => {
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item >> text=English')
  await page.locator('[data-test=menu-home] >> text=Home').waitFor()
  await page.reload()
  await page.locator('[data-test=menu-home] >> text=Home').waitFor()
  await shot('07-english')
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item >> text=中文')
  await page.locator('[data-test=menu-home] >> text=首页').waitFor()
})

test('the creation is in the audit log, which the audit administrator reads', async () => {
  await page.click('[data-test=logout]')
  await logIn(page, server.url, 'auditor', 'auditor-password')
  await page.waitForURL(`${server.url}/`)
  assert.equal(await page.locator('[data-test=menu-users]').count(), 0)
  await page.click('[data-test=menu-audit]')
  await page.locator('[data-test=audit-action-label]').first().waitFor() // the unfiltered first page, before filtering
  // The action filter is a list of the catalogue's actions in words, grouped by module.
  await page.click('[data-test=audit-action]')
  await page.locator('.el-select-group__title >> text=账号').first().waitFor()
  await page.click('.el-select-dropdown__item >> text=新建账号')
  await page.keyboard.press('Escape')
  await page.locator('[data-test=audit-action] >> text=新建账号').waitFor()
  await page.click('[data-test=audit-search]')
  // The filtered answer replaces the unfiltered first page, which holds wang.wei's creation too.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test=audit-action-label]')].every((e) => e.textContent === '新建账号'))
  await page.locator('[data-test=audit-table] >> text=wang.wei').waitFor()
  const rows = await page.locator('[data-test=audit-table] .el-table__body tr').count()
  assert.equal(rows, 3) // the shell's admin and auditor, and the console's wang.wei
  // Words, not codes: the action, the details' labels, the time without seconds or an epoch.
  const table = await page.locator('[data-test=audit-table]').innerText()
  assert.deepEqual(await page.locator('[data-test=audit-action-label]').allInnerTexts(), ['新建账号', '新建账号', '新建账号'])
  assert.ok(!table.includes('user.create'), table)
  assert.ok(table.includes('用户名'), table)
  assert.ok(table.includes('角色: 招商专员') && table.includes('命令行(运维)'), table) // a role and the shell in words
  assert.ok(!/[{}"]/.test(await page.locator('[data-test=audit-detail]').first().innerText()))
  assert.match(table, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
  await shot('08-audit')
})

test('after the session ends the user logs in again and returns to the same page', async () => {
  // The page is open; the session ends on the server (expiry, or an administrator's reset).
  spawnSync('sqlite3', [server.db, 'DELETE FROM sessions'])
  await page.click('[data-test=audit-search]')
  await page.waitForURL(/\/login\?redirect=(%2F|\/)audit/)
  await page.fill('[data-test=username]', 'auditor')
  await page.fill('[data-test=password]', 'auditor-password')
  await page.click('[data-test=submit]')
  await page.waitForURL(`${server.url}/audit`)
  await page.locator('[data-test=audit-table]').waitFor()
  await shot('09-back-after-login')
})
