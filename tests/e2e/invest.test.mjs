// Investment promotion and cloud signing (招商与云签约) in a real browser
// against the real server, each person in their own browser: 晋安's officer
// registers a lead and is stopped from entering its investor twice (the
// refusal names the registered enterprise, which the officer then uses),
// moves it on to 洽谈 (dropping it without a reason is refused), shares it
// with 长乐 and offers it to 长乐, whose officer accepts it from the
// incoming transfers and now owns it.  Then the LIVE CEREMONY: the room's
// screen is open; one party signs on the public remote-signing page (a key
// for another party is refused as bad_signature, a second signature as
// already_signed), the other through the public API with a Node Ed25519
// key; the screen's count and 亿元 total follow without a reload.  Last,
// the public verification page accepts the document and reports a changed
// one as 文件已被改动.  The menus follow the duties: an officer of an
// organisation without the invest duty, and the administrator, see no 招商
// entry and the API refuses them; only an approving bureau sees the
// approval to-do list.  Each step saves a screenshot (i01…).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash, createPrivateKey, sign as edSign } from 'node:crypto'
import { addUsers, apiCall, launchBrowser, logIn, menus, screenshot, shutDown, startServer } from './harness.mjs'

let server, browser
const pages = {}
const ids = {}
const keys = {}

const users = [
  ['ja-officer', '王招商', 'officer', '350111-tcj'],
  ['cl-officer', '林招商', 'officer', '350112-tcj'],
  ['ja-room', '晋安区投促局签约专班', 'officer', '350111-tcj'], // runs the ceremony and its room's screen
  ['ja-centre', '晋安区行政服务中心专员', 'officer', '350111-xzfw'], // the officer role without the invest duty
  ['city-swj', '市商务局消费券专班', 'department', '350100-swj'], // a bureau that approves nothing
  ['city-zjj', '市城乡建设局审批科', 'department', '350100-zjj'], // an approving bureau
]
const enterpriseName = '福建榕晋新能源科技有限公司'
const creditCode = '91350111MA2XY0015B'
const documentText = '晋安智慧园区二期 投资合作协议\n甲方:福州市晋安区人民政府\n乙方:福建榕晋新能源科技有限公司\n投资额:120000 万元\n'

before(async () => {
  server = await startServer()
  addUsers(server, users)
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim()
const shot = (who, file) => screenshot(pages[who], file)
const text = (page, selector) => page.locator(selector).innerText()
const waitText = (page, selector, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [selector, want])

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

/** A JSON request from inside a logged-in page, with its CSRF token. */
function call(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/me')).json()
    const r = await fetch(`/api/v1${p}`, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: b === undefined ? undefined : JSON.stringify(b) })
    return { status: r.status, body: await r.json() }
  }, [method, path, body])
}

const validCredit = (() => {
  // The check character of a unified social credit code (GB 32100-2015).
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const body = creditCode.slice(0, 17)
  const sum = [...body].reduce((s, c, i) => s + chars.indexOf(c) * w[i], 0)
  return body + chars[(31 - (sum % 31)) % 31]
})()

test('an officer registers a lead; entering its investor twice is caught and the registered one used', async () => {
  const page = await as('ja', 'ja-officer')
  const menu = await page.locator('[data-test=menu] [data-test^=menu-]').evaluateAll((els) => els.map((e) => e.dataset.test.slice(5)))
  for (const m of ['investLeads', 'investTransfers', 'investService', 'investCeremonies', 'investStats']) assert.ok(menu.includes(m), `${m} in ${menu}`)
  const made = await call(page, 'POST', '/enterprises', { name: enterpriseName, credit_code: validCredit, district: '350111', industry: '新能源', contact_name: '郑经理', contact_phone: '0591-88888888' })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  ids.enterprise = made.body.id

  await page.click('[data-test=menu-investLeads]')
  await page.locator('[data-test=leads-table]').waitFor()
  await page.click('[data-test=lead-register]')
  await page.fill('[data-test=lead-title]', '晋安智慧园区二期')
  await page.fill('[data-test=lead-source]', '以商招商')
  await page.fill('[data-test=lead-new-name]', '福建榕晋新能源科技')
  await page.fill('[data-test=lead-new-credit]', validCredit)
  await page.fill('[data-test=lead-new-contact]', '郑经理')
  await page.fill('[data-test=lead-new-phone]', '0591-88888888')
  await page.fill('[data-test=lead-industry]', '新能源')
  await page.fill('[data-test=lead-investment] input', '120000')
  await page.click('[data-test=lead-save]')
  const dup = page.locator('[data-test=lead-duplicate-message]')
  await dup.waitFor()
  assert.match(await dup.innerText(), new RegExp(`已登记,编号 ${ids.enterprise}`))
  assert.equal(sql('SELECT count(*) FROM leads'), '0', 'nothing registered')
  assert.equal(sql('SELECT count(*) FROM enterprises'), '1', 'no second enterprise')
  await shot('ja', 'i01-lead-duplicate-enterprise')

  await page.click('[data-test=lead-use-existing]')
  await page.click('[data-test=lead-save]')
  await page.waitForURL(/\/invest\/leads\/\d+$/)
  ids.lead = Number(page.url().match(/(\d+)$/)[1])
  await waitText(page, '[data-test=lead-name]', '晋安智慧园区二期')
  assert.equal(await text(page, '[data-test=lead-stage]'), '线索')
  assert.equal(await text(page, '[data-test=lead-enterprise-name]'), enterpriseName)
  assert.equal(await text(page, '[data-test=lead-investment]'), '12.00亿元')
  assert.equal(await text(page, '[data-test=lead-owner]'), '晋安区')
  assert.equal(sql(`SELECT enterprise_id FROM leads WHERE id = ${ids.lead}`), String(ids.enterprise))
  assert.equal(sql('SELECT count(*) FROM enterprises'), '1')
})

