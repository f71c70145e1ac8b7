"""The water main job in a real browser: the chief plans, the technician's tablet completes and syncs
over the real API, the chief countersigns, the agent accepts; the dossier closes (W14, W16, E7)."""
import pytest

from tests.e2e.office_steps import accept, assign_on_board, countersign, open_report_of, signed_in

pytest.importorskip("forms")


def test_W14_water_departure_reading_from_planning_to_closed_dossier(browser, live_server):
    from tests.e2e.tablet_client import Tablet
    url = live_server.url
    chief = signed_in(browser, url, "chef.eau")
    chief.goto(url + "/dispatch")
    order_ref = chief.locator("li[data-order]:has-text('58 avenue Jean Jaurès')").first.get_attribute("data-order")
    assign_on_board(chief, url, order_ref, "Léa Girard")
    assert chief.locator(f"[data-technician='tech.eau2'] li[data-order='{order_ref}']").count() == 1

    tablet = Tablet(url, "tech.eau2")
    tablet.pull()
    order = tablet.order_at("58 avenue Jean Jaurès")
    assert tablet.complete(order)["status"] == "applied"

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
