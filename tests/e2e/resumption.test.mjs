// Work resumption (复工复产) in a real browser against the real server, its
// clock (and the browser's) stopped at 17:00 on Friday 21 February 2020.
// The city's agent has a 晋安 project planned to finish on 30 June; on its
// page the agent records that work stopped on 31 January (the first working
// day after the holiday as first announced) and resumed on 20 February,
// with three epidemic-control measures: 13 working days lost across the
// Spring Festival extension, completion now projected for 17 July.  The
// agent records today's arrivals (190 of 200 on site, 150 brought back
// point to point): 95.0%, green.  Another enterprise has not resumed.  The
// city's leader opens 复工复产: the bulletin says the project was the first
// in the city to resume with the highest arrival rate, and the ledger puts
// the enterprise not yet resumed first, red.  Each step saves a screenshot.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { addUsers, launchBrowser, menus, post, settledScreenshot, shutDown, startServer, stoppedClockPage, waitText } from './harness.mjs'

const NOW = '2020-02-21T17:00:00+08:00'
let server, browser
const pages = {}
const ids = {}

const users = [
  ['city-agent', '市行政服务中心代办员', 'agent', '350100-xzfw'],
  ['city-leader', '陈市长', 'leader', '350100'],
]

before(async () => {
  server = await startServer(['--second-factor', 'none'], { BANYAN_CLOCK: NOW })
  addUsers(server, users)
  browser = await launchBrowser()
})

after(() => shutDown(browser, server))

const shot = (who, file) => settledScreenshot(pages[who], file)
const as = async (who, username) => (pages[who] ||= await stoppedClockPage(browser, server.url, username, NOW))

async function fillDate(page, sel, day) {
  await page.fill(`[data-test=${sel}] input`, day)
  await page.keyboard.press('Enter')
}

test('the agent has a planned 晋安 project, and an enterprise not yet resumed', async () => {
  const agent = await as('agent', 'city-agent')
  const firm = { industry: '新材料', contact_name: '林经理', contact_phone: '0591-12345678', district: '350111' }
  ids.enterprise = (await post(agent, '/enterprises', { name: '福州新材料有限公司', credit_code: '91350111MA2AB0123Y', ...firm })).id
  ids.waiting = (await post(agent, '/enterprises', { name: '福州另一家有限公司', credit_code: '91350111MA2AB01242', ...firm })).id
  ids.project = (await post(agent, '/projects', { code: '2019-350111-39-03-000001', name: '晋安新材料产业园', enterprise: ids.enterprise, industry: '新材料', investment_wan: 30000, level: 'municipal', created_on: '2019-10-01' })).id
  await post(agent, `/projects/${ids.project}/plan`, { targets: { complete: '2020-06-30' }, items: ['filing'] })
  await post(agent, '/resumptions', { enterprise: ids.waiting, workforce_needed: 80 })
})

test('the agent records the resumption on the project page: 13 working days lost, completion 17 July', async () => {
  const agent = pages.agent
  await agent.goto(`${server.url}/projects/${ids.project}`)
  await agent.locator('[data-test=resumption-panel] .el-empty').waitFor()
  await agent.click('[data-test=resumption-record]')
  await agent.fill('[data-test=resumption-needed] input', '200')
  await fillDate(agent, 'resumption-stopped', '2020-01-31')
  await fillDate(agent, 'resumption-resumed', '2020-02-20')
  for (const m of ['temperature', 'masks', 'disinfection']) await agent.click(`[data-test=check-${m}]`)
  await shot('agent', 'resumption-1-record')
  await agent.click('[data-test=resumption-save]')
  await waitText(agent, '[data-test=resumed-on]', '2020-02-20')
  await waitText(agent, '[data-test=lost-days]', '13 个工作日')
  await waitText(agent, '[data-test=won-back-days]', '0 个工作日')
  await waitText(agent, '[data-test=projected-completion]', '2020-07-17')
  assert.match(await agent.locator('[data-test=measure-masks]').getAttribute('class'), /success/)
  assert.match(await agent.locator('[data-test=measure-meals]').getAttribute('class'), /danger/, 'a measure not in place is red')
  await shot('agent', 'resumption-2-recorded')
})

test("the agent records today's arrivals: 190 of 200, 150 brought back point to point", async () => {
  const agent = pages.agent
  await agent.click('[data-test=resumption-day]')
  assert.equal(await agent.locator('[data-test=day-day] input').inputValue(), '2020-02-21', 'today, by default')
  await agent.fill('[data-test=day-on-site] input', '190')
  await agent.fill('[data-test=day-p2p] input', '150')
  await agent.locator('[data-test=day-p2p] input').blur()
  await shot('agent', 'resumption-3-day')
  await agent.click('[data-test=day-save]')
  await waitText(agent, '[data-test=panel-arrival]', '95.0%')
  await waitText(agent, '[data-test=panel-p2p]', '150')
  assert.match(await agent.locator('[data-test=panel-arrival]').getAttribute('class'), /success/)
  await agent.locator('[data-test=resumption-days]').waitFor()
  await shot('agent', 'resumption-4-arrivals')
})

test('the leader reads the dashboard: the bulletin line, and what has not resumed first in red', async () => {
  const leader = await as('leader', 'city-leader')
  assert.ok((await menus(leader)).includes('resumption'))
  await leader.click('[data-test=menu-resumption]')
  await leader.locator('[data-test=bulletin-line]').first().waitFor()
  const lines = await leader.locator('[data-test=bulletin-line]').allTextContents()
  assert.ok(lines.includes('晋安新材料产业园全市最早复工、人员到位率最高(2月20日复工,人员到位率95.0%)'), lines.join('\n'))
  assert.ok(lines.some((l) => l.includes('点对点专车接回务工人员150人')), lines.join('\n'))
  await waitText(leader, '[data-test=resumption-rate]', '50.0%')
  const rows = leader.locator('[data-test=resumption-records] tbody tr')
  assert.match(await rows.first().textContent(), /福州另一家有限公司.*未复工/)
  assert.match(await rows.nth(1).textContent(), /晋安新材料产业园/)
  await leader.locator('[data-test=district-chart]').waitFor()
  await shot('leader', 'resumption-5-dashboard')
})
