"""The business calendar administered in the office (W19, DESIGN §10): days that differ from the computed
French public holidays, and the setting (working days or calendar days). Nothing stored: the computed
holidays and the configuration's setting apply."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow


class CalendarDay(db.Model):
    """A day off added (local holiday, "pont") or a computed public holiday worked after all."""
    __tablename__ = "calendar_days"
    __table_args__ = (one_of("kind", ("day_off", "worked")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # day_off / worked
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalendarSetting(db.Model):
    """The W19 setting chosen in the office (one row, id 1); it overrides TOURNEE_BUSINESS_CALENDAR."""
    __tablename__ = "calendar_settings"
    __table_args__ = (one_of("calendar", ("fr-working-days", "calendar-days")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
