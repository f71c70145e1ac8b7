"""E8: the back office's list of terminated contracts whose deposit was neither refunded nor used, reached
from the office menu (demo data on SQLite, plus a contract of the test's own)."""
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
