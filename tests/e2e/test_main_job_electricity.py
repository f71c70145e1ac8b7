"""The electricity main job in a real browser: the agent records a classic termination signed by the
requester (E2, E5); the chief plans the cut-off; the technician's tablet completes it over the real API;
the chief countersigns (E7); the agent accepts: the balance invoice (E8) and the removal order (E10);
the removal is planned, done, countersigned and accepted: control task (E11), contract fully
terminated and the delivery point freed."""
from datetime import date

import pytest

from tests.e2e.office_steps import (accept, assign_on_board, countersign, open_customer, open_report_of, pdf_text, rules_cited,
                                    signed_in)

pytest.importorskip("forms")
ADDRESS = "92 boulevard de la Marina"


def test_E11_electricity_cutoff_balance_then_removal_frees_the_point(browser, live_server):
    from tests.e2e.tablet_client import Tablet
    url = live_server.url
    agent = signed_in(browser, url, "agent.elec")
    open_customer(agent, url, "EL00000124")
    agent.click("a.departure-link")
    agent.check("input[name=kind][value=classic]")
    agent.fill("#termination_on", date.today().isoformat())
    agent.fill("#requester_name", "Koffi Mensah")
    agent.fill("#requester_identity", "CNI 123456")
    agent.click("#departure-form button[type=submit]")
    agent.wait_for_selector("text=Demande enregistrée")
    agent.click("#dossier-orders tbody tr td a")           # E2: the requester signs the order on the counter's screen
    agent.mouse.move(*_inside(agent, "#signed-drawn canvas", 0.2))
    agent.mouse.down()
    agent.mouse.move(*_inside(agent, "#signed-drawn canvas", 0.7), steps=5)
    agent.mouse.up()
    agent.click("#signed-drawn button[type=submit]")
    agent.wait_for_selector("text=Signature du demandeur enregistrée")

    chief = signed_in(browser, url, "chef.elec")
    chief.goto(url + "/dispatch")
    cutoff_ref = chief.locator(f"#unassigned li[data-order]:has-text('{ADDRESS}')").first.get_attribute("data-order")
    assign_on_board(chief, url, cutoff_ref, "Mawulé Tossou")
    tablet = Tablet(url, "tech.elec1")
    tablet.pull()
    cutoff = next(o for o in tablet.orders.values() if o["ref"] == cutoff_ref)
    assert cutoff["requester"] == {"name": "Koffi Mensah"}
    assert tablet.complete(cutoff)["status"] == "applied"

    open_report_of(chief, url, cutoff_ref)
    countersign(chief)
    open_report_of(agent, url, cutoff_ref)
    text = accept(agent)
    assert "E8" in rules_cited(agent) and "E10" in rules_cited(agent) and "E8" not in text
    balance = pdf_text(agent, url + agent.locator("a.invoice-pdf").first.get_attribute("href"))
    assert "EL00000124" in balance
    removal_ref = text.split("Ordre de dépose ")[1].split()[0]

    assign_on_board(chief, url, removal_ref, "Comlan Zinsou")
    arpnt = Tablet(url, "arpnt.elec")
    arpnt.pull()
    removal = next(o for o in arpnt.orders.values() if o["ref"] == removal_ref)
    assert arpnt.complete(removal, overrides={"premises_remarks": "rotten_panel"})["status"] == "applied"
    open_report_of(chief, url, removal_ref)
    countersign(chief)
    open_report_of(agent, url, removal_ref)
    text = accept(agent)
    assert "contrôle fiabilité factures" in text and "point P00000124 libéré" in text

    controller = signed_in(browser, url, "controle")
    controller.goto(url + "/invoices/control")
    assert f"Contrôler le compte-rendu de dépose {removal_ref} — Panneau pourri" in controller.inner_text("main")
    open_customer(agent, url, "EL00000124")
    assert "déposé" in agent.inner_text("main") and "Résilié" in agent.inner_text("main")


def _inside(page, selector: str, fraction: float) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] * fraction, box["y"] + box["height"] * fraction
