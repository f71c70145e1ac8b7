"""The tablet's own modules (storage, outbox, sync engine, form validation) tested inside the real
browser, replaying the golden exchanges of fixtures/sync/ and the form cases of fixtures/forms/."""
import base64
import hashlib
import json

import pytest

from tests.e2e.pwa_harness import ROOT, blob_b64, definitions, golden, run, world

ACK = {"applied", "duplicate", "conflict"}


ALICE = world()["technicians"][0]
BRUNO = world()["technicians"][1]


# ---- forms: the same golden cases as forms/ in Python -------------------------------------------

def test_validate_replays_every_golden_form_case(app_page):
    cases = json.loads((ROOT / "fixtures" / "forms" / "cases.json").read_text())
    got = run(app_page, """
        return arg.cases.map((c) => Object.keys(mods.validate.validateSubmission(
            arg.defs[c.type + '@' + c.version], c.outcome, c.answers, c.context, c.reason_code)).sort());
    """, {"cases": cases, "defs": definitions()})
    mismatches = [(c["name"], sorted(c["expected_error_fields"]), g) for c, g in zip(cases, got)
                  if sorted(c["expected_error_fields"]) != g]
    assert len(cases) >= 40 and mismatches == []


def test_a_serial_one_character_off_asks_to_check_the_typing_as_on_the_server(app_page):
    checks = json.loads((ROOT / "fixtures" / "forms" / "serial_checks.json").read_text())
    got = run(app_page, """
        return arg.checks.map((c) => {
            const context = { meter_serial: c.expected, dials: 5, previous_index: 800, plausible_min: 800, plausible_max: 900 };
            const answers = { meter_serial: c.typed, index: 842, photo_index: ['a'.repeat(64)] };
            const messages = mods.validate.validateSubmission(arg.def, 'done', answers, context).meter_serial || [];
            return !messages.length ? null : (messages[0].startsWith('Vérifiez la saisie') ? 'typo' : 'other');
        });
    """, {"checks": checks, "def": definitions()["READING@2"]})
    assert got == [c["says"] for c in checks]


# ---- push: every golden exchange through the client engine -------------------------------------

def push_cases():
    exchanges = golden("push")
    follow = {e["name"]: exchanges[i + 1:] for i, e in enumerate(exchanges)}
    for e in exchanges:
        if e["request"]["path"] == "/api/v1/sync/push":
            statuses = [r["status"] for r in e["response"]["body"]["results"]]
            later = [x for x in follow[e["name"]] if x["request"]["path"] == "/api/v1/sync/push"][:1]
            yield pytest.param(e, later, id=e["name"] + ":" + "+".join(statuses))


def _blob_files(reports):
    files = {}
    for name in ("dials.png", "meter.jpg", "signature.png"):
        data = (ROOT / "fixtures" / "sync" / "blobs" / name).read_bytes()
        files[hashlib.sha256(data).hexdigest()] = base64.b64encode(data).decode()
    named = {a["sha256"] for r in reports for a in r["attachments"]}
    return {sha: b64 for sha, b64 in files.items() if sha in named}


