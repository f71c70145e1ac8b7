"""An agent records a departure through the office forms in Chromium, once per utility.
Water: an immediate departure whose index is not trusted, so a READING appointment is booked with the
travel fee shown first (W4, W15). Electricity: a classic termination at the counter, the requester
identified and signing (E2), a CUTOFF order issued (E5) and listed on the orders page."""
from datetime import date, timedelta

import pytest

from tests.live_server import LiveServer, prepare_database


@pytest.fixture(scope="module")
def office_server(tmp_path_factory):
    """One live server for both utilities' tests (each works on its own customer)."""
    instance = tmp_path_factory.mktemp("departure-e2e")
    server = LiveServer(instance, prepare_database(instance)).start()
    yield server
    server.stop()


def sign_in(page, base: str, login: str) -> None:
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", "tournee2026")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_W4_W15_agent_records_a_water_departure_with_a_reading_appointment(page, office_server):
    sign_in(page, office_server.url, "agent.eau")
    page.goto(office_server.url + "/customers/13")
    page.click("a.departure-link")
    page.wait_for_selector("h1:has-text('Nouvelle demande de départ')")
    assert "45,00 €" in page.inner_text("#travel-fee")  # W4: announced before booking
    page.check("input[name=kind][value=immediate]")
    assert page.is_hidden("#field-proof") and page.is_visible("#field-index")
    page.fill("#departure_on", date.today().isoformat())
    page.fill("#index", "1")  # lower than the history: not coherent
    page.fill("#new_address", "12 rue des Lilas, 33400 Talence")
    page.select_option("#reading_choice", "appointment")
    page.fill("#appointment_on", (date.today() + timedelta(days=3)).isoformat())
    page.click("#departure-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Départ client')")
    assert "Rendez-vous de relevé" in page.inner_text("#timeline")
    orders = page.inner_text("#dossier-orders")
    assert "Relevé d'index" in orders and "oui" in orders  # travel fee on the order
    page.click("#dossier-orders a")
    page.wait_for_selector("#order-state")
    assert "Relevé contradictoire" in page.inner_text("main")


def test_E2_E5_agent_records_an_electricity_termination_without_takeover(page, office_server):
    sign_in(page, office_server.url, "agent.elec")
    page.goto(office_server.url + "/customers/122")
    page.click("a.departure-link")
    page.wait_for_selector("h1:has-text('Nouvelle demande de départ')")
    page.check("input[name=kind][value=classic]")
    assert page.is_hidden("#field-successor_name")
    page.click("#departure-form button[type=submit]")  # requester missing: refused on the form (E2)
    page.wait_for_selector("text=Le nom du demandeur est obligatoire")
    page.check("input[name=kind][value=classic]")
    page.fill("#requester_name", "Koffi Adjovi")
    page.fill("#requester_identity", "CNI 0123456")
    page.click("#departure-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Départ client')")
    assert "Signature du demandeur Koffi Adjovi" in page.inner_text("#remaining-work")
    assert "Interruption et relevé" in page.inner_text("#dossier-orders")
    ref = page.inner_text("#dossier-orders tbody tr td a")
    page.click("#dossier-orders tbody tr td a")            # E2: the order exists, printed, brought back signed
    page.fill("#typed_ref", ref)
    page.click("#signed-printed button[type=submit]")
    page.wait_for_selector("text=Signature du demandeur enregistrée")
    page.click("dl.facts dd a[href*='/dossiers/']")          # back to the dossier
    assert "signé par le demandeur Koffi Adjovi" in page.inner_text("#timeline")
    page.goto(office_server.url + "/orders?type=CUTOFF&state=issued")
    assert "Interruption et relevé" in page.inner_text("#order-list")