test('the officer moves the lead on one stage; dropping it needs a reason', async () => {
  const page = pages.ja
  await page.click('[data-test=lead-drop]')
  await page.click('[data-test=stage-save]')
  assert.match(await text(page, '[data-test=stage-error]'), /请填写终止原因/)
  await page.keyboard.press('Escape')
  await page.locator('[data-test=stage-save]').waitFor({ state: 'hidden' })

  assert.match(await text(page, '[data-test=lead-advance]'), /推进到「洽谈」/)
  await page.click('[data-test=lead-advance]')
  await page.fill('[data-test=stage-reason]', '企业赴晋安实地考察,进入合同洽谈')
  await page.click('[data-test=stage-save]')
  await waitText(page, '[data-test=lead-stage]', '洽谈')
  assert.match(await text(page, '[data-test=lead-advance]'), /推进到「签约」/)
  const history = await text(page, '[data-test=lead-history]')
  assert.match(history, /登记线索/)
  assert.match(history, /推进阶段[\s\S]*线索 → 洽谈[\s\S]*实地考察/)
  assert.match(history, /王招商/, 'the history names the officer by display name')
  assert.ok(!history.includes('ja-officer'), 'and never by login')
  assert.equal(sql(`SELECT stage FROM leads WHERE id = ${ids.lead}`), 'negotiating')
  await shot('ja', 'i02-lead-negotiating')
})

test('the officer shares the lead with 长乐 and offers it; 长乐 accepts and owns it', async () => {
  const page = pages.ja
  await page.click('[data-test=lead-share]')
  // /orgs shows an officer only its own branch: the district code is typed.
  await page.click('[data-test=share-org]')
  await page.keyboard.type('350112')
  await page.keyboard.press('Enter')
  await page.click('[data-test=link-save]')
  await waitText(page, '[data-test=lead-shared-with]', '长乐区')

  await page.click('[data-test=lead-transfer]')
  await page.click('[data-test=transfer-to]')
  await page.keyboard.type('350112')
  await page.keyboard.press('Enter')
  await page.keyboard.press('Escape')
  await page.fill('[data-test=transfer-reason]', '用地需求大,长乐滨海片区更合适')
  await page.click('[data-test=link-save]')
  await waitText(page, '[data-test=lead-offered-to]', '长乐区')
  await page.locator('[data-test=lead-withdraw]').waitFor()
  await shot('ja', 'i03-lead-shared-offered')

  const cl = await as('cl', 'cl-officer')
  await cl.click('[data-test=menu-investTransfers]')
  const title = cl.locator('[data-test=offers-table] [data-test^=offer-title-]')
  await title.first().waitFor()
  assert.equal(await title.first().innerText(), '晋安智慧园区二期')
  assert.match(await text(cl, '[data-test=offers-table]'), /晋安区[\s\S]*长乐滨海片区更合适/)
  await shot('cl', 'i04-incoming-transfer')
  await cl.locator('[data-test^=offer-accept-]').first().click()
  await cl.waitForURL(new RegExp(`/invest/leads/${ids.lead}$`))
  await waitText(cl, '[data-test=lead-owner]', '长乐区')
  assert.match(await text(cl, '[data-test=lead-history]'), /接收移交[\s\S]*晋安区 → 长乐区/)
  assert.equal(sql(`SELECT o.code FROM leads l JOIN orgs o ON o.id = l.owner_org_id WHERE l.id = ${ids.lead}`), '350112')
  await shot('cl', 'i05-lead-accepted')

  // 晋安 keeps seeing it, now as a share, and may no longer change it.
  await pages.ja.reload()
  await waitText(pages.ja, '[data-test=lead-owner]', '长乐区')
  assert.match(await text(pages.ja, '[data-test=lead-read-only]'), /长乐区 负责,您只能查看/)
  assert.equal(await pages.ja.locator('[data-test=lead-advance]').count(), 0)
})

