// The supplies pages' helpers: quantities in the catalogue's unit with
// thousands separators, the lights of days of cover (the server's red
// decides red), the lowest covers for the dashboard's bar, and what the
// store proposes to send of a request.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { coverLight, coverText, isStore, lowestCover, proposedQuantities, quantity, receiptsOf } from '../../web/src/supplies.js'
import { i18n, loadLocale } from '../../web/src/i18n.js'

test('quantities in the catalogue\'s unit, with thousands separators', () => {
  assert.equal(quantity(21000, '只'), '21,000 只')
  assert.equal(quantity(1260, '套'), '1,260 套')
  assert.equal(quantity(0, '副'), '0 副')
  assert.equal(quantity(15520), '15,520') // a transfer's lines together: no one unit
})

test('days of cover: red as the server says, yellow under twice the threshold, grey unknown', () => {
  assert.equal(coverLight({ red: true, cover_days: 0.6 }, 3), 'red')
  // 2.99 days shown as 2.9 is red by the server's exact rule; the light does not recompute it.
  assert.equal(coverLight({ red: false, cover_days: 3 }, 3), 'yellow')
  assert.equal(coverLight({ red: false, cover_days: 5.9 }, 3), 'yellow')
  assert.equal(coverLight({ red: false, cover_days: 6 }, 3), 'green')
  assert.equal(coverLight({ red: false, cover_days: 35.8 }, 3), 'green')
  assert.equal(coverLight({ red: false, cover_days: null }, 3), 'unknown')
  assert.equal(coverLight({ red: false, cover_days: 8 }, 5), 'yellow', 'the store\'s threshold moves yellow too')
})

test('the lowest covers, lowest first, leaving out the unknown', () => {
  const row = (site, item, cover) => ({ site: { id: site.length, name: site }, item: { code: item, name: item }, cover_days: cover })
  const rows = [row('台江', 'n95', 8), row('晋安', 'gloves', 0.6), row('台江', 'thermometer', null), row('晋安', 'n95', 23), row('鼓楼', 'suit', 8)]
  assert.deepEqual(lowestCover(rows, 3).map((r) => `${r.site.name}/${r.item.code}`), ['晋安/gloves', '台江/n95', '鼓楼/suit'])
  assert.equal(lowestCover(rows).length, 4)
  assert.equal(rows.length, 5, 'the rows given are left as they were')
})

test('the store proposes what is outstanding, no more than it holds, 0 where it holds none', () => {
  const line = (code, outstanding) => ({ item: { code }, outstanding })
  const lines = [line('n95', 3000), line('suit', 1000), line('goggles', 200), line('gloves', 0)]
  assert.deepEqual(proposedQuantities(lines, { n95: 2000, suit: 1500, gloves: 900 }), { n95: 2000, suit: 1000, goggles: 0, gloves: 0 })
})

test('days of cover as shown, in either language; unknown without reports', async () => {
  const t = i18n.global.t
  assert.equal(coverText({ cover_days: 1.6 }, t), '1.6 天')
  assert.equal(coverText({ cover_days: 0 }, t), '0 天', 'nothing left is no days, not unknown')
  assert.equal(coverText({ cover_days: null }, t), '未知')
  await loadLocale('en')
  i18n.global.locale.value = 'en'
  try {
    assert.equal(coverText({ cover_days: 35.8 }, t), '35.8 d')
  } finally {
    i18n.global.locale.value = 'zh-CN'
  }
})

test('the store is the department staff of an organisation holding the duty supplies', () => {
  const user = (role, duties) => ({ role, org: { duties } })
  assert.equal(isStore(user('department', ['supplies'])), true)
  assert.equal(isStore(user('department', ['assessment'])), false, 'another bureau')
  assert.equal(isStore(user('leader', [])), false, 'a leader reads, does not run the store')
  assert.equal(isStore(user('officer', ['supplies'])), false)
  assert.equal(isStore(null), false)
})

test('the receipts of a ledger, one per receipt with its lines, newest first; other entries left out', () => {
  const n95 = { code: 'n95', name: 'N95口罩', unit: '只' }
  const suit = { code: 'suit', name: '医用防护服', unit: '套' }
  const entry = (kind, item, quantity, receipt) => ({ kind, item, quantity, day: '2020-02-10', batch: receipt ? 'B1' : null, expires_on: null,
    ...(receipt ? { receipt_id: receipt, receipt: `JZ2020-000${receipt}`, receipt_source: 'donation', party: '总商会' } : { receipt_id: null }) })
  const receipts = receiptsOf([entry('receipt', suit, 300, 2), entry('receipt', n95, 21000, 2), entry('transfer_out', n95, -2000), entry('receipt', n95, 500, 1)])
  assert.deepEqual(receipts.map((r) => [r.number, r.lines.map((l) => `${l.item.code} ${l.quantity}`)]), [
    ['JZ2020-0002', ['n95 21000', 'suit 300']], // the ledger's newest first; the receipt's lines in its order
    ['JZ2020-0001', ['n95 500']],
  ])
  assert.equal(receipts[0].source, 'donation')
  assert.equal(receipts[0].party, '总商会')
})
