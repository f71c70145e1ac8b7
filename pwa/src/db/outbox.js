/** The outbox: one entry per finished report, never expiring, left only on acknowledgement.
 *  The chief's proof is sealed (db/sealed.js); states, sequence and schedule stay clear. */
import { openRows } from './sealed.js';

/** Entries opened for the unlocked technicians; others' entries show their clear fields only. */
export async function listOutbox(db, tech) {
  const rows = await db.read(['outbox'], (t) => (tech == null ? t.all('outbox') : t.all('outbox', 'tech', tech)));
  return openRows('outbox', rows);
}

/** Queued entries due at `now`, in device sequence order (those the technician's key opens). */
export async function dueEntries(db, tech, now) {
  const rows = await listOutbox(db, tech);
  return rows.filter((e) => e.state === 'queued' && e.next_at <= now && !e.sealed).sort((a, b) => a.seq - b.seq);
}

/** Technicians having queued entries, so each one's reports go up under their own token. */
export async function techniciansWithQueue(db) {
  const rows = await listOutbox(db);
  return [...new Set(rows.filter((e) => e.state === 'queued').map((e) => e.tech))];
}

export function reschedule(db, uuids, nextAt, lastError) {
  return db.write(['outbox'], async (t) => {
    for (const uuid of uuids) {
      const entry = await t.get('outbox', uuid);
      if (entry) await t.put('outbox', { ...entry, attempts: entry.attempts + 1, next_at: nextAt, last_error: lastError });
    }
  });
}

/** Earliest time a queued entry that can go now becomes due (to arm the retry timer), or null: a
 *  locked technician's entries (still sealed) wait for their unlock, not for a timer. */
export async function nextDueAt(db) {
  const rows = (await listOutbox(db)).filter((e) => e.state === 'queued' && !e.sealed);
  return rows.length ? Math.min(...rows.map((e) => e.next_at)) : null;
}