@pytest.mark.parametrize("exchange,later", list(push_cases()))
def test_golden_push_handled_as_the_protocol_says(app_page, exchange, later):
    reports = exchange["request"]["body"]["reports"]
    responses = [exchange["response"]] + [x["response"] for x in later]
    result = run(app_page, """
        await seedTechnician(arg.tech);
        for (const body of arg.reports) await seedReport(arg.tech.id, body, arg.blobs);
        const pushes = [...arg.responses];
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => {
            if (call.method === 'PUT') return { status: 201, body: { sha256: call.path.split('/').pop(), size: 1 } };
            if (call.path.endsWith('/sync/pull')) return emptyPage;
            return pushes.shift();
        }) });
        await mods.engine.createSyncEngine({ api, db }).sync();
        const pushed = calls.filter((c) => c.path.endsWith('/sync/push'));
        return {
            firstSent: stable(pushed[0].body.reports), expected: stable(arg.reports),
            outbox: await mods.outbox.listOutbox(db),
            puts: calls.filter((c) => c.method === 'PUT').map((c) => c.path.split('/').pop()),
            pushes: pushed.length, blobs: (await db.read(['blobs'], (t) => t.all('blobs'))).map((b) => b.sha256),
        };
    """, {"tech": ALICE, "reports": reports, "responses": responses, "blobs": _blob_files(reports)})
    assert result["firstSent"] == result["expected"]          # the stored object, unchanged
    named = {a["sha256"] for r in reports for a in r["attachments"]}
    assert named <= set(result["puts"])                        # blobs before the report
    left = {e["uuid"]: e for e in result["outbox"]}
    for r in exchange["response"]["body"]["results"]:
        status = r["status"]
        if status == "awaiting_blobs":
            assert set(r["missing_blobs"]) <= set(result["puts"]) and result["pushes"] == 2
            final = later[0]["response"]["body"]["results"][0]["status"]
            assert (r["uuid"] in left) == (final not in ACK)
        elif status in ACK:
            assert r["uuid"] not in left
        else:                                                  # rejected, mismatch: parked, never deleted
            assert left[r["uuid"]]["state"] == "parked" and left[r["uuid"]]["reason"]["status"] == status
    if all(r["status"] in ACK for r in exchange["response"]["body"]["results"]):
        assert result["blobs"] == []                           # freed once acknowledged by hash


# ---- pull: the golden pages in order ------------------------------------------------------------

def test_golden_pull_pages_snapshot_then_changes(app_page):
    pages = [e for e in golden("pull") if "golden-token-7" in json.dumps(e["request"]["headers"])]
    result = run(app_page, """
        await seedTechnician(arg.tech);
        const queue = [...arg.pages];
        let news = 0;                        // pages the server has for this sync; then only receipts
        let last = null;
        const receipts = [];
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => {
            if (news === 0) {                // delivery receipt: the last cursor handed back, an empty page
                receipts.push(call.query.cursor);
                return { status: 200, body: { ...last, orders: [], tombstones: [], forms: [], has_more: false } };
            }
            news -= 1;
            const next = queue.shift();
            const want = new URL(next.request.path, location.origin).searchParams.get('cursor') || '';
            if ((call.query.cursor || '') !== want) return { status: 418, body: { error: 'wrong cursor', message: want } };
            last = next.response.body;
            return next.response;
        }) });
        const engine = mods.engine.createSyncEngine({ api, db });
        const snapshots = [];
        for (const pages of [2, 1, 1]) {
            news = pages;
            const summary = await engine.sync();
            const orders = await mods.orders.listOrders(db, arg.tech.id);
            const tech = await mods.technicians.getTechnician(db, arg.tech.id);
            const forms = new Set((await mods.forms.listForms(db)).map((f) => f.type + '@' + f.version));
            snapshots.push({ ok: summary.ok, ids: orders.map((o) => o.id).sort((a, b) => a - b),
                positions: Object.fromEntries(orders.map((o) => [o.id, o.round_position])),
                cursor: tech.cursor, ready: mods.readiness.readiness(tech.counts, orders, forms) });
        }
        return { snapshots, left: queue.length, receipts };
    """, {"tech": ALICE, "pages": pages})
    first, changed, same = result["snapshots"]
    bodies = [p["response"]["body"] for p in pages]
    assert result["left"] == 0 and first["ok"] and changed["ok"] and same["ok"]
    # After a last page that changed something, its cursor goes back once more (PROTOCOL §3).
    assert result["receipts"] == [bodies[1]["cursor"], bodies[2]["cursor"]]
    assert first["ids"] == sorted(o["id"] for b in bodies[:2] for o in b["orders"])
    assert first["cursor"] == bodies[1]["cursor"] and first["ready"]["ready"]
    gone = {t["order_id"] for t in bodies[2]["tombstones"]}
    assert changed["ids"] == sorted(set(first["ids"]) - gone)
    moved = bodies[2]["orders"][0]
    assert changed["positions"][str(moved["id"])] == moved["round_position"]
    assert changed["ready"]["ready"] and changed["ready"]["total"] == bodies[2]["counts"]["orders"]
    assert same["ids"] == changed["ids"] and same["cursor"] == bodies[3]["cursor"]


