"""Helpers of the tablet app's browser tests: a live server whose office we drive from Python,
a technician's gestures in the app (enrol, fill a form generically from its definition, sign),
and reads of the tablet's IndexedDB through its own modules."""
import base64
import hashlib
import json
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from tests.live_server import LiveServer, prepare_database

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "fixtures" / "photos" / "meter-dials.jpg"
PASSWORD = "tournee2026"
PIN = "2468"


class Office:
    """The back office acting on the live server's database while the server runs or not."""

    def __init__(self, server: LiveServer):
        from server import create_app
        self.server = server
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": server.database_url,
                               "INSTANCE_PATH": str(server.instance), "SECRET_KEY": "live-test-secret"})

    def _run(self, fn):
        from server.extensions import db
        with self.app.app_context():
            try:
                return fn(db)
            finally:
                db.session.remove()
                db.engine.dispose()

    def user_id(self, login: str) -> int:
        from server.models import User
        return self._run(lambda db: db.session.query(User).filter_by(login=login).one().id)

    def orders_of(self, login: str) -> list[dict]:
        from server.models import Order
        uid = self.user_id(login)
        return self._run(lambda db: [{"id": o.id, "type": o.type, "state": o.state}
                                     for o in db.session.query(Order).filter_by(assignee_id=uid).order_by(Order.id)])

    def give(self, order_type: str, from_login: str, to_login: str) -> int:
        """Reassigns the first order of a type from one technician to another (the chief's gesture)."""
        from server.models import Order, User
        from server.services.dossiers.orders import assign_order
        source, target = self.user_id(from_login), self.user_id(to_login)

        def act(db):
            order = db.session.query(Order).filter_by(assignee_id=source, type=order_type).first()
            chief = db.session.query(User).filter_by(login="chef.elec").one()
            assign_order(order.id, target, by=chief, now=datetime.now(timezone.utc), position=9)
            return order.id
        return self._run(act)

    def cancel(self, order_id: int) -> None:
        from server.models import Order
        from server.services.dossiers.orders import cancel_order

        def act(db):
            cancel_order(db.session.get(Order, order_id), reason="Le client a rappelé", now=datetime.now(timezone.utc))
            db.session.commit()
        self._run(act)

    def devices(self, login: str) -> list[dict]:
        from server.models import Device
        uid = self.user_id(login)
        return self._run(lambda db: [{"id": d.id, "name": d.name, "revoked": d.revoked_at is not None, "app_version": d.app_version,
                                      "queue_depth": d.queue_depth, "storage_quota": d.storage_quota}
                                     for d in db.session.query(Device).filter_by(user_id=uid).order_by(Device.id)])

    def revoke(self, device_id: int) -> None:
        from server.models import User
        from server.services.field.devices import revoke_device

        def act(db):
            admin = db.session.query(User).filter_by(login="admin").one()
            revoke_device(device_id, by=admin, now=datetime.now(timezone.utc))
        self._run(act)

    def reports(self) -> list[dict]:
        from server.models import Report
        return self._run(lambda db: [{"uuid": r.uuid, "order_id": r.order_id, "content": r.content,
                                      "conflict": r.conflict, "technician_id": r.technician_id}
                                     for r in db.session.query(Report).order_by(Report.id)])

    def blob(self, sha256: str) -> bytes | None:
        path = Path(self.server.instance) / "blobs" / sha256[:2] / sha256
        return path.read_bytes() if path.is_file() else None


def start_server(tmp_path: Path, env: dict | None = None) -> LiveServer:
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    return LiveServer(instance, prepare_database(instance), env=env).start()


