/** Encryption at rest of the technician's data (issue 12): one random AES-GCM data key per
 *  technician, kept in this page's memory only (a non-extractable CryptoKey) while they are
 *  unlocked, stored only wrapped under keys derived (PBKDF2) from the PIN and from the password.
 *  A reload or a lock forgets it. No DOM, no storage: callers persist what `wrapKey` returns. */

/** PBKDF2 rounds. A 4–8 digit PIN has too few values for any count to stop an offline search of a
 *  copied disk; its count keeps the unlock quick (as the PIN hash before it). The password, typed
 *  only at a sign-in, gets the recommended count for PBKDF2-SHA256. */
export const PIN_ITERATIONS = 100000;
export const PASSWORD_ITERATIONS = 600000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const keys = new Map();    // technician id -> CryptoKey (the unlocked ones)

/** The secret (PIN or password) did not open the wrapped key. */
export class WrongSecret extends Error {}

/** The technician's data is needed while they are locked (no key in memory). */
export class Locked extends Error {}

function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

async function secretKey(secret, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Fresh raw bytes of a data key; the caller wraps them and imports them, then drops them. */
export function newDataKeyBytes() {
  return randomBytes(32);
}

export function importDataKey(raw) {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** `raw` wrapped under a key derived from `secret`: what is stored (salt, iterations, iv, wrapped). */
export async function wrapKey(raw, secret, iterations = PIN_ITERATIONS) {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const kek = await secretKey(secret, salt, iterations);
  return { salt, iterations, iv, wrapped: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, kek, raw) };
}

/** The raw data key out of a stored wrap; WrongSecret when `secret` is not the one it was wrapped with. */
export async function unwrapKey(stored, secret) {
  const kek = await secretKey(secret, stored.salt, stored.iterations);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: stored.iv }, kek, stored.wrapped));
  } catch (_) {
    throw new WrongSecret('wrong secret');
  }
}

/** AES-GCM parameters: a sealed value opens only with the `context` it was sealed with (its store
 *  and row), so that it cannot be moved to another row undetected. */
function gcm(iv, context) {
  return { name: 'AES-GCM', iv, additionalData: encoder.encode(context) };
}

/** Bytes encrypted under `key` with a fresh IV, bound to `context` (a text naming where they belong). */
export async function sealBytes(key, bytes, context = '') {
  const iv = randomBytes(12);
  return { iv, data: await crypto.subtle.encrypt(gcm(iv, context), key, bytes) };
}

/** The bytes back; an OperationError when the key, the data or the `context` is not the sealed one. */
export async function openBytes(key, sealed, context = '') {
  return crypto.subtle.decrypt(gcm(sealed.iv, context), key, sealed.data);
}

/** A JSON value encrypted under `key`, bound to `context`. */
export function seal(key, value, context = '') {
  return sealBytes(key, encoder.encode(JSON.stringify(value)), context);
}

export async function open(key, sealed, context = '') {
  return JSON.parse(decoder.decode(await openBytes(key, sealed, context)));
}

// ---- the keys of the technicians unlocked in this page ----------------------------------------

export function unlockWith(tech, key) {
  keys.set(tech, key);
}

export function lock(tech) {
  keys.delete(tech);
}

export function lockAll() {
  keys.clear();
}

export function keyOf(tech) {
  return keys.get(tech) || null;
}

export function isUnlocked(tech) {
  return keys.has(tech);
}

/** The key, or Locked: for writes of personal data, which never go to storage in clear. */
export function requireKey(tech) {
  const key = keys.get(tech);
  if (!key) throw new Locked(`technician ${tech} is locked`);
  return key;
}
