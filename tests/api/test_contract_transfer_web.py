"""W11: a departure reported by the newcomer is performed from its arrival dossier: the old contract ends at
the transfer index, the newcomer's starts there, both invoices issued. HTTP on SQLite and PostgreSQL, own data."""
import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Contract, Customer, Dossier, Invoice, Task
from server.services.intake.departures import WaterDeparture, record_water_departure
from tests.conftest import csrf_token_from, sign_in
from tests.integration.flow_world import build_water_world, water_contract
from tests.review_reports import NOW

TODAY = date.today()


@pytest.fixture
def arrival(app):
    with app.app_context():
        agent = build_water_world(TODAY)["agent.eauflux"]
        contract = water_contract("WT0001", TODAY)
        asi = record_water_departure(contract.id, WaterDeparture(kind="newcomer", successor_name="Paul Durand",
                                                                 successor_phone="0611111111"),
                                     user=agent, now=NOW)
        assert (asi.type, asi.step) == ("ASI", "transfer")
        ids = asi.id, contract.id
    client = app.test_client()
    assert sign_in(client, "agent.eauflux").status_code == 302
    return (client, *ids)


def transfer(client, asi_id, **fields):
    page = client.get(f"/dossiers/{asi_id}").get_data(as_text=True)
    assert 'id="transfer-form"' in page
    client.post(f"/dossiers/{asi_id}/transfer", data={"csrf_token": csrf_token_from(page), **fields})
    return html.unescape(client.get(f"/dossiers/{asi_id}").get_data(as_text=True))


def test_W11_the_transfer_screen_ends_the_old_contract_starts_the_new_one_and_issues_both_invoices(app, arrival):
    client, asi_id, old_id = arrival
    page = transfer(client, asi_id, index="1150", on=TODAY.isoformat())
    assert "Mutation réalisée" in page
    with app.app_context():
        old = db.session.get(Contract, old_id)
        new = db.session.scalar(select(Contract).where(Contract.id != old_id))
        asi = db.session.get(Dossier, asi_id)
        assert (old.state, old.end_on) == ("terminated", TODAY)
        assert (new.state, new.start_on, new.delivery_point_id, new.customer.last_name) == \
            ("active", TODAY, old.delivery_point_id, "Paul Durand")
        assert db.session.get(Customer, new.customer_id).status == "customer"
        invoices = {i.contract_id: i for i in db.session.scalars(select(Invoice))}
        assert invoices[old_id].kind in ("closing", "credit_note") and invoices[new.id].kind == "subscription"
        assert {i.state for i in invoices.values()} == {"issued"} and {i.reading_index for i in invoices.values()} == {1150}
        assert (asi.state, asi.step, asi.contract_id) == ("closed", "transferred", new.id)
        assert [t.state for t in db.session.scalars(select(Task).where(Task.dossier_id == asi_id))] == ["done"]
    assert 'id="transfer-form"' not in client.get(f"/dossiers/{asi_id}").get_data(as_text=True)


def test_W11_an_incoherent_index_needs_the_confirmation_and_nothing_changes_before(app, arrival):
    client, asi_id, old_id = arrival
    page = transfer(client, asi_id, index="900", on=TODAY.isoformat())  # below the last reading 1120
    assert "Index de mutation 900 incohérent" in page
    with app.app_context():
        assert db.session.get(Contract, old_id).state == "active"
        assert db.session.scalars(select(Invoice)).all() == []
    page = transfer(client, asi_id, index="99990", on=TODAY.isoformat(), index_confirmed="y")
    with app.app_context():
        assert db.session.get(Contract, old_id).state == "terminated"


def test_W11_a_future_transfer_date_or_a_missing_index_is_refused(app, arrival):
    client, asi_id, old_id = arrival
    assert "Date de mutation impossible" in transfer(client, asi_id, index="1150",
                                                     on=(TODAY + timedelta(days=3)).isoformat())
    assert "Index de mutation requis." in transfer(client, asi_id, on=TODAY.isoformat())
    with app.app_context():
        assert db.session.get(Contract, old_id).state == "active"
