// What the investment-promotion and cloud-signing pages (招商与云签约) share,
// and what can be checked without a browser: the stages of a lead, amounts
// in 万元/亿元, the existing enterprise a duplicate refusal names, the
// running total of a signing ceremony, and the signing itself: a document's
// SHA-256 and the Ed25519 signature of its 32 raw bytes with the key banyan
// issued (libsodium's 64-byte secret key: the 32-byte seed, then the public
// key).
import * as ed from '@noble/ed25519'
import { sha256 as sha256js, sha512 } from '@noble/hashes/sha2.js'
import { formatWan } from './projects.js'
import { moneyFigure } from './format.js'

// Signing must work on a page served over plain HTTP inside a government
// network, where the browser has no crypto.subtle: SHA-512 for Ed25519
// comes from @noble/hashes, synchronous and everywhere.
ed.hashes.sha512 = sha512

export const leadStages = ['lead', 'negotiating', 'signed', 'registered', 'started', 'producing']
export const stageTagTypes = { lead: 'info', negotiating: 'warning', signed: 'success', registered: 'primary', started: 'primary', producing: 'success', dropped: 'danger' }

/** The one stage a lead may move on to, or null (producing and dropped go nowhere). */
export function nextStage(stage) {
  const i = leadStages.indexOf(stage)
  return i >= 0 && i < leadStages.length - 1 ? leadStages[i + 1] : null
}

/** May a lead in this stage still be dropped? Any stage before producing. */
export function canDrop(stage) {
  const i = leadStages.indexOf(stage)
  return i >= 0 && i < leadStages.length - 1
}

/** Has a lead reached the signed stage (so it may become a major project)? */
export function isSigned(stage) {
  return leadStages.indexOf(stage) >= 2
}

// Amounts in whole 万元, shown as the major projects show them.
export { formatWan }

/** The big figure of the room's screen: 万元 as 亿元 with two decimals and no unit, "194.78". */
export function yiFigure(wan) {
  return moneyFigure(BigInt(Math.round(Number(wan || 0))) * 1000000n, 'yi')
}

/**
 * The existing enterprise a 409 enterprise_exists / enterprise_name_exists
 * names in its message ("…编号 12…" / "…as 12)"), or 0.
 */
export function existingEnterpriseId(message) {
  const m = /编号\s*(\d+)/.exec(message || '') || /\bas (\d+)\)/.exec(message || '')
  return m ? Number(m[1]) : 0
}

/**
 * A ceremony after an "invest.signature" event: the running count and
 * amount from the event, the agreement marked signed when it is.  Returns
 * a new object; events of other ceremonies change nothing.
 */
export function applySignature(ceremony, ev) {
  if (!ceremony || !ev || ev.ceremony !== ceremony.id) return ceremony
  const items = (ceremony.items || []).map((a) => (a.id === ev.agreement && ev.agreement_signed ? { ...a, signed: true } : a))
  return { ...ceremony, items, signed: ev.signed, signed_amount_wan: ev.signed_amount_wan }
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function hexToBytes(hex) {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error('not hex')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Bytes as base64 (the agreement's document goes to the API this way), in chunks to spare the stack. */
export function bytesToBase64(bytes) {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

/**
 * The secret key in what a signer pasted or loaded: the 128 hex digits banyan
 * issued (as in the downloaded key file, which `banyan sign --key` reads
 * too), or a bare 64-digit seed.  Returns { seed, publicKey } (Uint8Array,
 * hex) or throws Error('no_key') / Error('key_mismatch') when the public half
 * of a 64-byte key is not the seed's.
 */
export function readSecretKey(text) {
  const runs = String(text || '').match(/[0-9a-fA-F]{64,}/g) || []
  const hex = runs.find((r) => r.length === 128) || runs.find((r) => r.length === 64)
  if (!hex) throw new Error('no_key')
  const bytes = hexToBytes(hex)
  const seed = bytes.slice(0, 32)
  const publicKey = bytesToHex(ed.getPublicKey(seed))
  if (bytes.length === 64 && bytesToHex(bytes.slice(32)) !== publicKey) throw new Error('key_mismatch')
  return { seed, publicKey }
}

/** SHA-256 of bytes as hex: the browser's own where it has it (HTTPS or localhost), else @noble/hashes. */
export async function sha256Hex(bytes) {
  const subtle = globalThis.crypto?.subtle
  if (subtle) return bytesToHex(new Uint8Array(await subtle.digest('SHA-256', bytes)))
  return bytesToHex(sha256js(bytes))
}

/** The Ed25519 signature (128 hex digits) of a document's SHA-256 (64 hex digits): of its 32 raw bytes, as banyan checks it. */
export function signDigest(digestHex, seed) {
  return bytesToHex(ed.sign(hexToBytes(digestHex), seed))
}

/** The party of an agreement whose public key is this one, or null. */
export function partyOfKey(parties, publicKey) {
  return (parties || []).find((p) => p.public_key?.toLowerCase() === publicKey) || null
}

/** The text of the key file a signer downloads: the secret key, then what it is, for `banyan sign --key` too. */
export function keyFileText(secretKey) {
  return `${secretKey}\n`
}
