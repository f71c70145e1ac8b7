"""Issue 12, the independent probe: a lost tablet reveals nothing without the PIN.

A technician's day as they live it (enrol, the round pulled, a draft, a report finished online,
one finished offline and queued, photos, signatures, typed remarks), then the app is locked and
everything the origin stores is read without the PIN: every IndexedDB database and store (records,
keys, bytes decoded as UTF-8 and Latin-1), every Cache Storage response, local and session storage,
cookies; then the browser closed and its whole profile folder grepped byte-wise (LevelDB, the HTTP
disk cache, the service worker's scripts, session and history files). No customer's name, street,
phone, e-mail, access notes, requester, meter serial, typed answer, position, photo or signature
byte, device token, PIN or password may appear. Then the PIN, the network: the queued report reaches the
server intact. In Chromium against a live server."""
import json
import struct
from pathlib import Path

from tests.e2e.pwa_harness import run, world
from tests.e2e.pwa_support import (PASSWORD, Office, canonical, enrol, fill_form, finish, idb, local_blobs,
                                   local_reports, open_tablet, outbox, show_step_of, sign, start_server, unlock,
                                   wait_app, wait_controlled, wait_outbox_empty)

LOGIN = "tech.eau1"
PIN = "90817263"                                   # 8 digits: unlikely by chance in a profile's bytes
POSITION = {"latitude": 6.371942, "longitude": 2.438517}
CUSTOMER = {
    "name": "Honorine Vlastimilová-Quenehen",
    "phone": "+229 97 31 58 64",
    "email": "honorine.quenehen@exemple-perdu.bj",
    "street": "Impasse Zéphyrin Kpodékon",
    "access": "Digicode XQ7731 portail vert, chien méchant",
    "requester": "Wenceslas Akpovi-Dorgelès",
    "instructions": "Appeler Mme Quenehen avant 9h",
    "serial": "ZQMTR-884217",
}
TYPED = {
    "draft": "Brouillon: fuite sous l'évier chez Mme Quenehen",
    "online": "Compteur scellé, voisin Florimond Adjovi présent",
    "offline": "Hors ligne: Mme Quenehen absente, clef chez Thaddée Houngbo",
    "signer": "Eudoxie Marchetti-Vautrin",
}

# Everything the origin keeps, read from the page with no key: every IndexedDB database, store,
# key and record (bytes as UTF-8 and Latin-1 text), every cached response, both storages.
DUMP_ORIGIN = """async () => {
    const latin1 = (u8) => { let s = ''; for (const b of u8) s += String.fromCharCode(b); return s; };
    const texts = [];
    const walk = (v) => {
      if (v === null || v === undefined) return;
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
        const u8 = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        texts.push(latin1(u8), new TextDecoder('utf-8').decode(u8));
      } else if (v instanceof Blob) {
        texts.push('[a Blob stored in IndexedDB]');
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) { texts.push(k); walk(x); }
      else texts.push(String(v));
    };
    const stores = {};
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((ok, ko) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
      for (const store of db.objectStoreNames) {
        const t = db.transaction(store).objectStore(store);
        const get = (req) => new Promise((ok, ko) => { req.onsuccess = () => ok(req.result); req.onerror = () => ko(req.error); });
        const [rows, keys] = [await get(t.getAll()), await get(t.getAllKeys())];
        stores[name + '/' + store] = rows.length;
        walk(rows); walk(keys);
      }
      db.close();
    }
    const caches_ = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      const requests = await cache.keys();
      caches_[name] = requests.map((r) => new URL(r.url).pathname);
      for (const request of requests) {
        const response = await cache.match(request);
        texts.push(request.url, latin1(new Uint8Array(await response.arrayBuffer())), JSON.stringify([...response.headers]));
      }
    }
    walk({ ...localStorage }); walk({ ...sessionStorage }); texts.push(document.cookie);
    return { stores, caches: caches_, text: texts.join('\\n') };
}"""


