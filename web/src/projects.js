// What the major-project pages (重大项目"云代办") share and what can be
// checked without a browser: investment in 万元 shown as finance bureaus
// read it, and the Gantt chart of an approval plan against what actually
// happened.  (A spreadsheet's rows as import CSV: spreadsheet.js.)
import { escapeHtml, formatMoney } from './format.js'

export const levels = ['provincial', 'municipal', 'ordinary']
export const stages = ['approvals', 'construction', 'completed', 'operating']
export const lights = ['red', 'yellow', 'green']
export const milestoneKinds = ['start', 'structure', 'complete', 'produce']

/** Investment, given by the API in whole 万元: "3,000.00万元", from 1亿 "1.37亿元" (in English "1.37 100M yuan"). */
export function formatWan(wan, unit = 'auto') {
  if (wan === null || wan === undefined || wan === '') return ''
  const n = Math.round(Number(wan))
  if (unit === 'auto') unit = Math.abs(n) >= 10000 ? 'yi' : 'wan'
  return formatMoney(BigInt(n) * 1000000n, unit)
}

const DAY = 86400000

/** "2024-05-06" as the instant that day begins in Beijing. */
export function dayStart(day) {
  return Date.parse(`${day}T00:00:00+08:00`)
}

/** "2024-05-06" as the instant that day ends in Beijing (the next day's start). */
export function dayEnd(day) {
  return dayStart(day) + DAY
}

export const lightColors = { red: '#f56c6c', yellow: '#e6a23c', green: '#67c23a', done: '#909399' }

/**
 * The data of the Gantt chart: a row per approval item (top to bottom in plan
 * order), its planned span (latest start to the end of its latest finish) and
 * its actual span (accepted to done; to `now` while it is still open), and
 * each milestone target as a vertical line.  Items without a plan have no
 * planned span; items not accepted have no actual span.
 */
export function ganttData(items, milestones, now = Date.now()) {
  const names = items.map((it) => it.name)
  const planned = []
  const actual = []
  items.forEach((it, row) => {
    if (it.latest_start && it.latest_finish)
      planned.push({ value: [row, dayStart(it.latest_start), dayEnd(it.latest_finish)], critical: !!it.critical, light: it.light })
    if (it.accepted_at) {
      const from = Date.parse(it.accepted_at)
      const to = it.done_at ? Date.parse(it.done_at) : Math.max(now, from)
      actual.push({ value: [row, from, to], open: !it.done_at, light: it.light, status: it.status })
    }
  })
  const targets = milestones.filter((m) => m.target).map((m) => ({ kind: m.kind, name: m.name, at: dayStart(m.target), actual: m.actual ? dayStart(m.actual) : null }))
  return { names, planned, actual, targets }
}

/**
 * The ECharts option of the Gantt chart: two custom series of bars, the plan
 * above (critical items outlined in red) and what happened below (coloured by
 * the item's light), and a dashed line at each milestone target.
 */
export function ganttOption(items, milestones, labels, now = Date.now()) {
  const d = ganttData(items, milestones, now)
  const bar = (offset, heightShare) => (params, api) => {
    const row = api.value(0)
    const from = api.coord([api.value(1), row])
    const to = api.coord([api.value(2), row])
    const band = api.size([0, 1])[1]
    const h = band * heightShare
    const c = params.coordSys
    const x = Math.max(from[0], c.x)
    const w = Math.max(Math.min(to[0], c.x + c.width) - x, 2)
    return { type: 'rect', shape: { x, y: from[1] + band * offset, width: w, height: h }, style: api.style() }
  }
  const all = [...d.planned, ...d.actual].flatMap((p) => [p.value[1], p.value[2]]).concat(d.targets.map((t) => t.at))
  const min = all.length ? Math.min(...all) - 3 * DAY : now - 30 * DAY
  const max = all.length ? Math.max(...all) + 3 * DAY : now + 30 * DAY
  const fmt = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 10)
  return {
    animation: false,
    legend: { top: 0, data: [labels.planned, labels.actual] },
    tooltip: {
      formatter: (p) => `${escapeHtml(d.names[p.value[0]])}<br/>${escapeHtml(p.seriesName)}: ${fmt(p.value[1])} → ${fmt(p.value[2] - (p.seriesIndex === 0 ? DAY : 0))}`,
    },
    grid: { left: 190, right: 30, top: 36, bottom: 30 },
    // Short spans by day (MM-DD), long ones by month (YYYY-MM).
    xAxis: { type: 'time', min, max, axisLabel: { formatter: (v) => (max - min > 120 * DAY ? fmt(v).slice(0, 7) : fmt(v).slice(5)) } },
    yAxis: { type: 'category', data: d.names, inverse: true, axisLabel: { width: 180, overflow: 'truncate' } },
    series: [
      {
        name: labels.planned,
        type: 'custom',
        renderItem: bar(-0.38, 0.36),
        encode: { x: [1, 2], y: 0 },
        itemStyle: { color: '#a0c4f2' },
        data: d.planned.map((p) => ({
          value: p.value,
          itemStyle: p.critical ? { color: '#a0c4f2', borderColor: '#f56c6c', borderWidth: 2 } : undefined,
        })),
        markLine: {
          symbol: 'none',
          silent: true,
          label: { formatter: '{b}', position: 'insideEndTop' },
          lineStyle: { type: 'dashed', color: '#12315a' },
          data: [
            ...d.targets.map((t) => ({ name: `${t.name} ${labels.target}`, xAxis: t.at })),
            { name: labels.today, xAxis: now, lineStyle: { color: '#909399', type: 'dotted' } },
          ],
        },
      },
      {
        name: labels.actual,
        type: 'custom',
        renderItem: bar(0.04, 0.32),
        encode: { x: [1, 2], y: 0 },
        itemStyle: { color: '#67c23a' },
        data: d.actual.map((a) => ({ value: a.value, itemStyle: { color: lightColors[a.light] || '#67c23a', opacity: a.open ? 0.6 : 1 } })),
      },
    ],
  }
}

/** The targets of a plan to send: only the milestones given a date. */
export function planTargets(form) {
  const out = {}
  for (const k of milestoneKinds) if (form[k]) out[k] = form[k]
  return out
}
