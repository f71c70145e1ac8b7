"""W24 on the tablet (issue 13 item 4): the personal data of orders and reports the server acknowledged
more than `tablet_retention_days` ago leaves IndexedDB; nothing unacknowledged is touched. Run in the
real browser against the tablet's own modules, with a fixed clock."""
from tests.e2e.pwa_harness import run, world

ALICE, BRUNO = world()["technicians"][:2]
ORDERS = [o["order"] for o in world()["orders"]]
NOW = "2026-12-05T09:00:00.000Z"

PRELUDE = """
const retention = await m('db/retention.js');
const DAY = 24 * 3600e3;
const now = Date.parse(arg.now);
const ago = (days) => new Date(now - days * DAY).toISOString();
const personal = (o) => ({ ...o, premises: { ...o.premises, address: '12 rue des Tilleuls' },
  contacts: [{ role: 'customer', name: 'Mme Jeanne Dupont', phone: '06 12 34 56 78' }],
  requester: { name: 'M. Paul Durand' }, instructions: 'Appeler Mme Dupont au 06 12 34 56 78' });
const sha = (c) => c.repeat(64);
function body(uuid, order, photo, extra = {}) {
  return { uuid, order_id: order.id, order_version: order.version, form_type: order.form.type,
    form_version: order.form.version, outcome: 'done', reason_code: null, device_seq: 1,
    answers: { index: 1300, meter_serial: order.meter?.serial || 'X', new_occupant: 'Mme Jeanne Dupont',
      remarks: 'Voisin M. Durand, 06 12 34 56 78', requester_present: true },
    attachments: photo ? [{ sha256: photo, field: 'photo_index', kind: 'photo', content_type: 'image/png', size: 3,
      captured_at: ago(11), lat: 44.4, lon: 0.7 }] : [],
    position: { lat: 44.4081, lon: 0.7046, accuracy: 5 }, started_at: ago(11), finished_at: ago(11), ...extra };
}
async function seed(tech, rows) {
  await db.write(['orders', 'reports', 'outbox', 'drafts', 'blobs'], async (t) => {
    for (const o of rows.orders || []) await t.put('orders', { ...personal(o), tech, search: 'x', confirmed: true });
    for (const r of rows.reports || []) await t.put('reports', { tech, order_id: r.body.order_id, ...r });
    for (const e of rows.outbox || []) await t.put('outbox', { tech, state: 'queued', attempts: 0, next_at: 0, ...e });
    for (const d of rows.drafts || []) await t.put('drafts', { tech, ...d });
    for (const b of rows.blobs || []) await t.put('blobs', { tech, data: new Uint8Array([1, 2, 3]).buffer,
      content_type: 'image/png', size: 3, uploaded: true, reports: [], ...b });
  });
}
"""


