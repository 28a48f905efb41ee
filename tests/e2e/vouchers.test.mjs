// The consumption-voucher pages in a real browser against the real server:
// the commerce bureau creates a campaign, a round open now and a kind through
// the dialogs; a payment channel's signed claims move the counter on the open
// page by themselves (server-sent events); a bad credit code is refused beside
// its field; redemptions show up in the statistics, which export; a leader
// sees the pages without the buttons that create; a bureau without the
// voucher duty, and the system administrator, see no voucher menu and the API
// refuses them.  Each step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { banyan, launchBrowser, logIn, screenshot, shutDown, startServer } from './harness.mjs'

let server, browser, page, alipay
const ids = {} // campaign, round, kind, merchant
const codes = [] // vouchers claimed

before(async () => {
  server = await startServer()
  const out = banyan(['apikey', 'add', '--db', server.db, '--org', '350100-swj', '--role', 'channel', '--name', '支付宝'])
  alipay = { key_id: out.match(/key_id: (\S+)/)[1], secret: out.match(/secret: (\S+)/)[1] }
  for (const [username, name, org] of [['city-swj', '市商务局消费券专班', '350100-swj'], ['city-zjj', '市城乡建设局审批科', '350100-zjj']])
    banyan(['user', 'add', '--db', server.db, '--username', username, '--name', name, '--role', 'department', '--org', org, '--password-stdin'], `${username}-password\n`)
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true })
})

after(() => shutDown(browser, server))

const shot = (name) => screenshot(page, name)
const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim()

/** A request signed as docs/api.md says: HMAC-SHA256 over method, path, timestamp, nonce and the body's SHA-256. */
async function signed(key, method, path, body) {
  const text = body === undefined ? '' : JSON.stringify(body)
  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const bodyHash = createHash('sha256').update(text).digest('hex')
  const signature = createHmac('sha256', key.secret).update([method, path.split('?')[0], ts, nonce, bodyHash].join('\n')).digest('hex')
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json', 'X-Banyan-Key': key.key_id, 'X-Banyan-Timestamp': ts,
      'X-Banyan-Nonce': nonce, 'X-Banyan-Signature': signature,
    },
    body: body === undefined ? undefined : text,
  })
  return { status: res.status, json: await res.json().catch(() => null) }
}

const text = (selector) => page.locator(selector).innerText()
const waitText = (selector, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.trim() === w, [selector, want])

/** Choose the channel in a multiple select (its options come from /vouchers/channels). */
async function chooseChannel(select) {
  await page.click(select)
  await page.click(`[data-test=channel-${alipay.key_id}]:visible`)
  await page.locator(`${select} .el-tag >> text=支付宝`).waitFor()
}

