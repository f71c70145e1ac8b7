"""The network: communes and their service rules, tariffs, delivery points, meters, readings."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, Numeric, String, BigInteger, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import one_of, utcnow

UTILITIES = ("water", "electricity")
POINT_KINDS = ("water", "sewage", "elec_bt", "elec_mt")
POINT_STATES = ("open", "closed", "removed")
CONTACT_ROLES = ("owner", "manager", "agency", "notary", "landlord")
READING_MODES = ("manual", "radio", "remote")
READING_SOURCES = ("customer", "agent", "radio", "remote", "estimated")
SERVICES = ("water", "sewage", "electricity")


class Commune(db.Model):
    """The TPMC facts of a commune: which services the utility runs and its service rules."""
    __tablename__ = "communes"
    __table_args__ = (one_of("utility", UTILITIES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    utility: Mapped[str] = mapped_column(String(16))
    runs_water: Mapped[bool] = mapped_column(Boolean, default=False)
    runs_sewage: Mapped[bool] = mapped_column(Boolean, default=False)
    runs_electricity: Mapped[bool] = mapped_column(Boolean, default=False)
    travel_fee_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    travel_fee_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    water_manager: Mapped[str | None] = mapped_column(String(200))  # who to send the customer to (W1)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")


class Tariff(db.Model):
    __tablename__ = "tariffs"
    __table_args__ = (one_of("service", SERVICES), Index("ix_tariffs_lookup", "commune_id", "service", "valid_from"))

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    service: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[date] = mapped_column(Date)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 4))  # per m3 or per kWh
    subscription_per_year: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("0.055"))


class DeliveryPoint(db.Model):
    """A premises connection (PdS)."""
    __tablename__ = "delivery_points"
    __table_args__ = (one_of("kind", POINT_KINDS), one_of("state", POINT_STATES))

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    address: Mapped[str] = mapped_column(String(255), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))
    individual_house: Mapped[bool] = mapped_column(Boolean, default=False)
    rented: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)
    access_notes: Mapped[str | None] = mapped_column(Text)

    commune: Mapped[Commune] = relationship()
    contacts: Mapped[list["PointContact"]] = relationship(back_populates="point", order_by="PointContact.id")
    meters: Mapped[list["Meter"]] = relationship(back_populates="point", order_by="Meter.id")


class PointContact(db.Model):
    """Owner / manager / agency / notary / social landlord of a delivery point (W6, W18)."""
    __tablename__ = "point_contacts"
    __table_args__ = (one_of("role", CONTACT_ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_point_id: Mapped[int] = mapped_column(ForeignKey("delivery_points.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(255))
    verified_on: Mapped[date | None] = mapped_column(Date)

    point: Mapped[DeliveryPoint] = relationship(back_populates="contacts")


class Meter(db.Model):
    __tablename__ = "meters"
    __table_args__ = (one_of("reading_mode", READING_MODES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    delivery_point_id: Mapped[int] = mapped_column(ForeignKey("delivery_points.id"), index=True)
    dials: Mapped[int] = mapped_column(Integer, default=5)
    reading_mode: Mapped[str] = mapped_column(String(16), default="manual")
    last_seen_on: Mapped[date | None] = mapped_column(Date)  # last time an agent saw it (W3)
    leak_alert: Mapped[bool] = mapped_column(Boolean, default=False)
    consumption_alert: Mapped[bool] = mapped_column(Boolean, default=False)
    installed_on: Mapped[date | None] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)

    point: Mapped[DeliveryPoint] = relationship(back_populates="meters")
    readings: Mapped[list["Reading"]] = relationship(back_populates="meter", order_by="Reading.read_on")


class Reading(db.Model):
    """One index in the meter-readings warehouse (EMC)."""
    __tablename__ = "readings"
    __table_args__ = (one_of("source", READING_SOURCES), Index("ix_readings_meter_date", "meter_id", "read_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"))
    read_on: Mapped[date] = mapped_column(Date)
    index: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16))
    billed: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meter: Mapped[Meter] = relationship(back_populates="readings")
