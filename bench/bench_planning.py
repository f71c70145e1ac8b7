"""Planning the day (issue 17): 400 orders, 10 technicians, appointment windows on a third of them.

Targets: the proposal in <= 10 s (model building + search, wall clock), its travel within 10 % of the
best the same solver finds in 60 s, and every window, shift, skill and cap respected according to the
independent checker (not the solver's own report). Exits non-zero when a target is missed.

    .venv/bin/python bench/bench_planning.py [--orders 400] [--technicians 10] [--limit 8] [--reference 60]
"""
import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.services.planning.checker import violations  # noqa: E402
from server.services.planning.problem import SERVICE_MINUTES, SKILL_NEEDED, Problem, Stop, Technician  # noqa: E402
from server.services.planning.solver import solve  # noqa: E402

CENTRE = (44.84, -0.58)            # Bordeaux; the generated day spreads over ~8 × 7 km
TYPES = [("READING", 0.80), ("CUTOFF", 0.08), ("REMOVAL", 0.04), ("CLOSURE", 0.04), ("INVESTIGATION", 0.04)]
WALK_BY_READING_MINUTES = 4        # a reading in a dense round takes less than an appointment reading


def generated_day(orders: int, technicians: int, seed: int = 17) -> Problem:
    rng = random.Random(seed)

    def somewhere():
        return CENTRE[0] + rng.uniform(-0.035, 0.035), CENTRE[1] + rng.uniform(-0.045, 0.045)

    team = [Technician(100 + i, *somewhere(), shift=(7 * 60 + 30, 17 * 60 + 30), utility="electricity",
                       skills=frozenset({"ARPNT"}) if i < 3 else frozenset(), cap=55) for i in range(technicians)]
    stops = []
    kinds = [k for k, _ in TYPES]
    weights = [w for _, w in TYPES]
    for i in range(orders):
        kind = rng.choices(kinds, weights)[0]
        window = None
        if i % 3 == 0:  # a third with an appointment: two hours between 8:00 and 17:00
            start = rng.randrange(8 * 60, 15 * 60 + 1, 30)
            window = (start, start + 120)
        service = WALK_BY_READING_MINUTES if kind == "READING" and window is None else SERVICE_MINUTES[kind]
        stops.append(Stop(key=i, lat=somewhere()[0], lon=somewhere()[1], utility="electricity",
                          service_minutes=service, skill=SKILL_NEEDED.get(kind), window=window))
    return Problem(stops, team)


def run(problem: Problem, seconds: float):
    problem.time_limit_seconds = seconds
    started, cpu = time.perf_counter(), time.process_time()
    proposal = solve(problem)
    return proposal, time.perf_counter() - started, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--technicians", type=int, default=10)
    parser.add_argument("--limit", type=float, default=8.0,
                        help="time budget of the proposal (s), as TOURNEE_PLANNING_TIME_LIMIT's default")
    parser.add_argument("--reference", type=float, default=60.0, help="time limit of the reference search (s)")
    args = parser.parse_args()
    problem = generated_day(args.orders, args.technicians)
    windows = sum(1 for s in problem.stops if s.window)
    removals = sum(1 for s in problem.stops if s.skill)
    print(f"{args.orders} orders ({windows} with a window, {removals} removals for 3 ARPNT technicians), "
          f"{args.technicians} technicians")
    failures = []
    results = {}
    for name, seconds in (("proposal", args.limit), ("reference", args.reference)):
        proposal, wall, cpu = run(problem, seconds)
        broken = violations(problem, {t: r.keys for t, r in proposal.rounds.items()})
        results[name] = proposal
        print(f"{name:9}: limit {seconds:5.1f} s, wall {wall:5.1f} s (CPU {cpu:4.1f} s), travel {proposal.km:7.1f} km, "
              f"unplanned {len(proposal.unplanned)}, checker violations {len(broken)}")
        for v in broken[:5]:
            print("   ", v)
        if broken:
            failures.append(f"{name}: {len(broken)} violations")
        if name == "proposal" and wall > 10:
            failures.append(f"proposal took {wall:.1f} s (> 10 s)")
    proposal, reference = results["proposal"], results["reference"]
    if len(proposal.unplanned) > len(reference.unplanned):
        failures.append(f"proposal leaves {len(proposal.unplanned)} orders unplanned, the reference {len(reference.unplanned)}")
    gap = proposal.km / reference.km - 1 if reference.km else 0.0
    print(f"gap to the 60 s reference: {gap * 100:+.1f} % (target <= +10 %)")
    if gap > 0.10:
        failures.append(f"travel {gap * 100:.1f} % above the reference")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for failure in failures:
        print("MISSED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
