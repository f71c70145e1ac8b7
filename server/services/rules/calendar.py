"""The business calendar of the procedures' timers (W19): working days without weekends and French
public holidays by default; the setting BUSINESS_CALENDAR chooses it ("fr-working-days" or "calendar-days").

The office administers it (days off added, computed holidays removed, the setting): those arrive here as plain
values (a `BusinessCalendar`), passed as an argument or returned by the one provider function the app registers
under `current_app.extensions[PROVIDER]`; nothing here reads the database."""
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable

from flask import current_app, has_app_context

DEFAULT_CALENDAR = "fr-working-days"
CALENDARS = ("fr-working-days", "calendar-days")
PROVIDER = "tournee.business_calendar"  # app.extensions key of the administered calendar's provider


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it has no such day): W3's
    "12 months" are calendar months, right across a leap day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


@lru_cache(maxsize=64)
def french_public_holidays(year: int) -> frozenset[date]:
    """The eleven French public holidays: eight fixed ones and three that follow Easter."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + timedelta(days=1), easter + timedelta(days=39), easter + timedelta(days=50)]
    return frozenset([date(year, m, d) for m, d in fixed] + moving)


def public_holidays(year: int, days_off: Iterable[date] = (), days_worked: Iterable[date] = ()) -> frozenset[date]:
    """The holidays in force in `year`: the computed French ones, plus the days off added, minus the computed
    holidays removed (only the given days of that year count)."""
    added = {day for day in days_off if day.year == year}
    removed = {day for day in days_worked if day.year == year}
    return (french_public_holidays(year) - removed) | added


@dataclass(frozen=True)
class BusinessCalendar:
    """A business calendar as plain values: the W19 setting, the days off added to the computed French
    holidays (a local holiday, a "pont") and the computed holidays worked after all."""
    setting: str = DEFAULT_CALENDAR
    days_off: frozenset[date] = frozenset()
    days_worked: frozenset[date] = frozenset()

    def __post_init__(self):
        if self.setting not in CALENDARS:
            raise ValueError(f"unknown business calendar {self.setting}")

    def holidays(self, year: int) -> frozenset[date]:
        return public_holidays(year, self.days_off, self.days_worked)

    def is_working_day(self, day: date) -> bool:
        if self.setting == "calendar-days":
            return True
        return day.weekday() < 5 and day not in self.holidays(day.year)


def configured_setting() -> str:
    """The setting of the app's configuration, when an application is running; the default otherwise."""
    if has_app_context():
        return current_app.config.get("BUSINESS_CALENDAR") or DEFAULT_CALENDAR
    return DEFAULT_CALENDAR


def calendar_in_force(calendar: "str | BusinessCalendar | None" = None) -> BusinessCalendar:
    """The calendar to count with: the one given (a setting name gives the computed holidays only), else the
    administered one from the app's provider, else the configuration's setting."""
    if isinstance(calendar, BusinessCalendar):
        return calendar
    if calendar:
        return BusinessCalendar(calendar)
    if has_app_context():
        provider = current_app.extensions.get(PROVIDER)
        if provider is not None:
            return provider()
    return BusinessCalendar(configured_setting())


def configured_calendar() -> str:
    """The setting in force ("fr-working-days" or "calendar-days")."""
    return calendar_in_force().setting


def is_working_day(day: date, calendar: "str | BusinessCalendar | None" = None) -> bool:
    """Monday to Friday and not a public holiday in force (every day counts with "calendar-days")."""
    return calendar_in_force(calendar).is_working_day(day)


def add_working_days(start: date, count: int, calendar: "str | BusinessCalendar | None" = None) -> date:
    """The day `count` working days after `start` (the start day itself is not counted)."""
    calendar = calendar_in_force(calendar)
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day
