"""Issue 12: the tablet's data is encrypted at rest under a key only the technician's PIN (or
password) opens. A store written by the app before encryption (plaintext rows, schema v2, a queued
report with its photos, a parked one, a draft) is sealed in place at the first unlock after the
update; nothing queued is lost, the report still goes up; a lost tablet's IndexedDB, read without
the PIN, shows no customer name, address, token or answer. In Chromium against a live server."""
import json

from tests.e2e.pwa_harness import run, world
from tests.e2e.pwa_support import PIN, enrolled_tablet, fill_form, finish, idb, outbox, poll, unlock, wait_app

ALICE, BRUNO = world()["technicians"][:2]
ORDER = world()["orders"][0]["order"]

# Every record of the tablet's database as stored, blob bytes as their SHA-256 (read without any key).
RAW_DUMP = """
    const { sha256Hex } = await m('db/blobs.js');
    const dump = {};
    for (const store of db.idb.objectStoreNames) {
      dump[store] = await Promise.all((await db.read([store], (t) => t.all(store))).map(async (row) =>
        (row.data instanceof ArrayBuffer ? { ...row, data: await sha256Hex(row.data) } : row)));
    }
    return JSON.stringify({ stores: dump, local: { ...localStorage }, session: { ...sessionStorage } });
"""

# Rewrites the technician's data as the app before encryption stored it: schema v2, rows in clear
# (the orders' search text included), the token in clear, the PIN as a PBKDF2 hash; one report
# parked "à traiter". Returns what a thief must not read.
WRITE_OLD_STORE = """
    const sealed = await m('db/sealed.js');
    const conn = await m('db/connection.js');
    const schema = await m('db/schema.js');
    const technician = await (await m('db/technicians.js')).openTechnician(db, tech);
    const opened = {};
    for (const store of ['orders', 'drafts', 'reports', 'outbox', 'blobs']) {
      opened[store] = await sealed.openRows(store, await db.read([store], (t) => t.all(store, 'tech', tech)));
    }
    const forms = await db.read(['forms'], (t) => t.all('forms'));
    const meta = await db.read(['meta'], (t) => t.all('meta'));
    clearTimeout(tournee.timer);
    tournee.engine = null;
    tournee.db.close();
    db.close();
    await conn.deleteDatabase(conn.DB_NAME);
    const old = new conn.Database(conn.DB_NAME, schema.MIGRATIONS.slice(0, 2));
    const { sealed: _s, sealed_at, password_key, pin_recovery, ...row } = technician;
    const [queued, parked] = opened.outbox.sort((a, b) => a.seq - b.seq);
    const pin = await (await m('pin.js')).legacyPinRecord(arg);
    await old.write(['technicians', 'meta', 'forms', 'orders', 'drafts', 'reports', 'outbox', 'blobs'], async (t) => {
      await t.put('technicians', { ...row, pin });
      for (const r of meta) await t.put('meta', r);
      for (const r of forms) await t.put('forms', r);
      for (const o of opened.orders) await t.put('orders', { ...o, search: schema.searchText(o) });
      for (const { blobs, ...d } of opened.drafts) await t.put('drafts', d);
      for (const { blobs, ...r } of opened.reports) await t.put('reports', r.uuid === parked.uuid ? { ...r, status: 'parked' } : r);
      await t.put('outbox', queued);
      await t.put('outbox', { ...parked, state: 'parked', reason: { status: 'rejected', errors: {}, message: 'Refusé par le serveur.' } });
      for (const b of opened.blobs) await t.put('blobs', b);
    });
    old.close();
    const secrets = [technician.token];
    for (const o of opened.orders) {
      secrets.push(o.premises.address, o.meter?.serial);
      for (const c of o.contacts || []) secrets.push(c.name, c.phone, c.email);
      if (o.requester) secrets.push(o.requester.name);
    }
    // Typed answers (a choice's code, shared with the form definition, is no secret).
    const typed = (answers) => JSON.stringify(answers).match(/"[^"]*[A-Z ][^"]*"/g)?.map((q) => q.slice(1, -1)) || [];
    for (const r of opened.reports) secrets.push(...typed(r.body.answers));
    for (const d of opened.drafts) secrets.push(...typed(d.answers));
    return { secrets: [...new Set(secrets.filter((s) => typeof s === 'string' && s.length > 3))],
      queued: queued.uuid, parked: parked.uuid, body: opened.reports.find((r) => r.uuid === queued.uuid).body,
      photos: opened.blobs.map((b) => b.sha256), version: 2 };
"""


