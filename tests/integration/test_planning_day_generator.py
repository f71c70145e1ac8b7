"""`tournee generate-day`: unassigned orders with windows on a third, and a team to plan them (issue 17)."""
from sqlalchemy import select

from server.extensions import db
from server.models import Order, User
from server.services.field import planning
from tests.review_reports import NOW, user


def test_generated_day_is_planned_by_the_chief_without_breaking_a_window(demo_ctx):
    result = demo_ctx.test_cli_runner().invoke(args=["generate-day", "--orders", "30", "--technicians", "4",
                                                     "--utility", "water", "--day", NOW.date().isoformat()])
    assert result.exit_code == 0, result.output
    new = db.session.scalars(select(Order).where(Order.state == "issued", Order.planned_date == NOW.date())).all()
    assert len(new) == 30 and sum(1 for o in new if o.window_start) == 10
    team = db.session.scalars(select(User).where(User.role == "technician", User.utility == "water",
                                                 User.active.is_(True))).all()  # the demo also has inactive ones
    assert len(team) == 4 and all(t.work_start and t.start_lat for t in team)
    demo_ctx.config["PLANNING_TIME_LIMIT_SECONDS"] = 1
    proposal = planning.propose(user("chef.eau"), NOW.date(), now=NOW)
    assert proposal.content["violations"] == [] and proposal.content["unplanned"] == []
    assert sum(len(r["orders"]) for r in proposal.content["rounds"]) == 35  # 30 new + the demo's 5
