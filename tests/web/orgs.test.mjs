// The organisation tree the pages show, from the API's flat list.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { orgTree } from '../../web/src/orgs.js'

const flat = [
  { code: '350111', name: '晋安区', parent_code: '350100' },
  { code: '350111-tcj', name: '晋安区投资促进局', parent_code: '350111' },
  { code: '350111-rsj', name: '晋安区人力资源和社会保障局', parent_code: '350111' },
  { code: '350112', name: '长乐区', parent_code: '350100' },
]

test("a district's scope: its parent is outside the list, so it is a root", () => {
  const roots = orgTree(flat)
  assert.deepEqual(roots.map((r) => r.value), ['350111', '350112'])
  assert.deepEqual(roots[0].children.map((c) => c.label), ['晋安区投资促进局', '晋安区人力资源和社会保障局'])
  assert.deepEqual(roots[1].children, [])
})

test('the node function shapes what each node carries', () => {
  const roots = orgTree(flat, (o) => ({ ...o }))
  assert.equal(roots[0].name, '晋安区')
  assert.equal(roots[0].children[0].code, '350111-tcj')
})
