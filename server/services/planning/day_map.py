"""The map of a day, pure geometry: positions projected into a drawing box, each round a numbered
path from its start point. The board draws it as inline SVG, the batch print with reportlab; no tile
server, so it works on a closed network."""
import math
from dataclasses import dataclass, field

# Colour-blind-friendly round colours (Okabe-Ito), cycled beyond eight technicians.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
UNASSIGNED_COLOUR = "#888888"


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    label: str            # the visit's number in its round ("" for an unassigned order)
    title: str            # shown on hover / in the legend: order ref and address


@dataclass(frozen=True)
class MapRound:
    name: str
    colour: str
    start: tuple[float, float] | None
    points: list[MapPoint]

    @property
    def path(self) -> str:
        """The polyline's points, "x,y x,y …", start first."""
        coords = ([self.start] if self.start else []) + [(p.x, p.y) for p in self.points]
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)


@dataclass
class DayMap:
    width: int
    height: int
    rounds: list[MapRound] = field(default_factory=list)
    unassigned: list[MapPoint] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.unassigned and not any(r.points for r in self.rounds)


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    title: str = ""


@dataclass(frozen=True)
class RoundPlaces:
    name: str
    start: Place | None
    visits: list[Place]


def day_map(rounds: list[RoundPlaces], unassigned: list[Place], width: int = 640, height: int = 420,
            margin: int = 24) -> DayMap:
    """Fit every position into width × height (equirectangular, north up, same scale on both axes)."""
    places = [p for r in rounds for p in ([r.start] if r.start else []) + r.visits] + unassigned
    if not places:
        return DayMap(width, height)
    mid_lat = math.radians(sum(p.lat for p in places) / len(places))
    xs = [p.lon * math.cos(mid_lat) for p in places]
    ys = [p.lat for p in places]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-4)
    scale = min((width - 2 * margin) / span, (height - 2 * margin) / span)
    x0 = min(xs) - ((width - 2 * margin) / scale - (max(xs) - min(xs))) / 2
    y1 = max(ys) + ((height - 2 * margin) / scale - (max(ys) - min(ys))) / 2

    def project(place: Place) -> tuple[float, float]:
        return margin + (place.lon * math.cos(mid_lat) - x0) * scale, margin + (y1 - place.lat) * scale

    drawn = DayMap(width, height)
    for i, r in enumerate(rounds):
        points = [MapPoint(*project(p), str(n), p.title) for n, p in enumerate(r.visits, start=1)]
        drawn.rounds.append(MapRound(r.name, PALETTE[i % len(PALETTE)], project(r.start) if r.start else None, points))
    drawn.unassigned = [MapPoint(*project(p), "", p.title) for p in unassigned]
    return drawn
