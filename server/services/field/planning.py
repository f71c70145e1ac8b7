"""The chief's planner (issue 17): "Proposer les tournées" and "Replanifier" build a planning problem
from the day's board, let OR-Tools propose the rounds (services.planning), check the proposal with the
independent checker, and keep it until the chief accepts it, whole or per technician. Accepting goes
through the board's own assign and reorder functions, so every change reaches the tablets (change_seq,
tombstones) and the audit trail exactly like a manual one."""
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ...errors import DomainError, Forbidden, NotFound
from ...extensions import db
from ...local_time import as_utc, utility_zone
from ...models import Order, RoundProposal, User
from ..base.audit import record
from ..planning.checker import violations
from ..planning.day_map import DayMap, Place, RoundPlaces, day_map
from ..planning.problem import Problem, Technician, Travel, road_minutes_from_csv, round_km, stop_for
from ..planning.solver import RISK_MARGIN_MINUTES, solve
from .dispatch import DayBoard, assign, day_board, reorder_round, team_of, utility_of_user, window_label

DEFAULT_SHIFT = (time(8), time(17))
OPEN_STATES = ("issued", "assigned")


@dataclass
class PlanningInput:
    problem: Problem
    board: DayBoard
    orders: dict[int, Order]                 # every order the problem may place
    unplaceable: dict[int, str]              # order id -> why it cannot be planned (no position)
    current: dict[int, list[int]]            # technician id -> their pending round as it stands


