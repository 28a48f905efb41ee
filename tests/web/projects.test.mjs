// The major-project helpers: investment in 万元 read as finance bureaus read
// it, and the Gantt data of a plan against what happened.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dayEnd, dayStart, formatWan, ganttData, planTargets } from '../../web/src/projects.js'

test('investment in 万元 and 亿元', () => {
  assert.equal(formatWan(350000), '35.00亿元')
  assert.equal(formatWan(9999), '9,999.00万元')
  assert.equal(formatWan(10000), '1.00亿元')
  assert.equal(formatWan(12345678), '1,234.57亿元')
  assert.equal(formatWan(500, 'yi'), '0.05亿元')
  assert.equal(formatWan(0), '0.00万元')
  assert.equal(formatWan(null), '')
})

test('days are Beijing days: start and end instants', () => {
  assert.equal(new Date(dayStart('2024-03-05')).toISOString(), '2024-03-04T16:00:00.000Z')
  assert.equal(dayEnd('2024-03-05') - dayStart('2024-03-05'), 86400000)
})

test('the Gantt chart: planned spans, actual spans (open ones to now), milestone targets', () => {
  const items = [
    { name: '项目立项备案(核准)', latest_start: '2024-03-01', latest_finish: '2024-03-06', critical: 1, light: 'done', accepted_at: '2024-03-01T09:00:00+08:00', done_at: '2024-03-04T16:00:00+08:00', status: 'done' },
    { name: '节能审查', latest_start: '2024-03-06', latest_finish: '2024-03-20', critical: 0, light: 'yellow', accepted_at: '2024-03-07T09:00:00+08:00', status: 'accepted' },
    { name: '排污许可证', light: 'green', status: 'pending' },
  ]
  const milestones = [{ kind: 'start', name: '开工', target: '2024-04-01' }, { kind: 'structure', name: '主体完工' }]
  const now = Date.parse('2024-03-10T12:00:00+08:00')
  const d = ganttData(items, milestones, now)
  assert.deepEqual(d.names, ['项目立项备案(核准)', '节能审查', '排污许可证'])
  assert.deepEqual(d.planned.map((p) => p.value), [[0, dayStart('2024-03-01'), dayEnd('2024-03-06')], [1, dayStart('2024-03-06'), dayEnd('2024-03-20')]])
  assert.deepEqual(d.planned.map((p) => p.critical), [true, false])
  assert.deepEqual(d.actual.map((a) => a.value), [
    [0, Date.parse('2024-03-01T09:00:00+08:00'), Date.parse('2024-03-04T16:00:00+08:00')],
    [1, Date.parse('2024-03-07T09:00:00+08:00'), now],
  ])
  assert.deepEqual(d.actual.map((a) => a.open), [false, true])
  assert.deepEqual(d.targets, [{ kind: 'start', name: '开工', at: dayStart('2024-04-01'), actual: null }])
})

test('plan targets send only the milestones given a date', () => {
  assert.deepEqual(planTargets({ start: '2025-01-02', structure: '', complete: null, produce: '2026-01-01' }), { start: '2025-01-02', produce: '2026-01-01' })
})
