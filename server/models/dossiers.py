"""Dossiers (case files) with their event timeline, and the back office's tasks."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import one_of, utcnow

DOSSIER_TYPES = ("DSI", "DEP", "ASI", "INF_TELE")
DOSSIER_STATES = ("open", "closed", "treated", "cancelled")
ASI_BRANCHES = ("predecessor", "third_party", "field", "vacant")
TASK_STATES = ("open", "done", "cancelled")


class Dossier(db.Model):
    __tablename__ = "dossiers"
    __table_args__ = (
        one_of("type", DOSSIER_TYPES),
        one_of("state", DOSSIER_STATES),
        # Timers of the procedures scan open dossiers by type and due date.
        Index("ix_dossiers_type_state_due", "type", "state", "due_on"),
        # The work queue's dossiers late on their timeline: a range on the day each timeline starts from.
        Index("ix_dossiers_type_state_requested", "type", "state", "requested_on"),
        Index("ix_dossiers_type_state_planned", "type", "state", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(10))
    branch: Mapped[str | None] = mapped_column(String(16))  # ASI only
    state: Mapped[str] = mapped_column(String(16), default="open")
    utility: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    delivery_point_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_points.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    planned_on: Mapped[date | None] = mapped_column(Date)  # DSI: announced departure date
    due_on: Mapped[date | None] = mapped_column(Date)  # next timer step, None when nothing is due
    step: Mapped[str | None] = mapped_column(String(32))  # where the timeline stands
    closed_on: Mapped[date | None] = mapped_column(Date)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # The dossier this one continues (a DEP confirming an announced departure, DSI): the same customer
    # request, counted once by the indicators (W23).
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    events: Mapped[list["DossierEvent"]] = relationship(order_by="DossierEvent.id", back_populates="dossier")
    tasks: Mapped[list["Task"]] = relationship(order_by="Task.id", back_populates="dossier")


class DossierEvent(db.Model):
    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="events")


class Task(db.Model):
    """A piece of work for the back office, e.g. "Analyser le départ annoncé" (W8)."""
    __tablename__ = "tasks"
    __table_args__ = (one_of("state", TASK_STATES), Index("ix_tasks_role_state", "role", "state"),
                      Index("ix_tasks_role_state_due", "role", "state", "due_on", "id"))  # the task list, paged

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    state: Mapped[str] = mapped_column(String(16), default="open")
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(40))

    dossier: Mapped[Dossier | None] = relationship(back_populates="tasks")
