"""When an open dossier is late on its own timeline (DESIGN §4), for the office's work queue and its list.

Each kind of dossier has the day its procedure expects the office to have dealt with it, computed by the rules'
own due-day functions: an announced departure by day 30 after the planned date (W8, W10: the analysis and the
call), a vacant dwelling by working day 30 (W19: the CEO11 closure), an electricity termination by its
termination date (E10: the removal), any other dossier within 30 days of the request (W23). The database finds
them through indexes on the day each timeline starts from: since a due day never comes earlier for a later start,
"due by today" is "started on or before the latest start whose due day has come", one range per timeline."""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import and_, false, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from ...models import Dossier
from ..rules.calendar import BusinessCalendar, calendar_in_force
from ..rules.departure_rules import analysis_day, open_limit_day, vacant_closure_day


@dataclass(frozen=True)
class Timeline:
    what: str                                                   # what is due, in French, for the list
    kinds: Callable[[], list[ColumnElement]]                    # which dossiers follow it, one type each
    starts_on: InstrumentedAttribute                            # the day it counts from
    due_day: Callable[[date, BusinessCalendar], date]           # the rules' due day from that start
    applies: Callable[[Dossier], bool]                          # the same as `kinds`, for one loaded dossier


TIMELINES = (
    Timeline("analyse du départ annoncé sans nouvelles (jour 30)", lambda: [Dossier.type == "DSI"], Dossier.planned_on,
             lambda start, calendar: analysis_day(start), lambda d: d.type == "DSI"),
    Timeline("fermeture du logement vacant (30e jour ouvré)",
             lambda: [and_(Dossier.type == "ASI", Dossier.branch == "vacant")], Dossier.requested_on,
             vacant_closure_day, lambda d: d.type == "ASI" and d.branch == "vacant"),
    Timeline("dépose du compteur à la date de résiliation",
             lambda: [and_(Dossier.type == "DEP", Dossier.step == "awaiting_removal")], Dossier.due_on,
             lambda start, calendar: start, lambda d: d.type == "DEP" and d.step == "awaiting_removal"),
    Timeline("dossier ouvert depuis plus de 30 jours",
             lambda: [Dossier.type == "INF_TELE",
                      and_(Dossier.type == "ASI", Dossier.branch.is_distinct_from("vacant")),
                      and_(Dossier.type == "DEP", Dossier.step.is_distinct_from("awaiting_removal"))],
             Dossier.requested_on, lambda start, calendar: open_limit_day(start), lambda d: True),
)
LOOK_BACK_DAYS = 400  # longer than any timeline (30 working days with a year's holidays)


def timeline_of(dossier: Dossier) -> Timeline:
    return next(timeline for timeline in TIMELINES if timeline.applies(dossier))


def deadline_of(dossier: Dossier, calendar: str | BusinessCalendar | None = None) -> date | None:
    """The day by which the dossier's timeline expects it dealt with (None: its timeline has not started)."""
    timeline = timeline_of(dossier)
    start = getattr(dossier, timeline.starts_on.key)
    return timeline.due_day(start, calendar_in_force(calendar)) if start else None


def deadlines_of(dossiers, calendar: str | BusinessCalendar | None = None) -> dict[int, tuple[date | None, str]]:
    """Per dossier id, its timeline's due day and what is due then (the list of late dossiers shows them)."""
    calendar = calendar_in_force(calendar)
    return {d.id: (deadline_of(d, calendar), timeline_of(d).what) for d in dossiers}


def latest_start_due_by(timeline: Timeline, today: date, calendar: BusinessCalendar) -> date | None:
    """The latest start day whose due day has come by `today` (due days never come earlier for a later start)."""
    start = today
    while start > today - timedelta(days=LOOK_BACK_DAYS):
        if timeline.due_day(start, calendar) <= today:
            return start
        start -= timedelta(days=1)
    return None


def overdue_on(today: date, calendar: str | BusinessCalendar | None = None) -> ColumnElement:
    """Which open dossiers are late on their own timeline on `today` (their due day has come), as a condition
    each of whose branches is a range on an indexed (type, state, start day)."""
    calendar = calendar_in_force(calendar)
    branches = []
    for timeline in TIMELINES:
        latest = latest_start_due_by(timeline, today, calendar)
        if latest is not None:
            branches += [and_(kind, Dossier.state == "open", timeline.starts_on <= latest) for kind in timeline.kinds()]
    return or_(*branches) if branches else false()
