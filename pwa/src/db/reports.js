/** Finished reports. Finishing writes the report, links its photos, queues its outbox entry,
 *  drops the draft and marks the order, all in ONE transaction (PITFALLS 4). */
import { t } from '../i18n.js';
import { requireKey } from '../vault.js';
import { blobsOf, openRow, openRows, sealRow, withClearOf } from './sealed.js';

export class MissingPhoto extends Error {}

/** The device sequence moved between hashing a report and finishing it: hash it again. */
export class SequenceMoved extends Error {}

/** The `device_seq` the next finished report of this technician will get. */
export async function nextDeviceSeq(db, tech) {
  const technician = await db.read(['technicians'], (t) => t.get('technicians', tech));
  return (technician?.device_seq || 0) + 1;
}

/** `report` is the REPORT of the contract, usually without `device_seq`, which is given here.
 *  A report countersigned on the tablet comes with its `proof` (PROTOCOL §8), kept on the outbox
 *  entry; its content, hence its `device_seq` (see nextDeviceSeq), was fixed before the chief's
 *  proof was computed: if the sequence moved meanwhile, SequenceMoved and nothing is written.
 *  The report and its entry are sealed before the transaction, so the sequence is read first and
 *  checked inside: a report without a fixed sequence is sealed again if it moved meanwhile. */
export async function finishReport(db, tech, report, { proof = null } = {}) {
  if (proof != null && report.device_seq == null) throw new TypeError('a countersignature proof binds the device_seq');
  for (let attempt = 0; ; attempt += 1) {
    const body = { ...report, device_seq: report.device_seq ?? await nextDeviceSeq(db, tech) };
    try {
      return await writeFinished(db, tech, body, proof);
    } catch (err) {
      if (!(err instanceof SequenceMoved) || report.device_seq != null || attempt >= 5) throw err;
    }
  }
}

async function writeFinished(db, tech, body, proof) {
  const seq = body.device_seq;
  const reportRow = await sealRow('reports', { uuid: body.uuid, tech, order_id: body.order_id, body, status: 'queued',
    finished_at: body.finished_at });
  const entryRow = await sealRow('outbox', { uuid: body.uuid, tech, order_id: body.order_id, seq, state: 'queued',
    attempts: 0, next_at: 0, reason: null, enqueued_at: body.finished_at, proof });
  const stores = ['technicians', 'reports', 'outbox', 'blobs', 'drafts', 'orders'];
  return db.write(stores, async (tx) => {
    const technician = await tx.get('technicians', tech);
    if ((technician.device_seq || 0) + 1 !== seq) throw new SequenceMoved(t('Numéro de séquence déjà utilisé.'));
    for (const attachment of body.attachments) {
      const blob = await tx.get('blobs', [tech, attachment.sha256]);
      if (!blob || !blob.data) throw new MissingPhoto(t('Pièce jointe absente de la tablette : {field}', { field: attachment.field }));
      await tx.put('blobs', { ...blob, reports: [...new Set([...blob.reports, body.uuid])] });
    }
    await tx.put('technicians', { ...technician, device_seq: seq });
    await tx.put('reports', reportRow);
    await tx.put('outbox', entryRow);
    await tx.del('drafts', [tech, body.order_id]);
    const order = await tx.get('orders', [tech, body.order_id]);
    if (order) await tx.put('orders', { ...order, local: 'done' });
    return body;
  });
}

export async function getReport(db, uuid) {
  return openRow('reports', await db.read(['reports'], (t) => t.get('reports', uuid)));
}

/** A queued report to send, opened; null when its technician's key does not open it (a damaged
 *  row: it stays queued); Locked when the technician was locked meanwhile (the push stops). */
export async function reportToSend(db, uuid) {
  const row = await getReport(db, uuid);
  if (!row || !row.sealed) return row;
  requireKey(row.tech);
  return null;
}

export async function listReports(db, tech) {
  return openRows('reports', await db.read(['reports'], (t) => t.all('reports', 'tech', tech)));
}

/** The server acknowledged the report (applied, duplicate, conflict): out of the outbox, its
 *  blobs freed once they are acknowledged by hash too. `now` (ms, the tablet's clock) starts the
 *  W24 retention (db/retention.js). */