def raw_dump(page) -> str:
    return idb(page, RAW_DUMP)


def test_an_old_plaintext_store_is_sealed_at_the_first_unlock_and_nothing_queued_is_lost(browser, tmp_path):
    with enrolled_tablet(browser, tmp_path, "tech.elec1") as (office, context, page, reading):
        office.give("REMOVAL", "arpnt.elec", "tech.elec1")             # a third order, pulled now
        others = [o["id"] for o in office.orders_of("tech.elec1") if o["id"] != reading]
        page.evaluate("tournee.sync()")
        poll(page, "async () => (await (await import('/app/src/db/orders.js')).listOrders(tournee.db, tournee.technician.id)).length === 3")
        context.set_offline(True)
        fill_form(page, reading)
        finish(page)
        fill_form(page, others[0])
        finish(page)                                  # to be parked "à traiter"
        fill_form(page, others[1])                    # a draft
        page.goto(page.url.split("#")[0] + "#/round")
        page.wait_for_selector("#orders")

        old = idb(page, WRITE_OLD_STORE, PIN)
        page.reload()
        wait_app(page)
        before = raw_dump(page)
        assert old["secrets"] and all(s in before for s in old["secrets"])    # the old store, in clear
        assert all(b["data"] == b["sha256"] for b in json.loads(before)["stores"]["blobs"])   # bytes in clear

        # The first unlock after the update seals everything in place.
        unlock(page)
        after = raw_dump(page)
        leaked = [s for s in old["secrets"] if s in after]
        assert leaked == []
        stores = json.loads(after)["stores"]
        assert sorted(b["sha256"] for b in stores["blobs"]) == sorted(old["photos"])
        assert not any(b["data"] == b["sha256"] for b in stores["blobs"])   # photo bytes encrypted too
        assert all(r.get("sealed") for s in ("orders", "drafts", "reports", "outbox", "blobs", "technicians")
                   for r in stores[s]), "a row left in clear"
        assert "search" not in json.dumps(stores["orders"])
        # Opened with the key, nothing is missing: two reports (one queued, one parked), one draft.
        assert sorted(e["state"] for e in outbox(page)) == ["parked", "queued"]
        assert idb(page, "return (await (await m('db/drafts.js')).listDrafts(db, tech)).length;") == 1

        # A reload forgets the key: the rows read without it show no personal field, a wrong PIN opens nothing.
        page.reload()
        wait_app(page)
        page.wait_for_selector("#unlock-pin")
        locked = idb(page, """
            const row = await (await m('db/technicians.js')).getTechnician(db, tech);
            const wrong = await (await m('pin.js')).keyFromPin(row, '0000');
            const orders = await (await m('db/orders.js')).listOrders(db, tech);
            return { wrong, token: row.token ?? null, personal: orders.filter((o) => o.premises || o.contacts).length };
        """)
        assert locked == {"wrong": None, "token": None, "personal": 0}
        page.fill("#unlock-pin", "0000")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=(4 essai(s) restant(s))")

        # The right PIN, the network back: the queued report goes up and the server applies it.
        unlock(page)
        context.set_offline(False)
        page.evaluate("tournee.sync()")
        poll(page, "async () => (await tournee.db.read(['outbox'], (t) => t.all('outbox'))).length === 1")
        [report] = office.reports()
        assert report["uuid"] == old["queued"] and report["content"] == old["body"]
        assert [(e["uuid"], e["state"]) for e in outbox(page)] == [(old["parked"], "parked")]


