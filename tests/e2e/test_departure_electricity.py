"""Electricity: an agent records a classic termination at the counter in Chromium; the requester is
identified and signs (E2), a CUTOFF order is issued (E5) and listed in the orders page."""


def sign_in(page, base: str, login: str) -> None:
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", "tournee2026")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_agent_records_an_electricity_termination_without_takeover(page, live_server):
    sign_in(page, live_server.url, "agent.elec")
    page.goto(live_server.url + "/customers/122")
    page.click("a.departure-link")
    page.wait_for_selector("h1:has-text('Nouvelle demande de départ')")
    page.check("input[name=kind][value=classic]")
    assert page.is_hidden("#field-successor_name")
    page.click("#departure-form button[type=submit]")  # requester missing: refused on the form (E2)
    page.wait_for_selector("text=Le nom du demandeur est obligatoire")
    page.check("input[name=kind][value=classic]")
    page.fill("#requester_name", "Koffi Adjovi")
    page.fill("#requester_identity", "CNI 0123456")
    page.check("#requester_signed")
    page.click("#departure-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Départ client')")
    assert "signé par le demandeur" in page.inner_text("#timeline")
    assert "Interruption et relevé" in page.inner_text("#dossier-orders")
    page.goto(live_server.url + "/orders?type=CUTOFF&state=issued")
    assert "Interruption et relevé" in page.inner_text("#order-list")
