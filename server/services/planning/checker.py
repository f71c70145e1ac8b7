"""An independent check of a proposal against its problem: it replays every round itself (earliest
arrival, waiting for a window to open) and never trusts the solver's own arrival times."""
from collections import Counter

from .problem import Problem, Travel, can_do


def violations(problem: Problem, rounds: dict[int, list[int]]) -> list[str]:
    """Everything a plan breaks (empty when it holds): every stop at most once, only stops of the
    problem, skills and utility, kept stops with their keeper, caps, windows and shifts."""
    travel = Travel(problem)
    stops = {s.key: s for s in problem.stops}
    technicians = {t.key: t for t in problem.technicians}
    found = []
    seen = Counter(k for keys in rounds.values() for k in keys)
    found += [f"stop {k} visited {n} times" for k, n in seen.items() if n > 1]
    for tech_key, keys in rounds.items():
        technician = technicians.get(tech_key)
        if technician is None:
            found.append(f"technician {tech_key} is not in the problem")
            continue
        if len(keys) > technician.cap:
            found.append(f"technician {tech_key}: {len(keys)} stops over the cap of {technician.cap}")
        clock = technician.shift[0] * 60
        place = ("tech", tech_key)
        for key in keys:
            stop = stops.get(key)
            if stop is None:
                found.append(f"stop {key} is not in the problem")
                continue
            if not can_do(technician, stop):
                found.append(f"stop {key} needs {stop.skill or stop.utility}, technician {tech_key} cannot do it")
            if stop.kept_by is not None and stop.kept_by != tech_key:
                found.append(f"stop {key} is kept by {stop.kept_by}, planned for {tech_key}")
            clock += travel.seconds(place, ("stop", key))
            if stop.window is not None:
                clock = max(clock, stop.window[0] * 60)
                if clock > stop.window[1] * 60:
                    found.append(f"stop {key}: arrival {clock // 60} after its window {stop.window}")
            clock += stop.service_minutes * 60
            place = ("stop", key)
        if clock > technician.shift[1] * 60:
            found.append(f"technician {tech_key}: round ends at {clock // 60}, after the shift {technician.shift}")
    return found


def kept_stops_missing(problem: Problem, rounds: dict[int, list[int]]) -> list[int]:
    """Stops on a tablet that the plan took away from their keeper."""
    planned = {k: t for t, keys in rounds.items() for k in keys}
    return [s.key for s in problem.stops if s.kept_by is not None and planned.get(s.key) != s.kept_by]
