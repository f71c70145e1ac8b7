"""The water main job in a real browser (DESIGN.md §5): the agent records an immediate departure whose
index is not coherent, so a reading appointment with the travel fee is ordered (W15, W4); the chief plans
it on the board; the technician completes it offline in the real tablet app (PWA) and syncs when the
network is back; the chief countersigns; the agent accepts: the contract is terminated with its closing
invoice, the DEP closes and an ASI "logement vacant" opens (W14, W17, W18, E7)."""
from datetime import date

import pytest

from tests.e2e.office_steps import (accept, assign_on_board, countersign, open_customer, open_report_of, pdf_text, rules_cited,
                                    signed_in)
from tests.e2e.pwa_support import enrol, fill_form, finish, wait_controlled, wait_outbox_empty

pytest.importorskip("forms")
ADDRESS = "99 chemin des Vignes"


def test_W14_water_departure_from_intake_to_closed_dossier_with_invoice(browser, live_server):
    url = live_server.url
    agent = signed_in(browser, url, "agent.eau")
    open_customer(agent, url, "AB00000013")
    agent.click("a.departure-link")
    agent.check("input[name=kind][value=immediate]")
    agent.fill("#departure_on", date.today().isoformat())
    agent.fill("#index", "100")                                   # below the history: not coherent (W15)
    agent.select_option("#reading_choice", "appointment")
    agent.fill("#appointment_on", date.today().isoformat())
    agent.click("#departure-form button[type=submit]")
    agent.wait_for_selector("text=Demande enregistrée")
    dep_ref = agent.inner_text(".flash").split("dossier ")[1].rstrip(".")

    chief = signed_in(browser, url, "chef.eau")
    chief.goto(url + "/dispatch")
    item = chief.locator(f"#unassigned li[data-order]:has-text('{ADDRESS}')").first
    order_ref, order_id = item.get_attribute("data-order"), int(item.get_attribute("data-order-id"))
    assign_on_board(chief, url, order_ref, "Léa Girard")
    assert chief.locator(f"[data-technician='tech.eau2'] li[data-order='{order_ref}']").count() == 1

    tablet_context = browser.new_context(locale="fr-FR", geolocation={"latitude": 44.85, "longitude": -0.57},
                                         permissions=["geolocation"], viewport={"width": 1280, "height": 800})
    tablet = tablet_context.new_page()
    enrol(tablet, url, "tech.eau2")                 # morning, online: the round is downloaded
    wait_controlled(tablet)
    tablet_context.set_offline(True)                # in the basement
    fill_form(tablet, order_id)
    finish(tablet)
    tablet_context.set_offline(False)               # network again: the report goes up
    wait_outbox_empty(tablet)
    tablet_context.close()

    chief.goto(url + "/dispatch")
    assert chief.locator(f"[data-technician='tech.eau2'] [data-column='done'] li[data-order='{order_ref}']").count() == 1
    open_report_of(chief, url, order_ref)
    assert "le contenu vérifie" in chief.inner_text("#seal-status")
    assert chief.locator("#map-link").get_attribute("href").startswith("https://www.openstreetmap.org/?mlat=")
    assert chief.locator(".photos img").first.evaluate("img => img.naturalWidth") > 0  # photo served by the office
    countersign(chief)

    open_report_of(agent, url, order_ref)
    text = accept(agent)
    assert "W14" in rules_cited(agent) and "W14" not in text and "Contrat AB00000013 résilié" in text
    assert f"{dep_ref} clos" in text and "logement vacant" in text
    invoice = pdf_text(agent, url + agent.locator("a.invoice-pdf").first.get_attribute("href"))
    assert "AB00000013" in invoice and "déplacement" in invoice.lower()      # W4: the announced fee is billed
    assert "Contresignature" in pdf_text(agent, url + agent.locator("#report-pdf").get_attribute("href"))
    open_customer(agent, url, "AB00000013")
    page_text = agent.inner_text("main")
    assert "Résilié" in page_text and f"{dep_ref} départ — clos" in page_text
