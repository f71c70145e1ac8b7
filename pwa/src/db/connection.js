/** The IndexedDB connection: opened with migrations, reopened when the browser closes it
 *  (PITFALLS 6), transactions as async functions. Never await fetch or crypto inside `tx`. */
import { MIGRATIONS, upgrade } from './schema.js';

export const DB_NAME = 'tournee';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function rawOpen(name, migrations) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, migrations.length);
    req.onupgradeneeded = (event) => upgrade(req.result, req.transaction, event.oldVersion, migrations.length, migrations);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => console.warn('IndexedDB: mise à niveau bloquée par un autre onglet');
  });
}

/** The operations a transaction body may use; each returns a promise of an IDB request. */
function operations(tx) {
  const source = (store, index) => (index ? tx.objectStore(store).index(index) : tx.objectStore(store));
  return {
    get: (store, key) => request(tx.objectStore(store).get(key)),
    put: (store, value) => request(tx.objectStore(store).put(value)),
    del: (store, key) => request(tx.objectStore(store).delete(key)),
    all: (store, index, query) => request(source(store, index).getAll(query)),
    count: (store, index, query) => request(source(store, index).count(query)),
    raw: tx,
  };
}

export class Database {
  constructor(name, migrations) {
    this.name = name;
    this.migrations = migrations;
    this.idb = null;
    this.opening = null;
  }

  async connection() {
    if (this.idb) return this.idb;
    if (!this.opening) {
      this.opening = rawOpen(this.name, this.migrations).then((idb) => {
        idb.onclose = () => { this.idb = null; };            // closed by the browser: reopen lazily
        idb.onversionchange = () => { idb.close(); this.idb = null; };  // let a newer tab upgrade
        this.idb = idb;
        return idb;
      }).finally(() => { this.opening = null; });
    }
    return this.opening;
  }

  /** Runs `body(ops)` in one transaction; resolves with its result once the transaction committed. */
  async tx(stores, mode, body) {
    let idb = await this.connection();
    let tx;
    try {
      tx = idb.transaction(stores, mode, { durability: 'strict' });
    } catch (err) {
      if (err.name !== 'InvalidStateError') throw err;
      this.idb = null;                                       // connection closing: reopen once
      idb = await this.connection();
      tx = idb.transaction(stores, mode, { durability: 'strict' });
    }
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new DOMException('Transaction annulée', 'AbortError'));
    });
    let result;
    try {
      result = await body(operations(tx));
    } catch (err) {
      try { tx.abort(); } catch (_) { /* already finished */ }
      await done.catch(() => {});
      throw err;
    }
    await done;
    return result;
  }

  read(stores, body) { return this.tx(stores, 'readonly', body); }

  write(stores, body) { return this.tx(stores, 'readwrite', body); }

  close() {
    if (this.idb) this.idb.close();
    this.idb = null;
  }
}

export async function openDatabase(name = DB_NAME, migrations = MIGRATIONS) {
  const db = new Database(name, migrations);
  await db.connection();
  return db;
}

export function deleteDatabase(name) {
  return request(indexedDB.deleteDatabase(name));
}
