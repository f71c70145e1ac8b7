"""E2: the requester signs the order once it exists: the printed order brought back signed, confirmed by its
number, or drawn on the counter's screen. HTTP on SQLite and PostgreSQL, data of its own."""
import html
import json

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Dossier, Order
from tests.conftest import csrf_token_from, sign_in
from tests.integration.flow_world import build_electricity_world, electricity_contract
from tests.review_reports import NOW


@pytest.fixture
def agent(app):
    with app.app_context():
        build_electricity_world(NOW.date())
        contract_id = electricity_contract("FS0001", NOW.date()).id
    client = app.test_client()
    assert sign_in(client, "agent.flux").status_code == 302
    page = client.get(f"/contracts/{contract_id}/departure").get_data(as_text=True)
    assert 'id="requester_signed"' not in page  # nothing to tick before the order exists
    done = client.post(f"/contracts/{contract_id}/departure", data={
        "csrf_token": csrf_token_from(page), "kind": "classic", "requester_name": "Koffi Client",
        "requester_identity": "CNI FS0001"})
    assert done.status_code == 302
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.requester_signed, order.requester_signed_at) == (False, None)
        return client, order.id, order.ref, order.dossier_id


def sign(client, order_id, **fields):
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    return client.post(f"/orders/{order_id}/requester-signature", data={"csrf_token": csrf_token_from(page), **fields})


def order_of(app, order_id):
    with app.app_context():
        return db.session.get(Order, order_id)


def test_E2_dossier_shows_the_signature_to_collect_then_the_printed_order_is_confirmed_by_its_number(app, agent):
    client, order_id, ref, dossier_id = agent
    dossier = html.unescape(client.get(f"/dossiers/{dossier_id}").get_data(as_text=True))
    assert f"Signature du demandeur Koffi Client sur l'ordre {ref} à recueillir" in dossier
    wrong = sign(client, order_id, method="printed", typed_ref="AT9999999")
    assert wrong.status_code == 302
    assert f"Le numéro saisi ne correspond pas à l'ordre {ref}" in html.unescape(
        client.get(f"/orders/{order_id}").get_data(as_text=True))
    assert order_of(app, order_id).requester_signed is False
    assert sign(client, order_id, method="printed", typed_ref=ref.lower()).status_code == 302
    order = order_of(app, order_id)
    assert order.requester_signed and order.requester_signed_at is not None
    assert order.requester_signature["method"] == "printed"
    dossier = html.unescape(client.get(f"/dossiers/{dossier_id}").get_data(as_text=True))
    assert f"Ordre {ref} signé par le demandeur Koffi Client (ordre imprimé rapporté signé)." in dossier
    assert "<summary>détails</summary>Règle E2</details>" in dossier          # the rule id stays in the details
    assert "à recueillir" not in dossier
    assert sign(client, order_id, method="printed", typed_ref=ref).status_code == 302
    assert "a déjà signé" in html.unescape(client.get(f"/orders/{order_id}").get_data(as_text=True))


def test_E2_signature_drawn_on_the_counters_screen(app, agent):
    client, order_id, _, _ = agent
    empty = sign(client, order_id, method="drawn", strokes="")
    assert empty.status_code == 302 and order_of(app, order_id).requester_signed is False
    strokes = [[[10, 10], [60, 40], [120, 20]]]
    assert sign(client, order_id, method="drawn", strokes=json.dumps(strokes)).status_code == 302
    order = order_of(app, order_id)
    assert order.requester_signature["method"] == "drawn" and order.requester_signature["strokes"] == strokes


def test_E2_only_the_office_agents_record_it(app, agent):
    _, order_id, ref, _ = agent
    chief = app.test_client()
    sign_in(chief, "chef.flux")
    page = chief.get(f"/orders/{order_id}").get_data(as_text=True)
    answer = chief.post(f"/orders/{order_id}/requester-signature",
                        data={"csrf_token": csrf_token_from(page), "method": "printed", "typed_ref": ref})
    assert answer.status_code == 403 and order_of(app, order_id).requester_signed is False
