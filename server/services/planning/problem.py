"""What a planning problem is made of: stops (orders to visit), technicians, and how long travel takes.

Times are minutes since local midnight of the planned day; positions are WGS84 degrees."""
import math
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0

# Minutes on site per order type (the time dimension adds it before leaving a stop).
SERVICE_MINUTES = {"READING": 10, "CUTOFF": 20, "REMOVAL": 45, "CLOSURE": 20, "INVESTIGATION": 15}
# The skill an order type needs beyond the utility (a REMOVAL needs an ARPNT technician, E10).
SKILL_NEEDED = {"REMOVAL": "ARPNT"}


@dataclass(frozen=True)
class Stop:
    key: int                       # the order's id
    lat: float
    lon: float
    utility: str                   # water / electricity
    service_minutes: int = 10
    skill: str | None = None       # a skill the technician must have (ARPNT)
    window: tuple[int, int] | None = None  # arrival between these minutes
    kept_by: int | None = None     # a technician the stop must stay with (on their tablet)
    current_by: int | None = None  # who has it in the current plan
    current_position: int = 0


@dataclass(frozen=True)
class Technician:
    key: int                       # the user's id
    lat: float
    lon: float
    shift: tuple[int, int] = (8 * 60, 17 * 60)
    utility: str | None = None     # None: both utilities
    skills: frozenset = frozenset()
    cap: int = 40                  # most stops in a round


@dataclass
class Problem:
    stops: list[Stop]
    technicians: list[Technician]
    detour_factor: float = 1.3
    speed_kmh: float = 30.0
    # Optional road times in minutes between places, keyed by ("stop", key) / ("tech", key) pairs;
    # a pair missing from it falls back to the straight line with the detour factor.
    road_minutes: dict = field(default_factory=dict)
    time_limit_seconds: float = 5.0


def stop_for(order_type: str, **fields) -> Stop:
    """A stop with the service time and skill its order type needs."""
    return Stop(service_minutes=SERVICE_MINUTES.get(order_type, 15), skill=SKILL_NEEDED.get(order_type), **fields)


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between two (lat, lon) positions."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def can_do(technician: Technician, stop: Stop) -> bool:
    """Skills: same utility (a technician of both does both), and the stop's skill if it needs one."""
    if technician.utility is not None and technician.utility != stop.utility:
        return False
    return stop.skill is None or stop.skill in technician.skills


class Travel:
    """Road kilometres and minutes between the places of a problem (technicians' starts, stops)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self._position = {("tech", t.key): (t.lat, t.lon) for t in problem.technicians}
        self._position.update({("stop", s.key): (s.lat, s.lon) for s in problem.stops})

    def km(self, a: tuple, b: tuple) -> float:
        return great_circle_km(self._position[a], self._position[b]) * self.problem.detour_factor

    def seconds(self, a: tuple, b: tuple) -> int:
        """Whole seconds, rounded up: the checker and the solver count the same way."""
        if a == b:
            return 0
        road = self.problem.road_minutes.get((a, b))
        if road is not None:
            return int(math.ceil(road * 60))
        return int(math.ceil(self.km(a, b) / self.problem.speed_kmh * 3600))


def round_km(travel: Travel, technician: int, stop_keys: list[int]) -> float:
    """Road kilometres of a round from the technician's start through the stops (no return)."""
    places = [("tech", technician)] + [("stop", k) for k in stop_keys]
    return sum(travel.km(a, b) for a, b in zip(places, places[1:]))


def place_key(name: str) -> tuple | None:
    """`stop:<key>` or `tech:<key>` as a place of the problem."""
    kind, _, key = name.partition(":")
    return (kind, int(key)) if kind in ("stop", "tech") and key.isdigit() else None


def road_minutes_from_csv(text: str, place_of=place_key) -> dict:
    """A road-time matrix from CSV lines `from,to,minutes`; `place_of` turns a name into a place
    (None: a place not in this problem, skipped). A header line or `#` comments are skipped."""
    matrix = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3 or parts[0].startswith("#"):
            continue
        try:
            minutes = float(parts[2])
        except ValueError:
            continue
        a, b = place_of(parts[0]), place_of(parts[1])
        if a is not None and b is not None:
            matrix[(a, b)] = minutes
    return matrix
