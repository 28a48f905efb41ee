// What the supplies pages (防疫物资) share and what can be checked without a
// browser: a quantity in the catalogue's unit, days of cover and their
// light, the lowest covers for the dashboard's bar, the lines a store can
// still send, and the sites the signed-in user works at (a site's member
// finds their site in the menu whatever their role).
import { reactive } from 'vue'
import { api } from './api.js'
import { formatCount } from './format.js'

/** 21000 and "只" -> "21,000 只". */
export function quantity(n, unit) {
  return unit ? `${formatCount(n)} ${unit}` : formatCount(n)
}

/**
 * A row's light: red under the threshold (the server's `red`, computed
 * exactly), yellow under twice it, green above; grey when the cover is not
 * known (no consumption reported in the window).
 */
export function coverLight(row, redDays) {
  if (row.red) return 'red'
  if (row.cover_days === null || row.cover_days === undefined) return 'unknown'
  return Number(row.cover_days) < 2 * redDays ? 'yellow' : 'green'
}

/** Days of cover as the pages show them ("1.6 天"), by the page's t(); "未知" when not known. */
export function coverText(row, t) {
  return row.cover_days === null || row.cover_days === undefined ? t('supplies.unknownCover') : t('supplies.days', { n: row.cover_days })
}

/** Whether the user works for the store: department staff of an organisation holding the duty supplies. */
export const isStore = (user) => user?.role === 'department' && !!user?.org?.duties?.includes('supplies')

/** Element Plus tag types of the lights and urgencies. */
export const lightTag = { red: 'danger', yellow: 'warning', green: 'success', unknown: 'info' }
export const urgencyTag = { critical: 'danger', urgent: 'warning', normal: 'info' }

/** The n rows of lowest known cover, lowest first (the dashboard's bar). */
export function lowestCover(rows, n = 10) {
  return rows
    .filter((r) => r.cover_days !== null && r.cover_days !== undefined)
    .sort((a, b) => Number(a.cover_days) - Number(b.cover_days) || a.site.name.localeCompare(b.site.name))
    .slice(0, n)
}

/**
 * What the store proposes to send of each line of a request, {code:
 * quantity}: the line's outstanding quantity, but no more than the store
 * holds of the item (stock: {code: on hand}); 0 where it holds none.
 */
export function proposedQuantities(lines, stock) {
  return Object.fromEntries(lines.map((l) => [l.item.code, Math.max(0, Math.min(l.outstanding, stock[l.item.code] ?? 0))]))
}

/**
 * The receipts among a site's or store's ledger entries (newest first, as
 * the ledger gives them), one per receipt with its lines in the receipt's order: {id, number,
 * source, party, day, lines: [{item, quantity, batch, expires_on}]}.
 */
export function receiptsOf(entries) {
  const byId = new Map()
  for (const e of entries) {
    if (e.kind !== 'receipt') continue
    if (!byId.has(e.receipt_id)) byId.set(e.receipt_id, { id: e.receipt_id, number: e.receipt, source: e.receipt_source, party: e.party, day: e.day, lines: [] })
    byId.get(e.receipt_id).lines.unshift({ item: e.item, quantity: e.quantity, batch: e.batch, expires_on: e.expires_on }) // in the receipt's order
  }
  return [...byId.values()]
}

/**
 * The sites (not stores) the user is a member of: the store's staff and
 * leaders see every site but belong to none, so their list is not read.
 * The menu shows 本隔离点 when there is one.
 */
export const mine = reactive({ sites: [] })

export async function refreshMine(user) {
  if (!user || isStore(user) || !['officer', 'agent', 'department'].includes(user.role)) {
    mine.sites = []
    return
  }
  try {
    mine.sites = (await api('GET', '/supplies/sites')).items.filter((s) => s.kind === 'site')
  } catch {
    mine.sites = []
  }
}

/**
 * Open a donation's receipt (受赠凭证) in a new tab to print.  The server
 * sends it as a download (every file it serves is an attachment), so the
 * console reads it and shows it from a blob; the tab opens at the click,
 * before the read, where no popup blocker stops it.
 */
export async function openCertificate(id) {
  const tab = window.open('', '_blank')
  try {
    const res = await fetch(`/api/v1/supplies/receipts/${id}/certificate`, { credentials: 'same-origin' })
    if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message || `HTTP ${res.status}`)
    tab.location = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html;charset=utf-8' }))
  } catch (e) {
    tab.close()
    throw e
  }
}