test('the live ceremony: the room screen follows each signature without a reload', async () => {
  const room = await as('room', 'ja-room')
  // The organisers' setup through the API: two signers' keys, a ceremony, one agreement with its document.
  const gov = await call(room, 'POST', '/invest/signers', { name: '晋安区人民政府代表', organisation: '福州市晋安区人民政府' })
  const firm = await call(room, 'POST', '/invest/signers', { name: '法定代表人', organisation: enterpriseName })
  assert.equal(gov.status, 201)
  assert.match(gov.body.secret_key, /^[0-9a-f]{128}$/)
  keys.gov = gov.body
  keys.firm = firm.body
  const c = await call(room, 'POST', '/invest/ceremonies', { title: '晋安区重点项目云签约(第三批)', host: '350111', held_on: '2026-01-15' })
  assert.equal(c.status, 201, JSON.stringify(c.body))
  ids.ceremony = c.body.id
  const a = await call(room, 'POST', `/invest/ceremonies/${ids.ceremony}/agreements`, {
    title: '晋安智慧园区二期', amount_wan: 120000, document_name: '投资合作协议.txt', document: Buffer.from(documentText).toString('base64'),
    parties: [{ signer: keys.gov.id, role: '甲方' }, { signer: keys.firm.id, role: '乙方' }],
  })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  ids.agreement = a.body.id
  assert.equal(a.body.document_sha256, createHash('sha256').update(documentText).digest('hex'))
  const b = await call(room, 'POST', `/invest/ceremonies/${ids.ceremony}/agreements`, {
    title: '福州东部物流港', amount_wan: 85000, document_name: 'b.txt', document: Buffer.from('物流港协议').toString('base64'),
    parties: [{ signer: keys.gov.id, role: '甲方' }, { signer: keys.firm.id, role: '乙方' }],
  })
  assert.equal(b.status, 201)

  // The room's screen.
  await room.goto(`${server.url}/invest/ceremonies/${ids.ceremony}`)
  await waitText(room, '[data-test=screen-title]', '晋安区重点项目云签约(第三批)')
  assert.equal(await text(room, '[data-test=screen-signed]'), '0')
  assert.equal(await text(room, '[data-test=screen-agreements]'), '2')
  assert.equal(await text(room, '[data-test=screen-total]'), '0.00')
  await room.locator('[data-test=live] .dot.on').waitFor()
  await room.evaluate(() => { window.__noReload = true })
  await shot('room', 'i06-ceremony-screen-before')

  // 乙方 signs on the public page, with no account.
  const signer = await as('signer')
  await signer.goto(`${server.url}/sign/${ids.agreement}`)
  await signer.setInputFiles('[data-test=sign-file]', { name: '投资合作协议.txt', mimeType: 'text/plain', buffer: Buffer.from(documentText) })
  await waitText(signer, '[data-test=sign-title]', '晋安智慧园区二期')
  await signer.setInputFiles('[data-test=sign-key-file]', { name: `signer-${keys.firm.id}.key`, mimeType: 'text/plain', buffer: Buffer.from(`${keys.firm.secret_key}\n`) })
  assert.match(await text(signer, '[data-test=sign-me]'), /您是:乙方 法定代表人/)
  // The key is 乙方's: signing as 甲方 with it does not verify.
  await signer.click('[data-test=sign-party]')
  await signer.click(`[data-test=sign-party-${keys.gov.id}]:visible`)
  await signer.click('[data-test=sign-submit]')
  assert.match(await text(signer, '[data-test=sign-result]'), /签名无效/)
  assert.equal(sql(`SELECT count(*) FROM agreement_parties WHERE agreement_id = ${ids.agreement} AND signature IS NOT NULL`), '0')
  await shot('signer', 'i07-sign-bad-signature')

  await signer.click('[data-test=sign-party]')
  await signer.click(`[data-test=sign-party-${keys.firm.id}]:visible`)
  await signer.click('[data-test=sign-submit]')
  await signer.waitForFunction(() => /签署成功/.test(document.querySelector('[data-test=sign-result]')?.textContent || ''))
  await shot('signer', 'i08-signed')
  // One party of two: the agreement is not signed yet, the screen ticks the party only.
  await room.waitForFunction((id) => /1\/2/.test(document.querySelector(`[data-test=tile-${id}]`)?.textContent || ''), ids.agreement)
  assert.equal(await text(room, '[data-test=screen-signed]'), '0')

  await signer.click('[data-test=sign-submit]')
  await signer.waitForFunction(() => /已签署过/.test(document.querySelector('[data-test=sign-result]')?.textContent || ''))

  // 甲方 signs through the public API with Node's own Ed25519: the digest's 32 raw bytes.
  const seed = Buffer.from(keys.gov.secret_key.slice(0, 64), 'hex')
  const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' })
  const digest = createHash('sha256').update(documentText).digest()
  const signature = edSign(null, digest, priv).toString('hex')
  const r = await fetch(`${server.url}/api/v1/public/agreements/${ids.agreement}/signatures`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signer: keys.gov.id, signature }),
  })
  assert.equal(r.status, 201)
  assert.equal((await r.json()).agreement_signed, true)

  await waitText(room, '[data-test=screen-signed]', '1')
  await waitText(room, '[data-test=screen-total]', '12.00')
  assert.equal(await room.locator(`[data-test=tile-${ids.agreement}]`).getAttribute('data-signed'), '1')
  assert.ok(await room.evaluate(() => window.__noReload), 'the screen was not reloaded')
  // Each party's tick follows too.
  await room.waitForFunction((sel) => /已签/.test(document.querySelector(sel)?.textContent || ''), `[data-test=party-${ids.agreement}-${keys.gov.id}]`)
  await shot('room', 'i09-ceremony-screen-signed')
})

