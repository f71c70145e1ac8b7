"""The office review and dispatch pages through the test client: access per role, CSRF, the flows."""
import json
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Order, Report
from server.services.review.reports import countersign_report
from tests.conftest import csrf_token_from
from tests.review_reports import CHIEF_SIGNATURE, demo_order, store_report, user

ROUTES = [  # (method, path template, roles allowed)
    ("GET", "/dispatch", {"chief", "admin"}),
    ("POST", "/dispatch/orders/{order}/assign", {"chief", "admin"}),
    ("POST", "/dispatch/orders/{order}/move", {"chief", "admin"}),
    ("POST", "/dispatch/orders/{order}/window", {"chief", "admin"}),
    ("POST", "/dispatch/orders/{order}/cancel", {"chief", "admin"}),
    ("GET", "/reports", {"agent", "chief", "controller", "admin"}),
    ("GET", "/reports/{report}", {"agent", "chief", "controller", "admin"}),
    ("GET", "/reports/{report}/blobs/{blob}", {"agent", "chief", "controller", "admin"}),
    ("POST", "/reports/{report}/countersign", {"chief"}),
    ("POST", "/reports/{report}/accept", {"agent", "admin"}),
    ("POST", "/reports/{report}/reject", {"agent", "admin"}),
    ("POST", "/reports/{report}/correct", {"agent", "chief", "admin"}),
    ("POST", "/reports/bulk-accept", {"agent", "admin"}),
    ("GET", "/reports/review", {"chief"}),
    ("GET", "/reports/review/{report}", {"chief"}),
    ("POST", "/reports/review/{report}/clean", {"chief"}),
    ("POST", "/reports/review/countersign", {"chief"}),
]
LOGINS = {"agent": "agent.eau", "chief": "chef.eau", "technician": "tech.eau1", "controller": "controle",
          "cashier": "caisse", "admin": "admin"}


@pytest.fixture
def world(sqlite_demo_app):
    with sqlite_demo_app.app_context():
        report = store_report(demo_order("P00000001"), answers={"index": 800})
        elec = store_report(demo_order("P00000121"), answers={"index": 99999})
        return {"order": report.order_id, "report": report.id, "blob": "a" * 64, "elec_report": elec.id}


