"""Moments as people read them: stored in UTC (SQLite hands them back naive), shown in the local time of
the utility they concern (water in France, electricity in Benin: config TIME_ZONES)."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def utility_zone(utility: str | None) -> ZoneInfo:
    """The utility's time zone; the product's default (TIMEZONE) for none or both."""
    return ZoneInfo(current_app.config["TIME_ZONES"].get(utility) or current_app.config["TIMEZONE"])


def in_utility_zone(moment: datetime | None, utility: str | None) -> datetime | None:
    return None if moment is None else as_utc(moment).astimezone(utility_zone(utility))


def local_day(moment: datetime, utility: str | None) -> date:
    """The utility's calendar day at that moment (W10: day counts never use the UTC date)."""
    return in_utility_zone(moment, utility).date()
