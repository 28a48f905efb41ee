// Shared formatters: money arrives from the API as integer fen (分) and is
// shown the way finance bureaus read it, in 元, 万元 or 亿元.

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
 * Format an amount of fen.  unit: 'yuan' | 'wan' | 'yi' | 'auto' (亿元 from
 * 1亿, 万元 from 1万, else 元).  Accepts a number or a BigInt.
 */
export function formatMoney(fen, unit = 'auto') {
  const v = BigInt(fen)
  if (unit === 'auto') unit = moneyUnit([v])
  return `${moneyFigure(v, unit)}${{ yi: '亿元', wan: '万元', yuan: '元' }[unit]}`
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