test('the commerce bureau creates a campaign, a round open now and a kind through the dialogs', async () => {
  await logIn(page, server.url, 'city-swj', 'city-swj-password')
  await page.waitForURL(`${server.url}/`)
  for (const menu of ['voucherCampaigns', 'voucherStats', 'voucherMerchants'])
    assert.ok(await page.locator(`[data-test=menu-${menu}]`).isVisible(), `menu ${menu}`)
  await page.click('[data-test=menu-voucherCampaigns]')
  await page.click('[data-test=campaign-create]')
  await page.fill('[data-test=campaign-name]', '惠聚榕城消费季')
  await shot('v01-campaign-dialog')
  await page.click('[data-test=save-campaign]')
  await page.locator('text=惠聚榕城消费季').waitFor()
  ids.campaign = sql("SELECT id FROM voucher_campaigns WHERE name = '惠聚榕城消费季'")
  assert.ok(ids.campaign)

  await page.click(`[data-test=round-create-${ids.campaign}]`)
  await page.fill('[data-test=round-name]', '第一期')
  await chooseChannel('[data-test=round-channels]')
  await page.click('[data-test=round-name]') // close the list
  await shot('v02-round-dialog')
  await page.click('[data-test=save-round]')
  await page.locator('[data-test=save-round]').waitFor({ state: 'hidden' })
  ids.round = sql("SELECT id FROM voucher_rounds WHERE name = '第一期'")
  assert.ok(ids.round)
  await waitText(`[data-test=round-status-${ids.round}]`, '进行中')

  await page.click(`[data-test=kind-create-${ids.round}]`)
  await page.fill('[data-test=kind-name]', '满300减100')
  for (const [field, value] of [['face', '100'], ['threshold', '300'], ['stock', '50'], ['limit', '2']]) {
    await page.fill(`[data-test=kind-${field}] input`, value)
    await page.locator(`[data-test=kind-${field}] input`).press('Tab')
  }
  await page.click('[data-test=kind-categories]')
  await page.click('[data-test=category-catering]:visible')
  await page.click('[data-test=category-retail]:visible')
  await page.click('[data-test=kind-name]')
  await shot('v03-kind-dialog')
  await page.click('[data-test=save-kind]')
  await page.locator('[data-test=save-kind]').waitFor({ state: 'hidden' })
  const [kind, face, threshold, stock, limit, cats] = sql("SELECT id, face_fen, threshold_fen, stock, per_person_limit, categories FROM voucher_kinds WHERE name = '满300减100'").split('|')
  assert.deepEqual([face, threshold, stock, limit, cats], ['10000', '30000', '50', '2', ',catering,retail,'])
  ids.kind = kind
  await waitText(`[data-test=kind-claimed-${ids.kind}]`, '0')
  assert.equal(await text(`[data-test=kind-remaining-${ids.kind}]`), '50')

  // A second kind whose stock is allocated to the channel.
  await page.click(`[data-test=kind-create-${ids.round}]`)
  await page.fill('[data-test=kind-name]', '满100减30')
  for (const [field, value] of [['face', '30'], ['threshold', '100'], ['stock', '20']]) {
    await page.fill(`[data-test=kind-${field}] input`, value)
    await page.locator(`[data-test=kind-${field}] input`).press('Tab')
  }
  await page.click('[data-test=kind-categories]')
  await page.click('[data-test=category-sports]:visible')
  await page.click('[data-test=kind-name]')
  await page.click('[data-test=kind-allocate]')
  await page.fill(`[data-test=kind-alloc-${alipay.key_id}] input`, '20')
  await page.locator(`[data-test=kind-alloc-${alipay.key_id}] input`).press('Tab')
  await page.click('[data-test=save-kind]')
  await page.locator('[data-test=save-kind]').waitFor({ state: 'hidden' })
  assert.equal(sql("SELECT a.stock FROM voucher_allocations a JOIN voucher_kinds k ON k.id = a.kind_id WHERE k.name = '满100减30'"), '20')
  await page.locator('text=满100元减30元').waitFor()

  // 满减 needs the face value below the threshold; a 无门槛 kind says so with its switch.
  await page.click(`[data-test=kind-create-${ids.round}]`)
  await page.fill('[data-test=kind-name]', '无门槛10元')
  for (const [field, value] of [['face', '10'], ['stock', '5']]) {
    await page.fill(`[data-test=kind-${field}] input`, value)
    await page.locator(`[data-test=kind-${field}] input`).press('Tab')
  }
  await page.click('[data-test=kind-categories]')
  await page.click('[data-test=category-retail]:visible')
  await page.click('[data-test=kind-name]')
  await page.click('[data-test=save-kind]')
  await page.locator('text=满减券的面额应低于使用门槛').waitFor() // threshold 0, not declared: refused
  assert.equal(sql("SELECT count(*) FROM voucher_kinds WHERE name = '无门槛10元'"), '0')
  await page.click('[data-test=kind-no-threshold]')
  assert.equal(await page.locator('[data-test=kind-threshold]').count(), 0)
  await page.click('[data-test=save-kind]')
  await page.locator('[data-test=save-kind]').waitFor({ state: 'hidden' })
  assert.equal(sql("SELECT threshold_fen || '|' || no_threshold FROM voucher_kinds WHERE name = '无门槛10元'"), '0|1')
  await shot('v04-campaign-created')
})

