"""The water departure intake at the office (HTTP, SQLite and PostgreSQL, data of its own): the form starts
from the customer's e-mail and mobile on file, the agent chooses the arrival branch (W14), and a departure
without any index says "index manquant" (W15)."""
import html
from datetime import date

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Dossier
from tests.conftest import csrf_token_from, sign_in
from tests.integration.flow_world import build_water_world, water_contract


@pytest.fixture
def agent(app):
    with app.app_context():
        build_water_world(date.today())
        contract_id = water_contract("WX0001", date.today()).id
    client = app.test_client()
    assert sign_in(client, "agent.eauflux").status_code == 302
    return client, contract_id


def intake(client, contract_id, **fields):
    page = client.get(f"/contracts/{contract_id}/departure").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "kind": "immediate", "departure_on": date.today().isoformat(),
            "owner_role": "owner", "proof": "none", "successor_source": "predecessor", **fields}
    return client.post(f"/contracts/{contract_id}/departure", data=data)


def test_W7_W13_intake_form_prefills_the_customers_email_and_mobile_from_the_file(agent):
    client, contract_id = agent
    page = client.get(f"/contracts/{contract_id}/departure").get_data(as_text=True)
    assert 'value="martine.leroux@example.fr"' in page and 'value="+33611223344"' in page


@pytest.mark.parametrize("source, label", [("predecessor", "Information par le prédécesseur"),
                                           ("third_party", "Information par un tiers"),
                                           ("field", "Information du terrain")])
def test_W14_agent_chooses_the_arrival_branch_at_intake(app, agent, source, label):
    client, contract_id = agent
    answer = intake(client, contract_id, index="1150", successor_name="Paul Durand", successor_source=source)
    assert answer.status_code == 302
    with app.app_context():
        asi = db.session.scalar(select(Dossier).where(Dossier.type == "ASI"))
        assert asi.branch == source
        page = html.unescape(client.get(f"/dossiers/{asi.id}").get_data(as_text=True))
    assert f'<dd id="dossier-branch">{label}</dd>' in page


def test_W14_an_unknown_branch_is_refused_and_nothing_is_recorded(app, agent):
    client, contract_id = agent
    answer = intake(client, contract_id, index="1150", successor_name="Paul Durand", successor_source="voisin")
    assert answer.status_code == 200
    assert "Choisir qui a fait connaître le successeur." in html.unescape(answer.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Dossier.id)) is None


def test_W15_departure_without_any_index_says_index_manquant(app, agent):
    client, contract_id = agent
    answer = intake(client, contract_id)
    text = html.unescape(answer.get_data(as_text=True))
    assert "Relevé non retenu (index manquant)" in text and "index incohérent" not in text
    with app.app_context():
        assert db.session.scalar(select(Dossier.id)) is None  # refused as a whole: the agent chooses photo or visit


def test_W23_indicators_page_writes_the_definition_of_a_request(agent):
    client, _ = agent
    page = html.unescape(client.get("/indicators").get_data(as_text=True))
    assert "Une demande de résiliation est une demande du client, comptée une seule fois" in page
    assert "confirmé en départ (DEP) est une seule demande" in page
