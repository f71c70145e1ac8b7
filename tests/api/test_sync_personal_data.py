"""W24: a tablet receives only the personal data its procedure needs."""
import json

from sqlalchemy import select

from server.extensions import db
from server.models import Contract, Customer, Order, PointContact, User

FORBIDDEN_KEYS = {"email", "iban", "mobile", "postal_address", "identity_document", "deposit_amount",
                  "deposit_payer_name", "deposit_payer_identity", "billing_address", "direct_debit", "first_name",
                  "last_name", "customer"}


def keys_of(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys_of(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_of(inner)


def test_W24_pull_carries_no_customer_data_beyond_what_the_field_needs(sqlite_demo_app):
    client = sqlite_demo_app.test_client()
    enrolled = client.post("/api/v1/devices", json={"login": "tech.eau1", "password": "tournee2026",
                                                    "device_name": "Tablette W24"})
    assert enrolled.status_code == 201
    answer = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {enrolled.get_json()['token']}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["orders"], "the technician has a round in the demo data"
    orders = [o for o in body["orders"]]
    assert not FORBIDDEN_KEYS & set(keys_of(orders))
    text = json.dumps(orders, ensure_ascii=False)
    with sqlite_demo_app.app_context():
        tech = db.session.scalar(select(User).where(User.login == "tech.eau1"))
        points = [o.delivery_point_id for o in db.session.scalars(select(Order).where(Order.assignee_id == tech.id))]
        holders = db.session.scalars(select(Customer).join(Contract, Contract.customer_id == Customer.id)
                                     .where(Contract.delivery_point_id.in_(points)))
        for customer in holders:
            for private in (customer.email, customer.mobile, customer.postal_address):
                assert not private or private not in text, f"{private} sent to the tablet"
        ibans = db.session.scalars(select(Contract.iban).where(Contract.delivery_point_id.in_(points)))
        for iban in ibans:
            assert not iban or iban not in text
        for order in body["orders"]:
            for contact in order["contacts"]:
                assert set(contact) == {"role", "name", "phone"}
        # Owner contacts go only with the orders whose procedure needs them (closure, investigation).
        reading_points = [o["id"] for o in orders if o["type"] == "READING"]
        assert all(not o["contacts"] for o in orders if o["id"] in reading_points)
        assert db.session.scalar(select(PointContact.id).limit(1)) is not None
