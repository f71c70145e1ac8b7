/** W24 on the tablet: the personal data of orders and reports the server acknowledged more than
 *  `days` ago (the pull's `tablet_retention_days`, PROTOCOL §3) leaves the tablet. What stays: ids,
 *  references, states, dates, indexes, so the round's history still reads "AT-… — relevé envoyé le …".
 *  Nothing not yet acknowledged is touched: an order with a draft, a queued or parked report is kept
 *  whole, and so is every blob a draft or an unacknowledged report still needs. No DOM.
 *  Rows are sealed (db/sealed.js): read and opened first, scrubbed and sealed again outside any
 *  transaction, then written in one transaction that skips whatever moved meanwhile. A technician
 *  who is locked keeps their sealed rows until their next sync. */
import { blobsOf, openRows, sealRow } from './sealed.js';
import { keyOf } from '../vault.js';

export const DEFAULT_RETENTION_DAYS = 7;
const DAY = 24 * 3600e3;
const ACKNOWLEDGED = new Set(['applied', 'duplicate', 'conflict']);
/** Answers holding words about people (names, phones, e-mails, addresses, free remarks). */
const PERSONAL_ANSWER = /name|nom|phone|tel|mail|address|adresse|occupant|remark|comment|note|requester|contact|identity/i;
const STORES = ['orders', 'reports', 'drafts', 'outbox', 'blobs'];

/** When the server acknowledged this report, by the tablet's clock (ms), or null. */
function acknowledgedAt(report) {
  if (!ACKNOWLEDGED.has(report.status)) return null;
  const at = Date.parse(report.acknowledged_at || report.received_at || '');
  return Number.isNaN(at) ? null : at;
}

/** An order row without what identifies its customer. */
export function scrubOrder(order, now) {
  const premises = order.premises ? { commune: order.premises.commune ?? null, kind: order.premises.kind ?? null,
    individual_house: order.premises.individual_house ?? null } : order.premises;
  const { search, ...kept } = order;
  return { ...kept, premises, contacts: [], requester: null, instructions: null, purged_at: new Date(now).toISOString() };
}

/** A report row without what identifies the customer: personal answers, position, photo places. */
export function scrubReport(row, now) {
  const body = row.body || {};
  const answers = Object.fromEntries(Object.entries(body.answers || {})
    .filter(([key, value]) => !(PERSONAL_ANSWER.test(key) && typeof value === 'string')));
  const attachments = (body.attachments || []).map(({ sha256, field, kind, content_type, size }) =>
    ({ sha256, field, kind, content_type, size }));
  const { position, ...rest } = body;
  return { ...row, body: { ...rest, answers, attachments }, purged_at: new Date(now).toISOString() };
}

/** Rows of `tech` in each of STORES, as stored. */
function snapshot(db, tech) {
  return db.read(STORES, (t) => Promise.all(STORES.map((store) => t.all(store, 'tech', tech))));
}

/** What cannot be purged now, from clear fields only: orders with a draft or an unacknowledged
 *  report, and the blobs those still need. */
function inUse(drafts, outbox, reports) {
  const pending = reports.filter((r) => !ACKNOWLEDGED.has(r.status));
  return { orders: new Set([...drafts.map((d) => d.order_id), ...outbox.map((e) => e.order_id), ...pending.map((r) => r.order_id)]),
    blobs: new Set([...drafts.flatMap(blobsOf), ...pending.flatMap(blobsOf)]) };
}

/** A row's state as stored, to tell whether it moved between the reading and the writing. */
function fingerprint(row) {
  return JSON.stringify(row, (k, v) => (v instanceof ArrayBuffer ? v.byteLength : v));
}

/** [before, the scrubbed row as it will be stored]: sealed, unless it was a clear row of a technician
 *  whose key is not in memory (a store from before encryption, purged before its first unlock); null
 *  for a row read sealed whose technician was locked meanwhile: it is never written back in clear. */