def token_of(client, path="/"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


@pytest.mark.parametrize("role", sorted(LOGINS))
def test_every_review_route_refuses_the_wrong_roles(office, world, role):
    client = office(LOGINS[role])
    token = token_of(client, "/login")
    ids = dict(world, report=world["elec_report"]) if role == "controller" else world  # the controller is electricity's
    for method, template, allowed in ROUTES:
        answer = client.open(template.format(**ids), method=method, data={"csrf_token": token})
        if role in allowed:
            assert answer.status_code not in (401, 403), f"{role} refused on {method} {template}"
        else:
            assert answer.status_code == 403, f"{role} got {answer.status_code} on {method} {template}"


def test_technicians_never_reach_office_pages(office, world):
    client = office("tech.eau1")
    assert client.get("/reports").status_code == 403 and client.get("/dispatch").status_code == 403


def test_posts_without_csrf_are_refused(office, world):
    client = office("agent.eau")
    assert client.post(f"/reports/{world['report']}/reject", data={"reason": "x"}).status_code == 400


def test_E7_chief_countersigns_on_the_web_and_the_agent_accepts(office, world, sqlite_demo_app):
    chief = office("chef.eau")
    page = chief.get(f"/reports/{world['report']}").get_data(as_text=True)
    assert "Contresigner" in page and "openstreetmap.org/?mlat=" in page and "le contenu vérifie" in page
    strokes = json.dumps([[[10, 10], [50, 40], [90, 20]]])
    answer = chief.post(f"/reports/{world['report']}/countersign",
                        data={"csrf_token": csrf_token_from(page), "signer_name": "Bruno Lambert", "strokes": strokes})
    assert answer.status_code == 302
    agent = office("agent.eau")
    page = agent.get(f"/reports/{world['report']}").get_data(as_text=True)
    assert "contresigné" in page and "Contresigné par" in page
    answer = agent.post(f"/reports/{world['report']}/accept", data={"csrf_token": csrf_token_from(page)}, follow_redirects=True)
    assert "accepté" in answer.get_data(as_text=True)
    with sqlite_demo_app.app_context():
        assert db.session.get(Report, world["report"]).state == "accepted"


def test_E11_tampered_report_page_says_it_does_not_verify(office, world, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        report = db.session.get(Report, world["report"])
        countersign_report(report.id, chief=user("chef.eau"), signature=CHIEF_SIGNATURE, now=datetime.now(timezone.utc))
        tampered = dict(report.content, answers={**report.content["answers"], "index": 999})
        db.session.execute(Report.__table__.update().where(Report.id == report.id).values(content=tampered))
        db.session.commit()
    page = office("agent.eau").get(f"/reports/{world['report']}").get_data(as_text=True)
    assert "ne vérifie pas" in page


def test_correction_from_the_page_makes_version_2(office, world):
    agent = office("agent.eau")
    page = agent.get(f"/reports/{world['report']}").get_data(as_text=True)
    agent.post(f"/reports/{world['report']}/correct", data={"csrf_token": csrf_token_from(page), "field_id": "index",
                                                           "value": "812", "reason": "Lecture de la photo"})
    page = agent.get(f"/reports/{world['report']}").get_data(as_text=True)
    assert 'data-version="2"' in page and "Lecture de la photo" in page


def test_reject_from_the_page_reissues_the_order(office, world, sqlite_demo_app):
    agent = office("agent.eau")
    page = agent.get(f"/reports/{world['report']}").get_data(as_text=True)
    answer = agent.post(f"/reports/{world['report']}/reject", data={"csrf_token": csrf_token_from(page), "reason": "Photo floue"},
                        follow_redirects=True)
    assert re.search(r"ordre AT\d+ ré-émis", answer.get_data(as_text=True))


def test_cockpit_lists_the_report_with_its_flags(office, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        store_report(demo_order("P00000002"), answers={"index": 10, "meter_serial": "W-OTHER"})
    page = office("agent.eau").get("/reports").get_data(as_text=True)
    assert "différent du compteur de l&#39;ordre" in page and "inférieur au dernier index" in page


def test_photos_are_served_only_through_a_report_that_names_them(office, world, sqlite_demo_app):
    client = office("agent.eau")
    assert client.get(f"/reports/{world['report']}/blobs/{'f' * 64}").status_code == 404
    assert client.get(f"/reports/{world['report']}/blobs/{'a' * 64}").status_code == 404  # named, not received yet


def test_chief_assigns_reorders_sets_a_window_and_cancels(office, sqlite_demo_app):
    chief = office("chef.eau")
    page = chief.get("/dispatch").get_data(as_text=True)
    assert "Julien Roux" in page and "Sur la tablette" in page
    token = csrf_token_from(page)
    with sqlite_demo_app.app_context():
        first = demo_order("P00000001").id
        second = demo_order("P00000002").id
        tech2 = user("tech.eau2").id
    chief.post(f"/dispatch/orders/{second}/move", data={"csrf_token": token, "step": "-1"})
    chief.post(f"/dispatch/orders/{first}/window", data={"csrf_token": token, "start": "09:00", "end": "11:00"})
    chief.post(f"/dispatch/orders/{first}/assign", data={"csrf_token": token, "technician_id": str(tech2)})
    chief.post(f"/dispatch/orders/{second}/cancel", data={"csrf_token": token, "reason": "Client rappelé"})
    with sqlite_demo_app.app_context():
        a, b = db.session.get(Order, first), db.session.get(Order, second)
        assert a.assignee_id == tech2 and a.previous_assignee_id == user("tech.eau1").id and a.window_start is not None
        assert b.state == "cancelled" and b.round_position == 1


def test_a_water_chief_cannot_plan_electricity_orders(office, sqlite_demo_app):
    chief = office("chef.eau")
    token = token_of(chief, "/dispatch")
    with sqlite_demo_app.app_context():
        order = demo_order("P00000121").id
    assert chief.post(f"/dispatch/orders/{order}/cancel", data={"csrf_token": token, "reason": "x"}).status_code == 404  # another utility: not found


def test_contents_kept_aside_by_the_sync_are_listed_in_the_cockpit(office, sqlite_demo_app):
    from server.models import QuarantinedReport
    with sqlite_demo_app.app_context():
        report = store_report(demo_order("P00000001"), answers={"index": 800})
        db.session.add(QuarantinedReport(uuid=report.uuid, technician_id=report.technician_id, reason="mismatch",
                                         content_sha256="e" * 64, details="uuid: contenu différent", content={}))
        db.session.commit()
        report_id = report.id
    client = office("agent.eau")
    assert "même identifiant, contenu différent" in client.get("/reports").get_data(as_text=True)
    assert "duplicate_aside" in client.get(f"/reports/{report_id}").get_data(as_text=True)


def test_a_received_photo_is_served_to_the_office_by_its_content_type(office, sqlite_demo_app):
    import hashlib
    import io
    from pathlib import Path

    from server.blobs import DiskBlobStore
    png = (Path(__file__).resolve().parents[2] / "fixtures" / "sync" / "blobs" / "signature.png").read_bytes()
    sha = hashlib.sha256(png).hexdigest()
    with sqlite_demo_app.app_context():
        DiskBlobStore(sqlite_demo_app.config["BLOB_DIR"], 10**7).save(sha, io.BytesIO(png))
        report_id = store_report(demo_order("P00000121"), answers={"index": 99999}, photo=sha).id
    answer = office("controle").get(f"/reports/{report_id}/blobs/{sha}")
    assert answer.status_code == 200 and answer.mimetype == "image/png" and answer.data == png
    assert office("tech.elec1").get(f"/reports/{report_id}/blobs/{sha}").status_code == 403
    assert office("agent.eau").get(f"/reports/{report_id}/blobs/{sha}").status_code == 404  # another utility: not found


def test_office_users_work_only_on_the_reports_of_their_utility(office, world):
    agent = office("agent.elec")
    token = token_of(agent)
    assert agent.get(f"/reports/{world['report']}").status_code == 404
    assert agent.post(f"/reports/{world['report']}/reject", data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert office("admin").get(f"/reports/{world['report']}").status_code == 200


def test_E7_chief_judges_reports_clean_in_the_queue_then_countersigns_them_at_once(office, world, sqlite_demo_app):
    chief = office("chef.eau")
    page = chief.get("/reports/review", follow_redirects=True).get_data(as_text=True)
    assert 'id="queue-position"' in page and "Bon à contresigner" in page
    answer = chief.post(f"/reports/review/{world['report']}/clean", data={"csrf_token": csrf_token_from(page)})
    assert answer.status_code == 302
    page = chief.get(f"/reports/review/{world['report']}").get_data(as_text=True)
    assert 'id="batch-form"' in page and f'value="{world["report"]}"' in page
    strokes = json.dumps([[[10, 10], [50, 40], [90, 20]]])
    answer = chief.post("/reports/review/countersign", follow_redirects=True, data={
        "csrf_token": csrf_token_from(page), "signer_name": "Bruno Lambert", "strokes": strokes, "ids": str(world["report"])})
    assert "1 compte(s)-rendu(s) contresigné(s), chacun scellé" in answer.get_data(as_text=True)
    with sqlite_demo_app.app_context():
        assert db.session.get(Report, world["report"]).state == "countersigned"
    elec = chief.post(f"/reports/review/{world['elec_report']}/clean", data={"csrf_token": csrf_token_from(page)})
    assert elec.status_code == 404                       # another utility's report: not found (scope)


def test_a_report_opens_from_its_order_reference_or_its_customer(office, world, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        ref = db.session.get(Order, world["order"]).ref
    agent = office("agent.eau")
    page = agent.get(f"/reports?q={ref}").get_data(as_text=True)
    assert f'href="/reports/{world["report"]}" class="order-ref">{ref}</a>' in page
    names = re.findall(r'class="customer-name">([^<]+)</a>', page)
    assert names and f'/reports/{world["report"]}' in agent.get(f"/reports?q={names[0].split()[-1]}").get_data(as_text=True)
    assert f'/reports/{world["report"]}"' not in agent.get("/reports?q=AT9999999").get_data(as_text=True)


def test_staff_read_flags_and_messages_without_rule_codes(sqlite_demo_app):
    from server.web.display import rule_codes, without_rule_codes
    assert without_rule_codes("Contrat résilié au 01/12/2026 (W14/W15).") == "Contrat résilié au 01/12/2026."
    assert rule_codes("Contrat résilié au 01/12/2026 (W14/W15).") == "W14/W15"
    assert without_rule_codes("Dossier DEP0001 clos.") == "Dossier DEP0001 clos."


def test_the_chief_changes_an_order_from_its_planning_page_and_comes_back_to_the_round(office, sqlite_demo_app):
    """Issue 14: the board links each order still to do to its planning page (technician, window,
    cancellation) instead of carrying those forms for every order; a change made there leads back to the
    board it was opened from, here one technician's round."""
    chief = office("chef.eau")
    with sqlite_demo_app.app_context():
        order, julien, lea = demo_order("P00000001"), user("tech.eau1").id, user("tech.eau2").id
        order_id, ref = order.id, order.ref
    board = chief.get(f"/dispatch?technician={julien}").get_data(as_text=True)
    assert "Tournée de Julien Roux" in board and 'id="unassigned"' not in board
    link = f'/dispatch/orders/{order_id}?day='
    assert link in board and f"technician={julien}" in board.split(link, 1)[1].split('"', 1)[0]
    page = chief.get(f"/dispatch/orders/{order_id}?technician={julien}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ref in html and "Motif d’annulation" in html and "Léa Girard" in html
    answer = chief.post(f"/dispatch/orders/{order_id}/assign?technician={julien}",
                        data={"csrf_token": csrf_token_from(html), "technician_id": str(lea)})
    assert answer.status_code == 302 and f"technician={julien}" in answer.headers["Location"]
    with sqlite_demo_app.app_context():
        assert db.session.get(Order, order_id).assignee_id == lea
    assert chief.get(f"/dispatch?technician={user_id_of(sqlite_demo_app, 'tech.elec1')}").status_code == 403  # not of the team
    with sqlite_demo_app.app_context():
        other = demo_order("P00000121").id
    assert chief.get(f"/dispatch/orders/{other}").status_code == 404  # another utility's order: not found


def user_id_of(app, login: str) -> int:
    with app.app_context():
        return user(login).id
