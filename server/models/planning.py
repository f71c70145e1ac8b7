"""Round proposals of the planner (issue 17): what the solver proposed for a day, shown to the chief
before anything changes, then accepted whole or per technician."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow


class RoundProposal(db.Model):
    __tablename__ = "round_proposals"
    __table_args__ = (one_of("state", ("proposed", "applied", "dismissed")), Index("ix_round_proposals_chief_day", "chief_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chief_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)
    utility: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed / applied / dismissed
    replan: Mapped[bool] = mapped_column(Boolean, default=False)  # "Replanifier" during the day
    allow_moving: Mapped[bool] = mapped_column(Boolean, default=False)  # orders on a tablet may move
    # {"rounds": [{"technician", "orders": [{"order", "arrival", "window", "at_risk"}], "km", "current_km"}],
    #  "unplanned": [{"order", "reason"}], "km", "current_km"}; arrivals are minutes since local midnight.
    content: Mapped[dict] = mapped_column(JSON)
    accepted: Mapped[list] = mapped_column(JSON, default=list)  # technicians whose round was applied
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
