"""The demo data set of both utilities carries every case the procedures need."""
from datetime import date, timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.models import Commune, Contract, DeliveryPoint, Dossier, Meter, Order, Reading, User
from server.models.people import ROLES


def count(stmt):
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def test_demo_has_both_utilities_and_the_commune_cases(demo_ctx):
    communes = list(db.session.scalars(select(Commune)))
    water = [c for c in communes if c.utility == "water"]
    assert any(c.runs_water and c.runs_sewage and c.travel_fee_allowed and c.travel_fee_amount > 0 for c in water)
    assert any(c.runs_sewage and not c.runs_water and c.water_manager for c in water)
    assert any(c.runs_water and not c.travel_fee_allowed for c in water)
    assert any(c.utility == "electricity" for c in communes)


def test_demo_has_about_200_points_with_every_reading_mode(demo_ctx):
    assert 180 <= count(select(DeliveryPoint)) <= 250
    modes = set(db.session.scalars(select(Meter.reading_mode).distinct()))
    assert modes == {"manual", "radio", "remote"}
    assert count(select(Contract).where(Contract.voltage == "BT")) > 0
    assert count(select(Contract).where(Contract.voltage == "MT")) > 0


def test_demo_readings_cover_a_year_and_the_awkward_cases(demo_ctx):
    today = date.today()
    span = db.session.execute(select(func.min(Reading.read_on), func.max(Reading.read_on))).one()
    assert (span[1] - span[0]).days >= 365
    year_ago = today - timedelta(days=365)
    unseen = count(select(Meter).where(Meter.reading_mode == "manual",
                                       (Meter.last_seen_on < year_ago) | Meter.last_seen_on.is_(None)))
    assert unseen > 0
    recent = select(Reading.meter_id).where(Reading.read_on > today - timedelta(days=90))
    remote_with_gap = count(select(Meter).where(Meter.reading_mode == "remote", Meter.id.not_in(recent)))
    assert remote_with_gap > 0


def test_demo_contracts_have_prepaid_direct_debit_and_deposits(demo_ctx):
    assert count(select(Contract).where(Contract.prepaid_until.is_not(None))) > 0
    assert count(select(Contract).where(Contract.direct_debit.is_(True))) > 0
    assert count(select(Contract).where(Contract.deposit_amount > 0, Contract.deposit_payer_name.is_not(None))) > 0


def test_demo_has_users_for_every_role_and_open_work(demo_ctx):
    assert set(db.session.scalars(select(User.role).distinct())) == set(ROLES)
    assert count(select(Dossier).where(Dossier.state == "open")) > 0
    assert count(select(Order).where(Order.assignee_id.is_not(None))) > 0
