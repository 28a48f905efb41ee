// Quarantine-site supplies (隔离点物资保障) in a real browser against the real
// server, its clock (and the browser's) stopped on Monday 10 February 2020.
// The city health commission's store (city-wjw, duty supplies) opens a store
// and two sites through the API, the 台江 site's keeper (taijiang-site, a
// district bureau's department user) among the 台江 site's members; 晋安
// reports using gloves faster than it holds them: red.  Then, in the
// console: the store finds the three supplies menus, a leader the overview
// and statistics, the keeper their site, another bureau none of them; the
// overview shows 晋安 first and red on gloves; the keeper raises a request
// for 3,000 N95 masks and 1,000 suits; the store's queue shows 晋安's red
// request above it; the store sends what it holds (2,000 and 600), receives
// a donation (and opens its 受赠凭证), and sends the rest; the keeper confirms
// both transfers and sees the masks on hand rise from 800 to 3,800.  Each
// step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { addUsers, launchBrowser, menus, openGroupMenu, post, screenshot, settledScreenshot, shutDown, startServer, stoppedClockPage, waitText } from './harness.mjs'

const NOW = '2020-02-10T09:00:00+08:00'
let server, browser
const pages = {}
const ids = {}

const users = [
  ['city-wjw', '市卫健委防疫物资保障组', 'department', '350100-wjw'],
  ['taijiang-site', '台江区隔离点物资保管员', 'department', '350103-wjj'],
  ['city-leader', '陈市长', 'leader', '350100'],
  ['city-fgw', '市发改委综合科', 'department', '350100-fgw'],
]

