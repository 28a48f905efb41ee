// The indicator pages' helpers: figures as exact decimal text rounded and
// separated without floating point, growth in percent, the periods' names,
// a rank's move, whose unit a bureau enters, what a correction changed,
// and the supervised tasks in the order a list shows them (overdue first).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bureauUnit, changeLines, changeText, entryUnits, falling, formatFigure, formatGrowth, homeUnit, isCityBureau, oneMoneyUnit, periodName, previousMonth, tasksInOrder, unitLabel } from '../../web/src/indicators.js'
import { i18n } from '../../web/src/i18n.js'

test('figures rounded half away from zero, with thousands separators, by text arithmetic', () => {
  assert.equal(formatFigure('6759.34'), '6,759.34')
  assert.equal(formatFigure('245.934'), '245.93')
  assert.equal(formatFigure('245.935'), '245.94')
  assert.equal(formatFigure('-0.005'), '-0.01')
  assert.equal(formatFigure('-0.004'), '0.00')
  assert.equal(formatFigure('1234567.8'), '1,234,567.80')
  assert.equal(formatFigure('0.1'), '0.10')
  assert.equal(formatFigure('12', 0), '12')
  assert.equal(formatFigure('12.5', 0), '13')
  // Beyond a double's exact integers (2^53) the digits are kept.
  assert.equal(formatFigure('9007199254740993.125'), '9,007,199,254,740,993.13')
  assert.equal(formatFigure(null), '')
  assert.equal(formatFigure(''), '')
})

test('growth in percent, and which growth falls', () => {
  assert.equal(formatGrowth('3.1'), '3.10%')
  assert.equal(formatGrowth('-12.05'), '-12.05%')
  assert.equal(formatGrowth(null), '')
  assert.ok(falling('-1.20'))
  assert.ok(!falling('-0.00'))
  assert.ok(!falling('8.00'))
})

test('periods as a bulletin names them', () => {
  assert.equal(periodName('2020-09'), '2020年9月')
  assert.equal(periodName('2020-09', 'quarter'), '2020年第三季度')
  assert.equal(periodName('2020-09', 'ytd'), '2020年1-9月')
  assert.equal(periodName('2020-01', 'ytd'), '2020年1月')
  assert.equal(previousMonth('2020-01'), '2019-12')
  assert.equal(previousMonth('2020-10'), '2020-09')
})

test('a rank\'s move since last period', () => {
  assert.equal(changeText(1), '↑1')
  assert.equal(changeText(-2), '↓2')
  assert.equal(changeText(0), '—')
  assert.equal(changeText(null), '')
})

test('a bureau enters its parent unit; the city\'s bureau is the one right under the city', () => {
  const city = { role: 'department', org: { code: '350100-tjj', kind: 'department', path: '/350100/350100-tjj/', duties: ['statistics'] } }
  const jinan = { role: 'department', org: { code: '350111-tjj', kind: 'department', path: '/350100/350111/350111-tjj/', duties: ['statistics'] } }
  const fgw = { role: 'department', org: { code: '350100-fgw', kind: 'department', path: '/350100/350100-fgw/', duties: [] } }
  const leader = { role: 'leader', org: { code: '350111', kind: 'district', path: '/350100/350111/', duties: [] } }
  assert.equal(bureauUnit(city), '350100')
  assert.equal(bureauUnit(jinan), '350111')
  assert.ok(isCityBureau(city))
  assert.ok(!isCityBureau(jinan))
  assert.ok(!isCityBureau(fgw), 'a city department without the statistics duty')
  assert.ok(!isCityBureau(leader))
  assert.equal(homeUnit(leader), '350111', 'a district\'s leader reads the district')
  assert.equal(homeUnit(jinan), '350111')
})

test('the units a bureau enters: the city and districts in its answer, then the province\'s cities met in its months', () => {
  const orgs = [{ code: '350100', name: '福州市', kind: 'city' }, { code: '350100-tjj', name: '福州市统计局', kind: 'department' }, { code: '350111', name: '晋安区', kind: 'district' }]
  const months = [{ unit: '350111', name: '晋安区' }, { unit: '350200', name: '厦门市' }, { unit: '350200', name: '厦门市' }]
  assert.deepEqual(entryUnits(orgs, months), [{ code: '350100', name: '福州市' }, { code: '350111', name: '晋安区' }, { code: '350200', name: '厦门市' }])
})

test('a correction says what changed, field by field', () => {
  const t = i18n.global.t
  const change = { before: { value: '245.934', growth: null, ytd_growth: '8.53' }, after: { value: '250', growth: '9.5', ytd_growth: '8.53' } }
  assert.equal(changeLines(change, t), '本期数值 245.934 → 250; 增速 — → 9.50%')
})

test('tasks: overdue first, then by light, then the earliest due', () => {
  const tasks = [
    { id: 1, overdue: false, light: 'green', due_on: '2020-10-30' },
    { id: 2, overdue: true, light: 'red', due_on: '2020-10-20' },
    { id: 3, overdue: false, light: 'yellow', due_on: '2020-10-25' },
    { id: 4, overdue: false, light: 'green', due_on: '2020-10-26' },
    { id: 5, overdue: true, light: 'red', due_on: '2020-10-10' },
  ]
  assert.deepEqual(tasksInOrder(tasks).map((x) => x.id), [5, 2, 3, 4, 1])
})

test('key figures side by side in one money unit: 实际利用外资 in 亿元 beside 亿元 neighbours', () => {
  const shown = oneMoneyUnit([{ value: '6759.34', unit: '亿元' }, { value: '45678.90', unit: '万元' }, { value: '3.1', unit: '%' }])
  assert.deepEqual(shown, [{ value: '6759.34', unit: '亿元' }, { value: '4.567890', unit: '亿元' }, { value: '3.1', unit: '%' }])
  assert.equal(formatFigure(shown[1].value, 2), '4.57')
  assert.deepEqual(oneMoneyUnit([{ value: '-12.5', unit: '万元' }, { value: '1', unit: '亿元' }])[0], { value: '-0.00125', unit: '亿元' })
  // With no 亿元 beside it, 万元 stays.
  assert.deepEqual(oneMoneyUnit([{ value: '45678.90', unit: '万元' }]), [{ value: '45678.90', unit: '万元' }])
  assert.equal(unitLabel('count'), 'count')
})
