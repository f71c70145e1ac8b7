"""Water: an agent records an immediate departure through the office forms in Chromium; the index is not
trusted, so a READING appointment is booked with the travel fee shown first (W4, W15), then the DEP page."""
from datetime import date, timedelta


def sign_in(page, base: str, login: str) -> None:
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", "tournee2026")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_agent_records_a_water_departure_with_a_reading_appointment(page, live_server):
    sign_in(page, live_server.url, "agent.eau")
    page.goto(live_server.url + "/customers/1")
    page.click("a.departure-link")
    page.wait_for_selector("h1:has-text('Nouvelle demande de départ')")
    assert "45.00 EUR" in page.inner_text("#travel-fee")  # W4: announced before booking
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