def test_purge_deletes_only_acknowledged_personal_data_older_than_the_retention(app_page):
    result = run(app_page, PRELUDE + """
        const [o101, o102, o103, o104, o105, o106] = arg.orders;
        await seed(arg.alice.id, {
          orders: [
            { ...o101, local: 'sent' },                                   // applied 10 days ago: purged
            { ...o102, local: 'sent' },                                   // duplicate 2 days ago: kept
            { ...o103, local: 'done' },                                   // queued 20 days ago: kept
            { ...o104, local: 'conflict', removed: 'reassigned', removed_at: ago(9) },   // conflict + tombstone: purged
            { ...o105, local: 'draft' },                                  // acknowledged, but a new draft: kept
            { ...o106, local: 'todo' },                                   // never reported: kept
          ],
          reports: [
            { uuid: 'r1', body: body('r1', o101, sha('a')), status: 'applied', report_id: 1, acknowledged_at: ago(10) },
            { uuid: 'r2', body: body('r2', o102, sha('b')), status: 'duplicate', report_id: 2, acknowledged_at: ago(2) },
            { uuid: 'r3', body: body('r3', o103, sha('c'), { finished_at: ago(20) }), status: 'queued' },
            { uuid: 'r4', body: body('r4', o104, null), status: 'conflict', report_id: 4, acknowledged_at: ago(10) },
            { uuid: 'r5', body: body('r5', o105, sha('e')), status: 'applied', report_id: 5, acknowledged_at: ago(10) },
            { uuid: 'r6', body: body('r6', o106, sha('f')), status: 'parked' },
          ],
          outbox: [{ uuid: 'r3', order_id: o103.id, seq: 3 }, { uuid: 'r6', order_id: o106.id, seq: 6, state: 'parked' }],
          drafts: [{ order_id: o105.id, uuid: 'd5', answers: { remarks: 'Mme Dupont' }, attachments: { [sha('e')]: { sha256: sha('e') } } }],
          blobs: [{ sha256: sha('a') }, { sha256: sha('b') }, { sha256: sha('c'), uploaded: false, reports: ['r3'] },
            { sha256: sha('e') }, { sha256: sha('f'), reports: ['r6'] }],
        });
        // Bruno's old acknowledged order on the same tablet is his own technician's business.
        await seed(arg.bruno.id, { orders: [{ ...o101, local: 'sent' }],
          reports: [{ uuid: 'b1', body: body('b1', o101, sha('a')), status: 'applied', acknowledged_at: ago(30) }],
          blobs: [{ sha256: sha('a') }] });
        const first = await retention.purgePersonalData(db, arg.alice.id, { now, days: 7 });
        const again = await retention.purgePersonalData(db, arg.alice.id, { now, days: 7 });
        const orders = Object.fromEntries((await mods.orders.listOrders(db, arg.alice.id)).map((o) => [o.id, o]));
        const reports = Object.fromEntries((await mods.reports.listReports(db, arg.alice.id)).map((r) => [r.uuid, r]));
        const blobs = (await db.read(['blobs'], (t) => t.all('blobs', 'tech', arg.alice.id))).map((b) => b.sha256[0]).sort();
        const bruno = await mods.orders.getOrder(db, arg.bruno.id, o101.id);
        const brunoBlobs = await db.read(['blobs'], (t) => t.all('blobs', 'tech', arg.bruno.id));
        const outbox = (await mods.outbox.listOutbox(db)).map((e) => e.uuid).sort();
        const drafts = await db.read(['drafts'], (t) => t.all('drafts', 'tech', arg.alice.id));
        return { first, again, orders, reports, blobs, bruno, brunoBlobs: brunoBlobs.length, outbox, drafts: drafts.length,
          count: retention.purgedInterventions(Object.values(orders), Object.values(reports)) };
    """, {"now": NOW, "orders": ORDERS, "alice": ALICE, "bruno": BRUNO})
    assert result["first"] == {"orders": 2, "reports": 3, "blobs": 1} and result["again"] == {"orders": 0, "reports": 0, "blobs": 0}
    orders, reports = result["orders"], result["reports"]
    text = lambda x: str(x)  # noqa: E731
    for gone in (101, 104):
        o = orders[str(gone)]
        assert o["purged_at"] and o["contacts"] == [] and o["requester"] is None and o["instructions"] is None
        assert "address" not in o["premises"] and "lat" not in o["premises"]
        assert "Dupont" not in text(o) and "Tilleuls" not in text(o) and "06 12" not in text(o)
        # What the round's history needs stays: id, reference, state, local state, meter.
        source = next(x for x in ORDERS if x["id"] == gone)
        assert (o["ref"], o["state"], o["version"], o["meter"]) == (source["ref"], source["state"], source["version"], source["meter"])
    assert orders["101"]["local"] == "sent" and orders["104"]["local"] == "conflict" and orders["104"]["removed"] == "reassigned"
    for kept in (102, 103, 105, 106):
        o = orders[str(kept)]
        assert "purged_at" not in o and o["premises"]["address"] == "12 rue des Tilleuls"
        assert o["contacts"][0]["phone"] == "06 12 34 56 78" and o["requester"]["name"] == "M. Paul Durand"
    for gone in ("r1", "r4", "r5"):
        r = reports[gone]
        assert r["purged_at"] and "position" not in r["body"] and "Dupont" not in text(r) and "06 12" not in text(r)
        assert r["body"]["answers"] == {"index": 1300, "meter_serial": r["body"]["answers"]["meter_serial"], "requester_present": True}
        assert r["status"] in ("applied", "conflict") and r["report_id"] and r["body"]["order_id"]
        assert all(set(a) == {"sha256", "field", "kind", "content_type", "size"} for a in r["body"]["attachments"])
    for kept in ("r2", "r3", "r6"):
        assert "purged_at" not in reports[kept] and reports[kept]["body"]["answers"]["new_occupant"] == "Mme Jeanne Dupont"
        assert reports[kept]["body"]["position"]["lat"] == 44.4081
    # The old acknowledged photo goes; the recent one, the queued and parked ones and the draft's stay.
    assert result["blobs"] == ["b", "c", "e", "f"]
    assert result["outbox"] == ["r3", "r6"] and result["drafts"] == 1
    assert "purged_at" not in result["bruno"] and result["brunoBlobs"] == 1
    assert result["count"] == 3     # orders 101 and 104, and the report of 105


