"""The water main job in a real browser: the chief plans on the board, the technician completes the
reading offline in the real tablet app (PWA) and syncs when the network is back, the chief
countersigns, the agent accepts; the departure dossier closes and the arrival dossier opens (W14, E7)."""
import pytest

from tests.e2e.office_steps import accept, assign_on_board, countersign, open_report_of, signed_in
from tests.e2e.pwa_support import enrol, fill_form, finish, wait_controlled, wait_outbox_empty

pytest.importorskip("forms")
ADDRESS = "58 avenue Jean Jaurès"


def test_W14_water_departure_reading_from_planning_to_closed_dossier(browser, live_server):
    url = live_server.url
    chief = signed_in(browser, url, "chef.eau")
    chief.goto(url + "/dispatch")
    item = chief.locator(f"li[data-order]:has-text('{ADDRESS}')").first
    order_ref, order_id = item.get_attribute("data-order"), int(item.get_attribute("data-order-id"))
    assign_on_board(chief, url, order_ref, "Léa Girard")
    assert chief.locator(f"[data-technician='tech.eau2'] li[data-order='{order_ref}']").count() == 1

    tablet_context = browser.new_context(locale="fr-FR", geolocation={"latitude": 44.8516, "longitude": -0.5631},
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

    agent = signed_in(browser, url, "agent.eau")
    open_report_of(agent, url, order_ref)
    text = accept(agent)
    assert "W14" in text and "Contrat AB00000001 résilié" in text
    assert "DEP0000001 clos" in text and "logement vacant" in text
    agent.goto(url + "/customers?q=AB00000001")
    agent.click("table.list a >> nth=0")
    page_text = agent.inner_text("main")
    assert "Résilié" in page_text and "DEP0000001 DEP — closed" in page_text
