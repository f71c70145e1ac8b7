/** Drafts: the form being filled for one order, saved at every change. */

export function getDraft(db, tech, orderId) {
  return db.read(['drafts'], (t) => t.get('drafts', [tech, orderId]));
}

export function listDrafts(db, tech) {
  return db.read(['drafts'], (t) => t.all('drafts', 'tech', tech));
}

/** Saves the draft and marks its order as being worked on, in one transaction. */
export function saveDraft(db, draft) {
  return db.write(['drafts', 'orders'], async (t) => {
    await t.put('drafts', { ...draft, updated_at: new Date().toISOString() });
    const order = await t.get('orders', [draft.tech, draft.order_id]);
    if (order && order.local === 'todo') await t.put('orders', { ...order, local: 'draft' });
  });
}

export function deleteDraft(db, tech, orderId) {
  return db.write(['drafts'], (t) => t.del('drafts', [tech, orderId]));
}
