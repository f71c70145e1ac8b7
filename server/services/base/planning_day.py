"""A generated day for the planner (issue 17): N unassigned orders of one utility on its delivery
points, appointment windows on a third, and enough technicians (hours, start point, skills, cap)
for the chief to try "Proposer les tournées" at scale (`tournee generate-day`)."""
import random
from datetime import date, datetime, time, timezone

from sqlalchemy import select

from ...extensions import db
from ...local_time import utility_zone
from ...models import Commune, DeliveryPoint, Order, User
from .accounts import hash_password
from .counters import next_ref, next_value
from .seeding import DEMO_PASSWORD

ORDER_MIX = {"water": [("READING", 0.8), ("CLOSURE", 0.1), ("INVESTIGATION", 0.1)],
             "electricity": [("READING", 0.75), ("CUTOFF", 0.15), ("REMOVAL", 0.1)]}


def _team(utility: str, technicians: int, centre: tuple[float, float], rng: random.Random) -> list[User]:
    """The utility's technicians, completed up to the count with generated ones (ARPNT for a third)."""
    chief = db.session.scalar(select(User).where(User.role == "chief", User.utility == utility).order_by(User.id))
    team = list(db.session.scalars(select(User).where(User.role == "technician", User.utility == utility,
                                                      User.active.is_(True)).order_by(User.id)))
    number = 0
    while len(team) < technicians:
        number += 1
        login = f"tech.{'eau' if utility == 'water' else 'elec'}.j{number:02d}"
        if db.session.scalar(select(User).where(User.login == login)):
            continue
        user = User(login=login, name=f"Technicien {number:02d} ({'eau' if utility == 'water' else 'électricité'})",
                    role="technician", utility=utility, password_hash=hash_password(DEMO_PASSWORD),
                    chief_id=chief.id if chief else None, work_start=time(7, 30), work_end=time(17, 30),
                    start_lat=centre[0] + rng.uniform(-0.02, 0.02), start_lon=centre[1] + rng.uniform(-0.02, 0.02),
                    round_cap=55, skills="ARPNT" if utility == "electricity" and number % 3 == 1 else None)
        db.session.add(user)
        team.append(user)
    return team


def generate_day(day: date, *, utility: str = "water", orders: int = 400, technicians: int = 10,
                 seed: int = 17) -> dict:
    """Add `orders` unassigned orders planned on `day` (windows of two hours on a third of them)."""
    rng = random.Random(seed)
    points = list(db.session.scalars(select(DeliveryPoint).join(Commune).where(
        Commune.utility == utility, DeliveryPoint.state == "open", DeliveryPoint.lat.is_not(None))
        .order_by(DeliveryPoint.id)))
    if not points:
        raise ValueError("Aucun point de livraison : chargez d'abord les données (tournee load-demo).")
    centre = (sum(p.lat for p in points) / len(points), sum(p.lon for p in points) / len(points))
    team = _team(utility, technicians, centre, rng)
    chosen = rng.sample(points, min(orders, len(points)))
    chosen += [rng.choice(points) for _ in range(orders - len(chosen))]
    kinds, weights = zip(*ORDER_MIX[utility])
    zone = utility_zone(utility)
    for i, point in enumerate(chosen):
        window = (None, None)
        if i % 3 == 0:
            start = datetime.combine(day, time(rng.randrange(8, 16)), tzinfo=zone)
            window = (start.astimezone(timezone.utc), start.replace(hour=start.hour + 2).astimezone(timezone.utc))
        db.session.add(Order(ref=next_ref("AT"), type=rng.choices(kinds, weights)[0], state="issued",
                             delivery_point_id=point.id, meter_id=point.meters[0].id if point.meters else None,
                             planned_date=day, window_start=window[0], window_end=window[1],
                             change_seq=next_value("orders")))
    db.session.commit()
    return {"orders": orders, "technicians": len(team), "points": len(points)}
