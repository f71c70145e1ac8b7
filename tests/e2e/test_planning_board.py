"""The chief's morning in a real browser (issue 17): "Proposer les tournées", the proposal and its map,
"Tout accepter", then a tablet pulls its new round over real HTTP, in the proposed order."""
import os
import subprocess

import pytest

from tests.e2e.office_steps import signed_in
from tests.e2e.tablet_client import Tablet
from tests.live_server import VENV_BIN, LiveServer, prepare_database


@pytest.fixture
def planning_server(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    database = prepare_database(instance)
    # The day to plan: six unassigned water orders, two with an appointment window.
    subprocess.run([str(VENV_BIN / "tournee"), "generate-day", "--orders", "6", "--technicians", "2"], check=True,
                   env=dict(os.environ, TOURNEE_INSTANCE=str(instance), DATABASE_URL=database, SECRET_KEY="x"),
                   capture_output=True, timeout=120)
    server = LiveServer(instance, database, env={"TOURNEE_PLANNING_TIME_LIMIT": "1.5"}).start()
    yield server
    server.stop()


def test_chief_proposes_accepts_and_the_tablet_pulls_its_new_round(browser, planning_server):
    url = planning_server.url
    tablet = Tablet(url, "tech.eau2")
    tablet.pull()
    tablet.pull(fresh=False)  # hands the cursor back: the server now knows the order is on the tablet
    before = set(tablet.orders)
    assert len(before) == 1

    chief = signed_in(browser, url, "chef.eau")
    refused = []
    chief.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    chief.goto(url + "/dispatch")
    assert chief.locator("#planning figure.day-map svg circle").count() >= 11  # the day as planned now
    chief.click("#propose-rounds")
    chief.wait_for_selector("#proposal")
    assert "Proposition de tournées prête" in chief.inner_text(".flash")
    assert chief.locator("#proposal figure.day-map svg .map-stop").count() == 11
    lea = chief.locator("[data-proposed-technician='tech.eau2'] li[data-proposed-order]")
    proposed = [lea.nth(i).get_attribute("data-proposed-order") for i in range(lea.count())]
    arrivals = [lea.nth(i).locator("strong").inner_text() for i in range(lea.count())]
    assert len(proposed) >= 2 and arrivals == sorted(arrivals)
    chief.click("#accept-all")
    chief.wait_for_selector("text=Tournées appliquées")
    assert chief.locator("#proposal").count() == 0
    board = chief.locator("[data-technician='tech.eau2'] [data-column] li[data-order]")
    assert sorted(board.nth(i).get_attribute("data-order") for i in range(board.count())) == sorted(proposed)
    assert refused == []

    page = tablet.pull(fresh=False)  # the tablet's next sync, from its cursor
    for tombstone in page["tombstones"]:
        tablet.orders.pop(tombstone["order_id"], None)
    mine = sorted(tablet.orders.values(), key=lambda o: o["round_position"])
    assert [o["ref"] for o in mine] == proposed, ([(o["ref"], o["round_position"], o["state"]) for o in mine], proposed)
    assert set(tablet.orders) > before  # the order already on the tablet stayed in Léa's round