test('the public verification page accepts the document and reports a changed one', async () => {
  const page = await as('public')
  await page.goto(`${server.url}/verify`)
  await page.fill('[data-test=verify-agreement]', String(ids.agreement))
  await page.setInputFiles('[data-test=verify-file]', { name: '投资合作协议.txt', mimeType: 'text/plain', buffer: Buffer.from(documentText) })
  await waitText(page, '[data-test=verify-sha]', createHash('sha256').update(documentText).digest('hex'))
  await page.click('[data-test=verify-submit]')
  await waitText(page, '[data-test=verify-title]', '晋安智慧园区二期')
  assert.match(await text(page, '[data-test=verify-result]'), /文件未被改动,全部签名有效/)
  assert.equal(await text(page, '[data-test=verify-party-0]'), '签名有效')
  assert.equal(await text(page, '[data-test=verify-party-1]'), '签名有效')
  await shot('public', 'i10-verify-valid')

  await page.setInputFiles('[data-test=verify-file]', { name: '投资合作协议.txt', mimeType: 'text/plain', buffer: Buffer.from(documentText.replace('120000', '12000')) })
  await page.click('[data-test=verify-submit]')
  await page.locator('[data-test=verify-changed]').waitFor()
  assert.match(await text(page, '[data-test=verify-changed]'), /文件已被改动/)
  assert.equal(await page.locator('[data-test=verify-result]').count(), 0)
  await shot('public', 'i11-verify-changed')
})

test('menus by duty: no 招商 without the invest duty, the approval list only for an approving bureau', async () => {
  const invest = ['investLeads', 'investTransfers', 'investService', 'investCeremonies', 'investStats']
  const officer = await as('ja', 'ja-officer')
  await officer.goto(`${server.url}/`)
  const own = await menus(officer)
  for (const m of invest) assert.ok(own.includes(m), `the bureau's officer has ${m}: ${own.join()}`)
  for (const [who, username, password] of [['centre', 'ja-centre'], ['admin', 'admin', 'admin-password']]) {
    const page = await as(who, username, password)
    const m = await menus(page)
    assert.ok(m.length > 0, m.join())
    for (const name of invest) assert.ok(!m.includes(name), `${username} sees ${name}`)
    const r = await apiCall(page, 'GET', '/invest/leads')
    assert.equal(r.status, 403)
    assert.equal(r.body.error.code, who === 'centre' ? 'wrong_duty' : 'forbidden')
    await page.goto(`${server.url}/invest/leads`) // typed in: the guard sends them home
    await page.waitForURL(`${server.url}/`)
    await shot(who, `i12-no-invest-menu-${who}`)
  }
  const zjj = await as('zjj', 'city-zjj')
  assert.ok((await menus(zjj)).includes('projectItems'))
  const swj = await as('swj', 'city-swj')
  assert.ok(!(await menus(swj)).includes('projectItems'))
  const r = await apiCall(swj, 'GET', '/projects/items')
  assert.equal(r.status, 403)
  assert.equal(r.body.error.code, 'wrong_duty')
  await shot('swj', 'i13-commerce-bureau-no-approval-list')
})