async function restore(store, [before, row]) {
  if (keyOf(row.tech)) return [before, await sealRow(store, row)];
  return before.sealed ? null : [before, row];
}

/** Purges `tech`'s acknowledged data older than `days` at `now` (ms); returns
 *  `{ orders, reports, blobs }`: how many were purged this time (orders = interventions). */
export async function purgePersonalData(db, tech, { now = Date.now(), days = DEFAULT_RETENTION_DAYS } = {}) {
  const cutoff = now - Math.max(0, Number(days) || 0) * DAY;
  const [rawOrders, rawReports, drafts, outbox, blobs] = await snapshot(db, tech);
  const [orders, reports] = await Promise.all([openRows('orders', rawOrders), openRows('reports', rawReports)]);
  const busy = inUse(drafts, outbox, rawReports);
  const writes = { orders: [], reports: [] };
  const oldBlobs = new Set();
  const lastAck = new Map();
  const ackVersion = new Map();
  for (const [i, report] of reports.entries()) {
    const at = acknowledgedAt(report);
    if (at == null) continue;
    lastAck.set(report.order_id, Math.max(lastAck.get(report.order_id) ?? -Infinity, at));
    if (report.sealed) continue;                                  // still sealed: not opened, nothing known
    ackVersion.set(report.order_id, Math.max(ackVersion.get(report.order_id) ?? 0, report.body?.order_version ?? 0));
    if (at > cutoff) continue;
    for (const sha256 of blobsOf(report)) oldBlobs.add(sha256);
    if (!report.purged_at) writes.reports.push([rawReports[i], scrubReport(report, now)]);
  }
  for (const [i, order] of orders.entries()) {
    if (order.sealed || order.purged_at || busy.orders.has(order.id) || !lastAck.has(order.id)) continue;
    if (!['sent', 'conflict'].includes(order.local)) continue;   // worked on again since
    // The office handed it out again after the report (a new visit to make): its data is needed.
    if (['issued', 'assigned'].includes(order.state) && order.version > ackVersion.get(order.id)) continue;
    const removedAt = order.removed ? Date.parse(order.removed_at || '') : NaN;
    const since = Math.max(lastAck.get(order.id), Number.isNaN(removedAt) ? -Infinity : removedAt);
    if (since > cutoff) continue;
    writes.orders.push([rawOrders[i], scrubOrder(order, now)]);
  }
  const doomed = blobs.filter((b) => oldBlobs.has(b.sha256) && !busy.blobs.has(b.sha256) && !(b.reports || []).length);
  for (const store of ['orders', 'reports']) {
    writes[store] = (await Promise.all(writes[store].map((write) => restore(store, write)))).filter(Boolean);
  }
  return db.write(STORES, async (t) => {
    const [, reportsNow, draftsNow, outboxNow] = await Promise.all(STORES.map((store) => t.all(store, 'tech', tech)));
    const busyNow = inUse(draftsNow, outboxNow, reportsNow);
    const purged = { orders: 0, reports: 0, blobs: 0 };
    for (const store of ['reports', 'orders']) {
      for (const [before, row] of writes[store]) {
        const key = store === 'orders' ? [tech, row.id] : row.uuid;
        if (fingerprint(await t.get(store, key)) !== fingerprint(before)) continue;   // moved: next time
        if (store === 'orders' && busyNow.orders.has(row.id)) continue;
        await t.put(store, row);
        purged[store] += 1;
      }
    }
    for (const blob of doomed) {
      const current = await t.get('blobs', [tech, blob.sha256]);
      if (!current || busyNow.blobs.has(blob.sha256) || (current.reports || []).length) continue;
      await t.del('blobs', [tech, blob.sha256]);
      purged.blobs += 1;
    }
    return purged;
  });
}

/** How many interventions of these rows have had their personal data deleted (for the sync screen). */
export function purgedInterventions(orders, reports) {
  return new Set([...orders.filter((o) => o.purged_at).map((o) => o.id),
    ...reports.filter((r) => r.purged_at).map((r) => r.order_id)]).size;
}
