// The frontline assessment pages' helpers: shares as the API truncates them,
// scores to one decimal half up (from thousandths, so no float decides it),
// a scheme's weights against 100, the period the pages open on, and names
// from whatever the API gives.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { daysBetween, formatScore, frontPeriods, lastDays, personName, sharePercent, today, weightTotal } from '../../web/src/cadres.js'

test('shares with two decimals of a percent, as the API gives them (four decimals, truncated)', () => {
  assert.equal(sharePercent(0.7142), '71.42%')
  assert.equal(sharePercent(0.0454), '4.54%') // 2 half days of 44
  assert.equal(sharePercent(0.6666), '66.66%') // two thirds, truncated: the verdict is the API's, not this
  assert.equal(sharePercent(1), '100.00%')
  assert.equal(sharePercent(0), '0.00%')
  assert.equal(sharePercent(null), '—')
})

test('scores to one decimal, half up from the thousandths', () => {
  assert.equal(formatScore(95), '95.0')
  assert.equal(formatScore(87.25), '87.3')
  assert.equal(formatScore(87.249), '87.2')
  assert.equal(formatScore(0.05), '0.1')
  assert.equal(formatScore(1.005), '1.0') // 1005 thousandths: 10.05 tenths, rounds to 10
  assert.equal(formatScore(100), '100.0')
  assert.equal(formatScore(null), '—')
})

test('a scheme\'s weights are summed as typed, and only 100 of whole points will do', () => {
  assert.deepEqual(weightTotal([{ weight: 30 }, { weight: '40' }, { weight: 30 }]), { sum: 100, ok: true })
  assert.deepEqual(weightTotal([{ weight: 10 }, { weight: '40' }, { weight: 30 }]), { sum: 80, ok: false })
  assert.equal(weightTotal([{ weight: '4.5' }, { weight: 95.5 }]).ok, false)
  assert.equal(weightTotal([{ weight: '四十' }, { weight: 60 }]).ok, false)
})

test('the pages open on the 30 whole days before today, across months and years; forms propose today', () => {
  assert.deepEqual(lastDays(30, new Date(2020, 10, 20, 9)), ['2020-10-21', '2020-11-19'])
  assert.deepEqual(lastDays(3, new Date(2021, 0, 2)), ['2020-12-30', '2021-01-01'])
  assert.deepEqual(lastDays(1, new Date(2020, 2, 1)), ['2020-02-29', '2020-02-29'])
  assert.equal(today(new Date(2020, 10, 20, 23, 59)), '2020-11-20')
  assert.deepEqual(daysBetween('2020-02-27', '2020-03-01'), ['2020-02-27', '2020-02-28', '2020-02-29', '2020-03-01'])
  assert.equal(daysBetween('2020-10-21', '2020-11-19').length, 30)
  assert.deepEqual(daysBetween('2020-11-19', '2020-11-19'), ['2020-11-19'])
})

test('names, whatever the API gives: an object with a name, a user, a username', () => {
  assert.equal(personName({ id: 1, name: '郑海峰', post: '局长' }), '郑海峰')
  assert.equal(personName({ id: 2, username: 'owner-lin', name: '林攻坚专班负责人' }), '林攻坚专班负责人')
  assert.equal(personName({ username: 'owner-lin' }), 'owner-lin')
  assert.equal(personName('owner-lin'), 'owner-lin')
  assert.equal(personName(null), '')
})

test('frontline periods: whole days up to yesterday, last month whole, none empty', () => {
  const at = (d) => Object.fromEntries(frontPeriods(d).map((p) => [p.key, p.range]))
  assert.deepEqual(at(new Date(2020, 10, 20, 9)), {
    last30: ['2020-10-21', '2020-11-19'],
    thisMonth: ['2020-11-01', '2020-11-19'],
    lastMonth: ['2020-10-01', '2020-10-31'],
    thisQuarter: ['2020-10-01', '2020-11-19'],
    thisYear: ['2020-01-01', '2020-11-19'],
  })
  // On the 1st of January nothing of this month, quarter or year is over yet: only whole periods are offered.
  assert.deepEqual(at(new Date(2021, 0, 1, 8)), { last30: ['2020-12-02', '2020-12-31'], lastMonth: ['2020-12-01', '2020-12-31'] })
  assert.deepEqual(at(new Date(2020, 2, 15)).lastMonth, ['2020-02-01', '2020-02-29'], 'a leap February')
})