def test_a_row_opens_only_with_its_technicians_key_in_memory(app_page):
    result = run(app_page, """
        const sealed = await m('db/sealed.js');
        await seedTechnician(arg.alice);
        const order = { ...arg.order, tech: arg.alice.id, contacts: [{ role: 'customer', name: 'Mme Jeanne Dupont' }] };
        const row = await mods.orders.sealOrder(order);
        await db.write(['orders'], (t) => t.put('orders', mods.orders.orderRow(row, null)));
        const raw = JSON.stringify(await db.read(['orders'], (t) => t.all('orders')));
        const opened = await mods.orders.getOrder(db, arg.alice.id, order.id);
        const again = await sealed.sealRow('orders', order);
        await seedTechnician(arg.bruno);                    // Bruno unlocks: Alice is locked
        vault.lock(arg.alice.id);
        const asBruno = await mods.orders.listOrders(db, arg.alice.id);
        let refused = null;
        try {
          await mods.drafts.saveDraft(db, { tech: arg.alice.id, order_id: order.id, answers: { remarks: 'Mme Dupont' } });
        } catch (err) { refused = err.constructor.name; }
        const drafts = await db.read(['drafts'], (t) => t.all('drafts'));
        vault.unlockWith(arg.alice.id, await vault.importDataKey(vault.newDataKeyBytes()));   // a key that is not hers
        const wrongKey = await mods.orders.getOrder(db, arg.alice.id, order.id);
        return { raw, opened, asBruno, refused, drafts: drafts.length, wrongKey,
          freshIv: String(again.sealed.iv) !== String(row.sealed.iv) };
    """, {"alice": ALICE, "bruno": BRUNO, "order": ORDER})
    assert "Tilleuls" not in result["raw"] and "Dupont" not in result["raw"] and "W19-000101" not in result["raw"]
    assert json.loads(result["raw"])[0]["ref"] == ORDER["ref"]                    # what the lock screen and indexes need
    assert result["opened"]["premises"]["address"] == ORDER["premises"]["address"]
    assert result["opened"]["contacts"][0]["name"] == "Mme Jeanne Dupont" and "tilleuls" in result["opened"]["search"]
    assert result["freshIv"]
    assert [("premises" in o, o["local"]) for o in result["asBruno"]] == [(False, "todo")]
    assert result["refused"] == "Locked" and result["drafts"] == 0                 # never written in clear
    assert "premises" not in result["wrongKey"] and result["wrongKey"]["sealed"]


def test_the_pin_or_the_password_opens_the_same_key_a_wrong_pin_none(app_page):
    result = run(app_page, """
        const pin = await m('pin.js');
        const first = await pin.keyFromSignIn(null, 'mot-de-passe', '1234');
        const token = await vault.seal(first.key, { token: 'jeton-secret' });
        const row = { ...first.changes };
        const viaPin = await pin.keyFromPin(row, '1234');
        const wrongPin = await pin.keyFromPin(row, '9999');
        const forgotten = pin.forgetPin(row);                     // five wrong PINs
        const viaPassword = await pin.keyFromSignIn({ ...row, ...forgotten }, 'mot-de-passe', '5678');
        const newPin = await pin.keyFromPin(viaPassword.changes, '5678');
        const open = async (k) => (await vault.open(k, token)).token;
        return { viaPin: await open(viaPin.key), wrongPin, forgotten: forgotten.pin, viaPassword: await open(viaPassword.key),
          newPin: await open(newPin.key), extractable: viaPin.key.extractable,
          stored: JSON.stringify(row).includes('1234') || JSON.stringify(row).includes('mot-de-passe') };
    """)
    assert result == {"viaPin": "jeton-secret", "wrongPin": None, "forgotten": None, "viaPassword": "jeton-secret",
                      "newPin": "jeton-secret", "extractable": False, "stored": False}


OTHER = world()["orders"][1]["order"]


