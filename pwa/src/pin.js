/** Offline unlock PIN: stored as a salted PBKDF2 hash, never in clear. */

const ITERATIONS = 100000;
/** Wrong PINs in a row before the PIN is forgotten and the password (online) is asked again: the
 *  PIN hash sits on the tablet, so guessing must not be left open-ended. */
export const MAX_PIN_FAILURES = 5;

function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function derive(pin, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  return hex(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode(salt), iterations }, key, 256));
}

export async function hashPin(pin) {
  const salt = hex(crypto.getRandomValues(new Uint8Array(16)));
  return { salt, iterations: ITERATIONS, hash: await derive(pin, salt, ITERATIONS) };
}

export async function checkPin(pin, stored) {
  return Boolean(stored) && (await derive(pin, stored.salt, stored.iterations)) === stored.hash;
}

export function validPin(pin) {
  return /^[0-9]{4,8}$/.test(pin);
}
