"""The departure procedures in the office through the test client: intake forms, dossier actions, task
and order lists, and every one of these routes walked with every role (403 for the wrong ones)."""
import re
from datetime import date, timedelta

import pytest

from tests.conftest import csrf_token_from

ROLE_LOGINS = {"agent": "agent.eau", "chief": "chef.eau", "technician": "tech.eau1", "controller": "controle",
               "cashier": "caisse", "admin": "admin"}
PAGES = {  # path: roles allowed
    "/dossiers": {"agent", "chief", "controller", "admin"},
    "/orders": {"agent", "chief", "controller", "admin"},
    "/orders?type=READING&state=assigned": {"agent", "chief", "controller", "admin"},
    "/tasks": {"agent", "chief", "controller", "cashier", "admin"},
    "/contracts/5/departure": {"agent", "admin"},
    "/contracts/122/departure": {"admin"},  # electricity: agent.eau gets 404 (own utility only, S2-1)
}
OTHER_UTILITY = {("agent", "/contracts/122/departure")}


def iso(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("role", sorted(ROLE_LOGINS))
def test_office_pages_of_the_procedures_per_role(office, role):
    client = office(ROLE_LOGINS[role])
    for path, allowed in PAGES.items():
        answer = client.get(path)
        expected = 200 if role in allowed else 404 if (role, path) in OTHER_UTILITY else 403
        assert answer.status_code == expected, f"{role} {path}: {answer.status_code}"


def post_form(client, path, data, page=None):
    token = csrf_token_from(client.get(page or path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)


def test_W4_W7_intake_shows_the_travel_fee_then_records_an_announced_departure(office):
    client = office("agent.eau")
    customer_page = client.get("/customers/5").get_data(as_text=True)
    assert "Nouvelle demande de départ / résiliation" in customer_page
    form = client.get("/contracts/5/departure").get_data(as_text=True)
    assert "45,00 €" in form and "45.00 EUR" not in form  # W4: the fee is shown before an appointment is booked
    refused = post_form(client, "/contracts/5/departure", {"kind": "announced", "departure_on": "",
                                                            "email": "", "mobile": ""})
    html = refused.get_data(as_text=True)
    assert "Départ annoncé incomplet" in html and "date prévisionnelle de départ est obligatoire" in html
    done = post_form(client, "/contracts/5/departure", {"kind": "announced", "departure_on": iso(5),
                                                         "email": "hugo@example.org", "mobile": "0611111111"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Départ client signalé" in html and "DSI" in html
    assert "Décaler le départ" in html and "Annuler le départ" in html


def test_W1_intake_page_refers_sewage_only_commune_to_the_water_manager(office):
    html = office("agent.eau").get("/contracts/3/departure").get_data(as_text=True)
    assert "Régie de l&#39;eau de Saint-Médard" in html and 'id="departure-form"' not in html


def test_W10_W9_dossier_actions_through_the_pages_and_illegal_ones_refused_in_french(office):
    client = office("agent.eau")
    done = post_form(client, "/contracts/13/departure", {"kind": "announced", "departure_on": iso(3),
                                                         "email": "a@example.org", "mobile": "06"})
    dossier_path = re.search(r"/dossiers/\d+", done.request.path).group(0)
    closed = post_form(client, dossier_path + "/close", {}, page=dossier_path)
    assert closed.status_code == 200 and "ne se clôt que lorsque le contrat" in closed.get_data(as_text=True)
    moved = post_form(client, dossier_path + "/postpone", {"new_date": iso(20)}, page=dossier_path)
    assert "relances recalculées" in moved.get_data(as_text=True)
    cancelled = post_form(client, dossier_path + "/cancel", {}, page=dossier_path)
    assert "Annulation enregistrée" in cancelled.get_data(as_text=True)
    again = post_form(client, dossier_path + "/cancel", {}, page=dossier_path)
    assert again.status_code == 200 and "impossible" in again.get_data(as_text=True)


def test_E5_electricity_termination_through_the_form_and_order_list_filters(office):
    client = office("agent.elec")
    done = post_form(client, "/contracts/122/departure", {
        "kind": "classic", "requester_name": "Koffi Adjovi", "requester_identity": "CNI 1",
        "requester_signed": "y"})
    html = done.get_data(as_text=True)
    assert "Interruption et relevé" in html and "dépose à la date de résiliation" in html
    listing = client.get("/orders?type=CUTOFF&state=issued").get_data(as_text=True)
    assert "Interruption et relevé" in listing and "Relevé d'index" not in listing.split("<tbody>")[-1]
    assert client.get("/orders?date_from=pas-une-date").status_code == 200


def test_W8_no_answer_on_the_analysis_task_issues_the_investigation_order(office, sqlite_demo_app):
    from server.services.dossiers.timelines import tick
    from tests.integration.procedure_world import at
    client = office("agent.eau")
    done = post_form(client, "/contracts/5/departure", {"kind": "announced", "departure_on": iso(1),
                                                         "email": "a@example.org", "mobile": "06"})
    with sqlite_demo_app.app_context():
        tick(at(date.today() + timedelta(days=31)))
    dsi_page = client.get(done.request.path).get_data(as_text=True)
    assert "Relance e-mail envoyée" in dsi_page and "Client injoignable : enquête sur place" in dsi_page
    board = client.get("/tasks").get_data(as_text=True)
    assert "Analyser un départ annoncé" in board and "/invoices/overdue" in board
    task_id = re.findall(r"/tasks/(\d+)/no_answer", board)[-1]
    answer = post_form(client, f"/tasks/{task_id}/no_answer", {}, page="/tasks")
    assert "Enquête client" in answer.get_data(as_text=True)
    assert "Enquête client" in client.get("/orders?type=INVESTIGATION").get_data(as_text=True)


def test_E4_takeover_page_shows_both_invoices_and_sends_to_the_cashier(office):
    client = office("agent.elec")
    takeover = {"kind": "takeover", "index": "5000", "successor_name": "Afi Dossou", "successor_identity": "CNI 998877"}
    refused = post_form(client, "/contracts/124/departure", takeover).get_data(as_text=True)
    assert "incohérent" in refused and 'name="index_confirmed"' in refused  # below the last reading 7499 (E4)
    done = post_form(client, "/contracts/124/departure", {**takeover, "index_confirmed": "y"})
    html = done.get_data(as_text=True)
    assert "Abonnement" in html and "caisse" in html and html.count("/pdf") >= 2
