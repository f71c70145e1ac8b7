/** Which fields of each store stay in clear, and the rows sealed under their technician's key
 *  (vault.js): a stored row keeps its clear fields plus `sealed` (the rest, AES-GCM, fresh IV);
 *  a blob's bytes are sealed apart in `data` (+ `data_iv`). Clear is a whitelist, so a field added
 *  later is encrypted unless named here; pwa/README.md says why each one may stay clear.
 *  Rows written by the app before encryption (no `sealed`) are read as they are and sealed in place
 *  at the first unlock (`sealLegacyRows`). Sealing and opening happen outside transactions. */
import { keyOf, open, openBytes, requireKey, seal, sealBytes } from '../vault.js';

export const CLEAR = {
  technicians: ['id', 'login', 'name', 'device_id', 'needs_enrol', 'pin', 'password_key', 'pin_recovery',
    'pin_failures', 'pin_locked', 'cursor', 'device_seq', 'last_sync_at', 'counts', 'retention_days',
    'countersigners', 'sealed_at'],
  orders: ['tech', 'id', 'ref', 'version', 'type', 'state', 'code', 'planned_date', 'window_start', 'window_end',
    'round_position', 'travel_fee', 'utility', 'form', 'local', 'removed', 'removed_at', 'confirmed', 'purged_at'],
  drafts: ['tech', 'order_id', 'uuid', 'updated_at', 'blobs'],
  reports: ['uuid', 'tech', 'order_id', 'status', 'finished_at', 'report_id', 'received_at', 'acknowledged_at',
    'countersignature_verdict', 'purged_at', 'blobs'],
  outbox: ['uuid', 'tech', 'order_id', 'seq', 'state', 'attempts', 'next_at', 'enqueued_at', 'last_error'],
  blobs: ['tech', 'sha256', 'content_type', 'size', 'uploaded', 'reports'],
};
export const SEALED_STORES = Object.keys(CLEAR);

/** Hashes of the photos and signatures a draft or a report names (kept clear: the purge and the
 *  acknowledgement free blobs by them while the technician is locked). */
export function blobsOf(row) {
  if (Array.isArray(row.blobs)) return row.blobs;
  if (row.body) return (row.body.attachments || []).map((a) => a.sha256);
  return Object.keys(row.attachments || {});
}

/** The clear `blobs` list recomputed from what the row names now. */
function withIndexFields(store, row) {
  if (store === 'drafts') return { ...row, blobs: Object.keys(row.attachments || {}) };
  if (store === 'reports' && row.body) return { ...row, blobs: (row.body.attachments || []).map((a) => a.sha256) };
  return row;
}

function keyPathOf(store, row) {
  if (store === 'technicians') return row.id;
  if (store === 'orders') return [row.tech, row.id];
  if (store === 'drafts') return [row.tech, row.order_id];
  if (store === 'blobs') return [row.tech, row.sha256];
  return row.uuid;
}

/** The AES-GCM additional data of a row's sealed part: its store and key (clear fields), so a sealed
 *  part copied onto another row, of this store or another, no longer opens (it is read as stored). */
function contextOf(store, row) {
  return `${store}:${JSON.stringify(keyPathOf(store, row))}`;
}

/** The row as stored: clear fields, the rest sealed under `tech`'s key (Locked without it). */
export async function sealRow(store, row) {
  const key = requireKey(row.tech ?? row.id);
  const full = withIndexFields(store, row);
  const clear = {};
  const secret = {};
  for (const [name, value] of Object.entries(full)) {
    if (name === 'sealed' || name === 'data_iv') continue;
    if (CLEAR[store].includes(name)) clear[name] = value;
    else if (!(store === 'blobs' && name === 'data')) secret[name] = value;
  }
  const out = { ...clear, sealed: await seal(key, secret, contextOf(store, full)) };
  if (store === 'blobs' && full.data) {
    const bytes = await sealBytes(key, full.data, `${contextOf(store, full)}:data`);
    Object.assign(out, { data: bytes.data, data_iv: bytes.iv });
  }
  return out;
}

/** The row as the app reads it: its sealed part opened with the technician's key. Without the key
 *  (another technician, locked), sealed under a key no secret opens any more (README), or damaged,
 *  the row as stored: clear fields and `sealed`, which tells callers it is not readable. */
export async function openRow(store, row) {
  if (!row || !row.sealed) return row || null;
  const key = keyOf(row.tech ?? row.id);
  if (!key) return row;
  const { sealed, data_iv: iv, ...clear } = row;
  try {
    const out = { ...clear, ...(await open(key, sealed, contextOf(store, row))) };
    if (store === 'blobs' && row.data) out.data = await openBytes(key, { iv, data: row.data }, `${contextOf(store, row)}:data`);
    return out;
  } catch (_) {
    // Not this key's, moved from another row, or damaged (a changed byte fails GCM's check, a lost
    // IV is not even a BufferSource): read as stored, so one bad row never hides the others.
    return row;
  }
}

export function openRows(store, rows) {
  return Promise.all(rows.map((row) => openRow(store, row)));
}

/** First unlock after the update (or after a sign-in): every row of `tech` still in clear is sealed
 *  in place, the token with them. Read in one transaction, sealed outside, written in a second one
 *  that re-reads each row and keeps its clear fields as they are by then (a state may have moved). */
export async function sealLegacyRows(db, tech) {
  const stores = SEALED_STORES;
  const found = await db.read(stores, async (t) => {
    const rows = {};
    for (const store of stores) {
      rows[store] = store === 'technicians' ? [await t.get('technicians', tech)].filter(Boolean)
        : await t.all(store, 'tech', tech);
      rows[store] = rows[store].filter((row) => !row.sealed);
    }
    return rows;
  });
  const sealed = {};
  for (const store of stores) sealed[store] = await Promise.all(found[store].map((row) => sealRow(store, row)));
  return db.write(stores, async (t) => {
    let count = 0;
    for (const store of stores) {
      for (const row of sealed[store]) {
        const key = keyPathOf(store, row);
        const now = await t.get(store, key);
        if (!now || now.sealed) continue;
        await t.put(store, withClearOf(store, row, now));
        count += 1;
      }
    }
    const technician = await t.get('technicians', tech);
    if (technician && !technician.sealed_at) await t.put('technicians', { ...technician, sealed_at: new Date().toISOString() });
    return count;
  });
}

/** `row`, sealed outside a transaction, with the clear fields the stored row `now` has (they may
 *  have moved in between). */
export function withClearOf(store, row, now) {
  const clearNow = Object.fromEntries(CLEAR[store].filter((f) => f in now).map((f) => [f, now[f]]));
  return { ...row, ...clearNow };
}
