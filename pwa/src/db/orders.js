/** The technician's orders as pulled, plus the tablet's own state (`local`: todo|draft|done|conflict). */
import { searchText } from './schema.js';

export function listOrders(db, tech) {
  return db.read(['orders'], (t) => t.all('orders', 'tech', tech));
}

export function getOrder(db, tech, id) {
  return db.read(['orders'], (t) => t.get('orders', [tech, id]));
}

/** Row to store for an order received from the server, keeping the tablet's own fields. */
export function orderRow(tech, order, old) {
  return { ...order, tech, search: searchText(order), local: old?.local || 'todo',
    removed: null, confirmed: true };
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