def _minutes(moment: datetime, utility: str | None, day: date) -> int:
    """Minutes since local midnight of the day (negative or beyond 1440 when on another day)."""
    local = as_utc(moment).astimezone(utility_zone(utility))
    midnight = datetime.combine(day, time(0), tzinfo=local.tzinfo)
    return int((local.replace(tzinfo=None) - midnight.replace(tzinfo=None)).total_seconds() // 60)


def _window(order: Order, day: date) -> tuple[int, int] | None:
    """The appointment window in minutes of the day; a window of another day no longer binds."""
    if order.window_start is None or order.window_end is None:
        return None
    utility = order.point.commune.utility
    start, end = _minutes(order.window_start, utility, day), _minutes(order.window_end, utility, day)
    return (start, end) if 0 <= start <= end <= 24 * 60 else None


def _shift(technician: User) -> tuple[int, int]:
    begin, end = technician.work_start or DEFAULT_SHIFT[0], technician.work_end or DEFAULT_SHIFT[1]
    return begin.hour * 60 + begin.minute, end.hour * 60 + end.minute


def skills_of(technician: User) -> frozenset:
    return frozenset(s.strip().upper() for s in (technician.skills or "").split(",") if s.strip())


def _done_today(board: DayBoard, technician_id: int) -> list[Order]:
    r = next(r for r in board.rounds if r.technician.id == technician_id)
    return sorted((o for c in ("done", "countersigned") for o in r.orders[c]), key=lambda o: o.round_position)


def _road_minutes(orders: dict[int, Order], technicians: list[User]) -> dict:
    """The configured road-time matrix (places by point ref or tech:<login>), keyed for the problem."""
    path = current_app.config.get("PLANNING_ROAD_MATRIX")
    if not path:
        return {}
    by_name: dict[str, list[tuple]] = {f"tech:{t.login}": [("tech", t.id)] for t in technicians}
    for order in orders.values():
        by_name.setdefault(order.point.ref, []).append(("stop", order.id))
    named = road_minutes_from_csv(Path(path).read_text(encoding="utf-8"), place_of=lambda n: n if n in by_name else None)
    return {(a, b): minutes for (na, nb), minutes in named.items() for a in by_name[na] for b in by_name[nb]}


def planning_input(chief: User, day: date, *, now: datetime, allow_moving: bool = False,
                   replan: bool = False) -> PlanningInput:
    """The day's problem: unassigned and pending orders of the chief's section, their technicians.
    Done orders stay out (and count against the cap); orders on a tablet stay with their technician
    unless `allow_moving`; a replan starts each round now, from the last order done."""
    board = day_board(chief, day, now=now)
    config = current_app.config
    orders, unplaceable, current, stops = {}, {}, {}, []
    on_tablet = {o.id for r in board.rounds for o in r.orders["on_tablet"]}
    pending = [o for r in board.rounds for o in r.ordered]
    for r in board.rounds:
        current[r.technician.id] = [o.id for o in r.ordered]
    for order in board.unassigned + pending:
        point = order.point
        if point.lat is None or point.lon is None:
            unplaceable[order.id] = "position du point inconnue"
            continue
        orders[order.id] = order
        kept = order.assignee_id if order.id in on_tablet and not allow_moving else None
        stops.append(stop_for(order.type, key=order.id, lat=point.lat, lon=point.lon, utility=point.commune.utility,
                              window=_window(order, day), kept_by=kept, current_by=order.assignee_id,
                              current_position=order.round_position))
    technicians = []
    for technician in board.technicians:
        begin, end = _shift(technician)
        done = _done_today(board, technician.id)
        local_now = now.astimezone(utility_zone(technician.utility))
        if replan and local_now.date() == day:
            begin = min(max(begin, local_now.hour * 60 + local_now.minute), end)
        start = next(((o.point.lat, o.point.lon) for o in reversed(done) if o.point.lat is not None), None) if replan else None
        if start is None and technician.start_lat is not None and technician.start_lon is not None:
            start = (technician.start_lat, technician.start_lon)
        if start is None:  # no start point set: the middle of the orders they could take
            own = [(s.lat, s.lon) for s in stops if technician.utility in (None, s.utility)]
            if not own:
                continue
            start = (sum(p[0] for p in own) / len(own), sum(p[1] for p in own) / len(own))
        cap = max(0, (technician.round_cap or config["PLANNING_DEFAULT_CAP"]) - len(done))
        technicians.append(Technician(technician.id, *start, shift=(begin, end), utility=technician.utility,
                                      skills=skills_of(technician), cap=cap))
    problem = Problem(stops, technicians, detour_factor=config["PLANNING_DETOUR_FACTOR"],
                      speed_kmh=config["PLANNING_SPEED_KMH"], time_limit_seconds=config["PLANNING_TIME_LIMIT_SECONDS"])
    problem.road_minutes = _road_minutes(orders, board.technicians)
    return PlanningInput(problem, board, orders, unplaceable, current)


def propose(chief: User, day: date, *, now: datetime, allow_moving: bool = False, replan: bool = False) -> RoundProposal:
    """Solve the day and keep the proposal for the chief to review; nothing changes on the rounds yet."""
    given = planning_input(chief, day, now=now, allow_moving=allow_moving, replan=replan)
    problem = given.problem
    solution = solve(problem)
    planned = {t: r.keys for t, r in solution.rounds.items()}
    travel = Travel(problem)
    known = {t.key for t in problem.technicians}
    current_km = {t: round_km(travel, t, [k for k in keys if k in given.orders]) for t, keys in given.current.items() if t in known}
    content = {
        "rounds": [{"technician": t, "km": round(r.km, 2), "current_km": round(current_km.get(t, 0.0), 2),
                    "orders": [{"order": v.key, "arrival": v.arrival, "window": list(v.window) if v.window else None,
                                "at_risk": v.at_risk} for v in r.visits]}
                   for t, r in solution.rounds.items()],
        "unplanned": [{"order": k, "reason": why} for k, why in {**given.unplaceable, **solution.unplanned}.items()],
        "km": round(solution.km, 2), "current_km": round(sum(current_km.values()), 2),
        "violations": violations(problem, planned),  # the independent check; empty unless the solver erred
    }
    proposal = RoundProposal(chief_id=chief.id, day=day, utility=utility_of_user(chief), replan=replan,
                             allow_moving=allow_moving, content=content, accepted=[], state="proposed")
    db.session.add(proposal)
    db.session.flush()
    record("propose_rounds", "round_proposal", proposal.id, user=chief, at=now, day=day.isoformat(), replan=replan,
           orders=sum(len(r["orders"]) for r in content["rounds"]), unplanned=len(content["unplanned"]))
    db.session.commit()
    return proposal


def _own_proposal(proposal_id: int, chief: User) -> RoundProposal:
    proposal = db.session.get(RoundProposal, proposal_id)
    if proposal is None:
        raise NotFound("Proposition de tournées introuvable.")
    if proposal.chief_id != chief.id and chief.role != "admin":
        raise Forbidden("Cette proposition est celle d'un autre chef.")
    return proposal


def _pending_of(technician_id: int, day: date) -> list[int]:
    return list(db.session.scalars(select(Order.id).where(
        Order.assignee_id == technician_id, Order.state == "assigned", Order.planned_date <= day)
        .order_by(Order.round_position, Order.id)))


def accept(proposal_id: int, technician_id: int | None, *, chief: User, now: datetime) -> int:
    """Apply the proposed round of one technician (None: all of them) through the board's assign and
    reorder; orders done or cancelled since the proposal are left alone. Returns the orders applied."""
    proposal = _own_proposal(proposal_id, chief)
    if proposal.state != "proposed":
        raise DomainError("Cette proposition n'est plus en attente.")
    rounds = [r for r in proposal.content["rounds"]
              if (technician_id is None or r["technician"] == technician_id) and r["technician"] not in proposal.accepted]
    if technician_id is not None and not rounds:
        raise DomainError("Aucune tournée à accepter pour ce technicien.")
    applied = 0
    for r in rounds:
        tech = r["technician"]
        ids = []
        for entry in r["orders"]:
            order = db.session.get(Order, entry["order"])
            if order is None or order.state not in OPEN_STATES:
                continue
            if order.assignee_id != tech:
                assign(order.id, tech, chief=chief, now=now)
            ids.append(order.id)
        others = [i for i in _pending_of(tech, proposal.day) if i not in ids]
        if ids or others:
            reorder_round(tech, ids + others, chief=chief, now=now)
        applied += len(ids)
        proposal.accepted = [*proposal.accepted, tech]
    if {r["technician"] for r in proposal.content["rounds"]} <= set(proposal.accepted):
        proposal.state = "applied"
    record("accept_rounds", "round_proposal", proposal.id, user=chief, at=now,
           technicians=[r["technician"] for r in rounds], orders=applied)
    db.session.commit()
    return applied


def dismiss(proposal_id: int, *, chief: User, now: datetime) -> None:
    proposal = _own_proposal(proposal_id, chief)
    if proposal.state == "proposed":
        proposal.state = "dismissed"
        record("dismiss_rounds", "round_proposal", proposal.id, user=chief, at=now)
        db.session.commit()


def set_technician_day(technician_id: int, *, work_start: time | None, work_end: time | None,
                       start: tuple[float, float] | None, arpnt: bool, cap: int | None, chief: User,
                       now: datetime) -> User:
    """What the planner knows of a technician's day: hours (local time), start point, the ARPNT skill
    (meter removals, E10), the most visits in a day. Only for the chief's own team."""
    technician = next((t for t in team_of(chief) if t.id == technician_id), None)
    if technician is None:
        raise Forbidden("Ce technicien n'est pas dans votre équipe.")
    if work_start and work_end and work_end <= work_start:
        raise DomainError("La fin de journée doit suivre son début.", {"work_end": ["Horaires invalides."]})
    skills = skills_of(technician) - {"ARPNT"} | ({"ARPNT"} if arpnt else set())
    technician.work_start, technician.work_end = work_start, work_end
    technician.start_lat, technician.start_lon = start if start else (None, None)
    technician.skills = ",".join(sorted(skills)) or None
    technician.round_cap = cap
    record("set_technician_day", "user", technician.id, user=chief, at=now,
           work_start=work_start.isoformat() if work_start else None, work_end=work_end.isoformat() if work_end else None,
           start=list(start) if start else None, skills=technician.skills, cap=cap)
    db.session.commit()
    return technician


# --- what the board shows -------------------------------------------------------------------------

@dataclass
class ProposedVisit:
    order: Order
    arrival: str                 # "09:40", local time
    window: str | None
    at_risk: bool
    change: str | None           # "nouveau", "repris de <name>", "position 3 → 1"


@dataclass
class ProposedRound:
    technician: User
    visits: list[ProposedVisit]
    km: float
    current_km: float
    accepted: bool
    leaving: int = 0             # orders of their current round that the proposal gives to someone else

    @property
    def saved_km(self) -> float:
        return round(self.current_km - self.km, 1)

    @property
    def changes(self) -> int:
        return sum(1 for v in self.visits if v.change)

    @property
    def at_risk(self) -> int:
        return sum(1 for v in self.visits if v.at_risk)


@dataclass
class ProposalView:
    proposal: RoundProposal
    rounds: list[ProposedRound]
    unplanned: list[tuple[Order, str]]
    km: float
    current_km: float
    violations: list[str]
    map: DayMap
    risk_margin: int = RISK_MARGIN_MINUTES
    orders: int = field(default=0)

    @property
    def saved_km(self) -> float:
        return round(self.current_km - self.km, 1)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _start_place(technician: User) -> Place | None:
    if technician.start_lat is None or technician.start_lon is None:
        return None
    return Place(technician.start_lat, technician.start_lon, f"Départ de {technician.name}")


def _place(order: Order) -> Place | None:
    point = order.point
    return None if point.lat is None else Place(point.lat, point.lon, f"{order.ref} — {point.address}")


def latest_proposal(chief: User, day: date) -> ProposalView | None:
    """The chief's proposal for the day still waiting for a decision, as the board shows it."""
    proposal = db.session.scalar(select(RoundProposal).where(
        RoundProposal.chief_id == chief.id, RoundProposal.day == day, RoundProposal.state == "proposed")
        .order_by(RoundProposal.id.desc()).limit(1))
    return proposal_view(proposal) if proposal else None


def proposal_view(proposal: RoundProposal) -> ProposalView:
    content = proposal.content
    ids = [e["order"] for r in content["rounds"] for e in r["orders"]] + [u["order"] for u in content["unplanned"]]
    orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(ids)))} if ids else {}
    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_([r["technician"] for r in content["rounds"]])))}
    rounds = []
    for r in content["rounds"]:
        technician = users.get(r["technician"])
        if technician is None:
            continue
        visits = []
        for position, entry in enumerate(r["orders"], start=1):
            order = orders.get(entry["order"])
            if order is None:
                continue
            change = None
            if order.assignee_id is None:
                change = "nouveau"
            elif order.assignee_id != technician.id:
                change = f"repris de {users[order.assignee_id].name if order.assignee_id in users else 'un autre technicien'}"
            elif order.round_position != position:
                change = f"position {order.round_position} → {position}"
            visits.append(ProposedVisit(order, _clock(entry["arrival"]), window_label(order), entry["at_risk"], change))
        mine = {e["order"] for e in r["orders"]}
        leaving = sum(1 for o in orders.values() if o.assignee_id == technician.id and o.state == "assigned" and o.id not in mine)
        rounds.append(ProposedRound(technician, visits, r["km"], r["current_km"], technician.id in proposal.accepted, leaving))
    unplanned = [(orders[u["order"]], u["reason"]) for u in content["unplanned"] if u["order"] in orders]
    drawn = day_map([RoundPlaces(r.technician.name, _start_place(r.technician),
                                 [p for p in (_place(v.order) for v in r.visits) if p]) for r in rounds],
                    [p for p in (_place(o) for o, _ in unplanned) if p])
    return ProposalView(proposal, rounds, unplanned, content["km"], content["current_km"], content.get("violations", []),
                        drawn, orders=sum(len(r.visits) for r in rounds))


def plan_map(orders: list[Order], technicians: list[User]) -> DayMap:
    """The map of the day as planned now: each technician's orders in round order from their start
    point, the unassigned ones apart."""
    rounds = []
    for technician in technicians:
        mine = sorted((o for o in orders if o.assignee_id == technician.id), key=lambda o: (o.round_position, o.id))
        if mine:
            rounds.append(RoundPlaces(technician.name, _start_place(technician), [p for p in map(_place, mine) if p]))
    return day_map(rounds, [p for p in (_place(o) for o in orders if o.assignee_id is None) if p])


def board_map(board: DayBoard) -> DayMap:
    orders = board.unassigned + [o for r in board.rounds for c in r.orders.values() for o in c]
    return plan_map(orders, board.technicians)


@dataclass
class PlanningSection:
    """What the board's planning section shows: the day as planned now, and a pending proposal."""
    current_map: DayMap
    proposal: ProposalView | None
    can_replan: bool


def planning_section(chief: User, board: DayBoard, *, now: datetime) -> PlanningSection:
    local_today = now.astimezone(utility_zone(utility_of_user(chief))).date()
    return PlanningSection(board_map(board), latest_proposal(chief, board.day), board.day == local_today)