def test_tombstone_keeps_an_order_whose_report_is_still_queued(app_page):
    snapshot = golden("pull")[0]["response"]["body"]
    order = snapshot["orders"][0]
    result = run(app_page, """
        await seedTechnician(arg.tech);
        const quiet = { ...arg.snapshot, orders: [], forms: [], tombstones: [], has_more: false };
        let news = { ...arg.snapshot, has_more: false };
        const api = mods.api.createApi({ fetchFn: fakeFetch(() => {
            const body = news || quiet;      // after the news, the receipt pull gets an empty page
            news = null;
            return { status: 200, body };
        }) });
        const engine = mods.engine.createSyncEngine({ api, db });
        await engine.sync();
        await db.write(['outbox'], (t) => t.put('outbox', { uuid: 'u1', tech: arg.tech.id, order_id: arg.order.id,
            seq: 1, state: 'parked', attempts: 0, next_at: 0 }));
        news = { ...quiet, tombstones: [{ order_id: arg.order.id, reason: 'cancelled' }] };
        await engine.sync();
        return await mods.orders.getOrder(db, arg.tech.id, arg.order.id);
    """, {"tech": ALICE, "snapshot": snapshot, "order": order})
    assert result["removed"] == "cancelled"


def test_invalid_cursor_restarts_from_a_full_snapshot(app_page):
    refusal = next(e for e in golden("errors") if e["name"] == "pull-garbage-cursor")["response"]
    snapshot = {**golden("pull")[0]["response"]["body"], "has_more": False}
    result = run(app_page, """
        await seedTechnician({ ...arg.tech, cursor: 'bm90LWEtY3Vyc29y' });
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) =>
            (call.query.cursor ? arg.refusal : { status: 200, body: arg.snapshot })) });
        const summary = await mods.engine.createSyncEngine({ api, db }).sync();
        return { summary, tech: await mods.technicians.getTechnician(db, arg.tech.id),
                 orders: (await mods.orders.listOrders(db, arg.tech.id)).length };
    """, {"tech": ALICE, "refusal": refusal, "snapshot": snapshot})
    assert result["summary"]["ok"] and result["tech"]["cursor"] == snapshot["cursor"]
    assert result["orders"] == len(snapshot["orders"])


# ---- refusals and retries -----------------------------------------------------------------------

def _one_report():
    return next(e for e in golden("push") if e["name"] == "push-applied")["request"]["body"]["reports"][0]


@pytest.mark.parametrize("answer,kept_as", [
    ("network", "queued"), ({"status": 503, "body": {}}, "queued"), ({"status": 429, "body": {}}, "queued"),
    ({"status": 408, "body": {}}, "queued"),
])
def test_retryable_failures_keep_the_report_and_back_off(app_page, answer, kept_as):
    report = _one_report()
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await seedReport(arg.tech.id, arg.report, arg.blobs);
        const api = mods.api.createApi({ fetchFn: fakeFetch(() => arg.answer) });
        const now = 1_000_000;
        await mods.engine.createSyncEngine({ api, db, clock: { now: () => now }, random: () => 0.5 }).sync();
        const [entry] = await mods.outbox.listOutbox(db);
        return { entry, now, blobs: (await db.read(['blobs'], (t) => t.all('blobs'))).length };
    """, {"tech": ALICE, "report": report, "answer": answer, "blobs": _blob_files([report])})
    entry = result["entry"]
    assert entry["state"] == kept_as and entry["attempts"] == 1 and entry["next_at"] > result["now"]
    assert result["blobs"] == len(_blob_files([report]))      # nothing freed


def test_401_keeps_everything_and_asks_to_enrol_again(app_page):
    refusal = next(e for e in golden("errors") if e["name"] == "unknown-token")["response"]
    report = _one_report()
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await seedReport(arg.tech.id, arg.report, arg.blobs);
        const api = mods.api.createApi({ fetchFn: fakeFetch(() => arg.refusal) });
        const summary = await mods.engine.createSyncEngine({ api, db }).sync();
        return { summary, outbox: await mods.outbox.listOutbox(db), tech: await mods.technicians.getTechnician(db, arg.tech.id),
                 reports: (await mods.reports.listReports(db, arg.tech.id)).length };
    """, {"tech": ALICE, "report": report, "refusal": refusal, "blobs": _blob_files([report])})
    assert result["summary"]["unauthorized"] and result["tech"]["needs_enrol"]
    assert [e["state"] for e in result["outbox"]] == ["queued"] and result["reports"] == 1


