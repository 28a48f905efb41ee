// The audit log in words (web/src/audit.js): labelled fields, money in 元,
// times in Beijing time, the action filter grouped by module.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { actionGroups, actionLabel, actorName, detailFields, objectLabel, objectRoute } from '../../web/src/audit.js'
import { i18n } from '../../web/src/i18n.js'

const catalogue = {
  modules: [
    { code: 'session', label_zh: '登录与会话', label_en: 'Sign-in' },
    { code: 'voucher', label_zh: '消费券', label_en: 'Vouchers' },
    { code: 'cadres', label_zh: '干部考核', label_en: 'Cadre assessment' },
  ],
  actions: [
    { action: 'session.login', module: 'session', label_zh: '登录', label_en: 'Signed in', object_type: 'user', object_zh: '账号', object_en: 'account' },
    { action: 'voucher.round_create', module: 'voucher', label_zh: '新建消费券期次', label_en: 'Voucher round created', object_type: 'voucher_round', object_zh: '消费券期次', object_en: 'voucher round' },
  ],
  fields: {
    name: { label_zh: '名称', label_en: 'Name' },
    face_fen: { label_zh: '面额', label_en: 'Face value', kind: 'money_fen' },
    starts_at: { label_zh: '开始时间', label_en: 'Starts', kind: 'time' },
    after: { label_zh: '修改后', label_en: 'After' },
    disabled: { label_zh: '已停用', label_en: 'Disabled' },
  },
}

test('details are labelled fields: money in 元, epoch seconds in Beijing time, nested objects in words', () => {
  const fields = detailFields(
    { name: '第一期', face_fen: 5000, starts_at: 1583373600, after: { disabled: true }, unknown_key: 'x' },
    catalogue.fields,
    'zh-CN',
  )
  assert.deepEqual(
    fields.map((f) => [f.label, f.value]),
    [
      ['名称', '第一期'],
      ['面额', '50.00元'],
      ['开始时间', '2020-03-05 10:00'], // 02:00 UTC
      ['修改后', '已停用: 是'],
      ['unknown_key', 'x'],
    ],
  )
  assert.equal(detailFields({ face_fen: 5000 }, catalogue.fields, 'en')[0].label, 'Face value')
  assert.deepEqual(detailFields(null, catalogue.fields, 'zh-CN'), [])
  // Codes of a kind the page knows (a role) in words.
  const roleField = { role: { label_zh: '角色', label_en: 'Role', kind: 'role' } }
  const word = (kind, code) => (kind === 'role' && code === 'officer' ? '招商专员' : undefined)
  assert.equal(detailFields({ role: 'officer' }, roleField, 'zh-CN', word)[0].value, '招商专员')
  assert.equal(detailFields({ role: 'nobody' }, roleField, 'zh-CN', word)[0].value, 'nobody')
})

test('actions and objects in the reader language, codes only for what the catalogue does not hold', () => {
  assert.equal(actionLabel(catalogue, 'voucher.round_create', 'zh-CN'), '新建消费券期次')
  assert.equal(actionLabel(catalogue, 'session.login', 'en'), 'Signed in')
  assert.equal(actionLabel(catalogue, 'made.up', 'zh-CN'), 'made.up')
  assert.equal(objectLabel(catalogue, 'user', 'zh-CN'), '账号')
})

test('the action filter is grouped by module, modules without actions left out', () => {
  assert.deepEqual(actionGroups(catalogue, 'zh-CN'), [
    { label: '登录与会话', options: [{ value: 'session.login', label: '登录' }] },
    { label: '消费券', options: [{ value: 'voucher.round_create', label: '新建消费券期次' }] },
  ])
})

test('objects link to their page where the console has one', () => {
  assert.deepEqual(objectRoute('project', '12'), { name: 'project', params: { id: '12' } })
  assert.equal(objectRoute('voucher_round', '3'), null)
  assert.equal(objectRoute('project', 'abc'), null)
})

test('who acted: a person by display name, the system and the demo in words, never a login when a name is known', () => {
  const { t, te } = i18n.global
  assert.equal(actorName('晋安区投促局张科长', 'ja-officer', t, te), '晋安区投促局张科长')
  assert.equal(actorName('system', 'system', t, te), '系统')
  assert.equal(actorName(null, 'demo', t, te), '演示数据')
  assert.equal(actorName(undefined, 'ja-officer', t, te), 'ja-officer') // an old answer without the name
})
