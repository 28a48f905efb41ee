// The console's shared money formatter shows the article's figures as a
// finance bureau writes them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatCount, formatMoney, formatTime, moneyColumn, moneyFigure, moneyLanguage, moneyUnit, oneLanguage, unitName } from '../../web/src/format.js'

const yuan = (y) => BigInt(y) * 100n

test('the article figures in 亿元 and 万元', () => {
  assert.equal(formatMoney(yuan(19478000000)), '194.78亿元')
  assert.equal(formatMoney(yuan(137000000)), '1.37亿元')
  assert.equal(formatMoney(yuan(675934000000)), '6,759.34亿元')
  assert.equal(formatMoney(yuan(30000000)), '3,000.00万元')
  assert.equal(formatMoney(yuan(30000000), 'yi'), '0.30亿元')
})

test('small amounts in 元, rounding and signs', () => {
  assert.equal(formatMoney(2000), '20.00元')
  assert.equal(formatMoney(123456789, 'yuan'), '1,234,567.89元')
  assert.equal(formatMoney(-1500000), '-1.50万元')
  assert.equal(formatMoney(4999, 'wan'), '0.00万元')
  assert.equal(formatMoney(5000, 'wan'), '0.01万元')
  assert.equal(formatMoney(-4999, 'wan'), '0.00万元')
  assert.equal(formatMoney(9223372036854775807n, 'yi'), '922,337,203.69亿元')
})

test('API times shown to the minute', () => {
  assert.equal(formatTime('2020-03-05T10:00:00+08:00'), '2020-03-05 10:00')
  assert.equal(formatTime(''), '')
})

test('the figure alone, for a column whose header names the unit', () => {
  assert.equal(moneyFigure(123456789, 'wan'), '123.46')
  assert.equal(moneyFigure(116600000000n, 'yi'), '11.66')
  assert.equal(moneyFigure(12345, 'yuan'), '123.45')
  assert.equal(moneyFigure(-5, 'yuan'), '-0.05')
})

test('counts with thousands separators', () => {
  assert.equal(formatCount(17772), '17,772')
  assert.equal(formatCount(150600), '150,600')
  assert.equal(formatCount(0), '0')
  assert.equal(formatCount(undefined), '0')
})

test('amounts shown together take one unit, chosen by the largest', () => {
  // A batch's totals: 78.95万元 eligible beside nothing paid yet reads 0.00万元, not 0.00元.
  assert.equal(moneyUnit([78950000, 0, 0]), 'wan')
  assert.equal(formatMoney(0, moneyUnit([78948000, 0])), '0.00万元')
  assert.equal(moneyUnit([116600000000, 3233880000]), 'yi')
  assert.equal(moneyUnit([-99999, 500]), 'yuan')
  assert.equal(moneyUnit([-1000000]), 'wan')
  assert.equal(moneyUnit([]), 'yuan')
  assert.equal(moneyUnit([null, undefined]), 'yuan')
})

test('a text written 中文 (English) shows one language', () => {
  const reason = '裁员率 10.00% 高于 5.50% (layoff rate above the threshold)'
  assert.equal(oneLanguage(reason, 'zh-CN'), '裁员率 10.00% 高于 5.50%')
  assert.equal(oneLanguage(reason, 'en'), 'layoff rate above the threshold')
  // Parentheses inside the English half, and a Chinese half with its own.
  assert.equal(oneLanguage('县(市)区代码不存在 (no such district (code))', 'en'), 'no such district (code)')
  assert.equal(oneLanguage('县(市)区代码不存在 (no such district (code))', 'zh-CN'), '县(市)区代码不存在')
  // Not of that form: whole.
  assert.equal(oneLanguage('该企业已迁往外省', 'en'), '该企业已迁往外省')
  assert.equal(oneLanguage('缴费(分)', 'en'), '缴费(分)')
  assert.equal(oneLanguage(null, 'en'), '')
})

test('a money column takes one unit, by its largest value, named in its header', () => {
  // 晋安's projects: 350,000, 80,000 and 6,500 万元 read 35.00, 8.00 and 0.65 亿元, not 6,500.00万元 beside 8.00亿元.
  const projects = moneyColumn([350000, 80000, 6500], { scale: 'wan' })
  assert.equal(projects.unit, 'yi')
  assert.equal(projects.header('总投资'), '总投资(亿元)')
  assert.deepEqual([350000, 80000, 6500].map(projects.figure), ['35.00', '8.00', '0.65'])
  // Under 1亿 the whole column in 万元, with thousands separators.
  const leads = moneyColumn([6500, 120, 9999], { scale: 'wan' })
  assert.equal(leads.unit, 'wan')
  assert.equal(leads.figure(6500), '6,500.00')
  // 1亿 exactly is 亿元; in 万元 the floor is 万元 even for small or no values.
  assert.equal(moneyColumn([10000], { scale: 'wan' }).unit, 'yi')
  assert.equal(moneyColumn([3, 0], { scale: 'wan' }).unit, 'wan')
  assert.equal(moneyColumn([], { scale: 'wan' }).name, '万元')
  // Columns of fen (refunds, vouchers): 59.60万元 paid beside nothing pending yet.
  const paid = moneyColumn([59600000, 0, null])
  assert.equal(paid.header('已支付'), '已支付(万元)')
  assert.deepEqual([59600000, 0, null].map(paid.figure), ['59.60', '0.00', ''])
  assert.equal(moneyColumn([1234567800n, 12n]).figure(1234567800n), '1,234.57')
  assert.equal(moneyColumn([99999]).header('金额'), '金额(元)')
  assert.equal(moneyColumn([-1500000000000]).figure(-1500000000000), '-150.00')
})

test('the English console shows money in English units', () => {
  assert.equal(unitName('wan', 'en'), '10k yuan')
  assert.equal(unitName('yi', 'en'), '100M yuan')
  assert.equal(formatMoney(137000000000n, 'auto', 'en'), '13.70 100M yuan')
  assert.equal(formatMoney(3000000000n, 'auto', 'en'), '3,000.00 10k yuan')
  assert.equal(formatMoney(2000, 'auto', 'en'), '20.00 yuan')
  assert.equal(moneyColumn([350000, 6500], { scale: 'wan', lang: 'en' }).header('Investment'), 'Investment (100M yuan)')
  // The console's language, set with its locale, is what formatMoney and moneyColumn follow by default.
  moneyLanguage.value = 'en'
  try {
    assert.equal(formatMoney(30000000n * 100n), '3,000.00 10k yuan')
    assert.equal(moneyColumn([59600000]).header('Paid'), 'Paid (10k yuan)')
  } finally {
    moneyLanguage.value = 'zh-CN'
  }
  assert.equal(formatMoney(30000000n * 100n), '3,000.00万元')
})
