// Shared formatters: money arrives from the API as integer fen (分) and is
// shown the way finance bureaus read it, in 元, 万元 or 亿元 (in the English
// console: yuan, 10k yuan, 100M yuan).
import { ref } from 'vue'

const YI = 10000000000n // 1亿元 in fen
const WAN = 1000000n // 1万元 in fen

// Two decimals, rounded half away from zero, with thousands separators.
function fixed2(fen, unitFen) {
  const neg = fen < 0n
  let abs = neg ? -fen : fen
  const hundredths = (abs * 100n + unitFen / 2n) / unitFen
  const whole = (hundredths / 100n).toLocaleString('en-US')
  const frac = String(hundredths % 100n).padStart(2, '0')
  return `${neg && hundredths !== 0n ? '-' : ''}${whole}.${frac}`
}

/**
 * The console's language for money's units, 'zh-CN' or 'en': i18n.js sets it
 * with the locale, and a page that shows money re-renders when it changes.
 */
export const moneyLanguage = ref('zh-CN')

const UNIT_NAMES = {
  'zh-CN': { yi: '亿元', wan: '万元', yuan: '元' },
  en: { yi: '100M yuan', wan: '10k yuan', yuan: 'yuan' },
}

/** A unit's name in the console's language: unitName('wan') is "万元", in English "10k yuan". */
export function unitName(unit, lang = moneyLanguage.value) {
  return (UNIT_NAMES[lang] || UNIT_NAMES['zh-CN'])[unit]
}

/**
 * Format an amount of fen.  unit: 'yuan' | 'wan' | 'yi' | 'auto' (亿元 from
 * 1亿, 万元 from 1万, else 元).  Accepts a number or a BigInt.  In English
 * the unit follows after a space: "1.37 100M yuan".
 */
export function formatMoney(fen, unit = 'auto', lang = moneyLanguage.value) {
  const v = BigInt(fen)
  if (unit === 'auto') unit = moneyUnit([v])
  return `${moneyFigure(v, unit)}${lang === 'en' ? ' ' : ''}${unitName(unit, lang)}`
}

/**
 * One unit for a table column of money, chosen by its largest value (亿元
 * from 1亿, else 万元; 元 for a column of fen under 1万), stated once in the
 * header: values in fen, or in whole 万元 with scale 'wan' (investment),
 * where the unit is never below 万元.  Returns { unit, name, header(label),
 * figure(value) }: header('总投资') is "总投资(亿元)", in English
 * "Investment (100M yuan)"; figure(value) the figure alone with thousands
 * separators, '' for a missing value.
 */
export function moneyColumn(values, { scale = 'fen', lang = moneyLanguage.value } = {}) {
  const toFen = (v) => (scale === 'wan' ? BigInt(Math.round(Number(v))) * WAN : BigInt(v))
  const present = values.filter((v) => v !== null && v !== undefined && v !== '')
  let unit = moneyUnit(present.map(toFen))
  if (scale === 'wan' && unit === 'yuan') unit = 'wan'
  const name = unitName(unit, lang)
  return {
    unit,
    name,
    header: (label) => (lang === 'en' ? `${label} (${name})` : `${label}(${name})`),
    figure: (v) => (v === null || v === undefined || v === '' ? '' : moneyFigure(toFen(v), unit)),
  }
}

/**
 * The one unit for amounts shown together (a column, a row of totals): 亿元
 * when the largest reaches 1亿, 万元 when it reaches 1万, else 元.
 */
export function moneyUnit(fens) {
  const largest = fens.reduce((m, f) => {
    const v = BigInt(f ?? 0)
    const abs = v < 0n ? -v : v
    return abs > m ? abs : m
  }, 0n)
  return largest >= YI ? 'yi' : largest >= WAN ? 'wan' : 'yuan'
}

/** The figure alone, for a column whose header carries the unit: moneyFigure(123456789, 'wan') is "123.46". */
export function moneyFigure(fen, unit) {
  return fixed2(BigInt(fen), { yi: YI, wan: WAN, yuan: 100n }[unit])
}

/** A count with thousands separators: 17772 -> "17,772". */
export function formatCount(n) {
  return Number(n ?? 0).toLocaleString('en-US')
}

/** "2020-03-05T10:00:00+08:00" -> "2020-03-05 10:00" (times from the API are already Beijing time). */
export function formatTime(iso) {
  return iso ? iso.slice(0, 16).replace('T', ' ') : ''
}

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Text made safe to put into HTML.  ECharts shows the string a tooltip
 * formatter function returns as HTML, so every name from the data (projects,
 * districts: staff edit them) goes through this before it is put there.
 */
export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
}

/**
 * One language of a text the server wrote "中文 (English)" (a refund
 * decision's reason): the Chinese half for 'zh-CN', the English half for
 * 'en'; a text not of that form is returned whole.  The server's error
 * messages follow the same rule (src/http/server.c, message_language).
 */
export function oneLanguage(text, locale) {
  const s = String(text ?? '')
  if (!s.endsWith(')')) return s
  let depth = 0
  for (let i = s.length - 1; i >= 0; i--) {
    if (s[i] === ')') depth++
    else if (s[i] === '(') depth--
    if (depth > 0) continue
    if (i === 0 || s[i - 1] !== ' ') return s
    return locale === 'en' ? s.slice(i + 1, -1) : s.slice(0, i - 1)
  }
  return s
}