test('claims sent by a channel raise the counter on the open page without a reload', async () => {
  await page.evaluate(() => { window.__sameDocument = true })
  await waitText('[data-test=live]', '实时')
  for (let i = 1; i <= 5; i++) {
    const r = await signed(alipay, 'POST', '/api/v1/vouchers/claims', { round: Number(ids.round), kind: Number(ids.kind), user: `user-${i}`, request_id: `req-${i}` })
    assert.equal(r.status, 201, JSON.stringify(r.json))
    codes.push(r.json.voucher.code)
  }
  await waitText(`[data-test=kind-claimed-${ids.kind}]`, '5')
  await waitText(`[data-test=kind-remaining-${ids.kind}]`, '45')
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded')
  await shot('v05-claims-live')
  // And a second burst, to see it keep going.
  for (let i = 6; i <= 12; i++)
    assert.equal((await signed(alipay, 'POST', '/api/v1/vouchers/claims', { round: Number(ids.round), kind: Number(ids.kind), user: `user-${i}`, request_id: `req-${i}` })).status, 201)
  await waitText(`[data-test=kind-claimed-${ids.kind}]`, '12')
  assert.equal(await page.evaluate(() => window.__sameDocument), true)
})

test('a bad credit code is shown beside its field and nothing is saved', async () => {
  await page.click('[data-test=menu-voucherMerchants]')
  await page.click('[data-test=merchant-create]')
  await page.fill('[data-test=merchant-name]', '聚春园大酒店')
  await page.fill('[data-test=merchant-credit-code]', '91350102MA2XY00015')
  await page.click('[data-test=merchant-district]')
  await page.click('[data-test=district-350102]')
  await chooseChannel('[data-test=merchant-channels]')
  await page.click('[data-test=merchant-name]')
  await page.click('[data-test=save-merchant]')
  const error = page.locator('[data-test=merchant-credit-code-item] .el-form-item__error')
  await error.waitFor()
  assert.match(await error.innerText(), /统一社会信用代码校验位错误/)
  assert.equal(sql('SELECT count(*) FROM merchants'), '0')
  await shot('v06-merchant-credit-code-error')
  await page.fill('[data-test=merchant-credit-code]', '91350102MA2XY00014')
  await page.click('[data-test=save-merchant]')
  await error.waitFor({ state: 'detached' })
  await page.locator('[data-test=save-merchant]').waitFor({ state: 'hidden' })
  ids.merchant = sql("SELECT id FROM merchants WHERE credit_code = '91350102MA2XY00014'")
  assert.ok(ids.merchant)
  await page.locator('[data-test=merchant-table] >> text=聚春园大酒店').waitFor()
  await shot('v07-merchant-registered')
})

