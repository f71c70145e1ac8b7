/** The sync engine: one sync at a time (Web Locks), push before pull, backoff with jitter on
 *  retryable errors, 401 keeps everything and asks to enrol again. No DOM: api, db, clock, locks
 *  and the progress callback are given. Only unlocked technicians sync: their token and reports are
 *  sealed under a key in memory only while they are (vault.js); the others' outboxes wait for them. */
import { ApiError, isRetryable } from '../api.js';
import { getBlob } from '../db/blobs.js';
import { reportToSend } from '../db/reports.js';
import { dueEntries, listOutbox, reschedule, techniciansWithQueue } from '../db/outbox.js';
import { DEFAULT_RETENTION_DAYS, purgePersonalData } from '../db/retention.js';
import { currentTechnician, listTechnicians, openTechnician, updateTechnician } from '../db/technicians.js';
import { t } from '../i18n.js';
import { Locked, isUnlocked } from '../vault.js';
import { backoffDelay } from './backoff.js';
import { protocolRefusal } from './protocol.js';
import { pullAll } from './pull.js';
import { pushEntries } from './push.js';

const LOCK = 'tournee-sync';

/** Fallback when the Web Locks API is missing: a mutex inside this page only. */
function localLocks() {
  let busy = false;
  return {
    async request(name, options, fn) {
      if (busy) return fn(null);
      busy = true;
      try { return await fn({ name }); } finally { busy = false; }
    },
  };
}

function progressTracker(onProgress, total, bytesTotal) {
  const state = { phase: 'push', reportsDone: 0, reportsTotal: total, bytesDone: 0, bytesTotal };
  onProgress({ ...state });
  return {
    bytes(n) { state.bytesDone += n; onProgress({ ...state }); },
    report() { state.reportsDone += 1; onProgress({ ...state }); },
  };
}

export function createSyncEngine({ api, db, clock = { now: () => Date.now() }, random = Math.random,
  locks = localLocks(), onProgress = () => {} }) {
  async function failEntries(entries, err) {
    const attempts = Math.max(0, ...entries.map((e) => e.attempts));
    const next = clock.now() + backoffDelay(attempts, random);
    await reschedule(db, entries.map((e) => e.uuid), next, err.message);
  }

  async function pushFor(techId, summary, force) {
    if (!isUnlocked(techId)) return;
    const technician = await openTechnician(db, techId);
    if (!technician || !technician.token || technician.needs_enrol) return;
    const horizon = force ? Infinity : clock.now();
    const entries = await dueEntries(db, techId, horizon);
    if (!entries.length) return;
    try {
      const bytesTotal = await pendingBytes(entries);
      const ctx = { api, db, technician, now: () => clock.now(), progress: progressTracker(onProgress, entries.length, bytesTotal) };
      const waiting = await pushEntries(ctx, entries);
      if (waiting.length) await failEntries(entries.filter((e) => waiting.includes(e.uuid)), new Error(t('Photos en attente')));
    } catch (err) {
      await handleError(err, techId, summary);
      const left = await dueEntries(db, techId, horizon);
      if (isRetryable(err) && left.length) await failEntries(left, err);
    }
  }

  async function pendingBytes(entries) {
    let bytes = 0;
    for (const entry of entries) {
      const row = await reportToSend(db, entry.uuid);
      for (const a of row?.body.attachments || []) {
        const blob = await getBlob(db, entry.tech, a.sha256);
        if (blob && !blob.uploaded) bytes += blob.size;
      }
    }
    return bytes;
  }

  async function handleError(err, techId, summary) {
    if (err instanceof Locked) return;   // locked meanwhile: what was not written waits for the next unlock
    summary.error = err.message;
    if (protocolRefusal(err)) summary.protocol = protocolRefusal(err);   // one side must be updated
    if (err instanceof ApiError && err.status === 401) {
      await updateTechnician(db, techId, { needs_enrol: true });
      summary.unauthorized = true;
    } else if (!isRetryable(err) && !(err instanceof ApiError)) {
      throw err;   // a bug, not a network condition: surface it
    }
  }

  /** W24: every technician's acknowledged personal data older than the server's retention leaves
   *  the tablet (db/retention.js); returns how many interventions of `currentId` were purged now. */
  async function purgeAcknowledged(currentId) {
    let purged = 0;
    for (const technician of await listTechnicians(db)) {
      if (!isUnlocked(technician.id)) continue;       // their sealed rows wait for their next sync
      const days = technician.retention_days ?? DEFAULT_RETENTION_DAYS;
      const done = await purgePersonalData(db, technician.id, { now: clock.now(), days });
      if (technician.id === currentId) purged = done.orders;
    }
    return purged;
  }

  async function run(force) {
    const summary = { ok: false, error: null, unauthorized: false };
    for (const techId of await techniciansWithQueue(db)) await pushFor(techId, summary, force);
    const shown = await currentTechnician(db);
    const current = shown && isUnlocked(shown.id) ? await openTechnician(db, shown.id) : null;
    if (current && current.token && !current.needs_enrol) {
      onProgress({ phase: 'pull' });
      try {
        summary.pulled = await pullAll({ api, db, technician: current, now: () => clock.now() });
        summary.ok = !summary.error;
      } catch (err) {
        await handleError(err, current.id, summary);
      }
      if (summary.ok) await updateTechnician(db, current.id, { last_sync_at: new Date(clock.now()).toISOString() });
      if (summary.ok) summary.purged = await purgeAcknowledged(current.id);
    }
    summary.queued = (await listOutbox(db)).filter((e) => e.state === 'queued').length;
    onProgress({ phase: 'idle', summary });
    return summary;
  }

  return {
    /** Runs one sync unless another one (this tab or another) is running: then `{skipped: true}`.
     *  `force`: a fresh reason to try (network back, app opened, technician's request, report
     *  finished) sends every queued report now; retry timers leave backed-off ones to their time. */
    sync({ force = false } = {}) {
      return locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? run(force) : { skipped: true }));
    },
  };
}
