"""The money and termination edges through the office (demo data on SQLite, changed by each test as it needs):
E8 the list of terminated contracts whose deposit was neither refunded nor used, reached from the office menu;
W17 a termination deferred while field work is planned on the point."""
from datetime import date

from sqlalchemy import select

from server.extensions import db
from server.models import Contract


def test_E8_unsettled_deposits_page_is_in_the_agents_menu_and_empty_when_all_is_well(office, sqlite_demo_app):
    agent = office("agent.elec")
    assert 'href="/invoices/deposits"' in agent.get("/").get_data(as_text=True)
    page = agent.get("/invoices/deposits")
    assert page.status_code == 200
    assert 'id="deposits-empty"' in page.get_data(as_text=True)


def test_E8_a_terminated_contract_with_its_deposit_left_unsettled_shows_on_the_list(office, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.service == "electricity",
                                                            Contract.deposit_amount > 0).order_by(Contract.id))
        contract.state, contract.end_on = "terminated", date(2026, 11, 2)
        number = contract.number
        db.session.commit()
    html = office("agent.elec").get("/invoices/deposits").get_data(as_text=True)
    assert number in html and "02/11/2026" in html and 'id="deposits-empty"' not in html
    assert number not in office("agent.eau").get("/invoices/deposits").get_data(as_text=True)
    assert office("tech.elec1").get("/invoices/deposits").status_code == 403


def test_W17_the_dossier_page_shows_the_deferred_termination_until_the_chief_cancels_the_order_with_a_reason(
        office, sqlite_demo_app):
    """Through the office: a departure taken at the counter on a point where the demo's reading order is assigned
    to a technician waits for it; the chief's cancellation, with its reason, applies it."""
    from server.models import Dossier, Order
    from tests.conftest import csrf_token_from
    from tests.review_reports import demo_order
    with sqlite_demo_app.app_context():
        order = demo_order("P00000005")
        order_id, order_ref, contract_id = order.id, order.ref, order.contract_id or 5
        assert order.state == "assigned"
    agent = office("agent.eau")
    token = csrf_token_from(agent.get("/contracts/5/departure").get_data(as_text=True))
    page = agent.post("/contracts/5/departure", follow_redirects=True, data={
        "csrf_token": token, "kind": "immediate", "departure_on": date.today().isoformat(), "index": "3790",
        "email": "client@example.org", "mobile": "0611111111"}).get_data(as_text=True)
    assert "résiliation différée" in page and order_ref in page and "(W17)" in page
    with sqlite_demo_app.app_context():
        dep = db.session.scalar(select(Dossier).where(Dossier.contract_id == contract_id, Dossier.type == "DEP"))
        dep_id = dep.id
        assert (dep.state, db.session.get(Contract, contract_id).state) == ("open", "terminating")
    chief = office("chef.eau")
    token = csrf_token_from(chief.get("/dispatch").get_data(as_text=True))
    chief.post(f"/dispatch/orders/{order_id}/cancel", data={"csrf_token": token, "reason": "Client parti, relevé inutile"})
    with sqlite_demo_app.app_context():
        dep = db.session.get(Dossier, dep_id)
        assert (db.session.get(Order, order_id).state, dep.state) == ("cancelled", "closed")
        assert db.session.get(Contract, contract_id).state == "terminated"
    page = agent.get(f"/dossiers/{dep_id}").get_data(as_text=True)
    assert "Client parti, relevé inutile" in page and "résiliation différée appliquée" in page
