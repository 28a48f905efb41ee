// A spreadsheet's rows as the CSV text the imports take (projects, refunds).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { badLine, fileToCsv, rowsToCsv } from '../../web/src/spreadsheet.js'

test('spreadsheet rows become the import CSV: quoting, dates, numbers, trailing empty rows', () => {
  const rows = [
    ['项目代码', '项目名称', '登记日期'],
    ['2024-350111-47-01-012345', '园区,一期 "A"', new Date(Date.UTC(2024, 2, 5))],
    ['2024-350111-47-01-012346', '多行\n名称', null],
    [null, null, null],
  ]
  assert.equal(rowsToCsv(rows),
    '项目代码,项目名称,登记日期\r\n2024-350111-47-01-012345,"园区,一期 ""A""",2024-03-05\r\n2024-350111-47-01-012346,"多行\n名称",\r\n')
  assert.equal(rowsToCsv([[350000, 12.5, ' 晋安区 ']]), '350000,12.5,晋安区\r\n')
  assert.equal(rowsToCsv([]), '')
})

test('a CSV file is read as it is, without Excel\'s BOM; blank lines are not counted', async () => {
  const file = new File(['\uFEFF统一社会信用代码,企业名称\r\n91350100MA2RF00011,榕一\r\n\r\n'], '名单.csv', { type: 'text/csv' })
  assert.deepEqual(await fileToCsv(file), { csv: '统一社会信用代码,企业名称\r\n91350100MA2RF00011,榕一\r\n\r\n', rows: 2 })
})

test('the line a refusal names, as it stands in the file', () => {
  const csv = '参考号,结果,银行说明\r\nWG2020-B1-000001,成功,\r\nWG2020-B1-000002,退回,户名不符\r\n'
  assert.deepEqual(badLine(csv, '第 3 行: 结果应为 成功 或 失败 (line 3)'), { n: 3, text: 'WG2020-B1-000002,退回,户名不符' })
  assert.equal(badLine(csv, '第 9 行: 参考号不存在'), null)
  assert.deepEqual(badLine(csv, '第 1 行应为表头 参考号,结果,银行说明'), { n: 1, text: '参考号,结果,银行说明' })
  assert.equal(badLine(csv, '表头不对'), null)
})
