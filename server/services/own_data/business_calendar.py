"""The business calendar administered in the office (W19, DESIGN §10): per year the public holidays in force
(the computed French ones by default), days off added (a local holiday, a "pont") or computed holidays removed,
and the setting (working days or calendar days). Audited; a day already passed never changes (what was counted
stays counted); after each change the open W19 timers get their due dates on the new calendar."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ...errors import DomainError
from ...extensions import db
from ...models import CalendarDay, CalendarSetting, User
from ..base.audit import record
from ..base.business_calendar import administered_calendar
from ..dossiers.timelines import reschedule_working_day_steps
from ..rules.calendar import CALENDARS, easter_sunday, french_public_holidays

FIRST_YEAR, LAST_YEAR = 2000, 2100
SETTING_LABELS = {"fr-working-days": "Jours ouvrés (hors week-ends et jours fériés)",
                  "calendar-days": "Jours calendaires (tous les jours comptent)"}
FIXED_NAMES = {(1, 1): "Jour de l'an", (5, 1): "Fête du Travail", (5, 8): "Victoire 1945", (7, 14): "Fête nationale",
               (8, 15): "Assomption", (11, 1): "Toussaint", (11, 11): "Armistice 1918", (12, 25): "Noël"}


def computed_holiday_names(year: int) -> dict[date, str]:
    """The French public holidays of `year` with their names."""
    easter = easter_sunday(year)
    names = {date(year, m, d): name for (m, d), name in FIXED_NAMES.items()}
    names.update({easter + timedelta(days=1): "Lundi de Pâques", easter + timedelta(days=39): "Ascension",
                  easter + timedelta(days=50): "Lundi de Pentecôte"})
    assert set(names) == french_public_holidays(year)
    return names


@dataclass
class Holiday:
    day: date
    name: str
    origin: str  # "computed" (French public holiday) or "added" (by the office)


@dataclass
class CalendarYear:
    year: int
    holidays: list[Holiday]      # in force, by date
    removed: list[Holiday]       # computed holidays worked this year
    setting: str                 # in force
    setting_stored: bool         # chosen in the office (else the configuration's)


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"Année hors limites : choisissez une année entre {FIRST_YEAR} et {LAST_YEAR}.")
    return year


def calendar_year(year: int, default_setting: str | None) -> CalendarYear:
    """What the page shows for `year`."""
    check_year(year)
    calendar = administered_calendar(default_setting)
    names = computed_holiday_names(year)
    labels = dict(db.session.execute(select(CalendarDay.day, CalendarDay.label).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))).all())
    holidays = [Holiday(day, names.get(day) or labels.get(day) or "Jour chômé", "computed" if day in names else "added")
                for day in sorted(calendar.holidays(year))]
    removed = [Holiday(day, names[day], "computed") for day in sorted(names) if day in calendar.days_worked]
    stored = db.session.scalar(select(CalendarSetting.calendar).where(CalendarSetting.id == 1))
    return CalendarYear(year, holidays, removed, calendar.setting, stored is not None)


def _check_day(year: int, day: date, today: date) -> None:
    check_year(year)
    if day.year != year:
        raise DomainError(f"La date du {day:%d/%m/%Y} n'est pas dans l'année {year}.")
    if day < today:
        raise DomainError("Un jour déjà passé ne change plus : ce qui a été compté reste compté.")


def _stored(day: date) -> CalendarDay | None:
    return db.session.scalar(select(CalendarDay).where(CalendarDay.day == day))


def add_day_off(year: int, day: date, label: str | None, *, by: User, now: datetime, today: date) -> None:
    """A day off in `year` (or a computed holiday removed earlier, put back); audited."""
    _check_day(year, day, today)
    label = (label or "").strip() or None
    stored = _stored(day)
    if day in french_public_holidays(year):
        if stored is None or stored.kind != "worked":
            raise DomainError(f"Le {day:%d/%m/%Y} est déjà un jour férié.")
        db.session.delete(stored)  # the computed holiday is back
    elif stored is not None:
        raise DomainError(f"Le {day:%d/%m/%Y} est déjà un jour chômé.")
    elif day.weekday() >= 5:
        raise DomainError(f"Le {day:%d/%m/%Y} est un {'samedi' if day.weekday() == 5 else 'dimanche'} : "
                          "il n'est déjà pas ouvré.")
    else:
        db.session.add(CalendarDay(day=day, kind="day_off", label=label, created_at=now))
    record("add_calendar_day_off", "calendar_day", day.isoformat(), user=by, at=now, label=label)
    _after_change()


def remove_day_off(year: int, day: date, *, by: User, now: datetime, today: date) -> None:
    """A holiday in force in `year` becomes a working day (an added day off, or a computed holiday); audited."""
    _check_day(year, day, today)
    stored = _stored(day)
    if stored is not None and stored.kind == "day_off":
        db.session.delete(stored)
    elif stored is None and day in french_public_holidays(year):
        db.session.add(CalendarDay(day=day, kind="worked", created_at=now))
    else:
        raise DomainError(f"Le {day:%d/%m/%Y} n'est pas un jour férié en vigueur.")
    record("remove_calendar_day_off", "calendar_day", day.isoformat(), user=by, at=now)
    _after_change()


def set_setting(setting: str, *, by: User, now: datetime, default_setting: str | None) -> None:
    """W19: count working days or calendar days; audited with the old and new values."""
    if setting not in CALENDARS:
        raise DomainError("Choisissez jours ouvrés ou jours calendaires.")
    row = db.session.get(CalendarSetting, 1)
    before = row.calendar if row else (default_setting or "fr-working-days")
    if row is None:
        db.session.add(CalendarSetting(id=1, calendar=setting, updated_at=now))
    elif row.calendar != setting:
        row.calendar, row.updated_at = setting, now
    if row is None or before != setting:
        record("set_business_calendar", "calendar_setting", 1, user=by, at=now, changes={"calendar": [before, setting]})
    _after_change()


def _after_change() -> None:
    db.session.flush()
    reschedule_working_day_steps()
    db.session.commit()
