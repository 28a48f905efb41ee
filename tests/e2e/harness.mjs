// The browser tests' harness: a real `banyan serve` on a free loopback port
// with a fresh database, and Debian's Chromium driven by playwright-core.
// A test fails when the browser reports a Content-Security-Policy violation
// (the console must work under the policy the server sends).
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { afterEach } from 'node:test'
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const { chromium } = await import(new URL('../../web/node_modules/playwright-core/index.mjs', import.meta.url))
const { zipSync, strToU8 } = await import(new URL('../../web/node_modules/fflate/esm/index.mjs', import.meta.url))

export const bin = process.env.BANYAN_BIN || 'build/banyan'
export const shots = process.env.BANYAN_E2E_SHOTS || join(tmpdir(), 'banyan-e2e-shots')
mkdirSync(shots, { recursive: true })

export function banyan(args, input) {
  const r = spawnSync(bin, args, { input, encoding: 'utf8', env: { ...process.env, BANYAN_PWHASH: 'interactive' } })
  if (r.status !== 0) throw new Error(`banyan ${args.join(' ')}: ${r.stdout}${r.stderr}`)
  return r.stdout
}

/** Add each [username, display name, role, organisation] as a user whose password is username-password. */
export function addUsers(server, users) {
  for (const [username, display, role, org] of users)
    banyan(['user', 'add', '--db', server.db, '--username', username, '--name', display, '--role', role, '--org', org, '--password-stdin'], `${username}-password\n`)
}

// Passwords alone unless a test asks for a second factor: startServer(['--second-factor', 'leader']).
// env adds to the server's environment (BANYAN_CLOCK stops its clock at an
// instant); restart(env) stops the server and starts it again on the same
// database and port, e.g. with the clock moved on.
export async function startServer(serveArgs = ['--second-factor', 'none'], env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'banyan-e2e-'))
  const db = join(dir, 'banyan.db')
  const log = join(dir, 'serve.log')
  banyan(['init', '--db', db])
  banyan(['user', 'add', '--db', db, '--username', 'admin', '--name', '系统管理员', '--role', 'admin', '--org', '350100', '--password-stdin'], 'admin-password\n')
  const { openSync } = await import('node:fs')
  async function serve(listen, serveEnv) {
    const out = openSync(log, 'w')
    const proc = spawn(bin, ['serve', '--db', db, '--listen', listen, ...serveArgs], {
      stdio: ['ignore', out, out],
      env: { ...process.env, BANYAN_PWHASH: 'interactive', ...serveEnv },
    })
    let port = 0
    for (let i = 0; i < 500 && !port; i++) {
      const m = readFileSync(log, 'utf8').match(/on http:\/\/127\.0\.0\.1:(\d+)\//)
      if (m) port = Number(m[1])
      else await sleep(10)
    }
    if (!port) throw new Error(`server did not start: ${readFileSync(log, 'utf8')}`)
    return { proc, port }
  }
  const halt = (proc) => {
    proc.kill('SIGTERM')
    return new Promise((resolve) => proc.on('exit', resolve))
  }
  let { proc, port } = await serve('127.0.0.1:0', env)
  return {
    dir, db, port, url: `http://127.0.0.1:${port}`,
    async restart(newEnv = {}) {
      assert.equal(await halt(proc), 0, 'the server stops cleanly')
      ;({ proc } = await serve(`127.0.0.1:${port}`, newEnv))
    },
    async stop() {
      const code = await halt(proc)
      rmSync(dir, { recursive: true, force: true })
      return code
    },
  }
}

/** `banyan demo` on a free port: the demo's people (password DEMO_PASSWORD) and every module's demo data. */
export const DEMO_PASSWORD = 'banyan-demo-2020'
export async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'banyan-e2e-'))
  const db = join(dir, 'demo.db')
  const log = join(dir, 'demo.log')
  const { openSync } = await import('node:fs')
  const out = openSync(log, 'w')
  const proc = spawn(bin, ['demo', '--db', db, '--listen', '127.0.0.1:0'], { stdio: ['ignore', out, out], env: { ...process.env, BANYAN_PWHASH: 'interactive' } })
  let port = 0
  for (let i = 0; i < 1200 && !port; i++) {
    const m = readFileSync(log, 'utf8').match(/banyan demo: http:\/\/127\.0\.0\.1:(\d+)\//)
    if (m) port = Number(m[1])
    else await sleep(50)
  }
  if (!port) throw new Error(`demo did not start: ${readFileSync(log, 'utf8')}`)
  return {
    db, url: `http://127.0.0.1:${port}`,
    stop() {
      proc.kill('SIGTERM')
      return new Promise((resolve) => proc.on('exit', (code) => { rmSync(dir, { recursive: true, force: true }); resolve(code) }))
    },
  }
}

