/** Offline unlock: the PIN opens the technician's data key (vault.js), wrapped under a PBKDF2 key
 *  of the PIN; the password wraps it too, so that a forgotten PIN (five wrong ones) is replaced at
 *  the next password sign-in without losing anything. Neither secret nor key is ever stored. */
import { PASSWORD_ITERATIONS, WrongSecret, importDataKey, newDataKeyBytes, unwrapKey, wrapKey } from './vault.js';

const LEGACY_ITERATIONS = 100000;
/** Wrong PINs in a row before the PIN is forgotten and the password (online) is asked again: the
 *  wrapped key sits on the tablet, so guessing through the app must not be left open-ended. */
export const MAX_PIN_FAILURES = 5;

function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The PIN hash of the app before encryption at rest (`{salt, iterations, hash}`), checked once at
 *  the first unlock after the update. */
async function legacyHash(pin, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  return hex(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode(salt), iterations }, key, 256));
}

/** A PIN record as the app stored it before encryption at rest (tests fill old stores with it). */
export async function legacyPinRecord(pin) {
  const salt = hex(crypto.getRandomValues(new Uint8Array(16)));
  return { salt, iterations: LEGACY_ITERATIONS, hash: await legacyHash(pin, salt, LEGACY_ITERATIONS) };
}

async function tryUnwrap(stored, secret) {
  if (!stored || !stored.wrapped) return null;
  try {
    return await unwrapKey(stored, secret);
  } catch (err) {
    if (err instanceof WrongSecret) return null;
    throw err;
  }
}

/** The data key for a PIN unlock: `{ key, changes }` (changes to store on the technician's row: a
 *  store from before the update gets its first key), or null when the PIN is wrong. */
export async function keyFromPin(technician, pin) {
  const stored = technician.pin;
  if (stored && stored.hash) {
    if ((await legacyHash(pin, stored.salt, stored.iterations)) !== stored.hash) return null;
    return usable(newDataKeyBytes(), async (raw) => ({ pin: await wrapKey(raw, pin) }));
  }
  const raw = await tryUnwrap(stored, pin);
  return raw && usable(raw, async () => ({}));
}

/** `{ key, ... }`: the raw bytes imported as a non-extractable key, `more(raw)` merged, the bytes wiped. */
async function usable(raw, more) {
  try {
    return { key: await importDataKey(raw), changes: await more(raw) };
  } finally {
    raw.fill(0);
  }
}

/** The data key at a password sign-in: the technician's own key when the password (or, for a store
 *  from before the update whose PIN was forgotten, the PIN typed again) opens it, else a new one;
 *  wrapped again under the new PIN and the password: `{ key, changes: { pin, password_key } }`. */
export async function keyFromSignIn(previous, password, pin) {
  const raw = (await tryUnwrap(previous?.password_key, password)) || (await tryUnwrap(previous?.pin_recovery, pin))
    || (await tryUnwrap(previous?.pin, pin)) || newDataKeyBytes();
  return usable(raw, async (bytes) => ({ pin: await wrapKey(bytes, pin), password_key: await wrapKey(bytes, password, PASSWORD_ITERATIONS) }));
}

/** After MAX_PIN_FAILURES: the PIN is forgotten. Its wrap is kept apart only when no password wrap
 *  exists yet (a store from before the update), so that signing in again with the same PIN still
 *  opens the data: the lock-out is the app's, the wrap was readable on the disk anyway. */
export function forgetPin(technician) {
  return { pin: null, pin_failures: 0, pin_locked: true,
    pin_recovery: technician.password_key ? null : (technician.pin?.wrapped ? technician.pin : null) };
}

export function validPin(pin) {
  return /^[0-9]{4,8}$/.test(pin);
}
