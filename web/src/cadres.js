// What the frontline assessment pages (一线考核) share and what can be
// checked without a browser: shares and scores as the department reads them
// (shares truncated as the API gives them, scores to one decimal), the part
// of a day an entry covers, a scheme's weights against 100, the grades' and
// lights' colours, and the period the pages open on.  The API's people come
// as objects ({id, name, …}) in the newer routes and as usernames in the
// older ones: personName() shows whichever there is, a name first.
import { reactive } from 'vue'
import { api } from './api.js'

/** 0.7142 -> "71.42%" (the API's shares have four decimals, truncated); null -> "—". */
export function sharePercent(share) {
  if (share === null || share === undefined) return '—'
  const bp = Math.round(Number(share) * 10000)
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`
}

/** A score in points (87.25, thousandths at most) to one decimal, half up: "87.3"; null -> "—". */
export function formatScore(points) {
  if (points === null || points === undefined || points === '') return '—'
  const thousandths = Math.round(Number(points) * 1000)
  const neg = thousandths < 0
  const tenths = Math.floor((Math.abs(thousandths) + 50) / 100)
  return `${neg && tenths ? '-' : ''}${Math.trunc(tenths / 10)}.${tenths % 10}`
}

/** The part of a day an entry covers (halves: 1 morning, 2 afternoon, 3 the whole day) as the form's portion. */
export const portions = { 3: 'day', 1: 'morning', 2: 'afternoon' }

/** The sum of a scheme's weights as typed (integers 1–100) and whether it is the 100 the server takes. */
export function weightTotal(items) {
  const sum = items.reduce((s, it) => s + (Number.isInteger(Number(it.weight)) ? Number(it.weight) : NaN), 0)
  return { sum, ok: sum === 100 }
}

/** An official, user or organisation's name from whatever the API gives: an object with a name, or a username or code. */
export function personName(p) {
  if (p === null || p === undefined) return ''
  if (typeof p !== 'object') return String(p)
  return p.name || p.display_name || p.username || p.code || (p.id !== undefined ? `#${p.id}` : '')
}

/**
 * Read one part of a page: GET path into target[key] (pick(answer), the
 * items by default).  Refused (or not there), target[key] becomes empty
 * and the refusal's message is the answer, '' otherwise: the page says it
 * where it fits and shows the rest.
 */
export async function loadPart(target, key, path, { pick = (d) => d.items, empty = [] } = {}) {
  try {
    target[key] = pick(await api('GET', path))
    return ''
  } catch (e) {
    target[key] = empty
    return e.message
  }
}

/** The id of an official given as an object or an id. */
export const officialId = (o) => (o && typeof o === 'object' ? o.id : o)

/** Element Plus tag types. */
export const gradeTag = { excellent: 'success', competent: 'primary', basic: 'warning', incompetent: 'danger' }
export const stateTag = { draft: 'info', ranked: 'primary', publicised: 'warning', final: 'success' }
export const lightTag = { green: 'success', yellow: 'warning', red: 'danger' }
export const milestoneTag = { on_time: 'success', late: 'danger', overdue: 'danger', pending: 'info' }

/** "YYYY-MM-DD" of a Date, in local time. */
export function isoDay(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** Every day from from to to (both "YYYY-MM-DD", inclusive), for a chart over a period. */
export function daysBetween(from, to) {
  const out = []
  for (let d = new Date(`${from}T00:00:00`); isoDay(d) <= to; d.setDate(d.getDate() + 1)) out.push(isoDay(d))
  return out
}

/** Today, "YYYY-MM-DD": the day a form proposes. */
export const today = (now = new Date()) => isoDay(now)

/**
 * The period a page opens on: the n whole days before today, as [from, to].
 * Today is left out: its work is still being done and entered, and a day
 * counted before it is over would pull every share down.
 */
export function lastDays(n = 30, now = new Date()) {
  const day = (back) => isoDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - back))
  return [day(n), day(1)]
}

/**
 * The periods an official's frontline days are read over, each as [from, to] of whole days (today
 * left out, as in lastDays): the last 30 days, this month, last month, this quarter, this year.
 * A period with no whole day yet (this month on the 1st) is not offered.
 */
export function frontPeriods(now = new Date()) {
  const y = now.getFullYear()
  const m = now.getMonth()
  const day = (year, month, d) => isoDay(new Date(year, month, d))
  const yesterday = day(y, m, now.getDate() - 1)
  const periods = [
    { key: 'last30', range: lastDays(30, now) },
    { key: 'thisMonth', range: [day(y, m, 1), yesterday] },
    { key: 'lastMonth', range: [day(y, m - 1, 1), day(y, m, 0)] },
    { key: 'thisQuarter', range: [day(y, m - (m % 3), 1), yesterday] },
    { key: 'thisYear', range: [day(y, 0, 1), yesterday] },
  ]
  return periods.filter((p) => p.range[0] <= p.range[1])
}

/**
 * What waits for the signed-in user outside their role's menus: entries to
 * confirm and surveys to answer.  The side menu shows 待我确认 and 我的测评
 * only when there are some; the pages call refreshWaiting() after acting.
 * A route not there (or refused) counts as nothing waiting.
 */
export const waiting = reactive({ entries: 0, surveys: 0 })

export async function refreshWaiting() {
  const count = async (path) => {
    try {
      return (await api('GET', path)).items.length
    } catch {
      return 0
    }
  }
  const [entries, surveys] = await Promise.all([count('/cadres/entries/pending'), count('/cadres/surveys/mine')])
  Object.assign(waiting, { entries, surveys })
}
