"""W23 (§4.1): the indicators count customer requests; a DSI confirmed into a DEP is one request. SQLite and
PostgreSQL, data of its own."""
from datetime import timedelta

import pytest

from server.extensions import db
from server.services.intake.departures import WaterDeparture, record_water_departure
from server.services.reporting.indicators import dossiers_open_over_limit, indicators
from tests.integration.flow_world import build_water_world, water_contract
from tests.review_reports import NOW

TODAY = NOW.date()


@pytest.fixture
def agent(app_ctx):
    return build_water_world(TODAY)["agent.eauflux"]


def this_month(agent, today=TODAY):
    _, totals = indicators(agent, today=today, months=1)
    return totals[-1].requested, totals[-1].resolved, totals[-1].open_over_limit


def test_W23_a_dsi_confirmed_into_a_dep_counts_as_one_resolved_request(agent):
    contract = water_contract("WI0001", TODAY)
    dsi = record_water_departure(contract.id, WaterDeparture(kind="announced", departure_on=TODAY),
                                 user=agent, now=NOW)
    assert this_month(agent) == (1, 0, 0)
    dep = record_water_departure(contract.id, WaterDeparture(kind="immediate", departure_on=TODAY, index=1150,
                                                             dsi_id=dsi.id), user=agent, now=NOW)
    db.session.expire_all()
    assert (dsi.state, dep.state, dep.origin_id) == ("closed", "closed", dsi.id)
    assert this_month(agent) == (1, 1, 0)


def test_W23_two_customers_two_requests_and_a_late_confirmed_request_is_late_once(agent):
    first, second = water_contract("WI0002", TODAY), water_contract("WI0003", TODAY)
    long_ago = NOW - timedelta(days=40)
    dsi = record_water_departure(first.id, WaterDeparture(kind="announced", departure_on=long_ago.date()),
                                 user=agent, now=long_ago)
    record_water_departure(first.id, WaterDeparture(kind="immediate", departure_on=TODAY, reading_choice="photo",
                                                    dsi_id=dsi.id), user=agent, now=NOW)
    record_water_departure(second.id, WaterDeparture(kind="immediate", departure_on=TODAY, index=1150),
                           user=agent, now=NOW)
    assert [late.dossier.ref for late in dossiers_open_over_limit(agent, today=TODAY)] == [dsi.ref]
    _, totals = indicators(agent, today=TODAY, months=3)
    assert sum(t.requested for t in totals) == 2 and totals[-1].open_over_limit == 1