@pytest.mark.parametrize("name", ["blob-hash-mismatch", "blob-not-an-image"])
def test_blob_refused_parks_the_report_with_its_reason(app_page, name):
    refusal = {**next(e for e in golden("errors") if e["name"] == name)["response"]}
    refusal["body"] = {**refusal["body"], "message": "Refus de la pièce jointe."}
    report = _one_report()
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await seedReport(arg.tech.id, arg.report, arg.blobs);
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => (call.method === 'PUT' ? arg.refusal : emptyPage)) });
        await mods.engine.createSyncEngine({ api, db }).sync();
        return { outbox: await mods.outbox.listOutbox(db), pushes: calls.filter((c) => c.path.endsWith('/push')).length };
    """, {"tech": ALICE, "report": report, "refusal": refusal, "blobs": _blob_files([report])})
    assert result["pushes"] == 0
    assert result["outbox"][0]["state"] == "parked" and "pièce jointe" in result["outbox"][0]["reason"]["message"]


def test_backoff_doubles_with_jitter_and_is_capped(app_page):
    delays = run(app_page, """
        const d = mods.backoff;
        return [[0, 0], [0, 0.999], [1, 0.5], [5, 0.5], [30, 0], [30, 0.999]].map(([a, r]) => d.backoffDelay(a, () => r));
    """)
    assert delays[0] == 1000 and 2990 <= delays[1] <= 3000          # 2 s ± 50 %
    assert delays[2] == 4000 and delays[3] == 64000
    assert delays[4] == 150000 and 449000 <= delays[5] <= 450000    # capped at 5 min ± 50 %


def test_never_two_syncs_at_once(app_page):
    result = run(app_page, """
        await seedTechnician(arg.tech);
        let release;
        const gate = new Promise((r) => { release = r; });
        const api = mods.api.createApi({ fetchFn: fakeFetch(async () => { await gate; return emptyPage; }) });
        const make = () => mods.engine.createSyncEngine({ api, db, locks: navigator.locks });
        const first = make().sync();
        await new Promise((r) => setTimeout(r, 50));
        const second = await make().sync();                 // another engine, same lock (another tab)
        release();
        return { first: await first, second, pulls: calls.length };
    """, {"tech": ALICE})
    assert result["second"] == {"skipped": True} and result["first"]["ok"] and result["pulls"] == 1


# ---- storage ----------------------------------------------------------------------------------

def test_migration_v1_to_v2_keeps_and_fills_orders(app_page):
    order = world()["orders"][0]["order"]
    result = run(app_page, """
        const name = 'migrate-' + crypto.randomUUID();
        const v1 = await conn.openDatabase(name, mods.schema.MIGRATIONS.slice(0, 1));
        await v1.write(['orders'], (t) => t.put('orders', { ...arg.order, tech: 7, local: 'draft' }));
        v1.close();
        const v2 = await conn.openDatabase(name);
        const row = await mods.orders.getOrder(v2, 7, arg.order.id);
        v2.close();
        await conn.deleteDatabase(name);
        return row;
    """, {"order": order})
    assert result["local"] == "draft" and "rue des tilleuls" in result["search"]


def test_connection_closed_under_us_is_reopened(app_page):
    result = run(app_page, """
        await seedTechnician(arg.tech);
        db.idb.close();                                     // what the browser does under memory pressure
        const again = await mods.technicians.getTechnician(db, arg.tech.id);
        return again.login;
    """, {"tech": ALICE})
    assert result == ALICE["login"]


def test_finishing_is_atomic_a_missing_photo_writes_nothing(app_page):
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await db.write(['drafts'], (t) => t.put('drafts', { tech: arg.tech.id, order_id: 101, answers: {} }));
        const report = { uuid: crypto.randomUUID(), order_id: 101, attachments: [{ sha256: 'f'.repeat(64), field: 'photo_index' }] };
        let error = null;
        try { await mods.reports.finishReport(db, arg.tech.id, report); } catch (e) { error = e.message; }
        return { error, reports: (await mods.reports.listReports(db, arg.tech.id)).length,
                 outbox: (await mods.outbox.listOutbox(db)).length,
                 draft: Boolean(await mods.drafts.getDraft(db, arg.tech.id, 101)),
                 seq: (await mods.technicians.getTechnician(db, arg.tech.id)).device_seq };
    """, {"tech": ALICE})
    assert result["error"] and result["reports"] == 0 and result["outbox"] == 0
    assert result["draft"] and result["seq"] == 0


