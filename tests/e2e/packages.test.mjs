// Packages after completion (项目包与运营管护) and the green channel's
// console, in a real browser against the real server, its clock (and the
// browser's) stopped at 09:00 on Friday 10 July 2020.  The city's agent
// registers two 晋安 water-system packages through the API: 马尾 still
// being built (its rivers of 100 and 300 万元 at 100% and 50%: 62.5%), and
// 晋安东区 with its three rivers built, its operation licence recorded and
// its pump check due yesterday: overdue, red.  Then, in the console: the
// packages list shows 晋安东区 first and red, 马尾 at 62.5%; on 晋安东区's
// page the agent records the pump inspection with a finding and a major
// defect on 磨洋河, the check turns green and two of three rivers run
// normally; the owner's account records the defect fixed, three of three.
// Two green-channel cases (one done in 1.5 hours, one open since 23:30 the
// night before, 9.5 hours, red) show open and red first with the officer's
// name and their hours, and the statistics give the median and worst hours.
// Each step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { addUsers, launchBrowser, menus, post, settledScreenshot, shutDown, startServer, stoppedClockPage, waitText } from './harness.mjs'

const NOW = '2020-07-10T09:00:00+08:00'
let server, browser
const pages = {}
const ids = {}

const users = [
  ['city-agent', '市行政服务中心代办员', 'agent', '350100-xzfw'],
  ['city-leader', '陈市长', 'leader', '350100'],
  ['ja-officer', '晋安区投促局林专员', 'officer', '350111-tcj'],
  ['ja-owner', '晋安东部水系运维公司', 'enterprise', '350111'],
  ['city-fgw', '市发改委综合科', 'department', '350100-fgw'],
]
const OWNER = '91350111MA2DK0011P'

