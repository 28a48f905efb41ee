// What the refunds pages (稳岗返还) share and what can be checked without a
// browser: rates in basis points shown as percentages, a policy's rules as
// the inputs of its form and back, the working of a decision's amount from
// its figures (so that a person can redo the sum), and the tag colour of a
// batch's or a decision's state.  Money stays integer fen until it is shown.
import { formatMoney } from './format.js'

export const sizes = ['large', 'medium', 'small', 'micro']

/** 550 -> "5.50%" (basis points, exactly). */
export function percent(bp) {
  const n = Number(bp)
  const abs = Math.abs(n)
  return `${n < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`
}

/** A percentage typed in a form ("5.5") as basis points (550); null when it is not a number. */
export function toBp(text) {
  const n = Number(String(text).trim())
  return String(text).trim() === '' || !Number.isFinite(n) ? null : Math.round(n * 100)
}

/** An amount in 元 typed in a form ("1290.5") as fen (129050); null when it is not a number. */
export function toFen(text) {
  const n = Number(String(text).trim())
  return String(text).trim() === '' || !Number.isFinite(n) ? null : Math.round(n * 100)
}

const bpText = (bp) => String(bp / 100)
const fenText = (fen) => (fen / 100).toFixed(2)

/** A policy's rules (docs/api.md, "Rules") as the policy form's fields: percentages and 元 as typed. */
export function rulesToForm(r) {
  return {
    year: r.year,
    start_month: r.start_month,
    end_month: r.end_month,
    arrears_month: r.arrears_month,
    rate: bpText(r.rate_bp),
    small_headcount: r.small_headcount,
    small_rate: bpText(r.small_rate_bp),
    exclude_default: r.exclude_default,
    require_difficulty: r.require_difficulty,
    amount: r.amount,
    share: Object.fromEntries(sizes.map((s) => [s, bpText(r.share_bp?.[s] ?? 10000)])),
    benefit_months: r.benefit_months ?? 6,
    benefit: fenText(r.benefit_fen ?? 0),
    cap: fenText(r.cap_fen),
    payer_account: r.payer_account || '',
  }
}

/** An empty policy form for the year: the 2020 rule's usual values, to be changed. */
export function emptyForm(year) {
  return rulesToForm({
    year, start_month: `${year}-01`, end_month: `${year}-06`, arrears_month: `${year}-06`,
    rate_bp: 550, small_headcount: 30, small_rate_bp: 2000, exclude_default: true, require_difficulty: false,
    amount: 'premium_share', share_bp: { large: 5000, medium: 5000, small: 10000, micro: 10000 }, cap_fen: 0,
  })
}

/**
 * The form as the rules the server takes.  Numbers that do not parse go as
 * null: the server names the field (422 invalid_rules) in its own words.
 */
export function formToRules(f) {
  const rules = {
    year: Number(f.year),
    start_month: f.start_month,
    end_month: f.end_month,
    arrears_month: f.arrears_month,
    rate_bp: toBp(f.rate),
    small_headcount: Number(f.small_headcount),
    small_rate_bp: toBp(f.small_rate),
    exclude_default: !!f.exclude_default,
    require_difficulty: !!f.require_difficulty,
    amount: f.amount,
    cap_fen: toFen(f.cap),
    rounding: 'half_up',
  }
  // The account the bank pays from: the payment file's first column (payer_account, optional).
  if (f.payer_account?.trim()) rules.payer_account = f.payer_account.trim()
  if (f.amount === 'benefit') Object.assign(rules, { benefit_months: Number(f.benefit_months), benefit_fen: toFen(f.benefit) })
  else rules.share_bp = Object.fromEntries(sizes.map((s) => [s, toBp(f.share[s])]))
  return rules
}

const yuan = (fen) => formatMoney(fen, 'yuan')

/**
 * The working of a decision from its figures, as lines {key, params} for
 * the page to put into words (refunds.work.<key>): the headcounts and the
 * layoff rate against its threshold, the arrears, the lists, then the sum:
 * months × benefit × people, or last year's premiums × the share (rounded
 * half up to the fen), the cap where it bit, and the amount.
 */
export function working(f) {
  if (!f) return []
  const lines = [
    { key: 'headcount', params: { start: f.start_month, end: f.end_month, a: f.insured_start, b: f.insured_end } },
    { key: 'rate', params: { a: f.insured_start, b: f.insured_end, rate: percent(f.layoff_rate_bp), threshold: percent(f.threshold_bp), n: f.small_headcount } },
    { key: 'arrears', params: { month: f.arrears_month, amount: yuan(f.arrears_fen) } },
  ]
  let raw = null
  if (f.rule === 'benefit') {
    raw = BigInt(f.benefit_months) * BigInt(f.benefit_fen) * BigInt(f.insured_end)
    lines.push({ key: 'benefit', params: { months: f.benefit_months, benefit: yuan(f.benefit_fen), people: f.insured_end, amount: yuan(raw) } })
  } else if (f.rule === 'premium_share') {
    raw = (BigInt(f.premiums_last_year_fen) * BigInt(f.share_bp) + 5000n) / 10000n
    lines.push({ key: 'share', params: { premiums: yuan(f.premiums_last_year_fen), share: percent(f.share_bp), amount: yuan(raw) } })
  }
  if (raw !== null && f.cap_fen > 0 && raw > BigInt(f.cap_fen)) lines.push({ key: 'cap', params: { cap: yuan(f.cap_fen) } })
  lines.push({ key: 'amount', params: { amount: yuan(f.amount_fen) } })
  return lines
}

/** Element Plus tag types: what waits for the bureau is warning or danger, what is done is success. */
export const batchStateTag = { decided: 'info', publicised: 'warning', closed: 'primary', approved: 'primary', paying: 'warning', settled: 'success' }
export const decisionStateTag = {
  decided: 'info', publicised: 'warning', withdrawn: 'info', approved: 'primary', sent: 'warning', paid: 'success',
  failed: 'danger', recovering: 'danger', recovered: 'info', written_off: 'info',
}
