// Two-factor login in a real browser: a leader, whose role must use a second
// factor (serve --second-factor leader), enrols an authenticator at the first
// login (QR code and key), keeps the recovery codes, and logs in again with a
// code; a code already used is refused.  The leader loses the phone: the security
// administrator's reset is refused (a role under the rule: whoever resets both
// password and factor could log in as the leader), the operator resets it from the
// shell, and the leader enrols again.  The codes are computed here as an
// authenticator app would (RFC 6238 with node's crypto), from the key shown.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { banyan, launchBrowser, logIn, screenshot, shutDown, startServer } from './harness.mjs'

let server, browser, page, secret, enrolStep

before(async () => {
  server = await startServer(['--second-factor', 'leader'])
  banyan(['user', 'add', '--db', server.db, '--username', 'lin.leader', '--name', '林领导', '--role', 'leader', '--org', '350100', '--password-stdin'], 'lin-password\n')
  banyan(['user', 'add', '--db', server.db, '--username', 'city.security', '--name', '安全管理员', '--role', 'security', '--org', '350100', '--password-stdin'], 'security-password\n')
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
})

after(() => shutDown(browser, server))

const shot = (name) => screenshot(page, name)

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0, value = 0
  const out = []
  for (const ch of text.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(ch)
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

function totp(key, step) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', key).update(counter).digest()
  const offset = mac[mac.length - 1] & 15
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0')
}

const step = () => Math.floor(Date.now() / 30000)

test('a leader enrols an authenticator at the first login', async () => {
  await logIn(page, server.url, 'lin.leader', 'lin-password')
  await page.locator('[data-test=second-step]').waitFor()
  await page.locator('[data-test=qr] path').waitFor()
  secret = (await page.locator('[data-test=totp-secret]').innerText()).trim()
  assert.match(secret, /^[A-Z2-7]{32}$/)
  await shot('sf-01-enrol')
  enrolStep = step()
  await page.fill('[data-test=totp-code]', totp(base32(secret), enrolStep))
  await page.click('[data-test=verify]')
  await page.locator('[data-test=recovery-codes]').waitFor()
  assert.equal(await page.locator('[data-test=recovery-codes] li').count(), 10)
  await shot('sf-02-recovery-codes')
  await page.click('[data-test=recovery-continue]')
  await page.waitForURL(`${server.url}/`)
  await page.locator('[data-test=menu-home]').waitFor()
})

test('the leader logs in again with a code; a code already used is refused', async () => {
  await page.click('[data-test=logout]')
  await page.waitForURL(/\/login/)
  await logIn(page, server.url, 'lin.leader', 'lin-password')
  await page.locator('[data-test=second-step]').waitFor()
  assert.equal(await page.locator('[data-test=qr]').count(), 0) // enrolled: no new key
  // The code the enrolment used is refused, whenever it is tried again.
  await page.fill('[data-test=totp-code]', totp(base32(secret), enrolStep))
  await page.click('[data-test=verify]')
  const error = page.locator('[data-test=login-error]')
  await error.waitFor()
  assert.match(await error.innerText(), /已使用过|验证码错误/)
  await shot('sf-03-code-refused')
  while (step() === enrolStep) await sleep(500) // an authenticator shows the next code after 30 s
  await page.fill('[data-test=totp-code]', totp(base32(secret), step()))
  await page.click('[data-test=verify]')
  await page.waitForURL(`${server.url}/`)
  await page.click('[data-test=menu-account]')
  await page.locator('[data-test=factor-state] >> text=已绑定').waitFor()
  await shot('sf-04-account-security')
})

test('the operator, not the security administrator, resets the lost factor and the leader enrols again', async () => {
  await page.click('[data-test=logout]')
  await page.waitForURL(/\/login/)
  await logIn(page, server.url, 'city.security', 'security-password') // security is not required here
  await page.waitForURL(`${server.url}/`)
  assert.equal(await page.locator('[data-test=menu-audit]').count(), 0)
  await page.click('[data-test=menu-users]')
  await page.click('[data-test="reset-factor-lin.leader"]')
  await page.click('.el-message-box__btns .el-button--primary')
  await page.locator('.el-message--error >> text=banyan user second-factor-reset').waitFor()
  await shot('sf-05-security-reset-refused')
  banyan(['user', 'second-factor-reset', '--db', server.db, '--username', 'lin.leader'])
  await page.click('[data-test=logout]')
  await page.waitForURL(/\/login/)
  await logIn(page, server.url, 'lin.leader', 'lin-password')
  await page.locator('[data-test=qr]').waitFor()
  assert.notEqual((await page.locator('[data-test=totp-secret]').innerText()).trim(), secret) // a new key
})