def personalise_round(office: Office) -> list[dict]:
    """Gives every order of the technician a customer of our own, with strings found nowhere else."""
    from server.models import Order, PointContact, User

    def act(db):
        tech = db.session.query(User).filter_by(login=LOGIN).one()
        orders = db.session.query(Order).filter_by(assignee_id=tech.id).order_by(Order.id).all()
        for n, order in enumerate(orders, 1):
            point = order.point
            point.address = f"{n} {CUSTOMER['street']}"
            point.access_notes = CUSTOMER["access"]
            point.lat, point.lon = round(6.390271 + n / 1000, 6), 2.401953
            order.requester_name = CUSTOMER["requester"]
            order.instructions = CUSTOMER["instructions"]
            if order.meter:
                order.meter.serial = f"{CUSTOMER['serial']}{n}"
            for role in ("owner", "manager"):
                db.session.add(PointContact(point=point, role=role, name=f"{CUSTOMER['name']} {role}",
                                            phone=CUSTOMER["phone"], email=CUSTOMER["email"]))
        db.session.commit()
        return [{"id": o.id, "type": o.type, "ref": o.ref, "lat": o.point.lat} for o in orders]
    return office._run(act)


def type_answers(page, order_id: int, remark: str) -> None:
    """Fills the form, then the free remark and the signer's name a technician types."""
    fill_form(page, order_id)
    show_step_of(page, "remarks")
    page.fill("#f-remarks", remark)
    show_step_of(page, "sig_technician")
    canvas = page.locator("canvas#f-sig_technician")
    if canvas.is_visible():                       # asked for by some outcomes only
        sign(page, canvas, TYPED["signer"], seed=order_id)
    page.wait_for_timeout(300)                    # the draft's debounced save


def encodings(secret: str) -> list[bytes]:
    return [secret.encode("utf-8"), secret.encode("utf-16-le")] + (
        [secret.encode("latin-1")] if all(ord(c) < 256 for c in secret) else [])


def number_bytes(value: float) -> list[bytes]:
    """A position as text and as the little-endian double V8's serializer writes."""
    return [f"{value}".encode(), struct.pack("<d", value)]


def profile_files(user_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(user_dir)): p.read_bytes() for p in user_dir.rglob("*") if p.is_file()}


def found_in(files: dict[str, bytes], needles: dict[str, list[bytes]]) -> list[tuple[str, str]]:
    return [(label, path) for label, forms in needles.items() for path, data in files.items()
            if any(form in data for form in forms)]


