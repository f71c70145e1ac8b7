/** Pull: orders, tombstones and form definitions down, page by page; the cursor is stored in
 *  the same transaction as the page it follows (PROTOCOL §3), with the page's countersigners (§8).
 *  After a last page that changed something, one more pull hands the new cursor back: the
 *  delivery receipt that tells the office those orders are on the tablet. */
import { ApiError } from '../api.js';
import { saveForms } from '../db/forms.js';
import { orderRow, sealOrder } from '../db/orders.js';
import { afterPage } from '../db/technicians.js';

const STORES = ['technicians', 'orders', 'forms', 'drafts', 'outbox'];

/** True when the tablet still holds work on this order (draft or report not acknowledged). */
async function hasWork(t, tech, orderId) {
  if (await t.get('drafts', [tech, orderId])) return true;
  const entries = await t.all('outbox', 'tech', tech);
  const order = await t.get('orders', [tech, orderId]);
  return entries.some((e) => e.order_id === orderId) || (order && ['done', 'conflict'].includes(order.local));
}

async function forget(t, tech, orderId, reason, now) {
  const order = await t.get('orders', [tech, orderId]);
  if (!order) return;
  if (await hasWork(t, tech, orderId)) {
    await t.put('orders', { ...order, removed: reason, removed_at: order.removed_at || new Date(now).toISOString() });
  }
  else await t.del('orders', [tech, orderId]);
}

async function applyPage(db, tech, page, now) {
  const sealed = await Promise.all(page.orders.map((order) => sealOrder({ ...order, tech })));   // before the transaction
  return db.write(STORES, async (t) => {
    for (const row of sealed) {
      const old = await t.get('orders', [tech, row.id]);
      await t.put('orders', orderRow(row, old));
    }
    for (const stone of page.tombstones) await forget(t, tech, stone.order_id, stone.reason, now);
    await saveForms(t, page.forms);
    await t.put('technicians', afterPage(await t.get('technicians', tech), page));
  });
}

function markUnconfirmed(db, tech) {
  return db.write(['orders'], async (t) => {
    for (const row of await t.all('orders', 'tech', tech)) await t.put('orders', { ...row, confirmed: false });
  });
}

/** After a full snapshot: what the server no longer lists leaves, unless work remains on it. */
function dropUnconfirmed(db, tech, now) {
  return db.write(STORES, async (t) => {
    for (const row of await t.all('orders', 'tech', tech)) {
      if (!row.confirmed) await forget(t, tech, row.id, 'absent', now);
    }
  });
}

/** Pulls every page for `technician`; returns the number of orders and tombstones applied. */
export async function pullAll({ api, db, technician, onPage = () => {}, now = () => Date.now() }) {
  let cursor = technician.cursor || '';
  let fresh = !cursor;
  if (fresh) await markUnconfirmed(db, technician.id);
  let applied = 0;
  for (let pages = 0; pages < 1000; pages += 1) {
    let page;
    try {
      page = await api.pull(technician.token, cursor);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.body.error === 'invalid_cursor' && !fresh) {
        cursor = '';
        fresh = true;
        await markUnconfirmed(db, technician.id);
        continue;
      }
      throw err;
    }
    await applyPage(db, technician.id, page, now());
    applied += page.orders.length + page.tombstones.length;
    onPage(page);
    cursor = page.cursor;
    if (page.has_more) continue;
    if (fresh) {                                     // the snapshot is complete: what it lacks leaves
      await dropUnconfirmed(db, technician.id, now());
      fresh = false;
    }
    if (!page.orders.length && !page.tombstones.length) break;
    // A last page that changed something: pull once more, handing back its cursor as the receipt.
  }
  return applied;
}
