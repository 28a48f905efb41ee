// The resumption dashboard's words: a share as a percentage, and the light
// of a record (red while not resumed or under 80% of its crew, yellow under 95%).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { arrivalLight, percent } from '../../web/src/resumption.js'

test('a share reads as a percentage with one decimal', () => {
  assert.equal(percent(0.985), '98.5%')
  assert.equal(percent(1), '100.0%')
  assert.equal(percent(0), '0.0%')
  assert.equal(percent(null), '—')
})

test('not resumed or under 80% is red, under 95% yellow', () => {
  assert.equal(arrivalLight({ resumed: false, arrival_rate: 1 }), 'red')
  assert.equal(arrivalLight({ resumed: true, arrival_rate: null }), 'red')
  assert.equal(arrivalLight({ resumed: true, arrival_rate: 0.799 }), 'red')
  assert.equal(arrivalLight({ resumed: true, arrival_rate: 0.8 }), 'yellow')
  assert.equal(arrivalLight({ resumed: true, arrival_rate: 0.949 }), 'yellow')
  assert.equal(arrivalLight({ resumed: true, arrival_rate: 0.95 }), 'green')
})