def test_a_sealed_part_moved_to_another_row_does_not_open(app_page):
    # Someone able to write the tablet's storage, without the key, copies the sealed part (or a photo's
    # bytes) of one row onto another of the same technician: GCM's additional data (store and key)
    # makes the copy unreadable instead of showing one customer's address under another order's
    # reference, or a draft's answers as a report.
    result = run(app_page, """
        const sealed = await m('db/sealed.js');
        await seedTechnician(arg.alice);
        const [first, second] = [arg.order, arg.other].map((o) => ({ ...o, tech: arg.alice.id }));
        const rows = await Promise.all([first, second].map((o) => mods.orders.sealOrder(o)));
        await db.write(['orders'], async (t) => {
          await t.put('orders', mods.orders.orderRow({ ...rows[0], sealed: rows[1].sealed }, null));
          await t.put('orders', mods.orders.orderRow({ ...rows[1], sealed: rows[1].sealed }, null));
        });
        const swapped = await mods.orders.getOrder(db, arg.alice.id, first.id);
        const untouched = await mods.orders.getOrder(db, arg.alice.id, second.id);
        const draft = await sealed.sealRow('drafts', { tech: arg.alice.id, order_id: first.id, uuid: crypto.randomUUID(),
          answers: { remarks: 'Mme Dupont absente' } });
        const asReport = await sealed.openRow('reports', { uuid: crypto.randomUUID(), tech: arg.alice.id,
          order_id: first.id, status: 'queued', sealed: draft.sealed });
        const png = bytesOf('iVBORw0KGgo=');
        const one = await sealed.sealRow('blobs', { tech: arg.alice.id, sha256: 'a'.repeat(64), data: png, size: 8 });
        const two = await sealed.sealRow('blobs', { tech: arg.alice.id, sha256: 'b'.repeat(64), data: png, size: 8 });
        const movedBytes = await sealed.openRow('blobs', { ...two, data: one.data, data_iv: one.data_iv });
        return { swapped, untouched, asReport, movedBytes: Boolean(movedBytes.data_iv) };
    """, {"alice": ALICE, "order": ORDER, "other": OTHER})
    assert result["untouched"]["premises"]["address"] == OTHER["premises"]["address"]
    assert "premises" not in result["swapped"] and result["swapped"]["sealed"]     # read as stored, not as the other order
    assert "answers" not in result["asReport"] and result["asReport"]["sealed"]
    assert result["movedBytes"]                                                    # still sealed: not opened


def test_locked_in_the_middle_of_a_sync_nothing_is_written_in_clear_or_lost(app_page):
    # "Changer de technicien" while a sync runs: the key leaves memory between the server's answer and
    # its writing. The sync stops quietly (no error thrown at the page), parks nothing in clear, applies
    # no pulled order in clear, and what it could not write is done at the next unlock.
    result = run(app_page, """
        await seedTechnician(arg.alice);
        const alice = arg.alice.id;
        const key = vault.keyOf(alice);
        const base = { attachments: [], finished_at: '2026-12-05T09:00:00+01:00', answers: { remarks: 'Compteur W19-000101 relevé' } };
        const refused = await mods.reports.finishReport(db, alice, { ...base, uuid: crypto.randomUUID(), order_id: 101 });
        const applied = await mods.reports.finishReport(db, alice, { ...base, uuid: crypto.randomUUID(), order_id: 102 });
        let lockOn = '/sync/push';
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => {
          if (lockOn && call.path.endsWith(lockOn)) vault.lock(alice);
          if (call.path.endsWith('/sync/push')) {
            return { status: 200, body: { results: call.body.reports.map((r) => (r.uuid === refused.uuid
              ? { uuid: r.uuid, status: 'rejected', errors: { serial: ['Compteur W19-000101 inconnu'] } }
              : { uuid: r.uuid, status: 'applied', report_id: 7, received_at: '2026-12-05T10:00:00+01:00' })) } };
          }
          if (call.path.endsWith('/sync/pull')) {
            return { status: 200, body: { ...emptyPage.body, orders: [arg.order], counts: { orders: 1, meters: 0, forms: {} } } };
          }
          return { status: 200, body: {} };
        }) });
        const engine = mods.engine.createSyncEngine({ api, db });
        const raw = async () => JSON.stringify(await db.read(['outbox', 'orders', 'reports'], async (t) =>
          ({ outbox: await t.all('outbox'), orders: await t.all('orders'), reports: await t.all('reports') })));
        const errors = [];
        const attempt = async () => { try { await engine.sync(); } catch (err) { errors.push(`${err.name}: ${err.message}`); } };
        await attempt();                                  // locked when the push answers
        const afterPush = await raw();
        const queuedAfterPush = (await mods.outbox.listOutbox(db, alice)).map((e) => e.state);
        vault.unlockWith(alice, key);
        lockOn = '/sync/pull';
        await attempt();                                  // locked when the pull answers
        const afterPull = await raw();
        vault.unlockWith(alice, key);
        lockOn = null;
        await attempt();
        const outbox = await mods.outbox.listOutbox(db, alice);
        const order = await mods.orders.getOrder(db, alice, arg.order.id);
        return { errors, afterPush, queuedAfterPush, afterPull, outbox: outbox.map((e) => [e.uuid === refused.uuid, e.state, e.reason?.errors]),
          address: order?.premises?.address };
    """, {"alice": ALICE, "order": ORDER})
    assert result["errors"] == []
    for raw in (result["afterPush"], result["afterPull"]):
        assert "W19-000101" not in raw and "Tilleuls" not in raw and "Refusé" not in raw
    assert result["queuedAfterPush"] == ["queued", "queued"]   # both wait; the next push gets both answers again
    assert result["outbox"] == [[True, "parked", {"serial": ["Compteur W19-000101 inconnu"]}]]
    assert result["address"] == ORDER["premises"]["address"]


