"""Runs JavaScript test bodies inside the real browser against the tablet's own ES modules.

`run(page, body, arg)` evaluates `body` in an async function where these are defined:
`m(path)` imports a module of pwa/src; `db` a fresh IndexedDB database of its own; `mods` the
store modules; `fakeFetch(handler)` a fetch answering `handler({method, path, search, headers,
body})` -> {status, body}; `stable(x)` canonical JSON (sorted keys); `seedTechnician(...)`;
`bytesOf(b64)`; `calls` the requests the fake fetch saw. The page must be on the app's origin.
"""
import base64
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = r"""
const m = (path) => import('/app/src/' + path);
const conn = await m('db/connection.js');
const db = await conn.openDatabase('test-' + crypto.randomUUID());
const mods = {
  api: await m('api.js'), technicians: await m('db/technicians.js'), orders: await m('db/orders.js'),
  reports: await m('db/reports.js'), outbox: await m('db/outbox.js'), blobs: await m('db/blobs.js'),
  drafts: await m('db/drafts.js'), forms: await m('db/forms.js'), engine: await m('sync/engine.js'),
  validate: await m('forms/validate.js'), schema: await m('db/schema.js'), backoff: await m('sync/backoff.js'),
  readiness: await m('sync/readiness.js'), report: await m('forms/report.js'),
};
const calls = [];
const stable = (x) => JSON.stringify(x, (k, v) => (v && typeof v === 'object' && !Array.isArray(v)
  ? Object.fromEntries(Object.keys(v).sort().map((key) => [key, v[key]])) : v));
const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
function fakeFetch(handler) {
  return async (url, init = {}) => {
    const u = new URL(url, location.origin);
    const isJson = typeof init.body === 'string';
    const call = { method: init.method || 'GET', path: u.pathname, search: u.search,
      query: Object.fromEntries(u.searchParams), headers: init.headers || {},
      body: isJson ? JSON.parse(init.body) : init.body };
    calls.push(call);
    const answer = await handler(call);
    if (answer === 'network') throw new TypeError('Failed to fetch');
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body),
      { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
}
const vault = await m('vault.js');
/** A technician enrolled and unlocked: their data key in memory (vault.js), their token in clear
 *  (as stored before encryption at rest; read as is). */
async function seedTechnician(t, current = true) {
  vault.unlockWith(t.id, await vault.importDataKey(vault.newDataKeyBytes()));
  await db.write(['technicians', 'meta'], async (tx) => {
    await tx.put('technicians', { id: t.id, login: t.login, name: t.name, device_id: t.device_id, token: t.token,
      cursor: t.cursor || '', device_seq: 0, pin: { salt: 'x', iterations: 1, hash: 'x' }, needs_enrol: false });
    if (current) await tx.put('meta', { key: 'current', tech: t.id });
  });
}
/** Puts a REPORT (exact body) and its blobs in the outbox, as finishing a form would. */
async function seedReport(tech, body, blobFiles = {}) {
  for (const [sha256, b64] of Object.entries(blobFiles)) {
    await db.write(['blobs'], (tx) => tx.put('blobs', { tech, sha256, data: bytesOf(b64), content_type: 'image/png',
      size: bytesOf(b64).byteLength, uploaded: false, reports: [body.uuid] }));
  }
  await db.write(['reports', 'outbox'], async (tx) => {
    await tx.put('reports', { uuid: body.uuid, tech, order_id: body.order_id, body, status: 'queued' });
    await tx.put('outbox', { uuid: body.uuid, tech, order_id: body.order_id, seq: body.device_seq, state: 'queued',
      attempts: 0, next_at: 0, reason: null });
  });
}
const emptyPage = { status: 200, body: { orders: [], tombstones: [], forms: [], cursor: 'c1', has_more: false,
  counts: { orders: 0, meters: 0, forms: {} } } };
"""


def run(page, body: str, arg=None):
    return page.evaluate("async (arg) => {\n" + PRELUDE + "\ntry {\n" + body
                         + "\n} finally { db.close(); await conn.deleteDatabase(db.name); }\n}", arg)


def golden(name: str) -> list[dict]:
    return json.loads((ROOT / "fixtures" / "sync" / f"{name}.json").read_text())


def world() -> dict:
    return json.loads((ROOT / "fixtures" / "sync" / "world.json").read_text())


def blob_b64(name: str) -> str:
    return base64.b64encode((ROOT / "fixtures" / "sync" / name).read_bytes()).decode()


def definitions() -> dict:
    out = {}
    for path in sorted((ROOT / "forms" / "definitions").glob("*.json")):
        d = json.loads(path.read_text())
        out[f"{d['type']}@{d['version']}"] = d
    return out
