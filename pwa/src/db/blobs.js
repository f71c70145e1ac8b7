/** Photos and signatures as ArrayBuffer with their SHA-256, read back and verified after the
 *  write (PITFALLS 3). Hashing happens before and after the transaction, never inside. */
import { t } from '../i18n.js';
import { openRow, sealRow } from './sealed.js';

export async function sha256Hex(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class BlobNotSaved extends Error {}

/** Stores bytes for a technician (sealed, with the photo's time and place); returns the attachment
 *  metadata once verified. */
export async function saveBlob(db, tech, buffer, meta) {
  const sha256 = await sha256Hex(buffer);
  const row = { tech, sha256, data: buffer, content_type: meta.content_type, size: buffer.byteLength,
    captured_at: meta.captured_at ?? null, lat: meta.lat ?? null, lon: meta.lon ?? null,
    uploaded: false, reports: [] };
  const stored = await sealRow('blobs', row);
  await db.write(['blobs'], async (t) => {
    const old = await t.get('blobs', [tech, sha256]);
    // Already there (the same photo twice): its links and upload state stay; bytes and place are the new ones.
    await t.put('blobs', old ? { ...stored, uploaded: old.uploaded, reports: old.reports } : stored);
  });
  const back = await getBlob(db, tech, sha256);
  if (!back || !back.data || (await sha256Hex(back.data)) !== sha256) {
    throw new BlobNotSaved(t('La photo n\'a pas pu être enregistrée sur la tablette. Réessayez.'));
  }
  return { sha256, content_type: row.content_type, size: row.size, captured_at: row.captured_at,
    lat: row.lat, lon: row.lon };
}

export async function getBlob(db, tech, sha256) {
  return openRow('blobs', await db.read(['blobs'], (t) => t.get('blobs', [tech, sha256])));
}

export function markUploaded(db, tech, sha256) {
  return db.write(['blobs'], async (t) => {
    const row = await t.get('blobs', [tech, sha256]);
    if (row) await t.put('blobs', { ...row, uploaded: true });
  });
}

/** Deletes a blob no report and no draft still needs (a photo taken then removed). */
export function dropUnreferenced(db, tech, sha256) {
  return db.write(['blobs'], async (t) => {
    const row = await t.get('blobs', [tech, sha256]);
    if (row && row.reports.length === 0) await t.del('blobs', [tech, sha256]);
  });
}

export async function blobBytes(db, tech) {
  const rows = await db.read(['blobs'], (t) => t.all('blobs', 'tech', tech));
  return rows.reduce((sum, r) => sum + (r.data ? r.size : 0), 0);
}