// Chromium reports what the policy refused on the page's console ("Refused to
// ... because it violates the following Content Security Policy directive").
const cspViolations = []
const watched = new WeakSet()
function watchCsp(page) {
  if (watched.has(page)) return // browser.newPage() makes its context through newContext()
  watched.add(page)
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`)
  })
}
afterEach(() => assert.deepEqual(cspViolations.splice(0), [], 'Content-Security-Policy violations'))

export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  })
  // Every page waits at most 10 s for what a test expects of it.
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (...args) => {
    const context = await newContext(...args)
    context.setDefaultTimeout(10000)
    context.on('page', watchCsp)
    return context
  }
  const newPage = browser.newPage.bind(browser)
  browser.newPage = async (...args) => {
    const page = await newPage(...args)
    page.setDefaultTimeout(10000)
    watchCsp(page)
    return page
  }
  return browser
}

// After a file's tests: close the browser, stop the server, which must stop
// cleanly (under the sanitizers a leak makes its exit status non-zero).
export async function shutDown(browser, server) {
  await browser?.close()
  const code = await server?.stop()
  assert.equal(code, 0, 'the server stops cleanly')
}

// A full-page screenshot, name.png in the screenshots' folder.
export const screenshot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })

/** A screenshot once Element Plus has faded its dialogs, messages and tags in. */
export async function settledScreenshot(page, name) {
  await page.waitForTimeout(400)
  await screenshot(page, name)
}

export async function logIn(page, url, username, password) {
  await page.goto(`${url}/login`)
  await page.fill('[data-test=username]', username)
  await page.fill('[data-test=password]', password)
  await page.click('[data-test=submit]')
}

/**
 * A page logged in as username (password username-password) in a context of
 * its own (1366×900, Beijing time, downloads kept) whose clock is stopped at
 * now, as the server's is (BANYAN_CLOCK): the pages' "today" is the server's.
 */
export async function stoppedClockPage(browser, url, username, now) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  await context.clock.install({ time: new Date(now) })
  const page = await context.newPage()
  await logIn(page, url, username, `${username}-password`)
  await page.waitForURL(`${url}/`)
  return page
}

/** Open the menu's page name of the group, opening the group first when it is closed. */
export async function openGroupMenu(page, group, name) {
  if (!(await page.locator(`[data-test=menu-${name}]`).isVisible())) await page.click(`[data-test=menu-group-${group}]`)
  await page.click(`[data-test=menu-${name}]`)
}

/** A one-sheet .xlsx of rows of strings and numbers, as Excel would save it (inline strings). */
export function xlsx(rows) {
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')
  const col = (i) => String.fromCharCode(65 + i)
  const cells = rows.map((row, r) => `<row r="${r + 1}">${row.map((v, i) => (typeof v === 'number'
    ? `<c r="${col(i)}${r + 1}"><v>${v}</v></c>`
    : v === '' ? '' : `<c r="${col(i)}${r + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`)).join('')}</row>`).join('')
  const ns = 'http://schemas.openxmlformats.org'
  return Buffer.from(zipSync({
    '[Content_Types].xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
    '_rels/.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    'xl/workbook.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
    'xl/worksheets/sheet1.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${ns}/spreadsheetml/2006/main"><sheetData>${cells}</sheetData></worksheet>`),
  }))
}

/** The side menu's entries on a page, by name (data-test menu-NAME). */
export const menus = (page) => page.locator('[data-test=menu] [data-test^=menu-]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(5)))

/** Wait until the element's text, trimmed, is want. */
export const waitText = (page, selector, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [selector, want])

/** A call to the API from a logged-in page, with its CSRF token: {status, body}. */
export function apiCall(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/me')).json()
    const r = await fetch(`/api/v1${p}`, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: b ? JSON.stringify(b) : undefined })
    return { status: r.status, body: await r.json() }
  }, [method, path, body])
}

/** POST from a logged-in page, asserting the answer's status (201 unless told): the answer's body. */
export async function post(page, path, body, status = 201) {
  const r = await apiCall(page, 'POST', path, body)
  assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`)
  return r.body
}