export function acknowledge(db, uuid, result, now = Date.now()) {
  return db.write(['reports', 'outbox', 'blobs', 'orders'], async (t) => {
    const row = await t.get('reports', uuid);
    if (!row) return;
    await t.put('reports', { ...row, status: result.status, report_id: result.report_id ?? null,
      received_at: result.received_at ?? null, acknowledged_at: new Date(now).toISOString(), ...verdictOf(row, result) });
    await t.del('outbox', uuid);
    for (const sha256 of blobsOf(row)) {
      const key = [row.tech, sha256];
      const blob = await t.get('blobs', key);
      if (!blob) continue;
      const reports = blob.reports.filter((u) => u !== uuid);
      if (reports.length === 0 && blob.uploaded) await t.del('blobs', key);
      else await t.put('blobs', { ...blob, reports });
    }
    const order = await t.get('orders', [row.tech, row.order_id]);
    if (order) await t.put('orders', { ...order, local: result.status === 'conflict' ? 'conflict' : 'sent' });
  });
}

/** The server's verdict on a countersignature made on the tablet ({status: sealed|refused, reason}),
 *  when the result carries one. */
function verdictOf(row, result) {
  const verdict = result.countersignature;
  if (!verdict || typeof verdict !== 'object') return {};
  return { countersignature_verdict: { status: verdict.status, reason: verdict.reason ?? null } };
}

/** A parked report back to a draft the technician corrects and finishes again, in one transaction:
 *  same UUID after a refusal (nothing was stored under it, PROTOCOL §4), a new one after a mismatch
 *  (the server holds another content under the old). A countersignature made on the tablet does not
 *  survive a correction: the chief countersigns again, here or at the office. */
export async function reopenParked(db, uuid) {
  const [entry, row] = await Promise.all([openRow('outbox', await db.read(['outbox'], (t) => t.get('outbox', uuid))),
    getReport(db, uuid)]);
  if (!entry || entry.state !== 'parked' || !row) return null;
  const body = row.body;
  const order = await db.read(['orders'], (t) => t.get('orders', [row.tech, body.order_id]));
  const attachments = {};
  for (const a of body.attachments.filter((x) => x.field !== 'countersignature')) {
    attachments[a.sha256] = { sha256: a.sha256, field: a.field, kind: a.kind, content_type: a.content_type,
      size: a.size, captured_at: a.captured_at, lat: a.lat, lon: a.lon };
  }
  const draft = { tech: row.tech, order_id: body.order_id,
    uuid: entry.reason?.status === 'mismatch' ? crypto.randomUUID() : uuid,
    order_version: order ? order.version : body.order_version, form_type: body.form_type,
    form_version: body.form_version, outcome: body.outcome, reason_code: body.reason_code, answers: body.answers,
    attachments, started_at: body.started_at, reopened: entry.reason || null, updated_at: new Date().toISOString() };
  const draftRow = await sealRow('drafts', draft);   // sealed before the transaction, which checks nothing moved
  const done = await db.write(['reports', 'outbox', 'blobs', 'drafts', 'orders'], async (tx) => {
    const still = await tx.get('outbox', uuid);
    if (!still || still.state !== 'parked' || !(await tx.get('reports', uuid))) return false;
    for (const sha256 of body.attachments.map((a) => a.sha256)) {
      const blob = await tx.get('blobs', [row.tech, sha256]);
      if (blob) await tx.put('blobs', { ...blob, reports: blob.reports.filter((u) => u !== uuid) });
    }
    await tx.put('drafts', draftRow);
    await tx.del('outbox', uuid);
    await tx.del('reports', uuid);
    const current = await tx.get('orders', [row.tech, body.order_id]);
    if (current) await tx.put('orders', { ...current, local: 'draft' });
    return true;
  });
  return done ? draft : null;
}

/** Rejected or mismatch: parked "à traiter" with the reason, never deleted (PITFALLS 2). The reason
 *  is sealed: the server's words quote what was typed (a meter serial found, expected). */
export async function park(db, uuid, reason) {
  const entry = await openRow('outbox', await db.read(['outbox'], (t) => t.get('outbox', uuid)));
  if (!entry) return;
  const parked = await sealRow('outbox', { ...entry, state: 'parked', reason });
  await db.write(['reports', 'outbox'], async (t) => {
    const now = await t.get('outbox', uuid);
    if (!now) return;
    await t.put('outbox', { ...withClearOf('outbox', parked, now), state: 'parked' });
    const row = await t.get('reports', uuid);
    if (row) await t.put('reports', { ...row, status: 'parked' });
  });
}
