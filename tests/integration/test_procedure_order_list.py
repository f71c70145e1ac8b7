"""The office list of orders: each filter (type, state, commune, date, assignee) narrows the demo orders."""
from datetime import date, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import Commune
from server.services.field.order_lists import OrderFilters, search_orders
from tests.integration.procedure_world import user


def refs(**filters) -> set[str]:
    return {o.ref for o in search_orders(OrderFilters(**filters))}


def test_order_list_filters_by_type_state_commune_date_and_assignee(sqlite_demo_app):
    with sqlite_demo_app.app_context():
        everything = refs()
        assert len(everything) == 8
        assert len(refs(type="READING")) == 4
        assert refs(state="assigned") == everything and refs(state="cancelled") == set()
        cotonou = db.session.scalar(select(Commune).where(Commune.code == "BJ-COT"))
        assert len(refs(commune_id=cotonou.id)) == 3
        assert refs(date_from=date.today(), date_to=date.today()) == everything
        assert refs(date_from=date.today() + timedelta(days=1)) == set()
        assert len(refs(assignee_id=user("tech.eau1").id)) == 4
        assert refs(assignee_id=0) == set()
        assert len(refs(type="READING", assignee_id=user("tech.eau1").id)) == 2
        water = {o.ref for o in search_orders(OrderFilters(), utility="water")}
        assert len(water) == 5
