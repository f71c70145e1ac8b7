"""The money and termination edges of both procedures (issue 11, DESIGN.md §4.1), each on a world of its
own with fixed dates so that every invoice line is checked to the cent (EUR) or the franc (XOF), on SQLite
and PostgreSQL."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.errors import DomainError
from server.extensions import db
from server.models import AuditEntry, Reading
from server.services.closing.invoices import cancel_invoice, issue_closing_invoice, last_billed_reading
from server.services.intake.departures import WaterDeparture, record_water_departure
from tests.integration.money_world import (add_contract, at, build_world, invoices_of, lines_of, periodic_invoice)


@pytest.fixture
def world(app_ctx):
    return build_world()


def water_departure(world, contract, on: date, **kw):
    return record_water_departure(contract.id, WaterDeparture(**kw), user=world.user("agent.w"), now=at(on))


def test_W20_contest_when_we_failed_to_terminate_bills_up_to_the_real_index_and_refunds_a_paid_bill_once(world):
    c = add_contract(world, "AB-W20", readings=[(date(2026, 1, 15), 1000, True), (date(2026, 7, 15), 1060, True),
                                                (date(2026, 10, 15), 1100, True)])
    kept = periodic_invoice(c, "FP-0", issued_on=date(2026, 1, 20), reading=(date(2026, 1, 15), 1000),
                            total="80.00", paid=True)
    dsi = water_departure(world, c, date(2026, 6, 1), kind="announced", departure_on=date(2026, 6, 10),
                          email="a@example.org", mobile="0611")
    paid = periodic_invoice(c, "FP-1", issued_on=date(2026, 7, 20), reading=(date(2026, 7, 15), 1060),
                            total="120.00", paid=True)
    unpaid = periodic_invoice(c, "FP-2", issued_on=date(2026, 10, 20), reading=(date(2026, 10, 15), 1100),
                              total="90.00", paid=False)

    dep = water_departure(world, c, date(2026, 11, 20), kind="contest", departure_on=date(2026, 6, 10), index=1030)

    assert (kept.state, paid.state, unpaid.state) == ("paid", "cancelled", "cancelled")
    assert (c.state, c.end_on, dsi.state, dep.state) == ("terminated", date(2026, 6, 10), "closed", "closed")
    [closing] = invoices_of(c, "closing", "credit_note")
    assert (closing.kind, closing.period_start, closing.period_end) == ("closing", date(2026, 1, 15), date(2026, 6, 10))
    assert lines_of(closing) == [
        ("30", "2.1000", "63.00"),        # 1000 → 1030: from the last valid billed index, cancelled ones ignored
        ("146", "0.1315", "19.20"),       # subscription 15/01 → 10/06
        ("82.20", "0.0550", "4.52"),      # VAT 5.5 %
        ("1", "-120.00", "-120.00"),      # FP-1 was paid: refunded once; FP-2 unpaid: just cancelled
    ]
    assert "FP-1" in closing.lines[3]["label"] and closing.total == Decimal("-33.28")
    assert any("-33.28" in e.message or "33.28 EUR à rembourser" in e.message for e in dep.events)
    assert last_billed_reading(c.point.meters[0]).read_on == date(2026, 6, 10)
    billed = {r.read_on: r.billed for r in db.session.scalars(select(Reading).where(Reading.meter_id == c.point.meters[0].id))}
    assert billed == {date(2026, 1, 15): True, date(2026, 6, 10): True, date(2026, 7, 15): False,
                      date(2026, 10, 15): False}
    refunds = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel_invoice")).all()
    assert sorted((a.details["number"], a.details["refund_due"]) for a in refunds) == [("FP-1", True), ("FP-2", False)]

    # redoing the closing (an error corrected) carries the refund again on the one live invoice, never twice
    cancel_invoice(closing, "Index corrigé", user=world.user("agent.w"), now=at(date(2026, 11, 21)))
    again = issue_closing_invoice(c, end_on=date(2026, 6, 10), index=1030, read_on=date(2026, 6, 10),
                                  source="customer", travel_fee=False, now=at(date(2026, 11, 21)))
    live = [i for i in invoices_of(c, "closing", "credit_note") if i.state != "cancelled"]
    assert live == [again] and again.total == Decimal("-33.28")
    assert sum("FP-1" in line["label"] for i in live for line in i.lines) == 1
    with pytest.raises(DomainError):
        water_departure(world, c, date(2026, 11, 22), kind="contest", departure_on=date(2026, 6, 10), index=1030)
