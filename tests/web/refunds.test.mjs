// The refunds pages' helpers: basis points as percentages, a policy's rules
// through the form and back unchanged, and the working of a decision's
// amount from its figures (the demo's benefit rule and a premium share with
// a half-fen rounding and a cap).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { emptyForm, formToRules, percent, rulesToForm, toBp, toFen, working } from '../../web/src/refunds.js'

test('basis points as percentages, and typed percentages and 元 as integers', () => {
  assert.equal(percent(550), '5.50%')
  assert.equal(percent(2000), '20.00%')
  assert.equal(percent(7), '0.07%')
  assert.equal(percent(-125), '-1.25%')
  assert.equal(toBp('5.5'), 550)
  assert.equal(toBp('0.07'), 7)
  assert.equal(toBp(''), null)
  assert.equal(toBp('五'), null)
  assert.equal(toFen('1290'), 129000)
  assert.equal(toFen('0.29'), 29)
  assert.equal(toFen('12.345'), 1235)
})

const demo = {
  year: 2020, start_month: '2020-01', end_month: '2020-06', arrears_month: '2020-06', rate_bp: 550, small_rate_bp: 2000,
  small_headcount: 30, exclude_default: true, require_difficulty: true, amount: 'benefit', benefit_months: 6,
  benefit_fen: 129000, cap_fen: 0, rounding: 'half_up',
}

test('a policy\'s rules go through the form and come back the same', () => {
  assert.deepEqual(formToRules(rulesToForm(demo)), demo)
  const share = { ...demo, require_difficulty: false, amount: 'premium_share', share_bp: { large: 5000, medium: 5000, small: 10000, micro: 10000 }, cap_fen: 5000000 }
  delete share.benefit_months
  delete share.benefit_fen
  assert.deepEqual(formToRules(rulesToForm(share)), share)
  const fresh = formToRules(emptyForm(2021))
  assert.equal(fresh.start_month, '2021-01')
  assert.equal(fresh.rate_bp, 550)
})

test('the working of a benefit decision: months × benefit × people', () => {
  const f = { size: 'small', start_month: '2020-01', end_month: '2020-06', insured_start: 12, insured_end: 11, layoff_rate_bp: 833,
    threshold_bp: 2000, small_headcount: 30, arrears_fen: 0, arrears_month: '2020-06', premiums_last_year_fen: 669600,
    rule: 'benefit', benefit_months: 6, benefit_fen: 129000, cap_fen: 0, amount_fen: 8514000 }
  const w = working(f)
  assert.deepEqual(w.map((l) => l.key), ['headcount', 'rate', 'arrears', 'benefit', 'amount'])
  assert.deepEqual(w[1].params, { a: 12, b: 11, rate: '8.33%', threshold: '20.00%', n: 30 })
  assert.deepEqual(w[3].params, { months: 6, benefit: '1,290.00元', people: 11, amount: '85,140.00元' })
  assert.equal(w[4].params.amount, '85,140.00元')
})

test('the working of a premium share: rounded half up to the fen, and the cap named where it bit', () => {
  const f = { start_month: '2020-01', end_month: '2020-06', insured_start: 40, insured_end: 39, layoff_rate_bp: 250, threshold_bp: 550,
    small_headcount: 30, arrears_fen: 0, arrears_month: '2020-06', premiums_last_year_fen: 12345, rule: 'premium_share', share_bp: 5000,
    cap_fen: 0, amount_fen: 6173 }
  assert.deepEqual(working(f)[3].params, { premiums: '123.45元', share: '50.00%', amount: '61.73元' })
  assert.ok(!working(f).some((l) => l.key === 'cap'))
  const capped = working({ ...f, premiums_last_year_fen: 100000000, cap_fen: 1000000, amount_fen: 1000000 })
  assert.deepEqual(capped.slice(3).map((l) => [l.key, l.params.cap || l.params.amount]), [['share', '500,000.00元'], ['cap', '10,000.00元'], ['amount', '10,000.00元']])
  assert.deepEqual(working(null), [])
})
