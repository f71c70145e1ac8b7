"""The business calendar of the procedures' timers (W19): working days without weekends and French
public holidays by default; the setting BUSINESS_CALENDAR chooses it ("fr-working-days" or "calendar-days")."""
from calendar import monthrange
from datetime import date, timedelta
from functools import lru_cache

from flask import current_app, has_app_context

DEFAULT_CALENDAR = "fr-working-days"
CALENDARS = ("fr-working-days", "calendar-days")


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


def configured_calendar() -> str:
    """The calendar chosen by the setting, when an application is running; the default otherwise."""
    if has_app_context():
        return current_app.config.get("BUSINESS_CALENDAR") or DEFAULT_CALENDAR
    return DEFAULT_CALENDAR


def is_working_day(day: date, calendar: str | None = None) -> bool:
    """Monday to Friday and not a French public holiday (every day counts with "calendar-days")."""
    if (calendar or configured_calendar()) == "calendar-days":
        return True
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def add_working_days(start: date, count: int, calendar: str | None = None) -> date:
    """The day `count` working days after `start` (the start day itself is not counted)."""
    calendar = calendar or configured_calendar()
    if calendar not in CALENDARS:
        raise ValueError(f"unknown business calendar {calendar}")
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            left -= 1
    return day
