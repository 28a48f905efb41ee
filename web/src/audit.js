// The audit log in words: the catalogue of GET /api/v1/audit/actions turns
// an event's codes into labels, its details into labelled fields (money in
// 元, times in Beijing time) and its object into a link where the console
// has a page for it.
import { formatMoney } from './format.js'

function label(entry, lang) {
  return lang === 'en' ? entry.label_en : entry.label_zh
}

/** Epoch seconds as Beijing time, "2020-03-05 10:00". */
function beijing(seconds) {
  return new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ')
}

function valueText(value, kind, fields, lang, word) {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return lang === 'en' ? (value ? 'yes' : 'no') : value ? '是' : '否'
  if (Array.isArray(value)) return value.map((v) => valueText(v, kind, fields, lang, word)).join(lang === 'en' ? ', ' : '、')
  if (typeof value === 'object') {
    return detailFields(value, fields, lang, word).map((f) => `${f.label}: ${f.value}`).join(lang === 'en' ? '; ' : ';')
  }
  if (typeof value === 'number') {
    if (kind === 'money_fen') return formatMoney(Math.round(value), 'yuan')
    if (kind === 'money_wan') return formatMoney(BigInt(Math.round(value)) * 1000000n, 'wan')
    if (kind === 'time') return beijing(value)
    if (kind === 'bp') return `${value / 100}%`
  }
  return word?.(kind, value) ?? String(value)
}

/**
 * An event's detail as [{key, label, value}], in the language lang ('zh-CN'
 * or 'en'); word(kind, code), if given, names a code of a field of that kind
 * (a role) or answers undefined.
 */
export function detailFields(detail, fields, lang, word) {
  if (!detail || typeof detail !== 'object') return []
  return Object.entries(detail).map(([key, value]) => {
    const f = fields?.[key]
    return { key, label: f ? label(f, lang) : key, value: valueText(value, f?.kind, fields, lang, word) }
  })
}

/** The catalogue's actions as option groups for a select, one group a module, in the catalogue's order. */
export function actionGroups(catalogue, lang) {
  return (catalogue?.modules || [])
    .map((m) => ({
      label: label(m, lang),
      options: catalogue.actions.filter((a) => a.module === m.code).map((a) => ({ value: a.action, label: label(a, lang) })),
    }))
    .filter((g) => g.options.length)
}

/** An action's label in lang, the code itself for one the catalogue does not hold. */
export function actionLabel(catalogue, action, lang) {
  const a = catalogue?.actions?.find((x) => x.action === action)
  return a ? label(a, lang) : action
}

/** The kind of object, in words. */
export function objectLabel(catalogue, type, lang) {
  const a = catalogue?.actions?.find((x) => x.object_type === type)
  return a ? (lang === 'en' ? a.object_en : a.object_zh) : type
}

// The console's page for each kind of object that has one, by its id.
const PAGES = {
  project: 'project',
  lead: 'investLead',
  problem: 'deskProblem',
  ceremony: 'investCeremony',
  official: 'cadresOfficial',
  assessment_group: 'cadresGroup',
  assessment: 'cadresAssessment',
  refund_batch: 'refundBatch',
}

/** The route of the object's page, or null where the console has none. */
export function objectRoute(type, id) {
  return PAGES[type] && /^\d+$/.test(id) ? { name: PAGES[type], params: { id } } : null
}

/**
 * Who acted, for the audit log and every timeline: a person by the display
 * name the API gives beside the login; the shell, the system, the demo or an
 * anonymous rater in words (t, te: vue-i18n's); a login only when nothing
 * better is known.
 */
export function actorName(name, login, t, te) {
  if ((!name || name === login) && te(`audit.actors.${login}`)) return t(`audit.actors.${login}`)
  return name || login
}
