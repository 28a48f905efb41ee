// The investment-promotion helpers: stages one step at a time, the 亿元 of
// the room's screen, the enterprise a duplicate refusal names, the running
// total after a signature event, and signing: the key banyan issues
// (libsodium's 64 bytes) signs a document's SHA-256 so that Node's own
// Ed25519 — another implementation — verifies it with the public key.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto'
import {
  applySignature, bytesToBase64, canDrop, existingEnterpriseId, formatWan, isSigned, nextStage, partyOfKey,
  readSecretKey, sha256Hex, signDigest, yiFigure,
} from '../../web/src/invest.js'

test('a lead moves one stage at a time and may be dropped before it produces', () => {
  assert.equal(nextStage('lead'), 'negotiating')
  assert.equal(nextStage('started'), 'producing')
  assert.equal(nextStage('producing'), null)
  assert.equal(nextStage('dropped'), null)
  assert.ok(canDrop('lead') && canDrop('started'))
  assert.ok(!canDrop('producing') && !canDrop('dropped'))
  assert.ok(!isSigned('negotiating') && isSigned('signed') && isSigned('producing') && !isSigned('dropped'))
})

test('amounts in 万元 and the screen figure in 亿元', () => {
  assert.equal(formatWan(1947800), '194.78亿元')
  assert.equal(formatWan(22800), '2.28亿元')
  assert.equal(formatWan(9999), '9,999.00万元')
  assert.equal(yiFigure(1947800), '194.78')
  assert.equal(yiFigure(0), '0.00')
  assert.equal(yiFigure(5), '0.00')
  assert.equal(yiFigure(12345678), '1,234.57')
})

test('the existing enterprise a duplicate refusal names', () => {
  assert.equal(existingEnterpriseId('该信用代码的企业已登记,编号 12,请直接选用 (already registered as 12)'), 12)
  assert.equal(existingEnterpriseId('已有同名企业(编号 7);确属不同企业请勾选 confirm_new_name (an enterprise of this name exists as 7)'), 7)
  assert.equal(existingEnterpriseId('something else'), 0)
  assert.equal(existingEnterpriseId(undefined), 0)
})

test('a signature event updates the running total and marks its agreement', () => {
  const c = { id: 2, signed: 0, signed_amount_wan: 0, items: [{ id: 5, signed: false }, { id: 6, signed: false }] }
  const after = applySignature(c, { ceremony: 2, agreement: 6, agreement_signed: true, signed: 1, signed_amount_wan: 85000 })
  assert.equal(after.signed, 1)
  assert.equal(after.signed_amount_wan, 85000)
  assert.deepEqual(after.items.map((a) => a.signed), [false, true])
  assert.equal(c.items[1].signed, false, 'the old object is left alone')
  // One party of two signed: the agreement is not signed yet, the total stays.
  const half = applySignature(c, { ceremony: 2, agreement: 5, agreement_signed: false, signed: 0, signed_amount_wan: 0 })
  assert.equal(half.items[0].signed, false)
  assert.equal(applySignature(c, { ceremony: 3, agreement: 5, agreement_signed: true, signed: 9, signed_amount_wan: 1 }), c)
})

test('base64 of a document, large ones too', () => {
  assert.equal(bytesToBase64(new TextEncoder().encode('协议')), Buffer.from('协议').toString('base64'))
  const big = new Uint8Array(200000).map((_, i) => i % 251)
  assert.equal(bytesToBase64(big), Buffer.from(big).toString('base64'))
})

test('a libsodium secret key signs a document digest that Node verifies', async () => {
  // A key pair as banyan issues it: seed then public key, 128 hex digits.
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const seed = privateKey.export({ format: 'jwk' }).d
  const pub = publicKey.export({ format: 'jwk' }).x
  const hex = (b64url) => Buffer.from(b64url, 'base64url').toString('hex')
  const secretHex = hex(seed) + hex(pub)
  const key = readSecretKey(`${secretHex}\n`)
  assert.equal(key.publicKey, hex(pub))
  assert.deepEqual(readSecretKey(`  ${hex(seed)}  `).publicKey, hex(pub), 'a bare seed does too')

  const doc = new TextEncoder().encode('晋安智慧园区二期 投资合作协议\n')
  const digest = await sha256Hex(doc)
  assert.equal(digest, createHash('sha256').update(doc).digest('hex'))
  const signature = signDigest(digest, key.seed)
  assert.match(signature, /^[0-9a-f]{128}$/)
  assert.ok(verify(null, Buffer.from(digest, 'hex'), createPublicKey(publicKey.export({ format: 'pem', type: 'spki' })), Buffer.from(signature, 'hex')))
  assert.ok(!verify(null, createHash('sha256').update('changed').digest(), publicKey, Buffer.from(signature, 'hex')))

  const parties = [{ signer: 1, public_key: 'ab'.repeat(32) }, { signer: 2, public_key: hex(pub).toUpperCase() }]
  assert.equal(partyOfKey(parties, key.publicKey).signer, 2)
  assert.equal(partyOfKey(parties, 'cd'.repeat(32)), null)
})

test('what is not a key is refused', () => {
  assert.throws(() => readSecretKey('hello'), /no_key/)
  assert.throws(() => readSecretKey(''), /no_key/)
  // A 64-byte key whose public half is not the seed's: a mangled file.
  assert.throws(() => readSecretKey('11'.repeat(32) + '22'.repeat(32)), /key_mismatch/)
})