test('the statistics page shows what was claimed, redeemed and driven, and exports it', async () => {
  // Two orders of 680元 with a 100元 voucher each: 200元 of subsidy drove 1,360元, 1:6.8.
  for (const [i, code] of codes.slice(0, 2).entries()) {
    const r = await signed(alipay, 'POST', '/api/v1/vouchers/redemptions', { code, merchant: Number(ids.merchant), order_no: `order-${i}`, amount_fen: 68000 })
    assert.equal(r.status, 201, JSON.stringify(r.json))
  }
  await page.click('[data-test=menu-voucherStats]')
  await waitText('[data-test=stat-redeemed] .value', '2')
  const value = (key) => text(`[data-test=stat-${key}] .value`)
  assert.equal(await value('issued'), '75') // 50 + 20 + 5 (无门槛)
  assert.equal(await value('claimed'), '12')
  assert.equal(await value('subsidy'), '200.00元')
  assert.equal(await value('consumption'), '1,360.00元')
  assert.equal(await value('leverage'), '1:6.8')
  assert.equal(await value('expired'), '0')
  await page.locator('[data-test=district-chart] canvas').waitFor()
  await page.locator('[data-test=district-table] >> text=鼓楼区').waitFor()
  await page.locator('[data-test=merchant-stats-table] >> text=聚春园大酒店').waitFor()
  // One unit a money column, named in its header, the cells the figures alone.
  const merchant = page.locator('[data-test=merchant-stats-table] .el-table__row', { hasText: '聚春园大酒店' })
  assert.match(await merchant.innerText(), /\s2\s+200\.00\s+1,360\.00\s+1:6\.8/)
  const head = await page.locator('[data-test=merchant-stats-table] thead').innerText()
  assert.ok(head.includes('财政补贴(元)') && head.includes('带动消费(元)'), head)
  await page.waitForTimeout(1500) // the chart's bars grow in
  await shot('v08-stats-1366x768')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.waitForTimeout(1000)
  await shot('v09-stats-1920x1080')
  await page.setViewportSize({ width: 1366, height: 768 })

  // A filter that matches nothing empties the figures.
  await page.click('[data-test=stats-category]')
  await page.click('.el-select-dropdown__item:visible >> text=汽车')
  await page.click('[data-test=stats-search]')
  await waitText('[data-test=stat-redeemed] .value', '0')
  await page.click('text=重置')
  await waitText('[data-test=stat-redeemed] .value', '2')

  for (const [button, suffix] of [['export-merchants-xlsx', '.xlsx'], ['export-districts-csv', '.csv']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-test=${button}]`)])
    assert.ok(download.suggestedFilename().endsWith(suffix), download.suggestedFilename())
    const file = readFileSync(await download.path())
    if (suffix === '.xlsx') assert.equal(file.subarray(0, 2).toString(), 'PK')
    else assert.match(file.toString('utf8'), /^\uFEFF[\s\S]*鼓楼区/)
  }
})

test('English shows the voucher pages in English', async () => {
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item >> text=English')
  await page.locator('[data-test=menu-voucherStats] >> text=Voucher statistics').waitFor()
  await page.locator('[data-test=stat-leverage] >> text=Leverage').waitFor()
  await page.click('[data-test=menu-voucherCampaigns]')
  await page.locator(`[data-test=round-status-${ids.round}] >> text=Open`).waitFor()
  await page.waitForTimeout(500) // tags fade in after the switch
  await shot('v10-campaigns-english')
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item >> text=中文')
  await page.locator('[data-test=menu-voucherCampaigns] >> text=消费券活动').waitFor()
})

test('a leader sees the figures but no buttons that create', async () => {
  banyan(['user', 'add', '--db', server.db, '--username', 'leader', '--name', '市领导', '--role', 'leader', '--org', '350100', '--password-stdin'], 'leader-password\n')
  await page.click('[data-test=logout]')
  await logIn(page, server.url, 'leader', 'leader-password')
  await page.waitForURL(`${server.url}/`)
  await page.click('[data-test=menu-voucherCampaigns]')
  await waitText(`[data-test=kind-claimed-${ids.kind}]`, '12')
  assert.equal(await page.locator('[data-test=campaign-create]').count(), 0)
  assert.equal(await page.locator(`[data-test=round-create-${ids.campaign}]`).count(), 0)
  assert.equal(await page.locator(`[data-test=kind-create-${ids.round}]`).count(), 0)
  await page.click('[data-test=menu-voucherMerchants]')
  await page.locator('[data-test=merchant-table]').waitFor()
  assert.equal(await page.locator('[data-test=merchant-create]').count(), 0)
  await shot('v11-leader-campaigns')
})

test('a bureau without the voucher duty, and the system administrator, see no voucher menu; the API refuses them', async () => {
  for (const [username, code] of [['city-zjj', 'wrong_duty'], ['admin', 'forbidden']]) {
    await page.click('[data-test=logout]')
    await logIn(page, server.url, username, `${username}-password`)
    await page.waitForURL(`${server.url}/`)
    await page.locator('[data-test=menu]').waitFor()
    for (const menu of ['voucherCampaigns', 'voucherStats', 'voucherMerchants'])
      assert.equal(await page.locator(`[data-test=menu-${menu}]`).count(), 0, `${username} sees ${menu}`)
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/v1/vouchers/campaigns')
      return { status: res.status, code: (await res.json()).error?.code }
    })
    assert.deepEqual(answer, { status: 403, code })
    await shot(`v12-no-vouchers-${username}`)
  }
})