before(async () => {
  server = await startServer(['--second-factor', 'none'], { BANYAN_CLOCK: NOW })
  addUsers(server, users)
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

// Element Plus fades dialogs and tags in: the picture waits for it to end.
const shot = (who, file) => settledScreenshot(pages[who], file)

const as = async (who, username) => (pages[who] ||= await stoppedClockPage(browser, server.url, username, NOW))
const openMenu = (page, name) => openGroupMenu(page, 'supplies', name)

/** Choose option text in the el-select marked sel. */
async function choose(page, sel, text) {
  await page.click(`[data-test=${sel}]`)
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).click()
  // The list fades out: until it is gone, the next select's options would match it too.
  await page.waitForFunction(() => [...document.querySelectorAll('.el-select__popper')].every((e) => getComputedStyle(e).display === 'none'))
}

/** The masks on hand at the site, as its page shows them. */
const onHand = (page, item) => page.locator(`[data-test=on-hand-${item}]`).textContent()

test('the store sets up its store and sites; 晋安 runs short of gloves', async () => {
  const wjw = await as('wjw', 'city-wjw')
  ids.store = (await post(wjw, '/supplies/sites', { name: '福州市防疫物资储备库', kind: 'store', district: '350100', address: '福州市鼓楼区湖东路' })).id
  ids.taijiang = (await post(wjw, '/supplies/sites', { name: '台江区集中隔离医学观察点', district: '350103', address: '福州市台江区江滨中大道', capacity: 200 })).id
  ids.jinan = (await post(wjw, '/supplies/sites', { name: '晋安区集中隔离医学观察点', district: '350111', address: '福州市晋安区福新东路', capacity: 120 })).id
  await post(wjw, `/supplies/sites/${ids.taijiang}/members`, { team: 'disinfection', name: '林志明', post: '台江区疾控中心副主任', lead: true, username: 'taijiang-site' })
  await post(wjw, '/supplies/receipts', { site: ids.store, source: 'purchase', party: '福建省源联盛医疗器械有限公司', lines: [{ item: 'n95', quantity: 2000, batch: 'YLS-2002' }, { item: 'suit', quantity: 600 }, { item: 'gloves', quantity: 1000 }] })
  await post(wjw, '/supplies/receipts', { site: ids.taijiang, source: 'purchase', party: '台江区卫健局', lines: [{ item: 'n95', quantity: 1000 }, { item: 'suit', quantity: 300 }] })
  await post(wjw, '/supplies/receipts', { site: ids.jinan, source: 'purchase', party: '晋安区卫健局', lines: [{ item: 'gloves', quantity: 200 }, { item: 'n95', quantity: 500 }] })
  for (const day of ['2020-02-09', '2020-02-10']) {
    await post(wjw, `/supplies/sites/${ids.taijiang}/consumption`, { day, lines: [{ item: 'n95', quantity: 100 }, { item: 'suit', quantity: 20 }] })
    await post(wjw, `/supplies/sites/${ids.jinan}/consumption`, { day, lines: [{ item: 'gloves', quantity: 75 }, { item: 'n95', quantity: 20 }] })
  }
  // 晋安: 50 pairs of gloves left at 75 a day, under a day of cover; it asks the store for more.
  ids.jinanRequest = (await post(wjw, '/supplies/requests', { site: ids.jinan, urgency: 'normal', lines: [{ item: 'gloves', quantity: 500 }] })).id
})

test('menus by duty: the store all three, a leader the overview and statistics, the keeper their site, another bureau none', async () => {
  const wjw = await as('wjw', 'city-wjw')
  await wjw.reload()
  await wjw.click('[data-test=menu-group-supplies]')
  const m = await menus(wjw)
  for (const name of ['group-supplies', 'suppliesDashboard', 'suppliesRequests', 'suppliesStats']) assert.ok(m.includes(name), `${name} in ${m.join()}`)
  assert.ok(!m.includes('suppliesMine'), 'the store belongs to no site')

  const leader = await as('leader', 'city-leader')
  await leader.click('[data-test=menu-group-supplies]')
  const l = await menus(leader)
  assert.ok(l.includes('suppliesDashboard') && l.includes('suppliesStats'), l.join())
  assert.ok(!l.includes('suppliesRequests'), 'the queue is the store\'s work')

  const keeper = await as('keeper', 'taijiang-site')
  await keeper.waitForSelector('[data-test=menu-suppliesMine]')
  const k = await menus(keeper)
  assert.ok(!k.includes('group-supplies'), k.join())

  const fgw = await as('fgw', 'city-fgw')
  await fgw.waitForSelector('[data-test=menu-account]')
  const f = await menus(fgw)
  assert.ok(!f.some((name) => /supplies/i.test(name)), `no supplies menu: ${f.join()}`)
  await fgw.goto(`${server.url}/supplies`)
  await fgw.waitForURL(`${server.url}/`)
})

test('the overview shows 晋安 first, red on gloves', async () => {
  const wjw = pages.wjw
  await openMenu(wjw, 'suppliesDashboard')
  await wjw.waitForSelector('[data-test=sites] [data-test=site-red]')
  const first = wjw.locator('[data-test=sites] tbody tr').first()
  assert.match(await first.textContent(), /晋安区集中隔离医学观察点/)
  assert.match(await first.locator('[data-test=site-red]').textContent(), /1 项告急/)
  const gloves = first.locator(`[data-test=cover-${ids.jinan}-gloves]`)
  assert.equal((await gloves.textContent()).trim(), '0.6 天')
  assert.match(await gloves.getAttribute('class'), /danger/)
  // 台江: 800 masks at 100 a day.
  assert.equal((await wjw.locator(`[data-test=cover-${ids.taijiang}-n95]`).textContent()).trim(), '8 天')
  await wjw.waitForSelector('[data-test=lowest-chart] canvas')
  await shot('wjw', 'supplies-1-overview')
})

test('the keeper raises a request from the site\'s page', async () => {
  const keeper = pages.keeper
  await keeper.click('[data-test=menu-suppliesMine]')
  await waitText(keeper, '[data-test=site-name]', '台江区集中隔离医学观察点')
  assert.equal((await onHand(keeper, 'n95')).trim(), '800 只')
  await keeper.click('[data-test=raise-request]')
  await keeper.click('[data-test=ask-urgency] >> text=特急')
  await choose(keeper, 'ask-item-0', 'N95口罩(只)')
  await keeper.fill('[data-test=ask-quantity-0] input', '3000')
  await keeper.click('[data-test=ask-add]')
  await choose(keeper, 'ask-item-1', '医用防护服(套)')
  await keeper.fill('[data-test=ask-quantity-1] input', '1000')
  await shot('keeper', 'supplies-2-request')
  await keeper.click('[data-test=ask-send]')
  const row = keeper.locator('[data-test=site-requests] tbody tr').first()
  await row.locator('text=N95口罩 3,000 只').waitFor()
  assert.match(await row.textContent(), /特急.*医用防护服 1,000 套.*待满足/)
  ids.request = Number((await row.locator('td').first().textContent()).trim())
})

test('the store sends what it holds, receives a donation with its receipt, and sends the rest', async () => {
  const wjw = pages.wjw
  await openMenu(wjw, 'suppliesRequests')
  await wjw.waitForSelector(`[data-test=fulfil-${ids.request}]`)
  const rows = wjw.locator('[data-test=queue] tbody tr')
  assert.match(await rows.nth(0).textContent(), /晋安区.*告急/, 'the red site\'s request first, though normal and later')
  assert.match(await rows.nth(1).textContent(), /台江区.*特急/)

  // The store holds 2,000 masks and 600 suits of the 3,000 and 1,000 asked: the dialog proposes those.
  await wjw.click(`[data-test=fulfil-${ids.request}]`)
  await waitText(wjw, '[data-test=give-stock-n95]', '2,000 只')
  assert.equal(await wjw.locator('[data-test=give-n95] input').inputValue(), '2000')
  assert.equal(await wjw.locator('[data-test=give-suit] input').inputValue(), '600')
  await shot('wjw', 'supplies-3-fulfil-part')
  await wjw.click('[data-test=give-send]')
  await wjw.locator('.el-message >> text=已部分调拨').waitFor()
  await rows.nth(1).locator('text=已发 2,000 只,待发 1,000 只').waitFor()

  // A donation comes in; its receipt opens to print.
  await wjw.click('[data-test=new-receipt]')
  await wjw.fill('[data-test=take-party]', '台江区工商业联合会（总商会）')
  await choose(wjw, 'take-item-0', 'N95口罩(只)')
  await wjw.fill('[data-test=take-quantity-0] input', '21000')
  await wjw.fill('[data-test=take-batch-0]', 'ZSH-20200210')
  await wjw.click('[data-test=take-send]')
  const donation = wjw.locator('[data-test=receipts] tbody tr', { hasText: 'JZ2020-0001' })
  await donation.waitFor()
  assert.match(await donation.textContent(), /捐赠.*台江区工商业联合会（总商会）.*N95口罩 21,000 只.*批号 ZSH-20200210/)
  assert.equal(await wjw.locator('[data-test=receipts] [data-test^=certificate-]').count(), 1, 'the purchases have no 受赠凭证')
  const popup = wjw.waitForEvent('popup')
  await donation.locator('[data-test^=certificate-]').click()
  const certificate = await popup
  await certificate.waitForURL(/^blob:/)
  await certificate.waitForLoadState()
  const text = await certificate.textContent('body')
  assert.match(text, /受赠凭证/)
  assert.ok(text.includes('捐赠方 Donor: 台江区工商业联合会（总商会）'), text)
  assert.match(text, /21000 只/)
  assert.match(text, /ZSH-20200210/)
  await screenshot(certificate, 'supplies-4-certificate')
  await certificate.close()

  // The suits are short still: the store sends the 1,000 masks now and the 400 suits once bought.
  await wjw.click(`[data-test=fulfil-${ids.request}]`)
  await waitText(wjw, '[data-test=give-stock-n95]', '21,000 只')
  assert.equal(await wjw.locator('[data-test=give-n95] input').inputValue(), '1000')
  assert.equal(await wjw.locator('[data-test=give-suit] input').inputValue(), '0', 'the store holds no suits')
  await wjw.click('[data-test=give-send]')
  await rows.nth(1).locator('text=已发 3,000 只,待发 0 只').waitFor()
  await post(wjw, '/supplies/receipts', { site: ids.store, source: 'purchase', party: '福建省源联盛医疗器械有限公司', lines: [{ item: 'suit', quantity: 400 }] })
  await wjw.click(`[data-test=fulfil-${ids.request}]`)
  await waitText(wjw, '[data-test=give-stock-suit]', '400 套')
  await wjw.click('[data-test=give-send]')
  await wjw.locator('.el-message >> text=已全部调拨,等待隔离点确认收货').waitFor()
  await wjw.locator(`[data-test=fulfil-${ids.request}]`).waitFor({ state: 'detached' })
  await shot('wjw', 'supplies-5-queue')
})

test('the keeper confirms receipt and sees the stock rise', async () => {
  const keeper = pages.keeper
  await keeper.reload()
  await keeper.waitForSelector('[data-test=pending] tbody tr')
  assert.equal(await keeper.locator('[data-test=pending] tbody tr').count(), 3, 'three transfers on their way')
  assert.match(await keeper.textContent('[data-test=pending]'), /N95口罩 3,000 只,医用防护服 1,000 套/, 'what is on its way, item by item')
  assert.equal((await onHand(keeper, 'n95')).trim(), '800 只', 'nothing counted before the site confirms')
  await shot('keeper', 'supplies-6-to-receive')
  for (let left = 2; left >= 0; left--) {
    await keeper.locator('[data-test=pending] button').first().click()
    if (left) await keeper.waitForFunction((n) => document.querySelectorAll('[data-test=pending] tbody tr').length === n, left)
  }
  await keeper.locator('[data-test=pending]').waitFor({ state: 'detached' })
  await waitText(keeper, '[data-test=on-hand-n95]', '3,800 只')
  assert.equal((await onHand(keeper, 'suit')).trim(), '1,260 套')
  assert.equal((await keeper.textContent(`[data-test=request-status-${ids.request}]`)).trim(), '已满足')
  await shot('keeper', 'supplies-7-received')
})

test('statistics by district, with the download', async () => {
  const leader = pages.leader
  await openMenu(leader, 'suppliesStats')
  await leader.click('[data-test=by] >> text=按区县')
  const row = leader.locator('[data-test=stats] tbody tr', { hasText: '台江区' }).filter({ hasText: 'N95口罩' })
  await row.waitFor()
  // 台江: 1,000 bought, 3,000 transferred in, 200 used, 3,800 on hand.
  assert.match(await row.textContent(), /1,000 只.*3,000 只.*0 只.*200 只.*3,800 只/)
  const href = await leader.getAttribute('[data-test=stats-export]', 'href')
  assert.equal(href, '/api/v1/supplies/stats?by=district&format=xlsx')
  const download = leader.waitForEvent('download')
  await leader.click('[data-test=stats-export]')
  assert.match((await download).suggestedFilename(), /\.xlsx$/)
  await shot('leader', 'supplies-8-stats')
})
