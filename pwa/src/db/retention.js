/** W24 on the tablet: the personal data of orders and reports the server acknowledged more than
 *  `days` ago (the pull's `tablet_retention_days`, PROTOCOL §3) leaves the tablet. What stays: ids,
 *  references, states, dates, indexes, so the round's history still reads "AT-… — relevé envoyé le …".
 *  Nothing not yet acknowledged is touched: an order with a draft, a queued or parked report is kept
 *  whole, and so is every blob a draft or an unacknowledged report still needs. No DOM. */
import { searchText } from './schema.js';

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
  const kept = { ...order, premises, contacts: [], requester: null, instructions: null, purged_at: new Date(now).toISOString() };
  return { ...kept, search: searchText(kept) };
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

/** Purges `tech`'s acknowledged data older than `days` at `now` (ms); returns
 *  `{ orders, reports, blobs }`: how many were purged this time (orders = interventions). */
export function purgePersonalData(db, tech, { now = Date.now(), days = DEFAULT_RETENTION_DAYS } = {}) {
  const cutoff = now - Math.max(0, Number(days) || 0) * DAY;
  return db.write(STORES, async (t) => {
    const [orders, reports, drafts, outbox, blobs] = await Promise.all(
      ['orders', 'reports', 'drafts', 'outbox', 'blobs'].map((store) => t.all(store, 'tech', tech)));
    const busy = new Set([...drafts.map((d) => d.order_id), ...outbox.map((e) => e.order_id),
      ...reports.filter((r) => !ACKNOWLEDGED.has(r.status)).map((r) => r.order_id)]);
    const draftBlobs = new Set(drafts.flatMap((d) => Object.keys(d.attachments || {})));
    const pendingBlobs = new Set(reports.filter((r) => !ACKNOWLEDGED.has(r.status))
      .flatMap((r) => (r.body?.attachments || []).map((a) => a.sha256)));
    const purged = { orders: 0, reports: 0, blobs: 0 };
    const oldBlobs = new Set();
    const lastAck = new Map();
    const ackVersion = new Map();
    for (const report of reports) {
      const at = acknowledgedAt(report);
      if (at == null) continue;
      lastAck.set(report.order_id, Math.max(lastAck.get(report.order_id) ?? -Infinity, at));
      ackVersion.set(report.order_id, Math.max(ackVersion.get(report.order_id) ?? 0, report.body?.order_version ?? 0));
      if (at > cutoff) continue;
      for (const a of report.body?.attachments || []) oldBlobs.add(a.sha256);
      if (report.purged_at) continue;
      await t.put('reports', scrubReport(report, now));
      purged.reports += 1;
    }
    for (const order of orders) {
      if (order.purged_at || busy.has(order.id) || !lastAck.has(order.id)) continue;
      if (!['sent', 'conflict'].includes(order.local)) continue;   // worked on again since
      // The office handed it out again after the report (a new visit to make): its data is needed.
      if (['issued', 'assigned'].includes(order.state) && order.version > ackVersion.get(order.id)) continue;
      const removedAt = order.removed ? Date.parse(order.removed_at || '') : NaN;
      const since = Math.max(lastAck.get(order.id), Number.isNaN(removedAt) ? -Infinity : removedAt);
      if (since > cutoff) continue;
      await t.put('orders', scrubOrder(order, now));
      purged.orders += 1;
    }
    for (const blob of blobs) {
      if (!oldBlobs.has(blob.sha256) || draftBlobs.has(blob.sha256) || pendingBlobs.has(blob.sha256)) continue;
      if ((blob.reports || []).length) continue;
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
