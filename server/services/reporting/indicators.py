"""W23 monthly indicators of the departure procedure, per commune and per month:
resolved dossiers / termination requests, and dossiers still open more than 30 days after the request."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import or_, select

from ...extensions import db
from ...models import Commune, DeliveryPoint, Dossier, User
from ..base.spreadsheets import excel_csv
from ..rules.departure_rules import OPEN_LIMIT_DAYS, open_limit_day

DEPARTURE_TYPES = ("DSI", "DEP")
RESOLVED_STATES = ("closed", "treated")
CSV_HEADER = ["Mois", "Code commune", "Commune", "Résiliations demandées", "Dossiers résolus",
              "Taux de résolution (%)", "Dossiers ouverts au-delà de 30 jours"]


@dataclass(frozen=True)
class DossierFacts:
    commune_code: str
    commune_name: str
    requested_on: date
    state: str
    closed_on: date | None


@dataclass
class MonthRow:
    month: date                 # first day of the month
    commune_code: str
    commune_name: str
    requested: int = 0
    resolved: int = 0
    open_over_limit: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Resolved / requested, in percent (None when nothing was requested)."""
        if not self.requested:
            return None
        return (Decimal(100) * self.resolved / self.requested).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def month_starts(last: date, count: int) -> list[date]:
    """The first days of the `count` months ending with the month of `last`, oldest first."""
    months, current = [], last.replace(day=1)
    for _ in range(count):
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return months[::-1]


def month_end(start: date) -> date:
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def resolved_in(facts: DossierFacts, start: date, end: date) -> bool:
    return facts.state in RESOLVED_STATES and facts.closed_on is not None and start <= facts.closed_on <= end


def open_over_limit_at(facts: DossierFacts, moment: date) -> bool:
    """W23: a departure dossier still open at that moment more than 30 days after its request."""
    still_open = facts.closed_on is None or facts.closed_on > moment
    return still_open and facts.state != "cancelled" and open_limit_day(facts.requested_on) <= moment


def monthly_indicators(dossiers: list[DossierFacts], months: list[date], today: date) -> list[MonthRow]:
    """W23 per (month, commune): requests made in the month, dossiers resolved in the month, and dossiers
    open more than 30 days after their request at the month's end (today for the current month)."""
    rows: dict[tuple[date, str], MonthRow] = {}
    communes = sorted({(d.commune_code, d.commune_name) for d in dossiers})
    for start in months:
        end = month_end(start)
        moment = min(end, today)
        for code, name in communes:
            rows[(start, code)] = MonthRow(start, code, name)
        for facts in dossiers:
            row = rows[(start, facts.commune_code)]
            row.requested += start <= facts.requested_on <= end
            row.resolved += resolved_in(facts, start, end)
            row.open_over_limit += open_over_limit_at(facts, moment)
    return [row for row in rows.values() if row.requested or row.resolved or row.open_over_limit]


def totals_by_month(rows: list[MonthRow], months: list[date]) -> list[MonthRow]:
    """All communes together, one row per month of the period (empty months included)."""
    totals = {month: MonthRow(month, "", "Toutes communes") for month in months}
    for row in rows:
        total = totals[row.month]
        total.requested += row.requested
        total.resolved += row.resolved
        total.open_over_limit += row.open_over_limit
    return [totals[m] for m in sorted(totals)]


def counts_as_a_request():
    """W23 (§4.1): the indicators count customer requests: a DEP that confirms an announced departure (DSI)
    continues that request and is not counted again (the DSI carries it to its resolution)."""
    return Dossier.origin_id.is_(None)


def departure_dossiers(user: User, first: date, last: date) -> list[DossierFacts]:
    """The departure dossiers that matter between two days, in the user's utility."""
    query = (select(Commune.code, Commune.name, Dossier.requested_on, Dossier.state, Dossier.closed_on)
             .join(DeliveryPoint, Dossier.delivery_point_id == DeliveryPoint.id).join(Commune)
             .where(Dossier.type.in_(DEPARTURE_TYPES), Dossier.requested_on <= last, counts_as_a_request())
             .where(or_(Dossier.closed_on.is_(None), Dossier.closed_on >= first)))
    if user.role != "admin" and user.utility:
        query = query.where(Commune.utility == user.utility)
    return [DossierFacts(*row) for row in db.session.execute(query)]


def indicators(user: User, *, today: date, months: int = 12) -> tuple[list[MonthRow], list[MonthRow]]:
    """(rows per month and commune, totals per month), most recent month last."""
    starts = month_starts(today, months)
    rows = monthly_indicators(departure_dossiers(user, starts[0], today), starts, today)
    return rows, totals_by_month(rows, starts)


@dataclass(frozen=True)
class LateDossier:
    dossier: Dossier
    commune_name: str
    days_open: int


def dossiers_open_over_limit(user: User, *, today: date, limit: int = 200) -> list[LateDossier]:
    """W23: the departure dossiers open today more than 30 days after their request, oldest first, to act on."""
    query = (select(Dossier, Commune.name).join(DeliveryPoint, Dossier.delivery_point_id == DeliveryPoint.id)
             .join(Commune).where(Dossier.type.in_(DEPARTURE_TYPES), Dossier.state == "open", counts_as_a_request(),
                                  Dossier.requested_on < today - timedelta(days=OPEN_LIMIT_DAYS))
             .order_by(Dossier.requested_on, Dossier.id).limit(limit))
    if user.role != "admin" and user.utility:
        query = query.where(Commune.utility == user.utility)
    return [LateDossier(d, name, (today - d.requested_on).days) for d, name in db.session.execute(query)]


def indicators_csv(rows: list[MonthRow]) -> bytes:
    """For Excel: decimal comma."""
    return excel_csv(CSV_HEADER, ([row.month.strftime("%Y-%m"), row.commune_code, row.commune_name, row.requested,
                                   row.resolved, "" if row.rate is None else str(row.rate).replace(".", ","),
                                   row.open_over_limit] for row in rows))
