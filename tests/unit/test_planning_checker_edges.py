"""The independent check of a plan at its exact limits: road times given in whole minutes so every arrival
is known, a window or a shift met to the minute holds, one minute past breaks it with the exact sentence,
and a wrong technician or stop does not stop the check of the rest."""
from server.services.planning.checker import violations
from server.services.planning.problem import Problem, Stop, Technician, road_minutes_from_csv

ROADS = road_minutes_from_csv("tech:1,stop:1,10\nstop:1,stop:2,5\nstop:2,stop:3,5\ntech:2,stop:3,10\n")


def problem(window_2=(500, 505), shift=(480, 540)) -> Problem:
    """Technician 1 starts at 08:00 (480); stop 1 opens at 490, ten minutes away; five minutes between stops;
    ten minutes on each stop; stop 3 opens at 530, so the technician waits there."""
    stops = [Stop(key=1, lat=44.84, lon=-0.58, utility="water", window=(490, 500)),
             Stop(key=2, lat=44.85, lon=-0.58, utility="water", window=window_2),
             Stop(key=3, lat=44.86, lon=-0.58, utility="water", window=(530, 540))]
    technicians = [Technician(1, 44.80, -0.58, shift=shift, utility="water"),
                   Technician(2, 44.80, -0.58, shift=(480, 1020), utility="water")]
    return Problem(stops, technicians, road_minutes=ROADS)


def test_a_round_that_meets_its_window_and_its_shift_to_the_minute_holds():
    # arrives 490 (window opens), leaves 500; stop 2 at 505 (window closes); stop 3 at 520, waits to 530,
    # leaves 540: the shift's last minute.
    assert violations(problem(), {1: [1, 2, 3]}) == []


def test_one_minute_past_a_window_and_a_shift():
    found = violations(problem(window_2=(500, 504), shift=(480, 539)), {1: [1, 2, 3]})
    assert found == ["stop 2: arrival 505 after its window (500, 504)",
                     "technician 1: round ends at 540, after the shift (480, 539)"]


def test_an_unknown_technician_does_not_stop_the_check_of_the_others():
    found = violations(problem(window_2=(500, 504)), {9: [3], 1: [1, 2]})
    assert found == ["technician 9 is not in the problem", "stop 2: arrival 505 after its window (500, 504)"]


def test_an_unknown_stop_does_not_stop_the_check_of_its_round():
    found = violations(problem(window_2=(500, 504)), {1: [1, 7, 2]})
    assert found == ["stop 7 is not in the problem", "stop 2: arrival 505 after its window (500, 504)"]


def test_a_stop_planned_twice_is_reported_once_with_its_count():
    found = violations(problem(), {1: [1], 2: [3, 1]})
    assert found[0] == "stop 1 visited 2 times"
    assert found.count("stop 1 visited 2 times") == 1
