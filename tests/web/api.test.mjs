// A list read a page at a time (usePages): the first page, then "more"
// appending the next by its cursor, and a refusal shown as the error with the
// list kept.  fetch answers as the server would (items, next_cursor).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { usePages } from '../../web/src/api.js'

function server(pages) {
  const asked = []
  globalThis.fetch = async (url) => {
    asked.push(url)
    const page = pages.shift()
    return { ok: page.status === undefined, status: page.status || 200, json: async () => page.body }
  }
  return asked
}

test('the first page, then more by the cursor, appended', async () => {
  const asked = server([
    { body: { items: [{ id: 9 }, { id: 8 }], next_cursor: 8 } },
    { body: { items: [{ id: 7 }], next_cursor: null } },
  ])
  const { items, cursor, loading, error, load } = usePages((at) => `/projects?cursor=${at}`)
  await load()
  assert.deepEqual(items.value.map((p) => p.id), [9, 8])
  assert.equal(cursor.value, 8)
  await load(true)
  assert.deepEqual(asked, ['/api/v1/projects?cursor=', '/api/v1/projects?cursor=8'])
  assert.deepEqual(items.value.map((p) => p.id), [9, 8, 7])
  assert.equal(cursor.value, null, 'no more pages: the button goes')
  assert.equal(loading.value, false)
  assert.equal(error.value, '')
})

test('a refusal is the error, and the list already read stays', async () => {
  server([
    { body: { items: [{ id: 3 }], next_cursor: 3 } },
    { status: 403, body: { error: { code: 'forbidden', message: '无权查看 (forbidden)' } } },
  ])
  const { items, error, load } = usePages((at) => `/users?cursor=${at}`)
  await load()
  await load(true)
  assert.equal(error.value, '无权查看 (forbidden)')
  assert.deepEqual(items.value.map((u) => u.id), [3])
})
