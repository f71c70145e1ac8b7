"""The office's "Clore le dossier" with work still in the field (W17): refused in one click, a confirmation page
that says what will happen, a reason; the dossier page shows what remains. SQLite and PostgreSQL, own data."""
import html

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Contract, Dossier, Order
from server.services.dossiers.orders import assign_order
from server.services.intake.termination_requests import ElectricityTermination, record_termination
from tests.conftest import csrf_token_from, sign_in
from tests.integration.flow_world import build_electricity_world, electricity_contract
from tests.review_reports import NOW


@pytest.fixture
def dossier(app):
    """An electricity termination whose cut-off order is on Rodrigue Zinsou's tablet: (dossier id, order ref)."""
    with app.app_context():
        users = build_electricity_world(NOW.date())
        contract = electricity_contract("FW0001", NOW.date())
        dep = record_termination(contract.id, ElectricityTermination(
            kind="classic", termination_on=NOW.date(), requester_name="Koffi Client", requester_identity="CNI 1",
            ), user=users["agent.flux"], now=NOW)
        db.session.commit()
        order = db.session.scalar(select(Order).where(Order.dossier_id == dep.id))
        assign_order(order.id, users["tech.flux"].id, by=users["chef.flux"], now=NOW)
        return dep.id, order.ref


def state_of(app, dossier_id):
    with app.app_context():
        dep = db.session.get(Dossier, dossier_id)
        order = db.session.scalar(select(Order).where(Order.dossier_id == dossier_id))
        return dep.state, order.state, db.session.get(Contract, dep.contract_id).state


def test_W17_dossier_page_shows_what_remains_and_leads_to_the_confirmation(app, dossier):
    dossier_id, ref = dossier
    agent = app.test_client()
    assert sign_in(agent, "agent.flux").status_code == 302
    page = agent.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert f"Ordre {ref} (Interruption et relevé) — Rodrigue Zinsou : compte-rendu attendu du terrain." in page
    assert "Contrat FW0001 en résiliation" in page
    assert f'href="/dossiers/{dossier_id}/close/confirm"' in page
    one_click = agent.post(f"/dossiers/{dossier_id}/close", data={"csrf_token": csrf_token_from(page)})
    assert one_click.status_code == 302
    assert "confirmer leur annulation" in agent.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert state_of(app, dossier_id) == ("open", "assigned", "terminating")


def test_W17_confirmation_says_what_happens_needs_a_reason_then_closes(app, dossier):
    dossier_id, ref = dossier
    agent = app.test_client()
    sign_in(agent, "agent.flux")
    confirm = html.unescape(agent.get(f"/dossiers/{dossier_id}/close/confirm").get_data(as_text=True))
    assert f"L'ordre {ref} (Interruption et relevé) sera annulé et retiré de la tablette de Rodrigue Zinsou" in confirm
    assert "La résiliation du contrat FW0001 sera abandonnée : le contrat reste actif" in confirm
    token = csrf_token_from(confirm)
    empty = agent.post(f"/dossiers/{dossier_id}/close/confirm", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 422 and "Motif requis." in empty.get_data(as_text=True)
    assert state_of(app, dossier_id) == ("open", "assigned", "terminating")
    done = agent.post(f"/dossiers/{dossier_id}/close/confirm",
                      data={"csrf_token": token, "reason": "Le client reste finalement"})
    assert done.status_code == 302
    assert state_of(app, dossier_id) == ("closed", "cancelled", "active")
    page = agent.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Dossier clos : Le client reste finalement" in page and "rien ne reste à faire" in page


def test_W17_confirmation_page_is_for_agents_only(app, dossier):
    dossier_id, _ = dossier
    technician = app.test_client()
    sign_in(technician, "chef.flux")
    assert technician.get(f"/dossiers/{dossier_id}/close/confirm").status_code == 403
