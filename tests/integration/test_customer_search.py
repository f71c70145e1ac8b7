"""Customer search on a migrated database: finds by name, address, reference, serial and contract, and
every lookup it runs is served by an index (no full scan of customers, contracts or meters)."""
import re
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import Contract, Customer, DeliveryPoint, Meter, User
from server.services.intake.customers import search_customers
from tests.statements import statements_of


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_demo(request, tmp_path):
    if request.param == "sqlite":
        url, pg, name = f"sqlite:///{tmp_path / 's.sqlite3'}", None, None
    else:
        pg = request.getfixturevalue("pg_databases")
        name, url = pg.create()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        from server.services.base.seeding import load_demo
        load_demo(date(2026, 12, 5))
        yield app
        db.session.remove()
        db.engine.dispose()
    if pg:
        pg.drop(name)


def _plans(statements):
    plans = []
    with db.engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")  # a scan still chosen means: no usable index
        for statement, parameters in statements:
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plans.append("\n".join(" ".join(str(c) for c in row) for row in rows))
    return postgres, plans


def _admin() -> User:
    """Searches are scoped to the user's utility (issue 12): the admin sees both, as these lookups need."""
    return db.session.scalar(select(User).where(User.role == "admin"))


def _sample():
    point = db.session.scalars(select(DeliveryPoint).order_by(DeliveryPoint.id)).first()
    contract = db.session.scalars(select(Contract).where(Contract.delivery_point_id == point.id)).first()
    meter = db.session.scalars(select(Meter).where(Meter.delivery_point_id == point.id)).first()
    return contract.customer, contract, meter


def test_search_finds_by_each_criterion(migrated_demo):
    customer, contract, meter = _sample()
    for query in (customer.last_name, customer.last_name[:4].lower(), customer.ref, customer.ref[:6].lower(),
                  contract.number, contract.number[:7], meter.serial, meter.serial[:5]):
        assert customer.id in {c.id for c in search_customers(query, _admin())}, query
    street = " ".join(contract.point.address.split(",")[0].split()[1:])  # "rue des Tilleuls"
    found = search_customers(street, _admin())
    assert found and all(any(street.lower() in p.address.lower() for p in _points(c)) for c in found)
    assert search_customers("zzzz-nobody", _admin()) == [] and search_customers("%%", _admin()) == []


def _points(customer: Customer):
    return [k.point for k in db.session.scalars(select(Contract).where(Contract.customer_id == customer.id))]


def test_every_search_lookup_is_served_by_an_index(migrated_demo):
    customer, contract, meter = _sample()
    admin = _admin()
    for query in (customer.last_name, contract.number, meter.serial, "rue des"):
        found, statements = statements_of(lambda: search_customers(query, admin))
        assert found and statements
        postgres, plans = _plans(statements)
        for plan in plans:
            if postgres:
                assert "Seq Scan" not in plan, plan
            else:
                # only the address lookup may scan (its one table, stopped at the limit)
                assert not re.search(r"\bSCAN (customers|contracts|meters)\b", plan), plan


def test_a_code_is_not_looked_up_among_names_and_addresses_but_a_numbered_address_is(migrated_demo):
    """Issue 14: a single word with a digit is a reference, a serial or a contract number; the trigram
    lookups of names and addresses (those that grow with the customers) are spared for it."""
    customer, contract, meter = _sample()
    admin = _admin()
    for code in (contract.number, meter.serial, customer.ref):
        found, statements = statements_of(lambda: search_customers(code, admin))
        assert customer.id in {c.id for c in found}, code
        lookups = " ".join(statement for statement, _ in statements[:-1])  # the last one reads the customers found
        assert "customers.id" in lookups and not re.search(r"last_name|first_name|address", lookups), code
    numbered = contract.point.address.split(",")[0]  # "12 rue des Tilleuls"
    found, statements = statements_of(lambda: search_customers(numbered, admin))
    assert customer.id in {c.id for c in found} and any("address" in s for s, _ in statements)
