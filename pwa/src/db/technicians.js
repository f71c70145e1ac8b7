/** Technicians enrolled on this tablet: device token (sealed), the data key wrapped under the PIN
 *  (`pin`) and the password (`password_key`), cursor, device sequence, last sync, and the chiefs
 *  who may countersign their reports here (`countersigners`, PROTOCOL §8).
 *  The current technician is kept in `meta`; switching never deletes anyone's data. */
import { openRow, sealRow } from './sealed.js';

export function getTechnician(db, id) {
  return db.read(['technicians'], (t) => t.get('technicians', id));
}

export function listTechnicians(db) {
  return db.read(['technicians'], (t) => t.all('technicians'));
}

/** The technician's row with its token opened (the technician must be unlocked to have it). */
export async function openTechnician(db, id) {
  return openRow('technicians', await getTechnician(db, id));
}

/** Records an enrolment (new token, sealed under the technician's key, unlocked by the caller, and
 *  the key's wraps `{ pin, password_key }`); keeps the cursor and sequence of a technician seen before. */
export async function saveEnrolment(db, { technician, device_id, token }, wraps) {
  const { sealed } = await sealRow('technicians', { id: technician.id, token });
  return db.write(['technicians', 'meta'], async (t) => {
    const { token: legacy, ...old } = (await t.get('technicians', technician.id)) || { cursor: '', device_seq: 0, last_sync_at: null };
    const row = { ...old, id: technician.id, login: technician.login, name: technician.name,
      device_id, sealed, needs_enrol: false, pin: wraps.pin, password_key: wraps.password_key, pin_recovery: null,
      pin_failures: 0, pin_locked: false };
    await t.put('technicians', row);
    await t.put('meta', { key: 'current', tech: technician.id });
    return row;
  });
}

/** The tablet's own enrolment id (PROTOCOL §2): made once, kept in `meta`, sent with every enrolment,
 *  so an enrolment sent again (its answer lost) gets the same device back, with a new token. */
export function tabletEnrolmentId(db) {
  const fresh = crypto.randomUUID();
  return db.write(['meta'], async (t) => {
    const kept = await t.get('meta', 'enrolment');
    if (kept && kept.id) return kept.id;
    await t.put('meta', { key: 'enrolment', id: fresh });
    return fresh;
  });
}

export function updateTechnician(db, id, changes) {
  return db.write(['technicians'], async (t) => {
    const row = await t.get('technicians', id);
    if (!row) return null;
    const next = { ...row, ...changes };
    await t.put('technicians', next);
    return next;
  });
}

/** One PIN try counted before the PIN is checked, in one transaction: the technician's row with
 *  `pin_failures` already raised, or null when no try is left (PIN forgotten, or `max` tries under
 *  way or failed). Counting first keeps tries made at once (the form sent again and again while the
 *  key derivation runs) within the limit; a right PIN sets the count back to 0. */
export function takePinTry(db, id, max) {
  return db.write(['technicians'], async (t) => {
    const row = await t.get('technicians', id);
    if (!row || !row.pin || (row.pin_failures || 0) >= max) return null;
    const next = { ...row, pin_failures: (row.pin_failures || 0) + 1 };
    await t.put('technicians', next);
    return next;
  });
}

export async function currentTechnician(db) {
  return db.read(['meta', 'technicians'], async (t) => {
    const current = await t.get('meta', 'current');
    return current && current.tech != null ? (await t.get('technicians', current.tech)) || null : null;
  });
}

export function setCurrent(db, id) {
  return db.write(['meta'], (t) => t.put('meta', { key: 'current', tech: id }));
}

/** The technician's row once a pull page is applied: its cursor and counts, and the page's
 *  countersigners replacing the old list (a page without the member keeps it). */
export function afterPage(row, page) {
  const next = { ...row, cursor: page.cursor, counts: page.counts };
  // W24: how long acknowledged personal data stays on the tablet (a page without it keeps the last value).
  if (Number.isInteger(page.tablet_retention_days) && page.tablet_retention_days >= 0) {
    next.retention_days = page.tablet_retention_days;
  }
  if (Array.isArray(page.countersigners)) {
    next.countersigners = page.countersigners.map(({ login, name, salt, iterations }) => ({ login, name, salt, iterations }));
  }
  return next;
}

/** The chiefs who may countersign on this tablet for this technician (empty: the office web only). */
export function countersignersOf(technician) {
  return Array.isArray(technician?.countersigners) ? technician.countersigners : [];
}
