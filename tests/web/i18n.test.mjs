// The console's two languages: English lives in its own file, fetched when chosen, so nothing
// checks at build time that it keeps up with the Chinese texts; this does.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { i18n, loadLocale } from '../../web/src/i18n.js'

const keys = (tree, prefix = '') =>
  Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))

test('English, fetched on demand, has a text for every Chinese one and no text the Chinese lacks', async () => {
  assert.ok(!i18n.global.availableLocales.includes('en'), 'English is not in the console\'s first download')
  await loadLocale('en')
  const zh = new Set(keys(i18n.global.getLocaleMessage('zh-CN')))
  const en = new Set(keys(i18n.global.getLocaleMessage('en')))
  assert.ok(zh.size > 1000, `${zh.size} Chinese texts`)
  assert.deepEqual([...zh].filter((k) => !en.has(k)), [], 'Chinese texts without English')
  // The problem desk's categories are named in Chinese by the API (its catalogue); only English needs them here.
  assert.deepEqual([...en].filter((k) => !zh.has(k) && !k.startsWith('desk.categories.')), [], 'English texts without Chinese')
  assert.equal(i18n.global.t('app.short', {}, { locale: 'en' }), 'Banyan')
})