def test_finishing_writes_report_photos_outbox_and_sequence_together(app_page):
    photo = blob_b64("blobs/dials.png")
    result = run(app_page, """
        await seedTechnician(arg.tech);
        const meta = await mods.blobs.saveBlob(db, arg.tech.id, bytesOf(arg.photo), { content_type: 'image/png' });
        await db.write(['drafts'], (t) => t.put('drafts', { tech: arg.tech.id, order_id: 101, answers: {} }));
        const body = await mods.reports.finishReport(db, arg.tech.id, { uuid: crypto.randomUUID(), order_id: 101,
            attachments: [{ sha256: meta.sha256, field: 'photo_index', kind: 'photo' }] });
        const blob = await mods.blobs.getBlob(db, arg.tech.id, meta.sha256);
        return { seq: body.device_seq, sha: meta.sha256, linked: blob.reports.includes(body.uuid),
                 outbox: (await mods.outbox.listOutbox(db)).map((e) => e.uuid === body.uuid),
                 draft: Boolean(await mods.drafts.getDraft(db, arg.tech.id, 101)) };
    """, {"tech": ALICE, "photo": photo})
    assert result["seq"] == 1 and result["linked"] and result["outbox"] == [True] and not result["draft"]
    assert result["sha"] == hashlib.sha256(base64.b64decode(photo)).hexdigest()


def test_data_is_scoped_by_technician(app_page):
    snapshot = {**golden("pull")[0]["response"]["body"], "has_more": False}
    result = run(app_page, """
        await seedTechnician(arg.alice);
        const api = mods.api.createApi({ fetchFn: fakeFetch(() => ({ status: 200, body: arg.snapshot })) });
        await mods.engine.createSyncEngine({ api, db }).sync();
        await seedTechnician(arg.bruno);                    // second technician on the same tablet
        return { alice: (await mods.orders.listOrders(db, arg.alice.id)).length,
                 bruno: (await mods.orders.listOrders(db, arg.bruno.id)).length };
    """, {"alice": ALICE, "bruno": BRUNO, "snapshot": snapshot})
    assert result["alice"] == len(snapshot["orders"]) and result["bruno"] == 0


