"""The chief's planner on SQLite and PostgreSQL: propose, review, accept whole or per technician,
replan during the day; every change reaches the tablet like a manual one (issue 17)."""
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from server.blobs import DiskBlobStore
from server.errors import DomainError, Forbidden
from server.extensions import db
from server.models import AuditEntry, Device, Order, RoundProposal
from server.services.dossiers.orders import issue_order
from server.services.field import dispatch, planning
from server.services.planning.checker import violations
from server.models import DeliveryPoint
from server.services.field.uploads import present_for
from tests.planning_world import UNASSIGNED_WATER, issue_day_to_plan
from tests.review_reports import NOW, demo_order, store_report, user

DAY = NOW.date()


@pytest.fixture
def quick(demo_ctx):
    demo_ctx.config["PLANNING_TIME_LIMIT_SECONDS"] = 1
    issue_day_to_plan()
    return demo_ctx


def pending_refs(login: str) -> list[str]:
    return [o.point.ref for o in db.session.scalars(select(Order).where(
        Order.assignee_id == user(login).id, Order.state == "assigned").order_by(Order.round_position))]


def proposed_refs(view, login: str) -> list[str]:
    return next([v.order.point.ref for v in r.visits] for r in view.rounds if r.technician.login == login)


def deliver_everything_to(login: str) -> None:
    """The technician's tablet acknowledged every change so far: their orders are 'on the tablet'."""
    seq = max(o.change_seq for o in db.session.scalars(select(Order)))
    db.session.add(Device(user_id=user(login).id, name="Tablette", token_hash=login[:8].ljust(64, "x"),
                          last_sync_at=NOW, delivered_seq=seq))
    db.session.commit()


def test_proposal_plans_every_order_within_its_window_and_changes_nothing_before_acceptance(quick):
    before = {o.id: (o.assignee_id, o.round_position, o.change_seq) for o in db.session.scalars(select(Order))}
    proposal = planning.propose(user("chef.eau"), DAY, now=NOW)
    assert {o.id: (o.assignee_id, o.round_position, o.change_seq) for o in db.session.scalars(select(Order))} == before
    view = planning.latest_proposal(user("chef.eau"), DAY)
    assert view.proposal.id == proposal.id and view.violations == [] and view.unplanned == []
    planned = {v.order.point.ref for r in view.rounds for v in r.visits}
    assert set(UNASSIGNED_WATER) <= planned and "P00000121" not in planned  # electricity stays off the water plan
    assert {r.technician.login for r in view.rounds} == {"tech.eau1", "tech.eau2"}
    for r in view.rounds:
        for v in r.visits:
            if v.window:
                start, end = v.window.split("–")
                assert start <= v.arrival <= end, (v.order.ref, v.arrival, v.window)
    assert sum(1 for r in view.rounds for v in r.visits if v.change == "nouveau") == len(UNASSIGNED_WATER)
    assert view.km > 0 and view.current_km > 0 and view.map.rounds and not view.map.empty
    for r in view.rounds:  # what leaves a round is counted on that round
        now_mine = {o.id for o in db.session.scalars(select(Order).where(Order.assignee_id == r.technician.id,
                                                                         Order.state == "assigned"))}
        assert r.leaving == len(now_mine - {v.order.id for v in r.visits})
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "propose_rounds")) is not None


def test_accepting_all_applies_the_rounds_through_the_board_and_bumps_change_seq(quick):
    proposal = planning.propose(user("chef.eau"), DAY, now=NOW)
    view = planning.proposal_view(proposal)
    seq_before = max(o.change_seq for o in db.session.scalars(select(Order)))
    applied = planning.accept(proposal.id, None, chief=user("chef.eau"), now=NOW)
    assert applied == view.orders == 11  # 5 already assigned + 6 new
    for login in ("tech.eau1", "tech.eau2"):
        assert pending_refs(login) == proposed_refs(view, login)
    moved = [o for o in db.session.scalars(select(Order)) if o.point.ref in UNASSIGNED_WATER]
    assert all(o.state == "assigned" and o.change_seq > seq_before for o in moved)
    actions = {e.action for e in db.session.scalars(select(AuditEntry))}
    assert {"assign_order", "accept_rounds"} <= actions
    assert db.session.get(RoundProposal, proposal.id).state == "applied"
    assert planning.latest_proposal(user("chef.eau"), DAY) is None
    with pytest.raises(DomainError):
        planning.accept(proposal.id, None, chief=user("chef.eau"), now=NOW)