before(async () => {
  server = await startServer(['--second-factor', 'none'], { BANYAN_CLOCK: NOW })
  addUsers(server, users)
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

const shot = (who, file) => settledScreenshot(pages[who], file)
const as = async (who, username) => (pages[who] ||= await stoppedClockPage(browser, server.url, username, NOW))
const rivers = (progress) => [
  { name: '凤坂河', investment_wan: 100, progress: progress[0] },
  { name: '磨洋河', investment_wan: 300, progress: progress[1] },
  ...(progress.length > 2 ? [{ name: '化工河', investment_wan: 200, progress: progress[2] }] : []),
]

test('the agent registers 马尾 being built and 晋安东区 licensed, its pump check overdue', async () => {
  const admin = await as('admin', 'admin')
  const firm = await post(admin, '/enterprises', { name: '晋安东部水系运维有限公司', credit_code: OWNER, district: '350111', industry: '水务', contact_name: '林', contact_phone: '0591-87000000' })
  await post(admin, `/enterprises/${firm.id}/accounts`, { username: 'ja-owner' }, 200)
  const agent = await as('agent', 'city-agent')
  const base = { kind: '水系治理', district: '350111', owner: OWNER, agent: 'city-agent' }
  ids.mawei = (await post(agent, '/packages', { ...base, code: 'SX-MW', name: '马尾水系治理项目包', parts: rivers([100, 50]) })).id
  ids.east = (await post(agent, '/packages', { ...base, code: 'SX-JAE', name: '晋安东区水系治理项目包', parts: rivers([100, 100, 100]) })).id
  await post(agent, `/packages/${ids.east}/licence`, { number: 'FZSX-YY-2020-01', issuer: '福州市城乡建设局', on: '2020-06-30' }, 200)
  ids.pump = (await post(agent, `/packages/${ids.east}/checks`, { what: '闸站泵站设备检查', every_days: 14, first_due: '2020-07-09' })).id
  await post(agent, `/packages/${ids.east}/checks`, { what: '河道保洁巡查', every_days: 7, first_due: '2020-07-15' })
  // The green channel: one case done in 90 minutes, one open since 23:30 last night.
  ids.done = (await post(agent, '/projects/green-channel', { applicant: '福州晋安洁康消毒用品有限公司', item: 'business_license', district: '350111', officer: 'ja-officer', reason: '防疫物资生产企业' })).id
  for (const [kind, at] of [['documents', '2020-07-09T10:00:00+08:00'], ['submission', '2020-07-09T10:20:00+08:00'], ['review', '2020-07-09T11:00:00+08:00'], ['licence', '2020-07-09T11:30:00+08:00']])
    await post(agent, `/projects/green-channel/${ids.done}/steps`, { kind, at }, 200)
  ids.open = (await post(agent, '/projects/green-channel', { applicant: '福州晋安安护防护服有限公司', item: 'business_license', district: '350111', officer: 'ja-officer', reason: '防疫物资生产企业' })).id
  await post(agent, `/projects/green-channel/${ids.open}/steps`, { kind: 'documents', at: '2020-07-09T23:30:00+08:00' }, 200)
})

test('menus: the agent and the leader find both pages, the owner the packages, another bureau neither', async () => {
  const agent = pages.agent
  await agent.reload()
  await agent.waitForSelector('[data-test=menu-packages]')
  const m = await menus(agent)
  assert.ok(m.includes('packages') && m.includes('greenChannel'), m.join())
  const owner = await as('owner', 'ja-owner')
  await owner.waitForSelector('[data-test=menu-packages]')
  assert.ok(!(await menus(owner)).includes('greenChannel'))
  const fgw = await as('fgw', 'city-fgw')
  await fgw.waitForSelector('[data-test=menu-account]')
  const f = await menus(fgw)
  assert.ok(!f.includes('packages'), f.join())
  assert.ok(f.includes('greenChannel'), 'a department handles green-channel cases')
})

test('the list shows 晋安东区 first and red, 马尾 rolled up to 62.5%', async () => {
  const agent = pages.agent
  await agent.click('[data-test=menu-packages]')
  await agent.waitForSelector('[data-test=light-SX-JAE]')
  const rows = agent.locator('[data-test=packages] tbody tr')
  assert.match(await rows.nth(0).textContent(), /有逾期.*晋安东区水系治理项目包.*晋安区.*1.*0.*100\.0%.*100%.*3.*600.*运营管护中.*2020-06-30.*晋安东部水系运维有限公司/)
  assert.match(await rows.nth(1).textContent(), /正常.*马尾水系治理项目包.*62\.5%.*2.*400.*建设中.*未取得/)
  await agent.waitForSelector('[data-test=progress-chart] canvas')
  await shot('agent', 'packages-1-list')
})

test('the agent records the overdue pump inspection with a major defect on 磨洋河', async () => {
  const agent = pages.agent
  await agent.locator('[data-test=package-link]', { hasText: '晋安东区' }).click()
  await waitText(agent, '[data-test=package-name]', '晋安东区水系治理项目包')
  assert.match(await agent.locator(`[data-test=check-${ids.pump}]`).textContent(), /已逾期/)
  assert.match(await agent.locator('[data-test=checks] tbody tr').first().textContent(), /闸站泵站设备检查.*2020-07-09/, 'the overdue check first')
  await shot('agent', 'packages-2-overdue')
  await agent.click('[data-test=record-inspection]')
  await agent.click('[data-test=inspection-part]')
  await agent.locator('.el-select-dropdown__item:visible', { hasText: '磨洋河' }).click()
  await agent.fill('[data-test=inspection-finding]', '2号泵站水泵故障,无法抽排')
  await agent.click('[data-test=inspection-normal]')
  await agent.click('[data-test=inspection-defect]')
  await agent.fill('[data-test=defect-description]', '水泵故障,需更换')
  await agent.click('[data-test=defect-severity] >> text=影响运行')
  await agent.fill('[data-test=defect-due] input', '2020-07-17')
  await agent.keyboard.press('Enter')
  await shot('agent', 'packages-3-inspection')
  await agent.click('[data-test=inspection-save]')
  await agent.locator('.el-message >> text=巡查已登记').waitFor()
  await waitText(agent, `[data-test=check-${ids.pump}]`, '正常')
  await waitText(agent, '[data-test=normal-share] .el-statistic__content', '66.7%')
  assert.match(await agent.locator('[data-test=defects] tbody tr').first().textContent(), /磨洋河.*水泵故障,需更换.*影响运行.*2020-07-10.*2020-07-17.*待整改/)
  assert.match(await agent.locator('[data-test=inspections] tbody tr').first().textContent(), /2020-07-10.*闸站泵站设备检查.*磨洋河.*2号泵站水泵故障/)
  await shot('agent', 'packages-4-defect')
})

test('the owner records the defect fixed: every river runs normally', async () => {
  const owner = pages.owner
  await owner.click('[data-test=menu-packages]')
  await owner.locator('[data-test=package-link]', { hasText: '晋安东区' }).click()
  await owner.click('[data-test=fix]')
  await owner.fill('[data-test=fix-note]', '已更换水泵,恢复抽排')
  await owner.click('[data-test=fix-save]')
  await waitText(owner, '[data-test=normal-share] .el-statistic__content', '100.0%')
  assert.match(await owner.locator('[data-test=defects] tbody tr').first().textContent(), /已整改.*已更换水泵/)
  assert.equal(await owner.locator('[data-test=record-inspection]').count(), 0, 'the owner does not inspect')
  await shot('owner', 'packages-5-fixed')
})

test('the green channel: the open case first and red, its officer by name, hours; median and worst by district', async () => {
  const leader = await as('leader', 'city-leader')
  await leader.click('[data-test=menu-greenChannel]')
  await leader.waitForSelector(`[data-test=light-${ids.open}]`)
  const rows = leader.locator('[data-test=cases] > .el-table__inner-wrapper > .el-table__body-wrapper tbody > tr.el-table__row')
  assert.match(await rows.nth(0).textContent(), /超时.*福州晋安安护防护服有限公司.*设立登记.*晋安区.*晋安区投促局林专员.*9\.50/)
  assert.match(await rows.nth(1).textContent(), /已办结.*福州晋安洁康消毒用品有限公司.*晋安区投促局林专员.*1\.50/)
  assert.equal(await leader.locator(`[data-test=step-${ids.open}]`).count(), 0, 'a leader reads, does not act')
  await rows.nth(1).locator('.el-table__expand-icon').click()
  await leader.locator(`[data-test=steps-${ids.done}] >> text=2020-07-09 11:30`).waitFor()
  const stat = leader.locator('[data-test=stats] .el-table__body-wrapper tbody tr').first()
  assert.match(await stat.textContent(), /晋安区.*设立登记.*2.*1.*1.*1.*1\.50.*1\.50/)
  await leader.waitForSelector('[data-test=hours-chart] canvas')
  await shot('leader', 'green-1-cases')
})

test('the officer records the next step of the open case', async () => {
  const officer = await as('officer', 'ja-officer')
  await officer.click('[data-test=menu-greenChannel]')
  await officer.click(`[data-test=step-${ids.open}]`)
  await officer.fill('[data-test=step-note]', '材料现场提交')
  await officer.click('[data-test=step-save]')
  await officer.locator('.el-message >> text=已记录现场提交').waitFor()
  // The list is read again after the message: wait for the next step rather than read the old one.
  await officer.locator(`[data-test=step-${ids.open}] >> text=现场审核`).waitFor()
  await shot('officer', 'green-2-step')
})

test('the leaders\' screen\'s link to an open case lands on the green channel with that case opened and marked', async () => {
  const leader = await as('leader', 'city-leader')
  const screen = await leader.evaluate(async () => (await fetch('/api/v1/indicators/screen/green')).json())
  const link = screen.items?.find((g) => g.id === ids.open)?.route
  assert.equal(link, `/projects/green-channel?id=${ids.open}`, JSON.stringify(screen))
  await leader.goto(`${server.url}${link}`)
  const picked = leader.locator('[data-test=cases] tr.picked-row')
  await picked.waitFor()
  assert.equal(await picked.count(), 1)
  assert.match(await picked.textContent(), /福州晋安安护防护服有限公司/)
  await leader.locator(`[data-test=steps-${ids.open}] >> text=2020-07-09 23:30`).waitFor()
  await shot('leader', 'green-3-from-screen')
})
