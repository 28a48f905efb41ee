// Chart tooltips are HTML: ECharts puts what a formatter function returns
// into the page as it is.  Names staff can edit (approval items, districts)
// must come out as text, never as markup that runs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { escapeHtml } from '../../web/src/format.js'
import { ganttOption } from '../../web/src/projects.js'
import { districtTooltip } from '../../web/src/vouchers.js'

const evil = '<img src=x onerror=alert(1)>'
const escaped = '&lt;img src=x onerror=alert(1)&gt;'

test('escapeHtml makes markup text', () => {
  assert.equal(escapeHtml(evil), escaped)
  assert.equal(escapeHtml(`a & "b" 'c'`), 'a &amp; &quot;b&quot; &#39;c&#39;')
  assert.equal(escapeHtml('晋安区'), '晋安区')
  assert.equal(escapeHtml(null), '')
  assert.equal(escapeHtml(42), '42')
})

test('the Gantt tooltip escapes the item name and series', () => {
  const items = [{ name: evil, latest_start: '2024-03-01', latest_finish: '2024-03-06', critical: false, light: 'green' }]
  const option = ganttOption(items, [], { planned: '计划<b>', actual: '实际', target: '目标' }, Date.parse('2024-03-10T00:00:00+08:00'))
  const html = option.tooltip.formatter({ value: [0, Date.parse('2024-03-01T00:00:00+08:00'), Date.parse('2024-03-07T00:00:00+08:00')], seriesName: '计划<b>', seriesIndex: 0 })
  assert.ok(html.startsWith(`${escaped}<br/>计划&lt;b&gt;: 2024-03-01 → 2024-03-06`), html)
  assert.ok(!html.includes('<img'))
})

test('the voucher district tooltip escapes the district and series names', () => {
  const rows = [{ district_name: evil, consumption_fen: 1234500, subsidy_fen: 20000 }]
  const marker = '<span style="background-color:#12315a"></span>'
  const html = districtTooltip(rows)([
    { name: evil, marker, seriesName: '消费额', seriesIndex: 0, dataIndex: 0 },
    { name: evil, marker, seriesName: '<i>补贴</i>', seriesIndex: 1, dataIndex: 0 },
  ])
  assert.equal(html, `${escaped}<br/>${marker}消费额: 1.23万元<br/>${marker}&lt;i&gt;补贴&lt;/i&gt;: 200.00元`)
})