def test_report_built_from_a_draft_matches_the_contract(app_page):
    definition = definitions()["READING@1"]
    result = run(app_page, """
        const sha = 'a'.repeat(64);
        const draft = { uuid: 'u', order_id: 101, order_version: 3, form_type: 'READING', form_version: 1,
            outcome: 'done', reason_code: null, started_at: '2026-03-02T09:00:00+01:00',
            answers: { meter_serial: 'W1', index: 12, remarks: '', photo_index: [sha], rollover: false },
            attachments: { [sha]: { size: 10, content_type: 'image/jpeg', captured_at: null, lat: 1, lon: 2 } } };
        return mods.report.buildReport(arg.definition, draft, { now: new Date(), position: null });
    """, {"definition": definition})
    assert set(result) == {"uuid", "order_id", "order_version", "form_type", "form_version", "device_time", "outcome",
                           "reason_code", "answers", "attachments", "position", "started_at", "finished_at",
                           "countersignature"}
    assert result["answers"] == {"meter_serial": "W1", "index": 12, "photo_index": ["a" * 64], "rollover": False}
    assert result["attachments"][0]["kind"] == "photo" and result["attachments"][0]["field"] == "photo_index"
    assert result["device_time"][-6] in "+-"


def test_backed_off_report_waits_for_its_time_unless_a_fresh_reason_comes(app_page):
    report = _one_report()
    applied = next(e for e in golden("push") if e["name"] == "push-applied")["response"]
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await seedReport(arg.tech.id, arg.report, arg.blobs);
        await db.write(['outbox'], async (t) => t.put('outbox', { ...(await t.get('outbox', arg.report.uuid)),
            attempts: 6, next_at: Date.now() + 60000 }));
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => (call.method === 'PUT'
            ? { status: 201, body: {} } : call.path.endsWith('/push') ? arg.applied : emptyPage)) });
        const engine = mods.engine.createSyncEngine({ api, db });
        await engine.sync();                                     // retry timer: not due yet
        const waiting = (await mods.outbox.listOutbox(db)).length;
        await engine.sync({ force: true });                      // network back, app opened…
        return { waiting, left: (await mods.outbox.listOutbox(db)).length };
    """, {"tech": ALICE, "report": report, "blobs": _blob_files([report]), "applied": applied})
    assert result == {"waiting": 1, "left": 0}


def test_one_translation_mechanism_with_french_fallback(app_page):
    result = run(app_page, """
        const i18n = await m('i18n.js');
        const french = i18n.t('Synchro : {queued} en attente', { queued: 3 });
        i18n.useLanguage('en', { 'Synchro : {queued} en attente': 'Sync: {queued} waiting' });
        const english = [i18n.t('Synchro : {queued} en attente', { queued: 3 }), i18n.t('Code PIN incorrect.')];
        i18n.useLanguage('fr');
        return { french, english };
    """)
    assert result == {"french": "Synchro : 3 en attente", "english": ["Sync: 3 waiting", "Code PIN incorrect."]}


# ---- countersignature on the tablet (PROTOCOL §8) ------------------------------------------------

COUNTERSIGNATURE = golden("countersignature")


def test_canonical_json_writes_what_the_server_hashes(app_page):
    got = run(app_page, """
        const proof = await m('sync/proof.js');
        const out = [];
        for (const c of arg) {
            const value = JSON.parse(c.text);
            out.push({ canonical: proof.canonicalJson(value), sha256: await proof.contentSha256(value) });
        }
        return out;
    """, COUNTERSIGNATURE["canonical"])
    for case, result in zip(COUNTERSIGNATURE["canonical"], got):
        assert result == {"canonical": case["canonical"], "sha256": case["sha256"]}, case["name"]


def test_canonical_json_numbers_and_keys_beyond_the_golden_cases(app_page):
    got = run(app_page, """
        const proof = await m('sync/proof.js');
        const value = { n: [0.5, -0, 1e16 + 2, 2.5e-5, Number.MAX_VALUE, Number.MIN_VALUE, 1e-4, 2 ** 53 + 2, 0.1 + 0.2,
                            1e15 + 0.5, -1e21, 123e-20, 1 / 3, 4.35, 1e300 * 10],
            u: undefined, k: { '\\u{10000}': 1, '\\uE000': 2, 'a': 3, '\\u00e9t\\u00e9': { 'z': 'x\\u2028\\u007f\\u0000' } },
            l: [undefined, null, true] };
        return { text: JSON.stringify(value), canonical: proof.canonicalJson(value) };
    """)
    assert got["canonical"] == json.dumps(json.loads(got["text"]), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_countersignature_proof_matches_the_server(app_page):
    case = COUNTERSIGNATURE["proof"]
    got = run(app_page, """
        const proof = await m('sync/proof.js');
        const key = await proof.deriveKey(arg.code, arg.salt, arg.iterations);
        const content = await proof.contentSha256(arg.report);
        return { key: proof.hex(key), content, proof: await proof.countersignatureProof(key, arg.uuid, arg.chief_login, content) };
    """, case)
    assert got == {"key": case["key"], "content": case["content_sha256"], "proof": case["proof"]}


CHIEF = {"login": "chef.eau", "name": "Bruno Lambert", "salt": "5f1d0c3a9b8e7d6c5b4a392817060504", "iterations": 1000}


def test_each_pull_page_replaces_the_countersigners_a_page_without_them_keeps_them(app_page):
    snapshot = {**golden("pull")[0]["response"]["body"], "has_more": False}
    result = run(app_page, """
        await seedTechnician(arg.tech);
        const quiet = { ...arg.snapshot, orders: [], forms: [], tombstones: [], has_more: false };
        const answers = [{ ...arg.snapshot, countersigners: [{ ...arg.chief, extra: 'ignored' }] }, { ...quiet, countersigners: [arg.chief] },
                         quiet, { ...quiet, countersigners: [] }];
        const api = mods.api.createApi({ fetchFn: fakeFetch(() => ({ status: 200, body: answers.shift() })) });
        const engine = mods.engine.createSyncEngine({ api, db });
        const lists = [];
        for (let i = 0; i < 3; i += 1) {
            await engine.sync();
            lists.push(mods.technicians.countersignersOf(await mods.technicians.getTechnician(db, arg.tech.id)));
        }
        return { lists, pulls: calls.length };
    """, {"tech": ALICE, "snapshot": snapshot, "chief": CHIEF})
    # snapshot + its receipt; a page without the member; an empty list.
    assert result == {"lists": [[CHIEF], [CHIEF], []], "pulls": 4}


def _countersigned_report():
    return COUNTERSIGNATURE["proof"]["report"] | {"device_seq": 1}


def test_proof_travels_beside_its_report_until_acknowledged_and_the_verdict_is_kept(app_page):
    report, plain = _countersigned_report(), _one_report() | {"uuid": "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70"}
    proof = COUNTERSIGNATURE["proof"]["proof"]
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await seedReport(arg.tech.id, arg.report, arg.blobs);
        await seedReport(arg.tech.id, arg.plain, arg.blobs);
        await db.write(['outbox'], async (t) => t.put('outbox', { ...(await t.get('outbox', arg.report.uuid)), proof: arg.proof }));
        const answers = ['network',
            { status: 200, body: { results: [
                { uuid: arg.report.uuid, status: 'awaiting_blobs', http_status: 200, missing_blobs: [arg.report.attachments[0].sha256] },
                { uuid: arg.plain.uuid, status: 'applied', http_status: 200, report_id: 8, received_at: '2026-03-02T08:00:00.000+00:00' }] } },
            { status: 200, body: { results: [{ uuid: arg.report.uuid, status: 'applied', http_status: 200, report_id: 9,
                received_at: '2026-03-02T08:00:00.000+00:00', countersignature: { status: 'refused', reason: 'bad_proof' } }] } }];
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => {
            if (call.method === 'PUT') return { status: 201, body: {} };
            if (call.path.endsWith('/sync/pull')) return emptyPage;
            return answers.shift();
        }) });
        const engine = mods.engine.createSyncEngine({ api, db });
        await engine.sync();                          // network error: kept, proof and all
        await engine.sync({ force: true });
        const pushes = calls.filter((c) => c.path.endsWith('/sync/push')).map((c) => c.body);
        const rows = await mods.reports.listReports(db, arg.tech.id);
        return { pushes, outbox: await mods.outbox.listOutbox(db),
                 verdicts: Object.fromEntries(rows.map((r) => [r.uuid, r.countersignature_verdict ?? null])) };
    """, {"tech": ALICE, "report": report, "plain": plain, "proof": proof, "blobs": _blob_files([report, plain])})
    pushes = result["pushes"]
    assert len(pushes) == 3 and result["outbox"] == []
    for body in pushes:                               # never inside the report, always beside it
        assert body["countersignature_proofs"] == {report["uuid"]: proof}
        assert all("countersignature_proofs" not in r for r in body["reports"])
    assert [r["uuid"] for r in pushes[2]["reports"]] == [report["uuid"]]
    assert result["verdicts"] == {report["uuid"]: {"status": "refused", "reason": "bad_proof"}, plain["uuid"]: None}