def open_tablet(playwright, user_dir: Path, position: dict, offline: bool = False):
    """Chromium on a profile folder of its own (kept across closes, as a tablet's), its position given."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    context = playwright.chromium.launch_persistent_context(
        str(user_dir), executable_path=CHROMIUM, args=CHROMIUM_ARGS, locale="fr-FR",
        viewport={"width": 1280, "height": 800}, offline=offline, geolocation=position, permissions=["geolocation"])
    return context, (context.pages[0] if context.pages else context.new_page())


@contextmanager
def enrolled_tablet(browser, tmp_path: Path, login: str):
    """A live server of its own and a tablet enrolled as `login`, its service worker in control:
    (office, context, page, the id of one of its READING orders). Everything stops afterwards."""
    server = start_server(tmp_path)
    office = Office(server)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        enrol(page, server.url, login)
        wait_controlled(page)
        reading = next(o["id"] for o in office.orders_of(login) if o["type"] == "READING")
        yield office, context, page, reading
    finally:
        context.close()
        server.stop()


# ---- in the app ----------------------------------------------------------------------------

def wait_app(page) -> None:
    page.wait_for_selector("body[data-ready='1']", timeout=15000)


def enrol(page, base_url: str, login: str, pin: str = PIN) -> None:
    if not page.url.startswith(base_url + "/app/"):
        page.goto(base_url + "/app/")
    wait_app(page)
    if not page.locator("#login").count():
        page.evaluate("tournee.switchUser()")            # "Changer de technicien"
    page.wait_for_selector("#login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.fill("#pin", pin)
    page.fill("#pin2", pin)
    page.click("form button[type=submit]")
    page.wait_for_selector("#readiness.ok", timeout=15000)


def unlock(page, pin: str = PIN, then: str = "#orders") -> None:
    """The PIN typed on the lock screen (after a reload: the data key is in memory only); waits for
    `then`, the screen the app's address names (the round by default)."""
    page.wait_for_selector("#unlock-pin")
    page.fill("#unlock-pin", pin)
    page.click("form button[type=submit]")
    page.wait_for_selector(then)


def idb(page, body: str, arg=None):
    """Runs `body` (an async function body with `db`, `tech`, `m` = module loader, `arg`) in the page."""
    return page.evaluate(
        """async (arg) => {
            const m = (path) => import('/app/src/' + path);
            const { openDatabase } = await m('db/connection.js');
            const db = await openDatabase();
            const tech = (await (await m('db/technicians.js')).currentTechnician(db))?.id;
            try { %s } finally { db.close(); }
        }""" % body, arg)


def definition_of(page, order_id: int) -> dict:
    return idb(page, """
        const order = await (await m('db/orders.js')).getOrder(db, tech, arg);
        return { order, definition: await (await m('db/forms.js')).getForm(db, order.form.type, order.form.version) };
    """, order_id)


def sign(page, canvas, name: str, seed: int = 0) -> None:
    canvas.scroll_into_view_if_needed()
    page.fill(f"#{canvas.get_attribute('id')}-name", name)
    draw(page, canvas, seed)


