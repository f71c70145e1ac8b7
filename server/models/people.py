"""People: office and field users, customers and prospects."""
from datetime import datetime, time

from sqlalchemy import Boolean, DateTime, Float, Integer, String, Time, UniqueConstraint, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import one_of, utcnow

ROLES = ("agent", "chief", "technician", "controller", "cashier", "admin")
CUSTOMER_STATUSES = ("customer", "prospect")
CUSTOMER_KINDS = ("person", "organisation")


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    utility: Mapped[str | None] = mapped_column(String(16))  # water / electricity / None = both
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set by an admin's password reset: the user chooses their own password before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Bumped to revoke every session of the user: the session cookie carries it (PITFALLS 17).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    chief_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A chief's countersignature code for the tablet (PROTOCOL §8): the PBKDF2 key derived from it
    # (the server must check the tablet's HMAC proof, so it keeps the key, never the code itself).
    countersign_salt: Mapped[str | None] = mapped_column(String(32))
    countersign_iterations: Mapped[int | None] = mapped_column(Integer)
    countersign_key: Mapped[str | None] = mapped_column(String(64))
    countersign_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    countersign_failures: Mapped[int] = mapped_column(Integer, default=0)
    countersign_locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A technician's day for the planner (issue 17): hours in the utility's local time, where the round
    # starts, skills beyond the utility (comma-separated, e.g. "ARPNT" for meter removals), a cap of visits.
    work_start: Mapped[time | None] = mapped_column(Time)
    work_end: Mapped[time | None] = mapped_column(Time)
    start_lat: Mapped[float | None] = mapped_column(Float)
    start_lon: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[str | None] = mapped_column(String(64))
    round_cap: Mapped[int | None] = mapped_column(Integer)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class CountersignGuesses(db.Model):
    """Wrong countersignature proofs of one technician's tablets against one chief's current code (its salt):
    MAX_FAILURES of them lock the code for that technician only; a new code (a new salt) starts afresh."""
    __tablename__ = "countersign_guesses"
    __table_args__ = (UniqueConstraint("chief_id", "technician_id", name="uq_countersign_guesses_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chief_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    technician_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(db.Model):
    """Failed sign-ins, counted per login and per address to rate-limit guessing."""
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Customer(db.Model):
    """An actor: a customer holding contracts, or a prospect (known successor not yet subscribed)."""
    __tablename__ = "customers"
    __table_args__ = (one_of("status", CUSTOMER_STATUSES), one_of("kind", CUSTOMER_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")
    status: Mapped[str] = mapped_column(String(16), default="customer")
    title: Mapped[str | None] = mapped_column(String(20))
    last_name: Mapped[str] = mapped_column(String(120), index=True)
    first_name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(32))
    postal_address: Mapped[str | None] = mapped_column(String(255))
    identity_document: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # W24: personal data replaced by a pseudonym once the retention after the last contract ended is over.
    pseudonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def display_name(self) -> str:
        parts = [self.title, self.first_name, self.last_name]
        return " ".join(p for p in parts if p)

    @property
    def full_name(self) -> str:
        """First and last name, as a bank account or an identity document holds them."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)