def test_a_damaged_row_is_read_as_stored_and_the_others_still_open(app_page):
    # A row whose sealed part is damaged (a byte changed, or its IV gone) must not take the round
    # list down with it: it is read as stored (still `sealed`), the other rows open.
    result = run(app_page, """
        await seedTechnician(arg.alice);
        const orders = [101, 102, 103].map((id) => ({ ...arg.order, id, tech: arg.alice.id }));
        const rows = await Promise.all(orders.map((o) => mods.orders.sealOrder(o)));
        const flipped = new Uint8Array(rows[1].sealed.data.slice(0));
        flipped[0] ^= 1;
        rows[1] = { ...rows[1], sealed: { ...rows[1].sealed, data: flipped.buffer } };
        rows[2] = { ...rows[2], sealed: { data: rows[2].sealed.data } };
        await db.write(['orders'], async (t) => { for (const row of rows) await t.put('orders', mods.orders.orderRow(row, null)); });
        const listed = await mods.orders.listOrders(db, arg.alice.id);
        return listed.map((o) => [o.id, Boolean(o.sealed), o.premises?.address ?? null]);
    """, {"alice": ALICE, "order": ORDER})
    assert result == [[101, False, ORDER["premises"]["address"]], [102, True, None], [103, True, None]]


def test_another_tab_signing_in_someone_else_leaves_no_key_behind(browser, tmp_path):
    # Two tabs of the tablet's app: the technician shown is shared (IndexedDB), the keys are each
    # tab's. Alice is unlocked in the first; Bruno signs in in the second. The first tab must not keep
    # Alice's key while it shows Bruno's lock screen, or choosing Alice there opens her round without
    # her PIN.
    from tests.e2e.pwa_support import enrol, enrolled_tablet
    with enrolled_tablet(browser, tmp_path, "tech.elec1") as (office, context, first, reading):
        alice = idb(first, "return tech;")
        second = context.new_page()
        enrol(second, first.url.split("/app/")[0], "tech.eau2")
        first.evaluate("location.hash = '#/sync'")          # any screen change reads the shown technician again
        first.wait_for_selector("#unlock-pin")
        first.evaluate("tournee.switchUser()")
        first.wait_for_selector("#login")
        first.evaluate("(id) => tournee.choose(id)", alice)
        first.wait_for_selector("#unlock-pin")
        assert not first.locator("#orders").count()
