/** Drafts: the form being filled for one order, saved at every change (sealed, db/sealed.js). */
import { blobsOf, openRow, openRows, sealRow } from './sealed.js';

export async function getDraft(db, tech, orderId) {
  return openRow('drafts', await db.read(['drafts'], (t) => t.get('drafts', [tech, orderId])));
}

export async function listDrafts(db, tech) {
  return openRows('drafts', await db.read(['drafts'], (t) => t.all('drafts', 'tech', tech)));
}

/** Saves the draft and marks its order as being worked on, in one transaction (sealed before it). */
export async function saveDraft(db, draft) {
  const row = await sealRow('drafts', { ...draft, updated_at: new Date().toISOString() });
  return db.write(['drafts', 'orders'], async (t) => {
    await t.put('drafts', row);
    const order = await t.get('orders', [draft.tech, draft.order_id]);
    if (order && order.local === 'todo') await t.put('orders', { ...order, local: 'draft' });
  });
}

export function deleteDraft(db, tech, orderId) {
  return db.write(['drafts'], (t) => t.del('drafts', [tech, orderId]));
}

/** The technician gives up a draft (wrong order opened): the draft, the photos only it held, and the
 *  order back to "à faire", in one transaction. A finished report is never touched here. */
export function abandonDraft(db, tech, orderId) {
  return db.write(['drafts', 'blobs', 'orders'], async (t) => {
    const draft = await t.get('drafts', [tech, orderId]);
    if (!draft) return;
    for (const sha256 of blobsOf(draft)) {
      const blob = await t.get('blobs', [tech, sha256]);
      if (blob && blob.reports.length === 0) await t.del('blobs', [tech, sha256]);
    }
    await t.del('drafts', [tech, orderId]);
    const order = await t.get('orders', [tech, orderId]);
    if (order && order.local === 'draft') await t.put('orders', { ...order, local: 'todo' });
  });
}