def test_a_lost_tablet_reveals_nothing_without_the_pin_and_loses_nothing(playwright_instance, tmp_path):
    server = start_server(tmp_path)
    office = Office(server)
    user_dir = tmp_path / "profile"
    try:
        orders = personalise_round(office)
        by_type = {o["type"]: o["id"] for o in orders}
        reading = next(o["id"] for o in orders if o["type"] == "READING")
        assert {"CLOSURE", "INVESTIGATION", "READING"} <= set(by_type)

        # Morning, online: enrolment with password and PIN, the round pulled, orders opened.
        context, page = open_tablet(playwright_instance, user_dir, POSITION)
        enrol(page, server.url, LOGIN, pin=PIN)
        wait_controlled(page)
        page.click(f"[data-order='{by_type['INVESTIGATION']}']")
        page.wait_for_selector(f"text={CUSTOMER['access']}")       # the technician reads the access notes
        page.go_back()
        page.wait_for_selector("#orders")
        token = idb(page, "return (await (await m('db/technicians.js')).openTechnician(db, tech)).token;")
        assert token and len(token) >= 20

        type_answers(page, reading, TYPED["draft"])                # a draft left for later
        type_answers(page, by_type["CLOSURE"], TYPED["online"])
        finish(page)
        wait_outbox_empty(page)                                    # sent and acknowledged online
        context.set_offline(True)
        type_answers(page, by_type["INVESTIGATION"], TYPED["offline"])
        finish(page)
        [queued] = [r for r in local_reports(page) if r["status"] == "queued"]
        assert [e["uuid"] for e in outbox(page)] == [queued["uuid"]]
        photos = local_blobs(page)
        assert len(photos) >= 2                                    # the queued report's photo and signature
        body = queued["body"]
        assert TYPED["offline"] in json.dumps(body, ensure_ascii=False)
        assert any(a.get("lat") == POSITION["latitude"] for a in body["attachments"])   # a position to hide

        # Locked: a reload forgets the key. Read everything the origin stores, without the PIN.
        page.reload()
        wait_app(page)
        page.wait_for_selector("#unlock-pin")
        dump = page.evaluate(DUMP_ORIGIN)
        cookies = json.dumps(context.cookies())
        secrets = {**{f"customer {k}": v for k, v in CUSTOMER.items()}, **TYPED,
                   "token": token, "PIN": PIN, "password": PASSWORD}
        origin_text = dump["text"] + cookies
        assert [label for label, s in secrets.items() if s in origin_text] == []
        assert [p for p in (f"{POSITION['latitude']}", f"{orders[0]['lat']}") if p in origin_text] == []
        assert any(name.endswith("/orders") and n == len(orders) for name, n in dump["stores"].items())
        assert any(o["ref"] in origin_text for o in orders)          # the dump does read the stored rows
        assert not any(p.startswith("/api/") for paths in dump["caches"].values() for p in paths)
        context.close()

        # The profile folder, byte-wise, the browser closed (everything flushed).
        files = profile_files(user_dir)
        assert any("Cache_Data" in p for p in files) and any("IndexedDB" in p for p in files)
        assert any(orders[0]["ref"].encode() in data for p, data in files.items() if "IndexedDB" in p)
        needles = {label: encodings(s) for label, s in secrets.items()}
        needles["position"] = number_bytes(POSITION["latitude"]) + number_bytes(orders[0]["lat"])
        for sha, data in photos.items():                          # 16 runs of 48 bytes of each photo and signature
            needles[f"blob {sha[:8]}"] = [data[i:i + 48] for i in range(64, len(data) - 48, max(48, len(data) // 16))]
        leaks = found_in(files, needles)
        assert leaks == [], "\n".join(map(str, leaks))

        # The PIN, then the network: the report queued offline reaches the server intact.
        context, page = open_tablet(playwright_instance, user_dir, POSITION, offline=True)
        page.goto(server.url + "/app/")
        wait_app(page)
        unlock(page, PIN)
        assert [e["uuid"] for e in outbox(page)] == [queued["uuid"]]
        context.set_offline(False)
        page.evaluate("tournee.sync()")
        wait_outbox_empty(page)
        on_server = {r["uuid"]: r for r in office.reports()}
        assert canonical(on_server[queued["uuid"]]["content"]) == canonical(body)
        for attachment in body["attachments"]:
            assert office.blob(attachment["sha256"]) == photos[attachment["sha256"]]
        drafts = idb(page, "return (await m('db/drafts.js')).listDrafts(db, tech);")
        assert [d["answers"]["remarks"] for d in drafts] == [TYPED["draft"]]      # the draft is still there, opened
        context.close()
    finally:
        server.stop()


def test_a_parked_reports_refusal_is_sealed_it_quotes_what_was_typed(app_page):
    """The server's refusal names the meter serial typed and the one expected: stored sealed, shown
    opened on the status screen's list."""
    reason = {"status": "rejected", "message": "Refusé par le serveur.",
              "errors": {"meter_serial": ["Le compteur trouvé (ZQ-PARK-7731) n'est pas celui de l'ordre "
                                          "(ZQ-PARK-0042)."]}}
    result = run(app_page, """
        const tech = arg.tech;
        await seedTechnician(tech);
        const uuid = crypto.randomUUID();
        await seedReport(tech.id, { uuid, order_id: 101, device_seq: 1, attachments: [] });
        await mods.reports.park(db, uuid, arg.reason);
        const [raw] = await db.read(['outbox'], (t) => t.all('outbox'));
        const [opened] = await mods.outbox.listOutbox(db, tech.id);
        return { raw: JSON.stringify(raw), state: raw.state, opened };
    """, {"tech": world()["technicians"][0], "reason": reason})
    assert "ZQ-PARK" not in result["raw"] and "Refusé" not in result["raw"]
    assert result["state"] == "parked"
    assert result["opened"]["state"] == "parked" and result["opened"]["reason"] == reason
