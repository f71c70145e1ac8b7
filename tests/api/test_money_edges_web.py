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
    assert "résiliation différée" in page and order_ref in page and "W17" in page  # in the "détails"
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


def test_W20_contest_through_the_office_shows_the_net_result_and_where_the_paid_bill_is_refunded(office, sqlite_demo_app):
    from datetime import datetime, timedelta, timezone
    from decimal import Decimal
    from server.models import Invoice, Reading
    from server.services.closing.invoices import last_billed_reading
    from server.services.intake.departures import WaterDeparture, record_water_departure
    from tests.conftest import csrf_token_from
    from tests.review_reports import user
    told = date.today() - timedelta(days=60)
    with sqlite_demo_app.app_context():
        contract = db.session.get(Contract, 13)
        record_water_departure(13, WaterDeparture(kind="announced", departure_on=told + timedelta(days=5),
                                                  email="a@example.org", mobile="0611"),
                               user=user("agent.eau"), now=datetime.combine(told, datetime.min.time(), timezone.utc))
        billed = last_billed_reading(contract.point.meters[0])
        later = Reading(meter_id=billed.meter_id, read_on=told + timedelta(days=25), index=billed.index + 40,
                        source="agent", billed=True)
        paid = Invoice(number="FP-WEB-1", kind="periodic", state="paid", contract_id=13,
                       customer_id=contract.customer_id, issued_on=told + timedelta(days=30), total=Decimal("120.00"),
                       reading_date=later.read_on, reading_index=later.index, paid_on=told + timedelta(days=31))
        db.session.add_all([later, paid])
        db.session.commit()
        paid_id, real_index = paid.id, billed.index + 5
    agent = office("agent.eau")
    token = csrf_token_from(agent.get("/contracts/13/departure").get_data(as_text=True))
    page = agent.post("/contracts/13/departure", follow_redirects=True, data={
        "csrf_token": token, "kind": "contest", "departure_on": (told + timedelta(days=5)).isoformat(),
        "index": str(real_index)}).get_data(as_text=True)
    assert "Résultat net de la contestation" in page and "FP-WEB-1" in page
    cancelled = agent.get(f"/invoices/{paid_id}").get_data(as_text=True)
    assert 'id="contest-refund"' in cancelled and "annulée" in cancelled
    with sqlite_demo_app.app_context():
        closing = db.session.scalar(select(Invoice).where(Invoice.contract_id == 13, Invoice.kind == "closing"))
        number, closing_id = closing.number, closing.id
        assert closing.lines[-1]["amount"] == "-120.00" and "FP-WEB-1" in closing.lines[-1]["label"]
        assert closing.reading_index == real_index and closing.period_end == told + timedelta(days=5)
    assert number in cancelled
    shown = agent.get(f"/invoices/{closing_id}").get_data(as_text=True)
    assert "Remboursement de la facture FP-WEB-1 annulée" in shown
