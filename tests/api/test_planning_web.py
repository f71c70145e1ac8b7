"""The board's planner through the test client: propose, see the proposal and its map, accept (issue 17)."""
import io
import re

from pypdf import PdfReader

from sqlalchemy import select

from server.extensions import db
from server.models import Order
from tests.conftest import csrf_token_from
from tests.planning_world import issue_day_to_plan
from tests.review_reports import demo_order, user


def test_chief_proposes_sees_the_rounds_on_a_map_then_accepts_one_round(office, sqlite_demo_app):
    sqlite_demo_app.config["PLANNING_TIME_LIMIT_SECONDS"] = 1
    with sqlite_demo_app.app_context():
        issue_day_to_plan()
    chief = office("chef.eau")
    page = chief.get("/dispatch").get_data(as_text=True)
    assert "Proposer les tournées" in page and "Carte du plan actuel" in page and "<svg" in page
    assert "style=" not in page.split('id="planning"')[1].split("</section>")[0]  # the CSP forbids inline styles
    day = re.search(r'name="day" value="([\d-]+)"', page).group(1)
    response = chief.post("/dispatch/plan", data={"csrf_token": csrf_token_from(page), "day": day})
    assert response.status_code == 302 and response.headers["Location"].endswith("#planning")
    page = chief.get(response.headers["Location"]).get_data(as_text=True)
    assert "Carte de la proposition" in page and "Tout accepter" in page and "gain" in page or "plan actuel" in page
    proposal = re.search(r'data-proposal="(\d+)"', page).group(1)
    with sqlite_demo_app.app_context():
        julien = user("tech.eau1").id
        unassigned = demo_order("P00000030")
        assert unassigned.assignee_id is None
    assert page.count('class="map-stop"') >= 11 and "nouveau" in page
    response = chief.post(f"/dispatch/plan/{proposal}/accept",
                          data={"csrf_token": csrf_token_from(page), "technician_id": julien, "day": day})
    assert response.status_code == 302
    page = chief.get(response.headers["Location"]).get_data(as_text=True)
    assert "Acceptée" in page
    with sqlite_demo_app.app_context():
        mine = db.session.scalars(select(Order).where(Order.assignee_id == julien, Order.state == "assigned")).all()
        assert len(mine) >= 4 and sorted(o.round_position for o in mine) == list(range(1, len(mine) + 1))


def test_other_roles_cannot_propose_and_posts_need_csrf(office):
    agent = office("agent.eau")
    token = csrf_token_from(agent.get("/").get_data(as_text=True))
    assert agent.post("/dispatch/plan", data={"csrf_token": token, "day": "2026-12-05"}).status_code == 403
    assert office("chef.eau").post("/dispatch/plan", data={"day": "2026-12-05"}).status_code == 400


def test_the_batch_print_opens_with_the_map_of_the_day(office, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        issue_day_to_plan()
    chief = office("chef.eau")
    page = chief.get("/dispatch").get_data(as_text=True)
    day = re.search(r'name="day" value="([\d-]+)"', page).group(1)
    reader = PdfReader(io.BytesIO(chief.get(f"/orders/print?date={day}").data))
    first = reader.pages[0].extract_text()
    assert "Plan de la journée" in first and "Julien Roux : 4 visite(s)" in first and "Léa Girard : 1 visite(s)" in first
    assert "Non affectés : 6" in first
    assert "AT" in reader.pages[1].extract_text()


def test_chief_sets_a_technicians_day_for_the_planner_and_only_for_their_team(office, sqlite_demo_app):
    chief = office("chef.eau")
    page = chief.get("/dispatch").get_data(as_text=True)
    assert 'data-team-member="tech.eau1"' in page and 'data-team-member="tech.elec1"' not in page
    with sqlite_demo_app.app_context():
        julien, mawule = user("tech.eau1").id, user("tech.elec1").id
    token = csrf_token_from(page)
    answer = chief.post(f"/dispatch/technicians/{julien}/day", data={
        "csrf_token": token, "work_start": "07:45", "work_end": "16:15", "start_lat": "44.85", "start_lon": "-0.57",
        "arpnt": "y", "round_cap": "18"})
    assert answer.status_code == 302
    with sqlite_demo_app.app_context():
        technician = user("tech.eau1")
        assert (technician.work_start.isoformat(), technician.work_end.isoformat()) == ("07:45:00", "16:15:00")
        assert (technician.start_lat, technician.start_lon, technician.skills, technician.round_cap) == (44.85, -0.57, "ARPNT", 18)
    assert chief.post(f"/dispatch/technicians/{mawule}/day", data={"csrf_token": token, "round_cap": "5"}).status_code == 404  # another utility: not found (scope)
    chief.post(f"/dispatch/technicians/{julien}/day", data={"csrf_token": token, "work_start": "17:00", "work_end": "08:00"})
    with sqlite_demo_app.app_context():
        assert user("tech.eau1").work_start.isoformat() == "07:45:00"  # refused: the end before the start