def draw(page, canvas, seed: int = 0) -> None:
    """One stroke across a signature canvas, its shape varied by `seed`."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + w * (0.1 + i * 0.06), y + h * (0.6 - 0.25 * (((i + seed) % 3) - 1)))
    page.mouse.up()
    page.wait_for_timeout(150)


def fill_form(page, order_id: int, photo: Path = PHOTO, outcome: str = "done") -> dict:
    """Fills every field the definition requires for `outcome`, the way a technician would."""
    data = definition_of(page, order_id)
    order, definition = data["order"], data["definition"]
    page.goto(page.url.split("#")[0] + f"#/form/{order_id}")
    page.wait_for_selector("#finish")
    if outcome != "done":
        page.check(f"#f-outcome input[value='{outcome}']")
    meter = order.get("meter") or {}
    requires = next(o for o in definition["outcomes"] if o["code"] == outcome)["requires"]
    answers = {}
    for field in definition["fields"]:
        condition = field.get("required_when") or {}
        required = field["id"] in requires or (condition and all(answers.get(k) == v for k, v in condition.items()))
        if not required or outcome in field.get("must_be_true_for", []):   # the outcome states it already
            continue
        fid, kind = field["id"], field["type"]
        answers[fid] = True
        show_step_of(page, fid)
        if kind == "serial" and meter.get("serial"):
            page.click(f"#f-{fid}-confirm")               # "le compteur porte bien le n° …"
        elif kind == "serial":
            page.fill(f"#f-{fid}", "INCONNU")
        elif kind == "index":
            value = meter.get("plausible_min") or meter.get("previous_index") or 0
            page.fill(f"#f-{fid}", str(value + 3 if (meter.get("plausible_max") or 0) >= value + 3 else value))
        elif kind == "photo":
            page.set_input_files(f"#f-{fid}", str(photo))
            page.wait_for_selector(f"[data-field='{fid}'] .photos img", timeout=15000)
        elif kind == "signature":
            sign(page, page.locator(f"canvas#f-{fid}"), "Camille Field", seed=order_id)
        elif kind == "checklist":
            for step in field.get("steps", []):
                page.check(f"#f-{fid} input[data-step='{step['id']}']")
        elif kind == "boolean":
            page.check(f"#f-{fid} input[value=true]")
        elif kind == "choice":
            page.check(f"#f-{fid} input >> nth=0")
        elif kind == "text":
            page.fill(f"#f-{fid}", "RAS 42")
        elif kind == "person":
            page.fill(f"#f-{fid}", "Nouvel Occupant")
    page.wait_for_timeout(200)
    return definition


def show_step_of(page, field_id: str) -> None:
    """Goes to the step of a long form that holds the field (the technician's tap on the step)."""
    step = page.evaluate("""(id) => { const s = document.querySelector(`[data-field="${id}"]`)?.closest('.form-step');
        return s && s.classList.contains('step-off') ? s.dataset.step : null; }""", field_id)
    if step:
        page.click(f"#form-steps button[data-step='{step}']")


def finish(page) -> None:
    page.click("#finish")
    page.wait_for_selector("#orders", timeout=10000)


def poll(page, function: str, timeout: float = 15.0):
    """Waits until `function` (JS, may be async) returns a truthy value; wait_for_function would
    need eval, which the app's CSP forbids."""
    from playwright.sync_api import Error
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(function)
        except Error as err:                       # a reload in between: try again in the new page
            if "context was destroyed" not in str(err) and "navigation" not in str(err):
                raise
            value = None
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {function}"
        page.wait_for_timeout(200)


def wait_controlled(page) -> None:
    poll(page, "() => navigator.serviceWorker.controller !== null")


def wait_outbox_empty(page, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while outbox(page):
        assert time.monotonic() < deadline, f"outbox not empty: {outbox(page)}"
        page.wait_for_timeout(300)


def order_states(page) -> dict:
    return {o["id"]: o["local"] for o in idb(page, "return (await m('db/orders.js')).listOrders(db, tech);")}


def outbox(page) -> list[dict]:
    return idb(page, "return (await m('db/outbox.js')).listOutbox(db);")


def local_reports(page) -> list[dict]:
    return idb(page, "return (await m('db/reports.js')).listReports(db, tech);")


def local_blobs(page) -> dict:
    """sha256 -> bytes of every blob the tablet holds for the current technician."""
    rows = idb(page, """
        const stored = await db.read(['blobs'], (t) => t.all('blobs', 'tech', tech));
        const rows = await (await m('db/sealed.js')).openRows('blobs', stored);
        return rows.map((r) => {
            const bytes = new Uint8Array(r.data);
            let text = '';
            for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
            return [r.sha256, btoa(text)];
        });
    """)
    return {sha: base64.b64decode(b64) for sha, b64 in rows}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def countersign_on_tablet(page, chief_login: str, code: str, seed: int = 5) -> None:
    """From a complete form: "Faire contresigner par le chef", the chief picks their name, draws,
    types their code and confirms; back on the round once the report is queued."""
    page.click("#countersign-start")
    page.wait_for_selector("#countersign-review")
    page.check(f"#countersign-chief input[value='{chief_login}']")
    draw(page, page.locator("canvas#countersign-pad"), seed)
    page.fill("#countersign-code", code)
    page.click("#countersign-confirm")
    page.wait_for_selector("#orders", timeout=20000)
