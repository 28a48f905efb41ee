// A file the user picks for an import (Excel .xlsx or CSV) as the CSV text
// the server's imports take: the projects', the refunds' rolls and lists,
// bank return files, the indicators' figures.  The server checks every line and names the first bad
// one; here the file is only turned into text.

/** A cell of a spreadsheet as CSV text: dates as YYYY-MM-DD, whole numbers without ".0". */
function cellText(v) {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) {
    // Excel's dates have no time zone; the reader gives them as UTC midnight.
    const p = (n) => String(n).padStart(2, '0')
    return `${v.getUTCFullYear()}-${p(v.getUTCMonth() + 1)}-${p(v.getUTCDate())}`
  }
  if (typeof v === 'number') return String(v)
  return String(v).trim()
}

/**
 * Rows of cells (as read from an .xlsx) as CSV text (RFC 4180: a field with
 * a comma, quote or line break is quoted, quotes doubled); empty rows at the
 * end are left out, as Excel's own "CSV UTF-8" does.
 */
export function rowsToCsv(rows) {
  const lines = rows.map((row) =>
    row
      .map(cellText)
      .map((s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s))
      .join(','),
  )
  while (lines.length && /^,*$/.test(lines[lines.length - 1])) lines.pop()
  return lines.map((l) => `${l}\r\n`).join('')
}

/**
 * A picked File as CSV text: an .xlsx's first sheet through rowsToCsv (the
 * reader is loaded only then), a CSV as it is without Excel's BOM.  Answers
 * {csv, rows}: rows counts the lines that are not blank, the header included.
 */
export async function fileToCsv(file) {
  let csv
  if (/\.xlsx$/i.test(file.name)) {
    const { readSheet } = await import('read-excel-file/browser')
    csv = rowsToCsv(await readSheet(file))
  } else {
    csv = (await file.text()).replace(/^\uFEFF/, '')
  }
  return { csv, rows: csv.split(/\r?\n/).filter((l) => l.trim()).length }
}

/** The line an import's refusal names ("第 5 行: ...") as it stands in the CSV sent: {n, text}, or null. */
export function badLine(csv, message) {
  const m = /第 (\d+) 行/.exec(message || '')
  if (!m) return null
  const n = Number(m[1])
  const text = csv.split(/\r?\n/)[n - 1]
  return text === undefined ? null : { n, text }
}

/**
 * An import's template offered as a download: the header and an example
 * line, as CSV with Excel's BOM (without it Excel reads the Chinese header
 * in the local code page).
 */
export function downloadTemplate(name, lines) {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(new Blob([`\uFEFF${lines.map((l) => `${l}\r\n`).join('')}`], { type: 'text/csv;charset=utf-8' }))
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}