def test_sync_applies_the_servers_retention_and_the_sync_screen_says_so(app_page):
    result = run(app_page, PRELUDE + """
        const status = await m('views/status.js');
        await seedTechnician({ ...arg.alice, cursor: 'c0' });   // not a snapshot: the order stays
        const order = arg.orders[0];
        await seed(arg.alice.id, { orders: [{ ...order, local: 'done' }] });
        const report = body('u1', order, null);
        await db.write(['reports', 'outbox'], async (t) => {
          await t.put('reports', { uuid: 'u1', tech: arg.alice.id, order_id: order.id, body: report, status: 'queued' });
          await t.put('outbox', { uuid: 'u1', tech: arg.alice.id, order_id: order.id, seq: 1, state: 'queued', attempts: 0, next_at: 0 });
        });
        let clock = now - 10 * DAY;          // the report leaves ten days before the purge
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => call.path.endsWith('/push')
          ? { status: 200, body: { results: [{ uuid: 'u1', status: 'applied', report_id: 9, received_at: ago(10) }] } }
          : { status: 200, body: { ...emptyPage.body, tablet_retention_days: 14 } }) });
        const engine = mods.engine.createSyncEngine({ api, db, clock: { now: () => clock } });
        const steps = [];
        const look = async (summary) => {
          const o = await mods.orders.getOrder(db, arg.alice.id, order.id);
          const tech = await mods.technicians.getTechnician(db, arg.alice.id);
          steps.push({ purged: summary.purged, ok: summary.ok, address: o.premises.address || null, days: tech.retention_days });
        };
        await look(await engine.sync());
        clock = now;                         // ten days later, the server keeps 14: nothing yet
        await look(await engine.sync());
        const api7 = mods.api.createApi({ fetchFn: fakeFetch(() => ({ status: 200, body: { ...emptyPage.body, tablet_retention_days: 7 } })) });
        await look(await mods.engine.createSyncEngine({ api: api7, db, clock: { now: () => clock } }).sync());
        const root = document.createElement('div');
        const technician = await mods.technicians.getTechnician(db, arg.alice.id);
        status.renderStatus(root, { technician, progress: {} }, { outbox: [], storage: null,
          reports: await mods.reports.listReports(db, arg.alice.id), orders: await mods.orders.listOrders(db, arg.alice.id) });
        return { steps, message: root.querySelector('#purged')?.textContent };
    """, {"now": NOW, "orders": ORDERS, "alice": ALICE})
    first, waiting, purged = result["steps"]
    assert first == {"purged": 0, "ok": True, "address": "12 rue des Tilleuls", "days": 14}
    assert waiting == {"purged": 0, "ok": True, "address": "12 rue des Tilleuls", "days": 14}
    assert purged == {"purged": 1, "ok": True, "address": None, "days": 7}
    assert result["message"] == ("Données personnelles effacées de la tablette pour 1 intervention transmise "
                                 "depuis plus de 7 jours")
