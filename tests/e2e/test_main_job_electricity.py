"""The electricity main job in a real browser: cut-off completed on the tablet, countersigned by the
chief, accepted (balance E8, removal order E10), removal completed, countersigned and accepted: the
contract is fully terminated and the delivery point freed (E7, E11)."""
import pytest

from tests.e2e.office_steps import accept, assign_on_board, countersign, open_report_of, signed_in

pytest.importorskip("forms")


def test_E11_electricity_cutoff_balance_then_removal_frees_the_point(browser, live_server):
    from tests.e2e.tablet_client import Tablet
    url = live_server.url
    tablet = Tablet(url, "tech.elec1")
    tablet.pull()
    cutoff = tablet.order_at("180 rue 1234 Haie Vive")
    assert tablet.complete(cutoff)["status"] == "applied"

    chief = signed_in(browser, url, "chef.elec")
    open_report_of(chief, url, cutoff["ref"])
    countersign(chief)
    agent = signed_in(browser, url, "agent.elec")
    open_report_of(agent, url, cutoff["ref"])
    text = accept(agent)
    assert "E8" in text and "E10" in text
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
    assert "contrôle fiabilité factures" in text and "point P00000121 libéré" in text
    controller = signed_in(browser, url, "controle")
    controller.goto(url + "/reports")  # the controller reads reports; the removal control task names the remark
    assert controller.url.endswith("/reports")
    agent.goto(url + "/customers?q=EL00000121")
    agent.click("table.list a >> nth=0")
    assert "déposé" in agent.inner_text("main") and "Résilié" in agent.inner_text("main")
