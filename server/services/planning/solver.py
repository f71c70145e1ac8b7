"""The rounds of the day with OR-Tools' routing solver: vehicle routing with time windows.

One vehicle per technician, starting at their start point within their hours; one node per stop.
Travel is the cost; time (travel + service on site) is a dimension bounded by each appointment
window and each technician's shift; a second dimension counts stops against each technician's cap.
Skills and kept stops restrict the vehicles allowed for a node; every stop is a disjunction with a
large penalty, so a stop that fits nowhere is reported unplanned instead of making the search fail."""
from time import monotonic
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from .problem import Problem, Travel, can_do, round_km

DAY_SECONDS = 24 * 3600
DROP_PENALTY = 100_000_000       # a dropped stop costs far more than any round's travel
DROP_KEPT_PENALTY = 1_000_000_000  # dropping a stop already on a tablet costs more still
RISK_MARGIN_MINUTES = 15         # an arrival this close to the window's end is "at risk"
# Travel alone is the cost. Pricing idle time too (slack or span costs) was tried: on the 400-order
# bench it cost 20 % more travel at the same time limit, the search spending itself on the schedule.
TRAVEL_WEIGHT = 1


@dataclass
class Visit:
    key: int
    arrival: int                     # minutes since local midnight
    window: tuple[int, int] | None = None

    @property
    def at_risk(self) -> bool:
        return self.window is not None and self.arrival > self.window[1] - RISK_MARGIN_MINUTES


@dataclass
class PlannedRound:
    technician: int
    visits: list[Visit] = field(default_factory=list)
    km: float = 0.0

    @property
    def keys(self) -> list[int]:
        return [v.key for v in self.visits]


@dataclass
class Proposal:
    rounds: dict[int, PlannedRound]
    unplanned: dict[int, str]        # stop key -> why (French, shown to the chief)
    km: float = 0.0
    solved: bool = True


class _Nodes:
    """Node numbering: technicians' starts, then their (free) ends, then the stops."""

    def __init__(self, problem: Problem, stops):
        self.technicians = problem.technicians
        self.stops = stops
        self.count = 2 * len(self.technicians) + len(stops)

    def place(self, node: int) -> tuple | None:
        v = len(self.technicians)
        if node < v:
            return ("tech", self.technicians[node].key)
        if node < 2 * v:
            return None  # a round ends wherever its last visit is
        return ("stop", self.stops[node - 2 * v].key)

    def stop(self, node: int):
        v = len(self.technicians)
        return self.stops[node - 2 * v] if node >= 2 * v else None


def _matrices(problem: Problem, nodes: _Nodes, travel: Travel) -> tuple[list, list]:
    places = [nodes.place(n) for n in range(nodes.count)]
    service = [(nodes.stop(n).service_minutes * 60 if nodes.stop(n) else 0) for n in range(nodes.count)]
    cost, time = [], []
    for i, a in enumerate(places):
        row_cost, row_time = [], []
        for b in places:
            seconds = 0 if a is None or b is None else travel.seconds(a, b)
            row_cost.append(seconds * TRAVEL_WEIGHT)
            row_time.append(seconds + service[i])
        cost.append(row_cost)
        time.append(row_time)
    return cost, time


def allowed_technicians(problem: Problem, stop) -> list[int]:
    """Vehicle indices that may take a stop: its keeper only, or every technician able to do it."""
    allowed = [v for v, t in enumerate(problem.technicians) if can_do(t, stop)]
    if stop.kept_by is not None:
        allowed = [v for v in allowed if problem.technicians[v].key == stop.kept_by]
    return allowed


def solve(problem: Problem) -> Proposal:
    """The proposal: every round ordered with its arrival times, and the stops that fit nowhere.
    The problem's time limit bounds the whole call: building the model counts against it."""
    started = monotonic()
    travel = Travel(problem)
    unplanned, stops = {}, []
    for stop in problem.stops:
        if not allowed_technicians(problem, stop):
            unplanned[stop.key] = "aucun technicien habilité" if stop.kept_by is None else "technicien absent du plan"
        else:
            stops.append(stop)
    rounds = {t.key: PlannedRound(t.key) for t in problem.technicians}
    if not problem.technicians or not stops:
        return Proposal(rounds, unplanned)
    nodes = _Nodes(problem, stops)
    v = len(problem.technicians)
    manager = pywrapcp.RoutingIndexManager(nodes.count, v, list(range(v)), list(range(v, 2 * v)))
    routing = pywrapcp.RoutingModel(manager)
    cost, time = _matrices(problem, nodes, travel)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(cost))
    routing.AddDimension(routing.RegisterTransitMatrix(time), DAY_SECONDS, DAY_SECONDS, False, "time")
    clock = routing.GetDimensionOrDie("time")
    ones = [0] * (2 * v) + [1] * len(stops)
    routing.AddDimensionWithVehicleCapacity(routing.RegisterUnaryTransitVector(ones), 0,
                                            [t.cap for t in problem.technicians], True, "count")
    for vehicle, technician in enumerate(problem.technicians):
        begin, end = technician.shift[0] * 60, technician.shift[1] * 60
        clock.CumulVar(routing.Start(vehicle)).SetRange(begin, begin)  # the round starts with the shift
        clock.CumulVar(routing.End(vehicle)).SetRange(begin, end)
    for offset, stop in enumerate(stops):
        index = manager.NodeToIndex(2 * v + offset)
        if stop.window is not None:
            clock.CumulVar(index).SetRange(stop.window[0] * 60, stop.window[1] * 60)
        routing.VehicleVar(index).SetValues([-1] + allowed_technicians(problem, stop))  # -1: dropped
        routing.AddDisjunction([index], DROP_KEPT_PENALTY if stop.kept_by is not None else DROP_PENALTY)
    for vehicle in range(v):
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(routing.End(vehicle)))
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    remaining = problem.time_limit_seconds - (monotonic() - started) - 0.1  # 0.1 s to read the solution
    parameters.time_limit.FromMilliseconds(max(100, int(remaining * 1000)))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return Proposal(rounds, {**unplanned, **{s.key: "aucune solution trouvée" for s in stops}}, solved=False)
    placed = set()
    for vehicle, technician in enumerate(problem.technicians):
        index = solution.Value(routing.NextVar(routing.Start(vehicle)))
        clock_at, place = technician.shift[0] * 60, ("tech", technician.key)
        while not routing.IsEnd(index):
            stop = nodes.stop(manager.IndexToNode(index))
            # Shown arrivals: as early as the round allows (the solver's cumuls may park idle time anywhere).
            clock_at = max(clock_at + travel.seconds(place, ("stop", stop.key)), stop.window[0] * 60 if stop.window else 0)
            rounds[technician.key].visits.append(Visit(stop.key, clock_at // 60, stop.window))
            clock_at += stop.service_minutes * 60
            place = ("stop", stop.key)
            placed.add(stop.key)
            index = solution.Value(routing.NextVar(index))
        rounds[technician.key].km = round_km(travel, technician.key, rounds[technician.key].keys)
    for stop in stops:
        if stop.key not in placed:
            unplanned[stop.key] = "créneau, horaires ou plafond impossibles à tenir"
    return Proposal(rounds, unplanned, km=sum(r.km for r in rounds.values()))
