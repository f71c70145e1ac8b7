/** The chief's countersignature proof (PROTOCOL §8), pure (no DOM, no storage): the report's content
 *  hash written exactly as the server writes it, a key derived from the chief's code, and the HMAC
 *  binding chief, report and content. Mirror of sync/content.py and sync/proofs.py.
 *  The code and the key are only ever held by the caller for the time of one computation. */

const LABEL = 'tournee-countersignature/1';
const KEY_BYTES = 32;
const encoder = new TextEncoder();

export function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two well-formed strings by code point, as Python does (not by UTF-16 unit: a character
 *  above U+FFFF sorts after U+E000..U+FFFF). */
export function compareCodePoints(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xD800) x += x < 0xE000 ? 0x2000 : -0x800;   // surrogates above the rest of the BMP
      if (y >= 0xD800) y += y < 0xE000 ? 0x2000 : -0x800;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** A number as Python's json.dumps writes what it parsed from JavaScript's JSON text: integers
 *  (JavaScript writes them without a point below 1e21) as digits, floats by repr (shortest digits,
 *  exponent form d.ddde±XX when the decimal exponent is below -4 or at least 16). */
function number(n) {
  if (!Number.isFinite(n)) return 'null';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exponent] = n.toExponential().split('e');
  const e = Number(exponent);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}

function write(value) {
  if (value === null) return 'null';
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${write(value[k])}`).join(',')}}`;
}

/** What `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes for the
 *  value the server parses from `JSON.stringify(value)` (so undefined members vanish, as on the wire). */
export function canonicalJson(value) {
  const text = JSON.stringify(value);
  return text === undefined ? 'null' : write(JSON.parse(text));
}

export async function sha256Text(text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** The report's content hash (PROTOCOL §4): SHA-256 of its canonical JSON, lowercase hex. */
export function contentSha256(report) {
  return sha256Text(canonicalJson(report));
}

/** PBKDF2-HMAC-SHA256 of the code; the salt is its hex text in UTF-8; 32 bytes (Uint8Array). */
export async function deriveKey(code, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', encoder.encode(code), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256',
    salt: encoder.encode(salt), iterations }, material, KEY_BYTES * 8));
}

export function proofMessage(uuid, chiefLogin, contentSha256Hex) {
  return `${LABEL}\n${uuid}\n${chiefLogin}\n${contentSha256Hex}`;
}

/** Lowercase hex HMAC-SHA256(key, message): the proof sent beside the report. */
export async function countersignatureProof(keyBytes, uuid, chiefLogin, contentSha256Hex) {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return hex(await crypto.subtle.sign('HMAC', key, encoder.encode(proofMessage(uuid, chiefLogin, contentSha256Hex))));
}
