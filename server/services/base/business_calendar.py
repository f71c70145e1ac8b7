"""The business calendar in force (W19), read from what the office administered: the provider the app
registers for `rules.calendar` (the rules stay pure, they receive plain values). Nothing stored: the computed
French holidays and the configuration's setting."""
from sqlalchemy import select

from ...extensions import db
from ...models import CalendarDay, CalendarSetting
from ..rules.calendar import BusinessCalendar


def administered_calendar(default_setting: str | None) -> BusinessCalendar:
    """The stored setting (else `default_setting`, the configuration's) and the stored days (a small table)."""
    stored = db.session.scalar(select(CalendarSetting.calendar).where(CalendarSetting.id == 1))
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    return BusinessCalendar(stored or default_setting or "fr-working-days",
                            frozenset(r.day for r in rows if r.kind == "day_off"),
                            frozenset(r.day for r in rows if r.kind == "worked"))
