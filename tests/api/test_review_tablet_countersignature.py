"""E7 on the tablet: the chief countersigns on the technician's tablet and proves it with their code;
the signature travels in the report's push, the proof beside it (sync/PROTOCOL.md §8), and the
office verifies the chief and the proof, then seals the report. Also the pull's delivery receipt (§3)."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Countersignature, Report, User
from server.services.field import dispatch
from server.services.base.countersigners import code_state, countersigners_for
from server.services.base.seeding import DEMO_COUNTERSIGN_CODE
from tests.conftest import csrf_token_from
from tests.e2e.tablet_client import SIGNATURE_PNG, Tablet, sha

STROKES = [[[3, 3], [30, 25], [70, 10]]]
ADDRESSES = ["58 avenue Jean Jaurès"]


class ClientTablet(Tablet):
    """The same tablet, over the Flask test client instead of a socket."""

    def __init__(self, client, login):
        self.client = client
        super().__init__("", login)

    def call(self, method, path, body=None, data=None, content_type="application/json"):
        headers = {"Authorization": f"Bearer {self.token}"} if getattr(self, "token", None) else {}
        answer = self.client.open(path, method=method, headers=headers, content_type=content_type,
                                  data=data if data is not None else (json.dumps(body) if body is not None else None))
        assert answer.status_code < 400, answer.get_data(as_text=True)
        return answer.get_json(silent=True)


def countersignature(login: str, strokes=STROKES) -> dict:
    return {"chief_login": login, "signature": {"sha256": sha(SIGNATURE_PNG), "signer_name": "Bruno Lambert",
                                                "strokes": strokes}, "device_time": "2026-11-23T09:20:00+01:00"}


@pytest.fixture
def tablet(sqlite_demo_app):
    tablet = ClientTablet(sqlite_demo_app.test_client(), "tech.eau1")
    tablet.pull()
    return tablet


def some_order(tablet, n=0):
    return sorted(tablet.orders.values(), key=lambda o: o["id"])[n]


def test_E7_pull_lists_the_chiefs_who_may_countersign_on_this_tablet_without_their_key(tablet):
    assert [c["login"] for c in tablet.countersigners] == ["chef.eau"]
    chief = tablet.countersigners[0]
    assert set(chief) == {"login", "name", "salt", "iterations"} and len(chief["salt"]) == 32
    assert chief["iterations"] >= 600_000


def test_E7_countersignature_with_the_chiefs_code_is_sealed_on_the_tablet_channel(office, sqlite_demo_app, tablet):
    result = tablet.complete(tablet.order_at(ADDRESSES[0]), countersignature=countersignature("chef.eau"),
                             chief_code=DEMO_COUNTERSIGN_CODE)
    assert result["status"] == "applied" and result["countersignature"] == {"status": "sealed"}, result
    page = office("agent.eau").get(f"/reports/{result['report_id']}").get_data(as_text=True)
    with sqlite_demo_app.app_context():
        report = db.session.get(Report, result["report_id"])
        seal = db.session.scalar(select(Countersignature).where(Countersignature.report_id == report.id))
        assert report.state == "countersigned"
        assert seal.channel == "tablet" and seal.signature["strokes"] == STROKES and seal.device_id == report.device_id
        assert DEMO_COUNTERSIGN_CODE not in json.dumps(report.content)  # neither the code nor the proof is kept
    assert "Contresigné par Bruno Lambert (tablette)" in page and "ne vérifie pas" not in page


@pytest.mark.parametrize("chief,code,strokes,reason,label", [
    ("chef.eau", "mauvais2026", STROKES, "bad_proof", "code de contresignature incorrect"),
    ("chef.eau", None, STROKES, "no_proof", "preuve du code absente"),
    ("chef.eau", DEMO_COUNTERSIGN_CODE, [], "no_strokes", "signature vide"),
    ("chef.elec", DEMO_COUNTERSIGN_CODE, STROKES, "not_allowed", "chef non habilité"),
    ("tech.eau2", DEMO_COUNTERSIGN_CODE, STROKES, "not_allowed", "chef non habilité"),
    ("personne", DEMO_COUNTERSIGN_CODE, STROKES, "unknown_chief", "chef inconnu"),
])
def test_E7_countersignature_without_a_valid_proof_is_kept_but_left_to_the_office(
        office, sqlite_demo_app, tablet, chief, code, strokes, reason, label):
    result = tablet.complete(tablet.order_at(ADDRESSES[0]), countersignature=countersignature(chief, strokes),
                             chief_code=code)
    assert result["status"] == "applied", result  # the report itself always counts
    assert result["countersignature"] == {"status": "refused", "reason": reason}
    web = office("chef.eau")
    page = web.get(f"/reports/{result['report_id']}").get_data(as_text=True)
    assert label in page and "Le chef contresigne ici" in page
    with sqlite_demo_app.app_context():
        report = db.session.get(Report, result["report_id"])
        assert report.state == "received"
        assert db.session.scalar(select(Countersignature).where(Countersignature.report_id == report.id)) is None
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "refuse_tablet_countersignature"))
        assert audit.details["reason"] == reason
    # The chief countersigns on the office web instead.
    answer = web.post(f"/reports/{result['report_id']}/countersign", data={
        "csrf_token": csrf_token_from(page), "signer_name": "Bruno Lambert", "strokes": json.dumps(STROKES)})
    assert answer.status_code == 302
    with sqlite_demo_app.app_context():
        assert db.session.get(Report, result["report_id"]).state == "countersigned"


def test_E7_a_resent_report_is_judged_once(tablet):
    order = tablet.order_at(ADDRESSES[0])
    first = tablet.complete(order, countersignature=countersignature("chef.eau"), chief_code="mauvais2026")
    again = tablet.call("POST", "/api/v1/sync/push", tablet.last_push)["results"][0]
    assert again["status"] == "duplicate" and again["countersignature"] == first["countersignature"]


def test_E7_five_wrong_proofs_lock_the_chiefs_code_for_that_tablet_until_renewed(office, sqlite_demo_app, tablet):
    mine = sorted(tablet.orders.values(), key=lambda o: o["id"])
    orders = [mine[i % len(mine)] for i in range(7)]  # a report again on the same order is stored too
    for order in orders[:5]:
        result = tablet.complete(order, countersignature=countersignature("chef.eau"), chief_code="devine2026")
        assert result["countersignature"]["reason"] == "bad_proof"
    tablet.pull()
    assert tablet.countersigners == []  # the locked chief left the list
    with sqlite_demo_app.app_context():
        chief = db.session.scalar(select(User).where(User.login == "chef.eau"))
        state = code_state(chief)
        assert state.locked_at is not None and state.failures == 5 and chief.countersign_locked_at is None
        salt, iterations = chief.countersign_salt, chief.countersign_iterations
        other = db.session.scalar(select(User).where(User.login == "tech.eau2"))
        assert [c["login"] for c in countersigners_for(other)] == ["chef.eau"]  # another tablet keeps the code
    tablet.countersigners = [{"login": "chef.eau", "salt": salt, "iterations": iterations}]  # a stale list
    locked = tablet.complete(orders[5], countersignature=countersignature("chef.eau"), chief_code=DEMO_COUNTERSIGN_CODE)
    assert locked["countersignature"] == {"status": "refused", "reason": "code_locked"}
    web = office("chef.eau")
    page = web.get("/account/countersign-code").get_data(as_text=True)
    assert "Code bloqué" in page
    web.post("/account/countersign-code", data={"csrf_token": csrf_token_from(page), "code": "nouveau2027",
                                                "confirm": "nouveau2027", "password": "tournee2026"})
    tablet.pull()
    assert [c["login"] for c in tablet.countersigners] == ["chef.eau"]
    result = tablet.complete(orders[6], countersignature=countersignature("chef.eau"), chief_code="nouveau2027")
    assert result["countersignature"] == {"status": "sealed"}


@pytest.mark.parametrize("code,confirm,password,message", [
    ("court1", "court1", "tournee2026", "de 8 à 64 caractères"),
    ("sanschiffre", "sanschiffre", "tournee2026", "au moins une lettre et un chiffre"),
    ("nouveau2027", "nouveau2028", "tournee2026", "Les deux saisies du code diffèrent"),
    ("nouveau2027", "nouveau2027", "faux", "Mot de passe incorrect"),
])
def test_E7_a_chief_sets_a_code_only_long_enough_and_after_reentering_their_password(
        office, sqlite_demo_app, code, confirm, password, message):
    web = office("chef.eau")
    page = web.get("/account/countersign-code").get_data(as_text=True)
    assert "Code en vigueur depuis le" in page
    with sqlite_demo_app.app_context():
        before = db.session.scalar(select(User.countersign_key).where(User.login == "chef.eau"))
    answer = web.post("/account/countersign-code", data={"csrf_token": csrf_token_from(page), "code": code,
                                                         "confirm": confirm, "password": password})
    assert answer.status_code == 200 and message in answer.get_data(as_text=True)
    with sqlite_demo_app.app_context():
        assert db.session.scalar(select(User.countersign_key).where(User.login == "chef.eau")) == before


def test_E7_a_chiefs_new_code_replaces_the_old_one_and_is_never_stored_in_clear(office, sqlite_demo_app, tablet):
    web = office("chef.eau")
    page = web.get("/account/countersign-code").get_data(as_text=True)
    answer = web.post("/account/countersign-code", data={"csrf_token": csrf_token_from(page), "code": "nouveau2027",
                                                         "confirm": "nouveau2027", "password": "tournee2026"})
    assert answer.status_code == 302
    with sqlite_demo_app.app_context():
        chief = db.session.scalar(select(User).where(User.login == "chef.eau"))
        stored = json.dumps({c.name: str(getattr(chief, c.name)) for c in User.__table__.columns})
        assert "nouveau2027" not in stored
    old = tablet.complete(some_order(tablet), countersignature=countersignature("chef.eau"),
                          chief_code=DEMO_COUNTERSIGN_CODE)  # the tablet has not pulled the new salt yet
    assert old["countersignature"] == {"status": "refused", "reason": "code_renewed"}
    with sqlite_demo_app.app_context():  # not a guess: nothing counted against the new code
        assert code_state(db.session.scalar(select(User).where(User.login == "chef.eau"))).failures == 0
    tablet.pull()
    new = tablet.complete(some_order(tablet, 1), countersignature=countersignature("chef.eau"), chief_code="nouveau2027")
    assert new["countersignature"] == {"status": "sealed"}


def test_pull_cursor_handed_back_is_the_tablets_delivery_receipt(sqlite_demo_app, tablet):
    def julien():
        with sqlite_demo_app.app_context():
            chief = db.session.scalar(select(User).where(User.login == "chef.eau"))
            board = dispatch.day_board(chief, date.today(), now=datetime.now(timezone.utc))
            return {column: {o.id for o in orders} for column, orders in
                    next(r for r in board.rounds if r.technician.login == "tech.eau1").orders.items()}

    mine = set(tablet.orders)
    assert julien()["on_tablet"] == set() and mine <= julien()["assigned"]  # pages sent, none acknowledged
    tablet.pull(fresh=False)  # the stored cursor handed back: the receipt
    assert mine <= julien()["on_tablet"]
    with sqlite_demo_app.app_context():
        chief = db.session.scalar(select(User).where(User.login == "chef.eau"))
        moved = min(mine)
        dispatch.set_window_times(moved, "15:00", "16:00", chief=chief, now=datetime.now(timezone.utc))
    assert moved in julien()["assigned"]  # changed since: not on the tablet until the next receipt
    tablet.pull(fresh=False)
    tablet.pull(fresh=False)
    assert moved in julien()["on_tablet"]


def test_a_made_up_cursor_proves_no_delivery_beyond_what_the_tablet_was_sent(sqlite_demo_app, tablet):
    import base64
    forged = base64.urlsafe_b64encode(json.dumps({"v": 1, "t": tablet.technician["id"], "seq": 10**15,
                                                  "forms": {}}).encode()).decode().rstrip("=")
    tablet.cursor = forged
    tablet.pull(fresh=False)
    with sqlite_demo_app.app_context():
        from server.models import Device, Order
        device = db.session.scalar(select(Device).where(Device.user_id == tablet.technician["id"]))
        sent = max(db.session.get(Order, o).change_seq for o in tablet.orders)
        assert device.delivered_seq == sent < 10**15  # bounded by the pages really sent