def test_accepting_one_technician_leaves_the_other_round_as_it_was(quick):
    lea_before = pending_refs("tech.eau2")
    proposal = planning.propose(user("chef.eau"), DAY, now=NOW)
    view = planning.proposal_view(proposal)
    planning.accept(proposal.id, user("tech.eau1").id, chief=user("chef.eau"), now=NOW)
    julien_proposed = proposed_refs(view, "tech.eau1")
    assert pending_refs("tech.eau1")[:len(julien_proposed)] == julien_proposed
    assert [r for r in pending_refs("tech.eau2") if r not in julien_proposed] == \
        [r for r in lea_before if r not in julien_proposed]
    again = planning.latest_proposal(user("chef.eau"), DAY)
    assert again is not None and [r.accepted for r in again.rounds if r.technician.login == "tech.eau1"] == [True]


def test_E10_removal_goes_only_to_the_arpnt_technician_and_orders_on_a_tablet_stay(quick):
    deliver_everything_to("tech.elec1")
    on_tablet = set(pending_refs("tech.elec1"))
    removal = issue_order("REMOVAL", db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == "P00000168")),
                          now=NOW, planned_date=DAY)
    db.session.commit()
    view = planning.proposal_view(planning.propose(user("chef.elec"), DAY, now=NOW))
    assert view.violations == []
    assert "P00000168" in proposed_refs(view, "arpnt.elec") and "P00000168" not in proposed_refs(view, "tech.elec1")
    assert on_tablet <= set(proposed_refs(view, "tech.elec1"))
    assert removal.id not in {o.id for o, _ in view.unplanned}


def test_a_chief_cannot_accept_another_chiefs_proposal(quick):
    proposal = planning.propose(user("chef.eau"), DAY, now=NOW)
    with pytest.raises(Forbidden):
        planning.accept(proposal.id, None, chief=user("chef.elec"), now=NOW)


def test_replan_keeps_what_is_done_drops_the_cancelled_and_takes_the_urgent_order(quick, tmp_path):
    from sync.engine import pull_changes
    from server.sync_store import SqlSyncStore
    chief = user("chef.eau")
    planning.accept(planning.propose(chief, DAY, now=NOW).id, None, chief=chief, now=NOW)
    julien = pending_refs("tech.eau1")
    done, cancelled = demo_order(julien[0]), demo_order(julien[1])
    store_report(done, answers={"index": 1160})
    dispatch.cancel(cancelled.id, "Le client a rappelé", chief=chief, now=NOW)
    urgent = issue_order("CLOSURE", db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == "P00000040")),
                         now=NOW, planned_date=DAY)
    db.session.commit()
    store = SqlSyncStore(DiskBlobStore(tmp_path, 10**6), NOW, present_for)
    cursor = pull_changes(store, user("tech.eau1").id, None, 500)["cursor"]
    seq = max(o.change_seq for o in db.session.scalars(select(Order)))
    noon = datetime.combine(DAY, time(11, 0), tzinfo=timezone.utc)  # 12:00 or 13:00 in Paris
    proposal = planning.propose(chief, DAY, now=noon, replan=True)
    view = planning.proposal_view(proposal)
    planned = {v.order.id for r in view.rounds for v in r.visits}
    assert done.id not in planned and cancelled.id not in planned and urgent.id in planned
    assert all(v.arrival >= "12:00" for r in view.rounds for v in r.visits)
    assert view.violations == []
    planning.accept(proposal.id, None, chief=chief, now=noon)
    assert db.session.get(Order, done.id).state == "reported"  # what is done is left alone
    changed = {o.id for o in db.session.scalars(select(Order).where(
        Order.assignee_id == user("tech.eau1").id, Order.state == "assigned", Order.change_seq > seq))}
    pulled = {o["id"] for o in pull_changes(store, user("tech.eau1").id, cursor, 500)["orders"]}
    assert changed and changed <= pulled


def test_the_independent_checker_agrees_with_the_stored_proposal(quick):
    given = planning.planning_input(user("chef.elec"), DAY, now=NOW)
    proposal = planning.propose(user("chef.elec"), DAY, now=NOW)
    rounds = {r["technician"]: [e["order"] for e in r["orders"]] for r in proposal.content["rounds"]}
    assert violations(given.problem, rounds) == []
    assert sum(map(len, rounds.values())) == len(given.problem.stops)


def test_a_configured_road_time_matrix_reaches_the_problem_by_point_ref_and_login(quick, tmp_path):
    matrix = tmp_path / "roads.csv"
    matrix.write_text("from,to,minutes\ntech:tech.eau1,P00000001,42\nP00000001,P00000002,7.5\nP99999999,P00000001,1\n")
    quick.config["PLANNING_ROAD_MATRIX"] = str(matrix)
    given = planning.planning_input(user("chef.eau"), DAY, now=NOW)
    first, second = demo_order("P00000001").id, demo_order("P00000002").id
    assert given.problem.road_minutes == {(("tech", user("tech.eau1").id), ("stop", first)): 42.0,
                                          (("stop", first), ("stop", second)): 7.5}
