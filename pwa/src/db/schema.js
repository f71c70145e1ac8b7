/** IndexedDB schema of the tablet: one migration per version, applied in order on upgrade.
 *  Every record of field data carries `tech` (the technician's id): data is scoped by technician. */

export const MIGRATIONS = [
  // v1: the stores.
  (db) => {
    db.createObjectStore('meta', { keyPath: 'key' });
    db.createObjectStore('technicians', { keyPath: 'id' });
    db.createObjectStore('forms', { keyPath: ['type', 'version'] });
    db.createObjectStore('orders', { keyPath: ['tech', 'id'] }).createIndex('tech', 'tech');
    db.createObjectStore('drafts', { keyPath: ['tech', 'order_id'] }).createIndex('tech', 'tech');
    db.createObjectStore('reports', { keyPath: 'uuid' }).createIndex('tech', 'tech');
    db.createObjectStore('outbox', { keyPath: 'uuid' }).createIndex('tech', 'tech');
    db.createObjectStore('blobs', { keyPath: ['tech', 'sha256'] }).createIndex('tech', 'tech');
  },
  // v2: orders carry a precomputed search text (address, commune, ref, serial), filled for old rows.
  (db, tx) => {
    const orders = tx.objectStore('orders');
    orders.openCursor().onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      cursor.update({ ...cursor.value, search: searchText(cursor.value) });
      cursor.continue();
    };
  },
  // v3 (encryption at rest, db/sealed.js): the stored search text goes (it holds the address); the
  // round is searched in memory once opened. The rest of the old clear rows is sealed at the first unlock.
  (db, tx) => {
    const orders = tx.objectStore('orders');
    orders.openCursor().onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      const { search, ...row } = cursor.value;
      cursor.update(row);
      cursor.continue();
    };
  },
];

export const DB_VERSION = MIGRATIONS.length;

/** Lower-case, accent-free text an order is found by. */
export function searchText(order) {
  const parts = [order.ref, order.premises?.address, order.premises?.commune, order.meter?.serial,
    order.type, order.requester?.name];
  return fold(parts.filter(Boolean).join(' '));
}

export function fold(text) {
  return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Runs the migrations between the old and the new version inside the upgrade transaction. */
export function upgrade(db, tx, oldVersion, newVersion, migrations = MIGRATIONS) {
  for (let v = oldVersion; v < newVersion; v += 1) migrations[v](db, tx);
}
