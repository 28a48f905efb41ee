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

export const bin = process.env.BANYAN_BIN || 'build/banyan'
export const shots = process.env.BANYAN_E2E_SHOTS || join(tmpdir(), 'banyan-e2e-shots')
mkdirSync(shots, { recursive: true })

export function banyan(args, input) {
  const r = spawnSync(bin, args, { input, encoding: 'utf8', env: { ...process.env, BANYAN_PWHASH: 'interactive' } })
  if (r.status !== 0) throw new Error(`banyan ${args.join(' ')}: ${r.stdout}${r.stderr}`)
  return r.stdout
}

// Passwords alone unless a test asks for a second factor: startServer(['--second-factor', 'leader']).
export async function startServer(serveArgs = ['--second-factor', 'none']) {
  const dir = mkdtempSync(join(tmpdir(), 'banyan-e2e-'))
  const db = join(dir, 'banyan.db')
  const log = join(dir, 'serve.log')
  banyan(['init', '--db', db])
  banyan(['user', 'add', '--db', db, '--username', 'admin', '--name', '系统管理员', '--role', 'admin', '--org', '350100', '--password-stdin'], 'admin-password\n')
  const { openSync } = await import('node:fs')
  const out = openSync(log, 'w')
  const proc = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...serveArgs], {
    stdio: ['ignore', out, out],
    env: { ...process.env, BANYAN_PWHASH: 'interactive' },
  })
  let port = 0
  for (let i = 0; i < 500 && !port; i++) {
    const m = readFileSync(log, 'utf8').match(/on http:\/\/127\.0\.0\.1:(\d+)\//)
    if (m) port = Number(m[1])
    else await sleep(10)
  }
  if (!port) throw new Error(`server did not start: ${readFileSync(log, 'utf8')}`)
  return {
    dir, db, port, url: `http://127.0.0.1:${port}`,
    async stop() {
      proc.kill('SIGTERM')
      const code = await new Promise((resolve) => proc.on('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
      return code
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

export async function logIn(page, url, username, password) {
  await page.goto(`${url}/login`)
  await page.fill('[data-test=username]', username)
  await page.fill('[data-test=password]', password)
  await page.click('[data-test=submit]')
}
