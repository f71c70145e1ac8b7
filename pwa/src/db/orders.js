/** The technician's orders as pulled, plus the tablet's own state (`local`: todo|draft|done|conflict).
 *  The customer's part is sealed (db/sealed.js); the search text is computed in memory once opened,
 *  never stored (it holds the address). */
import { openRow, openRows, sealRow } from './sealed.js';
import { searchText } from './schema.js';

/** An opened order with its search text (a row left sealed has nothing to search). */
function searchable(order) {
  return order && !order.sealed ? { ...order, search: searchText(order) } : order;
}

export async function listOrders(db, tech) {
  const rows = await db.read(['orders'], (t) => t.all('orders', 'tech', tech));
  return (await openRows('orders', rows)).map(searchable);
}

export async function getOrder(db, tech, id) {
  return searchable(await openRow('orders', await db.read(['orders'], (t) => t.get('orders', [tech, id]))));
}

/** An order (opened, as the app holds it) sealed for storage; call outside any transaction. */
export function sealOrder(order) {
  const { search, ...stored } = order;
  return sealRow('orders', stored);
}

/** Row to store for an order received from the server (`sealed`, from sealOrder), keeping the
 *  tablet's own fields of the row it replaces. */
export function orderRow(sealed, old) {
  return { ...sealed, local: old?.local || 'todo', removed: null, confirmed: true };
}

export function setLocalState(db, tech, id, local) {
  return db.write(['orders'], async (t) => {
    const row = await t.get('orders', [tech, id]);
    if (row) await t.put('orders', { ...row, local });
  });
}

/** Sorted in planned order: date, then round position. */
export function byPlannedOrder(a, b) {
  return String(a.planned_date || '').localeCompare(String(b.planned_date || ''))
    || (a.round_position ?? 0) - (b.round_position ?? 0) || a.id - b.id;
}
