"""The planning core on small instances: OR-Tools' rounds checked by the independent checker."""
import random

import pytest

from server.services.planning.checker import kept_stops_missing, violations
from server.services.planning.problem import Problem, Stop, Technician, road_minutes_from_csv, stop_for
from server.services.planning.solver import solve

BORDEAUX = (44.84, -0.58)


def scatter(rng, spread=0.04):
    return BORDEAUX[0] + rng.uniform(-spread, spread), BORDEAUX[1] + rng.uniform(-spread, spread)


def planned(proposal) -> dict[int, list[int]]:
    return {t: r.keys for t, r in proposal.rounds.items()}


def small_day(seed=7, stops=24, windows_every=3):
    rng = random.Random(seed)
    technicians = [Technician(1, *scatter(rng), utility="water"), Technician(2, *scatter(rng), utility="water"),
                   Technician(3, *scatter(rng), utility="electricity", skills=frozenset({"ARPNT"})),
                   Technician(4, *scatter(rng), utility="electricity")]
    orders = []
    for i in range(stops):
        utility = "water" if i % 2 else "electricity"
        kind = "REMOVAL" if utility == "electricity" and i % 4 == 0 else "READING"
        window = (9 * 60 + 30, 11 * 60) if i % windows_every == 0 else None
        orders.append(stop_for(kind, key=100 + i, lat=scatter(rng)[0], lon=scatter(rng)[1], utility=utility, window=window))
    return Problem(orders, technicians, time_limit_seconds=0.5)


def test_every_order_planned_with_windows_skills_and_utilities_respected():
    problem = small_day()
    proposal = solve(problem)
    assert proposal.unplanned == {}
    assert sorted(k for keys in planned(proposal).values() for k in keys) == sorted(s.key for s in problem.stops)
    assert violations(problem, planned(proposal)) == []
    removals = {s.key for s in problem.stops if s.skill == "ARPNT"}
    assert removals and all(k in planned(proposal)[3] for k in removals)  # E10: only the ARPNT technician
    water = {s.key for s in problem.stops if s.utility == "water"}
    assert set(planned(proposal)[1] + planned(proposal)[2]) == water
    for round_ in proposal.rounds.values():
        for visit in round_.visits:
            if visit.window:
                assert visit.window[0] <= visit.arrival <= visit.window[1]


def test_cap_per_technician_respected_and_the_rest_reported_unplanned():
    rng = random.Random(3)
    technicians = [Technician(1, *BORDEAUX, utility="water", cap=3), Technician(2, *BORDEAUX, utility="water", cap=2)]
    stops = [stop_for("READING", key=i, lat=scatter(rng)[0], lon=scatter(rng)[1], utility="water") for i in range(8)]
    problem = Problem(stops, technicians, time_limit_seconds=0.3)
    proposal = solve(problem)
    assert [len(proposal.rounds[1].visits), len(proposal.rounds[2].visits)] == [3, 2]
    assert len(proposal.unplanned) == 3
    assert violations(problem, planned(proposal)) == []


def test_removal_without_an_arpnt_technician_is_unplanned_not_given_to_anyone():
    technicians = [Technician(1, *BORDEAUX, utility="electricity")]
    stops = [stop_for("REMOVAL", key=1, lat=44.85, lon=-0.57, utility="electricity"),
             stop_for("READING", key=2, lat=44.85, lon=-0.59, utility="electricity")]
    proposal = solve(Problem(stops, technicians, time_limit_seconds=0.2))
    assert planned(proposal) == {1: [2]}
    assert list(proposal.unplanned) == [1]


def test_orders_on_a_tablet_stay_with_their_technician():
    rng = random.Random(5)
    # Technician 2 starts right on top of the stops, yet the kept ones stay with technician 1.
    technicians = [Technician(1, 44.70, -0.70, utility="water"), Technician(2, *BORDEAUX, utility="water")]
    stops = [Stop(key=i, lat=scatter(rng, 0.005)[0], lon=scatter(rng, 0.005)[1], utility="water",
                  kept_by=1 if i < 3 else None) for i in range(8)]
    problem = Problem(stops, technicians, time_limit_seconds=0.3)
    proposal = solve(problem)
    assert kept_stops_missing(problem, planned(proposal)) == []
    assert {0, 1, 2} <= set(planned(proposal)[1])
    assert violations(problem, planned(proposal)) == []


def test_shift_hours_bound_the_round():
    technicians = [Technician(1, *BORDEAUX, shift=(8 * 60, 9 * 60), utility="water")]
    stops = [Stop(key=i, lat=BORDEAUX[0] + 0.001 * i, lon=BORDEAUX[1], utility="water", service_minutes=20) for i in range(5)]
    problem = Problem(stops, technicians, time_limit_seconds=0.2)
    proposal = solve(problem)
    assert len(proposal.rounds[1].visits) == 2  # 2 × 20 min fit in the hour with travel, not 3
    assert violations(problem, planned(proposal)) == []


def test_a_window_no_technician_can_reach_is_unplanned():
    technicians = [Technician(1, *BORDEAUX, shift=(8 * 60, 12 * 60), utility="water")]
    stops = [Stop(key=1, lat=44.84, lon=-0.57, utility="water", window=(14 * 60, 15 * 60)),
             Stop(key=2, lat=44.85, lon=-0.57, utility="water", window=(8 * 60, 9 * 60))]
    proposal = solve(Problem(stops, technicians, time_limit_seconds=0.2))
    assert planned(proposal) == {1: [2]} and list(proposal.unplanned) == [1]


def test_a_configured_road_time_matrix_replaces_the_straight_line():
    technicians = [Technician(1, *BORDEAUX, utility="water")]
    stops = [Stop(key=1, lat=44.841, lon=-0.58, utility="water"), Stop(key=2, lat=44.842, lon=-0.58, utility="water")]
    # By the straight line 1 then 2; the roads make 2 first far cheaper (a one-way street, say).
    roads = road_minutes_from_csv("from,to,minutes\ntech:1,stop:1,50\ntech:1,stop:2,1\nstop:2,stop:1,1\nstop:1,stop:2,50\n")
    proposal = solve(Problem(stops, technicians, road_minutes=roads, time_limit_seconds=0.2))
    assert planned(proposal) == {1: [2, 1]}
    assert proposal.rounds[1].visits[1].arrival == 8 * 60 + 1 + 10 + 1


@pytest.mark.parametrize("rounds,expected", [
    ({1: [1, 1]}, "visited 2 times"),
    ({3: [1]}, "technician 3 is not in the problem"),
    ({2: [1]}, "needs ARPNT"),
    ({1: [1, 2, 3]}, "over the cap"),
    ({1: [3, 2]}, "after its window"),
    ({1: [4]}, "kept by 2"),
])
def test_the_checker_finds_what_a_plan_breaks(rounds, expected):
    technicians = [Technician(1, *BORDEAUX, utility="electricity", skills=frozenset({"ARPNT"}), cap=2),
                   Technician(2, *BORDEAUX, utility="electricity")]
    stops = [stop_for("REMOVAL", key=1, lat=44.84, lon=-0.58, utility="electricity"),
             Stop(key=2, lat=44.84, lon=-0.58, utility="electricity", window=(8 * 60, 8 * 60 + 5)),
             Stop(key=3, lat=44.84, lon=-0.58, utility="electricity", service_minutes=30),
             Stop(key=4, lat=44.84, lon=-0.58, utility="electricity", kept_by=2)]
    found = violations(Problem(stops, technicians), rounds)
    assert any(expected in v for v in found), found
