// What the economic-indicator pages (经济运行监测) share and what can be
// checked without a browser: the API gives figures as exact decimal text in
// the indicator's unit ("6759.34" 亿元, growth "3.10" for 3.10%); they are
// shown rounded and with thousands separators by text arithmetic, never
// through floating point.  Also: whose unit a statistics bureau enters, the
// periods' names, and the tags of states and lights.
import { unitName } from './format.js'

/**
 * Decimal text rounded half away from zero to `places` decimals, with
 * thousands separators: ("6759.336", 2) -> "6,759.34"; null or '' -> ''.
 */
export function formatFigure(text, places = 2) {
  if (text === null || text === undefined || text === '') return ''
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(text))
  if (!m) return String(text)
  const [, sign, whole, frac = ''] = m
  let n = BigInt(whole + frac.padEnd(places + 1, '0').slice(0, places + 1))
  n = (n + 5n) / 10n // half away from zero on the magnitude
  const scale = 10n ** BigInt(places)
  const int = (n / scale).toLocaleString('en-US')
  const dec = places ? `.${String(n % scale).padStart(places, '0')}` : ''
  return `${sign && n !== 0n ? '-' : ''}${int}${dec}`
}

/** A growth rate as a bulletin writes it: "3.10" -> "3.10%", "-1.2" -> "-1.20%"; '' when there is none. */
export function formatGrowth(text) {
  return text === null || text === undefined || text === '' ? '' : `${formatFigure(text, 2)}%`
}

/** How many decimals a figure in this unit is shown with: counts whole, the rest two. */
export const placesOf = (unit) => (unit === 'count' ? 0 : 2)

const MONEY_UNITS = { 元: 'yuan', 万元: 'wan', 亿元: 'yi' }

/** An indicator's unit as the console names it: money in its language ("万元", "10k yuan"), others as stated. */
export const unitLabel = (unit) => (MONEY_UNITS[unit] ? unitName(MONEY_UNITS[unit]) : unit)

/**
 * Figures shown side by side (the leaders' screen's key figures) in one money
 * unit: when any is in 亿元, one in 万元 is shown in 亿元 too, its decimal
 * text shifted four places ("45678.90" 万元 -> "4.5678900" 亿元); each unit is
 * named in the console's language (unitName).  items: [{ value, unit }]
 * (unit as the indicator states it); answers [{ value, unit }] to show.
 */
export function oneMoneyUnit(items) {
  const inYi = items.some((it) => it.unit === '亿元')
  return items.map(({ value, unit }) => {
    if (inYi && unit === '万元') {
      value = shiftPoint(value, 4)
      unit = '亿元'
    }
    return { value, unit: unitLabel(unit) }
  })
}

/** Decimal text divided by 10^places, exactly: ("45678.9", 4) -> "4.56789". */
function shiftPoint(text, places) {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(text ?? ''))
  if (!m) return text
  const [, sign, whole, frac = ''] = m
  const digits = whole.padStart(places + 1, '0')
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}${frac}`
}

/** Is the growth negative (shown in the falling colour)? */
export const falling = (text) => typeof text === 'string' && text.startsWith('-') && /[1-9]/.test(text)

/** The unit a statistics bureau enters for: its parent in the tree ("/350100/350111/350111-tjj/" -> "350111"). */
export function bureauUnit(user) {
  const parts = (user?.org?.path || '').split('/').filter(Boolean)
  return parts.length >= 2 ? parts[parts.length - 2] : ''
}

/** The unit whose figures a user reads first: a city's or district's own, a bureau's parent. */
export function homeUnit(user) {
  const org = user?.org
  if (org?.kind === 'city' || org?.kind === 'district') return org.code
  return bureauUnit(user) || '350100'
}

/** The city's statistics bureau (a department right under the city): it approves, returns, revises, publishes. */
export function isCityBureau(user) {
  return user?.role === 'department' && !!user?.org?.duties?.includes('statistics') && (user?.org?.path || '').split('/').filter(Boolean).length === 2
}

/** Statistics staff of any bureau (they enter and submit). */
export const isStatistics = (user) => user?.role === 'department' && !!user?.org?.duties?.includes('statistics')

/** "2020-09" as Chinese names it: month "2020年9月", quarter "2020年第三季度", year-to-date "2020年1-9月". */
export function periodName(period, kind = 'month') {
  const m = /^(\d{4})-(\d{2})$/.exec(period || '')
  if (!m) return period || ''
  const year = m[1]
  const month = Number(m[2])
  if (kind === 'quarter') return `${year}年第${['一', '二', '三', '四'][Math.ceil(month / 3) - 1]}季度`
  if (kind === 'ytd') return month === 1 ? `${year}年1月` : `${year}年1-${month}月`
  if (kind === 'year') return `${year}年`
  return `${year}年${month}月`
}

/** The month before "YYYY-MM". */
export function previousMonth(period) {
  const [y, m] = period.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** A rank's move since last period as shown: "↑1", "↓2", "—" (held), "" (no earlier rank). */
export function changeText(change) {
  if (change === null || change === undefined) return ''
  return change > 0 ? `↑${change}` : change < 0 ? `↓${-change}` : '—'
}

/** Element Plus tag types of a month's states and of the tasks' lights and states. */
export const stateTag = { draft: 'info', submitted: 'warning', approved: 'success', returned: 'danger' }
export const lightTag = { red: 'danger', yellow: 'warning', green: 'success' }
export const taskTag = { open: 'danger', in_progress: 'warning', done: 'success' }

/** Tasks as a list shows them: overdue (red) first, then by light, then the earliest due. */
export function tasksInOrder(tasks) {
  const weight = { red: 0, yellow: 1, green: 2 }
  return [...tasks].sort((a, b) => Number(b.overdue) - Number(a.overdue) || (weight[a.light] ?? 3) - (weight[b.light] ?? 3) || String(a.due_on).localeCompare(String(b.due_on)))
}

/**
 * What a changed value looked like before and after a correction, one
 * line a side: "数值 245.93 → 250.00; 增速 9.41% → 10.20%" (the fields that changed).
 */
export function changeLines(change, t) {
  const out = []
  for (const [field, show] of [['value', (v) => formatFigure(v, 4).replace(/\.?0+$/, '')], ['growth', formatGrowth], ['ytd_growth', formatGrowth]]) {
    const before = change.before?.[field] ?? null
    const after = change.after?.[field] ?? null
    if (before !== after) out.push(`${t(`indicators.${field}`)} ${before === null ? '—' : show(before)} → ${after === null ? '—' : show(after)}`)
  }
  return out.join('; ')
}

/** The months' units a bureau may enter: the organisations of kind city or district in its answer, then the province's other cities met in the months list. */
export function entryUnits(orgs, periods) {
  const units = orgs.filter((o) => o.kind === 'city' || o.kind === 'district').map((o) => ({ code: o.code, name: o.name }))
  for (const p of periods) if (!units.some((u) => u.code === p.unit)) units.push({ code: p.unit, name: p.name })
  return units
}