def test_push_without_a_proof_sends_the_envelope_unchanged(app_page):
    plain = _one_report()
    applied = next(e for e in golden("push") if e["name"] == "push-applied")["response"]
    result = run(app_page, """
        await seedTechnician(arg.tech);
        await seedReport(arg.tech.id, arg.plain, arg.blobs);
        const api = mods.api.createApi({ fetchFn: fakeFetch((call) => (call.method === 'PUT' ? { status: 201, body: {} }
            : call.path.endsWith('/push') ? arg.applied : emptyPage)) });
        await mods.engine.createSyncEngine({ api, db }).sync();
        return Object.keys(calls.find((c) => c.path.endsWith('/push')).body);
    """, {"tech": ALICE, "plain": plain, "blobs": _blob_files([plain]), "applied": applied})
    assert result == ["reports"]


def test_finishing_a_countersigned_report_keeps_its_proof_or_writes_nothing_if_the_sequence_moved(app_page):
    photo = blob_b64("blobs/dials.png")
    result = run(app_page, """
        await seedTechnician(arg.tech);
        const meta = await mods.blobs.saveBlob(db, arg.tech.id, bytesOf(arg.photo), { content_type: 'image/png' });
        await db.write(['drafts'], (t) => t.put('drafts', { tech: arg.tech.id, order_id: 101, answers: {} }));
        const attachments = [{ sha256: meta.sha256, field: 'countersignature', kind: 'signature' }];
        const seq = await mods.reports.nextDeviceSeq(db, arg.tech.id);
        let stale = null;
        try {
            await mods.reports.finishReport(db, arg.tech.id, { uuid: crypto.randomUUID(), order_id: 101, attachments,
                device_seq: seq + 1 }, { proof: 'a'.repeat(64) });
        } catch (err) { stale = err instanceof mods.reports.SequenceMoved; }
        const before = { outbox: (await mods.outbox.listOutbox(db)).length, draft: Boolean(await mods.drafts.getDraft(db, arg.tech.id, 101)) };
        const body = await mods.reports.finishReport(db, arg.tech.id, { uuid: crypto.randomUUID(), order_id: 101, attachments,
            device_seq: seq }, { proof: 'b'.repeat(64) });
        const [entry] = await mods.outbox.listOutbox(db);
        const blob = await mods.blobs.getBlob(db, arg.tech.id, meta.sha256);
        return { seq, stale, before, proof: entry.proof, bodySeq: body.device_seq, linked: blob.reports.includes(body.uuid),
                 inBody: 'proof' in body };
    """, {"tech": ALICE, "photo": photo})
    assert result["stale"] and result["before"] == {"outbox": 0, "draft": True}
    assert result["proof"] == "b" * 64 and result["bodySeq"] == result["seq"] == 1
    assert result["linked"] and not result["inBody"]
